/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-analysis-units: the pieces of the analysis (src/analysis/) on
 * made-up input, with exact expected values: the access pattern of a
 * fault order (pattern.h's rules), the latency histogram's bins,
 * octaves and percentiles (lat_hist.h), the heat grid (a row never
 * under a page, row 0 at the region's start, counts kept when it is laid
 * out anew, columns halved), the region groups (a file's mappings one
 * group, anonymous ones apart, the busiest first) and the time bins. */
#include "config.h"
#include "heatmap.h"
#include "lat_hist.h"
#include "pattern.h"
#include "recfile.h"
#include "region_groups.h"
#include "timeline.h"

#include <string.h>

#include "test.h"

/* The pattern of faults on pages[0..n) by thread tid each (refaults
 * counted as the analysis does: a page seen before). */
static enum pfx_pattern classify(const uint64_t *pages, const uint32_t *tids, size_t n)
{
	struct pfx_pattern_state st = { 0 };
	uint64_t refaults = 0;
	enum pfx_pattern p;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (pages[j] == pages[i]) {
				refaults++;
				break;
			}
		pfx_pattern_step(&st, tids ? tids[i] : 1, pages[i]);
	}
	p = pfx_pattern_classify(&st, n, refaults);
	pfx_pattern_free(&st);
	return p;
}

static void test_pattern(void)
{
	uint64_t pages[64];
	uint32_t tids[64];
	struct pfx_pattern_state st = { 0 };

	for (size_t i = 0; i < 64; i++)
		pages[i] = 100 + i;
	CHECK_EQ(classify(pages, NULL, 15), PFX_PATTERN_FEW);		/* F < 16 */
	CHECK_EQ(classify(pages, NULL, 16), PFX_PATTERN_SEQUENTIAL);
	/* two threads, each sequential over its half, interleaved */
	for (size_t i = 0; i < 64; i++) {
		tids[i] = 1 + (uint32_t)(i % 2);
		pages[i] = (i % 2 ? 1000 : 0) + i / 2;
	}
	CHECK_EQ(classify(pages, tids, 64), PFX_PATTERN_SEQUENTIAL);
	/* every 4th page: strided, stride 4 */
	for (size_t i = 0; i < 32; i++)
		pfx_pattern_step(&st, 7, 4 * i);
	CHECK_EQ(pfx_pattern_classify(&st, 32, 0), PFX_PATTERN_STRIDED);
	CHECK_EQ(pfx_pattern_stride(&st), 4);
	pfx_pattern_free(&st);
	/* the same 8 pages 4 times: 24 refaults of 32 faults >= 1/3 */
	for (size_t i = 0; i < 32; i++)
		pages[i] = i % 8;
	CHECK_EQ(classify(pages, NULL, 32), PFX_PATTERN_REPEAT);
	/* distinct pages, no step +1 nor a repeated delta */
	for (size_t i = 0; i < 32; i++)
		pages[i] = (i * i * 7919) % 100003;
	CHECK_EQ(classify(pages, NULL, 32), PFX_PATTERN_RANDOM);
	/* half sequential, half random: none reaches 60% */
	for (size_t i = 0; i < 32; i++)
		pages[i] = i < 16 ? 5000 + i : (i * i * 7919) % 4001;
	CHECK_EQ(classify(pages, NULL, 32), PFX_PATTERN_MIXED);
	CHECK(strcmp(pfx_pattern_name(PFX_PATTERN_SEQUENTIAL), "sequential") == 0);
}

static void test_lat_hist(void)
{
	struct pfx_lat_hist h;
	char buf[32];

	memset(&h, 0, sizeof(h));
	pfx_lat_hist_add(&h, 0);		/* not measured: not counted */
	CHECK_EQ(h.count, 0);
	CHECK_EQ(pfx_lat_hist_pct_ns(&h, 50), 0);
	/* 1000 ns: octave 9 ([512, 1024)); 1024 and 2047: octave 10 */
	pfx_lat_hist_add(&h, 1000);
	pfx_lat_hist_add(&h, 1024);
	pfx_lat_hist_add(&h, 2047);
	pfx_lat_hist_add(&h, 1);
	CHECK_EQ(h.count, 4);
	CHECK_EQ(h.max_ns, 2047);
	CHECK_EQ(pfx_lat_hist_octave(&h, 0), 1);
	CHECK_EQ(pfx_lat_hist_octave(&h, 9), 1);
	CHECK_EQ(pfx_lat_hist_octave(&h, 10), 2);
	CHECK_EQ(pfx_lat_hist_octave(&h, 11), 0);
	CHECK_EQ(pfx_lat_hist_octave(&h, PFX_LAT_OCTAVES), 0);	/* out of range: none */
	/* p50: the 2nd of 4, 1000 ns, in the bin [992, 1024): its middle */
	CHECK_EQ((uint64_t)pfx_lat_hist_pct_ns(&h, 50), 1008);
	/* p75: 1024 in [1024, 1088): 1056; p100: 2047 in [1984, 2048): 2016 */
	CHECK_EQ((uint64_t)pfx_lat_hist_pct_ns(&h, 75), 1056);
	CHECK_EQ((uint64_t)pfx_lat_hist_pct_ns(&h, 100), 2016);
	/* a middle past the largest latency seen is capped by it */
	memset(&h, 0, sizeof(h));
	pfx_lat_hist_add(&h, 2000);
	CHECK_EQ((uint64_t)pfx_lat_hist_pct_ns(&h, 50), 2000);
	CHECK(strcmp(pfx_lat_fmt_ns(buf, sizeof(buf), 3264), "3264ns") == 0);
	CHECK(strcmp(pfx_lat_fmt_ns(buf, sizeof(buf), 48123), "48.1us") == 0);
	CHECK(strcmp(pfx_lat_fmt_ns(buf, sizeof(buf), 12345678), "12.3ms") == 0);
	CHECK(strcmp(pfx_lat_fmt_ns(buf, sizeof(buf), 0), "-") == 0);
}

/* The report's hint (the last sparse cell, added to again without a
 * lookup) changes no count: runs of faults on one cell, two grids taking
 * turns with one hint, through the one-cell form, table growth and the
 * dense grid, against the same faults added without it. */
static void test_heat_hint(void)
{
	struct pfx_heat a[2], b[2];
	struct pfx_heat_hint hint = { NULL, NULL, 0, 0, 0 };
	struct pfx_heat_grid ga, gb;
	const uint64_t base = 0x7f0000000000ull;

	for (int k = 0; k < 2; k++) {
		pfx_heat_init(&a[k], base, base + 0x1000000, 12);
		pfx_heat_init(&b[k], base, base + 0x1000000, 12);
	}
	for (unsigned i = 0; i < 6000; i++) {
		int k = (i / 7) % 2;	/* runs of 7 faults, then the other grid */
		uint64_t addr = base + ((uint64_t)(i * 2654435761u) % 0x1000000);
		unsigned col = (i / 3) % PFX_HEAT_COLS;

		if (i % 5)
			addr = base + ((uint64_t)(i / 5) << 12) % 0x1000000;	/* mostly in order */
		CHECK_EQ(pfx_heat_add_hinted(&a[k], addr, col, &hint), 0);
		CHECK_EQ(pfx_heat_add(&b[k], addr, col), 0);
		if (i == 100 || i == 5000)
			CHECK(hint.h == &a[k] || hint.h == NULL);
	}
	for (int k = 0; k < 2; k++) {
		pfx_heat_to_grid(&a[k], &ga);
		pfx_heat_to_grid(&b[k], &gb);
		CHECK(memcmp(&ga, &gb, sizeof(ga)) == 0);
		CHECK(a[k].dense);
		pfx_heat_free(&a[k]);
		pfx_heat_free(&b[k]);
	}
}

static void test_heat(void)
{
	struct pfx_heat h;
	struct pfx_heat_grid g;
	uint64_t base = 0x7f0000000000ull;

	/* 2 pages: 2 rows of a page, not 16 of 512 bytes */
	pfx_heat_init(&h, base, base + 0x2000, 12);
	CHECK_EQ(h.rows, 2);
	CHECK_EQ(h.shift, 12);
	pfx_heat_free(&h);
	/* 1 MiB: 16 rows of 64 KiB from the start */
	pfx_heat_init(&h, base, base + 0x100000, 12);
	CHECK_EQ(h.rows, 16);
	CHECK_EQ(h.shift, 16);
	CHECK(pfx_heat_covers(&h, base, base + 0x100000));
	CHECK(!pfx_heat_covers(&h, base - 0x1000, base + 0x100000));
	CHECK(!pfx_heat_covers(&h, base, base + 0x101000));
	CHECK_EQ(pfx_heat_add(&h, base, 0), 0);
	CHECK_EQ(pfx_heat_add(&h, base + 0x10000, 0), 0);
	CHECK_EQ(pfx_heat_add(&h, base + 0x10fff, 3), 0);
	CHECK_EQ(pfx_heat_add(&h, base + 0xfffff, 63), 0);
	pfx_heat_to_grid(&h, &g);
	CHECK_EQ(g.start, base);
	CHECK_EQ(g.cell[0][0], 1);
	CHECK_EQ(g.cell[1][0], 1);
	CHECK_EQ(g.cell[1][3], 1);
	CHECK_EQ(g.cell[15][63], 1);
	/* halved: columns 2c and 2c+1 into c */
	pfx_heat_halve(&h);
	pfx_heat_to_grid(&h, &g);
	CHECK_EQ(g.cell[1][0], 1);
	CHECK_EQ(g.cell[1][1], 1);
	CHECK_EQ(g.cell[15][31], 1);
	CHECK_EQ(g.cell[15][63], 0);
	/* the region grew down by 1 MiB: rows of 128 KiB from the new start,
	 * every count kept */
	CHECK_EQ(pfx_heat_regrid(&h, base - 0x100000, base + 0x100000, 12), 0);
	pfx_heat_to_grid(&h, &g);
	CHECK_EQ(g.start, base - 0x100000);
	CHECK_EQ(g.rows, 16);
	CHECK_EQ(g.shift, 17);
	CHECK_EQ(g.cell[8][0], 2);	/* base and base + 64 KiB: row 8 */
	CHECK_EQ(g.cell[8][1], 1);
	CHECK_EQ(g.cell[15][31], 1);
	/* past PFX_HEAT_SPARSE_MAX cells: dense, the same counts */
	for (unsigned c = 0; c < PFX_HEAT_COLS; c++)
		for (unsigned r = 0; r < 8; r++)
			CHECK_EQ(pfx_heat_add(&h, base - 0x100000 + ((uint64_t)r << 17), c), 0);
	CHECK(h.dense);
	pfx_heat_to_grid(&h, &g);
	CHECK_EQ(g.cell[0][5], 1);
	CHECK_EQ(g.cell[8][0], 2);
	pfx_heat_free(&h);
	test_heat_hint();
}

static struct pfx_region_group part(const char *path, enum pfx_map_kind kind, uint64_t start,
				    uint64_t end, uint64_t minor, uint64_t major)
{
	return (struct pfx_region_group){
		.path = path, .kind = kind, .start = start, .end = end, .lo = start,
		.hi = start + 0x1000, .faults = minor + major, .by_kind = { minor, major, 0 },
	};
}

static void test_groups(void)
{
	struct pfx_region_groups *g;
	const struct pfx_region_group **list;
	struct pfx_region_group p;
	char name[64];
	long n;

	CHECK_EQ(pfx_kind_col(PFX_FAULT_MINOR), PFX_COL_MINOR);
	CHECK_EQ(pfx_kind_col(PFX_FAULT_MAJOR), PFX_COL_MAJOR);
	CHECK_EQ(pfx_kind_col(PFX_FAULT_UNKNOWN), PFX_COL_UNKNOWN);
	CHECK_EQ(pfx_region_groups_new(&g), 0);
	p = part("", PFX_MAP_ANON, 0x7000000, 0x7100000, 50, 0);
	CHECK_EQ(pfx_region_groups_add(g, &p), 0);
	p = part("/usr/lib/libc.so.6", PFX_MAP_FILE, 0x5000000, 0x5001000, 10, 1);
	CHECK_EQ(pfx_region_groups_add(g, &p), 1);
	p = part("", PFX_MAP_ANON, 0x6000000, 0x6001000, 5, 0);
	CHECK_EQ(pfx_region_groups_add(g, &p), 2);
	p = part("/usr/lib/libc.so.6", PFX_MAP_FILE, 0x4fff000, 0x5000000, 30, 0);
	CHECK_EQ(pfx_region_groups_add(g, &p), 1);	/* libc's other part */
	p = part("[heap]", PFX_MAP_HEAP, 0x1000, 0x3000, 2, 0);
	p.unmapped = false;
	CHECK_EQ(pfx_region_groups_add(g, &p), 3);
	p = (struct pfx_region_group){ .path = "", .unmapped = true, .pid = 9, .start = 0x9000,
				       .end = 0xb000, .lo = 0x9000, .hi = 0xb000, .faults = 3,
				       .by_kind = { 0, 0, 3 } };
	CHECK_EQ(pfx_region_groups_add(g, &p), 4);
	CHECK_EQ(pfx_region_groups_count(g), 5);
	n = pfx_region_groups_busiest(g, &list);
	CHECK_EQ(n, 5);
	/* anon 50, libc 41, anon 5, unknown 3, heap 2 */
	CHECK_EQ(list[0]->index, 0);
	CHECK_EQ(list[1]->index, 1);
	CHECK_EQ(list[1]->faults, 41);
	CHECK_EQ(list[1]->by_kind[PFX_COL_MINOR], 40);
	CHECK_EQ(list[1]->by_kind[PFX_COL_MAJOR], 1);
	CHECK_EQ(list[1]->start, 0x4fff000);	/* the lowest start of its mappings */
	CHECK_EQ(list[1]->end, 0x5001000);
	CHECK_EQ(list[1]->lo, 0x4fff000);
	CHECK_EQ(list[1]->hi, 0x5001000);
	CHECK_EQ(list[2]->index, 2);
	CHECK_EQ(list[3]->index, 4);
	CHECK_EQ(list[4]->index, 3);
	pfx_region_group_name(list[0], name, sizeof(name));
	CHECK(strcmp(name, "anon") == 0, "%s", name);
	pfx_region_group_name(list[1], name, sizeof(name));
	CHECK(strcmp(name, "libc.so.6") == 0, "%s", name);
	pfx_region_group_name(list[3], name, sizeof(name));
	CHECK(strcmp(name, "unknown") == 0, "%s", name);
	pfx_region_group_name(list[4], name, sizeof(name));
	CHECK(strcmp(name, "[heap]") == 0, "%s", name);
	free(list);
	/* libc in another process: a group of its own, as the report's
	 * regions are per process (gcc's libc is not cc1's) */
	p = part("/usr/lib/libc.so.6", PFX_MAP_FILE, 0x5000000, 0x5001000, 7, 0);
	p.pid = 2;
	CHECK_EQ(pfx_region_groups_add(g, &p), 5);
	CHECK_EQ(pfx_region_groups_get(g, 1)->faults, 41);
	CHECK_EQ(pfx_region_groups_get(g, 5)->faults, 7);
	pfx_region_groups_free(g);
}

static void test_timeline(void)
{
	struct pfx_timeline t;
	uint64_t (*counts)[PFX_COL_COUNT] = NULL, totals[PFX_COL_COUNT], bin_ns = 0;
	size_t n = 0;

	CHECK_EQ(pfx_timeline_round_width(1, 150), 1000);
	CHECK_EQ(pfx_timeline_round_width(150000001, 150), 2000000);	/* 1.000000007 ms: 2 ms */
	CHECK_EQ(pfx_timeline_round_width(1500000000, 150), 10000000);
	CHECK_EQ(pfx_timeline_init(&t), 0);
	pfx_timeline_add(&t, 0, PFX_COL_MINOR);
	pfx_timeline_add(&t, 9999999, PFX_COL_MAJOR);
	pfx_timeline_add(&t, 10000000, PFX_COL_MINOR);
	pfx_timeline_add(&t, 1499999999, PFX_COL_UNKNOWN);	/* widens the fine bins */
	CHECK_EQ(pfx_timeline_bin(&t, 150, &counts, &n, &bin_ns, totals), 0);
	CHECK_EQ(bin_ns, 10000000);
	CHECK_EQ(n, 150);
	CHECK_EQ(counts[0][PFX_COL_MINOR], 1);
	CHECK_EQ(counts[0][PFX_COL_MAJOR], 1);
	CHECK_EQ(counts[1][PFX_COL_MINOR], 1);
	CHECK_EQ(counts[149][PFX_COL_UNKNOWN], 1);
	CHECK_EQ(totals[PFX_COL_MINOR], 2);
	CHECK_EQ(totals[PFX_COL_MAJOR], 1);
	CHECK_EQ(totals[PFX_COL_UNKNOWN], 1);
	free(counts);
	pfx_timeline_free(&t);
}

int main(void)
{
	test_pattern();
	test_lat_hist();
	test_heat();
	test_groups();
	test_timeline();
	return test_exit();
}
