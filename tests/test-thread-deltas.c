/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-thread-deltas: per-thread interval rows never go negative and add
 * up to the total when faults move from a creator's "+" row to the row of
 * a thread that exited (perf), or from "tid 0" to a newly seen thread
 * (proc); a fault in flight at a row's end has its entry shown in the row
 * where it ended (minor + major <= page-faults in every row). */
#include "config.h"
#include "thread_deltas.h"

#include <stdio.h>
#include <stdlib.h>

#include "test.h"

static struct pfx_thread_counts row(pid_t tid, uint64_t minor, bool exited, bool running)
{
	struct pfx_thread_counts r = { .pid = 100, .tid = tid, .exited = exited,
				       .includes_running = running };

	r.counts.minor = r.counts.faults = minor;
	return r;
}

static uint64_t sum_minor(const struct thread_delta *d, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += d[i].delta.minor;
	return s;
}

int main(void)
{
	struct thread_deltas td = { 0 };
	const struct thread_delta *d;

	/* t1: main (+ row) 10 own + 5 of running thread 101. */
	struct pfx_thread_counts t1[] = { row(100, 15, false, true) };
	CHECK(pfx_thread_deltas_next(&td, t1, 1, &d) == 0, "first call");
	CHECK(d[0].delta.minor == 15, "first delta %llu", (unsigned long long)d[0].delta.minor);

	/* t2: 101 exited with 8; main's own went 10 -> 20, so its row is 20. */
	struct pfx_thread_counts t2[] = { row(100, 20, false, true), row(101, 8, true, false) };
	CHECK(pfx_thread_deltas_next(&td, t2, 2, &d) == 0, "second call");
	CHECK(sum_minor(d, 2) == 13, "interval sum %llu, expected 13 (28 - 15)",
	      (unsigned long long)sum_minor(d, 2));

	/* t3: nothing new; main only fell by nothing; 101 stays quiet. */
	struct pfx_thread_counts t3[] = { row(100, 20, false, true), row(101, 8, true, false) };
	pfx_thread_deltas_next(&td, t3, 2, &d);
	CHECK(sum_minor(d, 2) == 0, "idle interval sum %llu", (unsigned long long)sum_minor(d, 2));
	CHECK(!d[1].changed, "exited thread with nothing new is not shown");

	/* t4a: main's + row is 50: its own 20 and 30 of running thread 102. */
	struct pfx_thread_counts t4a[] = { row(100, 50, false, true), row(101, 8, true, false) };
	pfx_thread_deltas_next(&td, t4a, 2, &d);
	CHECK(sum_minor(d, 2) == 30, "t4a sum %llu", (unsigned long long)sum_minor(d, 2));
	/* t4b: 102 exited with 30 (already shown on main's row); main's own is 22. */
	struct pfx_thread_counts t4b[] = { row(100, 22, false, true), row(101, 8, true, false),
					   row(102, 30, true, false) };
	pfx_thread_deltas_next(&td, t4b, 3, &d);
	/* Total went 58 -> 60: the interval shows 2, nothing negative. */
	CHECK(sum_minor(d, 3) == 2, "t4b sum %llu, expected 2", (unsigned long long)sum_minor(d, 3));
	CHECK(d[0].delta.minor == 0, "a row that fell shows 0, not %llu",
	      (unsigned long long)d[0].delta.minor);
	CHECK(d[2].changed, "a newly exited thread is shown");

	/* proc: "tid 0" row held 40 of a thread first seen now with 45. */
	struct thread_deltas tp = { 0 };
	struct pfx_thread_counts p1[] = { row(0, 40, true, false), row(100, 5, false, false) };
	pfx_thread_deltas_next(&tp, p1, 2, &d);
	struct pfx_thread_counts p2[] = { row(0, 0, true, false), row(100, 5, false, false),
					  row(103, 45, false, false) };
	pfx_thread_deltas_next(&tp, p2, 3, &d);
	CHECK(sum_minor(d, 3) == 5, "proc move: sum %llu, expected 5", (unsigned long long)sum_minor(d, 3));
	CHECK(d[2].delta.minor == 5, "new thread shows only its new faults, not %llu",
	      (unsigned long long)d[2].delta.minor);

	/* A fault in flight at a row's end: entered (page-faults) in the
	 * first interval, ended (minor) in the second.  Its entry is shown
	 * with its end, and taken back from the next interval's entries. */
	struct thread_deltas tf = { 0 };
	struct pfx_thread_counts f1[] = { row(100, 10, false, false) };
	struct pfx_thread_counts f2[] = { row(100, 20, false, false) };
	struct pfx_thread_counts f3[] = { row(100, 30, false, false) };

	f1[0].counts.faults = 11;	/* 10 ended, 1 in flight */
	f2[0].counts.faults = 20;	/* that one and 9 more ended, 9 entered */
	f3[0].counts.faults = 30;
	pfx_thread_deltas_next(&tf, f1, 1, &d);
	CHECK(d[0].delta.faults == 11 && d[0].delta.minor == 10, "in flight: 11 entries, 10 ended");
	pfx_thread_deltas_next(&tf, f2, 1, &d);
	CHECK(d[0].delta.faults == 10 && d[0].delta.minor == 10,
	      "ended in flight: faults %llu >= minor %llu", (unsigned long long)d[0].delta.faults,
	      (unsigned long long)d[0].delta.minor);
	/* 10 entered and 10 ended: the entry shown early cannot be taken
	 * back without going below the ends (it is, from a row with entries
	 * to spare: a retried fault, or another in flight). */
	f3[0].counts.faults = 31;
	pfx_thread_deltas_next(&tf, f3, 1, &d);
	CHECK(d[0].delta.faults == 10 && d[0].delta.minor == 10,
	      "the entry shown early is taken back: faults %llu", (unsigned long long)d[0].delta.faults);
	pfx_thread_deltas_free(&tf);

	pfx_thread_deltas_free(&td);
	pfx_thread_deltas_free(&tp);
	if (failures)
		return 1;
	printf("ok\n");
	return 0;
}
