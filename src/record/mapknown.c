/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mapknown: each process's known mappings, a sorted array searched by
 * bisection; the model is in mapknown.h. */
#include "config.h"
#include "mapknown.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pfx_mapknown_init(struct pfx_mapknown *m)
{
	return pfx_u64map_init(&m->index, sizeof(struct pfx_mapknown_proc *));
}

void pfx_mapknown_free(struct pfx_mapknown *m)
{
	size_t i = 0;
	uint64_t pid;
	void *value;

	/* count first: a map whose init failed has no slots to visit */
	while (m->index.count && pfx_u64map_next(&m->index, &i, &pid, &value)) {
		struct pfx_mapknown_proc *p;

		memcpy(&p, value, sizeof(p));	/* slots are only 4-aligned */
		if (!p)
			continue;
		pfx_mapknown_clear(p);
		free(p->v);
		free(p);
	}
	pfx_u64map_free(&m->index);
}

struct pfx_mapknown_proc *pfx_mapknown_proc(struct pfx_mapknown *m, uint32_t pid)
{
	bool is_new;
	void *slot = pfx_u64map_upsert(&m->index, pid, &is_new);
	struct pfx_mapknown_proc *p = NULL;

	if (!slot)
		return NULL;
	if (!is_new)
		memcpy(&p, slot, sizeof(p));
	/* a NULL left by an allocation that failed is tried again */
	if (!p && (p = calloc(1, sizeof(*p)))) {
		p->pid = pid;
		memcpy(slot, &p, sizeof(p));
	}
	return p;
}

/* Index of the first mapping of p starting at or after addr. */
static size_t first_at_or_after(const struct pfx_mapknown_proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (p->v[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct pfx_mapknown_map *pfx_mapknown_find(const struct pfx_mapknown_proc *p, uint64_t addr)
{
	size_t i = first_at_or_after(p, addr + 1);

	return i > 0 && p->v[i - 1].end > addr ? &p->v[i - 1] : NULL;
}

const struct pfx_mapknown_map *pfx_mapknown_exactly(const struct pfx_mapknown_proc *p,
						    const struct pfx_map_entry *e)
{
	size_t i = first_at_or_after(p, e->start);
	const struct pfx_mapknown_map *k = i < p->n ? &p->v[i] : NULL;

	return k && k->start == e->start && k->end == e->end && k->pgoff == e->pgoff &&
	       k->flags == e->flags && strcmp(k->path, e->path) == 0 ? k : NULL;
}

/* Put k at index i (its path is p's from now on).  0 or -ENOMEM. */
static int put_at(struct pfx_mapknown_proc *p, size_t i, const struct pfx_mapknown_map *k)
{
	if (PFX_GROW(p->v, p->cap, p->n + 1, 32))
		return -ENOMEM;
	memmove(&p->v[i + 1], &p->v[i], (p->n - i) * sizeof(*p->v));
	p->v[i] = *k;
	p->n++;
	p->gen++;
	return 0;
}

/* Add k (its path is p's from now on, or freed); what it covers of
 * older mappings is gone.  0 or -ENOMEM. */
static int insert_map(struct pfx_mapknown_proc *p, struct pfx_mapknown_map k)
{
	uint64_t start = k.start, end = k.end;
	size_t i = first_at_or_after(p, start), j;
	struct pfx_mapknown_map tail = { 0 };
	const struct pfx_mapknown_map *last = NULL;
	int err;

	if (!k.path)
		return -ENOMEM;
	/* The part of an older mapping beyond the new one lives on. */
	for (j = i; j < p->n && p->v[j].start < end; j++)
		last = &p->v[j];
	if (!last && i > 0 && p->v[i - 1].end > start)
		last = &p->v[i - 1];
	if (last && last->end > end) {
		tail = (struct pfx_mapknown_map){ end, last->end, last->pgoff + (end - last->start), last->flags,
						  last->prot, strdup(last->path), last->unwritten };
		if (!tail.path) {
			free(k.path);
			return -ENOMEM;
		}
	}
	if (i > 0 && p->v[i - 1].end > start)
		p->v[i - 1].end = start;
	for (size_t x = i; x < j; x++)
		free(p->v[x].path);
	if (j > i) /* p->v may still be NULL when nothing is known */
		memmove(&p->v[i], &p->v[j], (p->n - j) * sizeof(*p->v));
	p->n -= j - i;
	err = put_at(p, i, &k);
	if (!err && tail.path)
		err = put_at(p, i + 1, &tail);
	if (err) {
		free(k.path);
		free(tail.path);
	}
	return err;
}

int pfx_mapknown_insert(struct pfx_mapknown_proc *p, uint64_t start, uint64_t end, uint64_t pgoff,
			uint32_t flags, uint32_t prot, const char *path)
{
	return insert_map(p, (struct pfx_mapknown_map){ start, end, pgoff, flags, prot, strdup(path), false });
}

void pfx_mapknown_clear(struct pfx_mapknown_proc *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].path);
	p->n = 0;
	p->gen++;
}

void pfx_mapknown_release(struct pfx_mapknown_proc *p)
{
	pfx_mapknown_clear(p);
	free(p->v);
	p->v = NULL;
	p->cap = 0;
}

int pfx_mapknown_replace(struct pfx_mapknown_proc *p, const struct pfx_map_entry *maps, size_t n,
			 const bool *written)
{
	int err = 0;

	pfx_mapknown_clear(p);
	for (size_t i = 0; i < n && !err; i++)
		err = pfx_mapknown_insert(p, maps[i].start, maps[i].end, maps[i].pgoff, maps[i].flags,
					  maps[i].prot, maps[i].path);
	/* /proc's mappings are sorted and apart: p->v[i] is maps[i]. */
	for (size_t i = 0; written && !err && i < n && i < p->n; i++)
		p->v[i].unwritten = !written[i];
	return err;
}

int pfx_mapknown_inherit(struct pfx_mapknown *m, struct pfx_mapknown_proc *child)
{
	const struct pfx_mapknown_proc *parent;
	/* What the child knows already (a /proc read) is newer than its
	 * parent's: laid over them, so the mappings stay sorted and apart
	 * (a record naming the child its own parent finds nothing to take). */
	struct pfx_mapknown_map *own = child->v;
	size_t nown = child->n, i;
	int err = 0;

	if (!child->inherit || !child->ppid || !(parent = pfx_mapknown_proc(m, child->ppid)))
		return 0;
	child->inherit = false;
	child->v = NULL;
	child->n = child->cap = 0;
	for (i = 0; i < parent->n && !err; i++) {
		struct pfx_mapknown_map k = parent->v[i];

		k.path = strdup(k.path);
		k.unwritten = true;
		if (!k.path || put_at(child, child->n, &k) < 0) {
			free(k.path);
			err = -ENOMEM;
		}
	}
	for (i = 0; i < nown; i++) {
		if (err)
			free(own[i].path);
		else
			err = insert_map(child, own[i]);
	}
	free(own);
	return err;
}

const struct pfx_mapknown_map *pfx_mapknown_claim(struct pfx_mapknown_proc *p, uint64_t addr,
						  struct pfx_mapknown_hint *hint)
{
	struct pfx_mapknown_map *k = pfx_mapknown_find(p, addr);

	if (!k)
		return NULL;
	if (hint)
		*hint = (struct pfx_mapknown_hint){ p, p->gen, k->start, k->end };
	if (!k->unwritten)
		return NULL;
	k->unwritten = false;
	return k;
}
