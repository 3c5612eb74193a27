/* region_map: which memory region each fault of a recording hit.
 *
 * Fed the recording's mappings (from /proc/PID/maps at the start and MMAP2
 * records later) and then its faults in time order, it attributes each
 * fault to the newest mapping holding its address, and counts faults per
 * region.  A region is what a user thinks of as one area:
 *   - all mappings of one file in one process (libc's r-x, r--, rw- parts),
 *   - each anonymous, heap, stack or other mapping on its own,
 *   - for faults outside every known mapping, the 1 GiB window they fall
 *     in ("unmapped"); faults above [heap] up to the next mapping extend
 *     the heap (brk growth has no MMAP2 record). */
#ifndef PFX_REGION_MAP_H
#define PFX_REGION_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps.h"
#include "recfile.h"

struct pfx_region {
	size_t index;		/* 0..count-1, stable: for callers' side tables */
	uint32_t pid;
	const char *path;	/* "" for anonymous */
	enum pfx_map_kind kind;
	bool unmapped;		/* no known mapping: a 1 GiB window */
	uint64_t start, end;	/* lowest start, highest end of its mappings */
	uint64_t lo, hi;	/* pages that faulted: [lo, hi) */
	uint64_t faults;
	uint64_t by_kind[3];	/* indexed by enum pfx_fault_kind */
};

struct pfx_region_map;

/* page_size: the recording's (header), to round fault addresses.  0 or -ENOMEM. */
int pfx_region_map_new(struct pfx_region_map **map, uint32_t page_size);
void pfx_region_map_free(struct pfx_region_map *map);
/* The page size regions are rounded to (4096 if the one given was not a
 * power of two). */
uint64_t pfx_region_map_page_size(const struct pfx_region_map *map);
int pfx_region_map_add_mapping(struct pfx_region_map *map, const struct pfx_mapping *mapping);
/* Attribute a fault and count it.  The region, or NULL (out of memory). */
struct pfx_region *pfx_region_map_count(struct pfx_region_map *map, const struct pfx_fault *fault);
/* Look a fault up without counting it (e.g. a second pass over the same
 * recording once the regions are known).  NULL if no region has it. */
struct pfx_region *pfx_region_map_find(struct pfx_region_map *map, const struct pfx_fault *fault);
/* The regions that had faults, most faults first.  *list is malloc'ed
 * (the regions stay owned by the map).  Count, or -ENOMEM. */
long pfx_region_map_busiest(const struct pfx_region_map *map, struct pfx_region ***list);

/* A short name: a file's base name, "[heap]", "[stack]", "anon",
 * "unmapped"; with " (pid N)" when show_pid. */
void pfx_region_name(const struct pfx_region *region, bool show_pid, char *buf, size_t size);

#endif
