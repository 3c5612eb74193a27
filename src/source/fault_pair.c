/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault_pair: a fault's entry and completion paired (fault_pair.h). */
#include "fault_pair.h"

bool pfx_fault_pair_entry(struct pfx_fault_pending *p, const struct pfx_sample_event *ev)
{
	bool waiting = p->valid;

	*p = (struct pfx_fault_pending){ .valid = true, .time = ev->time, .addr = ev->addr,
					 .error_code = ev->error_code, .has_error_code = ev->has_error_code };
	return waiting;
}

bool pfx_fault_pair_complete(struct pfx_fault_pending *p, const struct pfx_sample_event *ev,
			     uint64_t page_mask, uint64_t *lat_ns)
{
	if (!p->valid || ((p->addr ^ ev->addr) & page_mask) != 0 || ev->time < p->time)
		return false;
	*lat_ns = ev->time - p->time;
	p->valid = false;
	return true;
}
