/* SPDX-License-Identifier: GPL-2.0-or-later */
/* heat_layout: the heat map chart's grid (pfx plot --chart heatmap), from
 * the analysis's region groups and kept faults (analysis.h): the busiest
 * groups as bands of rows over their faulted pages, in address order,
 * long gaps without faults folded out, and faults per (time bin, row).
 * A row covers a page or more (a small run repeats a page over several
 * rows rather than being a sliver).  A band's rows cover its group's
 * faulted pages; it is labelled with the group's start, end and name,
 * those the report lists (region_groups.h). */
#ifndef PFX_HEAT_LAYOUT_H
#define PFX_HEAT_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "u64map.h"

/* Regions with at least 1/PFX_HEAT_LAYOUT_SHARE of the faults get rows, at most
 * PFX_HEAT_LAYOUT_REGIONS of them (and always the busiest); the rest are counted
 * in the title.  Rows are shared in proportion to each region's faults
 * (not its size: a few faults spread over a huge sparse mapping, such as
 * sanitizer shadow memory, must not take the picture), with a floor so a
 * small region stays visible and labelled. */
#define PFX_HEAT_LAYOUT_REGIONS 8	/* at most 15: see heatmap_layout() in heat_layout.c */
#define PFX_HEAT_LAYOUT_SHARE 100
#define PFX_HEAT_LAYOUT_ROWS 200
#define PFX_HEAT_LAYOUT_BINS 120

/* A region's faulted range is cut where it has a gap without faults
 * larger than PFX_HEAT_LAYOUT_FOLD_MIN and than half its faulted bytes (one
 * stray fault far away would otherwise squeeze the busy part into a
 * strip): at most PFX_HEAT_LAYOUT_RUNS runs of rows, the gaps labelled. */
#define PFX_HEAT_LAYOUT_RUNS 4
#define PFX_HEAT_LAYOUT_FOLD_MIN (1ull << 20)
#define PFX_HEAT_LAYOUT_RUN_ROWS 3

/* Where the faults of [lo, hi) go: rows [row0, row0 + rows); each
 * unit_bytes of address covers unit_rows rows (small runs repeat a page
 * over several rows rather than being a sliver). */
struct pfx_heat_run {
	uint64_t lo, hi;
	unsigned row0, rows, unit_rows;
	uint64_t unit_bytes;
};

/* A shown region: its runs, lowest address first. */
struct pfx_heat_band {
	const struct pfx_region_group *region;
	unsigned row0, rows;
	struct pfx_heat_run runs[PFX_HEAT_LAYOUT_RUNS];
	size_t n_runs;
};

/* The chart's grid: bands of rows (address) by time bins. */
struct pfx_heat_layout {
	struct pfx_heat_band *bands;	/* the regions shown, in address order */
	size_t n_bands;
	unsigned rows;
	uint64_t bin_ns;
	size_t bins;
	uint32_t *cells;	/* faults in [bin * rows + row] */
	uint64_t hidden_regions, hidden_faults;	/* the groups with faults not shown */
	/* building it */
	const struct pfx_analysis *rep;	/* its groups, and every fault kept */
	struct pfx_u64map chunks;	/* the faulted chunks of each group */
	struct pfx_heat_band **band_of;	/* by group index; NULL = not shown */
	size_t n_band_of;
	uint64_t page_size;
};

/* Lay out the busiest groups of rep (an analysis with opts.keep_faults)
 * and place every kept fault.  0 or -ENOMEM; pfx_heat_layout_free()
 * either way. */
int pfx_heat_layout_build(struct pfx_heat_layout *h, const struct pfx_analysis *rep);
void pfx_heat_layout_free(struct pfx_heat_layout *h);

#endif
