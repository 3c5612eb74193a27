/* SPDX-License-Identifier: GPL-2.0-or-later */
/* heatmap: fault counts of one address range over time, as a small grid
 * (PFX_HEAT_ROWS address slices x PFX_HEAT_COLS time columns).  The
 * column width is shared by all grids of a report and doubles (merging
 * columns pairwise) whenever a fault falls past the last column, so the
 * recording's length need not be known in advance. */
#ifndef PFX_HEATMAP_H
#define PFX_HEATMAP_H

#include <stdint.h>
#include <stdio.h>

#define PFX_HEAT_ROWS 16
#define PFX_HEAT_COLS 64

struct pfx_heat_grid {
	uint64_t start;		/* address of row 0 */
	unsigned shift;		/* row = (addr - start) >> shift */
	unsigned rows;		/* rows in use */
	uint32_t cell[PFX_HEAT_ROWS][PFX_HEAT_COLS];
};

/* Cover [start, end) with at most PFX_HEAT_ROWS power-of-two slices. */
void pfx_heat_init(struct pfx_heat_grid *g, uint64_t start, uint64_t end);

static inline void pfx_heat_add(struct pfx_heat_grid *g, uint64_t addr, unsigned col)
{
	uint64_t row = addr < g->start ? 0 : (addr - g->start) >> g->shift;

	if (row >= g->rows)
		row = g->rows - 1;	/* the range grew (brk); a stack grows into row 0 */
	g->cell[row][col]++;
}

/* Halve the time resolution: column c takes columns 2c and 2c+1. */
void pfx_heat_halve(struct pfx_heat_grid *g);

/* Text rendering: one line per row, " .:-=+*#%@" by count on a log
 * scale against the grid's maximum; ncols columns of col_ns each. */
void pfx_heat_print(FILE *fp, const struct pfx_heat_grid *g, unsigned ncols, uint64_t col_ns);

#endif
