/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pattern: the access-pattern classifier; rules in pattern.h. */
#include "config.h"
#include "pattern.h"

#include <stdlib.h>

void pfx_pattern_step_slow(struct pfx_pattern_state *st, uint32_t tid, uint64_t page)
{
	const unsigned more = PFX_PATTERN_LANES - 1;
	struct pfx_pattern_run *r = st->run;
	unsigned i = 0;

	if (tid == 0)
		tid = UINT32_MAX;	/* 0 marks a free lane */
	if (!r) {
		if (!st->tid) {		/* the region's first fault: no step */
			st->tid = tid;
			st->page = page;
			return;
		}
		r = st->run = calloc(1, sizeof(*r));
		if (!r)
			return;
		r->lane = (struct pfx_pattern_lane){ st->tid, st->page, 0 };
	}
	if (r->lane.tid == tid) {
		pfx_pattern_step(st, tid, page);
		return;
	}
	if (r->lane.tid && !r->others)
		r->others = calloc(more, sizeof(*r->others));
	while (r->others && i < more && r->others[i].tid != tid)
		i++;
	if (!r->others || i == more) {
		/* A thread new to this region: its first fault is no step.
		 * Evict round-robin into lane 0's place after swapping. */
		if (r->others)
			r->others[r->next_lane++ % more] = r->lane;
		r->lane = (struct pfx_pattern_lane){ tid, page, 0 };
		return;
	}
	/* Move the thread to the first lane, where the inline fast path looks. */
	{
		struct pfx_pattern_lane t = r->others[i];

		r->others[i] = r->lane;
		r->lane = t;
	}
	pfx_pattern_step(st, tid, page);
}

void pfx_pattern_free(struct pfx_pattern_state *st)
{
	if (st->run)
		free(st->run->others);
	free(st->run);
	st->run = NULL;
}

enum pfx_pattern pfx_pattern_classify(const struct pfx_pattern_state *st, uint64_t faults,
				      uint64_t refaults)
{
	static const struct pfx_pattern_run none;
	const struct pfx_pattern_run *r = st->run ? st->run : &none;
	uint64_t s = r->steps, other;

	if (faults < 16)
		return PFX_PATTERN_FEW;
	if (refaults * 3 >= faults)
		return PFX_PATTERN_REPEAT;
	if (s == 0)
		return PFX_PATTERN_MIXED;
	other = s - r->seq_steps - r->stride_steps;
	if (r->seq_steps * 10 >= s * 6)
		return PFX_PATTERN_SEQUENTIAL;
	if (r->stride_steps * 10 >= s * 6)
		return PFX_PATTERN_STRIDED;
	if (other * 10 >= s * 6)
		return PFX_PATTERN_RANDOM;
	return PFX_PATTERN_MIXED;
}

int64_t pfx_pattern_stride(const struct pfx_pattern_state *st)
{
	return st->run ? st->run->stride : 0;
}

const char *pfx_pattern_name(enum pfx_pattern p)
{
	switch (p) {
	case PFX_PATTERN_FEW: return "few";
	case PFX_PATTERN_SEQUENTIAL: return "sequential";
	case PFX_PATTERN_STRIDED: return "strided";
	case PFX_PATTERN_RANDOM: return "random";
	case PFX_PATTERN_REPEAT: return "repeat";
	case PFX_PATTERN_MIXED: return "mixed";
	}
	return "mixed";
}
