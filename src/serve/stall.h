/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stall: how long the host's tasks waited on page faults, per cgroup and
 * per process, for 'pfx serve' (doc/serve.md, "Stall time").
 *
 * A host-wide perf fault source (fault_source.h, through its registry,
 * as 'pfx record -a' opens it, or 'record -G' for serve -G) with fault
 * entries: an entry and the completion of the same thread and page make
 * one timed fault.  The entry is the page-faults software event
 * (PFX_ENTRY_SW, every architecture): a tool beside serve on the same
 * faults then gets the same entry and completion stamps (doc/serve.md).
 * Timing every fault costs serve two ring records per fault, so the
 * events run in windows (duty cycling): each period of
 * PFX_STALL_PERIOD_MS they are on for share of it, then off.  share adapts, once a second, so that
 * serve's whole CPU time (getrusage) stays within the budget: the cost of
 * the windows is measured (the thread's CPU time around their drains) per
 * unit of share, and what the rest of serve spends is left out of what
 * they may use.  A period's timed stall is scaled to the whole period
 * (period / time on) and, per cgroup, type and process, to the faults
 * completed in the window (completions / timed ones; all cgroups'
 * completions to the kernel's count of them, for records lost): an
 * estimate, exact only with share 1 and no record lost.  The latency histogram counts the timed faults
 * only, unscaled (its quantiles need no scaling).
 *
 * A process's cgroup is read from /proc/PID/cgroup (pfx_cgroup_of_pid:
 * the cgroup2 path, else the v1 memory one, the key 'pfx top' and serve's
 * cgroup series use) when its first fault is seen, again when that is
 * older than 2 s, at its execve (a COMM record with the exec flag: a
 * process is most often put in its cgroup just before one), and at its
 * exit (an EXIT record): a PID reused is read afresh.  Cgroups beyond PFX_STALL_CGROUPS_MAX share one entry, "other".
 * Errors are -errno. */
#ifndef PFX_STALL_H
#define PFX_STALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	PFX_STALL_PERIOD_MS = 250,
	PFX_STALL_BUCKETS = 19,		/* 1 us .. 1 s, 1-2.5-5 per decade; +Inf apart */
	PFX_STALL_CGROUPS_MAX = 1024,
};

/* The buckets' upper bounds, in seconds. */
extern const double pfx_stall_bucket_le[PFX_STALL_BUCKETS];

struct pfx_stall_opts {
	double budget;			/* serve's CPU, a fraction of one core (0.01) */
	size_t ring_pages;		/* per CPU ring */
	/* -G: only these cgroups' faults are timed (their perf_event
	 * directories, as pfx record -G opens them); none: every task */
	char *const *cgroups;
	size_t ncgroups;
};

/* One cgroup's totals; [0] minor, [1] major. */
struct pfx_stall_cgroup {
	char cgroup[256];
	double stall_s[2];		/* estimated, scaled */
	uint64_t bucket[2][PFX_STALL_BUCKETS + 1];	/* timed faults; the last is +Inf */
	double timed_s[2];		/* sum of the timed faults' latencies */
	uint64_t timed[2];		/* timed faults */
};

struct pfx_stall;

/* Open the perf source host wide, or on opts' cgroups (not yet timing).
 * 0, or -errno with why (the event or step that failed) and *hint (why
 * perf cannot be used here, what to do) filled. */
int pfx_stall_open(struct pfx_stall **out, const struct pfx_stall_opts *opts, char *why,
		   size_t why_size, char *hint, size_t hint_size);
/* When pfx_stall_tick() wants to run next (CLOCK_MONOTONIC ns). */
uint64_t pfx_stall_next_ns(const struct pfx_stall *s);
/* Open or close a window, drain, adapt the share: whatever is due at now.
 * 0 or -errno (the source failed; timing stops). */
int pfx_stall_tick(struct pfx_stall *s, uint64_t now);
/* The cgroups seen so far. */
const struct pfx_stall_cgroup *pfx_stall_cgroups(const struct pfx_stall *s, size_t *n);
/* A process's estimated stall seconds ([0] minor, [1] major); false when
 * none of its faults was timed. */
bool pfx_stall_of_pid(const struct pfx_stall *s, pid_t pid, double out[2]);
/* The share of time faults are timed in, over the last second. */
double pfx_stall_share(const struct pfx_stall *s);
/* Records the kernel dropped (ring full) so far. */
uint64_t pfx_stall_lost(const struct pfx_stall *s);
void pfx_stall_close(struct pfx_stall *s);

/* serve's own CPU time, user + system (getrusage), in seconds. */
double pfx_stall_self_cpu_s(void);

#endif
