/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pattern: the access-pattern classifier; rules in pattern.h. */
#include "config.h"
#include "pattern.h"

void pfx_pattern_step_slow(struct pfx_pattern_state *st, uint32_t tid, uint64_t page)
{
	unsigned i;

	if (tid == 0)
		tid = UINT32_MAX;	/* 0 marks a free lane */
	if (st->lane[0].tid == tid) {
		pfx_pattern_step(st, tid, page);
		return;
	}
	for (i = 1; i < PFX_PATTERN_LANES; i++)
		if (st->lane[i].tid == tid)
			break;
	if (i == PFX_PATTERN_LANES) {
		/* A thread new to this region: its first fault is no step.
		 * Evict round-robin into lane 0's place after swapping. */
		i = 1 + st->next_lane++ % (PFX_PATTERN_LANES - 1);
		st->lane[i] = st->lane[0];
		st->lane[0].tid = tid;
		st->lane[0].page = page;
		st->lane[0].delta = 0;
		return;
	}
	/* Move the thread to lane 0, where the inline fast path looks. */
	{
		__typeof__(st->lane[0]) t = st->lane[i];

		st->lane[i] = st->lane[0];
		st->lane[0] = t;
	}
	pfx_pattern_step(st, tid, page);
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
