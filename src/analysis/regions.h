/* SPDX-License-Identifier: GPL-2.0-or-later */
/* regions: the mapping timeline of a recording - which mapping held an
 * address when a fault happened.
 *
 * Mapping items are applied in file order (which is time order, the
 * /proc snapshot at time 0 first), like the kernel applies mmap(): a new
 * mapping replaces whatever part of older ones it overlaps.  A fault is
 * attributed to the mapping covering its address at that point of the
 * stream, so mappings that come and go (and address reuse) are told
 * apart.  A new named mapping with the same start or end and the same
 * name as the one it overlaps (brk growing [heap], the stack growing
 * down, a snapshot entry re-announced by MMAP2) continues that region
 * instead of starting a new one; an anonymous one only when it grew it
 * (the kernel merged a new neighbour into it), since an address reused
 * by a new anonymous mapping holds new pages.  A region grows only over
 * addresses that no other region with faults holds (a region keeps one
 * extent for its life): a mapping the kernel merged from two that both
 * took faults is a new region.
 *
 * A mapping that takes only a part of an older one (a library's segments
 * mapped over its whole-file reservation, mprotect() of a part of an
 * anonymous mapping) cuts it: the kernel has new, smaller mappings for
 * the parts left, so they are new regions and the older one is gone.  A
 * region thus keeps the extent it had while it held faults, and the
 * regions of one address space never overlap at one time; gone_ns says
 * until when a region was mapped.
 *
 * perf reports no munmap, so an unmapped range keeps its last mapping
 * until something is mapped over it.  The timeline is per address space
 * (pfx_regions_per_space(), for files with pfx_rec_per_space(): every
 * process has its own mappings, and SPACE items begin them anew at fork
 * and execve); in older files process ids are not separated (children
 * forked from the target share its layout). */
#ifndef PFX_REGIONS_H
#define PFX_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#include "maps.h"
#include "recfile.h"
#include "strset.h"

struct pfx_region {
	uint64_t start, end;	/* [start, end): the largest extent it had */
	uint64_t pgoff;		/* file offset of start */
	uint64_t time_ns;	/* when it appeared */
	uint64_t last_time_ns;	/* when it was last (re)announced (grown, re-mapped) */
	uint64_t gone_ns;	/* when gone */
	uint32_t prot, flags;
	uint32_t pid;		/* the process of the mapping that made it */
	/* 72 bytes, not 80, with these packed together (a file of many
	 * one-mapping processes holds a region each) */
	enum pfx_map_kind kind : 8;
	bool faulted;		/* a fault was attributed to it (pfx_regions_faulted()) */
	bool gone;		/* mapped over (wholly or in part), or its space began anew */
	const char *path;	/* "" for anonymous; one copy per distinct path */
};

struct pfx_regions;

int pfx_regions_new(struct pfx_regions **rs);
void pfx_regions_free(struct pfx_regions *rs);
/* Keep each process's mappings apart (by the mapping's pid), before the
 * first pfx_regions_add(). */
void pfx_regions_per_space(struct pfx_regions *rs);
/* Apply a mapping item.  0 or -ENOMEM. */
int pfx_regions_add(struct pfx_regions *rs, const struct pfx_mapping *m);
/* Apply a SPACE item: pid's mappings so far are no longer its own (per
 * space only).  0 or -ENOMEM. */
int pfx_regions_new_space(struct pfx_regions *rs, const struct pfx_space *sp);
/* The region holding addr now (index into pfx_regions_get()), or -1:
 * in pid's address space when the timeline is per space. */
static inline long pfx_regions_find(struct pfx_regions *rs, uint64_t addr);
static inline long pfx_regions_find_in(struct pfx_regions *rs, uint32_t pid, uint64_t addr);
/* A fault was attributed to region i (from pfx_regions_find*()): a
 * mapping that grows another region over its addresses then starts a new
 * region instead (pfx_regions_add()). */
static inline void pfx_regions_faulted(struct pfx_regions *rs, long i);
size_t pfx_regions_count(const struct pfx_regions *rs);
/* The timeline is complete: free what only adding and finding need (the
 * active spans, the paths' hash); the regions stay, pfx_regions_find*()
 * finds nothing and pfx_regions_add() fails from now on. */
void pfx_regions_done(struct pfx_regions *rs);
const struct pfx_region *pfx_regions_get(const struct pfx_regions *rs, size_t i);

/* ---- the lookup is on the report's hot path: inline, with a one-entry cache ---- */

struct pfx_regions_span {
	uint64_t start, end;
	long region;
	uint32_t space;		/* the pid, per space; else 0 */
};

struct pfx_regions_node;

struct pfx_regions {
	struct pfx_region *regions;
	size_t nregions, cap_regions;
	struct pfx_regions_node *root;	/* active spans, non-overlapping: a treap by start */
	struct pfx_regions_block *blocks;	/* where the nodes live, newest first */
	size_t block_used;		/* nodes handed out of the newest block */
	struct pfx_regions_node *free_nodes;	/* released nodes, linked by right */
	uint64_t rng;			/* treap priorities */
	struct pfx_regions_span last;	/* cache of the last hit */
	bool per_space;			/* spans ordered by (space, start) */
	struct pfx_strset paths;	/* the regions' paths, each stored once */
	bool done;			/* pfx_regions_done() */
};

long pfx_regions_find_slow(struct pfx_regions *rs, uint32_t space, uint64_t addr);

static inline long pfx_regions_find_in(struct pfx_regions *rs, uint32_t pid, uint64_t addr)
{
	uint32_t space = rs->per_space ? pid : 0;

	if (addr - rs->last.start < rs->last.end - rs->last.start && rs->last.space == space)
		return rs->last.region;
	return pfx_regions_find_slow(rs, space, addr);
}

static inline void pfx_regions_faulted(struct pfx_regions *rs, long i)
{
	if (i >= 0)
		rs->regions[i].faulted = true;
}

static inline long pfx_regions_find(struct pfx_regions *rs, uint64_t addr)
{
	return pfx_regions_find_in(rs, 0, addr);
}

#endif
