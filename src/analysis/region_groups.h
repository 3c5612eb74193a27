/* SPDX-License-Identifier: GPL-2.0-or-later */
/* region_groups: the memory areas a user thinks of as one, made of the
 * analysis's region rows (analysis.h: one per mapping of the timeline,
 * regions.h, and one per process for faults outside every mapping):
 *   - all mappings of one file in one process (libc's r-x, r--, rw-
 *     parts; the report's regions are per process, so are its groups),
 *   - each anonymous, heap, stack or other mapping on its own,
 *   - each process's faults outside every known mapping ("unknown").
 * A group of one region has that region's start, end and name: the
 * report's table, the charts and the heat maps say the same.  Rows are
 * added after the pass, busiest first; group indices follow that order. */
#ifndef PFX_REGION_GROUPS_H
#define PFX_REGION_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault_kind.h"
#include "maps.h"

struct pfx_region_group {
	size_t index;		/* 0..n-1 in the order rows were added */
	const char *path;	/* "" for anonymous; owned by the regions */
	enum pfx_map_kind kind;
	bool unmapped;		/* no known mapping: one process's faults */
	uint32_t pid;		/* whose: the process of its regions (regions.h) */
	uint64_t start, end;	/* [lowest start, highest end) of its regions */
	uint64_t lo, hi;	/* pages that faulted: [lo, hi) */
	uint64_t faults;
	uint64_t by_kind[PFX_COL_COUNT];
};

struct pfx_region_groups;

int pfx_region_groups_new(struct pfx_region_groups **groups);
void pfx_region_groups_free(struct pfx_region_groups *groups);
/* Add one region row, described as a group of its own (index unused):
 * a file's row joins the group of that file and pid.  The group's index, or -ENOMEM. */
long pfx_region_groups_add(struct pfx_region_groups *groups, const struct pfx_region_group *row);
size_t pfx_region_groups_count(const struct pfx_region_groups *groups);
const struct pfx_region_group *pfx_region_groups_get(const struct pfx_region_groups *groups,
						     size_t index);
/* The groups that had faults, most first (ties: lowest faulted address
 * first).  *list is malloc'ed (the groups stay owned by groups).  Count,
 * or -ENOMEM. */
long pfx_region_groups_busiest(const struct pfx_region_groups *groups,
			       const struct pfx_region_group ***list);

/* A short name: a file's base name, "[heap]", "[stack]", "anon", "unknown". */
void pfx_region_group_name(const struct pfx_region_group *group, char *buf, size_t size);

#endif
