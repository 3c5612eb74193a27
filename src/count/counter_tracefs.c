/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counter_tracefs: the tracefs source, for hosts where perf_event_open is
 * denied: the fault source "tracefs" of the registry (fault_source.h; its
 * method in doc/tracefs.md), one of its instances per target.
 *
 * Minor/major totals come from the proc backend, so they stay exact (and
 * from wait4() at the end for a launched command).  tracefs adds what
 * /proc cannot give: the fault entries themselves (the "faults" column,
 * counted like perf's page-faults: a retried fault enters twice; but never
 * below minor + major, which also hold the faults taken on the process's
 * behalf without an entry, GUP) and
 * per-thread rows for every thread, even one that starts and exits
 * between two reads.  Each target gets its own instance, so a fault is
 * credited to the target whose task tree took it. */
#include "config.h"
#include "counter_backend.h"
#include "fault_source.h"
#include "target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tracefs_state {
	void *proc;			/* the proc backend's state: exact totals */
	const struct pfx_source_ops *src;	/* the "tracefs" fault source */
	void **tfs;			/* its state, one instance per target */
	uint64_t *entries;		/* fault entries per target */
	struct pfx_thread_table threads;	/* per-thread counts of entries */
};

/* Run a proc backend call on its own state (c->priv is ours). */
#define ON_PROC(c, st, call)                      \
	do {                                      \
		void *saved_priv = (c)->priv;     \
		(c)->priv = (st)->proc;           \
		call;                             \
		(st)->proc = (c)->priv;           \
		(c)->priv = saved_priv;           \
	} while (0)

/* One drain's faults into the per-thread rows of target i. */
struct drain_ctx {
	struct pfx_counter *c;
	size_t i;
};

static int count_fault(const struct pfx_sample_event *ev, void *ctx)
{
	const struct drain_ctx *d = ctx;
	struct tracefs_state *st = d->c->priv;
	struct pfx_thread_counts *t;

	if (ev->type != PFX_SAMPLE_FAULT)
		return 0;	/* MAPS_NOW: no mappings here; lost: src->lost() */
	t = pfx_thread_table_row(&st->threads, d->c->targets[d->i].pid, (pid_t)ev->tid);
	if (!t)
		return -ENOMEM;
	st->entries[d->i]++;
	t->counts.faults++;
	if (ev->major)
		t->counts.major++;
	else
		t->counts.minor++;
	return 0;
}

/* Children of the target are shown under the target, as perf's inherited
 * counters and /proc's cminflt put them. */
static int drain(struct pfx_counter *c, size_t i)
{
	struct tracefs_state *st = c->priv;
	struct drain_ctx d = { c, i };

	if (!st->tfs[i])
		return 0;
	return st->src->drain(st->tfs[i], count_fault, &d);
}

static void tracefs_close(struct pfx_counter *c)
{
	struct tracefs_state *st = c->priv;

	if (!st)
		return;
	for (size_t i = 0; st->tfs && i < c->ntargets; i++)
		if (st->tfs[i])
			st->src->close(st->tfs[i]);
	if (st->proc)
		ON_PROC(c, st, pfx_counter_proc_backend.close(c));
	free(st->tfs);
	free(st->entries);
	free(st->threads.rows);
	free(st);
	c->priv = NULL;
}

/* The tasks to filter on: a held child is one task, traced from its
 * exec; an attached process is every thread it has now (the source
 * follows the ones it starts). */
static int open_instance(const struct pfx_source_ops *src, void **tfs,
			 const struct pfx_counter_target *t)
{
	struct pfx_source_opts so = { .pid = t->pid, .enable_on_exec = t->launched };
	pid_t *tids = NULL;
	char why[64];
	int err = 0;

	if (!t->launched)
		err = pfx_list_tids(t->pid, &tids, &so.ntids);
	so.tids = tids;
	if (!err)
		err = src->open(tfs, &so, why, sizeof(why));
	if (err)
		*tfs = NULL;
	free(tids);
	return err;
}

static int tracefs_open(struct pfx_counter *c)
{
	struct tracefs_state *st = calloc(1, sizeof(*st));
	int err = 0;

	if (!st)
		return -ENOMEM;
	c->priv = st;
	st->src = pfx_source_find("tracefs");
	st->tfs = calloc(c->ntargets ? c->ntargets : 1, sizeof(*st->tfs));
	st->entries = calloc(c->ntargets ? c->ntargets : 1, sizeof(*st->entries));
	if (!st->tfs || !st->entries) {
		tracefs_close(c);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->ntargets && !err; i++)
		err = open_instance(st->src, &st->tfs[i], &c->targets[i]);
	if (!err)
		ON_PROC(c, st, err = pfx_counter_proc_backend.open(c));
	if (err) {
		tracefs_close(c);
		return err;
	}
	snprintf(c->description, sizeof(c->description),
		 "tracefs (fault entries from instance %s; minor/major from /proc/PID/stat)",
		 st->src->where(st->tfs[0]));
	return 0;
}

static int tracefs_read(struct pfx_counter *c, size_t i, struct pfx_live_counts *out)
{
	struct tracefs_state *st = c->priv;
	int err = drain(c, i);

	if (err)
		return err;
	ON_PROC(c, st, err = pfx_counter_proc_backend.read(c, i, out));
	/* Entries count retries twice; /proc counts GUP faults that never
	 * entered: each is a page fault, so neither alone is the total. */
	out->faults = st->entries[i] > out->minor + out->major ? st->entries[i] : out->minor + out->major;
	return err;
}

static void tracefs_target_exited(struct pfx_counter *c, size_t i, const struct rusage *ru)
{
	struct tracefs_state *st = c->priv;

	drain(c, i);
	ON_PROC(c, st, pfx_counter_proc_backend.target_exited(c, i, ru));
}

static enum pfx_count_end tracefs_end(const struct pfx_counter *c, size_t i)
{
	const struct tracefs_state *st = c->priv;
	struct pfx_counter proc = *c;

	proc.priv = st->proc;
	return pfx_counter_proc_backend.end(&proc, i);
}

static int tracefs_threads(struct pfx_counter *c)
{
	struct tracefs_state *st = c->priv;

	pfx_counter_rows_clear(c);
	for (size_t i = 0; i < c->ntargets; i++) {
		pid_t pid = c->targets[i].pid;
		struct pfx_live_counts total, sum = { 0 };
		uint64_t entries = 0;
		struct pfx_thread_counts *row;
		int err = tracefs_read(c, i, &total);

		if (err)
			return err;
		for (size_t k = 0; k < st->threads.n; k++) {
			const struct pfx_thread_counts *t = &st->threads.rows[k];

			if (t->pid != pid)
				continue;
			row = pfx_counter_row(c, pid, t->tid);
			if (!row)
				return -ENOMEM;
			row->counts = t->counts;
			row->exited = !pfx_pid_exists(t->tid);
			sum.minor += row->counts.minor;
			sum.major += row->counts.major;
			entries += row->counts.faults;
		}
		/* Faults /proc counts that no fault entry showed (GUP, kernel
		 * faults on the process's behalf); rows then add up to the total. */
		row = pfx_counter_row(c, pid, 0);
		if (!row)
			return -ENOMEM;
		row->counts.minor = total.minor > sum.minor ? total.minor - sum.minor : 0;
		row->counts.major = total.major > sum.major ? total.major - sum.major : 0;
		row->counts.faults = total.faults > entries ? total.faults - entries : 0;
		row->exited = true;
	}
	return 0;
}

static uint64_t tracefs_lost(const struct pfx_counter *c)
{
	const struct tracefs_state *st = c->priv;
	uint64_t missed = 0;

	for (size_t i = 0; i < c->ntargets; i++)
		if (st->tfs[i])
			missed += st->src->lost(st->tfs[i]);
	return missed;
}

const struct counter_backend pfx_counter_tracefs_backend = {
	.source = PFX_SOURCE_TRACEFS,
	.open = tracefs_open,
	.read = tracefs_read,
	.target_exited = tracefs_target_exited,
	.end = tracefs_end,
	.threads = tracefs_threads,
	.lost_reports = tracefs_lost,
	.close = tracefs_close,
};
