/* SPDX-License-Identifier: GPL-2.0-or-later */
/* regions: mapping timeline; rules in regions.h. */
#include "config.h"
#include "regions.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void nodes_free(struct pfx_regions *rs);

int pfx_regions_new(struct pfx_regions **rsp)
{
	struct pfx_regions *rs = calloc(1, sizeof(*rs));

	if (!rs || pfx_strset_init(&rs->paths) < 0) {
		free(rs);
		return -ENOMEM;
	}
	rs->last.region = -1;
	rs->rng = 0x9e3779b97f4a7c15ull;
	*rsp = rs;
	return 0;
}

void pfx_regions_free(struct pfx_regions *rs)
{
	if (!rs)
		return;
	pfx_strset_free(&rs->paths);
	free(rs->regions);
	nodes_free(rs);
	free(rs);
}

void pfx_regions_per_space(struct pfx_regions *rs)
{
	rs->per_space = true;
}

void pfx_regions_done(struct pfx_regions *rs)
{
	nodes_free(rs);
	rs->root = NULL;
	rs->last = (struct pfx_regions_span){ 0, 0, -1, 0 };
	rs->done = true;
	pfx_strset_freeze(&rs->paths);
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
	/* The latest time a region with faults other than the span's own
	 * held any of its addresses (0: none did): a region that existed
	 * then may not grow over it (pfx_regions_add). */
	uint64_t held;
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

/* Nodes come from blocks, not a malloc each (whose 16 bytes of overhead
 * a node of 64 paid: 3.2 MB for a file of 200,000 one-mapping processes). */
#define BLOCK_NODES 1024

struct pfx_regions_block {
	struct pfx_regions_block *next;
	struct pfx_regions_node nodes[BLOCK_NODES];
};

static struct pfx_regions_node *node_new(struct pfx_regions *rs, uint32_t space, uint64_t start,
					 uint64_t end, long region)
{
	struct pfx_regions_node *n = rs->free_nodes;

	if (n) {
		rs->free_nodes = n->right;
	} else {
		if (!rs->blocks || rs->block_used == BLOCK_NODES) {
			struct pfx_regions_block *b = malloc(sizeof(*b));

			if (!b)
				return NULL;
			b->next = rs->blocks;
			rs->blocks = b;
			rs->block_used = 0;
		}
		n = &rs->blocks->nodes[rs->block_used++];
	}
	n->span = (struct pfx_regions_span){ start, end, region, space };
	n->held = 0;
	n->prio = next_prio(rs);
	n->left = n->right = NULL;
	return n;
}

/* Back to the free list (NULL: nothing). */
static void node_release(struct pfx_regions *rs, struct pfx_regions_node *n)
{
	if (n) {
		n->right = rs->free_nodes;
		rs->free_nodes = n;
	}
}

/* Every node, of the treap and free. */
static void nodes_free(struct pfx_regions *rs)
{
	while (rs->blocks) {
		struct pfx_regions_block *next = rs->blocks->next;

		free(rs->blocks);
		rs->blocks = next;
	}
	rs->block_used = 0;
	rs->free_nodes = NULL;
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

/* Does the new mapping continue the region of a span it overlaps?  The
 * same name and the same start as that span (brk growing [heap], a
 * snapshot entry re-announced, mprotect() of its head) or the same end (a
 * stack growing down): the kernel's mapping is the same.  An anonymous
 * one only when it grew (the kernel merged a new neighbour into it: its
 * pages stay); at the same place again it holds new pages. */
static bool continues(const struct pfx_regions *rs, const struct pfx_mapping *m,
		      const struct pfx_regions_span *sp)
{
	const struct pfx_region *r = &rs->regions[sp->region];
	const char *path = m->path ? m->path : "";
	bool same_start = sp->start == m->start, same_end = sp->end == m->end;

	if (strcmp(r->path, path) != 0)
		return false;
	if (path[0])
		return same_start || same_end;
	return same_start != same_end && m->start <= sp->start && m->end >= sp->end && r->flags == m->flags;
}

static bool may_grow_over(const struct pfx_regions *rs, long region, const struct pfx_regions_node *before,
			  const struct pfx_regions_node *t, uint64_t now);

/* The region of a span of t that m continues and may grow over the rest
 * (before: the span before m that reaches into it; mid: all of t). */
static long continued_in(const struct pfx_regions *rs, const struct pfx_mapping *m,
			 const struct pfx_regions_node *t, const struct pfx_regions_node *before,
			 const struct pfx_regions_node *mid)
{
	while (t) {
		long found = continued_in(rs, m, t->left, before, mid);

		if (found >= 0)
			return found;
		if (continues(rs, m, &t->span) && may_grow_over(rs, t->span.region, before, mid, m->time_ns))
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
	/* one copy per path: the pieces of a mapping and every process's
	 * libc share it (a recording of many regions cost a copy each) */
	r->path = pfx_strset_add(&rs->paths, m->path ? m->path : "", NULL);
	if (!r->path)
		return -ENOMEM;
	r->start = m->start;
	r->end = m->end;
	r->pgoff = m->pgoff;
	r->time_ns = m->time_ns;
	r->last_time_ns = m->time_ns;
	r->faulted = false;
	r->gone = false;
	r->gone_ns = 0;
	r->prot = m->prot;
	r->flags = m->flags;
	r->pid = m->pid;
	r->kind = pfx_map_classify(r->path, m->flags);
	return (long)rs->nregions++;
}

/* Region i is no more, from time on (mapped over, wholly or in part). */
static void end_region(struct pfx_regions *rs, long i, uint64_t time)
{
	if (!rs->regions[i].gone) {
		rs->regions[i].gone = true;
		rs->regions[i].gone_ns = time;
	}
}

/* What is left of region i at [start, end) after a mapping took a part of
 * it at time: the kernel has a new, smaller mapping there, so a new region
 * (same file, prot and owner; the offset of its start).  Its index or -1. */
static long piece_of(struct pfx_regions *rs, long i, uint64_t start, uint64_t end, uint64_t time)
{
	const struct pfx_region *r = &rs->regions[i];
	struct pfx_mapping piece = { .time_ns = time, .start = start, .end = end,
				     .pgoff = r->pgoff + (start - r->start), .pid = r->pid,
				     .prot = r->prot, .flags = r->flags, .path = r->path };
	enum pfx_map_kind kind = r->kind;
	long n = new_region(rs, &piece);	/* moves rs->regions */

	if (n >= 0)
		rs->regions[n].kind = kind;	/* "[heap]" stays the heap */
	return n;
}

/* Free the spans of t: their regions are gone at time (all of them but
 * keep, the region a new mapping continues). */
static void drop_spans(struct pfx_regions *rs, struct pfx_regions_node *t, long keep, uint64_t time)
{
	while (t) {
		struct pfx_regions_node *right = t->right;

		drop_spans(rs, t->left, keep, time);
		if (t->span.region != keep)
			end_region(rs, t->span.region, time);
		node_release(rs, t);
		t = right;
	}
}

/* When a region other than own with faults last held t's addresses, if
 * they pass to own at time now. */
static uint64_t held_until(const struct pfx_regions *rs, const struct pfx_regions_node *t, long own,
			   uint64_t now)
{
	return t->span.region != own && rs->regions[t->span.region].faulted ? now : t->held;
}

/* The latest held_until() of the spans of tree t. */
static uint64_t held_in(const struct pfx_regions *rs, const struct pfx_regions_node *t, long own,
			uint64_t now)
{
	uint64_t latest = 0;

	while (t) {
		uint64_t h = held_in(rs, t->left, own, now);

		if (h > latest)
			latest = h;
		h = held_until(rs, t, own, now);
		if (h > latest)
			latest = h;
		t = t->right;
	}
	return latest;
}

/* May region grow over the spans of t (and before, if another region's)
 * at time now?  Only where no other region with faults held the
 * addresses since region began, since a region keeps one extent for its
 * life and the rows of one space never overlap at one time. */
static bool may_grow_over(const struct pfx_regions *rs, long region, const struct pfx_regions_node *before,
			  const struct pfx_regions_node *t, uint64_t now)
{
	uint64_t since = rs->regions[region].time_ns;

	if (before && before->span.region != region && held_until(rs, before, region, now + 1) > since)
		return false;
	return held_in(rs, t, region, now + 1) <= since;
}

int pfx_regions_add(struct pfx_regions *rs, const struct pfx_mapping *m)
{
	struct pfx_regions_node *l, *mid, *r, *before, *over, *tail = NULL, *n = NULL;
	struct pfx_regions_node *past_node = NULL;
	const struct pfx_regions_span *past = NULL;
	uint32_t space = rs->per_space ? m->pid : 0;
	long region = -1, head_region = -1, tail_region = -1;
	uint64_t start = m->start, end = m->end;

	if (rs->done)
		return -EINVAL;
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
	/* A region keeps one extent for its whole life, so it may grow only
	 * over addresses no other region with faults held since it began
	 * (may_grow_over): when the kernel merged two mappings pfx saw apart
	 * (gcc's cc1 fills the gap between two anonymous ones), the merged
	 * one is a new region and both end.  Regions without faults (a
	 * PROT_NONE reservation an arena grows into by mprotect()) give way,
	 * as the kernel's vma does. */
	if (before && continues(rs, m, &before->span) &&
	    may_grow_over(rs, before->span.region, before, mid, m->time_ns))
		region = before->span.region;
	if (region < 0)
		region = continued_in(rs, m, mid, before, mid);
	if (region >= 0) {
		struct pfx_region *reg = &rs->regions[region];

		if (m->end > reg->end)
			reg->end = m->end;
		if (m->start < reg->start) {
			reg->start = m->start;
			reg->pgoff = m->pgoff;
		}
		if (m->time_ns > reg->last_time_ns)
			reg->last_time_ns = m->time_ns;
		reg->prot = m->prot;
	} else {
		region = new_region(rs, m);
		if (region < 0)
			goto fail;
	}
	/* What is left of an overlapped span past the mapping's end: of mid's
	 * last, or of the span before it (a mapping inside an older one). */
	over = last_node(mid);
	if (over && over->span.end > m->end)
		past_node = over;
	else if (before && before->span.end > m->end)
		past_node = before;
	past = past_node ? &past_node->span : NULL;
	/* A region is one span: the region the mapping continues takes its
	 * parts before and after it back into that span.  The parts of other
	 * regions left before and after the mapping are new regions: those
	 * it cut are gone (drop_spans). */
	if (before && before->span.region == region)
		start = before->span.start;
	else if (before && (head_region = piece_of(rs, before->span.region, before->span.start, m->start,
						   m->time_ns)) < 0)
		goto fail;
	if (past && past->region == region) {
		end = past->end;
		past = NULL;
	} else if (past && (tail_region = piece_of(rs, past->region, m->end, past->end, m->time_ns)) < 0) {
		goto fail;
	}
	n = node_new(rs, space, start, end, region);
	if (!n || (past && !(tail = node_new(rs, space, m->end, past->end, tail_region))))
		goto fail;
	/* What each new span's addresses were held by: the mapping's, all it
	 * covers; a piece, what the span it was cut from. */
	n->held = held_in(rs, mid, region, m->time_ns);
	if (before && held_until(rs, before, region, m->time_ns) > n->held)
		n->held = held_until(rs, before, region, m->time_ns);
	if (tail)
		tail->held = held_until(rs, past_node, tail_region, m->time_ns);
	if (before && head_region >= 0)
		before->held = held_until(rs, before, head_region, m->time_ns);
	if (before && head_region < 0) {
		/* Taken into n: the last span of l goes. */
		struct pfx_regions_node *last;

		split(l, space, before->span.start, &l, &last);
		node_release(rs, last);
	} else if (before) {
		end_region(rs, before->span.region, m->time_ns);
		before->span.region = head_region;
		before->span.end = m->start;
	}
	drop_spans(rs, mid, region, m->time_ns);
	rs->root = merge(merge(l, n), merge(tail, r));
	rs->last = (struct pfx_regions_span){ 0, 0, -1, 0 };
	return 0;
fail:
	node_release(rs, n);
	rs->root = merge(l, merge(mid, r));
	return -ENOMEM;
}

int pfx_regions_new_space(struct pfx_regions *rs, const struct pfx_space *sp)
{
	struct pfx_regions_node *l, *mid, *r = NULL;

	if (!rs->per_space)
		return 0;
	split(rs->root, sp->pid, 0, &l, &mid);
	if (sp->pid < UINT32_MAX)
		split(mid, sp->pid + 1, 0, &mid, &r);
	drop_spans(rs, mid, -1, sp->time_ns);
	rs->root = merge(l, r);
	rs->last = (struct pfx_regions_span){ 0, 0, -1, 0 };
	return 0;
}
