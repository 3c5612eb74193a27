/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analysis: one pass over a record file into the model every view formats
 * (analysis.h). */
#include "config.h"
#include "analysis.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define TOP_DEFAULT 20
#define HEAT_COL_NS_INITIAL (1u << 20)	/* ~1 ms; doubles as needed */
#define STOP_EVERY 65535u		/* faults between two looks at opts.stop, - 1 */
#define KEPT_UNKNOWN ((size_t)1 << (sizeof(size_t) * 8 - 1))	/* kept.group: an unknown space */

/* A page is known per (pid, page); region tells when the address was
 * mapped anew since (munmap + mmap): then it is a new page, not a refault.
 * Packed in 8 bytes so the hot hash map stays small (16-byte slots). */
struct page_value {
	uint32_t faults;
	uint32_t region : 24;	/* region index + 1 (mod 2^24); 0 = not seen */
	uint32_t major : 8;	/* saturates at 255 */
};

struct ip_value {
	uint64_t faults, major;
	uint64_t ip;		/* per space: the key is a hash of (pid, ip) */
	uint32_t pid;
	uint32_t seen_in;	/* pfx_code_seen_in() at its first fault (0 past 2^32 regions) */
};

struct thread_value {
	uint32_t index;		/* into rep->threads */
};

const char *pfx_fault_type_name(enum pfx_fault_type t)
{
	static const char *const names[PFX_TYPE_COUNT] = {
		[PFX_TYPE_ANON] = "anon", [PFX_TYPE_FILE] = "file",
		[PFX_TYPE_FILE_READ] = "file-read", [PFX_TYPE_COW] = "cow",
		[PFX_TYPE_SWAP_IN] = "swap-in", [PFX_TYPE_OTHER] = "other",
	};

	return (unsigned)t < PFX_TYPE_COUNT ? names[t] : "other";
}

/* A stats index (0: none) for every region.  The array grows with the
 * regions: nothing to grow (a mapping item of no length adds no region)
 * leaves it as it is, NULL at first (memset of NULL + 0 is UB). */
static int ensure_stat_of(struct pfx_analysis *rep)
{
	size_t n = pfx_regions_count(rep->regions);
	size_t old = rep->stat_of_cap;

	if (n <= old)
		return 0;
	if (PFX_GROW(rep->stat_of, rep->stat_of_cap, n, 256))
		return -ENOMEM;
	memset(rep->stat_of + old, 0, (rep->stat_of_cap - old) * sizeof(*rep->stat_of));
	return 0;
}

/* The stats of region ri, made at its first fault. */
static struct pfx_region_stats *region_stats(struct pfx_analysis *rep, long ri)
{
	if (!rep->stat_of[ri]) {
		if (rep->nrstats >= UINT32_MAX ||
		    PFX_GROW(rep->rstats, rep->rstats_cap, rep->nrstats + 1, 64))
			return NULL;
		memset(&rep->rstats[rep->nrstats], 0, sizeof(*rep->rstats));
		rep->stat_of[ri] = (uint32_t)++rep->nrstats;
		rep->heat_hint.h = NULL;	/* the grids may have moved */
	}
	return &rep->rstats[rep->stat_of[ri] - 1];
}

static struct pfx_thread_stats *thread_stats_slow(struct pfx_analysis *rep, uint32_t pid, uint32_t tid)
{
	struct thread_value *tv;
	bool is_new;

	tv = pfx_u64map_upsert(&rep->thread_map, tid, &is_new);
	if (!tv)
		return NULL;
	if (is_new) {
		struct pfx_thread_stats *v;

		if (rep->nthreads >= UINT32_MAX ||
		    PFX_GROW(rep->threads, rep->cap_threads, rep->nthreads + 1, 64))
			return NULL;
		v = rep->threads;
		memset(&v[rep->nthreads], 0, sizeof(*v));
		v[rep->nthreads].pid = pid;
		v[rep->nthreads].tid = tid;
		tv->index = (uint32_t)rep->nthreads++;
	}
	rep->last_thread = tv->index;
	return &rep->threads[tv->index];
}

/* The stats of thread tid: inline for the same thread as last time. */
static inline struct pfx_thread_stats *thread_stats(struct pfx_analysis *rep, uint32_t pid, uint32_t tid)
{
	if (rep->nthreads && rep->threads[rep->last_thread].tid == tid)
		return &rep->threads[rep->last_thread];
	return thread_stats_slow(rep, pid, tid);
}

_Static_assert(PFX_ACCESS_KNOWN == 1 && PFX_ACCESS_WRITE == 2 && PFX_ACCESS_EXEC == 4 && PFX_ACCESS_PROT == 8,
	       "add_class shifts the access bits");

#define RUN_NONE (-2L)	/* run.ri when no run is counted */

/* n faults of class cls ((kind & 3) << 4 | access & 15: a run's counter)
 * into c. */
static void add_class(struct pfx_analysis_counts *c, unsigned cls, uint64_t n)
{
	unsigned kind = cls >> 4, a = cls & 15, known = a & PFX_ACCESS_KNOWN;
	unsigned exec = known & (a >> 2);	/* PFX_ACCESS_EXEC */
	unsigned write = known & (a >> 1) & ~exec;	/* PFX_ACCESS_WRITE */

	c->faults += n;
	c->major += kind == PFX_FAULT_MAJOR ? n : 0;
	c->minor += kind == PFX_FAULT_MINOR ? n : 0;
	c->exec += exec * n;
	c->write += write * n;
	c->read += (known - exec - write) * n;
	c->prot += (known & (a >> 3)) * n;	/* PFX_ACCESS_PROT */
}

static void add_counts(struct pfx_analysis_counts *sum, const struct pfx_analysis_counts *c)
{
	sum->faults += c->faults;
	sum->minor += c->minor;
	sum->major += c->major;
	sum->read += c->read;
	sum->write += c->write;
	sum->exec += c->exec;
	sum->prot += c->prot;
	sum->latency_sum_ns += c->latency_sum_ns;
	sum->latency_count += c->latency_count;
}

/* The type of a fault of kind and access bits in region reg. */
static enum pfx_fault_type fault_type(unsigned kind, unsigned access, const struct pfx_region *reg)
{
	const unsigned cow = PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE | PFX_ACCESS_PROT;
	bool major = kind == PFX_FAULT_MAJOR;

	if ((access & cow) == cow && reg && !(reg->flags & MAP_SHARED))
		return PFX_TYPE_COW;
	if (!reg)
		return PFX_TYPE_OTHER;
	switch (reg->kind) {
	case PFX_MAP_FILE:
		return major ? PFX_TYPE_FILE_READ : PFX_TYPE_FILE;
	case PFX_MAP_HEAP:
	case PFX_MAP_STACK:
	case PFX_MAP_ANON:
	case PFX_MAP_SHM:
		return major ? PFX_TYPE_SWAP_IN : PFX_TYPE_ANON;
	default:
		return PFX_TYPE_OTHER;
	}
}

static void heat_rescale(struct pfx_analysis *rep, uint64_t col)
{
	while (col >= PFX_HEAT_COLS) {
		rep->heat_col_ns *= 2;
		col /= 2;
		for (size_t i = 0; i < rep->nrstats; i++)
			pfx_heat_halve(&rep->rstats[i].heat);
		rep->heat_cols = (rep->heat_cols + 1) / 2;
	}
	rep->heat_col_hi = 0;	/* the columns are wider now */
	rep->heat_hint.h = NULL;
}

/* The heat column of time t (t / heat_col_ns, from the last one's times
 * when t falls in them), counted in heat_cols if it is one. */
static inline uint64_t heat_col_of(struct pfx_analysis *rep, uint64_t t)
{
	uint64_t col;

	if (t >= rep->heat_col_lo && t < rep->heat_col_hi)
		return rep->heat_col;
	col = t / rep->heat_col_ns;
	if (col < PFX_HEAT_COLS) {
		rep->heat_col = (unsigned)col;
		rep->heat_col_lo = col * rep->heat_col_ns;
		rep->heat_col_hi = rep->heat_col_lo + rep->heat_col_ns;
		if (col + 1 > rep->heat_cols)
			rep->heat_cols = (unsigned)col + 1;
	}
	return col;
}

/* Element i of an array (of elem bytes each) grown, zeroed, as far as i
 * needs; NULL when out of memory. */
static void *grown_at(void *arrp, size_t *cap, size_t i, size_t elem)
{
	size_t old = *cap;
	char **arr = arrp;

	if (i >= old) {
		if (pfx_grow(arrp, cap, i + 1, elem, 64))
			return NULL;
		memset(*arr + old * elem, 0, (*cap - old) * elem);
	}
	return *arr + i * elem;
}

/* The faulted range of the region whose stats rs are (opts.groups);
 * NULL when out of memory. */
static struct pfx_addr_range *faulted_range(struct pfx_analysis *rep, struct pfx_region_stats *rs)
{
	return grown_at(&rep->faulted, &rep->faulted_cap, (size_t)(rs - rep->rstats), sizeof(*rep->faulted));
}

/* The page set of region stats rs, or of unknown space us; NULL when out
 * of memory. */
static struct pfx_pageset *pageset_of(struct pfx_analysis *rep, struct pfx_region_stats *rs,
				      struct pfx_unknown_space *us)
{
	if (us)
		return grown_at(&rep->unknown_pagesets, &rep->unknown_pagesets_cap,
				(size_t)(us - rep->unknown), sizeof(*rep->pagesets));
	return grown_at(&rep->pagesets, &rep->pagesets_cap, (size_t)(rs - rep->rstats), sizeof(*rep->pagesets));
}

/* The page sets, once the pass no longer needs them. */
static void free_pagesets(struct pfx_analysis *rep)
{
	for (size_t i = 0; i < rep->pagesets_cap; i++)
		pfx_pageset_free(&rep->pagesets[i]);
	for (size_t i = 0; i < rep->unknown_pagesets_cap; i++)
		pfx_pageset_free(&rep->unknown_pagesets[i]);
	free(rep->pagesets);
	free(rep->unknown_pagesets);
	rep->pagesets = rep->unknown_pagesets = NULL;
	rep->pagesets_cap = rep->unknown_pagesets_cap = 0;
}

/* The unknown space whose stats s are. */
static struct pfx_unknown_space *container_of_unknown(struct pfx_region_stats *s)
{
	return (struct pfx_unknown_space *)(void *)((char *)s - offsetof(struct pfx_unknown_space, s));
}

/* The unknown-faults row of pid (a region never mixes processes). */
static struct pfx_unknown_space *unknown_of(struct pfx_analysis *rep, uint32_t pid)
{
	bool is_new;
	uint32_t *slot = pfx_u64map_upsert(&rep->unknown_map, pid, &is_new);

	if (!slot)
		return NULL;
	if (is_new) {
		if (rep->nunknown >= UINT32_MAX ||
		    PFX_GROW(rep->unknown, rep->cap_unknown, rep->nunknown + 1, 8)) {
			*slot = 0;
			return NULL;
		}
		memset(&rep->unknown[rep->nunknown], 0, sizeof(*rep->unknown));
		rep->unknown[rep->nunknown].pid = pid;
		*slot = (uint32_t)++rep->nunknown;
	}
	return *slot ? &rep->unknown[*slot - 1] : NULL;
}

/* The ip_map key: the ip; host-wide, an ip of each process (a hash of
 * both: two pairs with one hash are counted as one, at 2^-64). */
static uint64_t ip_key(const struct pfx_analysis *rep, uint32_t pid, uint64_t ip)
{
	uint64_t h;

	if (!rep->regions->per_space)
		return ip;
	h = (ip ^ ((uint64_t)pid * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
	return h == UINT64_MAX ? 0 : h;
}

static bool region_matches(const struct pfx_region *reg, const char *want)
{
	if (!reg)
		return strcmp(want, "unknown") == 0;
	return strcmp(want, pfx_map_kind_name(reg->kind)) == 0 || (reg->path[0] && strstr(reg->path, want));
}

static bool filtered(const struct pfx_analysis_filter *fl, const struct pfx_fault *f,
		     const struct pfx_region *reg)
{
	return fl && ((fl->has_pid && f->pid != fl->pid) || (fl->has_tid && f->tid != fl->tid) ||
		      (fl->region && !region_matches(reg, fl->region)));
}

/* The chain the profile exports (opts.every_chain) count fault f under:
 * its innermost frame is f's ip, named as the function view names it
 * (iv's place), so both views put the fault in one function.  A fault
 * taken in kernel mode (read() copying into a user buffer) has a kernel
 * ip above its user chain: [kernel] goes innermost, above the user
 * frames, as perf shows it; a user ip replaces a first frame that says
 * otherwise (a chain left from before an exec).  No chain: the ip alone. */
static int add_export_chain(struct pfx_analysis *rep, const struct pfx_fault *f,
			    const struct ip_value *iv, int col)
{
	uint64_t chain[PFX_REC_MAX_CALLCHAIN];
	size_t len = f->callchain_len, keep = len;

	if (len && f->callchain[0] == f->ip) {
		memcpy(chain, f->callchain, len * sizeof(*chain));
	} else {
		const uint64_t *callers = f->callchain;

		if (len && !pfx_code_is_kernel(f->ip)) {	/* the first frame is the ip's */
			callers++;
			keep--;
		}
		if (keep > PFX_REC_MAX_CALLCHAIN - 1)
			keep = PFX_REC_MAX_CALLCHAIN - 1;	/* the outermost frame goes */
		chain[0] = f->ip;
		if (keep)	/* callers is NULL without a chain */
			memcpy(chain + 1, callers, keep * sizeof(*chain));
		len = keep + 1;
	}
	return pfx_code_sites_add_chain(&rep->code, rep->regions, iv->pid, chain, len, iv->seen_in, col,
					f->latency_ns) < 0 ? -ENOMEM : 0;
}

/* The page_map key of fault f's page. */
static inline uint64_t page_key(const struct pfx_analysis *rep, const struct pfx_fault *f)
{
	return (f->addr >> rep->page_shift) ^ ((uint64_t)f->pid << 36);
}

/* Is fault f's page new (to its process and region)?  From page_map,
 * which counts its faults (opts.pages, and the pages of a process in
 * another's region): new to the map, or last faulted in another region
 * (mod 2^24).  -ENOMEM, 1 new, 0 seen. */
static int count_page(struct pfx_analysis *rep, const struct pfx_fault *f, int col)
{
	uint32_t region = ((uint32_t)(rep->run.ri + 1)) & 0xffffff;
	bool fresh;
	struct page_value *pv = pfx_u64map_upsert(&rep->page_map, page_key(rep, f), &fresh);

	if (!pv)
		return -ENOMEM;
	if (!fresh && pv->region != region) {
		fresh = true;	/* the address belongs to a newer mapping now */
		pv->faults = 0;
		pv->major = 0;
	}
	pv->region = region;
	pv->faults++;
	if (col == PFX_COL_MAJOR && pv->major < 255)
		pv->major++;
	return fresh;
}

/* Fault f's ip (opts.code_names: the ip, function and caller views), and
 * its call chain. */
static int count_ip(struct pfx_analysis *rep, const struct pfx_fault *f, int col)
{
	struct ip_value *iv;
	uint32_t *ipi;
	uint64_t key;
	bool is_new;

	/* The map holds an index (12-byte slots, and a growth copies those,
	 * not the counts: a file of one ip per process peaked there). */
	key = ip_key(rep, f->pid, f->ip);
	if (rep->last_ipv && key == rep->last_ip_key) {
		is_new = false;	/* the ip of the fault before: no lookup */
	} else {
		ipi = pfx_u64map_upsert(&rep->ip_map, key, &is_new);
		if (!ipi)
			return -ENOMEM;
		is_new = !*ipi;
		if (is_new) {
			if (rep->nipv >= UINT32_MAX ||
			    PFX_GROW(rep->ipv, rep->cap_ipv, rep->nipv + 1, 256))
				return -ENOMEM;
			memset(&rep->ipv[rep->nipv], 0, sizeof(*rep->ipv));
			*ipi = (uint32_t)++rep->nipv;
		}
		rep->last_ip_key = key;
		rep->last_ipv = *ipi;
	}
	iv = &rep->ipv[rep->last_ipv - 1];
	iv->faults++;
	iv->major += col == PFX_COL_MAJOR;
	iv->ip = f->ip;
	iv->pid = rep->regions->per_space ? f->pid : 0;
	if (is_new) {
		size_t seen_in = pfx_code_seen_in(rep->regions, f->pid, f->ip);

		iv->seen_in = seen_in <= UINT32_MAX ? (uint32_t)seen_in : 0;
	}
	if (rep->every_chain)
		return add_export_chain(rep, f, iv, col);
	if (f->callchain_len &&
	    pfx_code_sites_add_chain(&rep->code, rep->regions, iv->pid, f->callchain, f->callchain_len,
				     PFX_CODE_SEEN_NOW, col, f->latency_ns) < 0)
		return -ENOMEM;
	return 0;
}

#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NOINLINE __attribute__((noinline))	/* kept out of on_item's common way */

/* What a fault adds besides its run's counts, kind, latency and time:
 * distinct pages and refaults, the access pattern, ips and call chains
 * (the report's views; opts.lean leaves them out).  plain: the run is
 * (run_begin), so the rest is known not to be asked for. */
static ALWAYS_INLINE int count_details(struct pfx_analysis *rep, const struct pfx_fault *f, int col,
				       bool plain)
{
	struct pfx_analysis_faultrun *run = &rep->run;
	struct pfx_region_stats *rs = run->rs;
	uint64_t page = f->addr >> rep->page_shift, bit = (uint64_t)1 << (page & 63);
	bool is_new;

	if (plain || !run->by_map) {
		/* the region's page set: a word per 64 pages, the last one
		 * at hand (faults come in runs over neighbouring pages) */
		if (page >> 6 != run->word_key) {
			run->word = pfx_pageset_word(run->pageset, page >> 6);
			if (!run->word)
				return -ENOMEM;
			run->word_key = page >> 6;
		}
		is_new = !(*run->word & bit);
		*run->word |= bit;
	} else {
		int fresh = count_page(rep, f, col);

		if (fresh < 0)
			return fresh;
		is_new = fresh;
	}
	run->refaults += !is_new;
	pfx_pattern_step(&rs->pattern, f->tid, page);
	if (plain || !rep->code_named)
		return 0;
	if (!is_new) {
		/* the refaults' call site, for pfx advise (Boyer-Moore vote) */
		if (rs->refault_ip == f->ip)
			rs->refault_ip_votes++;
		else if (rs->refault_ip_votes == 0)
			rs->refault_ip = f->ip, rs->refault_ip_votes = 1;
		else
			rs->refault_ip_votes--;
	}
	return count_ip(rep, f, col);
}

/* The run's counts into its region, its thread and the fault types; no
 * run after it. */
static void run_end(struct pfx_analysis *rep)
{
	struct pfx_analysis_faultrun *run = &rep->run;
	struct pfx_analysis_counts c = { .latency_sum_ns = run->latency_sum_ns,
					 .latency_count = run->latency_count };
	struct pfx_region_stats *rs = run->rs;

	run->ri = RUN_NONE;
	if (!run->faults)
		return;
	for (uint64_t m = run->classes; m; m &= m - 1) {
		unsigned cls = (unsigned)__builtin_ctzll(m);
		uint64_t n = run->by_class[cls];

		add_class(&c, cls, n);
		rep->types[fault_type(cls >> 4, cls & 15, run->reg)] += n;
		run->by_class[cls] = 0;
	}
	add_counts(&rs->c, &c);
	rs->last_ns = run->last_ns;
	if (run->ts) {
		add_counts(&run->ts->c, &c);
		run->ts->refaults += run->refaults;
		run->ts->last_ns = run->last_ns;
		rs->pages += run->faults - run->refaults;
		rs->refaults += run->refaults;
		rep->distinct_pages += run->faults - run->refaults;
		rep->refaults += run->refaults;
	}
	run->classes = 0;
	run->faults = run->refaults = 0;
	run->latency_sum_ns = run->latency_count = 0;
}

/* A run begins with fault f, of region ri (-1: none); the one before
 * ends.  0 or -ENOMEM. */
static int run_begin(struct pfx_analysis *rep, const struct pfx_fault *f, long ri)
{
	struct pfx_analysis_faultrun *run = &rep->run;
	const struct pfx_region *reg = ri >= 0 ? &rep->regions->regions[ri] : NULL;
	struct pfx_unknown_space *us;
	struct pfx_region_stats *rs;

	run_end(rep);
	/* Every fault, whatever the filters: the timeline is the recording's. */
	pfx_regions_faulted(rep->regions, ri);
	*run = (struct pfx_analysis_faultrun){ .ri = RUN_NONE, .pid = f->pid, .tid = f->tid, .reg = reg,
					       .word_key = UINT64_MAX };
	if (filtered(rep->filter, f, reg)) {
		run->ri = ri;
		run->filtered = true;
		return 0;
	}
	us = ri >= 0 ? NULL : unknown_of(rep, f->pid);
	rs = ri >= 0 ? region_stats(rep, ri) : us ? &us->s : NULL;
	if (!rs)
		return -ENOMEM;
	run->rs = rs;
	if (!rs->c.faults)
		rs->first_ns = f->time_ns;
	if (us || rep->grouped) {
		struct pfx_addr_range *range = us ? NULL : faulted_range(rep, rs);

		if (!us && !range)
			return -ENOMEM;
		run->lo = us ? &us->lo : &range->lo;
		run->hi = us ? &us->hi : &range->hi;
		if (!rs->c.faults)
			*run->lo = f->addr;
	}
	/* the group is known after the pass: the stats for now */
	run->kept_group = us ? KEPT_UNKNOWN | (size_t)(us - rep->unknown) : (size_t)(rs - rep->rstats);
	if (!rep->lean) {
		run->ts = thread_stats(rep, f->pid, f->tid);
		if (!run->ts)
			return -ENOMEM;
		if (!run->ts->c.faults)
			run->ts->first_ns = f->time_ns;
		/* a page set is of its region's process (of every process but
		 * in files without PFX_REC_PER_SPACE, where children share it);
		 * with opts.pages, the map counts every page anyway */
		run->by_map = rep->top_pages || f->pid != (reg ? reg->pid : us->pid);
		if (!run->by_map && !(run->pageset = pageset_of(rep, rs, us)))
			return -ENOMEM;
	}
	run->plain = !run->lo && !rep->lean && !run->by_map && !rep->code_named &&
		     !rep->timeline.fine && !rep->keep_faults;
	run->heat = reg && rep->heat;
	if (run->heat) {
		/* rows from the region's start, a page or more each; a
		 * region that grew since is laid out anew (the report's
		 * table and the heat map give it one start) */
		if (!rs->heat.rows) {
			pfx_heat_init(&rs->heat, reg->start, reg->end, rep->page_shift);
		} else if (!pfx_heat_covers(&rs->heat, reg->start, reg->end)) {
			rep->heat_hint.h = NULL;
			if (pfx_heat_regrid(&rs->heat, reg->start, reg->end, rep->page_shift) < 0)
				return -ENOMEM;
		}
	}
	run->ri = ri;
	return 0;
}

/* Fault f into its run, counted (after run_begin).  plain: the run is
 * (what pfx report's region view asks: no filter, groups, kept faults,
 * time bins, top pages, ips, lean pass or page of another process's
 * region), and the compiler leaves out the rest. */
static ALWAYS_INLINE int count_fault(struct pfx_analysis *rep, const struct pfx_fault *f, bool plain)
{
	struct pfx_analysis_faultrun *run = &rep->run;
	int col = pfx_kind_col(f->kind);
	unsigned cls;

	if (!plain && run->filtered) {
		rep->filtered_out++;
		return 0;
	}
	cls = (unsigned)(f->kind & 3) << 4 | (f->access & 15);
	run->by_class[cls]++;
	run->classes |= (uint64_t)1 << cls;
	run->faults++;
	run->last_ns = f->time_ns;
	run->latency_sum_ns += f->latency_ns;
	run->latency_count += f->latency_ns != 0;
	if (!plain && run->lo) {
		if (f->addr < *run->lo)
			*run->lo = f->addr;
		if (f->addr >= *run->hi)
			*run->hi = f->addr + 1;
	}
	if (plain || !rep->lean) {
		int err = count_details(rep, f, col, plain);

		if (err)
			return err;
	}
	pfx_lat_hist_add(&rep->lat[col], f->latency_ns);
	if (f->time_ns > rep->last_ns)
		rep->last_ns = f->time_ns;
	if (!plain && rep->timeline.fine)
		pfx_timeline_add(&rep->timeline, f->time_ns, col);
	if (!plain && rep->keep_faults) {
		if (PFX_GROW(rep->kept, rep->cap_kept, rep->nkept + 1, 4096))
			return -ENOMEM;
		rep->kept[rep->nkept++] = (struct pfx_kept_fault){ f->time_ns, f->addr, run->kept_group };
	}

	if (run->heat) {
		uint64_t hcol = heat_col_of(rep, f->time_ns);

		if (hcol >= PFX_HEAT_COLS) {
			heat_rescale(rep, hcol);
			hcol = heat_col_of(rep, f->time_ns);
		}
		if (pfx_heat_add_hinted(&run->rs->heat, f->addr, (unsigned)hcol, &rep->heat_hint) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Any fault of a run that is not plain. */
static NOINLINE int count_fault_any(struct pfx_analysis *rep, const struct pfx_fault *f)
{
	return count_fault(rep, f, false);
}

/* Fault f of region ri, the first of a run. */
static NOINLINE int count_fault_first(struct pfx_analysis *rep, const struct pfx_fault *f, long ri)
{
	int err = run_begin(rep, f, ri);

	if (err)
		return err;
	rep->faults_read++;
	return count_fault(rep, f, false);
}

/* One fault: a new run if it is of another thread or region than the
 * last.  Inline in the reading loop's callback, whose common way makes
 * no call (the rest is in calls at its ends). */
static ALWAYS_INLINE int on_fault(struct pfx_analysis *rep, const struct pfx_fault *f)
{
	long ri = pfx_regions_find_in(rep->regions, f->pid, f->addr);
	struct pfx_analysis_faultrun *run = &rep->run;

	if (ri != run->ri || f->tid != run->tid || f->pid != run->pid)
		return count_fault_first(rep, f, ri);
	rep->faults_read++;
	if (!run->plain)
		return count_fault_any(rep, f);
	return count_fault(rep, f, true);
}

/* One item into the model. */
static int take_item(struct pfx_analysis *rep, const struct pfx_rec_item *it)
{
	if (it->type != PFX_REC_FAULT)
		run_end(rep);	/* the regions or threads may move or change */
	switch (it->type) {
	case PFX_REC_FAULT:
		if (rep->stop && (rep->faults_read & STOP_EVERY) == STOP_EVERY && rep->stop())
			return -EINTR;
		return on_fault(rep, &it->fault);
	case PFX_REC_MAPPING: {
		int err = pfx_regions_add(rep->regions, &it->mapping);

		return err ? err : ensure_stat_of(rep);
	}
	case PFX_REC_THREAD: {
		struct pfx_thread_stats *ts = thread_stats(rep, it->thread.pid, it->thread.tid);

		if (!ts)
			return -ENOMEM;
		if (it->thread.comm[0])
			snprintf(ts->comm, sizeof(ts->comm), "%s", it->thread.comm);
		return 0;
	}
	case PFX_REC_LOST:
		rep->lost_records += it->lost.records;
		rep->lost_samples += it->lost.samples;
		return 0;
	case PFX_REC_CGROUP:
		return pfx_analysis_procs_cgroup(&rep->procs, &it->cgroup);
	case PFX_REC_SPACE:
		return pfx_regions_new_space(rep->regions, &it->space);
	}
	return 0;
}

/* Count the pending faults, in order. */
static int flush_pending(struct pfx_analysis *rep)
{
	while (rep->npending) {
		const struct pfx_fault *f = &rep->pending[rep->pending_head];
		int err;

		rep->pending_head = (rep->pending_head + 1) % PFX_ANALYSIS_AHEAD;
		rep->npending--;
		err = on_fault(rep, f);
		if (err)
			return err;
	}
	return 0;
}

/* Fault f goes to the pending ones, its page's slot fetched now; the
 * oldest is counted when they are full. */
static int pend_fault(struct pfx_analysis *rep, const struct pfx_fault *f)
{
	unsigned i = (rep->pending_head + rep->npending) % PFX_ANALYSIS_AHEAD;
	int err = 0;

	__builtin_prefetch(pfx_u64map_slot(&rep->page_map, pfx_u64map_hash(&rep->page_map, page_key(rep, f))), 1);
	if (rep->npending == PFX_ANALYSIS_AHEAD) {
		err = on_fault(rep, &rep->pending[rep->pending_head]);
		rep->pending_head = (rep->pending_head + 1) % PFX_ANALYSIS_AHEAD;
		rep->npending--;
	}
	rep->pending[i] = *f;
	rep->npending++;
	return err;
}

/* on_item's way for every item but a fault it counts at once: ctx is
 * the report.  With opts.pages, a fault is counted a few items late
 * (pend_fault), unless it has a call chain (valid until the next item)
 * or each_item sees every item as it is counted; any other item counts
 * the pending faults first, so the order is the file's. */
static NOINLINE int on_item_any(struct pfx_analysis *rep, const struct pfx_rec_item *it)
{
	int err;

	if (it->type == PFX_REC_FAULT && !it->fault.callchain_len && !rep->each_item) {
		if (rep->stop && (rep->faults_read & STOP_EVERY) == STOP_EVERY && rep->stop())
			return -EINTR;
		return rep->top_pages ? pend_fault(rep, &it->fault) : on_fault(rep, &it->fault);
	}
	err = flush_pending(rep);
	if (!err)
		err = take_item(rep, it);
	return err || !rep->each_item ? err : rep->each_item(rep->each_ctx, it);
}

/* pfx_rec_foreach's callback: a fault without a call chain is counted
 * at once where nothing else is asked (rep->direct). */
static int on_item(void *ctx, const struct pfx_rec_item *it)
{
	struct pfx_analysis *rep = ctx;

	if (it->type == PFX_REC_FAULT && !it->fault.callchain_len && rep->direct)
		return on_fault(rep, &it->fault);
	return on_item_any(rep, it);
}

/* ---- after the pass: sorted views ---- */

static int cmp_rows(const void *a, const void *b)
{
	const struct pfx_region_row *x = a, *y = b;

	if (x->s->c.faults != y->s->c.faults)
		return x->s->c.faults < y->s->c.faults ? 1 : -1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_threads(const void *a, const void *b)
{
	const struct pfx_thread_stats *x = a, *y = b;

	if (x->c.faults != y->c.faults)
		return x->c.faults < y->c.faults ? 1 : -1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int build_rows(struct pfx_analysis *rep)
{
	size_t n = pfx_regions_count(rep->regions);
	uint64_t page_mask = ~(((uint64_t)1 << rep->page_shift) - 1);

	rep->rows = calloc(n + rep->nunknown + 1, sizeof(*rep->rows));
	if (!rep->rows)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct pfx_region *reg = pfx_regions_get(rep->regions, i);
		struct pfx_region_stats *s;

		if (!rep->stat_of[i])
			continue;
		s = &rep->rstats[rep->stat_of[i] - 1];
		add_counts(&rep->all, &s->c);
		/* every fault of a region lies in its extent (regions.h) */
		rep->rows[rep->nrows++] = (struct pfx_region_row){
			reg, s, pfx_pattern_classify(&s->pattern, s->c.faults, s->refaults),
			reg->start, reg->end, reg->pid, 0 };
	}
	for (size_t i = 0; i < rep->nunknown; i++) {
		struct pfx_unknown_space *u = &rep->unknown[i];

		add_counts(&rep->all, &u->s.c);
		rep->rows[rep->nrows++] = (struct pfx_region_row){
			NULL, &u->s, pfx_pattern_classify(&u->s.pattern, u->s.c.faults, u->s.refaults),
			u->lo & page_mask, ((u->hi - 1) | ~page_mask) + 1, u->pid, 0 };	/* whole pages */
	}
	for (size_t i = 1; i < rep->nrows; i++)
		if (rep->rows[i].pid != rep->rows[0].pid)
			rep->many_processes = true;
	qsort(rep->rows, rep->nrows, sizeof(*rep->rows), cmp_rows);
	if (rep->nthreads)
		qsort(rep->threads, rep->nthreads, sizeof(*rep->threads), cmp_threads);
	return 0;
}

/* The region an address (of pid) falls in at the end of the recording. */
static const struct pfx_region *region_of(struct pfx_analysis *rep, uint32_t pid, uint64_t addr)
{
	long ri = pfx_regions_find_in(rep->regions, pid, addr);

	return ri >= 0 ? pfx_regions_get(rep->regions, (size_t)ri) : NULL;
}

/* Row order: most faults first, then by address (and process). */
static int cmp_pages(const void *a, const void *b)
{
	const struct pfx_page_row *x = a, *y = b;

	if (x->faults != y->faults)
		return x->faults < y->faults ? 1 : -1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Sift row i down the min-heap of n rows (the root: the row that goes
 * first when a better one comes, the last in cmp_pages order). */
static void page_heap_down(struct pfx_page_row *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct pfx_page_row t;

		if (l < n && cmp_pages(&h[l], &h[m]) > 0)
			m = l;
		if (r < n && cmp_pages(&h[r], &h[m]) > 0)
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* The top pages: a heap of the best top so far (a search for the
 * smallest per page was O(pages x top): --top 100000 on a file of many
 * pages never ended). */
static int build_top_pages(struct pfx_analysis *rep, unsigned top)
{
	size_t i = 0, n = 0;
	uint64_t key;
	void *value;

	rep->pages = calloc(top, sizeof(*rep->pages));
	if (!rep->pages)
		return -ENOMEM;
	while (pfx_u64map_next(&rep->page_map, &i, &key, &value)) {
		const struct page_value *pv = value;
		struct pfx_page_row row = {
			.pid = (uint32_t)(key >> 36),
			.addr = (key & (((uint64_t)1 << 36) - 1)) << rep->page_shift,
			.faults = pv->faults, .major = pv->major,
		};

		if (n == top && cmp_pages(&row, &rep->pages[0]) >= 0)
			continue;	/* not better than the worst kept */
		/* The region of its last fault (the address space may have
		 * changed since), unless its index did not fit. */
		row.region = pfx_regions_count(rep->regions) < (1u << 24) ?
			(pv->region ? pfx_regions_get(rep->regions, pv->region - 1) : NULL) :
			region_of(rep, row.pid, row.addr);
		if (n == top) {
			rep->pages[0] = row;
			page_heap_down(rep->pages, n, 0);
			continue;
		}
		rep->pages[n++] = row;
		if (n == top)	/* full: heapify once */
			for (size_t k = n / 2; k-- > 0;)
				page_heap_down(rep->pages, n, k);
	}
	rep->npages = n;
	return 0;
}

static int cmp_ips(const void *a, const void *b)
{
	const struct pfx_ip_row *x = a, *y = b;

	if (x->faults != y->faults)
		return x->faults < y->faults ? 1 : -1;
	return x->code.ip < y->code.ip ? -1 : x->code.ip > y->code.ip;
}

/* Every ip, most faults first; the top ones get their mapping, or (with
 * code names) their function, and the functions are counted. */
static int build_top_ips(struct pfx_analysis *rep, unsigned top)
{
	size_t n = rep->nipv;

	rep->ips = calloc(n ? n : 1, sizeof(*rep->ips));
	if (!rep->ips)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct ip_value *iv = &rep->ipv[i];

		rep->ips[i] = (struct pfx_ip_row){ { .ip = iv->ip, .pid = iv->pid, .seen_in = iv->seen_in },
						   iv->faults, iv->major };
	}
	free(rep->ipv);
	rep->ipv = NULL;
	qsort(rep->ips, n, sizeof(*rep->ips), cmp_ips);
	rep->nips = n < top ? n : top;
	if (rep->code_named)
		return pfx_code_sites_finish(&rep->code, rep->regions, rep->ips, n, rep->nips,
					     rep->every_chain ? UINT_MAX : top);
	for (size_t j = 0; j < rep->nips; j++)
		rep->ips[j].code.region = rep->ips[j].code.seen_in ?
			pfx_regions_get(rep->regions, rep->ips[j].code.seen_in - 1) : NULL;
	return 0;
}

/* The sorted views, after the pass.  The pass's maps go as soon as
 * their views are built: the peak is the pass's state or the views, not
 * both.  0 or -ENOMEM. */
/* The rows' groups (region_groups.h), and the kept faults' groups. */
static int build_groups(struct pfx_analysis *rep)
{
	uint64_t page_mask = ~(((uint64_t)1 << rep->page_shift) - 1);
	size_t *of_stat = calloc(rep->nrstats + rep->nunknown + 1, sizeof(*of_stat));
	long count;

	if (!of_stat || pfx_region_groups_new(&rep->groups) < 0) {
		free(of_stat);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rep->nrows; i++) {
		struct pfx_region_row *row = &rep->rows[i];
		const struct pfx_analysis_counts *c = &row->s->c;
		size_t stat = row->region ? (size_t)(row->s - rep->rstats) :
			rep->nrstats + (size_t)(container_of_unknown(row->s) - rep->unknown);
		struct pfx_addr_range range = row->region ? rep->faulted[stat] :
			(struct pfx_addr_range){ row->start, row->end };
		struct pfx_region_group part = {
			.path = row->region ? row->region->path : "",
			.kind = row->region ? row->region->kind : PFX_MAP_OTHER,
			.unmapped = !row->region, .pid = row->pid,
			.start = row->start, .end = row->end,
			.lo = range.lo & page_mask, .hi = ((range.hi - 1) | ~page_mask) + 1,
			.faults = c->faults,
			.by_kind = { c->minor, c->major, c->faults - c->minor - c->major },
		};
		long g = pfx_region_groups_add(rep->groups, &part);

		if (g < 0) {
			free(of_stat);
			return -ENOMEM;
		}
		row->group = (uint32_t)g;
		of_stat[stat] = (size_t)g;
	}
	for (size_t i = 0; i < rep->nkept; i++) {
		size_t w = rep->kept[i].group;

		rep->kept[i].group = of_stat[w & KEPT_UNKNOWN ? rep->nrstats + (w & ~KEPT_UNKNOWN) : w];
	}
	free(of_stat);
	count = pfx_region_groups_busiest(rep->groups, &rep->busiest);
	if (count < 0)
		return -ENOMEM;
	rep->nbusiest = (size_t)count;
	return 0;
}

static int build_views(struct pfx_analysis *rep, unsigned top)
{
	free_pagesets(rep);
	pfx_u64map_free(&rep->thread_map);
	pfx_u64map_free(&rep->unknown_map);
	if (build_rows(rep) < 0 || (rep->grouped && build_groups(rep) < 0) ||
	    (rep->top_pages && build_top_pages(rep, top) < 0))
		return -ENOMEM;
	pfx_u64map_free(&rep->page_map);
	pfx_regions_done(rep->regions);	/* regions are found by index from here */
	pfx_strset_freeze(&rep->procs.names);
	pfx_u64map_free(&rep->ip_map);
	if (build_top_ips(rep, top) < 0)
		return -ENOMEM;
	return pfx_analysis_procs_build(&rep->procs, rep->threads, rep->nthreads);
}

uint64_t pfx_analysis_latency_pct(const struct pfx_analysis *rep, int col, double pct)
{
	return (uint64_t)(pfx_lat_hist_pct_ns(&rep->lat[col], pct) + 0.5);
}

static int report_init(struct pfx_analysis *rep, const struct pfx_rec_reader *r,
		       const struct pfx_analysis_opts *opts)
{
	rep->header = *pfx_rec_reader_header(r);
	rep->page_shift = (uint32_t)__builtin_ctz(rep->header.page_size);
	rep->heat_col_ns = HEAT_COL_NS_INITIAL;
	if (pfx_regions_new(&rep->regions) == 0 && pfx_rec_per_space(&rep->header))
		pfx_regions_per_space(rep->regions);
	if (!rep->regions || pfx_analysis_procs_init(&rep->procs) < 0 ||
	    pfx_u64map_init(&rep->page_map, sizeof(struct page_value)) < 0 ||
	    pfx_u64map_init(&rep->ip_map, sizeof(uint32_t)) < 0 ||
	    pfx_u64map_init(&rep->thread_map, sizeof(struct thread_value)) < 0 ||
	    pfx_u64map_init(&rep->unknown_map, sizeof(uint32_t)) < 0)
		return -ENOMEM;
	if (opts->code_names) {
		if (pfx_code_sites_init(&rep->code) < 0)
			return -ENOMEM;
		rep->code_named = true;
		rep->every_chain = opts->every_chain;
	}
	rep->filter = opts->filter;
	rep->keep_faults = opts->keep_faults;
	rep->grouped = opts->groups || opts->keep_faults;
	rep->lean = opts->lean;
	rep->top_pages = opts->pages && !opts->lean;
	rep->heat = opts->heat && !opts->lean;
	rep->direct = !rep->top_pages && !opts->stop && !opts->each_item;
	rep->run.ri = RUN_NONE;
	rep->stop = opts->stop;
	rep->each_item = opts->each_item;
	rep->each_ctx = opts->each_ctx;
	return opts->timeline ? pfx_timeline_init(&rep->timeline) : 0;
}

int pfx_analysis_run(struct pfx_rec_reader *r, const struct pfx_analysis_opts *opts,
		     struct pfx_analysis **out)
{
	struct pfx_analysis *rep = calloc(1, sizeof(*rep));
	unsigned top = opts->top ? opts->top : TOP_DEFAULT;
	struct pfx_rec_end end;
	int err;

	if (!rep)
		return -ENOMEM;
	if (report_init(rep, r, opts) < 0) {
		pfx_analysis_free(rep);
		return -ENOMEM;
	}
	err = pfx_rec_foreach(r, on_item, rep, &end);
	if (!err)
		err = flush_pending(rep);
	run_end(rep);
	if (err) {
		pfx_analysis_free(rep);
		return err;
	}
	if (build_views(rep, top) < 0) {
		pfx_analysis_free(rep);
		return -ENOMEM;
	}
	if (!end.error) {
		rep->complete = true;
		rep->totals = end.totals;
		rep->duration_ns = rep->totals.duration_ns;
	} else {
		/* Partial: what was read is all there is. */
		rep->read_error = end.error;
		rep->error_offset = end.offset;
		rep->totals = (struct pfx_rec_totals){
			.faults = rep->all.faults, .minor = rep->all.minor, .major = rep->all.major,
			.lost_records = rep->lost_records, .lost_samples = rep->lost_samples,
		};
		for (size_t i = 0; i < rep->nrows; i++)
			if (rep->rows[i].s->last_ns > rep->duration_ns)
				rep->duration_ns = rep->rows[i].s->last_ns;
	}
	if (rep->npages)
		qsort(rep->pages, rep->npages, sizeof(*rep->pages), cmp_pages);
	*out = rep;
	return 0;
}

void pfx_analysis_free(struct pfx_analysis *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->nrstats; i++) {
		pfx_heat_free(&rep->rstats[i].heat);
		pfx_pattern_free(&rep->rstats[i].pattern);
	}
	for (size_t i = 0; i < rep->nunknown; i++)
		pfx_pattern_free(&rep->unknown[i].s.pattern);
	free_pagesets(rep);
	free(rep->rstats);
	free(rep->stat_of);
	pfx_region_groups_free(rep->groups);
	free(rep->busiest);
	free(rep->faulted);
	free(rep->kept);
	pfx_timeline_free(&rep->timeline);
	pfx_regions_free(rep->regions);
	pfx_u64map_free(&rep->page_map);
	pfx_u64map_free(&rep->ip_map);
	free(rep->ipv);
	pfx_u64map_free(&rep->thread_map);
	pfx_u64map_free(&rep->unknown_map);
	free(rep->unknown);
	free(rep->rows);
	free(rep->threads);
	free(rep->pages);
	free(rep->ips);
	pfx_analysis_procs_free(&rep->procs);
	if (rep->code_named)
		pfx_code_sites_free(&rep->code);
	free(rep);
}

uint64_t pfx_analysis_lost_faults(const struct pfx_analysis *rep)
{
	const struct pfx_rec_totals *t = &rep->totals;
	uint64_t counted = t->counted_minor + t->counted_major;

	return t->has_counted && counted > t->faults ? counted - t->faults : 0;
}

const char *pfx_analysis_flight_note(const struct pfx_analysis *rep, char *buf, size_t size)
{
	if (!(rep->header.flags & PFX_REC_FLIGHT))
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, "the last %.*f s before a flight recorder's dump (pfx record --flight), "
			 "not the whole recording: every count is of these seconds",
			 rep->duration_ns < 1000000000 ? 3 : 1, (double)rep->duration_ns / 1e9);
	return buf;
}

const char *pfx_analysis_lost_note(const struct pfx_analysis *rep, char *buf, size_t size)
{
	uint64_t lost = pfx_analysis_lost_faults(rep), counted = lost + rep->totals.faults;

	if (!lost)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, "recorded %llu of %llu faults (%.1f%% lost)",
			 (unsigned long long)rep->totals.faults, (unsigned long long)counted,
			 100.0 * (double)lost / (double)counted);
	return buf;
}
