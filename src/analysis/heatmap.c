/* SPDX-License-Identifier: GPL-2.0-or-later */
/* heatmap: address x time fault grids; see heatmap.h. */
#include "config.h"
#include "heatmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_BITS PFX_HEAT_COUNT_BITS
#define COUNT_MAX PFX_HEAT_COUNT_MAX

void pfx_heat_init(struct pfx_heat *h, uint64_t start, uint64_t end, unsigned min_shift)
{
	uint64_t size = end > start ? end - start : 1;

	memset(h, 0, sizeof(*h));
	h->start = start;
	h->shift = (uint8_t)min_shift;
	while (((size - 1) >> h->shift) >= PFX_HEAT_ROWS)
		h->shift++;
	h->rows = (uint8_t)(((size - 1) >> h->shift) + 1);
}

void pfx_heat_free(struct pfx_heat *h)
{
	if (h->dense)
		free(h->grid);
	else if (h->cap)
		free(h->slots);
	h->slots = NULL;
	h->dense = false;
	h->cap = h->used = 0;
	h->one = 0;
}

static unsigned cell_of(uint32_t slot)
{
	return (slot >> COUNT_BITS) - 1;
}

/* The sparse cells: the table, or the one inline cell. */
static uint32_t *sparse_cells(struct pfx_heat *h, unsigned *n)
{
	*n = h->cap ? h->cap : 1;
	return h->cap ? h->slots : &h->one;
}

/* The slot of cell in a table of cap slots (a power of 2, at most half
 * full): its own or the empty one where it goes (linear probing). */
static uint32_t *table_slot(uint32_t *slots, unsigned cap, unsigned cell)
{
	unsigned i = (cell * 0x9e3779b1u) & (cap - 1);

	while (slots[i] && cell_of(slots[i]) != cell)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* The sparse slot holding cell, or NULL. */
static uint32_t *find_cell(struct pfx_heat *h, unsigned cell)
{
	uint32_t *s;

	if (!h->cap)
		return h->one && cell_of(h->one) == cell ? &h->one : NULL;
	s = table_slot(h->slots, h->cap, cell);
	return *s ? s : NULL;
}

static int go_dense(struct pfx_heat *h)
{
	struct pfx_heat_grid *g = malloc(sizeof(*g));

	if (!g)
		return -ENOMEM;
	pfx_heat_to_grid(h, g);
	if (h->cap)
		free(h->slots);
	h->used = h->cap = 0;
	h->one = 0;
	h->grid = g;
	h->dense = true;
	return 0;
}

/* Put the sparse cells into a table of cap slots (cap > 2 * used). */
static int rehash(struct pfx_heat *h, unsigned cap)
{
	uint32_t *slots = calloc(cap, sizeof(*slots)), *old;
	unsigned n;

	if (!slots)
		return -ENOMEM;
	old = sparse_cells(h, &n);
	for (unsigned i = 0; i < n; i++)
		if (old[i])
			*table_slot(slots, cap, cell_of(old[i])) = old[i];
	if (h->cap)
		free(h->slots);
	h->one = 0;
	h->slots = slots;
	h->cap = (uint16_t)cap;
	return 0;
}

/* n faults into cell (row, col).  Inlined into pfx_heat_add, which
 * runs once per fault (a call here cost the report pass ~5%). */
static inline __attribute__((always_inline)) int add_cell(struct pfx_heat *h, unsigned row, unsigned col,
							   uint32_t n, uint32_t **slot)
{
	uint32_t *s;
	unsigned cell;

again:
	if (h->dense) {
		h->grid->cell[row][col] += n;
		*slot = NULL;
		return 0;
	}
	cell = row * PFX_HEAT_COLS + col;
	if ((s = find_cell(h, cell))) {
		if ((*s & COUNT_MAX) + n <= COUNT_MAX) {
			*s += n;
			*slot = s;
			return 0;
		}
		if (go_dense(h) < 0)
			return -ENOMEM;
		goto again;
	}
	if (h->used >= PFX_HEAT_SPARSE_MAX || n > COUNT_MAX) {
		if (go_dense(h) < 0)
			return -ENOMEM;
		goto again;
	}
	if (!h->cap && !h->one) {
		h->one = ((uint32_t)(cell + 1) << COUNT_BITS) | n;
		h->used = 1;
		*slot = &h->one;
		return 0;
	}
	if ((h->used + 1u) * 2 > h->cap && rehash(h, h->cap ? h->cap * 2u : 4u) < 0)
		return -ENOMEM;
	s = table_slot(h->slots, h->cap, cell);
	*s = ((uint32_t)(cell + 1) << COUNT_BITS) | n;
	h->used++;
	*slot = s;
	return 0;
}

int pfx_heat_add_slow(struct pfx_heat *h, uint64_t addr, unsigned col, struct pfx_heat_hint *hint)
{
	uint64_t row = addr < h->start ? 0 : (addr - h->start) >> h->shift;
	bool inside = addr >= h->start && row < h->rows;
	int err;

	if (!inside && row >= h->rows)
		row = h->rows - 1u;	/* outside the extent it was given */
	err = add_cell(h, (unsigned)row, col, 1, &hint->count);
	if (!err && h->dense)
		hint->count = &h->grid->cell[row][col];
	/* an address outside the rows never matches the hint */
	hint->h = err ? NULL : h;
	hint->lo = h->start + (row << h->shift);
	hint->len = inside ? (uint64_t)1 << h->shift : 0;
	hint->col = col;
	return err;
}

int pfx_heat_regrid(struct pfx_heat *h, uint64_t start, uint64_t end, unsigned min_shift)
{
	struct pfx_heat_grid *old = malloc(sizeof(*old));
	int err = 0;

	if (!old)
		return -ENOMEM;
	pfx_heat_to_grid(h, old);
	pfx_heat_free(h);
	pfx_heat_init(h, start, end, min_shift);
	/* each old row's faults go to the new row of its first address */
	uint32_t *slot;

	for (unsigned r = 0; r < old->rows && !err; r++) {
		uint64_t addr = old->start + ((uint64_t)r << old->shift);
		uint64_t row = addr < h->start ? 0 : (addr - h->start) >> h->shift;

		for (unsigned c = 0; c < PFX_HEAT_COLS && !err; c++)
			if (old->cell[r][c])
				err = add_cell(h, row < h->rows ? (unsigned)row : h->rows - 1u, c,
					       old->cell[r][c], &slot);
	}
	free(old);
	return err;
}

void pfx_heat_halve(struct pfx_heat *h)
{
	unsigned cap = h->cap, used = 0;
	uint32_t *old, *slots;

	if (h->dense) {
		struct pfx_heat_grid *g = h->grid;

		for (unsigned r = 0; r < g->rows; r++) {
			for (unsigned c = 0; c < PFX_HEAT_COLS / 2; c++)
				g->cell[r][c] = g->cell[r][2 * c] + g->cell[r][2 * c + 1];
			memset(&g->cell[r][PFX_HEAT_COLS / 2], 0, sizeof(g->cell[r]) / 2);
		}
		return;
	}
	if (!cap) {	/* the one cell moves to column c / 2 */
		if (h->one) {
			unsigned cell = cell_of(h->one);

			cell = cell / PFX_HEAT_COLS * PFX_HEAT_COLS + cell % PFX_HEAT_COLS / 2;
			h->one = ((uint32_t)(cell + 1) << COUNT_BITS) | (h->one & COUNT_MAX);
		}
		return;
	}
	/* The table: rebuilt with cells moved to column c / 2; a merged
	 * count past COUNT_MAX (or no memory) goes dense instead. */
	old = h->slots;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		goto dense;
	for (unsigned i = 0; i < cap; i++) {
		unsigned cell, ncell;
		uint32_t *s, count;

		if (!old[i])
			continue;
		cell = cell_of(old[i]);
		ncell = cell / PFX_HEAT_COLS * PFX_HEAT_COLS + cell % PFX_HEAT_COLS / 2;
		count = old[i] & COUNT_MAX;
		s = table_slot(slots, cap, ncell);
		if (!*s) {
			*s = ((uint32_t)(ncell + 1) << COUNT_BITS);
			used++;
		}
		if ((*s & COUNT_MAX) + count > COUNT_MAX) {
			free(slots);
			goto dense;
		}
		*s += count;
	}
	free(old);
	h->slots = slots;
	h->used = (uint16_t)used;
	return;
dense:
	if (go_dense(h) == 0)
		pfx_heat_halve(h);
}

void pfx_heat_to_grid(const struct pfx_heat *h, struct pfx_heat_grid *g)
{
	const uint32_t *cells;
	unsigned n;

	if (h->dense) {
		*g = *h->grid;
		return;
	}
	memset(g, 0, sizeof(*g));
	g->start = h->start;
	g->shift = h->shift;
	g->rows = h->rows;
	cells = sparse_cells((struct pfx_heat *)h, &n);
	for (unsigned i = 0; i < n; i++)
		if (cells[i]) {
			unsigned cell = cell_of(cells[i]);

			g->cell[cell / PFX_HEAT_COLS][cell % PFX_HEAT_COLS] = cells[i] & COUNT_MAX;
		}
}
