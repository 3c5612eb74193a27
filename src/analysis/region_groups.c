/* SPDX-License-Identifier: GPL-2.0-or-later */
/* region_groups: the analysis's region rows grouped into the areas a
 * user thinks of as one (region_groups.h). */
#include "config.h"
#include "region_groups.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pfx_region_groups {
	struct pfx_region_group **groups;	/* pointers: stable as the array grows */
	size_t n_groups, cap_groups;
	/* (pid, file path) -> group index + 1 (a linear scan of the groups
	 * was quadratic with 20,000 mappings) */
	struct pfx_u64map by_path;		/* key: hash of the pid and path */
};

/* FNV-1a of the pid and the path, finished by a 64-bit mixer (collisions
 * are told apart by comparing both). */
static uint64_t path_hash(uint32_t pid, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned b = 0; b < 32; b += 8)
		h = (h ^ ((pid >> b) & 0xff)) * 0x100000001b3ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h == UINT64_MAX ? 0 : h;	/* UINT64_MAX cannot be a u64map key */
}

int pfx_region_groups_new(struct pfx_region_groups **out)
{
	struct pfx_region_groups *g = calloc(1, sizeof(*g));

	if (!g)
		return -ENOMEM;
	if (pfx_u64map_init(&g->by_path, sizeof(uint64_t))) {
		free(g);
		return -ENOMEM;
	}
	*out = g;
	return 0;
}

void pfx_region_groups_free(struct pfx_region_groups *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_groups; i++)
		free(g->groups[i]);
	free(g->groups);
	pfx_u64map_free(&g->by_path);
	free(g);
}

size_t pfx_region_groups_count(const struct pfx_region_groups *g)
{
	return g->n_groups;
}

const struct pfx_region_group *pfx_region_groups_get(const struct pfx_region_groups *g, size_t i)
{
	return i < g->n_groups ? g->groups[i] : NULL;
}

static long new_group(struct pfx_region_groups *g, const struct pfx_region_group *row)
{
	struct pfx_region_group *grp;

	if (PFX_GROW(g->groups, g->cap_groups, g->n_groups + 1, 32))
		return -ENOMEM;
	grp = malloc(sizeof(*grp));
	if (!grp)
		return -ENOMEM;
	*grp = *row;
	grp->index = g->n_groups;
	g->groups[g->n_groups++] = grp;
	return (long)grp->index;
}

/* Row into the group grp: its extent, faulted pages and counts. */
static void join(struct pfx_region_group *grp, const struct pfx_region_group *row)
{
	if (row->start < grp->start)
		grp->start = row->start;
	if (row->end > grp->end)
		grp->end = row->end;
	if (row->lo < grp->lo)
		grp->lo = row->lo;
	if (row->hi > grp->hi)
		grp->hi = row->hi;
	grp->faults += row->faults;
	for (int c = 0; c < PFX_COL_COUNT; c++)
		grp->by_kind[c] += row->by_kind[c];
}

long pfx_region_groups_add(struct pfx_region_groups *g, const struct pfx_region_group *row)
{
	uint64_t *slot;
	bool is_new;
	long index;

	if (row->unmapped || !pfx_map_path_is_file(row->path))
		return new_group(g, row);
	/* a file is one group per process, as the report's regions are
	 * per process: libc's bar in a recording of gcc, cc1 and as is
	 * libc in one of them.  Open addressing over the hash: a different
	 * (pid, path) under the same hash tries the next key. */
	for (uint64_t key = path_hash(row->pid, row->path);; key = key + 1 == UINT64_MAX ? 0 : key + 1) {
		slot = pfx_u64map_upsert(&g->by_path, key, &is_new);
		if (!slot)
			return -ENOMEM;
		if (is_new || !*slot)
			break;
		if (g->groups[*slot - 1]->pid == row->pid &&
		    strcmp(g->groups[*slot - 1]->path, row->path) == 0) {
			join(g->groups[*slot - 1], row);
			return (long)(*slot - 1);
		}
	}
	index = new_group(g, row);
	*slot = index >= 0 ? (uint64_t)index + 1 : 0;	/* 0: a failed insert, taken as absent */
	return index;
}

static int by_faults(const void *a, const void *b)
{
	const struct pfx_region_group *x = *(const struct pfx_region_group *const *)a;
	const struct pfx_region_group *y = *(const struct pfx_region_group *const *)b;

	if (x->faults != y->faults)
		return x->faults > y->faults ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

long pfx_region_groups_busiest(const struct pfx_region_groups *g,
			       const struct pfx_region_group ***out)
{
	const struct pfx_region_group **list = calloc(g->n_groups ? g->n_groups : 1, sizeof(*list));
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
		snprintf(buf, size, "unknown");
	else if (pfx_map_path_is_file(grp->path))
		snprintf(buf, size, "%.40s", base ? base + 1 : grp->path);
	else if (grp->path[0] == '[')
		snprintf(buf, size, "%.40s", grp->path);
	else
		snprintf(buf, size, "%s", pfx_map_kind_name(grp->kind));
}
