/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pattern: the access-pattern classifier; rules in pattern.h. */
#include "config.h"
#include "pattern.h"

#include <stdlib.h>

void pfx_pattern_step_slow(struct pfx_pattern_state *st, uint32_t tid, uint64_t page)
{
	const unsigned more = PFX_PATTERN_LANES - 1;
	unsigned i = 0;

	if (tid == 0)
		tid = UINT32_MAX;	/* 0 marks a free lane */
	if (st->lane.tid == tid) {
		pfx_pattern_step(st, tid, page);
		return;
	}
	if (st->lane.tid && !st->others)
		st->others = calloc(more, sizeof(*st->others));
	while (st->others && i < more && st->others[i].tid != tid)
		i++;
	if (!st->others || i == more) {
		/* A thread new to this region: its first fault is no step.
		 * Evict round-robin into lane 0's place after swapping. */
		if (st->others)
			st->others[st->next_lane++ % more] = st->lane;
		st->lane = (struct pfx_pattern_lane){ tid, page, 0 };
		return;
	}
	/* Move the thread to the first lane, where the inline fast path looks. */
	{
		struct pfx_pattern_lane t = st->others[i];

		st->others[i] = st->lane;
		st->lane = t;
	}
	pfx_pattern_step(st, tid, page);
}

void pfx_pattern_free(struct pfx_pattern_state *st)
{
	free(st->others);
	st->others = NULL;
}

enum pfx_pattern pfx_pattern_classify(const struct pfx_pattern_state *st, uint64_t faults,
				      uint64_t refaults)
{
	uint64_t s = st->steps, other;

	if (faults < 16)
		return PFX_PATTERN_FEW;
	if (refaults * 3 >= faults)
		return PFX_PATTERN_REPEAT;
	if (s == 0)
		return PFX_PATTERN_MIXED;
	other = s - st->seq_steps - st->stride_steps;
	if (st->seq_steps * 10 >= s * 6)
		return PFX_PATTERN_SEQUENTIAL;
	if (st->stride_steps * 10 >= s * 6)
		return PFX_PATTERN_STRIDED;
	if (other * 10 >= s * 6)
		return PFX_PATTERN_RANDOM;
	return PFX_PATTERN_MIXED;
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
