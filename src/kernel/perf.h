/* SPDX-License-Identifier: GPL-2.0-or-later */
/* perf: thin wrappers over perf_event_open(2) and counter reads.
 *
 * Software counters (page-faults, minor-faults, major-faults) never fail
 * for lack of PMU hardware; they fail with EACCES/EPERM when
 * perf_event_paranoid or a seccomp profile denies them, and ENOSYS where
 * the syscall is filtered out.  pfx_perf_denied() names that case so
 * callers can fall back (to /proc or tracefs) instead of failing, and
 * pfx_perf_cause() says which of the causes it was (doc/privileges.md). */
#ifndef PFX_PERF_H
#define PFX_PERF_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* perf_event_open(2); returns an fd (O_CLOEXEC) or -errno. */
int pfx_perf_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
		  unsigned long flags);
/* Was this error a denial (fall back) rather than a real failure? */
bool pfx_perf_denied(int neg_errno);
/* Read a counter opened with read_format 0.  0 or -errno. */
int pfx_perf_read_count(int fd, uint64_t *value);
/* Is perf_event_open usable at all here?  0, or the -errno it fails with,
 * probed with a software counter on the calling thread. */
int pfx_perf_probe(void);
/* The online CPUs (/sys/devices/system/cpu/online), for per-CPU events
 * such as rings on inherited counters.  *cpus is malloc'ed.  0 or -errno. */
int pfx_perf_online_cpus(int **cpus, size_t *count);
/* What a refused perf request asked of the kernel, to find why it was
 * refused (Documentation/admin-guide/perf-security.rst). */
struct pfx_perf_request {
	bool cpu_wide;		/* every task of a CPU or a cgroup (-a, -G) */
	bool kernel;		/* kernel-mode counts or samples (not only user) */
	pid_t pid;		/* the observed process (0: self or its child) */
	size_t ring_pages;	/* data pages of each ring mapped (0: no ring) */
	size_t nrings;		/* rings mapped (one per CPU) */
};

/* Why perf_event_open or a ring mmap failed; the first that explains it. */
enum pfx_perf_cause {
	PFX_PERF_CAUSE_NONE,		/* not a denial: a real error */
	PFX_PERF_CAUSE_PARANOID,	/* perf_event_paranoid above what the request needs */
	PFX_PERF_CAUSE_PTRACE,		/* another user's process: CAP_SYS_PTRACE */
	PFX_PERF_CAUSE_MLOCK,		/* rings over perf_event_mlock_kb + RLIMIT_MEMLOCK */
	PFX_PERF_CAUSE_FILTERED,	/* nothing above: seccomp, an LSM, no syscall */
};

/* The highest perf_event_paranoid a user without CAP_PERFMON may make
 * req at: 2 own user-mode, 1 with kernel mode, 0 CPU-wide (counting
 * tracepoints too; their raw data would need -1, which pfx does without). */
int pfx_perf_paranoid_needed(const struct pfx_perf_request *req);
/* kernel.perf_event_paranoid (2, the default, if unreadable). */
int pfx_perf_paranoid(void);
/* Does the calling thread hold capability cap (effective)? */
bool pfx_perf_capable(int cap);
/* Why req failed with neg_errno: the one place that decides it. */
enum pfx_perf_cause pfx_perf_cause(int neg_errno, const struct pfx_perf_request *req);
/* The cause of a refusal and its fix in words, in buf: the sysctl with its
 * value and the level needed, the capability, or the limit. */
void pfx_perf_denied_hint(int neg_errno, const struct pfx_perf_request *req, char *buf, size_t size);
/* kernel.perf_event_max_sample_rate as the sysctl shows it, in buf, or
 * "?" when it cannot be read: for a message about throttled sampling. */
const char *pfx_perf_max_sample_rate(char *buf, size_t size);

#endif
