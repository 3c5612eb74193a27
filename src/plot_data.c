/* plot_data: the .dat writers behind each chart.  Recordings are read in
 * one or two streaming passes (a first pass for the time span or the
 * regions, a second to bin), so memory stays small whatever the number of
 * faults. */
#include "config.h"
#include "plot_data.h"
#include "gnuplot.h"
#include "maps.h"
#include "output.h"
#include "recfile.h"
#include "util.h"
#include "wssfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S 1e9
#define MIB (1024.0 * 1024.0)

/* Fault kinds as columns: minor, major, and unknown (tracefs cases). */
enum { COL_MINOR, COL_MAJOR, COL_UNKNOWN, COL_COUNT };

static int kind_column(uint8_t kind)
{
	return kind == PFX_FAULT_MINOR ? COL_MINOR : kind == PFX_FAULT_MAJOR ? COL_MAJOR : COL_UNKNOWN;
}

/* ---- reading a recording ---- */

struct record_pass {
	void (*fault)(void *ctx, const struct pfx_fault *fault);
	void (*mapping)(void *ctx, const struct pfx_mapping *mapping);
	void *ctx;
};

/* Feed every item of the recording to pass.  A file that ends early or is
 * corrupted after its header still counts: what was read is charted and
 * notes->read_error says why it stopped. */
static int read_record(const char *path, const struct record_pass *pass,
		       struct pfx_rec_header *header, struct pfx_plot_notes *notes)
{
	struct pfx_rec_reader *reader;
	struct pfx_rec_item item;
	int ret = pfx_rec_reader_open(&reader, path);

	if (ret)
		return ret;
	if (header)
		*header = *pfx_rec_reader_header(reader);
	notes->items = notes->lost = 0;
	notes->read_error = 0;
	while ((ret = pfx_rec_next(reader, &item)) > 0) {
		switch (item.type) {
		case PFX_REC_FAULT:
			notes->items++;
			if (pass->fault)
				pass->fault(pass->ctx, &item.fault);
			break;
		case PFX_REC_MAPPING:
			if (pass->mapping)
				pass->mapping(pass->ctx, &item.mapping);
			break;
		case PFX_REC_LOST:
			notes->lost += item.lost.samples + item.lost.records;
			break;
		case PFX_REC_THREAD:
			break;
		}
	}
	if (ret < 0)
		notes->read_error = ret;
	pfx_rec_reader_close(reader);
	return notes->items ? 0 : -ENOMSG;
}

/* What every record chart shows under its title: what was recorded. */
static void write_record_vars(FILE *vars, const struct pfx_rec_header *h,
			      const struct pfx_plot_notes *notes)
{
	char line[1024];

	snprintf(line, sizeof(line), "%s   (%llu faults via %s%s, kernel %s)", h->command,
		 (unsigned long long)notes->items, h->source, notes->lost ? ", some lost" : "",
		 h->kernel);
	pfx_gnuplot_set_string(vars, "subtitle", line);
	pfx_gnuplot_set_number(vars, "lost", (double)notes->lost);
}

/* ---- writing data files ---- */

/* Open DIR/NAME for a table and point the script variable var at it. */
static int open_table(struct pfx_outfile *out, const char *dir, const char *name,
		      FILE *vars, const char *var)
{
	char *path;
	int err;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	err = pfx_outfile_open(out, path);
	free(path);
	if (!err)
		fprintf(vars, "%s = pfx_dir.'%s'\n", var, name);
	return err;
}

/* ---- timeline: fault rates over time ---- */

/* Aim for this many time bins: enough to see phases, few enough that
 * each bin holds a meaningful count. */
#define TIMELINE_BINS 150

struct timeline {
	uint64_t last_ns;
	uint64_t bin_ns;
	size_t bins;
	uint64_t (*counts)[COL_COUNT];
	uint64_t totals[COL_COUNT];
};

static void timeline_span(void *ctx, const struct pfx_fault *f)
{
	struct timeline *t = ctx;

	if (f->time_ns > t->last_ns)
		t->last_ns = f->time_ns;
}

static void timeline_bin(void *ctx, const struct pfx_fault *f)
{
	struct timeline *t = ctx;
	size_t bin = (size_t)(f->time_ns / t->bin_ns);
	int col = kind_column(f->kind);

	if (bin >= t->bins)	/* the file changed between passes */
		return;
	t->counts[bin][col]++;
	t->totals[col]++;
}

/* The smallest 1-2-5 step (ns) that covers span in at most 'bins' bins, so
 * the bin width reads well in the legend ("bins of 50 ms"). */
static uint64_t round_bin_width(uint64_t span_ns, unsigned bins)
{
	static const unsigned steps[] = { 1, 2, 5 };
	uint64_t decade = 1000;	/* 1 us: finer than perf timestamps are useful */

	for (;;) {
		for (size_t i = 0; i < PFX_ARRAY_SIZE(steps); i++)
			if (decade * steps[i] * bins >= span_ns)
				return decade * steps[i];
		decade *= 10;
	}
}

static void set_duration_label(FILE *vars, const char *var, uint64_t ns)
{
	char buf[64];

	if (ns >= 1000000000ull)
		snprintf(buf, sizeof(buf), "%g s", ns / NS_PER_S);
	else if (ns >= 1000000)
		snprintf(buf, sizeof(buf), "%g ms", ns / 1e6);
	else
		snprintf(buf, sizeof(buf), "%g us", ns / 1e3);
	pfx_gnuplot_set_string(vars, var, buf);
}

static int write_timeline_table(const struct timeline *t, const char *dir, FILE *vars)
{
	struct pfx_outfile out;
	double bin_s = t->bin_ns / NS_PER_S;
	int err = open_table(&out, dir, "timeline.dat", vars, "data");

	if (err)
		return err;
	fprintf(out.fp, "# time_s minor_per_s major_per_s unknown_per_s minor major unknown\n");
	for (size_t i = 0; i < t->bins; i++) {
		const uint64_t *c = t->counts[i];

		fprintf(out.fp, "%.9f %.6g %.6g %.6g %llu %llu %llu\n", (i + 0.5) * bin_s,
			c[COL_MINOR] / bin_s, c[COL_MAJOR] / bin_s, c[COL_UNKNOWN] / bin_s,
			(unsigned long long)c[COL_MINOR], (unsigned long long)c[COL_MAJOR],
			(unsigned long long)c[COL_UNKNOWN]);
	}
	return pfx_outfile_commit(&out);
}

int pfx_plot_data_timeline(const char *input, const char *dir, FILE *vars,
			   struct pfx_plot_notes *notes)
{
	struct timeline t = { 0 };
	struct record_pass span = { .fault = timeline_span, .ctx = &t };
	struct record_pass bin = { .fault = timeline_bin, .ctx = &t };
	struct pfx_rec_header header;
	int err = read_record(input, &span, &header, notes);

	if (err)
		return err;
	t.bin_ns = round_bin_width(t.last_ns + 1, TIMELINE_BINS);
	t.bins = (size_t)(t.last_ns / t.bin_ns) + 1;
	t.counts = calloc(t.bins, sizeof(*t.counts));
	if (!t.counts)
		return -ENOMEM;
	err = read_record(input, &bin, NULL, notes);
	if (!err)
		err = write_timeline_table(&t, dir, vars);
	if (!err) {
		pfx_gnuplot_set_string(vars, "title", "Page faults over time");
		write_record_vars(vars, &header, notes);
		pfx_gnuplot_set_number(vars, "bin_s", t.bin_ns / NS_PER_S);
		set_duration_label(vars, "bin_label", t.bin_ns);
		pfx_gnuplot_set_number(vars, "total_minor", (double)t.totals[COL_MINOR]);
		pfx_gnuplot_set_number(vars, "total_major", (double)t.totals[COL_MAJOR]);
		pfx_gnuplot_set_number(vars, "total_unknown", (double)t.totals[COL_UNKNOWN]);
	}
	free(t.counts);
	return err;
}

/* ---- regions: which mapping each fault hit ---- */

/* Faults outside every known mapping are grouped by the 1 GiB window
 * they fall in, so they still show up (labelled "unmapped"). */
#define UNMAPPED_WINDOW (1ull << 30)

struct region {
	uint32_t pid;
	uint64_t time_ns;		/* the mapping exists from then on */
	uint64_t start, end;		/* the mapping, [start, end) */
	uint32_t flags;
	bool unmapped;
	char *path;
	uint64_t lo, hi;		/* faulted pages, [lo, hi) */
	uint64_t counts[COL_COUNT];
	uint64_t faults;
	/* heatmap layout: rows [row0, row0 + rows); each unit_bytes of
	 * address covers unit_rows rows */
	unsigned row0, rows, unit_rows;
	uint64_t unit_bytes;
};

struct region_table {
	struct region *v;
	size_t n, cap;
	size_t last_hit;		/* faults are local: try this one first */
	uint64_t page_size;
	uint64_t last_ns;
	int err;			/* -ENOMEM from a callback */
};

static struct region *region_add(struct region_table *t)
{
	struct region *r;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct region *grown = realloc(t->v, cap * sizeof(*grown));

		if (!grown) {
			t->err = -ENOMEM;
			return NULL;
		}
		t->v = grown;
		t->cap = cap;
	}
	r = &t->v[t->n++];
	memset(r, 0, sizeof(*r));
	r->lo = UINT64_MAX;
	return r;
}

static void region_mapping(void *ctx, const struct pfx_mapping *m)
{
	struct region_table *t = ctx;
	struct region *r = region_add(t);

	if (!r)
		return;
	r->pid = m->pid;
	r->time_ns = m->time_ns;
	r->start = m->start;
	r->end = m->end;
	r->flags = m->flags;
	r->path = strdup(m->path ? m->path : "");
	if (!r->path)
		t->err = -ENOMEM;
}

static bool region_contains(const struct region *r, const struct pfx_fault *f)
{
	return r->pid == f->pid && f->addr >= r->start && f->addr < r->end;
}

/* The newest mapping holding the address that already existed at the
 * fault's time; failing that, any holding it (timestamps of mappings read
 * from /proc at the start can trail the first faults). */
static struct region *region_find(struct region_table *t, const struct pfx_fault *f)
{
	struct region *fallback = NULL;

	if (t->last_hit < t->n && region_contains(&t->v[t->last_hit], f) &&
	    t->v[t->last_hit].time_ns <= f->time_ns)
		return &t->v[t->last_hit];
	for (size_t i = t->n; i-- > 0;) {
		struct region *r = &t->v[i];

		if (!region_contains(r, f))
			continue;
		if (r->time_ns <= f->time_ns) {
			t->last_hit = i;
			return r;
		}
		if (!fallback)
			fallback = r;
	}
	return fallback;
}

static struct region *region_of_fault(struct region_table *t, const struct pfx_fault *f)
{
	struct region *r = region_find(t, f);

	if (r)
		return r;
	r = region_add(t);
	if (!r)
		return NULL;
	r->pid = f->pid;
	r->unmapped = true;
	r->start = f->addr & ~(UNMAPPED_WINDOW - 1);
	r->end = r->start + UNMAPPED_WINDOW;
	r->path = strdup("");
	if (!r->path)
		t->err = -ENOMEM;
	return r;
}

static void region_fault(void *ctx, const struct pfx_fault *f)
{
	struct region_table *t = ctx;
	struct region *r = region_of_fault(t, f);
	uint64_t page = f->addr & ~(t->page_size - 1);

	if (f->time_ns > t->last_ns)
		t->last_ns = f->time_ns;
	if (!r)
		return;
	r->counts[kind_column(f->kind)]++;
	r->faults++;
	if (page < r->lo)
		r->lo = page;
	if (page + t->page_size > r->hi)
		r->hi = page + t->page_size;
}

static void region_table_free(struct region_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
}

/* Attribute every fault of the recording to its region. */
static int collect_regions(const char *input, struct region_table *t,
			   struct pfx_rec_header *header, struct pfx_plot_notes *notes)
{
	struct record_pass pass = { region_fault, region_mapping, t };
	struct pfx_rec_reader *reader;
	int err;

	memset(t, 0, sizeof(*t));
	/* the page size comes from the header, needed before the first fault */
	err = pfx_rec_reader_open(&reader, input);
	if (err)
		return err;
	t->page_size = pfx_rec_reader_header(reader)->page_size;
	pfx_rec_reader_close(reader);
	if (t->page_size == 0 || (t->page_size & (t->page_size - 1)))
		t->page_size = 4096;
	err = read_record(input, &pass, header, notes);
	return err ? err : t->err;
}

/* Regions with faults, most faults first (ties in address order). */
static int by_faults(const void *a, const void *b)
{
	const struct region *x = *(const struct region *const *)a;
	const struct region *y = *(const struct region *const *)b;

	if (x->faults != y->faults)
		return x->faults > y->faults ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int by_address(const void *a, const void *b)
{
	const struct region *x = *(const struct region *const *)a;
	const struct region *y = *(const struct region *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static size_t regions_with_faults(const struct region_table *t, struct region ***out)
{
	struct region **list = calloc(t->n ? t->n : 1, sizeof(*list));
	size_t n = 0;

	if (!list)
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].faults)
			list[n++] = &t->v[i];
	qsort(list, n, sizeof(*list), by_faults);
	*out = list;
	return n;
}

/* A short name for a region: the file's base name, or its kind. */
static void region_name(const struct region *r, bool show_pid, char *buf, size_t size)
{
	const char *base = strrchr(r->path, '/');
	char name[64];

	if (r->unmapped)
		snprintf(name, sizeof(name), "unmapped");
	else if (pfx_map_path_is_file(r->path))
		snprintf(name, sizeof(name), "%.40s", base ? base + 1 : r->path);
	else if (r->path[0] == '[')
		snprintf(name, sizeof(name), "%.40s", r->path);
	else
		snprintf(name, sizeof(name), "%s",
			 pfx_map_kind_name(pfx_map_classify(r->path, r->flags)));
	if (show_pid)
		snprintf(buf, size, "%s (pid %u)", name, r->pid);
	else
		snprintf(buf, size, "%s", name);
}

static bool several_pids(struct region **list, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (list[i]->pid != list[0]->pid)
			return true;
	return false;
}

static void size_label(uint64_t bytes, char *buf, size_t size)
{
	if (bytes >= 1024 * 1024)
		snprintf(buf, size, "%.3g MiB", bytes / MIB);
	else
		snprintf(buf, size, "%.3g KiB", bytes / 1024.0);
}

/* ---- regions chart: faults per region ---- */

/* Bars beyond this many are summed into one "other" bar. */
#define REGIONS_SHOWN 12

static void write_region_row(FILE *fp, const char *label, const uint64_t *c)
{
	fputc('"', fp);
	for (const char *p = label; *p; p++)
		fputc(*p == '"' ? '\'' : *p, fp);
	fprintf(fp, "\" %llu %llu %llu\n", (unsigned long long)c[COL_MINOR],
		(unsigned long long)c[COL_MAJOR], (unsigned long long)c[COL_UNKNOWN]);
}

static int write_regions_table(struct region **list, size_t n, const char *dir, FILE *vars)
{
	struct pfx_outfile out;
	uint64_t other[COL_COUNT] = { 0 };
	size_t others = 0;
	bool pids = several_pids(list, n);
	int err = open_table(&out, dir, "regions.dat", vars, "data");

	if (err)
		return err;
	fprintf(out.fp, "# region minor major unknown  (region: name and start address)\n");
	for (size_t i = 0; i < n; i++) {
		char name[96], label[160];

		if (i >= REGIONS_SHOWN) {
			for (int c = 0; c < COL_COUNT; c++)
				other[c] += list[i]->counts[c];
			others++;
			continue;
		}
		region_name(list[i], pids, name, sizeof(name));
		snprintf(label, sizeof(label), "%s\\n0x%llx", name,
			 (unsigned long long)(list[i]->unmapped ? list[i]->lo : list[i]->start));
		write_region_row(out.fp, label, list[i]->counts);
	}
	if (others) {
		char label[64];

		snprintf(label, sizeof(label), "%zu other regions", others);
		write_region_row(out.fp, label, other);
	}
	return pfx_outfile_commit(&out);
}

int pfx_plot_data_regions(const char *input, const char *dir, FILE *vars,
			  struct pfx_plot_notes *notes)
{
	struct region_table t;
	struct pfx_rec_header header;
	struct region **list = NULL;
	uint64_t totals[COL_COUNT] = { 0 };
	size_t n = 0;
	int err = collect_regions(input, &t, &header, notes);

	if (!err) {
		n = regions_with_faults(&t, &list);
		err = list ? 0 : -ENOMEM;
	}
	if (!err)
		err = write_regions_table(list, n, dir, vars);
	if (!err) {
		for (size_t i = 0; i < n; i++)
			for (int c = 0; c < COL_COUNT; c++)
				totals[c] += list[i]->counts[c];
		pfx_gnuplot_set_string(vars, "title", "Page faults per memory region");
		write_record_vars(vars, &header, notes);
		pfx_gnuplot_set_number(vars, "regions", (double)n);
		pfx_gnuplot_set_number(vars, "total_minor", (double)totals[COL_MINOR]);
		pfx_gnuplot_set_number(vars, "total_major", (double)totals[COL_MAJOR]);
		pfx_gnuplot_set_number(vars, "total_unknown", (double)totals[COL_UNKNOWN]);
	}
	free(list);
	region_table_free(&t);
	return err;
}

/* ---- heatmap: faults per address row and time bin ---- */

/* Only the busiest regions get rows; the rest are counted in the
 * subtitle.  Rows are shared in proportion to each region's faulted
 * extent, with a floor so a small region stays visible. */
#define HEATMAP_REGIONS 8
#define HEATMAP_ROWS 200
#define HEATMAP_MIN_ROWS 6
#define HEATMAP_BINS 120

struct heatmap {
	struct region_table regions;
	struct region **shown;
	size_t n_shown;
	unsigned rows;
	uint64_t bin_ns;
	size_t bins;
	uint32_t *cells;	/* [bin * rows + row] */
};

/* Rows for each shown region: a floor so that small regions stay visible
 * and labelled, the rest in proportion to the faulted extent.  A region
 * with fewer pages than rows repeats each page over several rows. */
static void heatmap_layout(struct heatmap *h)
{
	uint64_t extent = 0, page = h->regions.page_size;
	unsigned row = 0, floor_rows = HEATMAP_ROWS / (2 * (unsigned)h->n_shown);

	if (floor_rows < HEATMAP_MIN_ROWS)
		floor_rows = HEATMAP_MIN_ROWS;
	for (size_t i = 0; i < h->n_shown; i++)
		extent += h->shown[i]->hi - h->shown[i]->lo;
	for (size_t i = 0; i < h->n_shown; i++) {
		struct region *r = h->shown[i];
		uint64_t bytes = r->hi - r->lo, pages = bytes / page;
		double share = (double)bytes / (double)extent * HEATMAP_ROWS;
		unsigned rows = share < floor_rows ? floor_rows : (unsigned)share;

		if (rows >= pages) {
			r->unit_bytes = page;
			r->unit_rows = (unsigned)(rows / pages);
			r->rows = (unsigned)pages * r->unit_rows;
		} else {
			r->unit_bytes = ((bytes + rows - 1) / rows + page - 1) & ~(page - 1);
			r->unit_rows = 1;
			r->rows = (unsigned)((bytes + r->unit_bytes - 1) / r->unit_bytes);
		}
		r->row0 = row;
		row += r->rows;
	}
	h->rows = row;
}

static void heatmap_bin(void *ctx, const struct pfx_fault *f)
{
	struct heatmap *h = ctx;
	size_t bin = (size_t)(f->time_ns / h->bin_ns);
	/* the first pass made a region for every fault, unmapped ones too */
	struct region *r = region_find(&h->regions, f);
	uint32_t *cell;

	if (!r || !r->rows || bin >= h->bins || f->addr < r->lo || f->addr >= r->hi)
		return;
	cell = &h->cells[bin * h->rows + r->row0 + (f->addr - r->lo) / r->unit_bytes * r->unit_rows];
	for (unsigned i = 0; i < r->unit_rows; i++)
		cell[i]++;
}

static int write_heatmap_table(const struct heatmap *h, const char *dir, FILE *vars)
{
	struct pfx_outfile out;
	double bin_s = h->bin_ns / NS_PER_S;
	int err = open_table(&out, dir, "heatmap.dat", vars, "data");

	if (err)
		return err;
	fprintf(out.fp, "# time_s row faults  (one block per time bin; rows: see the script's region arrays)\n");
	for (size_t b = 0; b < h->bins; b++) {
		for (unsigned row = 0; row < h->rows; row++) {
			uint32_t c = h->cells[b * h->rows + row];

			fprintf(out.fp, "%.9f %u %u\n", (b + 0.5) * bin_s, row, c);
		}
		fputc('\n', out.fp);
	}
	return pfx_outfile_commit(&out);
}

/* The labels the template puts on the address axis, as gnuplot arrays. */
static void write_heatmap_vars(const struct heatmap *h, FILE *vars)
{
	bool pids = several_pids(h->shown, h->n_shown);

	fprintf(vars, "rows = %u\nregions = %zu\n", h->rows, h->n_shown);
	fprintf(vars, "array region_name[%zu]\narray region_addr[%zu]\n", h->n_shown, h->n_shown);
	fprintf(vars, "array region_row0[%zu]\narray region_rows[%zu]\n", h->n_shown, h->n_shown);
	for (size_t i = 0; i < h->n_shown; i++) {
		const struct region *r = h->shown[i];
		char name[96], addr[96], size[32];

		region_name(r, pids, name, sizeof(name));
		size_label(r->hi - r->lo, size, sizeof(size));
		snprintf(addr, sizeof(addr), "0x%llx +%s", (unsigned long long)r->lo, size);
		fprintf(vars, "region_name[%zu] = ", i + 1);
		pfx_gnuplot_string(vars, name);
		fprintf(vars, "; region_addr[%zu] = ", i + 1);
		pfx_gnuplot_string(vars, addr);
		fprintf(vars, "; region_row0[%zu] = %u; region_rows[%zu] = %u\n", i + 1, r->row0,
			i + 1, r->rows);
	}
}

int pfx_plot_data_heatmap(const char *input, const char *dir, FILE *vars,
			  struct pfx_plot_notes *notes)
{
	struct heatmap h = { 0 };
	struct record_pass bin = { .fault = heatmap_bin, .ctx = &h };
	struct pfx_rec_header header;
	struct region **list = NULL;
	uint64_t hidden_faults = 0;
	size_t n = 0;
	int err = collect_regions(input, &h.regions, &header, notes);

	if (!err) {
		n = regions_with_faults(&h.regions, &list);
		err = list ? 0 : -ENOMEM;
	}
	if (!err) {
		h.shown = list;
		h.n_shown = n < HEATMAP_REGIONS ? n : HEATMAP_REGIONS;
		for (size_t i = h.n_shown; i < n; i++)
			hidden_faults += list[i]->faults;
		qsort(h.shown, h.n_shown, sizeof(*h.shown), by_address);
		heatmap_layout(&h);
		h.bin_ns = round_bin_width(h.regions.last_ns + 1, HEATMAP_BINS);
		h.bins = (size_t)(h.regions.last_ns / h.bin_ns) + 1;
		h.cells = calloc(h.bins * h.rows, sizeof(*h.cells));
		err = h.cells ? 0 : -ENOMEM;
	}
	/* Mappings are not re-added: the table from the first pass is complete. */
	if (!err)
		err = read_record(input, &bin, NULL, notes);
	if (!err)
		err = write_heatmap_table(&h, dir, vars);
	if (!err) {
		pfx_gnuplot_set_string(vars, "title", "Page faults by address and time");
		write_record_vars(vars, &header, notes);
		write_heatmap_vars(&h, vars);
		set_duration_label(vars, "bin_label", h.bin_ns);
		pfx_gnuplot_set_number(vars, "hidden_regions", (double)(n - h.n_shown));
		pfx_gnuplot_set_number(vars, "hidden_faults", (double)hidden_faults);
	}
	free(h.cells);
	free(list);
	region_table_free(&h.regions);
	return err;
}

/* ---- latency: distribution of fault latency ---- */

/* Power-of-two bins for the chart (bin k holds [2^k, 2^(k+1)) ns), and
 * finer sub-bins (16 per octave, ~4% wide) for the percentiles printed in
 * the title. */
#define LAT_OCTAVES 33
#define LAT_SUB 16

struct latency {
	uint64_t bins[LAT_OCTAVES][COL_COUNT];
	uint64_t fine[LAT_OCTAVES * LAT_SUB];
	uint64_t measured;
};

static unsigned octave_of(uint32_t ns)
{
	return ns ? 31u - (unsigned)__builtin_clz(ns) : 0;
}

static void latency_bin(void *ctx, const struct pfx_fault *f)
{
	struct latency *l = ctx;
	unsigned oct, sub;

	if (!f->latency_ns)
		return;
	oct = octave_of(f->latency_ns);
	/* the LAT_SUB-th parts of the octave, from the bits below the top one */
	sub = oct >= 4 ? (f->latency_ns >> (oct - 4)) & (LAT_SUB - 1)
		       : (unsigned)((f->latency_ns - (1u << oct)) * LAT_SUB >> oct);
	l->bins[oct][kind_column(f->kind)]++;
	l->fine[oct * LAT_SUB + sub]++;
	l->measured++;
}

/* The latency (us) below which a fraction q of faults completed: the
 * middle of the fine bin where the cumulative count crosses q. */
static double latency_percentile_us(const struct latency *l, double q)
{
	uint64_t want = (uint64_t)ceil(q * (double)l->measured), seen = 0;

	for (unsigned i = 0; i < LAT_OCTAVES * LAT_SUB; i++) {
		seen += l->fine[i];
		if (seen >= want && l->fine[i]) {
			double lo = ldexp(1.0 + (i % LAT_SUB) / (double)LAT_SUB, (int)(i / LAT_SUB));
			double width = ldexp(1.0 / LAT_SUB, (int)(i / LAT_SUB));

			return (lo + width / 2) / 1e3;
		}
	}
	return 0;
}

static int write_latency_table(const struct latency *l, const char *dir, FILE *vars)
{
	struct pfx_outfile out;
	int first = -1, last = -1;
	int err = open_table(&out, dir, "latency.dat", vars, "data");

	if (err)
		return err;
	for (int i = 0; i < LAT_OCTAVES; i++) {
		if (l->bins[i][COL_MINOR] + l->bins[i][COL_MAJOR] + l->bins[i][COL_UNKNOWN]) {
			if (first < 0)
				first = i;
			last = i;
		}
	}
	pfx_gnuplot_set_number(vars, "lat_lo_us", ldexp(1, first) / 1e3);
	pfx_gnuplot_set_number(vars, "lat_hi_us", ldexp(1, last + 1) / 1e3);
	fprintf(out.fp, "# low_us high_us minor major unknown\n");
	for (int i = first; i >= 0 && i <= last; i++) {
		const uint64_t *c = l->bins[i];

		fprintf(out.fp, "%.3f %.3f %llu %llu %llu\n", ldexp(1, i) / 1e3, ldexp(1, i + 1) / 1e3,
			(unsigned long long)c[COL_MINOR], (unsigned long long)c[COL_MAJOR],
			(unsigned long long)c[COL_UNKNOWN]);
	}
	return pfx_outfile_commit(&out);
}

int pfx_plot_data_latency(const char *input, const char *dir, FILE *vars,
			  struct pfx_plot_notes *notes)
{
	struct latency *l = calloc(1, sizeof(*l));
	struct record_pass pass = { .fault = latency_bin, .ctx = l };
	struct pfx_rec_header header;
	uint64_t totals[COL_COUNT] = { 0 };
	int err;

	if (!l)
		return -ENOMEM;
	err = read_record(input, &pass, &header, notes);
	if (!err && (!(header.flags & PFX_REC_HAS_LATENCY) || !l->measured))
		err = -EOPNOTSUPP;
	if (!err)
		err = write_latency_table(l, dir, vars);
	if (!err) {
		for (int i = 0; i < LAT_OCTAVES; i++)
			for (int c = 0; c < COL_COUNT; c++)
				totals[c] += l->bins[i][c];
		pfx_gnuplot_set_string(vars, "title", "Page fault latency");
		write_record_vars(vars, &header, notes);
		pfx_gnuplot_set_number(vars, "p50_us", latency_percentile_us(l, 0.50));
		pfx_gnuplot_set_number(vars, "p99_us", latency_percentile_us(l, 0.99));
		pfx_gnuplot_set_number(vars, "total_minor", (double)totals[COL_MINOR]);
		pfx_gnuplot_set_number(vars, "total_major", (double)totals[COL_MAJOR]);
		pfx_gnuplot_set_number(vars, "total_unknown", (double)totals[COL_UNKNOWN]);
	}
	free(l);
	return err;
}

/* ---- wss: working-set size and RSS over time ---- */

int pfx_plot_data_wss(const char *input, const char *dir, FILE *vars,
		      struct pfx_plot_notes *notes)
{
	struct pfx_wssfile_sample s;
	struct pfx_outfile out;
	char method[sizeof(s.method)] = "";
	bool has_rss = false;
	double peak_wss = 0, last_time = 0;
	FILE *in = fopen(input, "re");
	int ret, err;

	memset(notes, 0, sizeof(*notes));
	if (!in)
		return -errno;
	err = open_table(&out, dir, "wss.dat", vars, "data");
	if (err) {
		fclose(in);
		return err;
	}
	fprintf(out.fp, "# time_s wss_mib rss_mib\n");
	while ((ret = pfx_wssfile_next(in, &s, &notes->bad_line)) > 0) {
		if (s.has_rss)
			has_rss = true;
		if (!method[0])
			memcpy(method, s.method, sizeof(method));
		if (s.wss_bytes / MIB > peak_wss)
			peak_wss = s.wss_bytes / MIB;
		last_time = s.time_s;
		/* a sample without RSS leaves a gap ('?') rather than a false 0 */
		if (s.has_rss)
			fprintf(out.fp, "%.6f %.3f %.3f\n", s.time_s, s.wss_bytes / MIB, s.rss_bytes / MIB);
		else
			fprintf(out.fp, "%.6f %.3f ?\n", s.time_s, s.wss_bytes / MIB);
		notes->items++;
	}
	fclose(in);
	err = ret < 0 ? ret : notes->items ? 0 : -ENOMSG;
	if (err) {
		pfx_outfile_abort(&out);
		return err;
	}
	err = pfx_outfile_commit(&out);
	if (err)
		return err;
	pfx_gnuplot_set_string(vars, "title", "Working-set size and RSS over time");
	pfx_gnuplot_set_string(vars, "subtitle", method[0] ? method : "method not named");
	pfx_gnuplot_set_number(vars, "has_rss", has_rss);
	pfx_gnuplot_set_number(vars, "samples", (double)notes->items);
	pfx_gnuplot_set_number(vars, "peak_wss_mib", peak_wss);
	pfx_gnuplot_set_number(vars, "last_time_s", last_time);
	return 0;
}
