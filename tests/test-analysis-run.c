/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-analysis-run: the one pass (pfx_analysis_run) over a recording
 * written here, item by item, with every number it must give: the
 * regions (an anonymous one that grows down after its first faults keeps
 * one start, the new one, in its row, its group and its heat map), the
 * region groups (a file's two mappings one group), faults outside every
 * mapping (one unknown row and group per process, whole pages), the
 * access pattern, fault types, latency by kind (octaves and percentiles),
 * the lost sentence, and what plot asks of the same pass: the time bins
 * and every fault kept with its group, and the lean pass they use.  A
 * filter counts only its faults.  The exports' chains (every_chain)
 * start at each fault's ip, [kernel] above a user chain.  Distinct pages
 * and refaults are per process and region, with or without the top
 * pages (opts.pages), in a region's first word and the others, for a
 * process faulting in its parent's region (a file without
 * PFX_REC_PER_SPACE) too. */
#include "config.h"
#include "analysis.h"
#include "heat_layout.h"

#include <string.h>
#include <unistd.h>

#define TEST_STOP_AT_FAILURE
#include "test.h"

#define ANON_LO 0x0fff0000ull	/* the anonymous region after it grew down */
#define ANON 0x10000000ull
#define LIBC 0x20000000ull
#define NOWHERE 0x50000000ull

static struct pfx_rec_writer *w;

static void put(const struct pfx_rec_item *it)
{
	CHECK_EQ(pfx_rec_write(w, it), 0);
}

static void mapping(uint64_t start, uint64_t end, uint64_t pgoff, const char *path)
{
	put(&(struct pfx_rec_item){ .type = PFX_REC_MAPPING,
		.mapping = { .start = start, .end = end, .pgoff = pgoff, .pid = 100, .prot = 3,
			     .flags = 2, .path = path } });
}

static void fault(uint64_t t, uint64_t addr, uint8_t kind, uint32_t latency)
{
	put(&(struct pfx_rec_item){ .type = PFX_REC_FAULT,
		.fault = { .time_ns = t, .addr = addr, .ip = 0x401000, .pid = 100, .tid = 100,
			   .latency_ns = latency, .kind = kind,
			   .access = PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE } });
}

static void write_recording(const char *path)
{
	struct pfx_rec_header h = { .page_size = 4096,
				    .flags = PFX_REC_HAS_LATENCY | PFX_REC_HAS_ERROR_CODE };
	struct pfx_rec_totals t = { .faults = 27, .minor = 22, .major = 3, .lost_records = 1,
				    .lost_samples = 2, .duration_ns = 2000000000ull,
				    .has_counted = true, .counted_minor = 26, .counted_major = 4 };
	uint64_t now = 0;

	strcpy(h.kernel, "6.18.0-test");
	strcpy(h.command, "test");
	strcpy(h.source, "perf");
	CHECK_EQ(pfx_rec_writer_open(&w, path, &h, true), 0);
	mapping(ANON, ANON + 0x10000, 0, "");
	mapping(LIBC, LIBC + 0x4000, 0, "/lib/libc.so.6");
	mapping(LIBC + 0x4000, LIBC + 0x8000, 0x4000, "/lib/libc.so.6");
	put(&(struct pfx_rec_item){ .type = PFX_REC_THREAD,
		.thread = { .pid = 100, .tid = 100, .comm = "test" } });
	for (uint64_t p = 0; p < 16; p++)
		fault(now += 1000, ANON + p * 4096, PFX_FAULT_MINOR, 1000);
	/* the kernel merged a new mapping below into it: the region grows */
	mapping(ANON_LO, ANON + 0x10000, 0, "");
	for (uint64_t p = 0; p < 4; p++)
		fault(now += 1000, ANON_LO + p * 4096, PFX_FAULT_MINOR, 1000);
	for (uint64_t p = 0; p < 3; p++)
		fault(now += 1000, LIBC + p * 4096, PFX_FAULT_MAJOR, 50000);
	fault(now += 1000, LIBC + 0x4000, PFX_FAULT_MINOR, 2000);
	fault(now += 1000, LIBC + 0x5000, PFX_FAULT_MINOR, 2000);
	put(&(struct pfx_rec_item){ .type = PFX_REC_LOST, .lost = { .records = 1, .samples = 2 } });
	fault(now += 1000, NOWHERE + 0x10, PFX_FAULT_UNKNOWN, 3000);
	/* the last one at 1.5 s: the time bins widen */
	fault(1500000000ull, NOWHERE + 0x3010, PFX_FAULT_UNKNOWN, 3000);
	CHECK_EQ(pfx_rec_writer_close(w, &t), 0);
}

static struct pfx_analysis *run(const char *path, const struct pfx_analysis_opts *opts)
{
	struct pfx_rec_reader *r;
	struct pfx_analysis *a = NULL;

	CHECK_EQ(pfx_rec_reader_open(&r, path), 0);
	CHECK_EQ(pfx_analysis_run(r, opts, &a), 0);
	pfx_rec_reader_close(r);
	return a;
}

static void check_model(const struct pfx_analysis *a)
{
	const struct pfx_region_row *row;
	struct pfx_heat_grid g;
	char note[128];

	CHECK(a->complete);
	CHECK_EQ(a->faults_read, 27);
	CHECK_EQ(a->all.faults, 27);
	CHECK_EQ(a->all.minor, 22);
	CHECK_EQ(a->all.major, 3);
	CHECK_EQ(a->lost_records, 1);
	CHECK_EQ(a->lost_samples, 2);
	CHECK_EQ(pfx_analysis_lost_faults(a), 3);
	CHECK(strcmp(pfx_analysis_lost_note(a, note, sizeof(note)),
		     "recorded 27 of 30 faults (10.0% lost)") == 0, "%s", note);
	CHECK_EQ(a->types[PFX_TYPE_ANON], 20);
	CHECK_EQ(a->types[PFX_TYPE_FILE_READ], 3);
	CHECK_EQ(a->types[PFX_TYPE_FILE], 2);
	CHECK_EQ(a->types[PFX_TYPE_OTHER], 2);

	/* rows: anon 20, libc's first part 3, then 2 and 2 by start */
	CHECK_EQ(a->nrows, 4);
	row = &a->rows[0];
	CHECK(row->region && row->region->kind == PFX_MAP_ANON);
	CHECK_EQ(row->start, ANON_LO);
	CHECK_EQ(row->end, ANON + 0x10000);
	CHECK_EQ(row->s->c.faults, 20);
	CHECK_EQ(row->s->pages, 20);
	CHECK_EQ(row->pattern, PFX_PATTERN_SEQUENTIAL);
	CHECK_EQ(a->rows[1].start, LIBC);
	CHECK_EQ(a->rows[1].s->c.major, 3);
	CHECK_EQ(a->rows[2].start, LIBC + 0x4000);
	CHECK(!a->rows[3].region);
	CHECK_EQ(a->rows[3].start, NOWHERE);		/* whole pages */
	CHECK_EQ(a->rows[3].end, NOWHERE + 0x4000);
	CHECK_EQ(a->rows[3].pid, 100);

	/* heat map of the anon region: row 0 at its start, 16 rows of 8 KiB
	 * (32 pages); the 16 faults from before it grew are in rows 8-15 */
	pfx_heat_to_grid(&row->s->heat, &g);
	CHECK_EQ(g.start, ANON_LO);
	CHECK_EQ(g.rows, 16);
	CHECK_EQ(g.shift, 13);
	CHECK_EQ(g.cell[0][0], 2);
	CHECK_EQ(g.cell[1][0], 2);
	CHECK_EQ(g.cell[2][0], 0);
	for (unsigned r = 8; r < 16; r++)
		CHECK_EQ(g.cell[r][0], 2);

	/* latency, by kind: every bin and percentile from lat_hist */
	CHECK_EQ(a->lat[PFX_COL_MINOR].count, 22);
	CHECK_EQ(pfx_lat_hist_octave(&a->lat[PFX_COL_MINOR], 9), 20);	/* 1000 ns */
	CHECK_EQ(pfx_lat_hist_octave(&a->lat[PFX_COL_MINOR], 10), 2);	/* 2000 ns */
	CHECK_EQ(pfx_analysis_latency_pct(a, PFX_COL_MINOR, 50), 1008);
	CHECK_EQ(pfx_analysis_latency_pct(a, PFX_COL_MINOR, 99), 2000);
	CHECK_EQ(a->lat[PFX_COL_MAJOR].count, 3);
	CHECK_EQ(pfx_lat_hist_octave(&a->lat[PFX_COL_MAJOR], 15), 3);
	CHECK_EQ(pfx_analysis_latency_pct(a, PFX_COL_MAJOR, 50), 50000);
	CHECK_EQ(a->lat[PFX_COL_UNKNOWN].count, 2);
	CHECK_EQ(pfx_analysis_latency_pct(a, PFX_COL_UNKNOWN, 99), 3000);
}

static void check_groups(const struct pfx_analysis *a)
{
	const struct pfx_region_group *anon, *libc, *unknown;

	/* anon 20, libc's two mappings 5, the unknown process 2 */
	CHECK_EQ(a->nbusiest, 3);
	anon = a->busiest[0];
	libc = a->busiest[1];
	unknown = a->busiest[2];
	CHECK_EQ(anon->start, ANON_LO);		/* the row's start, not the first fault's */
	CHECK_EQ(anon->end, ANON + 0x10000);
	CHECK_EQ(anon->lo, ANON_LO);
	CHECK_EQ(anon->hi, ANON + 0x10000);
	CHECK_EQ(anon->by_kind[PFX_COL_MINOR], 20);
	CHECK(strcmp(libc->path, "/lib/libc.so.6") == 0);
	CHECK_EQ(libc->start, LIBC);
	CHECK_EQ(libc->end, LIBC + 0x8000);
	CHECK_EQ(libc->lo, LIBC);
	CHECK_EQ(libc->hi, LIBC + 0x6000);
	CHECK_EQ(libc->faults, 5);
	CHECK_EQ(libc->by_kind[PFX_COL_MAJOR], 3);
	CHECK_EQ(libc->by_kind[PFX_COL_MINOR], 2);
	CHECK(unknown->unmapped);
	CHECK_EQ(unknown->pid, 100);
	CHECK_EQ(unknown->start, NOWHERE);
	CHECK_EQ(unknown->end, NOWHERE + 0x4000);
	CHECK_EQ(unknown->by_kind[PFX_COL_UNKNOWN], 2);
	/* each row knows its group */
	CHECK_EQ(a->rows[0].group, anon->index);
	CHECK_EQ(a->rows[1].group, libc->index);
	CHECK_EQ(a->rows[2].group, libc->index);
	CHECK_EQ(a->rows[3].group, unknown->index);
}

/* The heat map chart's layout of the kept faults: the three groups (each
 * has 1/100 of the faults or more) as bands in address order, each from
 * its lowest faulted page, every fault in the cells of its time bin. */
static void check_layout(const struct pfx_analysis *a)
{
	struct pfx_heat_layout h;
	uint64_t in_bin0 = 0;

	CHECK_EQ(pfx_heat_layout_build(&h, a), 0);
	CHECK_EQ(h.n_bands, 3);
	CHECK_EQ(h.hidden_regions, 0);
	CHECK_EQ(h.hidden_faults, 0);
	CHECK(h.bands[0].region == a->busiest[0]);	/* anon, lowest */
	CHECK(h.bands[1].region == a->busiest[1]);	/* libc */
	CHECK(h.bands[2].region == a->busiest[2]);	/* unknown */
	CHECK_EQ(h.bands[0].runs[0].lo, ANON_LO);
	CHECK_EQ(h.bands[1].runs[0].lo, LIBC);
	CHECK_EQ(h.bands[0].row0, 0);
	CHECK_EQ(h.bands[1].row0, h.bands[0].rows);
	CHECK_EQ(h.bin_ns, 20000000);		/* 1.5 s in at most 120 bins */
	CHECK_EQ(h.bins, 76);
	/* a page per row or more: a row holds a fault at most once per page
	 * unit; the first bin holds all but the last fault */
	for (size_t b = 0; b < h.n_bands; b++)
		for (size_t r = 0; r < h.bands[b].n_runs; r++) {
			const struct pfx_heat_run *run = &h.bands[b].runs[r];

			CHECK(run->unit_bytes >= 4096);
			for (unsigned row = run->row0; row < run->row0 + run->rows; row += run->unit_rows)
				in_bin0 += h.cells[row];
		}
	CHECK_EQ(in_bin0, 26);
	pfx_heat_layout_free(&h);
}

#define KERNEL_IP 0xffffffff81234567ull
#define CODE 0x400000ull

/* Four faults with call chains as perf gives them: a kernel-mode fault
 * (its user chain begins at the syscall), a user one (the chain begins at
 * its ip), one whose chain says otherwise (left from before an exec), and
 * one without a chain. */
static void write_chains(const char *path)
{
	static const uint64_t syscall[] = { CODE + 0x100, CODE + 0x200 };
	static const uint64_t user[] = { CODE + 0x10, CODE + 0x200 };
	static const uint64_t stale[] = { 0x7000, CODE + 0x200 };
	const struct { uint64_t ip; const uint64_t *chain; } f[] = {
		{ KERNEL_IP, syscall }, { CODE + 0x10, user }, { CODE + 0x20, stale }, { CODE + 0x30, NULL },
	};
	struct pfx_rec_header h = { .page_size = 4096, .flags = PFX_REC_HAS_CALLCHAIN };

	strcpy(h.command, "test");
	strcpy(h.source, "perf");
	CHECK_EQ(pfx_rec_writer_open(&w, path, &h, true), 0);
	mapping(CODE, CODE + 0x1000, 0, "/bin/test");
	mapping(ANON, ANON + 0x10000, 0, "");
	for (size_t i = 0; i < 4; i++)
		put(&(struct pfx_rec_item){ .type = PFX_REC_FAULT,
			.fault = { .time_ns = i + 1, .addr = ANON + i * 4096, .ip = f[i].ip, .pid = 100,
				   .tid = 100, .kind = PFX_FAULT_MINOR, .callchain = f[i].chain,
				   .callchain_len = f[i].chain ? 2 : 0 } });
	CHECK_EQ(pfx_rec_writer_close(w, &(struct pfx_rec_totals){ .faults = 4, .minor = 4 }), 0);
}

static void check_chains(const char *path)
{
	struct pfx_analysis *a = run(path, &(struct pfx_analysis_opts){ .code_names = true,
									 .every_chain = true });
	const struct pfx_code_sites *cs = &a->code;
	struct pfx_code_frame frames[PFX_REC_MAX_CALLCHAIN];
	bool seen[4] = { false };

	CHECK_EQ(cs->nchains, 4);
	for (size_t i = 0; i < cs->nchains; i++) {
		size_t n = pfx_code_chain_frames(cs, a->regions, &cs->chains[i], frames);

		CHECK_EQ(cs->chains[i].faults, 1);
		if (frames[0].ip == KERNEL_IP) {	/* [kernel] above the whole user chain */
			CHECK_EQ(n, 3);
			CHECK_EQ(frames[1].ip, CODE + 0x100);
			CHECK(!frames[0].region);
			seen[0] = true;
		} else if (frames[0].ip == CODE + 0x10) {	/* as recorded */
			CHECK_EQ(n, 2);
			seen[1] = true;
		} else if (frames[0].ip == CODE + 0x20) {	/* its ip, not the stale frame */
			CHECK_EQ(n, 2);
			CHECK_EQ(frames[1].ip, CODE + 0x200);
			CHECK(frames[0].region != NULL);
			seen[2] = true;
		} else if (frames[0].ip == CODE + 0x30) {	/* no chain: the ip alone */
			CHECK_EQ(n, 1);
			seen[3] = true;
		}
	}
	CHECK(seen[0] && seen[1] && seen[2] && seen[3]);
	pfx_analysis_free(a);
}

/* Pages: pid 100's region A of 256 pages, faulted by it and by its
 * child 101 (no PFX_REC_PER_SPACE: they share it), then mapped anew (B). */
static void write_pages(const char *path)
{
	struct pfx_rec_header h = { .page_size = 4096, .flags = PFX_REC_HAS_ERROR_CODE };
	static const struct { uint32_t pid; uint64_t page; } f[] = {
		{ 100, 0 }, { 100, 0 }, { 101, 0 }, { 101, 0 }, { 100, 64 }, { 100, 200 }, { 100, 64 },
		{ 100, 0 }, { 0, 0 } /* B */, { 100, 0 }, { 101, 0 }, { 101, 0 },
	};
	uint64_t now = 0;

	strcpy(h.source, "perf");
	CHECK_EQ(pfx_rec_writer_open(&w, path, &h, true), 0);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (i == 0 || !f[i].pid) {
			put(&(struct pfx_rec_item){ .type = PFX_REC_MAPPING,
				.mapping = { .time_ns = now, .start = ANON, .end = ANON + 0x100000, .pid = 100,
					     .prot = 3, .flags = 2, .path = "" } });
			if (!f[i].pid)
				continue;
		}
		put(&(struct pfx_rec_item){ .type = PFX_REC_FAULT,
			.fault = { .time_ns = now += 1000, .addr = ANON + f[i].page * 4096 + 8, .pid = f[i].pid,
				   .tid = f[i].pid, .kind = PFX_FAULT_MINOR, .access = PFX_ACCESS_KNOWN } });
	}
	CHECK_EQ(pfx_rec_writer_close(w, &(struct pfx_rec_totals){ .faults = 11, .minor = 11,
								    .duration_ns = now }), 0);
}

static void check_pages(const char *path)
{
	for (int with_pages = 0; with_pages < 2; with_pages++) {
		struct pfx_analysis *a = run(path, &(struct pfx_analysis_opts){ .pages = with_pages });
		const struct pfx_region_row *ra, *rb;

		CHECK_EQ(a->all.faults, 11);
		CHECK_EQ(a->distinct_pages, 6);
		CHECK_EQ(a->refaults, 5);
		CHECK_EQ(a->nrows, 2);
		ra = &a->rows[0];	/* A: 8 faults */
		rb = &a->rows[1];
		CHECK_EQ(ra->s->c.faults, 8);
		CHECK_EQ(ra->s->pages, 4);
		CHECK_EQ(ra->s->refaults, 4);
		CHECK_EQ(rb->s->c.faults, 3);
		CHECK_EQ(rb->s->pages, 2);
		CHECK_EQ(rb->s->refaults, 1);
		CHECK_EQ(a->nthreads, 2);
		CHECK_EQ(a->threads[0].tid, 100);
		CHECK_EQ(a->threads[0].refaults, 3);
		CHECK_EQ(a->threads[1].refaults, 2);
		CHECK_EQ(a->rows[0].s->heat.rows, 0);	/* no opts.heat */
		if (!with_pages) {
			CHECK_EQ(a->npages, 0);
		} else {
			/* a page's counts begin anew in a new region */
			CHECK_EQ(a->npages, 4);
			CHECK_EQ(a->pages[0].pid, 101);
			CHECK_EQ(a->pages[0].addr, ANON);
			CHECK_EQ(a->pages[0].faults, 2);
			CHECK(a->pages[0].region == rb->region);
			CHECK_EQ(a->pages[1].pid, 100);
			CHECK_EQ(a->pages[1].addr, ANON + 64 * 4096);
			CHECK_EQ(a->pages[1].faults, 2);
			CHECK(a->pages[1].region == ra->region);
			CHECK_EQ(a->pages[2].addr, ANON);
			CHECK_EQ(a->pages[2].faults, 1);
			CHECK(a->pages[2].region == rb->region);
			CHECK_EQ(a->pages[3].addr, ANON + 200 * 4096);
		}
		pfx_analysis_free(a);
	}
}

int main(void)
{
	char path[] = "/tmp/pfx-test-analysis.XXXXXX";
	int fd = mkstemp(path);
	struct pfx_analysis *a;
	struct pfx_analysis_filter libc_only = { .region = "libc" };
	uint64_t (*counts)[PFX_COL_COUNT] = NULL, totals[PFX_COL_COUNT], bin_ns = 0;
	size_t n = 0;

	CHECK(fd >= 0);
	close(fd);
	write_recording(path);

	/* the report's pass: no groups, nothing kept */
	a = run(path, &(struct pfx_analysis_opts){ .heat = true, .pages = true });
	check_model(a);
	CHECK(!a->groups && !a->nkept && !a->timeline.fine);
	CHECK_EQ(a->npages, 20);
	CHECK_EQ(a->pages[0].faults, 1);
	pfx_analysis_free(a);

	/* plot's: the same model, and the groups, time bins, kept faults */
	a = run(path, &(struct pfx_analysis_opts){ .groups = true, .keep_faults = true,
						     .timeline = true, .heat = true });
	check_model(a);
	check_groups(a);
	CHECK_EQ(a->nkept, 27);
	CHECK_EQ(a->kept[0].addr, ANON);
	CHECK_EQ(a->kept[0].group, a->busiest[0]->index);
	CHECK_EQ(a->kept[20].group, a->busiest[1]->index);
	CHECK_EQ(a->kept[26].group, a->busiest[2]->index);
	CHECK_EQ(a->kept[26].time_ns, 1500000000ull);
	CHECK_EQ(a->last_ns, 1500000000ull);
	CHECK_EQ(pfx_timeline_bin(&a->timeline, 150, &counts, &n, &bin_ns, totals), 0);
	/* 1.5 s + 1 ns in 150 bins: 10 ms and a bit, so 20 ms */
	CHECK_EQ(bin_ns, 20000000);
	CHECK_EQ(n, 76);
	CHECK_EQ(counts[0][PFX_COL_MINOR], 22);
	CHECK_EQ(counts[0][PFX_COL_MAJOR], 3);
	CHECK_EQ(counts[0][PFX_COL_UNKNOWN], 1);
	CHECK_EQ(counts[75][PFX_COL_UNKNOWN], 1);
	CHECK_EQ(totals[PFX_COL_MINOR] + totals[PFX_COL_MAJOR] + totals[PFX_COL_UNKNOWN], 27);
	free(counts);
	check_layout(a);
	pfx_analysis_free(a);

	/* lean (the charts'): the same regions, groups, kinds, latency and
	 * time; no pages, threads or heat grids */
	a = run(path, &(struct pfx_analysis_opts){ .lean = true, .groups = true });
	check_groups(a);
	CHECK_EQ(a->all.faults, 27);
	CHECK_EQ(a->all.major, 3);
	CHECK_EQ(a->nrows, 4);
	CHECK_EQ(a->rows[0].start, ANON_LO);
	CHECK_EQ(a->rows[0].s->pages, 0);
	CHECK_EQ(a->rows[0].s->heat.rows, 0);
	CHECK_EQ(a->nthreads, 1);		/* from its THREAD item only */
	CHECK_EQ(a->threads[0].c.faults, 0);
	CHECK_EQ(pfx_analysis_latency_pct(a, PFX_COL_MINOR, 50), 1008);
	CHECK_EQ(a->lat[PFX_COL_UNKNOWN].count, 2);
	pfx_analysis_free(a);

	/* a filter: only libc's faults count */
	a = run(path, &(struct pfx_analysis_opts){ .filter = &libc_only, .groups = true });
	CHECK_EQ(a->all.faults, 5);
	CHECK_EQ(a->filtered_out, 22);
	CHECK_EQ(a->nrows, 2);
	CHECK_EQ(a->nbusiest, 1);
	CHECK_EQ(a->busiest[0]->faults, 5);
	pfx_analysis_free(a);

	write_chains(path);
	check_chains(path);
	write_pages(path);
	check_pages(path);
	unlink(path);
	return test_exit();
}
