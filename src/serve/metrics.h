/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics: what 'pfx serve' exposes, collected and written in the
 * Prometheus text format 0.0.4 or OpenMetrics 1.0.
 *
 * A collection reads, in one go: every process through the top table
 * (top.h: /proc/PID/stat and cgroup; rss and swap of the processes with
 * series of their own), the system's counters
 * (/proc/vmstat pgfault, pgmajfault) and the cgroup totals (memory.stat of
 * the hierarchy that holds the memory controller: cgroup v2 where its
 * cgroup.controllers lists memory, else the v1 memory mount; both found in
 * /proc/self/mountinfo).  Writing it out reads nothing, so one collection
 * can serve several scrapes in either format.
 *
 * Label cardinality is bounded: with -a or -G only the top_n busiest
 * processes (fault rate since the last collection, then totals) get series
 * of their own; the faults of the rest go to one series with pid="other",
 * kept monotonic across collections (a process's faults of an interval
 * count there unless it had its own series at both ends of the interval),
 * so sum(rate(pfx_page_faults_total[...])) covers every process.  Counters
 * built from a difference (minor = pgfault - pgmajfault) never go back.
 * Errors are -errno. */
#ifndef PFX_METRICS_H
#define PFX_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum pfx_metrics_format { PFX_METRICS_PROMETHEUS, PFX_METRICS_OPENMETRICS };

/* The HTTP Content-Type of a format. */
const char *pfx_metrics_content_type(enum pfx_metrics_format f);
/* The format an HTTP Accept header asks for (NULL: none): OpenMetrics 1.0
 * when application/openmetrics-text (version 1.0.0 or none) has the
 * highest q of the types pfx writes, else the text format. */
enum pfx_metrics_format pfx_metrics_negotiate(const char *accept);
/* Write s as a label value (without quotes): \ " and newline escaped;
 * other controls, DEL, C1 controls and bytes that are not UTF-8 as
 * safetext's \xNN (written \\xNN): a comm or path may hold any byte, the
 * scraper rejects a whole exposition over one bad label, and whoever reads
 * it in a terminal must meet no escape sequence. */
void pfx_metrics_label_value(FILE *fp, const char *s);

/* The labels of a cgroup: cgroup="PATH", then those of its names that are
 * known (cgname.h), each only when known, in this order: pod_uid,
 * container_id, qos_class, service.  Every series with a cgroup label
 * writes them through this, so a family's series carry them alike. */
void pfx_metrics_cgroup_labels(FILE *fp, const char *cgroup);

struct pfx_metrics_opts {
	const pid_t *pids;		/* -p: exactly these processes; NULL: not -p */
	size_t npids;
	char *const *cgroups;		/* -G: processes in these cgroups (or below), and
					 * the cgroups' totals; NULL: not -G */
	size_t ncgroups;
	size_t top_n;			/* -a, -G: processes with series of their own */
};

struct pfx_metrics;

/* 0, -ENOENT when a -G cgroup is in no cgroup hierarchy mounted here
 * (*bad: its index), -ENOMEM, or -errno reading /proc. */
int pfx_metrics_new(struct pfx_metrics **out, const struct pfx_metrics_opts *opts, size_t *bad);
void pfx_metrics_free(struct pfx_metrics *m);

/* Where cgroup totals come from: "cgroup2 at DIR", "cgroup v1 memory at
 * DIR", or "none" (no memory controller mounted: no cgroup totals). */
const char *pfx_metrics_cgroup_source(const struct pfx_metrics *m);
/* A -G cgroup the memory hierarchy has no memory.stat for (no totals for
 * it, only its processes): its index, or -1. */
int pfx_metrics_cgroup_without_totals(const struct pfx_metrics *m);

/* A -p PID the last collection did not find, or 0. */
pid_t pfx_metrics_absent_pid(const struct pfx_metrics *m);

/* Read everything once.  0 or -errno (only when /proc cannot be read). */
int pfx_metrics_collect(struct pfx_metrics *m);
/* CLOCK_MONOTONIC ns of the last collection; 0 before the first. */
uint64_t pfx_metrics_collected_ns(const struct pfx_metrics *m);
struct pfx_stall;
/* Export fault stall time and latency from stall (stall.h), or, when it
 * is NULL, why not (off: one line, shown as a label). */
void pfx_metrics_set_stall(struct pfx_metrics *m, const struct pfx_stall *stall, const char *off);

/* Write the last collection.  0 or -EIO (fp in error). */
int pfx_metrics_write(const struct pfx_metrics *m, FILE *fp, enum pfx_metrics_format f);

#endif
