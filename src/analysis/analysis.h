/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analysis: one model of a recording, computed in one pass, that every
 * view formats: report's text and JSON, the exports (folded, pprof,
 * Perfetto) and plot's charts.  By region (mapping), by thread, process
 * and cgroup, by page, by faulting ip and function, a heat map of address
 * ranges over time, the latency histogram and the fault types.
 *
 * One pass over the file, no allocation per fault: regions come from the
 * mapping timeline (regions.h), distinct pages and refaults from each
 * region's set of pages (pageset.h; with opts.pages, from the hash of
 * (pid, page) that counts each page's faults, u64map.h), patterns from
 * pattern.h.  A run of
 * faults of one thread in one region is counted as one: its counts by
 * kind and access go to the region, the thread and the fault types when
 * it ends.  What no view asked for is not counted: the top pages
 * (opts.pages), the heat grids (opts.heat), the ips (opts.code_names).
 *
 * Fault types (where the file allows telling them apart):
 *   cow          write to a present page of a private mapping (error code
 *                has WRITE and PROT): copy-on-write
 *   file         minor fault in a file mapping (page cache hit)
 *   file-read    major fault in a file mapping (read from storage)
 *   anon         minor fault in heap/stack/anon/shm memory (zero fill)
 *   swap-in      major fault in heap/stack/anon/shm memory
 *   other        vdso, unknown mappings
 *
 * Code (with opts.code_names): the faulting ips and recorded call chains
 * named by function, and faults per function (code_sites.h). */
#ifndef PFX_ANALYSIS_H
#define PFX_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "code_sites.h"
#include "fault_kind.h"
#include "heatmap.h"
#include "pageset.h"
#include "pattern.h"
#include "lat_hist.h"
#include "recfile.h"
#include "region_groups.h"
#include "regions.h"
#include "timeline.h"
#include "analysis_procs.h"
#include "analysis_counts.h"
#include "u64map.h"

#define PFX_ANALYSIS_AHEAD 8	/* faults read ahead of the one counted */

enum pfx_fault_type {
	PFX_TYPE_ANON, PFX_TYPE_FILE, PFX_TYPE_FILE_READ, PFX_TYPE_COW, PFX_TYPE_SWAP_IN,
	PFX_TYPE_OTHER, PFX_TYPE_COUNT
};


struct pfx_region_stats {
	struct pfx_analysis_counts c;
	uint64_t pages;		/* distinct (pid, page) */
	uint64_t refaults;
	/* the faulting ip of most refaults, if one ip has most (a
	 * majority vote: votes > 0 says a candidate, not a count) */
	uint64_t refault_ip, refault_ip_votes;
	uint64_t first_ns, last_ns;
	struct pfx_pattern_state pattern;
	struct pfx_heat heat;		/* opts.heat: set up at the first fault (rows 0 before) */
};

/* One row of the region view, after the pass. */
struct pfx_region_row {
	const struct pfx_region *region;	/* NULL: faults outside known mappings */
	struct pfx_region_stats *s;
	enum pfx_pattern pattern;
	uint64_t start, end;			/* for unknown: the faulting range */
	uint32_t pid;				/* for unknown: whose (one row per process) */
	uint32_t group;				/* its region group (opts.groups) */
};

/* Faults of one process outside every mapping the file holds (its
 * mappings were never read: it exited first). */
struct pfx_unknown_space {
	uint32_t pid;
	struct pfx_region_stats s;
	uint64_t lo, hi;	/* [lowest, highest + 1) address of its faults */
};

/* The addresses a region's faults fell in: [lo, hi). */
struct pfx_addr_range {
	uint64_t lo, hi;
};

/* A fault as it happened (opts.keep_faults): for the views that place
 * each fault (plot's heat map). */
struct pfx_kept_fault {
	uint64_t time_ns, addr;
	size_t group;		/* its region group */
};


struct pfx_page_row {
	uint32_t pid;
	uint64_t addr;		/* page address */
	uint32_t faults, major;
	const struct pfx_region *region;
};

/* Which faults count (report --pid/--tid/--region); the others are
 * skipped and counted in filtered_out. */
struct pfx_analysis_filter {
	bool has_pid, has_tid;
	uint32_t pid, tid;
	const char *region;	/* a region whose path holds it, or of that kind
				 * (anon, heap, stack, file, unknown, ...) */
};

struct pfx_analysis_opts {
	const struct pfx_analysis_filter *filter;	/* NULL: every fault */
	unsigned top;		/* rows per view (0: all regions/threads, 20 pages/ips) */
	bool code_names;	/* name code by function (symbols), count faults per
				 * function, aggregate call chains: the ip, function
				 * and caller views need it, the others do not */
	bool every_chain;	/* with code_names: every fault counts in a chain (its
				 * ip alone without a recorded one), and every chain
				 * is named (the profile exports) */
	bool groups;		/* group the regions (groups, busiest): the
				 * charts'; a file of many one-fault regions
				 * pays ~100 bytes a region for them */
	bool keep_faults;	/* keep every fault counted (kept, nkept); implies groups */
	bool lean;		/* only what the charts show: regions, their groups,
				 * counts by kind, latency, time; no distinct pages,
				 * refaults, patterns, heat grids, threads, ips */
	bool timeline;		/* count faults per time bin (timeline) */
	bool pages;		/* the top pages by faults (pages): report's page
				 * view and JSON; a count per page, not only a bit */
	bool heat;		/* the regions' heat grids (heat, heat_cols): report's
				 * region view and JSON */
	bool (*stop)(void);	/* asked every 65536 faults: true ends the pass
				 * with -EINTR (NULL: never) */
	/* A trace (Perfetto) formats the items in file order: each is handed
	 * here once the pass has taken it in, whatever the filter; non-zero
	 * ends the pass with it.  NULL: none. */
	int (*each_item)(void *ctx, const struct pfx_rec_item *it);
	void *each_ctx;
};

struct ip_value;

/* Consecutive faults of one thread in one region (or unknown space):
 * what they add to their region and thread, counted apart and added
 * when the run ends (another thread or region, any other item, the end
 * of the pass): most faults then add to a counter by their kind and
 * access and nothing else of the counts. */
struct pfx_analysis_faultrun {
	bool open;			/* a run is counted (false: none yet) */
	bool filtered;			/* opts.filter skips its faults */
	bool by_map;			/* its pages in page_map, not its region's set */
	bool plain;			/* nothing more than pfx report's region view
					 * asks (analysis.c: count_fault) */
	bool heat;			/* opts.heat, in a region */
	long ri;			/* its region (-1: the unknown space of pid) */
	uint32_t pid, tid;
	const struct pfx_region *reg;	/* NULL: unknown */
	struct pfx_region_stats *rs;
	struct pfx_thread_stats *ts;	/* NULL: opts.lean */
	uint64_t *lo, *hi;		/* its faulted range (opts.groups), or NULL */
	size_t kept_group;		/* opts.keep_faults: what a kept fault's group is for now */
	uint64_t faults, refaults, last_ns;
	uint64_t latency_sum_ns, latency_count;
	uint64_t by_class[64];		/* faults by (kind & 3) << 4 | access */
	uint64_t classes;		/* bit i: by_class[i] is not 0 */
	struct pfx_pageset *pageset;	/* its region's pages (NULL: by_map or lean) */
	uint64_t word_key;		/* the page word of its last fault (pageset.h) */
	uint64_t *word;			/* its bits; NULL: none */
};

struct pfx_analysis {
	struct pfx_rec_header header;
	bool complete;			/* the file ended with its END item */
	int read_error;			/* 0, or the reader's error (partial report) */
	uint64_t error_offset;
	struct pfx_rec_totals totals;	/* from the file if complete, else counted */
	uint64_t lost_records, lost_samples;	/* counted from LOST items */
	uint64_t duration_ns;
	uint64_t faults_read;		/* fault items decoded */
	const struct pfx_analysis_filter *filter;	/* as given, or NULL */
	uint64_t filtered_out;		/* faults the filter skipped */

	struct pfx_analysis_counts all;
	uint64_t types[PFX_TYPE_COUNT];
	/* latency by kind column: every percentile and histogram bin
	 * a view shows comes from these */
	struct pfx_lat_hist lat[PFX_COL_COUNT];
	uint64_t last_ns;		/* the last counted fault's time */
	uint64_t distinct_pages, refaults;

	struct pfx_regions *regions;
	/* Stats only for regions with faults (a file may hold many regions
	 * without any): region i's are rstats[stat_of[i] - 1], 0 none yet. */
	uint32_t *stat_of;
	size_t stat_of_cap;
	struct pfx_region_stats *rstats;
	size_t nrstats, rstats_cap;
	struct pfx_unknown_space *unknown;	/* faults no mapping covers, per process */
	size_t nunknown, cap_unknown;
	struct pfx_u64map unknown_map;		/* pid -> index + 1 */

	struct pfx_region_row *rows;	/* regions with faults, most faults first */
	size_t nrows;
	struct pfx_region_groups *groups;	/* opts.groups: the rows grouped (region_groups.h) */
	/* opts.groups: each region's faulted range, by stats index (apart
	 * from the stats: a report of many one-fault regions does not pay
	 * for it) */
	struct pfx_addr_range *faulted;
	size_t faulted_cap;
	const struct pfx_region_group **busiest;	/* groups with faults, most first */
	size_t nbusiest;
	struct pfx_kept_fault *kept;	/* opts.keep_faults: in file order */
	size_t nkept, cap_kept;
	struct pfx_timeline timeline;	/* opts.timeline (fine NULL otherwise) */
	bool many_processes;		/* rows of more than one address space */
	struct pfx_thread_stats *threads;	/* most faults first */
	size_t nthreads, cap_threads;
	struct pfx_page_row *pages;	/* top pages by faults (opts.pages) */
	size_t npages;
	struct pfx_ip_row *ips;		/* ips by faults (all of them; nips shown; opts.code_names) */
	size_t nips;
	struct pfx_code_sites code;	/* functions and call chains (opts.code_names) */
	struct pfx_analysis_procs procs;	/* processes and cgroups (report_procs.h) */
	bool code_named;
	bool every_chain;		/* opts.every_chain */

	uint64_t heat_col_ns;		/* heat map column width */
	unsigned heat_cols;		/* columns used */
	/* the heat column of the last fault, and its times [lo, hi): a
	 * division per fault saved (hi 0: none yet) */
	uint64_t heat_col_lo, heat_col_hi;
	unsigned heat_col;
	struct pfx_heat_hint heat_hint;	/* the last fault's sparse cell */

	/* working state of the pass */
	struct pfx_analysis_faultrun run;	/* the run of faults being counted */
	/* The page set of each region stats and unknown space (by index), of
	 * the process of its mapping (apart from the stats: the pass frees
	 * them, and with opts.pages there are none) */
	struct pfx_pageset *pagesets, *unknown_pagesets;
	size_t pagesets_cap, unknown_pagesets_cap;
	/* page_map: (pid, page) -> counts and region, for opts.pages, and for
	 * the pages a process faults in another's region (files without
	 * PFX_REC_PER_SPACE); ip_map: key -> index + 1 into ipv */
	struct pfx_u64map page_map, ip_map, thread_map;
	struct ip_value *ipv;		/* every ip's counts (analysis.c) */
	size_t nipv, cap_ipv;
	uint64_t last_ip_key;		/* the ip_map key of the last fault */
	uint32_t last_ipv;		/* its index + 1 into ipv (0: none) */
	uint32_t page_shift;
	size_t last_thread;		/* index of the last thread looked up */
	/* Faults read but not counted yet, oldest at pending_head: their
	 * pages' slots are fetched from memory while the ones before are
	 * counted (a page map of many pages misses the cache at every
	 * fault: a fifth of the pass, waiting) */
	struct pfx_fault pending[PFX_ANALYSIS_AHEAD];
	unsigned npending, pending_head;
	bool keep_faults;		/* opts.keep_faults */
	bool grouped;			/* opts.groups */
	bool lean;			/* opts.lean */
	bool top_pages;			/* opts.pages */
	bool heat;			/* opts.heat */
	bool direct;			/* no pending faults, stop or each_item */
	bool (*stop)(void);		/* opts.stop */
	int (*each_item)(void *ctx, const struct pfx_rec_item *it);	/* opts.each_item */
	void *each_ctx;
};

/* Read the whole file.  Returns 0 with *out filled (check read_error for
 * a partial result), or -errno when nothing could be reported. */
int pfx_analysis_run(struct pfx_rec_reader *r, const struct pfx_analysis_opts *opts,
		     struct pfx_analysis **out);
void pfx_analysis_free(struct pfx_analysis *rep);

const char *pfx_fault_type_name(enum pfx_fault_type t);
/* Faults the kernel counted that never reached the file (a full ring):
 * counted - recorded, where the file has the count (version 2, perf). */
uint64_t pfx_analysis_lost_faults(const struct pfx_analysis *rep);
/* "recorded 34004 of 34930 faults (2.7% lost)" into buf, or "" when
 * nothing was lost or the file has no count. */
const char *pfx_analysis_lost_note(const struct pfx_analysis *rep, char *buf, size_t size);
/* "the last 10.0 s before a flight recorder's dump ..." into buf for a
 * file of record --flight (PFX_REC_FLIGHT), else "": not a whole
 * recording, its counts are of that window only. */
const char *pfx_analysis_flight_note(const struct pfx_analysis *rep, char *buf, size_t size);
/* Latency percentile (0-100) of the faults of kind column col
 * (fault_kind.h) in ns, from lat_hist; 0 if none. */
uint64_t pfx_analysis_latency_pct(const struct pfx_analysis *rep, int col, double pct);

#endif
