/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numa_maps: on which NUMA node a process's pages are, summed over its
 * mappings from /proc/PID/numa_maps.  No printing.
 *
 * One line per mapping: "ADDR POLICY [file=PATH|heap|stack|huge] key=value
 * ...", where N<node>=<count> is how many of the mapping's pages are on
 * that node, anon= how many are anonymous (PageAnon) and
 * kernelpagesize_kB= the unit of those counts.  The kernel counts a
 * transparent huge page as its base pages (N0=512, kernelpagesize_kB=4)
 * and a hugetlbfs page as one page of its own size (N0=1,
 * kernelpagesize_kB=2048), so count * kernelpagesize_kB is the size in
 * both cases.  Counts of zero are left out of the line.
 *
 * numa_maps says how many of a mapping's pages are anonymous, not on which
 * node those are.  Where every page of a mapping is anonymous (anon= equals
 * the sum of its N<node>=: anonymous mappings, the written pages of a
 * library's data) each node's share is exact; the anonymous pages of a
 * mapping that also maps file pages are counted as unplaced.  The sum of
 * node_anon_kb and anon_unplaced_kb is smaps_rollup's Anonymous. */
#ifndef PFX_NUMA_MAPS_H
#define PFX_NUMA_MAPS_H

#include <stddef.h>
#include <stdint.h>

/* MAX_NUMNODES of the largest x86-64 configuration (NODES_SHIFT 10). */
#define PFX_NUMA_MAX_NODES 1024

struct pfx_numa_usage {
	size_t n_nodes;		/* highest node holding pages + 1 (at least 1) */
	uint64_t node_kb[PFX_NUMA_MAX_NODES];		/* every mapped page */
	uint64_t node_anon_kb[PFX_NUMA_MAX_NODES];	/* anonymous, placed */
	uint64_t total_kb;		/* sum of node_kb */
	uint64_t anon_kb;		/* every anonymous page (hugetlbfs excluded) */
	uint64_t anon_unplaced_kb;	/* anonymous pages of mixed mappings */
	uint64_t hugetlb_kb;		/* hugetlbfs pages (in node_kb, not in anon) */
	size_t mappings;		/* lines parsed */
};

/* Parse the text of a numa_maps file into *out (overwritten).  0,
 * -EINVAL for a line that is not numa_maps, -ERANGE for a node number
 * past PFX_NUMA_MAX_NODES. */
int pfx_numa_maps_parse(const char *text, struct pfx_numa_usage *out);
/* sum += u (another process's usage). */
void pfx_numa_usage_add(struct pfx_numa_usage *sum, const struct pfx_numa_usage *u);

#endif
