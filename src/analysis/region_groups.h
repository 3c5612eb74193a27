/* SPDX-License-Identifier: GPL-2.0-or-later */
/* region_groups: the memory areas the charts show, built on the mapping
 * timeline of regions.h (which says which mapping held an address when a
 * fault happened).  A group is what a user thinks of as one area:
 *   - all mappings of one file (libc's r-x, r--, rw- parts),
 *   - each anonymous, heap, stack or other mapping on its own,
 *   - for faults outside every known mapping, the 1 GiB window they fall
 *     in ("unmapped").
 * Feed mappings and faults in file order; group indices depend only on
 * that order, so two passes over one recording number groups alike. */
#ifndef PFX_REGION_GROUPS_H
#define PFX_REGION_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps.h"
#include "recfile.h"

struct pfx_region_group {
	size_t index;		/* 0..n-1 in order of appearance: for side tables */
	const char *path;	/* "" for anonymous */
	enum pfx_map_kind kind;
	bool unmapped;		/* no known mapping: a 1 GiB window */
	uint64_t start;		/* lowest start of its mappings (window start) */
	uint64_t lo, hi;	/* pages that faulted: [lo, hi) */
	uint64_t faults;
	uint64_t by_kind[3];	/* indexed by enum pfx_fault_kind */
};

struct pfx_region_groups;

/* page_size: the recording's (header), to round fault addresses; 4096 if
 * it is not a power of two.  0 or -ENOMEM. */
int pfx_region_groups_new(struct pfx_region_groups **groups, uint32_t page_size);
void pfx_region_groups_free(struct pfx_region_groups *groups);
/* Keep each process's mappings apart (host-wide recordings, header flag
 * PFX_REC_HOST_WIDE), before the first mapping. */
void pfx_region_groups_per_space(struct pfx_region_groups *groups);
uint64_t pfx_region_groups_page_size(const struct pfx_region_groups *groups);
/* Apply a mapping item.  0 or -ENOMEM. */
/* Follow a mapping or SPACE item of the recording.  0 or -ENOMEM. */
int pfx_region_groups_apply(struct pfx_region_groups *groups, const struct pfx_rec_item *it);
/* The group holding a fault's address now, without counting; NULL only
 * when out of memory. */
struct pfx_region_group *pfx_region_groups_of(struct pfx_region_groups *groups,
					      const struct pfx_fault *fault);
/* Same, and count the fault in it. */
struct pfx_region_group *pfx_region_groups_count(struct pfx_region_groups *groups,
						 const struct pfx_fault *fault);
/* The groups that had faults, most first.  *list is malloc'ed (the groups
 * stay owned by groups).  Count, or -ENOMEM. */
long pfx_region_groups_busiest(const struct pfx_region_groups *groups,
			       struct pfx_region_group ***list);

/* A short name: a file's base name, "[heap]", "[stack]", "anon", "unmapped". */
void pfx_region_group_name(const struct pfx_region_group *group, char *buf, size_t size);

#endif
