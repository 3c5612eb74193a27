/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stat_host: the host scopes of 'pfx stat': -a (every task), -A (a row
 * per CPU), -G CGROUP[,CGROUP...] (per cgroup).  Turns the options into
 * counter targets (counter.h) with their row labels, and reads the
 * kernel's own count over the same time to set against perf's:
 * /proc/vmstat for -a, the cgroups' memory.stat for -G (hostscope.h). */
#ifndef PFX_STAT_HOST_H
#define PFX_STAT_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counter.h"
#include "hostscope.h"

struct stat_host {
	bool system_wide;		/* -a (or implied by -G) */
	bool per_cpu;			/* -A */
	struct pfx_cgroup *cgroups;	/* -G, resolved */
	size_t ncgroups;
	struct pfx_counter_target *targets;	/* one per row: (cgroup or host) x (CPU or all) */
	size_t ntargets;
	/* The kernel's count over the run (perf source only; else the
	 * source is that count itself). */
	bool has_ref;
	const char *ref_name;		/* "/proc/vmstat" or "memory.stat" */
	struct pfx_kernel_faults ref_start, ref_end;
	/* What pfx_stat_host_setup() failed on, for the command to say. */
	struct {
		char name[256];			/* the -G name that failed */
		char where[3 * PFX_CGROUP_PATH_MAX];	/* the hierarchies searched */
		bool cpus;			/* listing the online CPUs failed */
	} bad;
};

/* Resolve -G's list (NULL: none) and make the targets.  0 or -errno:
 * -ENOENT/-EINVAL (h->bad.name is no cgroup, h->bad.where searched),
 * -E2BIG (more than 64 cgroups), -EDESTADDRREQ (an empty list), another
 * error of the lookup (h->bad.name) or of listing CPUs (h->bad.cpus). */
int pfx_stat_host_setup(struct stat_host *h, bool system_wide, bool per_cpu, const char *cgroups);
/* The label of target i's row: its CPU (-1: all) and cgroup name (NULL: the host). */
int pfx_stat_host_cpu(const struct stat_host *h, size_t i);
const char *pfx_stat_host_cgroup(const struct stat_host *h, size_t i);
/* "system-wide", "cgroup /web", "cgroups /a,/b" into buf. */
void pfx_stat_host_describe(const struct stat_host *h, char *buf, size_t size);

/* Read the kernel's count before the counters open and after they are
 * read for the last time (so its window holds perf's); kept only when the
 * counts come from perf (other sources are that count). */
void pfx_stat_host_ref_start(struct stat_host *h);
void pfx_stat_host_ref_end(struct stat_host *h, enum pfx_count_source source);

/* Why the kernel's count (pgfault) differs from perf's minor + major
 * beyond the noise (more than 1% and more than PFX_RUSAGE_GAP_MIN), or
 * NULL.  *gap = kernel - counted. */
const char *pfx_stat_host_gap_cause(const struct stat_host *h, uint64_t counted, uint64_t kernel,
				int64_t *gap);

void pfx_stat_host_free(struct stat_host *h);

#endif
