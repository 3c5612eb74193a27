/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session: one 'pfx record' run, from the target to the finished file.
 *
 *   pfx_session_open    launch or attach the target, pick the fault source
 *                       by policy (auto: perf, else, where perf events are
 *                       denied, tracefs; or the one asked for) from the
 *                       registry (fault_source.h) and open it;
 *   pfx_session_run     create the file, start the target, drain the
 *                       source into the recorder until the target exits,
 *                       a stop signal, the duration or --max-size;
 *   pfx_session_finish  settle the totals (perf: the events' own counts;
 *                       tracefs: /proc's, counter.h) and finish the file;
 *   pfx_session_close   on every path: drop an unfinished file, close the
 *                       source, end and reap a launched command.
 *
 * It prints nothing: a failure is a -errno and a reason the command words
 * (which step, which sources were tried, why they failed, what to do);
 * what happened is in pfx_session_info() and pfx_session_result(). */
#ifndef PFX_SESSION_H
#define PFX_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "counter.h"
#include "fault_source.h"
#include "flight.h"
#include "hostscope.h"
#include "recorder.h"

struct pfx_session_opts {
	const char *output;		/* the record file */
	bool output_named;		/* given by the user: a device or FIFO is written to */
	pid_t pid;			/* attach to this process, or */
	char **argv;			/* launch this command (NULL: none) */
	bool host_wide;			/* every task of the host, or of */
	const char *cgroups;		/* ... these cgroups: "CG[,CG...]" (NULL: the host) */
	enum pfx_count_source source;	/* AUTO, PERF or TRACEFS */
	bool callchain;			/* user call chains (perf) */
	unsigned dwarf_stack;		/* ... unwound from this many stack bytes (0: frame pointers) */
	enum pfx_entry_source entry;	/* fault entries: latency (and access with the
					 * tracepoint) (perf) */
	uint32_t latency_sample;	/* time 1 in this many faults (0, 1: all; perf) */
	size_t ring_pages;		/* per CPU ring (perf) */
	double duration_s;		/* stop after it (0: at the target's exit or a stop signal) */
	uint64_t max_size;		/* stop when the file is this big (0: no limit) */
	/* --flight: no file as it goes, the last seconds in memory
	 * (flight.h), written to output.1, output.2 ... (a name not taken)
	 * on SIGUSR1 (pfx_sig_install_dump), a trigger and, with
	 * flight_dump_on_exit, at the end.  NULL: an ordinary recording. */
	const struct pfx_flight_opts *flight;
	bool flight_dump_on_exit;
	/* told of each dump: the path, why ("SIGUSR1", the trigger, "exit"),
	 * what it holds, or its error (info NULL) */
	void (*on_dump)(void *ctx, const char *path, const char *why,
			const struct pfx_flight_dump_info *info, int err);
	void *on_dump_ctx;
	/* Set by another thread (pfx serve's POST /flight; NULL: none): a
	 * nonzero *dump_request is a dump (why "request") at the next drain,
	 * which zeroes it; a nonzero *stop_request ends the run, as a stop
	 * signal does.  Both are read on the session's thread only, so a
	 * dump never runs beside the drain. */
	_Atomic int *dump_request;
	_Atomic int *stop_request;
};

/* Where a session failed, for the message. */
enum pfx_session_step {
	PFX_SESSION_MEMORY,		/* out of memory */
	PFX_SESSION_TARGET,		/* launching the command or attaching to pid */
	PFX_SESSION_THREADS,		/* listing the attached process's threads (pid) */
	PFX_SESSION_CGROUP_FIND,	/* cgroup_arg: in no hierarchy (err -ENOENT, -EINVAL:
					 * where lists the places), or looking it up failed */
	PFX_SESSION_CGROUP_PERF,	/* cgroup: not in the perf_event hierarchy */
	PFX_SESSION_CGROUP_OPEN,	/* cgroup: opening its perf_event directory */
	PFX_SESSION_CGROUP_NONE,	/* "-G ," : no cgroup name */
	PFX_SESSION_SOURCE,		/* tried[]: no source could be opened */
	PFX_SESSION_EXACT,		/* tracefs: /proc's counts of pid */
	PFX_SESSION_CREATE,		/* creating the file */
	PFX_SESSION_ENABLE,		/* enabling the events */
	PFX_SESSION_START,		/* letting the command exec */
	PFX_SESSION_SNAPSHOT,		/* reading pid's mappings */
	PFX_SESSION_WRITE,		/* draining into the file */
	PFX_SESSION_FINISH,		/* finishing the file */
	PFX_SESSION_FLIGHT,		/* the flight recorder: -EINVAL a stall trigger
					 * without latency, -ENOMEM */
};

/* One source tried: its name, its open's error, the event or step that
 * failed, and its hint (why it cannot be used here, what to do). */
struct pfx_session_try {
	const char *source;
	int err;
	char why[128];
	char hint[256];
};

struct pfx_session_reason {
	enum pfx_session_step step;
	int err;				/* -errno */
	pid_t pid;				/* the target (a launched command's child) */
	struct pfx_session_try tried[2];	/* SOURCE: in the order tried */
	size_t ntried;
	char cgroup_arg[PFX_CGROUP_NAME_MAX];	/* CGROUP_FIND: the name as given */
	char where[3 * PFX_CGROUP_PATH_MAX];	/* ... the hierarchies looked in ("": none) */
	struct pfx_cgroup cgroup;		/* CGROUP_PERF, CGROUP_OPEN */
};

/* What the session records with, after pfx_session_open(). */
struct pfx_session_info {
	const char *source;			/* "perf", "tracefs" */
	const struct pfx_session_try *passed_over;	/* auto: perf, denied, before
							 * tracefs (NULL: none) */
	bool callchain_dropped;			/* call chains asked, the source has none */
};

/* What the recording came to, after pfx_session_finish(). */
struct pfx_session_result {
	struct pfx_recorder_stats stats;
	uint64_t bytes;			/* the file's size */
	bool latency;			/* the source pairs entries with completions */
	uint64_t restamped;		/* samples put back on pfx's clock (fault_source.h) */
	bool full;			/* stopped at max_size */
	bool has_counted;		/* perf: the events' own count of faults */
	uint64_t counted;
	bool has_rusage;		/* a launched command reaped, not host wide: */
	struct rusage rusage;		/* ... its wait4() usage */
	bool proc_totals;		/* tracefs: totals from /proc were sought */
	bool exact;			/* ... and are the kernel's (else the faults seen) */
	bool from_parent;		/* ... its parent's cminflt/cmajflt (reaped there first) */
	uint64_t proc_minor, proc_major;	/* ... /proc's last reading */
	unsigned dumps, dump_failures;	/* --flight: files written, dumps that failed */
};

struct pfx_session;

/* "auto", "tracepoint", "sw" or "none" (--entry): 0, or -EINVAL. */
int pfx_session_entry_parse(const char *name, enum pfx_entry_source *out);
/* 0, or -errno with *why filled (the target, when there was one, is ended). */
int pfx_session_open(struct pfx_session **s, const struct pfx_session_opts *opts,
		     struct pfx_session_reason *why);
const struct pfx_session_info *pfx_session_info(const struct pfx_session *s);
int pfx_session_run(struct pfx_session *s, struct pfx_session_reason *why);
int pfx_session_finish(struct pfx_session *s, struct pfx_session_reason *why);
const struct pfx_session_result *pfx_session_result(const struct pfx_session *s);
/* After finish (or a failure): wait for a launched command that was
 * started (SIGTERM first when the run failed); the target, for its exit
 * status. */
const struct pfx_target *pfx_session_wait(struct pfx_session *s);
/* Every path; a launched command still running after a failure is sent
 * SIGTERM, and reaped.  s may be NULL. */
void pfx_session_close(struct pfx_session *s);

#endif
