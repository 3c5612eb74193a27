/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counter_backend: what a counting source implements (private to the
 * counter module: counter.c, counter_perf.c, counter_proc.c,
 * counter_tracefs.c).  counter.c
 * owns the choice of source; a backend only counts. */
#ifndef PFX_COUNTER_BACKEND_H
#define PFX_COUNTER_BACKEND_H

#include "counter.h"

struct counter_backend {
	enum pfx_count_source source;
	/* Start counting c->targets; set c->description.  0 or -errno. */
	int (*open)(struct pfx_counter *c);
	int (*read)(struct pfx_counter *c, size_t i, struct pfx_live_counts *out);
	void (*target_exited)(struct pfx_counter *c, size_t i, const struct rusage *ru);
	/* Optional: how target i's counts were finished (default: COUNTED). */
	enum pfx_count_end (*end)(const struct pfx_counter *c, size_t i);
	/* Refresh c->rows (only called with opts.per_thread). */
	int (*threads)(struct pfx_counter *c);
	/* Optional: fds to poll and what to do when they are readable. */
	size_t (*poll_fds)(const struct pfx_counter *c, int *fds, size_t max);
	int (*collect)(struct pfx_counter *c);
	uint64_t (*lost_reports)(const struct pfx_counter *c);
	void (*close)(struct pfx_counter *c);
};

/* Per-thread counts found by (pid, tid), added zeroed when new. */
struct pfx_thread_table {
	struct pfx_thread_counts *rows;
	size_t n, cap;
	size_t last;		/* last row found: lookups come in runs per thread */
};

/* The row for (pid, tid); NULL on ENOMEM.  Valid until the next call. */
struct pfx_thread_counts *pfx_thread_table_row(struct pfx_thread_table *t, pid_t pid, pid_t tid);

extern const struct counter_backend pfx_counter_perf_backend;
extern const struct counter_backend pfx_counter_proc_backend;
extern const struct counter_backend pfx_counter_tracefs_backend;
extern const struct counter_backend pfx_counter_vmstat_backend;
extern const struct counter_backend pfx_counter_memcg_backend;

struct pfx_counter {
	const struct counter_backend *backend;
	struct pfx_counter_target *targets;
	size_t ntargets;
	struct pfx_counter_opts opts;
	char description[768];
	const char *unavailable;	/* open failed: why, when strerror() would not say */
	void *priv;			/* the backend's state */
	struct pfx_thread_table table;	/* per-thread rows, rebuilt by ->threads */
};

/* The row for (pid, tid), added zeroed if absent; NULL on ENOMEM. */
struct pfx_thread_counts *pfx_counter_row(struct pfx_counter *c, pid_t pid, pid_t tid);
void pfx_counter_rows_clear(struct pfx_counter *c);

#endif
