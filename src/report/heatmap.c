/* SPDX-License-Identifier: GPL-2.0-or-later */
/* heatmap: address x time fault grids; see heatmap.h. */
#include "config.h"
#include "heatmap.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

void pfx_heat_init(struct pfx_heat_grid *g, uint64_t start, uint64_t end)
{
	uint64_t size = end > start ? end - start : 1;

	memset(g, 0, sizeof(*g));
	g->start = start;
	while (((size - 1) >> g->shift) >= PFX_HEAT_ROWS)
		g->shift++;
	g->rows = (unsigned)((size - 1) >> g->shift) + 1;
}

void pfx_heat_halve(struct pfx_heat_grid *g)
{
	for (unsigned r = 0; r < g->rows; r++) {
		for (unsigned c = 0; c < PFX_HEAT_COLS / 2; c++)
			g->cell[r][c] = g->cell[r][2 * c] + g->cell[r][2 * c + 1];
		memset(&g->cell[r][PFX_HEAT_COLS / 2], 0, sizeof(g->cell[r]) / 2);
	}
}

void pfx_heat_print(FILE *fp, const struct pfx_heat_grid *g, unsigned ncols, uint64_t col_ns)
{
	static const char shades[] = " .:-=+*#%@";
	uint32_t max = 0;

	if (ncols > PFX_HEAT_COLS)
		ncols = PFX_HEAT_COLS;
	if (ncols == 0)
		ncols = 1;
	for (unsigned r = 0; r < g->rows; r++)
		for (unsigned c = 0; c < ncols; c++)
			if (g->cell[r][c] > max)
				max = g->cell[r][c];
	for (unsigned r = 0; r < g->rows; r++) {
		fprintf(fp, "  0x%012" PRIx64 " |", g->start + ((uint64_t)r << g->shift));
		for (unsigned c = 0; c < ncols; c++) {
			uint32_t v = g->cell[r][c];
			size_t shade = 0;

			if (v && max)
				shade = 1 + (size_t)(log1p((double)v) / log1p((double)max) * 8.999);
			fputc(shades[shade < sizeof(shades) - 1 ? shade : sizeof(shades) - 2], fp);
		}
		fputs("|\n", fp);
	}
	fprintf(fp, "  %14s  0 s%*s%.3f s  (one column = %.3f ms)\n", "", (int)ncols - 4, "",
		(double)ncols * (double)col_ns / 1e9, (double)col_ns / 1e6);
}
