/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timeline: faults per time bin and kind column (fault_kind.h), in one
 * pass without keeping the faults, for the rate chart.
 *
 * Faults are first counted in PFX_TIMELINE_FINE fine bins of a power of
 * ten (1 us at first), made ten times wider whenever a fault lies beyond
 * them.  A widening to 10^j ns happens for a fault at 10^(j-1) * FINE ns
 * or later; bins asked for later (pfx_timeline_bin) are then at least
 * that span / bins = 10^j * FINE / bins / 10 >= 10^j wide when bins <=
 * FINE / 10, and a 1-2-5 width (pfx_timeline_round_width) that large is
 * a multiple of 10^j: each bin is the exact sum of whole fine bins. */
#ifndef PFX_TIMELINE_H
#define PFX_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "fault_kind.h"

#define PFX_TIMELINE_FINE 15000

struct pfx_timeline {
	uint64_t last_ns;
	uint64_t fine_ns;		/* width of a fine bin */
	uint64_t (*fine)[PFX_COL_COUNT];	/* PFX_TIMELINE_FINE of them */
};

/* 0 or -ENOMEM. */
int pfx_timeline_init(struct pfx_timeline *t);
void pfx_timeline_free(struct pfx_timeline *t);
/* One fault at time_ns in column col. */
void pfx_timeline_add(struct pfx_timeline *t, uint64_t time_ns, int col);
/* The smallest 1-2-5 step (ns, 1 us at least) that covers span_ns in at
 * most bins bins, so a bin width reads well ("bins of 50 ms"). */
uint64_t pfx_timeline_round_width(uint64_t span_ns, unsigned bins);
/* At most bins (<= PFX_TIMELINE_FINE / 10) bins of a round width over the
 * recording: *counts (malloc'ed, *n of them, *bin_ns wide each) and the
 * totals per column.  0 or -ENOMEM. */
int pfx_timeline_bin(const struct pfx_timeline *t, unsigned bins, uint64_t (**counts)[PFX_COL_COUNT],
		     size_t *n, uint64_t *bin_ns, uint64_t totals[PFX_COL_COUNT]);

#endif
