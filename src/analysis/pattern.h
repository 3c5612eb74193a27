/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pattern: how a region's memory is accessed, from the order its pages
 * fault in.  Rules (also in doc/report.md):
 *
 *   F = faults in the region, R = refaults (faults on a page the same
 *   process had already faulted in the recording), S = steps: faults that
 *   follow an earlier fault of the same thread in the region, each with a
 *   delta (page number minus the thread's previous page there).
 *     seq step:    delta = +1
 *     stride step: delta = the thread's previous delta, |delta| > 1
 *     other step:  anything else
 *   few         F < 16: too little to tell
 *   repeat      R >= F/3: the same pages fault again and again
 *   sequential  seq steps >= 60% of S
 *   strided     stride steps >= 60% of S (the most common such delta is the stride)
 *   random      other steps >= 60% of S
 *   mixed       none dominates
 * Each thread's order is followed separately (up to 4 threads per region
 * at a time), so threads splitting a range sequentially stay sequential. */
#ifndef PFX_PATTERN_H
#define PFX_PATTERN_H

#include <stdint.h>

enum pfx_pattern {
	PFX_PATTERN_FEW,
	PFX_PATTERN_SEQUENTIAL,
	PFX_PATTERN_STRIDED,
	PFX_PATTERN_RANDOM,
	PFX_PATTERN_REPEAT,
	PFX_PATTERN_MIXED,
};

#define PFX_PATTERN_LANES 4

struct pfx_pattern_lane {
	uint32_t tid;		/* 0: unused */
	uint64_t page;
	int64_t delta;
};

/* The steps of a region with two faults or more. */
struct pfx_pattern_run {
	uint64_t steps, seq_steps, stride_steps;
	int64_t stride;			/* majority-vote candidate among stride steps */
	uint64_t stride_votes;
	struct pfx_pattern_lane lane;	/* the thread of the last fault */
	/* PFX_PATTERN_LANES - 1 more, allocated at a second thread (most
	 * regions have one: a recording of many small regions must not pay
	 * for lanes it never uses); NULL and out of memory: one lane. */
	struct pfx_pattern_lane *others;
	unsigned next_lane;
};

/* Per region: its first fault inline, the run allocated at its second
 * (a recording of many one-fault regions, e.g. one process per cgroup,
 * paid 80 bytes each for steps it never takes: 24 now).  run NULL after
 * a second fault: out of memory, no steps counted. */
struct pfx_pattern_state {
	struct pfx_pattern_run *run;
	uint64_t page;			/* the first fault's, while run is NULL */
	uint32_t tid;			/* 0: no fault yet */
};

void pfx_pattern_step_slow(struct pfx_pattern_state *st, uint32_t tid, uint64_t page);
void pfx_pattern_free(struct pfx_pattern_state *st);

/* Account one fault of thread tid on page (a page number). */
static inline void pfx_pattern_step(struct pfx_pattern_state *st, uint32_t tid, uint64_t page)
{
	struct pfx_pattern_run *r = st->run;

	if (r && r->lane.tid == tid && tid) {
		int64_t delta = (int64_t)(page - r->lane.page);

		r->steps++;
		if (delta == 1) {
			r->seq_steps++;
		} else if (delta == r->lane.delta && (delta > 1 || delta < -1)) {
			r->stride_steps++;
			if (r->stride == delta)
				r->stride_votes++;
			else if (r->stride_votes == 0)
				r->stride = delta, r->stride_votes = 1;
			else
				r->stride_votes--;
		}
		r->lane.page = page;
		r->lane.delta = delta;
		return;
	}
	pfx_pattern_step_slow(st, tid, page);
}

/* faults, refaults: the region's counts. */
enum pfx_pattern pfx_pattern_classify(const struct pfx_pattern_state *st, uint64_t faults,
				      uint64_t refaults);
/* The stride in pages (0: none counted). */
int64_t pfx_pattern_stride(const struct pfx_pattern_state *st);
const char *pfx_pattern_name(enum pfx_pattern p);

#endif
