/* SPDX-License-Identifier: GPL-2.0-or-later */
/* timeline: faults per time bin (timeline.h). */
#include "config.h"
#include "timeline.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>

int pfx_timeline_init(struct pfx_timeline *t)
{
	t->last_ns = 0;
	t->fine_ns = 1000;
	t->fine = calloc(PFX_TIMELINE_FINE, sizeof(*t->fine));
	return t->fine ? 0 : -ENOMEM;
}

void pfx_timeline_free(struct pfx_timeline *t)
{
	free(t->fine);
	t->fine = NULL;
}

/* Ten fine bins into one, in place (bin i/10 is summed before bin i). */
static void widen(struct pfx_timeline *t)
{
	for (size_t i = 0; i < PFX_TIMELINE_FINE; i++) {
		for (int c = 0; c < PFX_COL_COUNT; c++) {
			uint64_t v = t->fine[i][c];

			t->fine[i][c] = 0;
			t->fine[i / 10][c] += v;
		}
	}
	t->fine_ns *= 10;
}

void pfx_timeline_add(struct pfx_timeline *t, uint64_t time_ns, int col)
{
	while (time_ns / t->fine_ns >= PFX_TIMELINE_FINE)
		widen(t);
	t->fine[time_ns / t->fine_ns][col]++;
	if (time_ns > t->last_ns)
		t->last_ns = time_ns;
}

uint64_t pfx_timeline_round_width(uint64_t span_ns, unsigned bins)
{
	static const unsigned steps[] = { 1, 2, 5 };
	/* the narrowest width that fits, without overflow at any span */
	uint64_t need = span_ns / bins + (span_ns % bins != 0);

	/* 1 us (finer than perf timestamps are useful) up to 5e18 ns: a
	 * bounded number of steps, whatever the span */
	for (uint64_t decade = 1000; decade <= UINT64_MAX / 50; decade *= 10)
		for (size_t i = 0; i < PFX_ARRAY_SIZE(steps); i++)
			if (decade * steps[i] >= need)
				return decade * steps[i];
	return need;
}

int pfx_timeline_bin(const struct pfx_timeline *t, unsigned bins, uint64_t (**counts)[PFX_COL_COUNT],
		     size_t *n, uint64_t *bin_ns, uint64_t totals[PFX_COL_COUNT])
{
	uint64_t width = pfx_timeline_round_width(t->last_ns + 1, bins);
	size_t nbins = (size_t)(t->last_ns / width) + 1;
	uint64_t (*c)[PFX_COL_COUNT] = calloc(nbins, sizeof(*c));

	if (!c)
		return -ENOMEM;
	for (int k = 0; k < PFX_COL_COUNT; k++)
		totals[k] = 0;
	for (uint64_t i = 0; i <= t->last_ns / t->fine_ns; i++) {
		size_t bin = (size_t)(i * t->fine_ns / width);

		for (int k = 0; k < PFX_COL_COUNT; k++) {
			c[bin][k] += t->fine[i][k];
			totals[k] += t->fine[i][k];
		}
	}
	*counts = c;
	*n = nbins;
	*bin_ns = width;
	return 0;
}
