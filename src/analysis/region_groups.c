/* SPDX-License-Identifier: GPL-2.0-or-later */
/* region_groups: group the mapping timeline's regions (regions.h) into the
 * areas charts show, and count faults per area. */
#include "config.h"
#include "region_groups.h"
#include "regions.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNMAPPED_WINDOW (1ull << 30)

struct pfx_region_groups {
	struct pfx_regions *regions;
	struct pfx_region_group **groups;	/* pointers: stable as the array grows */
	size_t n_groups, cap_groups;
	long *group_of_region;			/* by regions.h index; -1 = not yet seen */
	size_t n_group_of;
	/* Lookups that were linear scans of the groups (quadratic with
	 * 20,000 mappings): file path -> group, unmapped window -> group.
	 * Values are group index + 1. */
	struct pfx_u64map by_path;		/* key: hash of the path */
	struct pfx_u64map by_window;		/* key: window start */
	uint64_t page_size;
};

/* FNV-1a, finished by a 64-bit mixer (collisions are told apart by
 * comparing the paths). */
static uint64_t path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h == UINT64_MAX ? 0 : h;	/* UINT64_MAX cannot be a u64map key */
}

int pfx_region_groups_new(struct pfx_region_groups **out, uint32_t page_size)
{
	struct pfx_region_groups *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	if (pfx_regions_new(&g->regions)) {
		free(g);
		return -ENOMEM;
	}
	if (pfx_u64map_init(&g->by_path, sizeof(uint64_t)) ||
	    pfx_u64map_init(&g->by_window, sizeof(uint64_t))) {
		pfx_u64map_free(&g->by_path);
		pfx_regions_free(g->regions);
		free(g);
		return -ENOMEM;
	}
	g->page_size = page_size && !(page_size & (page_size - 1)) ? page_size : 4096;
	*out = g;
	return 0;
}

void pfx_region_groups_free(struct pfx_region_groups *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_groups; i++) {
		free((char *)g->groups[i]->path);
		free(g->groups[i]);
	}
	free(g->groups);
	free(g->group_of_region);
	pfx_u64map_free(&g->by_path);
	pfx_u64map_free(&g->by_window);
	pfx_regions_free(g->regions);
	free(g);
}

void pfx_region_groups_per_space(struct pfx_region_groups *g)
{
	pfx_regions_per_space(g->regions);
}

uint64_t pfx_region_groups_page_size(const struct pfx_region_groups *g)
{
	return g->page_size;
}

int pfx_region_groups_apply(struct pfx_region_groups *g, const struct pfx_rec_item *it)
{
	if (it->type == PFX_REC_SPACE)
		return pfx_regions_new_space(g->regions, &it->space);
	return it->type == PFX_REC_MAPPING ? pfx_regions_add(g->regions, &it->mapping) : 0;
}

static struct pfx_region_group *new_group(struct pfx_region_groups *g, const char *path,
					  enum pfx_map_kind kind, uint64_t start)
{
	struct pfx_region_group *grp;

	if (PFX_GROW(g->groups, g->cap_groups, g->n_groups + 1, 32))
		return NULL;
	grp = calloc(1, sizeof(*grp));
	if (!grp)
		return NULL;
	grp->path = strdup(path);
	if (!grp->path) {
		free(grp);
		return NULL;
	}
	grp->index = g->n_groups;
	grp->kind = kind;
	grp->start = start;
	grp->lo = UINT64_MAX;
	g->groups[g->n_groups++] = grp;
	return grp;
}

/* The group of a region seen for the first time: the file's, if another
 * mapping of the file has one, else a new group. */
static struct pfx_region_group *group_for_region(struct pfx_region_groups *g,
						 const struct pfx_region *r)
{
	struct pfx_region_group *grp;
	uint64_t *slot = NULL;
	bool is_new;

	if (pfx_map_path_is_file(r->path)) {
		/* open addressing over the hash: a different path under the
		 * same hash tries the next key */
		for (uint64_t key = path_hash(r->path);; key = key + 1 == UINT64_MAX ? 0 : key + 1) {
			slot = pfx_u64map_upsert(&g->by_path, key, &is_new);
			if (!slot)
				return NULL;
			if (is_new || !*slot)
				break;
			grp = g->groups[*slot - 1];
			if (strcmp(grp->path, r->path) == 0) {
				if (r->start < grp->start)
					grp->start = r->start;
				return grp;
			}
		}
	}
	grp = new_group(g, r->path, r->kind, r->start);
	if (slot)
		*slot = grp ? grp->index + 1 : 0;	/* 0: a failed insert, taken as absent */
	return grp;
}

static struct pfx_region_group *unmapped_group(struct pfx_region_groups *g, uint64_t addr)
{
	uint64_t start = addr & ~(UNMAPPED_WINDOW - 1);
	struct pfx_region_group *grp;
	bool is_new;
	uint64_t *slot = pfx_u64map_upsert(&g->by_window, start, &is_new);

	if (!slot)
		return NULL;
	if (*slot)
		return g->groups[*slot - 1];
	grp = new_group(g, "", PFX_MAP_OTHER, start);
	if (grp) {
		grp->unmapped = true;
		*slot = grp->index + 1;
	}
	return grp;
}

struct pfx_region_group *pfx_region_groups_of(struct pfx_region_groups *g,
					      const struct pfx_fault *f)
{
	long region = pfx_regions_find_in(g->regions, f->pid, f->addr);
	struct pfx_region_group *grp;

	pfx_regions_faulted(g->regions, region);
	if (region < 0)
		return unmapped_group(g, f->addr);
	if ((size_t)region >= g->n_group_of) {
		size_t old = g->n_group_of;

		if (PFX_GROW(g->group_of_region, g->n_group_of, pfx_regions_count(g->regions), 64))
			return NULL;
		for (size_t i = old; i < g->n_group_of; i++)
			g->group_of_region[i] = -1;
	}
	if (g->group_of_region[region] >= 0)
		return g->groups[g->group_of_region[region]];
	grp = group_for_region(g, pfx_regions_get(g->regions, (size_t)region));
	if (grp)
		g->group_of_region[region] = (long)grp->index;
	return grp;
}

struct pfx_region_group *pfx_region_groups_count(struct pfx_region_groups *g,
						 const struct pfx_fault *f)
{
	struct pfx_region_group *grp = pfx_region_groups_of(g, f);
	uint64_t page = f->addr & ~(g->page_size - 1);

	if (!grp)
		return NULL;
	grp->faults++;
	grp->by_kind[f->kind <= PFX_FAULT_MAJOR ? f->kind : PFX_FAULT_UNKNOWN]++;
	if (page < grp->lo)
		grp->lo = page;
	if (page + g->page_size > grp->hi)
		grp->hi = page + g->page_size;
	return grp;
}

static int by_faults(const void *a, const void *b)
{
	const struct pfx_region_group *x = *(const struct pfx_region_group *const *)a;
	const struct pfx_region_group *y = *(const struct pfx_region_group *const *)b;

	if (x->faults != y->faults)
		return x->faults > y->faults ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

long pfx_region_groups_busiest(const struct pfx_region_groups *g, struct pfx_region_group ***out)
{
	struct pfx_region_group **list = calloc(g->n_groups ? g->n_groups : 1, sizeof(*list));
	size_t n = 0;

	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < g->n_groups; i++)
		if (g->groups[i]->faults)
			list[n++] = g->groups[i];
	qsort(list, n, sizeof(*list), by_faults);
	*out = list;
	return (long)n;
}

void pfx_region_group_name(const struct pfx_region_group *grp, char *buf, size_t size)
{
	const char *base = strrchr(grp->path, '/');

	if (grp->unmapped)
		snprintf(buf, size, "unknown");	/* the report's word for it */
	else if (pfx_map_path_is_file(grp->path))
		snprintf(buf, size, "%.40s", base ? base + 1 : grp->path);
	else if (grp->path[0] == '[')
		snprintf(buf, size, "%.40s", grp->path);
	else
		snprintf(buf, size, "%s", pfx_map_kind_name(grp->kind));
}
