/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_plot: 'pfx plot': draw a chart of a recording or of saved WSS samples
 * with gnuplot, or write the gnuplot script and its data (--script DIR)
 * for the user to edit and run.  See doc/plot.md. */
#include "config.h"
#include "analysis.h"
#include "cmd.h"
#include "gnuplot.h"
#include "opts.h"
#include "output.h"
#include "plot.h"
#include "plot_html.h"
#include "recfile.h"
#include "safetext.h"
#include "sig.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_RECORD "pfx.data"
/* gnuplot draws these charts in well under a second; a minute means stuck. */
#define GNUPLOT_TIMEOUT_MS 60000

/* The exit status once a stop signal (SIGINT, SIGTERM, SIGHUP) ended the
 * run, gnuplot killed and the scratch files removed: 128 + the signal, as
 * a shell reports a command the signal killed. */
static int stopped_status(void)
{
	return 128 + pfx_sig_stop_signal();
}

/* An error of a run that a stop signal cut short: nothing to report. */
static bool stopped(int err)
{
	return err == -EINTR && pfx_sig_stop_requested();
}

struct plot_opts {
	const char *input;
	const char *output;
	const char *script_dir;
	const char *chart_name;
	const char *title;
	unsigned width, height;
	bool list;
	bool all;		/* --all: every chart, and index.html, into -o DIR */
	bool diff;		/* --diff A B: the two recordings side by side */
	const char *diff_file[2];
};

enum { OPT_SCRIPT = PFX_OPT_ID_LONG, OPT_SIZE, OPT_LIST, OPT_ALL, OPT_DIFF };

static const struct pfx_opt plot_options[] = {
	PFX_OPT('c', "chart", "CHART", "from a recording: timeline, heatmap, regions, latency;\n"
		"from JSON (--format json) of pfx wss: wss; of\n"
		"pfx wss --profile: wss-profile; of pfx stat: stat;\n"
		"of pfx thp: thp; of pfx maps: maps; of pfx top -b: top"),
	PFX_OPT('i', "input", "FILE", "the recording (default " DEFAULT_RECORD ") or the JSON file\n"
		"the command wrote (-o FILE); its kind is read from it"),
	PFX_OPT('o', "output", "OUT", "image to write, .png or .svg (default CHART.png);\n"
		"with --script, the image the script will write;\n"
		"with --all, the directory (created if missing)"),
	PFX_OPT_LONG(OPT_ALL, "all", NULL, "every chart of the input, SVG and PNG, and an\n"
		     "index.html showing them with the command and totals"),
	PFX_OPT_LONG(OPT_DIFF, "diff", NULL, "the diff chart of the two recordings A B given after\n"
		     "the options: regions by change in faults, A and B\n"
		     "bars side by side, and latency percentiles (pfx diff)"),
	PFX_OPT_LONG(OPT_SCRIPT, "script", "DIR", "write DIR/CHART.gp and its data files; do not run gnuplot"),
	PFX_OPT_LONG(OPT_SIZE, "size", "WxH", "image size in pixels (default "
		     PFX_STR(PFX_PLOT_DEFAULT_WIDTH) "x" PFX_STR(PFX_PLOT_DEFAULT_HEIGHT) ")"),
	PFX_OPT('t', "title", "TEXT", "chart title instead of the default one"),
	PFX_OPT_LONG(OPT_LIST, "list", NULL, "list the charts"),
	PFX_OPT('h', "help", NULL, "this help"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx plot --chart CHART [-i FILE] [-o OUT.png|OUT.svg] [options]\n"
		"       pfx plot --chart CHART [-i FILE] --script DIR [-o OUT]\n"
		"       pfx plot --all [-i FILE] -o DIR\n"
		"       pfx plot --diff [-o OUT.png|OUT.svg] [--script DIR] A.data B.data\n"
		"       pfx plot --list\n"
		"\n"
		"Draw a chart with gnuplot, or write its script and data into DIR.\n"
		"\n");
	pfx_opts_help(fp, plot_options, 22);
}

static void list_charts(void)
{
	for (size_t i = 0; i < pfx_chart_count; i++)
		printf("%-12s %s\n", pfx_charts[i].name, pfx_charts[i].summary);
}

static void chart_names(char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < pfx_chart_count && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
					pfx_charts[i].name);
}

/* "900x500" */
static int parse_size(const char *s, unsigned *width, unsigned *height)
{
	char w[16];
	const char *x = strchr(s, 'x');
	int wv, hv;

	if (!x || (size_t)(x - s) >= sizeof(w))
		return -EINVAL;
	memcpy(w, s, (size_t)(x - s));
	w[x - s] = '\0';
	if (pfx_parse_int(w, 100, 10000, &wv) || pfx_parse_int(x + 1, 100, 10000, &hv))
		return -EINVAL;
	*width = (unsigned)wv;
	*height = (unsigned)hv;
	return 0;
}

static int parse_options(int argc, char **argv, struct plot_opts *o)
{
	struct pfx_opts p;
	int c;

	o->width = PFX_PLOT_DEFAULT_WIDTH;
	o->height = PFX_PLOT_DEFAULT_HEIGHT;
	pfx_opts_begin(&p, "plot", plot_options, "", argc, argv);
	while ((c = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;

		switch (c) {
		case 'c': o->chart_name = arg; break;
		case 'i': o->input = arg; break;
		case 'o': o->output = arg; break;
		case 't': o->title = arg; break;
		case OPT_SCRIPT: o->script_dir = arg; break;
		case OPT_LIST: o->list = true; break;
		case OPT_ALL: o->all = true; break;
		case OPT_DIFF: o->diff = true; break;
		case OPT_SIZE:
			if (parse_size(arg, &o->width, &o->height)) {
				pfx_err("bad --size '%s'; give WIDTHxHEIGHT in pixels, e.g. 1200x600", arg);
				return -EINVAL;
			}
			break;
		case 'h':
			usage(stdout);
			exit(PFX_EXIT_OK);
		default:	/* ':' (missing value) or '?' */
			pfx_opts_refused(&p, c);
			return -EINVAL;
		}
	}
	if (o->diff) {
		if (argc - optind != 2) {
			pfx_err("--diff takes two recordings after the options, e.g. 'pfx plot --diff before.data after.data'%s",
				argc - optind > 2 ? " (more were given)" : "");
			return -EINVAL;
		}
		o->diff_file[0] = argv[optind];
		o->diff_file[1] = argv[optind + 1];
		return 0;
	}
	if (optind < argc) {
		pfx_err("unexpected argument '%s'; pfx plot takes options only (-i FILE)", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Check everything the command line alone can tell, before reading data. */
static int check_request(const struct plot_opts *o, const struct pfx_chart **chart,
			 struct pfx_plot_script *s)
{
	char names[128];

	chart_names(names, sizeof(names));
	if (!o->chart_name) {
		pfx_err("which chart? give --chart CHART, one of: %s", names);
		return -EINVAL;
	}
	*chart = pfx_chart_find(o->chart_name);
	if (!*chart) {
		pfx_err("unknown chart '%s'; charts: %s", o->chart_name, names);
		return -EINVAL;
	}
	memset(s, 0, sizeof(*s));
	s->chart = *chart;
	s->input = o->input ? o->input : DEFAULT_RECORD;
	s->width = o->width;
	s->height = o->height;
	s->title = o->title;
	s->format = PFX_PLOT_PNG;
	if (o->output && pfx_plot_format_from_path(o->output, &s->format)) {
		pfx_err("cannot tell the image format of '%s'; name it OUT.png or OUT.svg", o->output);
		return -EINVAL;
	}
	if ((*chart)->input == PFX_PLOT_FROM_DIFF) {
		pfx_err("the diff chart draws two recordings: pfx plot --diff A.data B.data");
		return -EINVAL;
	}
	if ((*chart)->input == PFX_PLOT_FROM_WSS && !o->input) {
		pfx_err("the wss chart needs -i FILE: samples saved by 'pfx wss --format json -o FILE -- CMD'");
		return -EINVAL;
	}
	if ((*chart)->input != PFX_PLOT_FROM_RECORD && !o->input) {
		pfx_err("the %s chart needs -i FILE: the output of '%s -o FILE'", (*chart)->name,
			pfx_plot_input_command((*chart)->input));
		return -EINVAL;
	}
	return 0;
}

/* What the input is, looked at without opening it for reading (a FIFO
 * would block): -EPROTO for anything but a regular file.  The readers
 * check it again on their descriptor; this is for the message. */
static int check_input_type(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;	/* access() below says why */
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return S_ISREG(st.st_mode) ? 0 : -EPROTO;
}

/* The one line for an input that is not what the chart draws: another
 * command's output (then the chart for it), or nothing pfx wrote. */
static void report_wrong_input(const struct pfx_plot_script *s, enum pfx_plot_input found)
{
	const struct pfx_chart *other = pfx_chart_for_input(found);

	if (other)
		pfx_err("%s is the output of '%s', not of '%s'; chart it with --chart %s (or --all)",
			s->input, pfx_plot_input_command(found), pfx_plot_input_command(s->chart->input),
			other->name);
	else
		pfx_err("cannot chart %s with --chart %s: it is not the output of '%s'; "
			"pfx plot takes a recording (pfx record) or the JSON of pfx stat, thp, maps, top or wss",
			s->input, s->chart->name, pfx_plot_input_command(s->chart->input));
}

/* The wss chart reads any 'pfx wss --format json' file, --profile too;
 * what is none of pfx's is left to its line checks (which name the line). */
static bool input_fits(const struct pfx_chart *chart, enum pfx_plot_input kind)
{
	if (chart->input == PFX_PLOT_FROM_WSS)
		return kind == PFX_PLOT_FROM_WSS || kind == PFX_PLOT_FROM_WSS_PROFILE ||
		       kind == PFX_PLOT_FROM_UNKNOWN;
	if (chart->input == PFX_PLOT_FROM_RECORD)
		return kind == PFX_PLOT_FROM_RECORD || kind == PFX_PLOT_FROM_UNKNOWN;
	return kind == chart->input;
}

static int check_files(const struct pfx_plot_script *s)
{
	char *template = pfx_plot_template_path(s->chart);
	const char *writer = pfx_plot_input_command(s->chart->input);
	enum pfx_plot_input kind;
	int err = 0;

	if (!template)
		return -ENOMEM;
	if (access(template, R_OK) < 0) {
		pfx_err("cannot read the chart template %s: %s; set PFX_PLOT_DIR to pfx's plot/ directory",
			template, strerror(errno));
		err = -ENOENT;
	} else if ((err = check_input_type(s->input)) == -EPROTO) {
		pfx_err("%s is not a regular file (a FIFO, device or socket); give a file written by '%s'",
			s->input, writer);
	} else if (err == -EISDIR) {
		pfx_err("%s is a directory; give a file written by '%s'", s->input, writer);
	} else if (access(s->input, R_OK) < 0) {
		err = -errno;
		if (s->chart->input == PFX_PLOT_FROM_RECORD)
			pfx_err("cannot read %s: %s; record one with 'pfx record -o %s -- CMD'",
				s->input, strerror(-err), s->input);
		else
			pfx_err("cannot read %s: %s; save it with '%s -o %s'",
				s->input, strerror(-err), writer, s->input);
	} else if (pfx_plot_input_kind(s->input, &kind) == 0 && !input_fits(s->chart, kind)) {
		report_wrong_input(s, kind);
		err = -EMEDIUMTYPE;
	}
	free(template);
	return err;
}

/* The one message for a chart whose data could not be written. */
static void report_data_error(const struct pfx_plot_script *s, const char *dir, int err,
			      const struct pfx_plot_notes *notes)
{
	bool json = s->chart->input != PFX_PLOT_FROM_RECORD;
	const char *writer = pfx_plot_input_command(s->chart->input);

	switch (err) {
	case -ENOMSG:
		if (s->chart->input == PFX_PLOT_FROM_WSS)
			pfx_err("%s holds no WSS samples; save them with 'pfx wss --format json -o %s -- CMD'",
				s->input, s->input);
		else if (json)
			pfx_err("%s holds nothing to chart; save a longer run with '%s -o %s'",
				s->input, writer, s->input);
		else if (notes->read_error)
			pfx_err("%s: %s before any fault; record again", s->input,
				pfx_rec_strerror(notes->read_error));
		else
			pfx_err("%s holds no faults; nothing to chart (did the command run?)", s->input);
		break;
	case -EMEDIUMTYPE:
		report_wrong_input(s, notes->found_kind);
		break;
	case -EOPNOTSUPP:
		pfx_err("this recording has no latency data; record it with perf events and --entry auto (the default), not --entry none");
		break;
	case -ERANGE:
		pfx_err("%s line %lu holds a %s out of range; give the file '%s' wrote", s->input,
			notes->bad_line, s->chart->input == PFX_PLOT_FROM_WSS ? "size or time" : "number",
			writer);
		break;
	case -EFBIG:
		pfx_err("%s line %lu is longer than 16 MiB; give the file '%s' wrote",
			s->input, notes->bad_line, writer);
		break;
	case -E2BIG:
		pfx_err("%s holds too many rows (more than 2 million) at line %lu; chart a shorter run",
			s->input, notes->bad_line);
		break;
	case -EBADMSG:
		if (s->chart->input == PFX_PLOT_FROM_WSS) {
			pfx_err("%s line %lu is not a 'pfx wss --format json' sample; give the file that command wrote",
				s->input, notes->bad_line);
			break;
		}
		if (json) {
			pfx_err("%s line %lu is not what '%s' writes; give the file that command wrote",
				s->input, notes->bad_line, writer);
			break;
		}
		/* fall through */
	case -EPROTO:
	case -EPROTONOSUPPORT:
	case -ENODATA:
		pfx_err("cannot chart %s: %s; give a file written by 'pfx record'", s->input,
			pfx_rec_strerror(err));
		break;
	default:
		pfx_err("cannot write the %s chart's script and data in %s: %s", s->chart->name,
			dir, strerror(-err));
	}
}

static void report_notes(const struct pfx_plot_script *s, const struct pfx_plot_notes *notes)
{
	if (notes->read_error)
		pfx_warn("%s: %s; the chart shows the %llu faults read before that", s->input,
			 pfx_rec_strerror(notes->read_error), (unsigned long long)notes->items);
	/* the report's numbers and sentence: "lost N records + M samples",
	 * "recorded N of M faults (X% lost)" */
	if (notes->lost || notes->lost_records || notes->lost_samples)
		pfx_warn("the kernel dropped %llu records + %llu samples while recording %s%s%s; counts are lower than real",
			 (unsigned long long)notes->lost_records, (unsigned long long)notes->lost_samples,
			 s->input, notes->lost_note[0] ? ": " : "", notes->lost_note);
}

/* An input --all skips a chart for, with a note on the page instead of
 * an error: a recording without latency data. */
static bool skippable(int err)
{
	return err == -EOPNOTSUPP;
}

/* notes: NULL, or where the chart's notes go.  quiet: say nothing of a
 * skippable error (--all). */
static int write_script(const struct pfx_plot_script *s, const char *dir, char **script,
			struct pfx_plot_notes *notes, bool quiet)
{
	struct pfx_plot_notes own;
	int err;

	if (!notes)
		notes = &own;
	err = pfx_plot_write_script(s, dir, script, notes);
	if (err) {
		if (stopped(err))
			return err;
		if (!quiet || !skippable(err))
			report_data_error(s, dir, err, notes);
		return err;
	}
	report_notes(s, notes);
	return 0;
}

static int run_script_mode(const struct pfx_plot_script *s, const char *dir)
{
	char *script;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		pfx_err("cannot create the script directory %s: %s", dir, strerror(errno));
		return PFX_EXIT_ERROR;
	}
	if (write_script(s, dir, &script, NULL, false))
		return pfx_sig_stop_requested() ? stopped_status() : PFX_EXIT_ERROR;
	printf("%s chart: wrote %s and its data; draw it with: gnuplot %s\n", s->chart->name,
	       script, script);
	free(script);
	return PFX_EXIT_OK;
}

/* The scratch directory of a direct run, emptied and removed afterwards. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d))) {
			char *path;

			if (e->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, e->d_name) < 0)
				continue;
			unlink(path);
			free(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* Copy the image gnuplot wrote into the output file. */
static int copy_image(int fd, FILE *out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			return errno ? -errno : -EIO;
	return n < 0 ? -errno : 0;
}

/* Say why a chart was not drawn, in one line (pfx_err), and keep it in
 * why (size bytes; NULL: not kept) for the --all page. */
static void chart_failed(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void chart_failed(char *why, size_t size, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pfx_err("%s", line);
	if (why)
		snprintf(why, size, "%s", line);
}

/* The one line for a gnuplot that did not draw the chart (err as
 * pfx_gnuplot_run's); what gnuplot said is shown made safe: its messages
 * quote the script, which holds names from the input. */
static void report_gnuplot_error(const struct pfx_plot_script *s, const char *gnuplot, int err,
				 const char *messages, char *why, size_t size)
{
	char summary[512], safe[PFX_SAFETEXT_BUF(sizeof(summary))];

	pfx_gnuplot_summary(messages, summary, sizeof(summary));
	pfx_safetext(safe, sizeof(safe), summary);
	switch (err) {
	case -ETIMEDOUT:
		chart_failed(why, size, "gnuplot did not finish the %s chart within %d s and was killed; write the script with --script DIR and run it by hand",
			     s->chart->name, GNUPLOT_TIMEOUT_MS / 1000);
		break;
	case -EDQUOT:
		chart_failed(why, size, "gnuplot ran out of memory on the %s chart (its limit is %llu MiB): %s; inspect the script with --script DIR",
			     s->chart->name, PFX_GNUPLOT_MEM_BYTES >> 20, safe);
		break;
	case -ETIME:
		chart_failed(why, size, "gnuplot used up its %d s of CPU time on the %s chart and was killed; write the script with --script DIR and run it by hand",
			     PFX_GNUPLOT_CPU_S, s->chart->name);
		break;
	case -EPROTO:
		chart_failed(why, size, "gnuplot failed on the %s chart: %s; inspect the script with --script DIR",
			     s->chart->name, safe);
		break;
	default:
		chart_failed(why, size, "cannot run %s: %s", gnuplot, strerror(-err));
	}
}

/* gnuplot writes the image by name, following links; it writes into the
 * private scratch directory only, and pfx copies the image into the output
 * (pfx_outfile: a new file renamed into place), so no name someone else
 * can write to is ever opened by gnuplot. */
/* 0 or -errno (the message printed, but for a skippable error when
 * quiet, and for -EINTR once a stop signal came: then nothing is left of
 * the output); notes as write_script's; why (NULL: not kept) gets the
 * message for the --all page. */
static int draw(const struct pfx_plot_script *req, const char *gnuplot, const char *dir,
		const char *output, bool named, struct pfx_plot_notes *notes, bool quiet,
		char *why, size_t why_size)
{
	struct pfx_plot_script s = *req;
	struct pfx_outfile out;
	char *script = NULL, *messages = NULL, *image = NULL;
	struct stat st;
	int err, fd = -1;

	err = named ? pfx_outfile_open(&out, output) : pfx_outfile_create(&out, output);
	if (err) {
		chart_failed(why, why_size, "cannot create %s: %s", output, pfx_outfile_strerror(err));
		return err;
	}
	if (asprintf(&image, "%s/image.%s", dir, pfx_plot_format_ext(s.format)) < 0) {
		pfx_outfile_abort(&out);
		return -ENOMEM;
	}
	s.output = image;
	err = write_script(&s, dir, &script, notes, quiet);
	if (err) {
		if (why && !stopped(err))
			snprintf(why, why_size, "its data could not be written: %s", strerror(-err));
		pfx_outfile_abort(&out);
		free(image);
		return err;
	}
	err = pfx_gnuplot_run(gnuplot, script, GNUPLOT_TIMEOUT_MS, &messages);
	if (!err) {
		fd = open(image, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
			err = -EPROTO;
	}
	if (!err && (err = copy_image(fd, out.fp))) {
		chart_failed(why, why_size, "cannot write %s: %s", output, strerror(-err));
		pfx_outfile_abort(&out);
		goto out;
	}
	if (err) {
		if (!stopped(err))
			report_gnuplot_error(&s, gnuplot, err, messages, why, why_size);
		pfx_outfile_abort(&out);
	} else {
		err = pfx_outfile_commit(&out);
		if (err)
			chart_failed(why, why_size, "cannot write %s: %s", output, strerror(-err));
		else
			printf("%s chart: %s\n", s.chart->name, output);
	}
out:
	if (fd >= 0)
		close(fd);
	free(messages);
	free(script);
	free(image);
	return err;
}

/* gnuplot's path and a private scratch directory (dir, PATH_MAX). */
static int prepare_draw(char **gnuplot, char *dir)
{
	const char *tmp = getenv("TMPDIR");

	if (pfx_gnuplot_find(gnuplot)) {
		pfx_err("gnuplot is not installed; install the %s package, or use --script DIR to write the script only",
			PFX_GNUPLOT_PACKAGE);
		return -ENOENT;
	}
	snprintf(dir, PATH_MAX, "%s/pfx-plot.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		pfx_err("cannot create a scratch directory %s: %s; set TMPDIR to a writable directory",
			dir, strerror(errno));
		free(*gnuplot);
		return -errno;
	}
	return 0;
}

static int run_draw_mode(const struct pfx_plot_script *s, const char *output, bool named)
{
	char *gnuplot = NULL, dir[PATH_MAX];
	int err;

	if (prepare_draw(&gnuplot, dir))
		return PFX_EXIT_ERROR;
	err = draw(s, gnuplot, dir, output, named, NULL, false, NULL, 0);
	remove_dir(dir);
	free(gnuplot);
	if (stopped(err))
		return stopped_status();
	return err ? PFX_EXIT_ERROR : PFX_EXIT_OK;
}

/* ---- --all: every chart of one input, and a page showing them ---- */

/* The charts --all draws for a kind of input. */
static bool all_draws(const struct pfx_chart *chart, enum pfx_plot_input kind)
{
	return chart->input == kind;
}

/* DIR for --all: created if missing; never a symbolic link (the charts
 * would land wherever it points). */
static int make_out_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		pfx_err("cannot create the directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (lstat(dir, &st) < 0) {
		pfx_err("cannot use the directory %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (S_ISLNK(st.st_mode)) {
		pfx_err("%s is a symbolic link; give --all a real directory (or a new name)", dir);
		return -ELOOP;
	}
	if (!S_ISDIR(st.st_mode)) {
		pfx_err("%s exists and is not a directory; give --all a directory", dir);
		return -ENOTDIR;
	}
	return 0;
}

#define PAGE_FACTS 6

/* The page's header lines: the recording's header, or the input kind. */
static size_t page_facts(const char *input, enum pfx_plot_input kind, struct pfx_rec_header *h,
			 struct pfx_plot_fact *facts)
{
	struct pfx_rec_reader *reader;
	size_t n = 0;

	facts[n++] = (struct pfx_plot_fact){ "input", input };
	if (kind != PFX_PLOT_FROM_RECORD || pfx_rec_reader_open(&reader, input))
		return n;
	*h = *pfx_rec_reader_header(reader);
	pfx_rec_reader_close(reader);
	facts[n++] = (struct pfx_plot_fact){ "command", h->command };
	facts[n++] = (struct pfx_plot_fact){ "kernel", h->kernel };
	facts[n++] = (struct pfx_plot_fact){ "fault source", h->source };
	facts[n++] = (struct pfx_plot_fact){ "events", h->events };
	return n;
}

/* What --all keeps of each chart for the page. */
struct all_entry {
	char subtitle[512];
	char why[1024];		/* why it failed */
};

/* Both images of one chart into DIR; the page entry says what became of
 * it.  0 (drawn or skipped) or -errno (failed, the entry says why; or
 * -EINTR: a stop signal came). */
static int draw_both(const struct pfx_plot_script *req, const char *gnuplot, const char *scratch,
		     const char *dir, struct pfx_plot_page_chart *entry, struct all_entry *texts)
{
	static const enum pfx_plot_format formats[] = { PFX_PLOT_SVG, PFX_PLOT_PNG };
	struct pfx_plot_notes notes;
	int err = 0;

	for (size_t f = 0; f < PFX_ARRAY_SIZE(formats) && !err; f++) {
		struct pfx_plot_script s = *req;
		char *out;

		s.format = formats[f];
		if (asprintf(&out, "%s/%s.%s", dir, s.chart->name, pfx_plot_format_ext(s.format)) < 0)
			return -ENOMEM;
		err = draw(&s, gnuplot, scratch, out, false, &notes, true, texts->why,
			   sizeof(texts->why));
		free(out);
	}
	if (skippable(err)) {
		entry->skipped = "this recording has no latency data (record it with perf events and --entry auto, not --entry none)";
		return 0;
	}
	if (err) {
		/* the page says it failed, and why, rather than show a
		 * missing image (or an SVG without its PNG) */
		if (!texts->why[0])
			snprintf(texts->why, sizeof(texts->why), "%s", strerror(-err));
		entry->skipped = texts->why;
		entry->failed = true;
		return err;
	}
	snprintf(texts->subtitle, sizeof(texts->subtitle), "%s", notes.subtitle);
	entry->subtitle = texts->subtitle;
	return 0;
}

static int run_all(const struct plot_opts *o)
{
	const char *input = o->input ? o->input : DEFAULT_RECORD, *dir = o->output;
	struct pfx_plot_page_chart entries[16] = { 0 };
	struct all_entry texts[16] = { 0 };
	char *gnuplot = NULL, scratch[PATH_MAX], *index = NULL, failed[256] = "";
	struct pfx_plot_fact facts[PAGE_FACTS];
	struct pfx_rec_header header;
	struct pfx_plot_page page = { .input = input, .facts = facts, .charts = entries };
	struct pfx_analysis *analysis = NULL;
	struct pfx_plot_notes notes;
	enum pfx_plot_input kind;
	size_t drawn = 0, n_failed = 0;
	int err = check_input_type(input);

	if (!err && access(input, R_OK) < 0)
		err = -errno;
	if (!err)
		err = pfx_plot_input_kind(input, &kind);
	if (err) {
		pfx_err("cannot read %s: %s; give a recording (pfx record) or a command's JSON output",
			input, err == -EPROTO ? "not a regular file" : strerror(-err));
		return PFX_EXIT_ERROR;
	}
	if (kind == PFX_PLOT_FROM_UNKNOWN) {
		pfx_err("cannot chart %s: it is neither a recording (pfx record) nor the JSON of pfx stat, thp, maps, top or wss; give one of those",
			input);
		return PFX_EXIT_ERROR;
	}
	if (make_out_dir(dir) || prepare_draw(&gnuplot, scratch))
		return PFX_EXIT_ERROR;
	page.from = pfx_plot_input_command(kind);
	page.n_facts = page_facts(input, kind, &header, facts);
	/* A recording is read once for its four charts (each drawn twice);
	 * when that fails each chart reads it again and says why itself. */
	if (kind == PFX_PLOT_FROM_RECORD && pfx_plot_data_analyse(input, &analysis, &notes) &&
	    pfx_sig_stop_requested()) {
		remove_dir(scratch);
		free(gnuplot);
		return stopped_status();
	}
	for (size_t i = 0; i < pfx_chart_count && page.n_charts < PFX_ARRAY_SIZE(entries); i++) {
		struct pfx_plot_script s = {
			.chart = &pfx_charts[i], .input = input, .width = o->width,
			.height = o->height, .title = o->title, .analysis = analysis,
		};
		struct pfx_plot_page_chart *e = &entries[page.n_charts];

		if (!all_draws(s.chart, kind))
			continue;
		e->name = s.chart->name;
		e->summary = s.chart->summary;
		err = draw_both(&s, gnuplot, scratch, dir, e, &texts[page.n_charts]);
		if (stopped(err))
			break;
		if (err) {
			size_t len = strlen(failed);

			snprintf(failed + len, sizeof(failed) - len, "%s%s", n_failed ? ", " : "", e->name);
			n_failed++;
		} else if (!e->skipped) {
			drawn++;
		}
		page.n_charts++;
	}
	remove_dir(scratch);
	free(gnuplot);
	pfx_analysis_free(analysis);
	if (pfx_sig_stop_requested())
		return stopped_status();	/* no page: the run did not finish */
	if (!drawn)
		return PFX_EXIT_ERROR;	/* each chart said why */
	if (asprintf(&index, "%s/index.html", dir) < 0)
		return PFX_EXIT_ERROR;
	if ((err = pfx_plot_write_page(index, &page))) {
		pfx_err("cannot write %s: %s", index, strerror(-err));
	} else if (n_failed) {
		pfx_err("%zu of %zu charts failed (%s), each said why above; %s shows the %zu drawn and marks the rest",
			n_failed, page.n_charts, failed, index, drawn);
	} else {
		printf("all charts: %s (%zu chart%s, SVG and PNG)\n", index, drawn, drawn == 1 ? "" : "s");
	}
	free(index);
	return err || n_failed ? PFX_EXIT_ERROR : PFX_EXIT_OK;
}

/* --diff A B: both recordings analysed and compared (pfx diff's model,
 * its messages), then drawn or written as a script like any chart. */
static int run_diff(const struct plot_opts *o)
{
	struct pfx_diff_inputs in;
	struct pfx_plot_script s = {
		.chart = pfx_chart_find("diff"), .input = o->diff_file[0], .input_b = o->diff_file[1],
		.width = o->width, .height = o->height, .title = o->title, .format = PFX_PLOT_PNG,
	};
	char *template;
	int ret = PFX_EXIT_ERROR;

	if (o->chart_name || o->all || o->input) {
		pfx_err("--diff draws its own chart of the two recordings A B; give no --chart, --all or -i");
		return PFX_EXIT_USAGE;
	}
	if (o->output && pfx_plot_format_from_path(o->output, &s.format)) {
		pfx_err("cannot tell the image format of '%s'; name it OUT.png or OUT.svg", o->output);
		return PFX_EXIT_USAGE;
	}
	template = pfx_plot_template_path(s.chart);
	if (!template || access(template, R_OK) < 0) {
		pfx_err("cannot read the chart template %s: %s; set PFX_PLOT_DIR to pfx's plot/ directory",
			template ? template : "diff.gp", strerror(template ? errno : ENOMEM));
		free(template);
		return PFX_EXIT_ERROR;
	}
	free(template);
	for (int i = 0; i < 2; i++) {
		int err = check_input_type(o->diff_file[i]);

		if (err) {
			pfx_err("plot: '%s' is %s; give a recording written by 'pfx record'", o->diff_file[i],
				err == -EISDIR ? "a directory" : "not a regular file (a FIFO, device or socket)");
			return PFX_EXIT_ERROR;
		}
	}
	if (pfx_diff_inputs_load("plot", o->diff_file, &in) == 0) {
		s.compare = in.cmp;
		if (o->script_dir) {
			s.output = o->output;
			ret = run_script_mode(&s, o->script_dir);
		} else {
			ret = run_draw_mode(&s, o->output ? o->output : "diff.png", o->output != NULL);
		}
	}
	pfx_diff_inputs_free(&in);
	return ret;
}

int cmd_plot(int argc, char **argv)
{
	struct plot_opts o = { 0 };
	struct pfx_plot_script s;
	const struct pfx_chart *chart;
	char *default_output = NULL;
	int ret;

	if (parse_options(argc, argv, &o))
		return PFX_EXIT_USAGE;
	/* a stop signal kills gnuplot and removes the scratch files and any
	 * half-written output before pfx exits (stopped_status) */
	pfx_sig_install();
	if (o.list) {
		list_charts();
		return PFX_EXIT_OK;
	}
	if (o.diff)
		return run_diff(&o);
	if (o.all) {
		if (o.chart_name || o.script_dir || !o.output) {
			pfx_err("--all draws every chart of -i FILE into -o DIR; give -o DIR, and no --chart or --script");
			return PFX_EXIT_USAGE;
		}
		return run_all(&o);
	}
	if (check_request(&o, &chart, &s))
		return PFX_EXIT_USAGE;
	if (check_files(&s))
		return PFX_EXIT_ERROR;
	if (o.script_dir) {
		s.output = o.output;
		return run_script_mode(&s, o.script_dir);
	}
	if (!o.output && asprintf(&default_output, "%s.png", chart->name) < 0)
		return PFX_EXIT_ERROR;
	ret = run_draw_mode(&s, o.output ? o.output : default_output, o.output != NULL);
	free(default_output);
	return ret;
}
