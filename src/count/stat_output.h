/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stat_output: how 'pfx stat' prints: a header naming the source, one row
 * per interval (per process, or per thread), and the final summary, in
 * text (laid out like perf stat), JSON lines or CSV.  The JSON and CSV
 * schemas are documented in doc/stat.md; change both together. */
#ifndef PFX_STAT_OUTPUT_H
#define PFX_STAT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "counter.h"
#include "output.h"

enum stat_alert { STAT_ALERT_MINOR = 1 << 0, STAT_ALERT_MAJOR = 1 << 1 };

struct stat_output {
	FILE *fp;
	enum pfx_format format;
	bool show_pid;		/* text: several processes, print a pid column */
	bool per_thread;	/* rows carry a tid */
	bool header_printed;	/* text: column header printed */
	/* Host scopes (-a, -G): rows carry a CPU and/or a cgroup, not a pid. */
	const char *scope;	/* "system", "cgroup"; NULL: processes */
	bool show_cpu;		/* -A */
	bool show_cgroup;	/* -G */
	/* --alert-minor/--alert-major rates, in the JSON header so a chart
	 * can draw them; < 0: not set */
	double alert_minor, alert_major;
};

/* One interval of one process (tid < 0) or one thread. */
struct stat_row {
	double time;		/* seconds since counting began, at the interval's end */
	double seconds;		/* the interval's length */
	pid_t pid;
	pid_t tid;		/* -1: whole process; 0: faults credited to no thread */
	struct pfx_live_counts delta;
	unsigned alerts;	/* enum stat_alert bits */
	bool includes_running;	/* per thread: also running descendants' faults */
	int cpu;		/* show_cpu: the row's CPU */
	const char *cgroup;	/* show_cgroup: the row's cgroup */
};

/* One process, or (host scopes) one CPU and/or cgroup. */
struct stat_process_total {
	pid_t pid;
	struct pfx_live_counts counts;
	enum pfx_count_end end;		/* how its counts were finished */
	int cpu;
	const char *cgroup;
};

struct stat_summary {
	enum pfx_count_source source;
	const char *description;	/* pfx_counter_description() */
	const char *command;		/* "CMD ARGS" or "pid 1,2" */
	double seconds;
	struct pfx_live_counts total;
	const struct stat_process_total *processes;	/* one per target */
	size_t nprocesses;
	const struct pfx_thread_counts *threads;	/* per thread, or NULL */
	size_t nthreads;
	bool has_rusage;		/* launched: the command's wait4() rusage */
	uint64_t rusage_minor, rusage_major;
	uint64_t alert_intervals;	/* rows that passed a threshold */
	uint64_t lost_reports;		/* pfx_counter_lost_reports() */
	bool interrupted;		/* stopped by a signal, not by the target's exit */
	/* Host scopes counted by perf: the kernel's own count over the run
	 * (/proc/vmstat or memory.stat pgfault, pgmajfault). */
	bool has_kernel;
	const char *kernel_name;
	uint64_t kernel_faults, kernel_major;
	const char *kernel_gap_cause;	/* pfx_stat_host_gap_cause(), or NULL */
	int64_t kernel_gap;		/* kernel_faults - (minor + major) */
};

void pfx_stat_output_header(struct stat_output *o, enum pfx_count_source source,
			const char *description, const char *command, const pid_t *pids, size_t npids);
void pfx_stat_output_row(struct stat_output *o, const struct stat_row *row);
void pfx_stat_output_summary(struct stat_output *o, const struct stat_summary *s);

#endif
