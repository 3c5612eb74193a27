/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counter: live page-fault counts (faults, minor, major) of whole processes:
 * every thread, the threads and child processes they start after pfx
 * began counting, from one of several sources.
 *
 *   perf  software counters page-faults, minor-faults and major-faults,
 *         one group per task, inherit=1 so new threads and children are
 *         counted; a launched command's counters are enabled at its exec.
 *   tracefs  when perf is denied: fault entries from a private tracefs
 *         instance (per-thread rows for every thread), minor/major
 *         totals from /proc (counter_tracefs.c).
 *   proc  /proc/PID/stat (and task/TID/stat per thread); also counts the
 *         faults the kernel takes on the process's behalf (GUP), which
 *         perf does not see.  See doc/stat.md for why the two differ.
 *
 * Or of the host (-a) or a cgroup (-G), per CPU or summed (hostscope.h):
 *   perf  the same counters per online CPU, on every task (pid -1) or on
 *         a cgroup (PERF_FLAG_PID_CGROUP);
 *   vmstat  /proc/vmstat pgfault/pgmajfault deltas (the host only);
 *   memcg   the cgroup's memory.stat pgfault/pgmajfault deltas
 *         (counter_host.c).
 *
 * The source is chosen in one place (counter.c: the backend table and
 * pfx_counter_open()); adding a source means adding a backend there. */
#ifndef PFX_COUNTER_H
#define PFX_COUNTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

enum pfx_count_source {
	PFX_SOURCE_AUTO = 0,	/* perf, or proc when perf_event_open is denied */
	PFX_SOURCE_PERF,
	PFX_SOURCE_PROC,
	PFX_SOURCE_TRACEFS,	/* fault entries from tracefs, totals from proc */
	PFX_SOURCE_VMSTAT,	/* the host: /proc/vmstat pgfault, pgmajfault */
	PFX_SOURCE_MEMCG,	/* a cgroup: its memory.stat pgfault, pgmajfault */
};

/* "auto", "perf", "tracefs", "proc", "vmstat", "memcg".  0 or -EINVAL. */
int pfx_count_source_parse(const char *name, enum pfx_count_source *out);
const char *pfx_count_source_name(enum pfx_count_source source);
/* The accepted names, for messages: "auto, perf, tracefs, proc, ...". */
const char *pfx_count_source_names(void);

/* Fault counts read live from a counter (a recording's are analysis.h's
 * struct pfx_analysis_counts). */
struct pfx_live_counts {
	uint64_t faults;	/* page-faults: perf counts every fault entry, so
				 * retried faults count twice; proc: minor + major */
	uint64_t minor;
	uint64_t major;
};

enum pfx_target_kind {
	PFX_TARGET_PROCESS = 0,	/* pid, its threads and what it starts */
	PFX_TARGET_SYSTEM,	/* every task of the host (stat -a) */
	PFX_TARGET_CGROUP,	/* the tasks of a cgroup and its descendants (-G) */
};

struct pfx_cgroup;

/* A process to count: launched ones are held before exec (target.h).
 * Or a host scope: the targets of one counter are all processes or all
 * scopes. */
struct pfx_counter_target {
	pid_t pid;
	bool launched;
	enum pfx_target_kind kind;
	int cpu;				/* scope: this CPU only; -1: every online CPU */
	const struct pfx_cgroup *cgroup;	/* PFX_TARGET_CGROUP (hostscope.h) */
};

struct pfx_counter_opts {
	enum pfx_count_source source;
	bool per_thread;	/* keep per-thread counts (pfx_counter_threads) */
};

/* One thread's counts since counting began. */
struct pfx_thread_counts {
	pid_t pid, tid;		/* tid 0: faults no thread could be credited with */
	struct pfx_live_counts counts;
	bool exited;		/* final counts of a thread that has exited */
	bool includes_running;	/* perf: also holds the faults of this task's
				 * descendants still running (they are credited
				 * to their own row when they exit) */
};

struct pfx_counter;

/* Start counting targets.  A launched target must still be held before
 * exec.  0 or -errno; when the perf source was asked for explicitly and
 * denied, the error is the denial (pfx_perf_denied() is true for it).
 * -ESRCH: a target does not exist. */
int pfx_counter_open(struct pfx_counter **c, const struct pfx_counter_target *targets,
		     size_t ntargets, const struct pfx_counter_opts *opts);
/* The source in use (never AUTO). */
enum pfx_count_source pfx_counter_source(const struct pfx_counter *c);
/* One line for humans: the source and what it counts, and why auto did
 * not use perf when it fell back. */
const char *pfx_counter_description(const struct pfx_counter *c);

/* Counts of target i since counting began (cumulative).  0 or -errno. */
int pfx_counter_read(struct pfx_counter *c, size_t i, struct pfx_live_counts *out);
/* Target i has exited; ru is its wait4() rusage when pfx reaped it
 * (NULL otherwise).  Sources that cannot read a gone process keep their
 * last counts or take them from ru. */
void pfx_counter_target_exited(struct pfx_counter *c, size_t i, const struct rusage *ru);

/* How target i's counts were finished once it exited. */
enum pfx_count_end {
	PFX_COUNT_END_COUNTED = 0,	/* still running, or counted to its end (perf) */
	PFX_COUNT_END_RUSAGE,		/* reaped by pfx: wait4()'s rusage */
	PFX_COUNT_END_ZOMBIE,		/* /proc read after its exit, before its reap */
	PFX_COUNT_END_PARENT,		/* reaped by its parent: the growth of the
					 * parent's cminflt/cmajflt (counter_proc.c) */
	PFX_COUNT_END_LAST_READ,	/* gone without a trace: the last reading,
					 * a lower bound */
};
enum pfx_count_end pfx_counter_end(const struct pfx_counter *c, size_t i);

/* Read the sources that lose what a process did once it is reaped
 * (proc, tracefs: /proc/PID/stat) so their last reading stays recent;
 * callers run it every PFX_COUNTER_REFRESH_MS when pfx_counter_wants_refresh(). */
#define PFX_COUNTER_REFRESH_MS 100
bool pfx_counter_wants_refresh(const struct pfx_counter *c);
void pfx_counter_refresh(struct pfx_counter *c);

/* Per-thread counts (opts.per_thread), sorted by pid then tid.  *rows
 * stays valid until the next call or pfx_counter_close().  0 or -errno. */
int pfx_counter_threads(struct pfx_counter *c, const struct pfx_thread_counts **rows,
			size_t *nrows);
/* File descriptors that become readable when the source has data to
 * collect (perf per-thread exit reports); the caller polls them and
 * calls pfx_counter_collect().  Returns how many were stored (<= max). */
size_t pfx_counter_poll_fds(const struct pfx_counter *c, int *fds, size_t max);
int pfx_counter_collect(struct pfx_counter *c);
/* Per-thread exit reports the kernel dropped (ring full): those threads'
 * faults stay in their parent's row.  0 when nothing was lost. */
uint64_t pfx_counter_lost_reports(const struct pfx_counter *c);

void pfx_counter_close(struct pfx_counter *c);

/* Why a launched command's wait4() rusage differs from the faults counted
 * (perf or tracefs) beyond the noise: more than 1% and more than
 * PFX_RUSAGE_GAP_MIN faults (execve's own copy of the arguments is a few
 * dozen).  rusage counts faults the kernel takes on the process's behalf
 * (get_user_pages: MADV_POPULATE_*, mlock, O_DIRECT, process_vm_*,
 * ptrace), which the page-fault software events and the
 * page_fault_user tracepoint never see; the counters follow children
 * the command did not wait for, which rusage leaves out.  *gap =
 * rusage - counted.  NULL when they agree. */
#define PFX_RUSAGE_GAP_MIN 64
const char *pfx_rusage_gap_cause(uint64_t counted, uint64_t rusage, int64_t *gap);

#endif
