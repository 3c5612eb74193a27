/* SPDX-License-Identifier: GPL-2.0-or-later */
/* regions: mapping timeline; rules in regions.h. */
#include "config.h"
#include "regions.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void tree_free(struct pfx_regions_node *t);

int pfx_regions_new(struct pfx_regions **rsp)
{
	struct pfx_regions *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return -ENOMEM;
	rs->last.region = -1;
	rs->rng = 0x9e3779b97f4a7c15ull;
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
	tree_free(rs->root);
	free(rs);
}

void pfx_regions_per_space(struct pfx_regions *rs)
{
	rs->per_space = true;
}

size_t pfx_regions_count(const struct pfx_regions *rs)
{
	return rs->nregions;
}

const struct pfx_region *pfx_regions_get(const struct pfx_regions *rs, size_t i)
{
	return i < rs->nregions ? &rs->regions[i] : NULL;
}

/* ---- the active spans: a treap keyed by start (expected O(log n) per
 * lookup, insert and split, whatever order mappings come in; a sorted
 * array copied on every mapping was quadratic: 20 s for a program with
 * 20,000 mappings) ---- */

struct pfx_regions_node {
	struct pfx_regions_span span;
	uint64_t prio;
	struct pfx_regions_node *left, *right;
};

static uint64_t next_prio(struct pfx_regions *rs)
{
	/* xorshift64*: priorities only need to look random to the treap */
	rs->rng ^= rs->rng >> 12;
	rs->rng ^= rs->rng << 25;
	rs->rng ^= rs->rng >> 27;
	return rs->rng * 0x2545f4914f6cdd1dull;
}

static struct pfx_regions_node *node_new(struct pfx_regions *rs, uint32_t space, uint64_t start,
					 uint64_t end, long region)
{
	struct pfx_regions_node *n = malloc(sizeof(*n));

	if (n) {
		n->span = (struct pfx_regions_span){ start, end, region, space };
		n->prio = next_prio(rs);
		n->left = n->right = NULL;
	}
	return n;
}

static void tree_free(struct pfx_regions_node *t)
{
	while (t) {
		struct pfx_regions_node *right = t->right;

		tree_free(t->left);
		free(t);
		t = right;
	}
}

/* Does span a start before (space, start)?  Spans are ordered by space
 * first (always 0 unless per space), then by start. */
static inline bool before_key(const struct pfx_regions_span *a, uint32_t space, uint64_t start)
{
	return a->space < space || (a->space == space && a->start < start);
}

/* Split t into spans starting before key (*l) and the rest (*r). */
static void split(struct pfx_regions_node *t, uint32_t space, uint64_t key, struct pfx_regions_node **l,
		  struct pfx_regions_node **r)
{
	while (t) {
		if (before_key(&t->span, space, key)) {
			*l = t;
			l = &t->right;
			t = t->right;
		} else {
			*r = t;
			r = &t->left;
			t = t->left;
		}
	}
	*l = *r = NULL;
}

/* Every span of l starts before every span of r. */
static struct pfx_regions_node *merge(struct pfx_regions_node *l, struct pfx_regions_node *r)
{
	struct pfx_regions_node *root = NULL, **at = &root;

	while (l && r) {
		if (l->prio > r->prio) {
			*at = l;
			at = &l->right;
			l = l->right;
		} else {
			*at = r;
			at = &r->left;
			r = r->left;
		}
	}
	*at = l ? l : r;
	return root;
}

static struct pfx_regions_node *last_node(struct pfx_regions_node *t)
{
	while (t && t->right)
		t = t->right;
	return t;
}

long pfx_regions_find_slow(struct pfx_regions *rs, uint32_t space, uint64_t addr)
{
	const struct pfx_regions_node *t = rs->root, *best = NULL;

	while (t) {
		if (before_key(&t->span, space, addr) || (t->span.space == space && t->span.start == addr)) {
			best = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	if (!best || best->span.space != space || addr >= best->span.end)
		return -1;
	rs->last = best->span;
	return rs->last.region;
}

/* A region the new mapping continues: same name (not anonymous) and the
 * same start (brk growing [heap], a snapshot entry re-announced) or the
 * same end (a stack growing down). */
static bool continues(const struct pfx_regions *rs, const struct pfx_mapping *m, long region)
{
	const struct pfx_region *r = &rs->regions[region];
	const char *path = m->path ? m->path : "";

	return path[0] && (r->start == m->start || r->end == m->end) && strcmp(r->path, path) == 0;
}

static long continued_in(const struct pfx_regions *rs, const struct pfx_mapping *m,
			 const struct pfx_regions_node *t)
{
	while (t) {
		long found = continued_in(rs, m, t->left);

		if (found >= 0)
			return found;
		if (continues(rs, m, t->span.region))
			return t->span.region;
		t = t->right;
	}
	return -1;
}

static long new_region(struct pfx_regions *rs, const struct pfx_mapping *m)
{
	struct pfx_region *r;

	if (PFX_GROW(rs->regions, rs->cap_regions, rs->nregions + 1, 64))
		return -ENOMEM;
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
	r->pid = m->pid;
	r->kind = pfx_map_classify(r->path, m->flags);
	return (long)rs->nregions++;
}

int pfx_regions_add(struct pfx_regions *rs, const struct pfx_mapping *m)
{
	struct pfx_regions_node *l, *mid, *r, *before, *tail = NULL, *n;
	uint32_t space = rs->per_space ? m->pid : 0;
	long region = -1;

	if (m->end <= m->start)
		return 0;
	/* l: spans starting before the mapping (its last may reach into it);
	 * mid: spans starting inside it (all covered, the last may reach
	 * past its end); r: spans starting at or after its end.  All in
	 * the mapping's space but l's and r's far ends. */
	split(rs->root, space, m->start, &l, &mid);
	split(mid, space, m->end, &mid, &r);
	before = last_node(l);
	if (before && (before->span.space != space || before->span.end <= m->start))
		before = NULL;
	if (before && continues(rs, m, before->span.region))
		region = before->span.region;
	if (region < 0)
		region = continued_in(rs, m, mid);
	if (region >= 0) {
		struct pfx_region *reg = &rs->regions[region];

		if (m->end > reg->end)
			reg->end = m->end;
		if (m->start < reg->start)
			reg->start = m->start;
		if (m->time_ns > reg->last_time_ns)
			reg->last_time_ns = m->time_ns;
		reg->prot = m->prot;
	} else {
		region = new_region(rs, m);
	}
	n = region < 0 ? NULL : node_new(rs, space, m->start, m->end, region);
	/* What is left of an overlapped span past the mapping's end: of the
	 * span before it (a mapping inside an older one) or of mid's last. */
	{
		struct pfx_regions_node *over = last_node(mid);
		const struct pfx_regions_span *past = NULL;

		if (over && over->span.end > m->end)
			past = &over->span;
		else if (before && before->span.end > m->end)
			past = &before->span;
		if (n && past && !(tail = node_new(rs, space, m->end, past->end, past->region)))
			n = NULL;
	}
	if (!n) {
		free(tail);
		rs->root = merge(l, merge(mid, r));
		return region < 0 ? (int)region : -ENOMEM;
	}
	if (before && before->span.end > m->start)
		before->span.end = m->start;	/* its part before the mapping stays */
	tree_free(mid);
	rs->root = merge(merge(l, n), merge(tail, r));
	rs->last = (struct pfx_regions_span){ 0, 0, -1, 0 };
	return 0;
}
