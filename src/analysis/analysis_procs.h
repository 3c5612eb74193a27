/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analysis_procs: faults per process and per cgroup, for the process and cgroup views of 'pfx report' (--by
 * process, --by cgroup), for recordings of many processes (pfx record -a,
 * -G, or a command that starts others).
 *
 * Processes are summed from the report's thread rows after the pass (no
 * work per fault); a process is named by its main thread's comm.  Cgroups
 * come from the CGROUP items of host-wide recordings (format version 3):
 * one per process, its cgroup when it first faulted. */
#ifndef PFX_ANALYSIS_PROCS_H
#define PFX_ANALYSIS_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recfile.h"
#include "strset.h"
#include "u64map.h"

struct pfx_analysis_counts;
struct pfx_thread_stats;

struct pfx_process_row {
	uint32_t pid;
	const char *comm;		/* "" when the file does not name it */
	const char *cgroup;		/* NULL when the file has none for it */
	uint64_t faults, minor, major;
	uint32_t threads;		/* threads with faults */
	uint32_t cgroup_index;		/* its cgroup row + 1 in names order; 0: unknown or "" */
};

struct pfx_cgroup_row {
	const char *cgroup;		/* "" for processes whose cgroup is unknown */
	uint64_t faults, minor, major;
	uint32_t processes;
};

struct pfx_analysis_procs {
	struct pfx_u64map cgroup_of;	/* pid -> index + 1 into names */
	struct pfx_strset names;	/* distinct cgroup paths */
	bool has_cgroups;		/* the file has cgroup items */
	struct pfx_process_row *procs;	/* most faults first */
	size_t nprocs;
	struct pfx_cgroup_row *cgroups;	/* most faults first */
	size_t ncgroups;
};

int pfx_analysis_procs_init(struct pfx_analysis_procs *p);
void pfx_analysis_procs_free(struct pfx_analysis_procs *p);
/* During the pass: a cgroup item.  0 or -ENOMEM. */
int pfx_analysis_procs_cgroup(struct pfx_analysis_procs *p, const struct pfx_proc_cgroup *cg);
/* After the pass: the rows, from the thread rows.  0 or -ENOMEM. */
int pfx_analysis_procs_build(struct pfx_analysis_procs *p, const struct pfx_thread_stats *threads,
			   size_t nthreads);

#endif
