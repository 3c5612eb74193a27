/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counter: choose the counting source and dispatch to it.  The choice of
 * source lives here only: explicit sources are used or fail; auto tries
 * the sources of auto_order in turn and moves on only when the kernel
 * denies or lacks one (source_unavailable()), saying why in the description. */
#include "config.h"
#include "counter.h"
#include "counter_backend.h"
#include "perf.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND(k) (1u << PFX_TARGET_##k)

static const struct {
	const char *name;
	enum pfx_count_source source;
	const struct counter_backend *backend;	/* NULL: auto */
	unsigned kinds;				/* the targets it counts */
} sources[] = {
	{ "auto", PFX_SOURCE_AUTO, NULL, 0 },
	{ "perf", PFX_SOURCE_PERF, &pfx_counter_perf_backend,
	  KIND(PROCESS) | KIND(SYSTEM) | KIND(CGROUP) },
	{ "tracefs", PFX_SOURCE_TRACEFS, &pfx_counter_tracefs_backend, KIND(PROCESS) },
	{ "proc", PFX_SOURCE_PROC, &pfx_counter_proc_backend, KIND(PROCESS) },
	{ "vmstat", PFX_SOURCE_VMSTAT, &pfx_counter_vmstat_backend, KIND(SYSTEM) },
	{ "memcg", PFX_SOURCE_MEMCG, &pfx_counter_memcg_backend, KIND(CGROUP) },
};

/* What auto tries, best first (each for the targets it counts). */
static const enum pfx_count_source auto_order[] = {
	PFX_SOURCE_PERF, PFX_SOURCE_TRACEFS, PFX_SOURCE_PROC, PFX_SOURCE_VMSTAT, PFX_SOURCE_MEMCG
};

/* Should auto move on to the next source?  When this one is denied
 * (perf: paranoid level, seccomp; tracefs: not root) or absent (no
 * tracefs, no fault tracepoint). */
static bool source_unavailable(int err)
{
	return pfx_perf_denied(err) || err == -ENODEV || err == -ENOENT;
}

int pfx_count_source_parse(const char *name, enum pfx_count_source *out)
{
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		if (name && strcmp(name, sources[i].name) == 0) {
			*out = sources[i].source;
			return 0;
		}
	}
	return -EINVAL;
}

const char *pfx_count_source_name(enum pfx_count_source source)
{
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (sources[i].source == source)
			return sources[i].name;
	return "?";
}

const char *pfx_count_source_names(void)
{
	return "auto, perf, tracefs, proc (processes), vmstat (-a), memcg (-G)";
}

/* The backend of source if it counts targets of this kind, else NULL. */
static const struct counter_backend *backend_of(enum pfx_count_source source,
						enum pfx_target_kind kind)
{
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (sources[i].source == source && (sources[i].kinds & (1u << kind)))
			return sources[i].backend;
	return NULL;
}

static int try_backend(struct pfx_counter *c, enum pfx_count_source source)
{
	c->backend = backend_of(source, c->ntargets ? c->targets[0].kind : PFX_TARGET_PROCESS);
	c->priv = NULL;
	c->description[0] = '\0';
	c->unavailable = NULL;
	return c->backend ? c->backend->open(c) : -EOPNOTSUPP;
}

/* Perf denied: the errno and its cause and fix (perf.h), for the source
 * line, so a fallback says what would bring perf back. */
static const char *perf_denial(const struct pfx_counter *c, int err, char *buf, size_t size)
{
	const struct pfx_counter_target *t = c->ntargets ? &c->targets[0] : NULL;
	struct pfx_perf_request req = { .cpu_wide = !t || t->kind != PFX_TARGET_PROCESS,
					.pid = t && t->kind == PFX_TARGET_PROCESS ? t->pid : 0 };
	size_t len;

	snprintf(buf, size, "%s (", strerror(-err));
	len = strlen(buf);
	pfx_perf_denied_hint(err, &req, buf + len, size - len);
	len = strlen(buf);
	snprintf(buf + len, size - len, ")");
	return buf;
}

int pfx_counter_open(struct pfx_counter **out, const struct pfx_counter_target *targets,
		     size_t ntargets, const struct pfx_counter_opts *opts)
{
	struct pfx_counter *c = calloc(1, sizeof(*c));
	int err = -EINVAL;

	if (!c)
		return -ENOMEM;
	c->targets = calloc(ntargets ? ntargets : 1, sizeof(*targets));
	if (!c->targets) {
		free(c);
		return -ENOMEM;
	}
	memcpy(c->targets, targets, ntargets * sizeof(*targets));
	c->ntargets = ntargets;
	c->opts = *opts;

	if (opts->source != PFX_SOURCE_AUTO) {
		err = try_backend(c, opts->source);
	} else {
		char skipped[512] = "", why[256];
		int tried = -EOPNOTSUPP;

		for (size_t i = 0; i < sizeof(auto_order) / sizeof(auto_order[0]); i++) {
			size_t len = strlen(skipped);

			err = try_backend(c, auto_order[i]);
			if (err == -EOPNOTSUPP && !c->backend) {
				err = tried;	/* counts other targets */
				continue;
			}
			tried = err;
			if (err == 0 || !source_unavailable(err))
				break;
			if (auto_order[i] == PFX_SOURCE_PERF && !c->unavailable)
				c->unavailable = perf_denial(c, err, why, sizeof(why));
			snprintf(skipped + len, sizeof(skipped) - len, "; %s unavailable: %s",
				 pfx_count_source_name(auto_order[i]),
				 c->unavailable ? c->unavailable : strerror(-err));
		}
		if (err == 0 && skipped[0]) {
			size_t len = strlen(c->description);

			snprintf(c->description + len, sizeof(c->description) - len, "%s", skipped);
		}
	}
	if (err) {
		free(c->targets);
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

enum pfx_count_source pfx_counter_source(const struct pfx_counter *c)
{
	return c->backend->source;
}

const char *pfx_counter_description(const struct pfx_counter *c)
{
	return c->description;
}

int pfx_counter_read(struct pfx_counter *c, size_t i, struct pfx_live_counts *out)
{
	if (i >= c->ntargets)
		return -EINVAL;
	return c->backend->read(c, i, out);
}

void pfx_counter_target_exited(struct pfx_counter *c, size_t i, const struct rusage *ru)
{
	if (i < c->ntargets)
		c->backend->target_exited(c, i, ru);
}

enum pfx_count_end pfx_counter_end(const struct pfx_counter *c, size_t i)
{
	return i < c->ntargets && c->backend->end ? c->backend->end(c, i) : PFX_COUNT_END_COUNTED;
}

bool pfx_counter_wants_refresh(const struct pfx_counter *c)
{
	return c->backend->end != NULL;
}

void pfx_counter_refresh(struct pfx_counter *c)
{
	struct pfx_live_counts ignored;

	for (size_t i = 0; c->backend->end && i < c->ntargets; i++)
		if (c->backend->end(c, i) == PFX_COUNT_END_COUNTED)
			c->backend->read(c, i, &ignored);
}

static int compare_rows(const void *a, const void *b)
{
	const struct pfx_thread_counts *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return 0;
}

int pfx_counter_threads(struct pfx_counter *c, const struct pfx_thread_counts **rows,
			size_t *nrows)
{
	int err;

	if (!c->opts.per_thread)
		return -EINVAL;
	err = c->backend->threads(c);
	if (err)
		return err;
	qsort(c->table.rows, c->table.n, sizeof(*c->table.rows), compare_rows);
	c->table.last = 0;
	*rows = c->table.rows;
	*nrows = c->table.n;
	return 0;
}

size_t pfx_counter_poll_fds(const struct pfx_counter *c, int *fds, size_t max)
{
	return c->backend->poll_fds ? c->backend->poll_fds(c, fds, max) : 0;
}

int pfx_counter_collect(struct pfx_counter *c)
{
	return c->backend->collect ? c->backend->collect(c) : 0;
}

uint64_t pfx_counter_lost_reports(const struct pfx_counter *c)
{
	return c->backend->lost_reports ? c->backend->lost_reports(c) : 0;
}

void pfx_counter_close(struct pfx_counter *c)
{
	if (!c)
		return;
	c->backend->close(c);
	free(c->table.rows);
	free(c->targets);
	free(c);
}

struct pfx_thread_counts *pfx_thread_table_row(struct pfx_thread_table *t, pid_t pid, pid_t tid)
{
	if (t->last < t->n && t->rows[t->last].tid == tid && t->rows[t->last].pid == pid)
		return &t->rows[t->last];
	for (size_t i = 0; i < t->n; i++) {
		if (t->rows[i].pid == pid && t->rows[i].tid == tid) {
			t->last = i;
			return &t->rows[i];
		}
	}
	if (PFX_GROW(t->rows, t->cap, t->n + 1, 16))
		return NULL;
	memset(&t->rows[t->n], 0, sizeof(t->rows[0]));
	t->rows[t->n].pid = pid;
	t->rows[t->n].tid = tid;
	t->last = t->n;
	return &t->rows[t->n++];
}

struct pfx_thread_counts *pfx_counter_row(struct pfx_counter *c, pid_t pid, pid_t tid)
{
	return pfx_thread_table_row(&c->table, pid, tid);
}

void pfx_counter_rows_clear(struct pfx_counter *c)
{
	c->table.n = 0;
	c->table.last = 0;
}

const char *pfx_rusage_gap_cause(uint64_t counted, uint64_t rusage, int64_t *gap)
{
	uint64_t diff = rusage > counted ? rusage - counted : counted - rusage;
	uint64_t base = rusage > counted ? rusage : counted;

	*gap = (int64_t)rusage - (int64_t)counted;
	if (diff <= PFX_RUSAGE_GAP_MIN || diff * 100 <= base)
		return NULL;
	if (rusage > counted)
		return "faults the kernel took on the command's behalf (get_user_pages: MADV_POPULATE_*, mlock, "
		       "O_DIRECT, process_vm_*), which rusage counts and the page-fault events do not see";
	return "faults of children the command did not wait for, which the counters follow and its "
	       "rusage leaves out";
}
