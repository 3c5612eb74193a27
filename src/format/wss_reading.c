/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss_reading: one window's result (wss_reading.h). */
#include "config.h"
#include "wss_reading.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

double pfx_wss_window_s(const struct pfx_wss_reading *r)
{
	double reset_mid = ((double)r->reset_start_ns + (double)r->reset_end_ns) / 2;
	double read_mid = ((double)r->read_start_ns + (double)r->read_end_ns) / 2;

	return (read_mid - reset_mid) / 1e9;
}

void pfx_wss_reading_clear(struct pfx_wss_reading *r)
{
	for (size_t i = 0; i < r->n_mappings; i++)
		free(r->mappings[i].name);
	free(r->mappings);
	memset(r, 0, sizeof(*r));
}

void pfx_wss_reading_clear_results(struct pfx_wss_reading *r)
{
	uint64_t times[4] = { r->reset_start_ns, r->reset_end_ns, r->read_start_ns, r->read_end_ns };

	pfx_wss_reading_clear(r);
	r->reset_start_ns = times[0];
	r->reset_end_ns = times[1];
	r->read_start_ns = times[2];
	r->read_end_ns = times[3];
}

int pfx_wss_reading_add_mapping(struct pfx_wss_reading *r, uint64_t start, uint64_t end,
				const char *name, const struct pfx_wss_bytes *bytes)
{
	struct pfx_wss_mapping *m;

	if (PFX_GROW(r->mappings, r->mappings_cap, r->n_mappings + 1, 64))
		return -ENOMEM;
	m = &r->mappings[r->n_mappings];
	m->name = strdup(name ? name : "");
	if (!m->name)
		return -ENOMEM;
	m->start = start;
	m->end = end;
	m->bytes = *bytes;
	r->n_mappings++;
	return 0;
}
