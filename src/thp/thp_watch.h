/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thp_watch: one process's THP and NUMA behaviour over time, sample by
 * sample.  Brings together the target's fault counts (counter.h, the same
 * counters as pfx stat), its THP use and node placement (thp_stats.h),
 * the system's vmstat counters and the system-wide khugepaged/migration
 * tracepoint counts (tp_count.h), and turns two samples into an interval
 * row and all of them into a summary.  No printing: -errno, and the
 * reasons a part is missing, for the caller to report.
 *
 * Order of use: open the counters and the system's files, and (for a
 * running process) the target's files; take the baseline; for a launched
 * command, start it now (held before exec until here, so the baseline is
 * its exec) and open its files; then one pfx_thp_watch_next() per
 * interval. */
#ifndef PFX_THP_WATCH_H
#define PFX_THP_WATCH_H

#include "counter.h"
#include "events.h"
#include "numa_maps.h"
#include "thp_stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* The system-wide tracepoints counted, in output order. */
enum pfx_thp_tp {
	PFX_THP_TP_SCAN_PMD,		/* huge_memory:mm_khugepaged_scan_pmd */
	PFX_THP_TP_COLLAPSE,		/* huge_memory:mm_collapse_huge_page */
	PFX_THP_TP_COLLAPSE_FILE,	/* huge_memory:mm_khugepaged_collapse_file */
	PFX_THP_TP_MIGRATE,		/* migrate:mm_migrate_pages */
	PFX_THP_TP_COUNT
};
/* "huge_memory:mm_collapse_huge_page" */
const char *pfx_thp_tp_name(enum pfx_thp_tp t);

/* Everything read at one moment; counts are cumulative. */
struct pfx_thp_sample {
	uint64_t time_ns;			/* pfx_now_ns() */
	bool faults_ok;
	struct pfx_live_counts faults;		/* since counting began */
	bool target_ok;				/* false once the target has exited */
	struct pfx_thp_rollup rollup;
	bool numa_ok;				/* numa_maps read */
	struct pfx_numa_usage numa;
	struct pfx_vmstat vmstat;
	bool tp_ok[PFX_THP_TP_COUNT];
	uint64_t tp[PFX_THP_TP_COUNT];
};

/* One interval: from the previous sample to cur. */
struct pfx_thp_row {
	double time_s, window_s;		/* end of the interval since the baseline; its length */
	const struct pfx_thp_sample *cur;	/* the target's state at the end (absolute) */
	struct pfx_live_counts faults;		/* in the interval (when cur->faults_ok) */
	bool huge_known;			/* both ends had the target's rollup */
	uint64_t huge_gained, huge_lost;	/* AnonHugePages change in huge pages */
	struct pfx_vmstat vmstat;		/* system-wide deltas */
	uint64_t tp[PFX_THP_TP_COUNT];		/* system-wide deltas (where cur->tp_ok) */
};

struct pfx_thp_summary {
	double seconds;
	size_t rows;
	bool faults_ok;
	struct pfx_live_counts faults;		/* the whole run */
	bool has_rusage;			/* a launched command that exited */
	uint64_t rusage_minor, rusage_major;	/* its wait4() rusage */
	bool target_seen;			/* some sample read the target */
	bool anon_huge_known;			/* ... and its smaps_rollup has AnonHugePages */
	uint64_t anon_huge_kb_first, anon_huge_kb_peak, anon_huge_kb_last;
	uint64_t huge_gained, huge_lost;	/* sums over the intervals */
	const struct pfx_thp_sample *last_target;	/* the last sample that read it */
	double last_target_s;			/* its time since the baseline */
	struct pfx_vmstat vmstat;		/* system-wide, the whole run */
	bool tp_ok[PFX_THP_TP_COUNT];
	uint64_t tp[PFX_THP_TP_COUNT];
};

struct pfx_thp_watch;

/* Allocate a watch of pid with files under root ("" for the real system).
 * 0 or -ENOMEM. */
int pfx_thp_watch_new(const char *root, pid_t pid, struct pfx_thp_watch **out);
/* Start counting the target's faults (held before exec if launched).
 * 0 or -errno from pfx_counter_open(). */
int pfx_thp_watch_open_faults(struct pfx_thp_watch *w, bool launched);
const struct pfx_counter *pfx_thp_watch_counter(const struct pfx_thp_watch *w);
/* Start the system-wide tracepoint counters.  0, or -errno (a denial:
 * pfx_perf_denied()); the watch works without them. */
int pfx_thp_watch_open_tracepoints(struct pfx_thp_watch *w);
/* Open the system's files and read the THP policy.  0 or -errno as
 * pfx_thp_source_open(). */
int pfx_thp_watch_open_system(struct pfx_thp_watch *w);
/* Open the target's files (after a launched command's exec); with
 * children, its descendants are summed into every sample too.  0 or
 * -errno as pfx_thp_source_open_target(). */
int pfx_thp_watch_open_target(struct pfx_thp_watch *w, bool children);
const struct pfx_thp_source *pfx_thp_watch_source(const struct pfx_thp_watch *w);
/* The policy in effect, read by open_system. */
const struct pfx_thp_policy *pfx_thp_watch_policy(const struct pfx_thp_watch *w);

/* Take the baseline sample (time zero).  at_exec: the target is a
 * command about to exec, whose new address space starts empty (its files
 * are not open yet); else its files are read.  0 or -errno (-ESRCH: the
 * target is already gone). */
int pfx_thp_watch_begin(struct pfx_thp_watch *w, bool at_exec);
/* Take the next sample and fill *row (valid until the next call).  A
 * target that has exited is no error: row->cur->target_ok is false.
 * 0 or -errno. */
int pfx_thp_watch_next(struct pfx_thp_watch *w, struct pfx_thp_row *row);
/* The target exited; ru is its rusage when pfx reaped it, else NULL. */
void pfx_thp_watch_target_exited(struct pfx_thp_watch *w, const struct rusage *ru);
void pfx_thp_watch_summary(const struct pfx_thp_watch *w, struct pfx_thp_summary *out);
void pfx_thp_watch_free(struct pfx_thp_watch *w);

#endif
