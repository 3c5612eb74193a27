/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counter_proc: the /proc source.  Counts are differences from a baseline
 * read when counting began: the process's minflt/majflt plus those of
 * the children it has reaped (cminflt/cmajflt), as getrusage(RUSAGE_SELF
 * + RUSAGE_CHILDREN) would add them.  A process pfx reaped itself is
 * finished from its wait4() rusage; an attached one keeps the last counts
 * read (its zombie still shows them until its parent reaps it).
 *
 * Per thread: /proc/PID/task/TID/stat of the threads alive at each read.
 * A thread that starts and exits between two reads is never seen; its
 * faults go to the pid's "tid 0" row (the process total minus the rows). */
#include "config.h"
#include "counter_backend.h"
#include "procstat.h"
#include "target.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct proc_thread {
	pid_t pid, tid;
	struct pfx_proc_faults base, last;
	bool exited;
};

struct proc_target {
	struct pfx_proc_faults base, last;
	bool exited;
};

struct proc_state {
	struct proc_target *targets;
	struct proc_thread *threads;
	size_t nthreads, threads_cap;
};

static uint64_t with_children_minor(const struct pfx_proc_faults *f)
{
	return f->minor + f->child_minor;
}

static uint64_t with_children_major(const struct pfx_proc_faults *f)
{
	return f->major + f->child_major;
}

static struct proc_thread *find_thread(struct proc_state *st, pid_t pid, pid_t tid, bool add)
{
	for (size_t i = 0; i < st->nthreads; i++)
		if (st->threads[i].pid == pid && st->threads[i].tid == tid)
			return &st->threads[i];
	if (!add)
		return NULL;
	if (PFX_GROW(st->threads, st->threads_cap, st->nthreads + 1, 16))
		return NULL;
	memset(&st->threads[st->nthreads], 0, sizeof(st->threads[0]));
	st->threads[st->nthreads].pid = pid;
	st->threads[st->nthreads].tid = tid;
	return &st->threads[st->nthreads++];
}

/* Read every live thread of pid.  New threads start from zero unless
 * they existed when counting began (is_baseline). */
static int scan_threads(struct proc_state *st, pid_t pid, bool is_baseline)
{
	pid_t *tids;
	size_t n;
	int err = pfx_list_tids(pid, &tids, &n);

	if (err)
		return err;
	for (size_t i = 0; i < st->nthreads; i++)
		if (st->threads[i].pid == pid)
			st->threads[i].exited = true;
	for (size_t i = 0; i < n; i++) {
		struct pfx_proc_faults f;
		struct proc_thread *t;

		if (pfx_proc_read_faults(pid, tids[i], &f))
			continue;	/* exited meanwhile */
		t = find_thread(st, pid, tids[i], true);
		if (!t) {
			free(tids);
			return -ENOMEM;
		}
		if (is_baseline)
			t->base = f;
		t->last = f;
		t->exited = false;
	}
	free(tids);
	return 0;
}

/* A launched child runs a few dozen copy-on-write faults between fork()
 * and blocking in target.c's wait for the start byte; the baseline must
 * come after them, so wait (at most a second) until it sleeps there. */
static void wait_until_parked(pid_t pid)
{
	for (int i = 0; i < 10000; i++) {
		char path[64], buf[512], *p;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (pfx_read_file(path, buf, sizeof(buf)) <= 0)
			return;
		p = strrchr(buf, ')');
		if (!p || p[1] != ' ' || p[2] != 'R')
			return;
		usleep(100);
	}
}

static void proc_close(struct pfx_counter *c)
{
	struct proc_state *st = c->priv;

	if (st) {
		free(st->targets);
		free(st->threads);
		free(st);
	}
	c->priv = NULL;
}

static int proc_open(struct pfx_counter *c)
{
	struct proc_state *st = calloc(1, sizeof(*st));
	int err = 0;

	if (!st)
		return -ENOMEM;
	c->priv = st;
	st->targets = calloc(c->ntargets ? c->ntargets : 1, sizeof(*st->targets));
	if (!st->targets) {
		proc_close(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->ntargets && !err; i++) {
		/* A held child's baseline is what it did between fork and exec. */
		if (c->targets[i].launched)
			wait_until_parked(c->targets[i].pid);
		err = pfx_proc_read_faults(c->targets[i].pid, 0, &st->targets[i].base);
		st->targets[i].last = st->targets[i].base;
		if (!err && c->opts.per_thread)
			err = scan_threads(st, c->targets[i].pid, true);
	}
	if (err) {
		proc_close(c);
		return err;
	}
	snprintf(c->description, sizeof(c->description),
		 "proc (/proc/PID/stat minflt/majflt, includes GUP faults)");
	return 0;
}

static void proc_refresh(struct pfx_counter *c, size_t i)
{
	struct proc_state *st = c->priv;
	struct pfx_proc_faults f;

	if (!st->targets[i].exited && pfx_proc_read_faults(c->targets[i].pid, 0, &f) == 0)
		st->targets[i].last = f;
}

static int proc_read(struct pfx_counter *c, size_t i, struct pfx_live_counts *out)
{
	struct proc_target *t = &((struct proc_state *)c->priv)->targets[i];

	proc_refresh(c, i);
	out->minor = with_children_minor(&t->last) - with_children_minor(&t->base);
	out->major = with_children_major(&t->last) - with_children_major(&t->base);
	out->faults = out->minor + out->major;
	return 0;
}

static void proc_target_exited(struct pfx_counter *c, size_t i, const struct rusage *ru)
{
	struct proc_target *t = &((struct proc_state *)c->priv)->targets[i];

	if (t->exited)
		return;
	if (ru) {
		/* Reaped: wait4() has everything /proc had, and its reaped children. */
		memset(&t->last, 0, sizeof(t->last));
		t->last.minor = (uint64_t)ru->ru_minflt;
		t->last.major = (uint64_t)ru->ru_majflt;
	} else {
		proc_refresh(c, i);
	}
	t->exited = true;
}

static int proc_threads(struct pfx_counter *c)
{
	struct proc_state *st = c->priv;

	pfx_counter_rows_clear(c);
	for (size_t i = 0; i < c->ntargets; i++) {
		pid_t pid = c->targets[i].pid;
		struct pfx_live_counts total, sum = { 0 };
		struct pfx_thread_counts *row;

		if (!st->targets[i].exited)
			scan_threads(st, pid, false);
		proc_read(c, i, &total);
		for (size_t k = 0; k < st->nthreads; k++) {
			struct proc_thread *t = &st->threads[k];

			if (t->pid != pid)
				continue;
			row = pfx_counter_row(c, pid, t->tid);
			if (!row)
				return -ENOMEM;
			row->counts.minor = t->last.minor - t->base.minor;
			row->counts.major = t->last.major - t->base.major;
			row->counts.faults = row->counts.minor + row->counts.major;
			row->exited = t->exited || st->targets[i].exited;
			sum.minor += row->counts.minor;
			sum.major += row->counts.major;
		}
		/* Threads never seen alive, reaped children, faults after the last read. */
		row = pfx_counter_row(c, pid, 0);
		if (!row)
			return -ENOMEM;
		row->counts.minor = total.minor > sum.minor ? total.minor - sum.minor : 0;
		row->counts.major = total.major > sum.major ? total.major - sum.major : 0;
		row->counts.faults = row->counts.minor + row->counts.major;
		row->exited = true;
	}
	return 0;
}

const struct counter_backend pfx_counter_proc_backend = {
	.source = PFX_SOURCE_PROC,
	.open = proc_open,
	.read = proc_read,
	.target_exited = proc_target_exited,
	.threads = proc_threads,
	.close = proc_close,
};
