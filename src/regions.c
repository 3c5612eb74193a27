/* regions: mapping timeline; rules in regions.h. */
#include "config.h"
#include "regions.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pfx_regions_new(struct pfx_regions **rsp)
{
	struct pfx_regions *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return -ENOMEM;
	rs->last.region = -1;
	*rsp = rs;
	return 0;
}

void pfx_regions_free(struct pfx_regions *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nregions; i++)
		free(rs->regions[i].path);
	free(rs->regions);
	free(rs->spans);
	free(rs);
}

size_t pfx_regions_count(const struct pfx_regions *rs)
{
	return rs->nregions;
}

const struct pfx_region *pfx_regions_get(const struct pfx_regions *rs, size_t i)
{
	return i < rs->nregions ? &rs->regions[i] : NULL;
}

long pfx_regions_find_slow(struct pfx_regions *rs, uint64_t addr)
{
	size_t lo = 0, hi = rs->nspans;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (addr < rs->spans[mid].start)
			hi = mid;
		else if (addr >= rs->spans[mid].end)
			lo = mid + 1;
		else {
			rs->last = rs->spans[mid];
			return rs->last.region;
		}
	}
	return -1;
}

static long new_region(struct pfx_regions *rs, const struct pfx_mapping *m)
{
	struct pfx_region *r;

	if (rs->nregions == rs->cap_regions) {
		size_t cap = rs->cap_regions ? rs->cap_regions * 2 : 64;
		struct pfx_region *v = realloc(rs->regions, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		rs->regions = v;
		rs->cap_regions = cap;
	}
	r = &rs->regions[rs->nregions];
	r->path = strdup(m->path ? m->path : "");
	if (!r->path)
		return -ENOMEM;
	r->start = m->start;
	r->end = m->end;
	r->pgoff = m->pgoff;
	r->time_ns = m->time_ns;
	r->last_time_ns = m->time_ns;
	r->prot = m->prot;
	r->flags = m->flags;
	r->kind = pfx_map_classify(r->path, m->flags);
	return (long)rs->nregions++;
}

/* A region the new mapping continues: same name (not anonymous) and the
 * same start (brk growing [heap], a snapshot entry re-announced) or the
 * same end (a stack growing down). */
static long continued_region(const struct pfx_regions *rs, const struct pfx_mapping *m,
			     size_t first, size_t last)
{
	const char *path = m->path ? m->path : "";

	for (size_t i = first; i < last; i++) {
		const struct pfx_region *r = &rs->regions[rs->spans[i].region];

		if (path[0] && (r->start == m->start || r->end == m->end) && strcmp(r->path, path) == 0)
			return rs->spans[i].region;
	}
	return -1;
}

int pfx_regions_add(struct pfx_regions *rs, const struct pfx_mapping *m)
{
	size_t first = 0, last, n = 0;
	struct pfx_regions_span *v;
	long region;

	if (m->end <= m->start)
		return 0;
	/* Spans [first, last) overlap the new mapping. */
	while (first < rs->nspans && rs->spans[first].end <= m->start)
		first++;
	for (last = first; last < rs->nspans && rs->spans[last].start < m->end; last++)
		;
	region = continued_region(rs, m, first, last);
	if (region >= 0) {
		struct pfx_region *r = &rs->regions[region];

		if (m->end > r->end)
			r->end = m->end;
		if (m->start < r->start)
			r->start = m->start;
		if (m->time_ns > r->last_time_ns)
			r->last_time_ns = m->time_ns;
		r->prot = m->prot;
	} else {
		region = new_region(rs, m);
		if (region < 0)
			return (int)region;
	}
	v = malloc((rs->nspans + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (first)	/* spans is NULL before the first mapping: memcpy(NULL) is UB */
		memcpy(v, rs->spans, first * sizeof(*v));
	n = first;
	if (first < last && rs->spans[first].start < m->start) {
		v[n] = rs->spans[first];
		v[n++].end = m->start;
	}
	v[n++] = (struct pfx_regions_span){ m->start, m->end, region };
	if (first < last && rs->spans[last - 1].end > m->end) {
		v[n] = rs->spans[last - 1];
		v[n++].start = m->end;
	}
	if (rs->nspans > last)
		memcpy(v + n, rs->spans + last, (rs->nspans - last) * sizeof(*v));
	n += rs->nspans - last;
	free(rs->spans);
	rs->spans = v;
	rs->nspans = n;
	rs->cap_spans = n;
	rs->last = (struct pfx_regions_span){ 0, 0, -1 };
	return 0;
}
