/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thread_deltas: per-thread interval rows for 'pfx stat --per-thread'.
 *
 * The counter's per-thread counts are cumulative, and a thread's faults
 * can move between rows: with perf, a running thread's faults sit on the
 * row of the task that started it ("+" row) until the thread exits and
 * reports them itself; with /proc, a thread's faults sit in the "tid 0"
 * row until pfx first sees it.  A plain difference would then show a
 * negative count on the row they left and count them twice.  Here a row
 * that went down gives its deficit to the rows that appeared or exited
 * in the same interval (where the faults moved to), so interval rows are
 * never negative and add up to the interval's total.  And as for process
 * rows (cmd_stat.c, advance()): page-faults counts a fault at its entry,
 * minor/major at its end, so a fault in flight at a row's end has its
 * entry moved to the row where it ended; every row then has minor + major
 * <= page-faults (the rows' page-faults may exceed the counter's by the
 * faults in flight at a row's end, at most one per thread, when no later
 * row has entries to spare).  The final per-thread table is unaffected: it prints
 * the counter's counts as they are. */
#ifndef PFX_THREAD_DELTAS_H
#define PFX_THREAD_DELTAS_H

#include <stdbool.h>
#include <stddef.h>

#include "counter.h"

struct thread_delta {
	pid_t pid, tid;
	struct pfx_live_counts delta;
	bool includes_running;
	bool changed;		/* new, just exited, or counted something */
};

struct thread_deltas {
	struct pfx_thread_counts *prev;	/* counts at the last interval */
	uint64_t *ahead;		/* per prev row: entries shown before the counter had them */
	size_t nprev;
	struct thread_delta *out;
	size_t out_cap;
};

/* Deltas since the last call for rows (one entry per row, same order).
 * *deltas stays valid until the next call.  0 or -ENOMEM. */
int pfx_thread_deltas_next(struct thread_deltas *td, const struct pfx_thread_counts *rows, size_t n,
		       const struct thread_delta **deltas);
void pfx_thread_deltas_free(struct thread_deltas *td);

#endif
