/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot_json: the .dat writers of the charts drawn from other commands'
 * JSON output (stat, thp, maps, wss --profile, top), and telling which
 * command wrote a file.  Every number read is range-checked before it
 * reaches a table, every string is written through gnuplot.h's quoting,
 * and what is kept in memory is capped (JSON_ROWS_MAX rows, SERIES_MAX
 * series): a file can be large or hostile, the chart stays bounded. */
#include "config.h"
#include "plot_data.h"
#include "gnuplot.h"
#include "jsonline.h"
#include "output.h"
#include "recfile.h"
#include "sig.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Rows (intervals, frames x processes, samples) kept from one file: a
 * day of 'pfx stat -I 100' per thread of a few threads. */
#define JSON_ROWS_MAX (1u << 21)
/* Distinct threads/processes/CPUs told apart; more fall into "other". */
#define SERIES_MAX 4096
/* Series drawn: the busiest, then (stacked charts) one for the rest. */
#define SERIES_SHOWN 8
/* Counts, rates and sizes a file may hold: beyond is not a real run. */
#define JSON_VALUE_MAX 1e18
#define JSON_TIME_MAX (100.0 * 365 * 24 * 3600)
#define MIB (1024.0 * 1024.0)
/* Lines read between two looks at the stop flag. */
#define STOP_CHECK_LINES 65536

/* ---- which command wrote a file ---- */

static enum pfx_plot_input kind_of_line(const char *line)
{
	if (pfx_jl_is(line, "command", "maps") && pfx_jl_find(line, "mappings"))
		return PFX_PLOT_FROM_MAPS;
	if (pfx_jl_is(line, "type", "header")) {
		/* stat first: its "command" is the user's, which may be "thp" */
		if (pfx_jl_find(line, "description") && pfx_jl_array(line, "pids"))
			return PFX_PLOT_FROM_STAT;
		if (pfx_jl_is(line, "command", "thp"))
			return PFX_PLOT_FROM_THP;
		if (pfx_jl_is(line, "command", "wss"))
			return pfx_jl_is(line, "mode", "profile") ? PFX_PLOT_FROM_WSS_PROFILE :
								    PFX_PLOT_FROM_WSS;
		return PFX_PLOT_FROM_UNKNOWN;
	}
	if (pfx_jl_is(line, "type", "sample")) {
		if (pfx_jl_array(line, "rows"))
			return PFX_PLOT_FROM_TOP;
		if (pfx_jl_find(line, "wss_bytes"))
			return PFX_PLOT_FROM_WSS;
	}
	if (pfx_jl_is(line, "type", "interval") && pfx_jl_find(line, "minor_per_s"))
		return PFX_PLOT_FROM_STAT;
	return PFX_PLOT_FROM_UNKNOWN;
}

int pfx_plot_input_kind(const char *input, enum pfx_plot_input *kind)
{
	struct pfx_jl_input capped;
	struct pfx_rec_reader *reader;
	char *line = NULL;
	size_t cap = 0;
	int err;
	FILE *in = pfx_jl_open(input, &capped, &err);

	if (!in)
		return err;
	*kind = PFX_PLOT_FROM_UNKNOWN;
	while (getline(&line, &cap, in) >= 0) {
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		*kind = kind_of_line(line);
		break;
	}
	free(line);
	fclose(in);
	if (*kind == PFX_PLOT_FROM_UNKNOWN && pfx_rec_reader_open(&reader, input) == 0) {
		*kind = PFX_PLOT_FROM_RECORD;
		pfx_rec_reader_close(reader);
	}
	return 0;
}

const char *pfx_plot_input_command(enum pfx_plot_input kind)
{
	switch (kind) {
	case PFX_PLOT_FROM_RECORD: return "pfx record";
	case PFX_PLOT_FROM_WSS: return "pfx wss --format json";
	case PFX_PLOT_FROM_WSS_PROFILE: return "pfx wss --profile STEPS --format json";
	case PFX_PLOT_FROM_STAT: return "pfx stat -I MSEC --format json";
	case PFX_PLOT_FROM_THP: return "pfx thp --format json";
	case PFX_PLOT_FROM_MAPS: return "pfx maps --format json";
	case PFX_PLOT_FROM_TOP: return "pfx top -b --format json";
	case PFX_PLOT_FROM_DIFF: return "pfx record (two recordings)";
	case PFX_PLOT_FROM_UNKNOWN: break;
	}
	return "none of pfx's commands";
}

/* ---- reading a file line by line ---- */

struct json_pass {
	enum pfx_plot_input want;
	/* 0, or -EBADMSG / -ERANGE / -E2BIG / -ENOMEM for the line */
	int (*line)(void *ctx, const char *line);
	void *ctx;
};

/* Feed every line of input to pass, after checking its first line says
 * the input is what the chart draws (-EMEDIUMTYPE, notes->found_kind). */
static int read_json(const char *input, const struct json_pass *pass, struct pfx_plot_notes *notes)
{
	struct pfx_jl_input capped;
	char *line = NULL;
	size_t cap = 0;
	unsigned long line_no = 0;
	bool first = true;
	int ret = 0, err;
	FILE *in = pfx_jl_open(input, &capped, &err);

	memset(notes, 0, sizeof(*notes));
	if (!in)
		return err;
	while (getline(&line, &cap, in) >= 0) {
		/* a stop signal (sig.h) ends a long read: pfx plot cleans up */
		if (++line_no % STOP_CHECK_LINES == 0 && pfx_sig_stop_requested()) {
			ret = -EINTR;
			break;
		}
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (first) {
			first = false;
			notes->found_kind = kind_of_line(line);
			if (notes->found_kind != pass->want) {
				ret = -EMEDIUMTYPE;
				break;
			}
		}
		ret = pass->line(pass->ctx, line);
		if (ret < 0)
			break;
	}
	if (ret == 0 && capped.too_long) {
		ret = -EFBIG;
		line_no = capped.lines + 1;
	} else if (ret == 0 && ferror(in)) {
		ret = -EIO;
	}
	if (ret == 0 && first)
		ret = -ENOMSG;
	notes->bad_line = ret ? line_no : 0;
	free(line);
	fclose(in);
	return ret;
}

/* A number in [0, max]: 0, -ENOENT (absent or null), -ERANGE, -EBADMSG. */
static int json_value(const char *obj, const char *key, double max, double *out)
{
	int err = pfx_jl_number(obj, key, out);

	if (!err && !(*out >= 0 && *out <= max))
		return -ERANGE;
	return err;
}

/* The same for a value the chart needs: absent is -EBADMSG. */
static int json_required(const char *obj, const char *key, double max, double *out)
{
	int err = json_value(obj, key, max, out);

	return err == -ENOENT ? -EBADMSG : err;
}

/* The same for a value that may be missing: then def. */
static int json_optional(const char *obj, const char *key, double max, double def, double *out)
{
	int err = json_value(obj, key, max, out);

	if (err == -ENOENT) {
		*out = def;
		return 0;
	}
	return err;
}

static int open_json_table(struct pfx_outfile *out, const char *dir, const char *name, FILE *vars)
{
	return pfx_plot_open_table(out, dir, name, vars, "data");
}

static int finish_table(struct pfx_outfile *out)
{
	if (ferror(out->fp)) {
		pfx_outfile_abort(out);
		return -EIO;
	}
	return pfx_outfile_commit(out);
}

/* The chart's subtitle, kept in notes for the --all page too. */
static void set_subtitle(FILE *vars, struct pfx_plot_notes *notes, const char *text)
{
	snprintf(notes->subtitle, sizeof(notes->subtitle), "%s", text);
	pfx_gnuplot_set_string(vars, "subtitle", notes->subtitle);
}

/* ---- series over time: stat (stacked) and top (lines) ---- */

struct series {
	char label[64];
	double weight;		/* what "busiest" is sorted by */
	unsigned shown;		/* column 1..SERIES_SHOWN, or 0 */
};

struct slot {
	double time, seconds;
};

struct point {
	uint32_t slot, series;
	double minor, major;	/* faults/s */
};

struct timeseries {
	struct pfx_u64map index;	/* key -> series index + 1 */
	struct series *series;
	size_t n_series, series_cap;
	struct slot *slots;
	size_t n_slots, slots_cap;
	struct point *points;
	size_t n_points, points_cap;
	size_t shown;		/* series drawn (the busiest) */
	bool other;		/* more series than shown, summed as "other" */
	double total_minor, total_major;
};

static int ts_init(struct timeseries *t)
{
	memset(t, 0, sizeof(*t));
	return pfx_u64map_init(&t->index, sizeof(size_t));
}

static void ts_free(struct timeseries *t)
{
	pfx_u64map_free(&t->index);
	free(t->series);
	free(t->slots);
	free(t->points);
}

/* The slot for a row at time: a new one when the time changes (rows of
 * one interval or frame come together). */
static int ts_slot(struct timeseries *t, double time, double seconds)
{
	if (t->n_slots && t->slots[t->n_slots - 1].time == time)
		return 0;
	if (t->n_slots >= JSON_ROWS_MAX)
		return -E2BIG;
	if (PFX_GROW(t->slots, t->slots_cap, t->n_slots + 1, 256))
		return -ENOMEM;
	t->slots[t->n_slots++] = (struct slot){ time, seconds };
	return 0;
}

/* Add a point of series key (label for a new one) to the current slot.
 * Past SERIES_MAX series, new ones share the last, "other". */
static int ts_add(struct timeseries *t, uint64_t key, const char *label, double minor, double major,
		  double weight)
{
	bool is_new;
	size_t *idx, s;

	if (!t->n_slots)
		return -EBADMSG;
	if (t->n_points >= JSON_ROWS_MAX)
		return -E2BIG;
	if (t->n_series >= SERIES_MAX) {
		s = SERIES_MAX - 1;
		snprintf(t->series[s].label, sizeof(t->series[s].label), "other");
	} else {
		idx = pfx_u64map_upsert(&t->index, key, &is_new);
		if (!idx)
			return -ENOMEM;
		if (is_new) {
			if (PFX_GROW(t->series, t->series_cap, t->n_series + 1, 16))
				return -ENOMEM;
			memset(&t->series[t->n_series], 0, sizeof(*t->series));
			*idx = ++t->n_series;
		}
		s = *idx - 1;
		/* the latest name: a process seen before its exec is named
		 * by what it became */
		snprintf(t->series[s].label, sizeof(t->series[s].label), "%s", label);
	}
	if (PFX_GROW(t->points, t->points_cap, t->n_points + 1, 256))
		return -ENOMEM;
	t->points[t->n_points++] = (struct point){ (uint32_t)(t->n_slots - 1), (uint32_t)s, minor, major };
	t->series[s].weight += weight;
	return 0;
}

static int by_weight(const void *a, const void *b)
{
	const struct series *x = *(const struct series *const *)a, *y = *(const struct series *const *)b;

	return x->weight > y->weight ? -1 : x->weight < y->weight;
}

/* Number the busiest SERIES_SHOWN series 1..n; the rest stay 0. */
static int ts_pick(struct timeseries *t)
{
	struct series **order = calloc(t->n_series ? t->n_series : 1, sizeof(*order));

	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_series; i++)
		order[i] = &t->series[i];
	qsort(order, t->n_series, sizeof(*order), by_weight);
	t->shown = t->n_series < SERIES_SHOWN ? t->n_series : SERIES_SHOWN;
	/* a series without faults is no line worth a legend entry */
	while (t->shown > 1 && order[t->shown - 1]->weight <= 0)
		t->shown--;
	for (size_t i = 0; i < t->shown; i++)
		order[i]->shown = (unsigned)i + 1;
	t->other = t->n_series > t->shown;
	free(order);
	return 0;
}

/* The series names as a gnuplot array, in column order. */
static void ts_write_names(const struct timeseries *t, FILE *vars, bool with_other)
{
	size_t n = t->shown + (with_other && t->other);

	fprintf(vars, "series = %zu\narray series_name[%zu]\n", n, n ? n : 1);
	for (size_t i = 0; i < t->n_series; i++) {
		if (!t->series[i].shown)
			continue;
		fprintf(vars, "series_name[%u] = ", t->series[i].shown);
		pfx_gnuplot_string(vars, t->series[i].label);
		fputc('\n', vars);
	}
	if (with_other && t->other)
		fprintf(vars, "series_name[%zu] = '%zu other%s'\n", n, t->n_series - t->shown,
			t->n_series - t->shown == 1 ? "" : "s");
}

/* One row per slot: time, width, then minor/s of each series, then
 * major/s of each.  stacked: each column is the sum of it and those
 * before it, "other" included (boxes drawn front to back); else '?' where
 * a series has no point (a gap, not a false 0), "other" left out. */
static int ts_write_table(const struct timeseries *t, FILE *fp, bool stacked)
{
	size_t cols = t->shown + (stacked && t->other);
	double *minor = calloc(cols ? cols : 1, sizeof(double)), *major = calloc(cols ? cols : 1, sizeof(double));
	bool *seen = calloc(cols ? cols : 1, sizeof(bool));
	size_t p = 0;

	if (!minor || !major || !seen) {
		free(minor);
		free(major);
		free(seen);
		return -ENOMEM;
	}
	fprintf(fp, "# time_s width_s minor_per_s[series...] major_per_s[series...]%s\n",
		stacked ? "  (stacked: running sums)" : "");
	for (size_t s = 0; s < t->n_slots; s++) {
		memset(minor, 0, cols * sizeof(double));
		memset(major, 0, cols * sizeof(double));
		memset(seen, 0, cols * sizeof(bool));
		for (; p < t->n_points && t->points[p].slot == s; p++) {
			const struct point *pt = &t->points[p];
			unsigned col = t->series[pt->series].shown;

			if (!col && !stacked)
				continue;
			col = col ? col - 1 : (unsigned)cols - 1;
			minor[col] += pt->minor;
			major[col] += pt->major;
			seen[col] = true;
		}
		fprintf(fp, "%.6f %.6f", t->slots[s].time, t->slots[s].seconds);
		for (int pass = 0; pass < 2; pass++) {
			const double *v = pass ? major : minor;
			double sum = 0;

			for (size_t c = 0; c < cols; c++) {
				sum = stacked ? sum + v[c] : v[c];
				if (stacked || seen[c])
					fprintf(fp, " %.1f", sum);
				else
					fputs(" ?", fp);
			}
		}
		fputc('\n', fp);
	}
	free(minor);
	free(major);
	free(seen);
	return 0;
}

/* Read input into t through pass, pick the busiest series, and write
 * the table DIR/NAME. */
static int ts_chart(const char *input, const struct json_pass *pass, struct timeseries *t,
		    const char *dir, const char *name, FILE *vars, bool stacked,
		    struct pfx_plot_notes *notes)
{
	struct pfx_outfile out;
	int err = read_json(input, pass, notes);

	if (!err && !t->n_points)
		err = -ENOMSG;
	if (!err)
		err = ts_pick(t);
	if (!err)
		err = open_json_table(&out, dir, name, vars);
	if (err)
		return err;
	err = ts_write_table(t, out.fp, stacked);
	if (err) {
		pfx_outfile_abort(&out);
		return err;
	}
	return finish_table(&out);
}

/* ---- stat: fault rates per interval ---- */

struct stat_chart {
	struct timeseries ts;
	char command[256], source[32];
	double alert_minor, alert_major;	/* -1: not set */
	bool per_thread;
	unsigned long intervals;
};

/* The key and label of an interval row: a thread, a CPU, a cgroup or a
 * process. */
static void stat_series(const char *line, uint64_t *key, char *label, size_t size, bool *per_thread)
{
	char cgroup[48];
	double v;

	if (json_value(line, "tid", 4294967295.0, &v) == 0) {
		bool plus = pfx_jl_is_true(line, "includes_running");

		/* pfx stat's "26306+": its counts include threads it started
		 * that have no row of their own yet; a series apart from the
		 * thread alone */
		*key = (1ull << 40) | (uint64_t)plus << 39 | (uint64_t)v;
		snprintf(label, size, !v ? "no thread" : plus ? "thread %.0f + threads not split out yet" :
			 "thread %.0f", v);
		*per_thread = true;
	} else if (json_value(line, "cpu", 1e6, &v) == 0) {
		*key = (2ull << 40) | (uint64_t)v;
		snprintf(label, size, "CPU %.0f", v);
	} else if (pfx_jl_string(line, "cgroup", cgroup, sizeof(cgroup)) == 0) {
		uint64_t h = 1469598103934665603ull;	/* FNV-1a of the path */

		for (const char *c = cgroup; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ull;
		*key = (3ull << 40) ^ (h & 0xffffffffffull);
		snprintf(label, size, "cgroup %s", cgroup);
	} else {
		*key = json_value(line, "pid", 4294967295.0, &v) == 0 ? (uint64_t)v : 0;
		snprintf(label, size, "pid %.0f", *key ? v : 0.0);
	}
}

static int stat_line(void *ctx, const char *line)
{
	struct stat_chart *c = ctx;
	double time, seconds, minor, major, counted;
	uint64_t key;
	char label[64];
	int err;

	if (pfx_jl_is(line, "type", "header")) {
		pfx_jl_string(line, "command", c->command, sizeof(c->command));
		pfx_jl_string(line, "source", c->source, sizeof(c->source));
		if ((err = json_optional(line, "alert_minor_per_s", JSON_VALUE_MAX, -1, &c->alert_minor)) ||
		    (err = json_optional(line, "alert_major_per_s", JSON_VALUE_MAX, -1, &c->alert_major)))
			return err;
		return 0;
	}
	if (!pfx_jl_is(line, "type", "interval"))
		return 0;
	if ((err = json_required(line, "time", JSON_TIME_MAX, &time)) ||
	    (err = json_required(line, "seconds", JSON_TIME_MAX, &seconds)) ||
	    (err = json_required(line, "minor_per_s", JSON_VALUE_MAX, &minor)) ||
	    (err = json_required(line, "major_per_s", JSON_VALUE_MAX, &major)) ||
	    (err = json_optional(line, "faults", JSON_VALUE_MAX, (minor + major) * seconds, &counted)))
		return err;
	stat_series(line, &key, label, sizeof(label), &c->per_thread);
	if ((err = ts_slot(&c->ts, time, seconds)) ||
	    (err = ts_add(&c->ts, key, label, minor, major, counted)))
		return err;
	c->ts.total_minor += minor * seconds;
	c->ts.total_major += major * seconds;
	c->intervals++;
	return 0;
}

int pfx_plot_data_stat(const char *input, const char *dir, FILE *vars,
		       struct pfx_plot_notes *notes)
{
	struct stat_chart c = { .alert_minor = -1, .alert_major = -1 };
	struct json_pass pass = { PFX_PLOT_FROM_STAT, stat_line, &c };
	char subtitle[512], command[PFX_PLOT_COMMAND_CHARS * 4 + 8];
	int err = ts_init(&c.ts);

	if (!err)
		err = ts_chart(input, &pass, &c.ts, dir, "stat.dat", vars, true, notes);
	if (!err) {
		notes->items = c.intervals;
		pfx_gnuplot_set_string(vars, "title", "Page faults per interval (pfx stat)");
		pfx_plot_short_command(command, sizeof(command), c.command[0] ? c.command : "?");
		snprintf(subtitle, sizeof(subtitle), "%s   (%lu intervals%s, counted by %s)", command, c.intervals,
			 c.ts.n_series > 1 ? (c.per_thread ? ", per thread" : ", per process") : "",
			 c.source[0] ? c.source : "?");
		set_subtitle(vars, notes, subtitle);
		ts_write_names(&c.ts, vars, true);
		pfx_gnuplot_set_number(vars, "total_minor", c.ts.total_minor);
		pfx_gnuplot_set_number(vars, "total_major", c.ts.total_major);
		pfx_gnuplot_set_number(vars, "alert_minor", c.alert_minor);
		pfx_gnuplot_set_number(vars, "alert_major", c.alert_major);
	}
	ts_free(&c.ts);
	return err;
}

/* ---- top: the busiest processes' fault rates over time ---- */

struct top_chart {
	struct timeseries ts;
	unsigned long frames;
	double max_processes;
};

static int top_line(void *ctx, const char *line)
{
	struct top_chart *c = ctx;
	const char *rows, *row;
	double time, interval, procs;
	int err;

	if (!pfx_jl_is(line, "type", "sample"))
		return 0;	/* alert lines */
	rows = pfx_jl_array(line, "rows");
	if (!rows)
		return -EBADMSG;
	if ((err = json_required(line, "time", JSON_TIME_MAX, &time)) ||
	    (err = json_optional(line, "interval", JSON_TIME_MAX, 0, &interval)) ||
	    (err = json_optional(line, "processes", JSON_VALUE_MAX, 0, &procs)) ||
	    (err = ts_slot(&c->ts, time, interval)))
		return err;
	if (procs > c->max_processes)
		c->max_processes = procs;
	c->frames++;
	while ((row = pfx_jl_next_object(&rows))) {
		char comm[40], label[64];
		double pid, minor, major;

		/* process rows only: cgroup sums (--cgroup) would count twice */
		if (pfx_jl_find(row, "kind") && !pfx_jl_is(row, "kind", "process"))
			continue;
		if (pfx_jl_find(row, "rate_known") && strncmp(pfx_jl_find(row, "rate_known"), "false", 5) == 0)
			continue;	/* its first frame: no rate yet */
		if ((err = json_required(row, "pid", 4294967295.0, &pid)) ||
		    (err = json_required(row, "minor_per_s", JSON_VALUE_MAX, &minor)) ||
		    (err = json_required(row, "major_per_s", JSON_VALUE_MAX, &major)))
			return err;
		pfx_jl_string(row, "command", comm, sizeof(comm));
		snprintf(label, sizeof(label), "%s (%.0f)", comm[0] ? comm : "?", pid);
		if ((err = ts_add(&c->ts, (uint64_t)pid, label, minor, major, minor + major)))
			return err;
		c->ts.total_minor += minor * interval;
		c->ts.total_major += major * interval;
	}
	return 0;
}

int pfx_plot_data_top(const char *input, const char *dir, FILE *vars,
		      struct pfx_plot_notes *notes)
{
	struct top_chart c = { 0 };
	struct json_pass pass = { PFX_PLOT_FROM_TOP, top_line, &c };
	char subtitle[256];
	int err = ts_init(&c.ts);

	if (!err)
		err = ts_chart(input, &pass, &c.ts, dir, "top.dat", vars, false, notes);
	if (!err) {
		double major = 0;

		notes->items = c.frames;
		for (size_t i = 0; i < c.ts.n_points; i++)
			if (c.ts.series[c.ts.points[i].series].shown)
				major += c.ts.points[i].major;
		pfx_gnuplot_set_string(vars, "title", "Busiest processes' page faults (pfx top)");
		snprintf(subtitle, sizeof(subtitle),
			 "%lu frames, up to %.0f processes; the %zu with the most faults of %zu seen",
			 c.frames, c.max_processes, c.ts.shown, c.ts.n_series);
		set_subtitle(vars, notes, subtitle);
		ts_write_names(&c.ts, vars, false);
		pfx_gnuplot_set_number(vars, "shown_major", major);
		pfx_gnuplot_set_number(vars, "total_minor", c.ts.total_minor);
		pfx_gnuplot_set_number(vars, "total_major", c.ts.total_major);
	}
	ts_free(&c.ts);
	return err;
}

/* ---- thp: huge pages, THP share and NUMA placement over time ---- */

/* NUMA nodes with their own line; further nodes are summed. */
#define THP_NODES 8

struct thp_sample {
	double time, faults, gained, lost;
	double share;		/* -1: not known (the target exited) */
	double node_mib[THP_NODES + 1];
	bool has_numa;
};

struct thp_chart {
	struct thp_sample *samples;
	size_t n, cap;
	int node_id[THP_NODES];
	size_t nodes;
	bool other_nodes;
	char comm[32], enabled[32];
	double pid, interval_s, huge_kb;
	double gained, faults;
	size_t known;		/* samples with THP share and NUMA figures */
};

static int thp_node_column(struct thp_chart *c, int node)
{
	for (size_t i = 0; i < c->nodes; i++)
		if (c->node_id[i] == node)
			return (int)i;
	if (c->nodes < THP_NODES) {
		c->node_id[c->nodes] = node;
		return (int)c->nodes++;
	}
	c->other_nodes = true;
	return THP_NODES;
}

static int thp_numa(struct thp_chart *c, const char *numa, struct thp_sample *s)
{
	const char *nodes = pfx_jl_array(numa, "nodes"), *node;
	int err;

	if (!nodes)
		return 0;
	s->has_numa = true;
	while ((node = pfx_jl_next_object(&nodes))) {
		double id, kb;

		if ((err = json_required(node, "node", 4096, &id)) ||
		    (err = json_required(node, "kb", JSON_VALUE_MAX, &kb)))
			return err;
		s->node_mib[thp_node_column(c, (int)id)] += kb / 1024;
	}
	return 0;
}

static int thp_line(void *ctx, const char *line)
{
	struct thp_chart *c = ctx;
	struct thp_sample s = { .share = -1 };
	const char *numa;
	int err;

	if (pfx_jl_is(line, "type", "header")) {
		pfx_jl_string(line, "comm", c->comm, sizeof(c->comm));
		pfx_jl_string(line, "enabled", c->enabled, sizeof(c->enabled));
		if ((err = json_optional(line, "pid", 4294967295.0, 0, &c->pid)) ||
		    (err = json_optional(line, "interval_s", JSON_TIME_MAX, 0, &c->interval_s)) ||
		    (err = json_optional(line, "huge_page_kb", 1 << 30, 2048, &c->huge_kb)))
			return err;
		return 0;
	}
	if (!pfx_jl_is(line, "type", "sample"))
		return 0;
	if ((err = json_required(line, "time", JSON_TIME_MAX, &s.time)) ||
	    (err = json_optional(line, "faults", JSON_VALUE_MAX, 0, &s.faults)) ||
	    (err = json_optional(line, "huge_pages_gained", JSON_VALUE_MAX, 0, &s.gained)) ||
	    (err = json_optional(line, "huge_pages_lost", JSON_VALUE_MAX, 0, &s.lost)) ||
	    (err = json_optional(line, "thp_share", 1, -1, &s.share)))
		return err;
	numa = pfx_jl_find(line, "numa");
	if (numa && *numa == '{' && (err = thp_numa(c, numa, &s)))
		return err;
	if (c->n >= JSON_ROWS_MAX)
		return -E2BIG;
	if (PFX_GROW(c->samples, c->cap, c->n + 1, 64))
		return -ENOMEM;
	c->samples[c->n++] = s;
	c->gained += s.gained;
	c->faults += s.faults;
	c->known += s.share >= 0;
	return 0;
}

static void thp_write_table(const struct thp_chart *c, FILE *fp)
{
	size_t cols = c->nodes + c->other_nodes;

	fprintf(fp, "# time_s faults huge_pages_gained huge_pages_lost thp_share_pct node_mib...\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct thp_sample *s = &c->samples[i];

		fprintf(fp, "%.6f %.0f %.0f %.0f ", s->time, s->faults, s->gained, s->lost);
		if (s->share >= 0)
			fprintf(fp, "%.2f", s->share * 100);
		else
			fputc('?', fp);
		for (size_t n = 0; n < cols; n++) {
			size_t col = n < c->nodes ? n : THP_NODES;

			if (s->has_numa)
				fprintf(fp, " %.3f", s->node_mib[col]);
			else
				fputs(" ?", fp);
		}
		fputc('\n', fp);
	}
}

int pfx_plot_data_thp(const char *input, const char *dir, FILE *vars,
		      struct pfx_plot_notes *notes)
{
	struct thp_chart c = { 0 };
	struct json_pass pass = { PFX_PLOT_FROM_THP, thp_line, &c };
	struct pfx_outfile out;
	char subtitle[256];
	size_t cols;
	int err = read_json(input, &pass, notes);

	if (!err && !c.n)
		err = -ENOMSG;
	if (!err)
		err = open_json_table(&out, dir, "thp.dat", vars);
	if (!err) {
		thp_write_table(&c, out.fp);
		err = finish_table(&out);
	}
	if (!err) {
		notes->items = c.n;
		pfx_gnuplot_set_string(vars, "title", "Transparent huge pages and NUMA placement (pfx thp)");
		snprintf(subtitle, sizeof(subtitle), "%s (pid %.0f), every %g s; THP enabled: %s; %.0f huge pages gained, %.0f faults",
			 c.comm[0] ? c.comm : "?", c.pid, c.interval_s, c.enabled[0] ? c.enabled : "?",
			 c.gained, c.faults);
		set_subtitle(vars, notes, subtitle);
		cols = c.nodes + c.other_nodes;
		fprintf(vars, "nodes = %zu\narray node_name[%zu]\n", cols, cols ? cols : 1);
		for (size_t i = 0; i < c.nodes; i++)
			fprintf(vars, "node_name[%zu] = 'node %d'\n", i + 1, c.node_id[i]);
		if (c.other_nodes)
			fprintf(vars, "node_name[%zu] = 'other nodes'\n", cols);
		pfx_gnuplot_set_number(vars, "huge_page_kb", c.huge_kb);
		pfx_gnuplot_set_number(vars, "known", (double)c.known);
		pfx_gnuplot_set_number(vars, "total_gained", c.gained);
		pfx_gnuplot_set_number(vars, "total_faults", c.faults);
	}
	free(c.samples);
	return err;
}

/* ---- maps: the largest mappings' page states ---- */

#define MAPS_SHOWN 15

enum { MAP_SIZE, MAP_RSS, MAP_SWAP, MAP_DIRTY, MAP_THP, MAP_LOCKED, MAP_COLS };
static const char *const map_keys[MAP_COLS] = {
	"size_kib", "rss_kib", "swap_kib", "dirty_kib", "thp_kib", "locked_kib",
};

struct map_row {
	char label[96];
	double kib[MAP_COLS];
};

struct maps_chart {
	struct map_row top[MAPS_SHOWN];	/* largest RSS + swap first */
	size_t n_top;
	double rest[MAP_COLS], total[MAP_COLS];
	unsigned long mappings, rest_n;
	char comm[32];
	double pid;
	bool physical;		/* dirty/THP/locked known (root) */
};

static double map_weight(const struct map_row *r)
{
	return r->kib[MAP_RSS] + r->kib[MAP_SWAP];
}

static void maps_add_rest(struct maps_chart *c, const struct map_row *r)
{
	for (int k = 0; k < MAP_COLS; k++)
		c->rest[k] += r->kib[k];
	c->rest_n++;
}

/* Keep r among the MAPS_SHOWN largest; what falls out goes to rest. */
static void maps_keep(struct maps_chart *c, const struct map_row *r)
{
	struct map_row dropped;
	bool drop = false;
	size_t i;

	for (int k = 0; k < MAP_COLS; k++)
		c->total[k] += r->kib[k];
	for (i = c->n_top; i > 0 && map_weight(&c->top[i - 1]) < map_weight(r); i--)
		;
	if (i >= MAPS_SHOWN) {
		maps_add_rest(c, r);
		return;
	}
	if (c->n_top == MAPS_SHOWN) {
		dropped = c->top[MAPS_SHOWN - 1];
		drop = true;
	} else {
		c->n_top++;
	}
	memmove(&c->top[i + 1], &c->top[i], (c->n_top - 1 - i) * sizeof(*c->top));
	c->top[i] = *r;
	if (drop)
		maps_add_rest(c, &dropped);
}

/* "libc.so.6 r-xp\n0x7f..." : the file's base name or the kind. */
static void map_label(const char *line, char *buf, size_t size)
{
	char path[256], kind[16], perm[8], start[24];
	const char *name;

	pfx_jl_string(line, "path", path, sizeof(path));
	pfx_jl_string(line, "kind", kind, sizeof(kind));
	pfx_jl_string(line, "perm", perm, sizeof(perm));
	pfx_jl_string(line, "start", start, sizeof(start));
	name = strrchr(path, '/');
	name = name && name[1] ? name + 1 : path[0] ? path : kind[0] ? kind : "?";
	snprintf(buf, size, "%.60s %.7s %.23s", name, perm, start);
}

static int maps_line(void *ctx, const char *line)
{
	struct maps_chart *c = ctx;
	struct map_row r = { 0 };
	int err;

	if (pfx_jl_is(line, "command", "maps")) {
		pfx_jl_string(line, "comm", c->comm, sizeof(c->comm));
		if ((err = json_optional(line, "pid", 4294967295.0, 0, &c->pid)))
			return err;
		c->physical = pfx_jl_find(line, "physical") &&
			      strncmp(pfx_jl_find(line, "physical"), "true", 4) == 0;
		return 0;
	}
	/* a mapping line; the closing "total" line is not an object */
	if (!pfx_jl_find(line, "size_kib"))
		return 0;
	for (int k = 0; k < MAP_COLS; k++)
		if ((err = json_optional(line, map_keys[k], JSON_VALUE_MAX, 0, &r.kib[k])))
			return err;
	map_label(line, r.label, sizeof(r.label));
	c->mappings++;
	maps_keep(c, &r);
	return 0;
}

/* A row: its label's index in map_label (set in vars: labels stay out of
 * data files, only pfx_gnuplot_string writes them), y, the sizes. */
static void maps_write_row(FILE *fp, FILE *vars, size_t index, const char *label,
			   const double *kib, double y)
{
	double dirty = kib[MAP_DIRTY] < kib[MAP_RSS] ? kib[MAP_DIRTY] : kib[MAP_RSS];

	fprintf(vars, "map_label[%zu] = ", index);
	pfx_gnuplot_string(vars, label);
	fputc('\n', vars);
	/* the stacked segments: dirty, clean (rss - dirty), swapped; then
	 * THP and locked, parts of rss drawn as thin bars inside it */
	fprintf(fp, "%zu %g %.3f %.3f %.3f %.3f %.3f %.3f\n", index, y, dirty / 1024,
		(kib[MAP_RSS] - dirty) / 1024, kib[MAP_SWAP] / 1024, kib[MAP_THP] / 1024,
		kib[MAP_LOCKED] / 1024, kib[MAP_SIZE] / 1024);
}

int pfx_plot_data_maps(const char *input, const char *dir, FILE *vars,
		       struct pfx_plot_notes *notes)
{
	struct maps_chart *c = calloc(1, sizeof(*c));
	struct json_pass pass = { PFX_PLOT_FROM_MAPS, maps_line, c };
	struct pfx_outfile out;
	char subtitle[256];
	size_t rows;
	int err;

	if (!c)
		return -ENOMEM;
	err = read_json(input, &pass, notes);
	if (!err && !c->mappings)
		err = -ENOMSG;
	if (!err)
		err = open_json_table(&out, dir, "maps.dat", vars);
	if (!err) {
		/* the largest at the top: y counts down */
		rows = c->n_top + (c->rest_n > 0);
		fprintf(vars, "array map_label[%zu]\n", rows ? rows : 1);
		fprintf(out.fp, "# label y dirty_mib clean_mib swap_mib thp_mib locked_mib size_mib  (label: index in map_label)\n");
		for (size_t i = 0; i < c->n_top; i++)
			maps_write_row(out.fp, vars, i + 1, c->top[i].label, c->top[i].kib,
				       (double)(rows - 1 - i));
		if (c->rest_n) {
			char label[64];

			snprintf(label, sizeof(label), "%lu other mappings", c->rest_n);
			maps_write_row(out.fp, vars, rows, label, c->rest, 0);
		}
		err = finish_table(&out);
	}
	if (!err) {
		notes->items = c->mappings;
		pfx_gnuplot_set_string(vars, "title", "Largest mappings by resident and swapped memory (pfx maps)");
		snprintf(subtitle, sizeof(subtitle),
			 "%s (pid %.0f): %lu mappings, RSS %.1f MiB, swap %.1f MiB, dirty %.1f MiB, THP %.1f MiB",
			 c->comm[0] ? c->comm : "?", c->pid, c->mappings, c->total[MAP_RSS] / 1024,
			 c->total[MAP_SWAP] / 1024, c->total[MAP_DIRTY] / 1024, c->total[MAP_THP] / 1024);
		set_subtitle(vars, notes, subtitle);
		pfx_gnuplot_set_number(vars, "rows", (double)(c->n_top + (c->rest_n > 0)));
		pfx_gnuplot_set_number(vars, "physical", c->physical);
	}
	free(c);
	return err;
}

/* ---- wss --profile: the working set against the window length ---- */

struct profile_chart {
	struct pfx_outfile *out;
	char comm[32], method[32];
	double pid;
	unsigned long samples;
	bool has_rss;
};

static int profile_line(void *ctx, const char *line)
{
	struct profile_chart *c = ctx;
	double window, wss, rss;
	int err;

	if (pfx_jl_is(line, "type", "header")) {
		pfx_jl_string(line, "comm", c->comm, sizeof(c->comm));
		pfx_jl_string(line, "method", c->method, sizeof(c->method));
		return json_optional(line, "pid", 4294967295.0, 0, &c->pid);
	}
	if (!pfx_jl_find(line, "wss_bytes"))
		return 0;
	if ((err = json_required(line, "window_s", JSON_TIME_MAX, &window)) ||
	    (err = json_required(line, "wss_bytes", 72057594037927936.0, &wss)) ||
	    (err = json_optional(line, "rss_bytes", 72057594037927936.0, -1, &rss)))
		return err;
	if (window <= 0)
		return -ERANGE;	/* a log axis has no 0 */
	if (c->samples >= JSON_ROWS_MAX)
		return -E2BIG;
	if (rss >= 0) {
		c->has_rss = true;
		fprintf(c->out->fp, "%.6f %.3f %.3f\n", window, wss / MIB, rss / MIB);
	} else {
		fprintf(c->out->fp, "%.6f %.3f ?\n", window, wss / MIB);
	}
	c->samples++;
	return 0;
}

int pfx_plot_data_wss_profile(const char *input, const char *dir, FILE *vars,
			      struct pfx_plot_notes *notes)
{
	struct pfx_outfile out;
	struct profile_chart c = { .out = &out };
	struct json_pass pass = { PFX_PLOT_FROM_WSS_PROFILE, profile_line, &c };
	char subtitle[256];
	int err = open_json_table(&out, dir, "wss-profile.dat", vars);

	if (err)
		return err;
	fprintf(out.fp, "# window_s wss_mib rss_mib\n");
	err = read_json(input, &pass, notes);
	if (!err && !c.samples)
		err = -ENOMSG;
	if (err) {
		pfx_outfile_abort(&out);
		return err;
	}
	err = finish_table(&out);
	if (err)
		return err;
	notes->items = c.samples;
	pfx_gnuplot_set_string(vars, "title", "Working-set size against window length (pfx wss --profile)");
	snprintf(subtitle, sizeof(subtitle), "%s (pid %.0f), method %s, %lu windows",
		 c.comm[0] ? c.comm : "?", c.pid, c.method[0] ? c.method : "?", c.samples);
	set_subtitle(vars, notes, subtitle);
	pfx_gnuplot_set_number(vars, "has_rss", c.has_rss);
	return 0;
}
