/* region_map: attribute faults to the mappings of a recording and group
 * mappings into regions (see region_map.h for what a region is). */
#include "config.h"
#include "region_map.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNMAPPED_WINDOW (1ull << 30)

/* One address range in time: a mapping, a heap extension, or an unmapped
 * window.  Searched newest first, so a later mmap over an old range wins. */
struct map_ref {
	uint32_t pid;
	uint64_t time_ns;
	uint64_t start, end;
	struct pfx_region *region;
};

struct pfx_region_map {
	struct map_ref *refs;
	size_t n_refs, cap_refs;
	struct pfx_region **regions;	/* pointers: stable while the array grows */
	size_t n_regions, cap_regions;
	size_t last_hit;		/* faults are local: try this ref first */
	uint64_t page_size;
};

int pfx_region_map_new(struct pfx_region_map **map, uint32_t page_size)
{
	struct pfx_region_map *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	/* a corrupt header must not make page rounding meaningless */
	m->page_size = page_size && !(page_size & (page_size - 1)) ? page_size : 4096;
	*map = m;
	return 0;
}

void pfx_region_map_free(struct pfx_region_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_regions; i++) {
		free((char *)m->regions[i]->path);
		free(m->regions[i]);
	}
	free(m->regions);
	free(m->refs);
	free(m);
}

uint64_t pfx_region_map_page_size(const struct pfx_region_map *m)
{
	return m->page_size;
}

static int grow(void **array, size_t *cap, size_t n, size_t size)
{
	size_t new_cap = *cap ? *cap * 2 : 64;
	void *grown;

	if (n < *cap)
		return 0;
	grown = realloc(*array, new_cap * size);
	if (!grown)
		return -ENOMEM;
	*array = grown;
	*cap = new_cap;
	return 0;
}

static struct pfx_region *new_region(struct pfx_region_map *m, uint32_t pid, const char *path,
				     uint32_t flags)
{
	struct pfx_region *r;

	if (grow((void **)&m->regions, &m->cap_regions, m->n_regions, sizeof(*m->regions)))
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->path = strdup(path);
	if (!r->path) {
		free(r);
		return NULL;
	}
	r->index = m->n_regions;
	r->pid = pid;
	r->kind = pfx_map_classify(path, flags);
	r->start = UINT64_MAX;
	r->lo = UINT64_MAX;
	m->regions[m->n_regions++] = r;
	return r;
}

/* All mappings of one file in one process form one region. */
static struct pfx_region *file_region(struct pfx_region_map *m, uint32_t pid, const char *path)
{
	for (size_t i = 0; i < m->n_regions; i++) {
		struct pfx_region *r = m->regions[i];

		if (r->pid == pid && !r->unmapped && strcmp(r->path, path) == 0)
			return r;
	}
	return NULL;
}

static int add_ref(struct pfx_region_map *m, uint32_t pid, uint64_t time_ns, uint64_t start,
		   uint64_t end, struct pfx_region *r)
{
	if (grow((void **)&m->refs, &m->cap_refs, m->n_refs, sizeof(*m->refs)))
		return -ENOMEM;
	m->refs[m->n_refs++] = (struct map_ref){ pid, time_ns, start, end, r };
	if (start < r->start)
		r->start = start;
	if (end > r->end)
		r->end = end;
	return 0;
}

int pfx_region_map_add_mapping(struct pfx_region_map *m, const struct pfx_mapping *mapping)
{
	const char *path = mapping->path ? mapping->path : "";
	struct pfx_region *r = NULL;

	if (mapping->end <= mapping->start)
		return 0;
	if (pfx_map_path_is_file(path))
		r = file_region(m, mapping->pid, path);
	if (!r)
		r = new_region(m, mapping->pid, path, mapping->flags);
	if (!r)
		return -ENOMEM;
	return add_ref(m, mapping->pid, mapping->time_ns, mapping->start, mapping->end, r);
}

static bool ref_has(const struct map_ref *ref, const struct pfx_fault *f)
{
	return ref->pid == f->pid && f->addr >= ref->start && f->addr < ref->end;
}

/* The newest range holding the address that already existed at the
 * fault's time; failing that, any holding it (the /proc snapshot's
 * timestamps can trail the first faults). */
struct pfx_region *pfx_region_map_find(struct pfx_region_map *m, const struct pfx_fault *f)
{
	struct pfx_region *fallback = NULL;

	if (m->last_hit < m->n_refs && ref_has(&m->refs[m->last_hit], f) &&
	    m->refs[m->last_hit].time_ns <= f->time_ns)
		return m->refs[m->last_hit].region;
	for (size_t i = m->n_refs; i-- > 0;) {
		const struct map_ref *ref = &m->refs[i];

		if (!ref_has(ref, f))
			continue;
		if (ref->time_ns <= f->time_ns) {
			m->last_hit = i;
			return ref->region;
		}
		if (!fallback)
			fallback = ref->region;
	}
	return fallback;
}

/* brk growth: a fault above the process's [heap] with no mapping between
 * belongs to the heap.  The heap's range is stretched up to the next
 * mapping so the following faults find it directly. */
static struct pfx_region *grown_heap(struct pfx_region_map *m, const struct pfx_fault *f)
{
	const struct map_ref *heap = NULL;
	uint64_t next = f->addr + UNMAPPED_WINDOW;

	for (size_t i = 0; i < m->n_refs; i++) {
		const struct map_ref *ref = &m->refs[i];

		if (ref->pid == f->pid && ref->region->kind == PFX_MAP_HEAP && !ref->region->unmapped &&
		    ref->start <= f->addr)
			heap = ref;
	}
	if (!heap)
		return NULL;
	for (size_t i = 0; i < m->n_refs; i++) {
		const struct map_ref *ref = &m->refs[i];

		if (ref->pid != f->pid || ref->start < heap->end)
			continue;
		if (ref->start <= f->addr)
			return NULL;	/* another mapping lies between */
		if (ref->start < next)
			next = ref->start;
	}
	if (add_ref(m, f->pid, heap->time_ns, heap->end, next, heap->region))
		return NULL;
	return m->refs[m->n_refs - 1].region;
}

static struct pfx_region *unmapped_window(struct pfx_region_map *m, const struct pfx_fault *f)
{
	uint64_t start = f->addr & ~(UNMAPPED_WINDOW - 1);
	struct pfx_region *r = new_region(m, f->pid, "", 0);

	if (!r)
		return NULL;
	r->unmapped = true;
	if (add_ref(m, f->pid, 0, start, start + UNMAPPED_WINDOW, r))
		return NULL;
	return r;
}

struct pfx_region *pfx_region_map_count(struct pfx_region_map *m, const struct pfx_fault *f)
{
	struct pfx_region *r = pfx_region_map_find(m, f);
	uint64_t page = f->addr & ~(m->page_size - 1);

	if (!r)
		r = grown_heap(m, f);
	if (!r)
		r = unmapped_window(m, f);
	if (!r)
		return NULL;
	r->faults++;
	r->by_kind[f->kind <= PFX_FAULT_MAJOR ? f->kind : PFX_FAULT_UNKNOWN]++;
	if (page < r->lo)
		r->lo = page;
	if (page + m->page_size > r->hi)
		r->hi = page + m->page_size;
	return r;
}

static int by_faults(const void *a, const void *b)
{
	const struct pfx_region *x = *(const struct pfx_region *const *)a;
	const struct pfx_region *y = *(const struct pfx_region *const *)b;

	if (x->faults != y->faults)
		return x->faults > y->faults ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

long pfx_region_map_busiest(const struct pfx_region_map *m, struct pfx_region ***out)
{
	struct pfx_region **list = calloc(m->n_regions ? m->n_regions : 1, sizeof(*list));
	size_t n = 0;

	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_regions; i++)
		if (m->regions[i]->faults)
			list[n++] = m->regions[i];
	qsort(list, n, sizeof(*list), by_faults);
	*out = list;
	return (long)n;
}

void pfx_region_name(const struct pfx_region *r, bool show_pid, char *buf, size_t size)
{
	const char *base = strrchr(r->path, '/');
	char name[64];

	if (r->unmapped)
		snprintf(name, sizeof(name), "unmapped");
	else if (pfx_map_path_is_file(r->path))
		snprintf(name, sizeof(name), "%.40s", base ? base + 1 : r->path);
	else if (r->path[0] == '[')
		snprintf(name, sizeof(name), "%.40s", r->path);
	else
		snprintf(name, sizeof(name), "%s", pfx_map_kind_name(r->kind));
	if (show_pid)
		snprintf(buf, size, "%s (pid %u)", name, r->pid);
	else
		snprintf(buf, size, "%s", name);
}
