/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counter_proc: the /proc source.  Counts are differences from a baseline
 * read when counting began: the process's minflt/majflt plus those of
 * the children it has reaped (cminflt/cmajflt), as getrusage(RUSAGE_SELF
 * + RUSAGE_CHILDREN) would add them.  A process pfx reaped itself is
 * finished from its wait4() rusage.  An attached one is finished from its
 * zombie when pfx sees it before its parent reaps it; once reaped, its
 * /proc is gone (a vanished process is not 0 faults), and its final counts
 * are the growth of its parent's cminflt/cmajflt since the last reading
 * (read parent first, then the target: a target still there after its
 * parent was read had not been reaped by then), which the kernel adds at
 * the reap.  That is exact unless the parent reaped other children in the
 * same moments; when the parent cannot tell (gone itself, or its growth is
 * below the last reading) the last reading stays, marked a lower bound.
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
	/* The target's parent, read just before last: its cminflt then did
	 * not hold the target yet. */
	struct pfx_proc_faults parent_last;
	pid_t parent;		/* 0: no reading of the parent goes with last */
	bool exited;
	enum pfx_count_end end;
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

/* Read the target (and its parent just before it).  0, or -ESRCH when
 * the target is gone (reaped). */
static int proc_refresh(struct pfx_counter *c, size_t i)
{
	struct proc_target *t = &((struct proc_state *)c->priv)->targets[i];
	pid_t parent = t->last.ppid;
	struct pfx_proc_faults f, p;
	bool have_parent;
	int err;

	if (t->exited)
		return 0;
	have_parent = parent > 0 && pfx_proc_read_faults(parent, 0, &p) == 0;
	err = pfx_proc_read_faults(c->targets[i].pid, 0, &f);
	if (err)
		return err;
	if (f.start_time != t->base.start_time)
		return -ESRCH;	/* the pid is another process's now */
	t->last = f;
	t->parent = have_parent && f.ppid == parent ? parent : 0;
	if (t->parent)
		t->parent_last = p;
	return 0;
}

/* The target is gone from /proc: its parent reaped it.  Take its final
 * counts from the parent's reaped-children counts. */
static void finish_from_parent(struct proc_target *t)
{
	struct pfx_proc_faults p;
	uint64_t minor, major;

	t->end = PFX_COUNT_END_LAST_READ;
	if (!t->parent || pfx_proc_read_faults(t->parent, 0, &p) != 0 ||
	    p.start_time != t->parent_last.start_time)
		return;
	minor = p.child_minor - t->parent_last.child_minor;
	major = p.child_major - t->parent_last.child_major;
	/* Below what the target had already: the parent did not reap it
	 * (it was reparented first); the last reading is all there is. */
	if (p.child_minor < t->parent_last.child_minor || p.child_major < t->parent_last.child_major ||
	    minor < with_children_minor(&t->last) || major < with_children_major(&t->last))
		return;
	t->last.minor = minor;
	t->last.major = major;
	t->last.child_minor = t->last.child_major = 0;
	t->end = PFX_COUNT_END_PARENT;
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
		/* Again, now with its parent read first (proc_refresh()). */
		if (!err)
			proc_refresh(c, i);
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
		t->end = PFX_COUNT_END_RUSAGE;
	} else if (proc_refresh(c, i) == 0) {
		t->end = PFX_COUNT_END_ZOMBIE;	/* read after its exit: final */
	} else {
		finish_from_parent(t);
	}
	t->exited = true;
}

static enum pfx_count_end proc_end(const struct pfx_counter *c, size_t i)
{
	return ((const struct proc_state *)c->priv)->targets[i].end;
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
	.end = proc_end,
	.close = proc_close,
};
