/* SPDX-License-Identifier: GPL-2.0-or-later */
/* heat_layout: the heat map chart's grid (heat_layout.h). */
#include "config.h"
#include "heat_layout.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Address granularity of the heatmap's folding of unfaulted gaps. */
#define CHUNK_SHIFT 16

static uint64_t chunk_key(size_t group, uint64_t addr)
{
	return (uint64_t)group << 32 | ((addr >> CHUNK_SHIFT) & 0xffffffffu);
}

static int by_address(const void *a, const void *b)
{
	const struct pfx_heat_band *x = a, *y = b;

	return x->region->lo < y->region->lo ? -1 : x->region->lo > y->region->lo;
}

static size_t heatmap_pick(const struct pfx_region_group **list, size_t n)
{
	uint64_t total = 0;
	size_t shown = 0;

	for (size_t i = 0; i < n; i++)
		total += list[i]->faults;
	while (shown < n && shown < PFX_HEAT_LAYOUT_REGIONS &&
	       (shown == 0 || list[shown]->faults * PFX_HEAT_LAYOUT_SHARE >= total))
		shown++;
	return shown;
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Cut a band into runs at its widest gaps without faults.  chunks: the
 * band's faulted chunk numbers, sorted. */
static void heatmap_runs(struct pfx_heat_band *b, const uint64_t *chunks, size_t n)
{
	uint64_t faulted = (uint64_t)n << CHUNK_SHIFT, cut[PFX_HEAT_LAYOUT_RUNS - 1], width[PFX_HEAT_LAYOUT_RUNS - 1];
	size_t cuts = 0;

	/* the widest gaps that qualify, widest first; cut[] holds the index
	 * of the chunk after each */
	for (size_t i = 1; i < n; i++) {
		uint64_t gap = (chunks[i] - chunks[i - 1] - 1) << CHUNK_SHIFT;
		size_t j;

		if (gap < PFX_HEAT_LAYOUT_FOLD_MIN || gap <= faulted / 2)
			continue;
		if (cuts == PFX_HEAT_LAYOUT_RUNS - 1 && gap <= width[cuts - 1])
			continue;
		if (cuts < PFX_HEAT_LAYOUT_RUNS - 1)
			cuts++;
		for (j = cuts - 1; j > 0 && width[j - 1] < gap; j--) {
			width[j] = width[j - 1];
			cut[j] = cut[j - 1];
		}
		width[j] = gap;
		cut[j] = (uint64_t)i;
	}
	qsort(cut, cuts, sizeof(*cut), by_u64);
	b->n_runs = cuts + 1;
	for (size_t r = 0; r < b->n_runs; r++) {
		struct pfx_heat_run *run = &b->runs[r];

		run->lo = r ? chunks[cut[r - 1]] << CHUNK_SHIFT : b->region->lo;
		run->hi = r + 1 < b->n_runs ? (chunks[cut[r] - 1] + 1) << CHUNK_SHIFT : b->region->hi;
		if (run->lo < b->region->lo)
			run->lo = b->region->lo;
		if (run->hi > b->region->hi || run->hi <= run->lo)
			run->hi = b->region->hi;
	}
}

/* Rows for one run: its pages, each over unit_rows rows, or rows pages
 * per row. */
static void heatmap_run_rows(struct pfx_heat_run *run, unsigned rows, uint64_t page)
{
	uint64_t bytes = run->hi - run->lo, pages = (bytes + page - 1) / page;

	if (rows < 1)
		rows = 1;
	if (rows >= pages) {
		run->unit_bytes = page;
		run->unit_rows = (unsigned)(rows / pages);
		run->rows = (unsigned)pages * run->unit_rows;
	} else {
		run->unit_bytes = ((bytes + rows - 1) / rows + page - 1) & ~(page - 1);
		run->unit_rows = 1;
		run->rows = (unsigned)((bytes + run->unit_bytes - 1) / run->unit_bytes);
	}
}

/* Each band's chunks, gathered from the chunk set and sorted, cut into
 * runs.  0 or -ENOMEM. */
static int heatmap_fold(struct pfx_heat_layout *h)
{
	struct { uint64_t *v; size_t n, cap; } *per = calloc(h->n_bands ? h->n_bands : 1, sizeof(*per));
	uint64_t key;
	void *value;
	size_t i = 0;
	int err = 0;

	if (!per)
		return -ENOMEM;
	while (!err && pfx_u64map_next(&h->chunks, &i, &key, &value)) {
		size_t group = (size_t)(key >> 32);
		const struct pfx_heat_band *b = group < h->n_band_of ? h->band_of[group] : NULL;
		size_t k;

		if (!b)
			continue;
		k = (size_t)(b - h->bands);
		if (PFX_GROW(per[k].v, per[k].cap, per[k].n + 1, 64))
			err = -ENOMEM;
		else
			per[k].v[per[k].n++] = key & 0xffffffffu;
	}
	for (size_t k = 0; k < h->n_bands; k++) {
		if (!err) {
			qsort(per[k].v, per[k].n, sizeof(uint64_t), by_u64);
			heatmap_runs(&h->bands[k], per[k].v, per[k].n);
		}
		free(per[k].v);
	}
	free(per);
	return err;
}

static void heatmap_layout(struct pfx_heat_layout *h)
{
	uint64_t faults = 0, page = h->page_size;
	/* With n bands, floor f and PFX_HEAT_LAYOUT_ROWS shared out, a floor band has
	 * f / (PFX_HEAT_LAYOUT_ROWS + n f) of the height: f = PFX_HEAT_LAYOUT_ROWS / (16 - n)
	 * makes that 1/16, room for its two-line label in a 500-pixel chart. */
	unsigned row = 0, floor_rows = PFX_HEAT_LAYOUT_ROWS / (16 - (unsigned)h->n_bands);

	for (size_t i = 0; i < h->n_bands; i++)
		faults += h->bands[i].region->faults;
	for (size_t i = 0; i < h->n_bands; i++) {
		struct pfx_heat_band *b = &h->bands[i];
		double share = (double)b->region->faults / (double)faults * PFX_HEAT_LAYOUT_ROWS;
		unsigned rows = share < floor_rows ? floor_rows : (unsigned)share;
		uint64_t bytes = 0;

		for (size_t r = 0; r < b->n_runs; r++)
			bytes += b->runs[r].hi - b->runs[r].lo;
		b->row0 = row;
		/* the band's rows shared among its runs by their size */
		for (size_t r = 0; r < b->n_runs; r++) {
			struct pfx_heat_run *run = &b->runs[r];

			/* a floor of PFX_HEAT_LAYOUT_RUN_ROWS: a stray fault stays visible */
			double run_rows = (double)rows * (double)(run->hi - run->lo) / (double)bytes;

			heatmap_run_rows(run, run_rows < PFX_HEAT_LAYOUT_RUN_ROWS ? PFX_HEAT_LAYOUT_RUN_ROWS : (unsigned)run_rows, page);
			run->row0 = row;
			row += run->rows;
		}
		b->rows = row - b->row0;
	}
	h->rows = row;
}

static void heatmap_bin(struct pfx_heat_layout *h, const struct pfx_kept_fault *f)
{
	size_t bin = (size_t)(f->time_ns / h->bin_ns);
	const struct pfx_heat_band *b = f->group < h->n_band_of ? h->band_of[f->group] : NULL;
	const struct pfx_heat_run *run = NULL;
	uint32_t *cell;

	for (size_t i = 0; b && i < b->n_runs && !run; i++)
		if (f->addr >= b->runs[i].lo && f->addr < b->runs[i].hi)
			run = &b->runs[i];
	if (!run || bin >= h->bins)
		return;
	cell = &h->cells[bin * h->rows + run->row0 +
			 (f->addr - run->lo) / run->unit_bytes * run->unit_rows];
	for (unsigned i = 0; i < run->unit_rows; i++)
		cell[i]++;
}

static int heatmap_prepare(struct pfx_heat_layout *h, const struct pfx_region_group **list, size_t n)
{
	h->page_size = (uint64_t)1 << h->rep->page_shift;
	h->n_bands = heatmap_pick(list, n);
	h->bands = calloc(h->n_bands ? h->n_bands : 1, sizeof(*h->bands));
	size_t slots = 1;

	for (size_t i = 0; i < n; i++)
		if (list[i]->index >= slots)
			slots = list[i]->index + 1;
	h->band_of = calloc(slots, sizeof(*h->band_of));
	h->n_band_of = slots;
	if (!h->bands || !h->band_of)
		return -ENOMEM;
	for (size_t i = 0; i < h->n_bands; i++)
		h->bands[i].region = list[i];
	qsort(h->bands, h->n_bands, sizeof(*h->bands), by_address);
	for (size_t i = 0; i < h->n_bands; i++)
		h->band_of[h->bands[i].region->index] = &h->bands[i];
	if (heatmap_fold(h))
		return -ENOMEM;
	heatmap_layout(h);
	h->bin_ns = pfx_timeline_round_width(h->rep->last_ns + 1, PFX_HEAT_LAYOUT_BINS);
	h->bins = (size_t)(h->rep->last_ns / h->bin_ns) + 1;
	h->cells = calloc(h->bins * h->rows, sizeof(*h->cells));
	return h->cells ? 0 : -ENOMEM;
}

/* The 64 KiB chunks each group faulted in, from the kept faults. */
static int heatmap_chunks(struct pfx_heat_layout *h)
{
	bool is_new;

	for (size_t i = 0; i < h->rep->nkept; i++)
		if (!pfx_u64map_upsert(&h->chunks, chunk_key(h->rep->kept[i].group, h->rep->kept[i].addr),
				       &is_new))
			return -ENOMEM;
	return 0;
}


int pfx_heat_layout_build(struct pfx_heat_layout *h, const struct pfx_analysis *rep)
{
	int err;

	memset(h, 0, sizeof(*h));
	h->rep = rep;
	err = pfx_u64map_init(&h->chunks, 8);
	if (!err)
		err = heatmap_chunks(h);
	if (!err)
		err = heatmap_prepare(h, rep->busiest, rep->nbusiest);
	if (err)
		return err;
	for (size_t i = 0; i < rep->nkept; i++)
		heatmap_bin(h, &rep->kept[i]);
	h->hidden_regions = rep->nbusiest - h->n_bands;
	for (size_t i = h->n_bands; i < rep->nbusiest; i++)
		h->hidden_faults += rep->busiest[i]->faults;
	return 0;
}

void pfx_heat_layout_free(struct pfx_heat_layout *h)
{
	free(h->cells);
	free(h->bands);
	free(h->band_of);
	pfx_u64map_free(&h->chunks);
	memset(h, 0, sizeof(*h));
}
