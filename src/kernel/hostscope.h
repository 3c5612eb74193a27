/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostscope: what 'pfx stat -a/-G' and 'pfx record -a/-G' count beyond
 * one process: the whole host, or a cgroup.
 *
 * A cgroup is named as perf stat -G names it, by its path inside a
 * hierarchy ("web", "/system.slice/x.service"), or by its directory
 * ("/sys/fs/cgroup/unified/web").  pfx looks it up in the hierarchies the
 * host mounts (/proc/self/mountinfo), for two uses:
 *
 *   perf    the hierarchy that holds the perf_event controller: a cgroup v1
 *           mount with "perf_event" among its options, else cgroup2, where
 *           it is always there (/proc/cgroups shows hierarchy 0).  A
 *           perf_event_open(PERF_FLAG_PID_CGROUP) takes an fd of the
 *           cgroup's directory there; it counts the tasks of the cgroup and
 *           of its descendants.
 *   memory  the cgroup's memory.stat, whose pgfault/pgmajfault count the
 *           faults of the address spaces charged to it: the v1 memory
 *           controller (total_pgfault, total_pgmajfault: with descendants)
 *           or cgroup2 with the memory controller (pgfault, pgmajfault).
 *
 * A hybrid host (cgroup2 at /sys/fs/cgroup/unified, v1 controllers
 * beside it) has perf_event on cgroup2 and memory on v1: a cgroup made in
 * both, with the same name, is usable both ways.
 *
 * /proc/vmstat pgfault/pgmajfault are the host's own counts. */
#ifndef PFX_HOSTSCOPE_H
#define PFX_HOSTSCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { PFX_CGROUP_PATH_MAX = 4096, PFX_CGROUP_NAME_MAX = 512 };

struct pfx_cgroup {
	char name[PFX_CGROUP_NAME_MAX];		/* "/web": its path inside a hierarchy */
	char perf_dir[PFX_CGROUP_PATH_MAX];	/* "" when not in the perf_event hierarchy */
	char memory_stat[PFX_CGROUP_PATH_MAX];	/* "" when it has no memory.stat */
	bool memory_v1;				/* memory.stat keys are total_pg*fault */
	const char *perf_hierarchy;		/* "cgroup2", "cgroup v1 perf_event", NULL */
	const char *why_no_perf;		/* when perf_dir is "": why, for messages */
};

/* Find a cgroup.  0 (at least one of perf_dir and memory_stat is set),
 * -ENOENT (in no hierarchy: *where then lists the places looked at),
 * -EINVAL (not a cgroup name: empty, "..", too long). */
int pfx_cgroup_resolve(const char *name, struct pfx_cgroup *out, char *where, size_t where_size);
/* An O_RDONLY fd of the cgroup's perf_event directory, or -errno. */
int pfx_cgroup_open_perf(const struct pfx_cgroup *cg);

/* Fault counts since boot: every fault taken (faults) and the major ones. */
struct pfx_kernel_faults {
	uint64_t faults, major;
};

/* The cgroup's memory.stat counts.  0 or -errno (-ENOENT: no memory.stat). */
int pfx_cgroup_read_faults(const struct pfx_cgroup *cg, struct pfx_kernel_faults *out);
/* /proc/vmstat pgfault and pgmajfault.  0 or -errno. */
int pfx_vmstat_read_faults(struct pfx_kernel_faults *out);
/* The memory limit of a resolved cgroup, read now: the smallest of its
 * own and its ancestors' (a child gets no more than its parents give):
 * cgroup2's memory.max, or v1's memory.limit_in_bytes, whichever
 * hierarchy holds its memory.stat.  *bytes is UINT64_MAX for no limit
 * ("max"; v1's largest page count).  0, or -ENOENT (no memory
 * controller for it), or -errno. */
int pfx_cgroup_memory_limit(const struct pfx_cgroup *cg, uint64_t *bytes);
/* "name N" lines (vmstat, memory.stat): the value of key.  0 or -ENOENT. */
int pfx_stat_text_value(const char *text, const char *key, uint64_t *out);

/* The cgroup shown for a /proc/PID/cgroup text: the v2 ("0::") path when
 * it is not the root, else the v1 memory controller's path, else "/". */
void pfx_cgroup_parse(const char *text, char *out, size_t size);

/* The cgroup pid is in, as pfx top shows it (pfx_cgroup_parse): its
 * cgroup2 path unless that is the root, else its v1 memory path, else
 * "/".  0 or -errno (-ENOENT, -ESRCH: the process is gone). */
int pfx_cgroup_of_pid(pid_t pid, char *out, size_t size);

#endif
