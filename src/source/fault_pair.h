/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault_pair: a fault's entry (FAULT_ENTRY: the page_fault_user
 * tracepoint, or page-faults) paired with its completion (FAULT) on one
 * thread, the time between them its latency.  One rule for every user of
 * a source's events: 'pfx record' (recorder: the latency of each fault in
 * the file) and 'pfx try' (the time in faults of a run, summed). */
#ifndef PFX_FAULT_PAIR_H
#define PFX_FAULT_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "fault_event.h"

/* A thread's fault entry waiting for its completion. */
struct pfx_fault_pending {
	bool valid;
	bool has_error_code;	/* the tracepoint's entry; page-faults has none */
	uint64_t time, addr, error_code;
};

/* Note the entry ev of p's thread.  True when an entry was still waiting:
 * that fault never completed as a counted one (it failed, or was a
 * spurious or retried one). */
bool pfx_fault_pair_entry(struct pfx_fault_pending *p, const struct pfx_sample_event *ev);

/* The completion ev of p's thread: when the waiting entry is of its page
 * (page_mask: ~(page size - 1)) and not after it, its latency in ns
 * (*lat_ns) and true, the entry taken; else false, the entry left waiting
 * (a completion without an entry: a fault in kernel mode, one whose entry
 * was lost). */
bool pfx_fault_pair_complete(struct pfx_fault_pending *p, const struct pfx_sample_event *ev,
			     uint64_t page_mask, uint64_t *lat_ns);

#endif
