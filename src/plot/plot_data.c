/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot_data: the .dat writers behind each chart.  A recording's charts
 * format its analysis (analysis.h), the model report and the exports
 * format too: the same region groups, latency bins and lost sentence.
 * The timeline asks the pass for its time bins, the heatmap for every
 * fault (time, address, group) to place once the rows are laid out. */
#include "config.h"
#include "plot_data.h"
#include "analysis.h"
#include "compare.h"
#include "gnuplot.h"
#include "heat_layout.h"
#include "jsonline.h"
#include "safetext.h"
#include "output.h"
#include "recfile.h"
#include "sig.h"
#include "u64map.h"
#include "util.h"
#include "wssfile.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS_PER_S 1e9
#define MIB (1024.0 * 1024.0)

/* Faults read between two looks at the stop flag (sig.h): a stop signal
 * ends a long read, pfx plot cleans up. */
#define STOP_CHECK_ITEMS 65536

/* ---- reading a recording: its analysis ---- */

/* What the command says of a recording besides its chart: faults read,
 * lost, counted, why reading stopped, the lost sentence. */
static void take_notes(const struct pfx_analysis *rep, struct pfx_plot_notes *notes)
{
	notes->items = rep->faults_read;
	notes->lost = rep->lost_samples + rep->lost_records;
	notes->lost_records = rep->totals.lost_records;
	notes->lost_samples = rep->totals.lost_samples;
	notes->read_error = rep->read_error;
	notes->counted = 0;
	if (!rep->read_error && rep->totals.has_counted)
		notes->counted = rep->totals.counted_minor + rep->totals.counted_major;
	pfx_analysis_lost_note(rep, notes->lost_note, sizeof(notes->lost_note));
}

/* Analyse the recording at path once (opts: what the chart needs besides
 * the model).  A file that ends early or is corrupted after its header
 * still counts: what was read is charted and notes->read_error says why
 * it stopped.  0 with *out (pfx_analysis_free), or -errno (-ENOMSG: no
 * faults). */
static int analyse(const char *path, const struct pfx_analysis_opts *opts,
		   struct pfx_analysis **out, struct pfx_plot_notes *notes)
{
	struct pfx_analysis_opts o = *opts;
	struct pfx_rec_reader *reader;
	struct pfx_analysis *rep;
	int err = pfx_rec_reader_open(&reader, path);

	if (err)
		return err;
	notes->items = notes->lost = notes->counted = notes->lost_records = notes->lost_samples = 0;
	notes->read_error = 0;
	o.stop = pfx_sig_stop_requested;
	o.lean = true;		/* no chart shows pages, patterns, threads or ips */
	err = pfx_analysis_run(reader, &o, &rep);
	pfx_rec_reader_close(reader);
	if (err)
		return err;
	take_notes(rep, notes);
	if (!notes->items) {
		pfx_analysis_free(rep);
		return -ENOMSG;
	}
	*out = rep;
	return 0;
}

/* What every recording chart asks of the pass, for one shared by all. */
#define EVERY_CHART ((struct pfx_analysis_opts){ .timeline = true, .keep_faults = true })

int pfx_plot_data_analyse(const char *input, struct pfx_analysis **rep, struct pfx_plot_notes *notes)
{
	return analyse(input, &EVERY_CHART, rep, notes);
}

/* A recording chart: its own pass (opts), then format. */
static int analyse_and_format(const char *input, const struct pfx_analysis_opts *opts,
			      pfx_plot_format_fn *format, const char *dir, FILE *vars,
			      struct pfx_plot_notes *notes)
{
	struct pfx_analysis *rep = NULL;
	int err = analyse(input, opts, &rep, notes);

	if (!err)
		err = format(rep, dir, vars, notes);
	pfx_analysis_free(rep);
	return err;
}

/* The byte offset of character number nth of s (len bytes), or len. */
static size_t char_offset(const char *s, size_t len, size_t nth)
{
	size_t i = 0, n;

	for (; i < len && nth; nth--, i += n ? n : 1)
		n = pfx_safetext_char(s + i, len - i);	/* 0: an unsafe byte, one character */
	return i;
}

void pfx_plot_short_command(char *buf, size_t size, const char *cmd)
{
	enum { HEAD = PFX_PLOT_COMMAND_CHARS * 2 / 3, TAIL = PFX_PLOT_COMMAND_CHARS - HEAD - 3 };
	size_t len = strlen(cmd), chars = 0, n;

	/* characters, not bytes: a path in another script is one per glyph */
	for (size_t i = 0; i < len; i += n ? n : 1, chars++)
		n = pfx_safetext_char(cmd + i, len - i);
	if (chars <= PFX_PLOT_COMMAND_CHARS) {
		snprintf(buf, size, "%s", cmd);
		return;
	}
	/* the program and its first arguments, " ... ", the last ones (often
	 * the file or size); U+2026 between spaces, so the cut reads as one */
	snprintf(buf, size, "%.*s \xe2\x80\xa6 %s", (int)char_offset(cmd, len, HEAD), cmd,
		 cmd + char_offset(cmd, len, chars - TAIL));
}

/* What every record chart shows under its title: what was recorded. */
static void write_record_vars(FILE *vars, const struct pfx_analysis *rep,
			      struct pfx_plot_notes *notes)
{
	char line[1024], what[128], command[PFX_PLOT_COMMAND_CHARS * 4 + 8];

	/* The report's words: recorded N of M faults (X% lost). */
	if (!pfx_analysis_lost_note(rep, what, sizeof(what))[0])
		snprintf(what, sizeof(what), "%llu faults%s", (unsigned long long)notes->items,
			 notes->lost ? ", some records lost" : "");
	pfx_plot_short_command(command, sizeof(command), rep->header.command);
	snprintf(line, sizeof(line), "%s   (%s via %s, kernel %s)", command, what, rep->header.source,
		 rep->header.kernel);
	pfx_gnuplot_set_string(vars, "subtitle", line);
	snprintf(notes->subtitle, sizeof(notes->subtitle), "%.*s", (int)sizeof(notes->subtitle) - 1, line);
	pfx_gnuplot_set_number(vars, "lost", (double)notes->lost);
}

/* ---- writing data files ---- */

int pfx_plot_open_table(struct pfx_outfile *out, const char *dir, const char *name,
			FILE *vars, const char *var)
{
	char *path;
	int err;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	err = pfx_outfile_create(out, path);
	free(path);
	if (!err) {
		fprintf(vars, "%s = pfx_dir.", var);
		pfx_gnuplot_string(vars, name);
		fputc('\n', vars);
	}
	return err;
}

/* ---- timeline: fault rates over time ---- */

/* Aim for this many time bins: enough to see phases, few enough that
 * each bin holds a meaningful count. */
#define TIMELINE_BINS 150

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

static int write_timeline_table(const uint64_t (*counts)[PFX_COL_COUNT], size_t bins,
				uint64_t bin_ns, const char *dir, FILE *vars)
{
	struct pfx_outfile out;
	double bin_s = bin_ns / NS_PER_S;
	int err = pfx_plot_open_table(&out, dir, "timeline.dat", vars, "data");

	if (err)
		return err;
	fprintf(out.fp, "# time_s minor_per_s major_per_s unknown_per_s minor major unknown\n");
	for (size_t i = 0; i < bins; i++) {
		const uint64_t *c = counts[i];

		fprintf(out.fp, "%.9f %.6g %.6g %.6g %llu %llu %llu\n", (i + 0.5) * bin_s,
			c[PFX_COL_MINOR] / bin_s, c[PFX_COL_MAJOR] / bin_s, c[PFX_COL_UNKNOWN] / bin_s,
			(unsigned long long)c[PFX_COL_MINOR], (unsigned long long)c[PFX_COL_MAJOR],
			(unsigned long long)c[PFX_COL_UNKNOWN]);
	}
	return pfx_outfile_commit(&out);
}

int pfx_plot_format_timeline(const struct pfx_analysis *rep, const char *dir, FILE *vars,
			     struct pfx_plot_notes *notes)
{
	uint64_t (*counts)[PFX_COL_COUNT] = NULL, totals[PFX_COL_COUNT], bin_ns = 0;
	size_t bins = 0;
	int err;

	take_notes(rep, notes);
	err = pfx_timeline_bin(&rep->timeline, TIMELINE_BINS, &counts, &bins, &bin_ns, totals);
	if (!err)
		err = write_timeline_table((const uint64_t (*)[PFX_COL_COUNT])counts, bins, bin_ns, dir, vars);
	if (!err) {
		pfx_gnuplot_set_string(vars, "title", "Page faults over time");
		write_record_vars(vars, rep, notes);
		pfx_gnuplot_set_number(vars, "bin_s", bin_ns / NS_PER_S);
		set_duration_label(vars, "bin_label", bin_ns);
		pfx_gnuplot_set_number(vars, "total_minor", (double)totals[PFX_COL_MINOR]);
		pfx_gnuplot_set_number(vars, "total_major", (double)totals[PFX_COL_MAJOR]);
		pfx_gnuplot_set_number(vars, "total_unknown", (double)totals[PFX_COL_UNKNOWN]);
	}
	free(counts);
	return err;
}

int pfx_plot_data_timeline(const char *input, const char *dir, FILE *vars,
			   struct pfx_plot_notes *notes)
{
	return analyse_and_format(input, &(struct pfx_analysis_opts){ .timeline = true },
				  pfx_plot_format_timeline, dir, vars, notes);
}

/* ---- regions: the analysis's region groups (region_groups.h) ---- */

static void size_label(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = bytes / 1024.0;
	size_t u = 0;

	while (v >= 1024 && u + 1 < PFX_ARRAY_SIZE(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, v >= 100 ? "%.0f %s" : "%.3g %s", v, units[u]);
}

static void add_kind_counts(uint64_t *cols, const struct pfx_region_group *r)
{
	for (int c = 0; c < PFX_COL_COUNT; c++)
		cols[c] += r->by_kind[c];
}

/* ---- regions chart: faults per region ---- */

/* Bars beyond this many are summed into one "other" bar. */
#define REGIONS_SHOWN 8

/* A row of the table: its label's index in region_label, then the counts
 * (labels stay out of data files: only pfx_gnuplot_string writes them). */
static void write_region_row(FILE *fp, size_t label, const uint64_t *c)
{
	fprintf(fp, "%zu %llu %llu %llu\n", label, (unsigned long long)c[PFX_COL_MINOR],
		(unsigned long long)c[PFX_COL_MAJOR], (unsigned long long)c[PFX_COL_UNKNOWN]);
}

/* "ARRAY[i] = 'first'."\n".'second'": a two-line label; format: as a tic
 * label gnuplot formats (pfx_gnuplot_format_string). */
static void set_two_line_label(FILE *vars, const char *array, size_t i, const char *first,
			       const char *second, bool format)
{
	void (*quote)(FILE *, const char *) = format ? pfx_gnuplot_format_string : pfx_gnuplot_string;

	fprintf(vars, "%s[%zu] = ", array, i);
	quote(vars, first);
	fputs(".\"\\n\".", vars);
	quote(vars, second);
	fputc('\n', vars);
}

static int write_regions_table(const struct pfx_region_group **list, size_t n, const char *dir,
			       FILE *vars, uint64_t *totals)
{
	struct pfx_outfile out;
	uint64_t other[PFX_COL_COUNT] = { 0 };
	size_t others = 0, shown = n < REGIONS_SHOWN ? n : REGIONS_SHOWN;
	size_t labels = shown + (n > shown);
	int err = pfx_plot_open_table(&out, dir, "regions.dat", vars, "data");

	if (err)
		return err;
	fprintf(vars, "array region_label[%zu]\n", labels ? labels : 1);
	fprintf(out.fp, "# label minor major unknown  (label: index in region_label, name and start address)\n");
	for (size_t i = 0; i < n; i++) {
		uint64_t cols[PFX_COL_COUNT] = { 0 };
		char name[96], addr[32];

		add_kind_counts(totals, list[i]);
		if (i >= REGIONS_SHOWN) {
			add_kind_counts(other, list[i]);
			others++;
			continue;
		}
		add_kind_counts(cols, list[i]);
		pfx_region_group_name(list[i], name, sizeof(name));
		snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)list[i]->start);
		set_two_line_label(vars, "region_label", i + 1, name, addr, false);
		write_region_row(out.fp, i + 1, cols);
	}
	if (others) {
		char count[32];

		snprintf(count, sizeof(count), "%zu other", others);
		set_two_line_label(vars, "region_label", shown + 1, count, "regions", false);
		write_region_row(out.fp, shown + 1, other);
	}
	return pfx_outfile_commit(&out);
}

int pfx_plot_format_regions(const struct pfx_analysis *rep, const char *dir, FILE *vars,
			    struct pfx_plot_notes *notes)
{
	uint64_t totals[PFX_COL_COUNT] = { 0 };
	int err;

	take_notes(rep, notes);
	err = write_regions_table(rep->busiest, rep->nbusiest, dir, vars, totals);
	if (!err) {
		pfx_gnuplot_set_string(vars, "title", "Page faults per memory region");
		write_record_vars(vars, rep, notes);
		pfx_gnuplot_set_number(vars, "regions", (double)rep->nbusiest);
		pfx_gnuplot_set_number(vars, "total_minor", (double)totals[PFX_COL_MINOR]);
		pfx_gnuplot_set_number(vars, "total_major", (double)totals[PFX_COL_MAJOR]);
		pfx_gnuplot_set_number(vars, "total_unknown", (double)totals[PFX_COL_UNKNOWN]);
	}
	return err;
}

int pfx_plot_data_regions(const char *input, const char *dir, FILE *vars,
			  struct pfx_plot_notes *notes)
{
	return analyse_and_format(input, &(struct pfx_analysis_opts){ .groups = true },
				  pfx_plot_format_regions, dir, vars, notes);
}

/* ---- diff: two recordings side by side ---- */

/* Regions the diff chart shows: the largest changes (compare's order). */
#define DIFF_REGIONS 12

/* A label's path line: long ones cut to their base name (the chart has
 * room for ~30 characters under a bar pair; pfx diff prints it whole). */
#define DIFF_LABEL_CHARS 30

/* "kind" over "process/path" (path alone when matched by path only), as
 * 'pfx diff' names the row. */
static void set_diff_region_label(FILE *vars, size_t i, const struct pfx_compare *c,
				  const struct pfx_compare_region *r)
{
	const char *slash = strrchr(r->path, '/'), *path = r->path;
	char *where = NULL;

	if (strlen(path) > DIFF_LABEL_CHARS && slash && slash[1])
		path = slash + 1;
	if (asprintf(&where, "%s%s%s%s", c->per_process && r->process ? r->process : "",
		     c->per_process ? "/" : "", path == r->path ? "" : ".../", path) < 0)
		where = NULL;
	set_two_line_label(vars, "region_label", i, r->kind, where ? where : path, false);
	free(where);
}

static int write_diff_regions(const struct pfx_compare *c, const char *dir, FILE *vars)
{
	size_t n = c->nregions < DIFF_REGIONS ? c->nregions : DIFF_REGIONS;
	struct pfx_outfile out;
	int err = pfx_plot_open_table(&out, dir, "diff.dat", vars, "data");

	if (err)
		return err;
	fprintf(vars, "array region_label[%zu]\n", n ? n : 1);
	fprintf(out.fp, "# label a_faults b_faults  (label: index in region_label, kind and path)\n");
	for (size_t i = 0; i < n; i++) {
		const struct pfx_compare_region *r = &c->regions[i];

		set_diff_region_label(vars, i + 1, c, r);
		fprintf(out.fp, "%zu %" PRIu64 " %" PRIu64 "\n", i + 1, r->faults[PFX_CMP_A],
			r->faults[PFX_CMP_B]);
	}
	pfx_gnuplot_set_number(vars, "regions", (double)n);
	return pfx_outfile_commit(&out);
}

/* p50, p90, p99 of each kind either side measured (not the max: one
 * fault), in microseconds; 0 where a side has none of that kind. */
static int write_diff_latency(const struct pfx_compare *c, const char *dir, FILE *vars)
{
	struct pfx_outfile out;
	size_t n = 0;
	int err = pfx_plot_open_table(&out, dir, "diff-latency.dat", vars, "lat_data");

	if (err)
		return err;
	fprintf(vars, "array lat_label[%zu]\n", c->nlatency ? c->nlatency : 1);
	fprintf(out.fp, "# label a_us b_us  (label: index in lat_label, kind and percentile)\n");
	for (size_t i = 0; i < c->nlatency; i++) {
		const struct pfx_compare_latency *l = &c->latency[i];

		if (strcmp(l->pct, "max") == 0)
			continue;
		n++;
		set_two_line_label(vars, "lat_label", n, pfx_kind_col_name(l->col), l->pct, false);
		fprintf(out.fp, "%zu %.3f %.3f\n", n, (double)l->ns[PFX_CMP_A] / 1e3,
			(double)l->ns[PFX_CMP_B] / 1e3);
	}
	pfx_gnuplot_set_number(vars, "lat_rows", (double)n);
	return pfx_outfile_commit(&out);
}

int pfx_plot_format_diff(const struct pfx_compare *c, const char *file_a, const char *file_b,
			 const char *dir, FILE *vars, struct pfx_plot_notes *notes)
{
	const uint64_t *faults = c->totals[PFX_CMP_FAULTS];
	char title[1024], subtitle[512], pct[3][32];
	int err;

	if (!faults[PFX_CMP_A] && !faults[PFX_CMP_B])
		return -ENOMSG;
	/* the figures pfx diff prints: totals and their change */
	snprintf(title, sizeof(title), "%s vs %s: faults %" PRIu64 " -> %" PRIu64 " (%s)", file_a, file_b,
		 faults[PFX_CMP_A], faults[PFX_CMP_B],
		 pfx_compare_change_text(pct[0], sizeof(pct[0]), faults, NULL));
	snprintf(subtitle, sizeof(subtitle), "minor %" PRIu64 " -> %" PRIu64 " (%s), major %" PRIu64
		 " -> %" PRIu64 " (%s)%s", c->totals[PFX_CMP_MINOR][PFX_CMP_A],
		 c->totals[PFX_CMP_MINOR][PFX_CMP_B],
		 pfx_compare_change_text(pct[1], sizeof(pct[1]), c->totals[PFX_CMP_MINOR], NULL),
		 c->totals[PFX_CMP_MAJOR][PFX_CMP_A], c->totals[PFX_CMP_MAJOR][PFX_CMP_B],
		 pfx_compare_change_text(pct[2], sizeof(pct[2]), c->totals[PFX_CMP_MAJOR], NULL),
		 c->same ? "; no change" : "");
	pfx_gnuplot_set_string(vars, "title", title);
	pfx_gnuplot_set_string(vars, "subtitle", subtitle);
	pfx_gnuplot_set_string(vars, "file_a", file_a);
	pfx_gnuplot_set_string(vars, "file_b", file_b);
	pfx_gnuplot_set_number(vars, "total_a", (double)faults[PFX_CMP_A]);
	pfx_gnuplot_set_number(vars, "total_b", (double)faults[PFX_CMP_B]);
	snprintf(notes->subtitle, sizeof(notes->subtitle), "%s", subtitle);
	notes->items = faults[PFX_CMP_A] + faults[PFX_CMP_B];
	err = write_diff_regions(c, dir, vars);
	if (!err)
		err = write_diff_latency(c, dir, vars);
	return err;
}

/* ---- heatmap: faults per address row and time bin ---- */

static int write_heatmap_table(const struct pfx_heat_layout *h, const char *dir, FILE *vars)
{
	struct pfx_outfile out;
	double bin_s = h->bin_ns / NS_PER_S;
	int err = pfx_plot_open_table(&out, dir, "heatmap.dat", vars, "data");

	if (err)
		return err;
	fprintf(out.fp, "# time_s row faults  (one block per time bin; rows: see the script's region arrays)\n");
	for (size_t b = 0; b < h->bins; b++) {
		for (unsigned row = 0; row < h->rows; row++)
			fprintf(out.fp, "%.9f %u %u\n", (b + 0.5) * bin_s, row, h->cells[b * h->rows + row]);
		fputc('\n', out.fp);
	}
	return pfx_outfile_commit(&out);
}

/* The gaps folded out of regions: a dotted line at the first row after
 * each; the first of a region's gaps carries the label, for all of them
 * ("2 gaps without faults folded, 1.2 GiB"), so labels do not pile up. */
static void write_heatmap_breaks(const struct pfx_heat_layout *h, FILE *vars)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < h->n_bands; i++)
		n += h->bands[i].n_runs - 1;
	fprintf(vars, "breaks = %zu\narray break_row[%zu]\narray break_label[%zu]\n", n, n ? n : 1,
		n ? n : 1);
	for (size_t i = 0; i < h->n_bands; i++) {
		const struct pfx_heat_band *b = &h->bands[i];
		uint64_t folded = 0;
		char size[32], label[96];

		for (size_t r = 1; r < b->n_runs; r++)
			folded += b->runs[r].lo - b->runs[r - 1].hi;
		size_label(folded, size, sizeof(size));
		if (b->n_runs > 2)
			snprintf(label, sizeof(label), "%zu gaps without faults folded, %s", b->n_runs - 1, size);
		else
			snprintf(label, sizeof(label), "%s without faults folded", size);
		for (size_t r = 1; r < b->n_runs; r++) {
			k++;
			fprintf(vars, "break_row[%zu] = %u; break_label[%zu] = ", k, b->runs[r].row0, k);
			pfx_gnuplot_string(vars, r == 1 ? label : "");
			fputc('\n', vars);
		}
	}
}

/* The labels the template puts on the address axis, as gnuplot arrays. */
static void write_heatmap_vars(const struct pfx_heat_layout *h, FILE *vars)
{
	size_t n = h->n_bands;

	fprintf(vars, "rows = %u\nregions = %zu\n", h->rows, n);
	fprintf(vars, "array region_name[%zu]\narray region_addr[%zu]\n", n, n);
	fprintf(vars, "array region_row0[%zu]\narray region_rows[%zu]\narray region_tic[%zu]\n", n, n, n);
	for (size_t i = 0; i < n; i++) {
		const struct pfx_heat_band *b = &h->bands[i];
		char name[96], addr[96], size[32];

		/* the region's (or file group's) start and size, as the
		 * report has them: its rows cover only the faulted pages */
		pfx_region_group_name(b->region, name, sizeof(name));
		size_label(b->region->end - b->region->start, size, sizeof(size));
		snprintf(addr, sizeof(addr), "0x%llx +%s", (unsigned long long)b->region->start, size);
		fprintf(vars, "region_name[%zu] = ", i + 1);
		pfx_gnuplot_string(vars, name);
		fprintf(vars, "; region_addr[%zu] = ", i + 1);
		pfx_gnuplot_string(vars, addr);
		fprintf(vars, "; region_row0[%zu] = %u; region_rows[%zu] = %u\n", i + 1, b->row0,
			i + 1, b->rows);
		set_two_line_label(vars, "region_tic", i + 1, name, addr, true);
	}
	write_heatmap_breaks(h, vars);
}

int pfx_plot_format_heatmap(const struct pfx_analysis *rep, const char *dir, FILE *vars,
			    struct pfx_plot_notes *notes)
{
	struct pfx_heat_layout h = { 0 };
	int err;

	take_notes(rep, notes);
	err = pfx_heat_layout_build(&h, rep);
	if (!err)
		err = write_heatmap_table(&h, dir, vars);
	if (!err) {
		pfx_gnuplot_set_string(vars, "title", "Page faults by address and time");
		write_record_vars(vars, rep, notes);
		write_heatmap_vars(&h, vars);
		set_duration_label(vars, "bin_label", h.bin_ns);
		pfx_gnuplot_set_number(vars, "hidden_regions", (double)h.hidden_regions);
		pfx_gnuplot_set_number(vars, "hidden_faults", (double)h.hidden_faults);
	}
	pfx_heat_layout_free(&h);
	return err;
}

int pfx_plot_data_heatmap(const char *input, const char *dir, FILE *vars,
			  struct pfx_plot_notes *notes)
{
	return analyse_and_format(input, &(struct pfx_analysis_opts){ .keep_faults = true },
				  pfx_plot_format_heatmap, dir, vars, notes);
}

/* ---- latency: distribution of fault latency ---- */

/* The analysis's latency histograms (lat_hist.h), per kind: the chart's
 * power-of-two bins ([2^k, 2^(k+1)) ns) and the percentiles in its title
 * are the numbers the report prints. */
static int write_latency_table(const struct pfx_analysis *rep, const char *dir, FILE *vars)
{
	struct pfx_outfile out;
	int first = -1, last = -1;
	int err = pfx_plot_open_table(&out, dir, "latency.dat", vars, "data");

	if (err)
		return err;
	for (int i = 0; i < PFX_LAT_OCTAVES; i++) {
		for (int c = 0; c < PFX_COL_COUNT; c++) {
			if (pfx_lat_hist_octave(&rep->lat[c], (unsigned)i)) {
				if (first < 0)
					first = i;
				last = i;
			}
		}
	}
	pfx_gnuplot_set_number(vars, "lat_lo_us", ldexp(1, first) / 1e3);
	pfx_gnuplot_set_number(vars, "lat_hi_us", ldexp(1, last + 1) / 1e3);
	fprintf(out.fp, "# low_us high_us minor major unknown\n");
	for (int i = first; i >= 0 && i <= last; i++)
		fprintf(out.fp, "%.3f %.3f %llu %llu %llu\n", ldexp(1, i) / 1e3, ldexp(1, i + 1) / 1e3,
			(unsigned long long)pfx_lat_hist_octave(&rep->lat[PFX_COL_MINOR], (unsigned)i),
			(unsigned long long)pfx_lat_hist_octave(&rep->lat[PFX_COL_MAJOR], (unsigned)i),
			(unsigned long long)pfx_lat_hist_octave(&rep->lat[PFX_COL_UNKNOWN], (unsigned)i));
	return pfx_outfile_commit(&out);
}

/* The percentiles as the report prints them ("3264ns", "48.1us"), for the
 * chart's title: the same text in both; and as numbers (us). */
static void set_pcts(FILE *vars, const struct pfx_analysis *rep)
{
	static const int pcts[] = { 50, 99 };

	for (int c = 0; c < PFX_COL_COUNT; c++) {
		for (size_t i = 0; i < PFX_ARRAY_SIZE(pcts); i++) {
			char name[32], text[32];

			snprintf(name, sizeof(name), "%s_p%d_text", pfx_kind_col_name(c), pcts[i]);
			pfx_lat_fmt_ns(text, sizeof(text), pfx_analysis_latency_pct(rep, c, pcts[i]));
			pfx_gnuplot_set_string(vars, name, text);
		}
	}
	for (int c = 0; c < PFX_COL_COUNT; c++) {
		for (size_t i = 0; i < PFX_ARRAY_SIZE(pcts); i++) {
			char name[32];

			snprintf(name, sizeof(name), "%s_p%d_us", pfx_kind_col_name(c), pcts[i]);
			pfx_gnuplot_set_number(vars, name, pfx_lat_hist_pct_ns(&rep->lat[c], pcts[i]) / 1e3);
		}
	}
}

int pfx_plot_format_latency(const struct pfx_analysis *rep, const char *dir, FILE *vars,
			    struct pfx_plot_notes *notes)
{
	uint64_t measured = 0;
	int err = 0;

	take_notes(rep, notes);
	for (int c = 0; c < PFX_COL_COUNT; c++)
		measured += rep->lat[c].count;
	if (!(rep->header.flags & PFX_REC_HAS_LATENCY) || !measured)
		err = -EOPNOTSUPP;
	if (!err)
		err = write_latency_table(rep, dir, vars);
	if (!err) {
		pfx_gnuplot_set_string(vars, "title", "Page fault latency");
		write_record_vars(vars, rep, notes);
		set_pcts(vars, rep);
		pfx_gnuplot_set_number(vars, "total_minor", (double)rep->lat[PFX_COL_MINOR].count);
		pfx_gnuplot_set_number(vars, "total_major", (double)rep->lat[PFX_COL_MAJOR].count);
		pfx_gnuplot_set_number(vars, "total_unknown", (double)rep->lat[PFX_COL_UNKNOWN].count);
	}
	return err;
}

int pfx_plot_data_latency(const char *input, const char *dir, FILE *vars,
			  struct pfx_plot_notes *notes)
{
	return analyse_and_format(input, &(struct pfx_analysis_opts){ 0 }, pfx_plot_format_latency,
				  dir, vars, notes);
}

/* ---- wss: working-set size and RSS over time ---- */

/* Sizes and times a sample can hold: 64 PiB, a century. */
#define WSS_BYTES_MAX (1ull << 56)
#define WSS_TIME_MAX (100.0 * 365 * 24 * 3600)

/* "pfx-load (pid 123), method refs, every 0.2 s" from what the file says. */
static void wss_subtitle(const struct pfx_wssfile_header *h, const char *method, char *buf,
			 size_t size)
{
	size_t len = 0;

	if (h->comm[0])
		len += (size_t)snprintf(buf + len, size - len, "%s, ", h->comm);
	if (h->pid && len < size)
		len += (size_t)snprintf(buf + len, size - len, "pid %u, ", h->pid);
	if (len < size)
		len += (size_t)snprintf(buf + len, size - len, "method %s", method[0] ? method : "not named");
	if (h->interval_s > 0 && len < size)
		snprintf(buf + len, size - len, ", every %g s", h->interval_s);
}

int pfx_plot_data_wss(const char *input, const char *dir, FILE *vars,
		      struct pfx_plot_notes *notes)
{
	struct pfx_wssfile_sample s;
	struct pfx_wssfile_header header = { 0 };
	struct pfx_outfile out;
	char subtitle[160];
	char method[sizeof(s.method)] = "";
	bool has_rss = false;
	double peak_wss = 0, last_time = 0;
	struct pfx_jl_input capped;
	int ret, err;
	FILE *in = pfx_jl_open(input, &capped, &err);

	memset(notes, 0, sizeof(*notes));
	if (!in)
		return err;
	err = pfx_plot_open_table(&out, dir, "wss.dat", vars, "data");
	if (err) {
		fclose(in);
		return err;
	}
	fprintf(out.fp, "# time_s wss_mib rss_mib\n");
	while ((ret = pfx_wssfile_next(in, &s, &header, &notes->bad_line)) > 0) {
		if (notes->items % STOP_CHECK_ITEMS == STOP_CHECK_ITEMS - 1 && pfx_sig_stop_requested()) {
			ret = -EINTR;
			break;
		}
		/* every number from the file is range-checked: 1e30 bytes
		 * charted as 8.8e12 MiB */
		if (s.wss_bytes > WSS_BYTES_MAX || (s.has_rss && s.rss_bytes > WSS_BYTES_MAX) ||
		    !(s.time_s >= 0 && s.time_s <= WSS_TIME_MAX) ||
		    !(header.interval_s >= 0 && header.interval_s <= WSS_TIME_MAX)) {
			ret = -ERANGE;
			break;
		}
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
	if (ret == 0 && capped.too_long) {
		ret = -EFBIG;
		notes->bad_line = capped.lines + 1;
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
	wss_subtitle(&header, method, subtitle, sizeof(subtitle));
	pfx_gnuplot_set_string(vars, "subtitle", subtitle);
	snprintf(notes->subtitle, sizeof(notes->subtitle), "%s", subtitle);
	pfx_gnuplot_set_number(vars, "has_rss", has_rss);
	pfx_gnuplot_set_number(vars, "samples", (double)notes->items);
	pfx_gnuplot_set_number(vars, "peak_wss_mib", peak_wss);
	pfx_gnuplot_set_number(vars, "last_time_s", last_time);
	return 0;
}
