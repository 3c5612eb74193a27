/* SPDX-License-Identifier: GPL-2.0-or-later */
/* heatmap: fault counts of one address range over time, as a small grid
 * (PFX_HEAT_ROWS address slices x PFX_HEAT_COLS time columns).  The
 * column width is shared by all grids of a report and doubles (merging
 * columns pairwise) whenever a fault falls past the last column, so the
 * recording's length need not be known in advance.
 *
 * A region's grid (struct pfx_heat) starts sparse: a small hash of the
 * cells that have faults, 4 bytes each, so a region with a few faults
 * costs a few bytes (a dense grid is 4 KiB: a recording of many small
 * regions needed 200 times its size in memory); past PFX_HEAT_SPARSE_MAX
 * cells it becomes the dense grid (by then its faults took more of the
 * file than the grid takes of memory). */
#ifndef PFX_HEATMAP_H
#define PFX_HEATMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PFX_HEAT_ROWS 16
#define PFX_HEAT_COLS 64
#define PFX_HEAT_SPARSE_MAX 256	/* cells kept sparse; more: dense */

/* The dense grid, and what the views print. */
struct pfx_heat_grid {
	uint64_t start;		/* address of row 0 */
	unsigned shift;		/* row = (addr - start) >> shift */
	unsigned rows;		/* rows in use */
	uint32_t cell[PFX_HEAT_ROWS][PFX_HEAT_COLS];
};

/* A region's heat: sparse, then dense. */
struct pfx_heat {
	uint64_t start;
	uint16_t used, cap;		/* sparse cells used, table slots (power of 2; 0: none) */
	uint8_t shift, rows;
	bool dense;
	/* one shares the pointer's place: 24 bytes, not 32, for every region
	 * with faults (most in a crafted file of one-fault regions) */
	union {
		uint32_t one;		/* sparse, cap 0: the one cell (0: none) */
		uint32_t *slots;	/* sparse, cap > 0: (cell + 1) << 21 | count; 0 empty */
		struct pfx_heat_grid *grid;	/* dense */
	};
};

/* Cover [start, end) with at most PFX_HEAT_ROWS power-of-two slices of
 * 2^min_shift bytes or more (a page: a row is never less than a page),
 * row 0 at start. */
void pfx_heat_init(struct pfx_heat *h, uint64_t start, uint64_t end, unsigned min_shift);
/* h's rows are those pfx_heat_init would give [start, end). */
static inline bool pfx_heat_covers(const struct pfx_heat *h, uint64_t start, uint64_t end)
{
	/* inline: asked once per fault */
	return start == h->start && end - start <= (uint64_t)h->rows << h->shift;
}
/* Lay h out anew over [start, end) (its region grew), keeping its
 * counts: an old row's go to the new row holding its first address.
 * 0 or -ENOMEM. */
int pfx_heat_regrid(struct pfx_heat *h, uint64_t start, uint64_t end, unsigned min_shift);
void pfx_heat_free(struct pfx_heat *h);
#define PFX_HEAT_COUNT_BITS 21	/* of a sparse cell: (cell + 1) << 21 | count */
#define PFX_HEAT_COUNT_MAX ((1u << PFX_HEAT_COUNT_BITS) - 1)	/* this full: it goes dense */

/* The cell the last fault went to (a region's faults come in runs on
 * one row and column): the next fault there adds to its counter without
 * working out its row or looking it up.  The caller clears h when a grid
 * is halved, laid out anew or moved in memory; pfx_heat_add keeps it
 * right otherwise. */
struct pfx_heat_hint {
	const struct pfx_heat *h;	/* NULL: none */
	uint32_t *count;	/* its counter: a dense cell, or a sparse slot
				 * (whose low bits count) */
	uint64_t lo, len;	/* its row's addresses: [lo, lo + len) */
	unsigned col;
};

/* One fault at addr in column col (< PFX_HEAT_COLS), hint kept (its h
 * NULL at first).  0 or -ENOMEM.  Inline: once per fault.
 * pfx_heat_add_slow: the rest, which sets hint. */
int pfx_heat_add_slow(struct pfx_heat *h, uint64_t addr, unsigned col, struct pfx_heat_hint *hint);
static inline int pfx_heat_add_hinted(struct pfx_heat *h, uint64_t addr, unsigned col,
				      struct pfx_heat_hint *hint)
{
	/* a dense cell's count with its low bits all set takes the slow
	 * way once: the same test serves both */
	if (hint->h == h && addr - hint->lo < hint->len && hint->col == col &&
	    (*hint->count & PFX_HEAT_COUNT_MAX) != PFX_HEAT_COUNT_MAX) {
		++*hint->count;
		return 0;
	}
	return pfx_heat_add_slow(h, addr, col, hint);
}

/* The same without a hint. */
static inline int pfx_heat_add(struct pfx_heat *h, uint64_t addr, unsigned col)
{
	struct pfx_heat_hint hint = { NULL, NULL, 0, 0, 0 };

	return pfx_heat_add_hinted(h, addr, col, &hint);
}
/* Halve the time resolution: column c takes columns 2c and 2c+1. */
void pfx_heat_halve(struct pfx_heat *h);
/* The dense grid of h, into g (for the views). */
void pfx_heat_to_grid(const struct pfx_heat *h, struct pfx_heat_grid *g);

#endif
