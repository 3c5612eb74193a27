/* SPDX-License-Identifier: GPL-2.0-or-later */
/* perf: thin wrappers over perf_event_open(2) and counter reads.
 *
 * Software counters (page-faults, minor-faults, major-faults) never fail
 * for lack of PMU hardware; they fail with EACCES/EPERM when
 * perf_event_paranoid or a seccomp profile denies them, and ENOSYS where
 * the syscall is filtered out.  pfx_perf_denied() names that case so
 * callers can fall back (to /proc or tracefs) instead of failing. */
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
/* A hint for denial errors: what to change (paranoid level, capability). */
void pfx_perf_denied_hint(char *buf, size_t size);
/* kernel.perf_event_max_sample_rate as the sysctl shows it, in buf, or
 * "?" when it cannot be read: for a message about throttled sampling. */
const char *pfx_perf_max_sample_rate(char *buf, size_t size);

#endif
