/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_top: 'pfx top', every process's fault rates, live (full screen) or
 * in batch.  This file parses options and runs the refresh loop; the
 * process table is top.h, alerts top_alert.h, printing top_output.h and
 * the full-screen view top_screen.h.  See pfx-top(1) and doc/top.md. */
#include "config.h"
#include "cmd.h"
#include "opts.h"
#include "output.h"
#include "sig.h"
#include "top.h"
#include "top_alert.h"
#include "top_output.h"
#include "top_screen.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define MIN_DELAY_S PFX_INTERVAL_MIN_S
#define DEFAULT_DELAY_S 1

struct top_opts {
	bool batch;
	double delay;
	uint64_t count;		/* frames; 0: until stopped */
	double duration;	/* --duration: seconds; 0: until stopped */
	enum pfx_format format;
	bool format_given;
	const char *output;
	enum top_sort sort;
	enum top_view view;
	size_t top_n;		/* 0: all */
	pid_t *pids;
	size_t npids;
	bool by_uid;
	uid_t uid;
	struct top_alert_rules rules;
	bool hold_given;
	char *exec_words;	/* --alert-exec, split into rules.exec_argv */
};

enum { OPT_FORMAT = PFX_OPT_ID_LONG, OPT_SORT, OPT_TOP, OPT_TREE, OPT_CGROUP, OPT_ALERT_MINOR,
       OPT_ALERT_MAJOR, OPT_ALERT_SWAP, OPT_ALERT_FOR, OPT_ALERT_EXEC, OPT_INTERVAL_COUNT,
       OPT_DURATION };

static const struct pfx_opt top_options[] = {
	PFX_OPT('b', "batch", NULL, "print frames instead of the full-screen view"),
	PFX_OPT('d', "delay", "SECONDS", "between refreshes (default " PFX_STR(DEFAULT_DELAY_S)
		", at least " PFX_STR(MIN_DELAY_S) ")"),
	PFX_OPT('I', "interval", "MSEC", "between refreshes in milliseconds, as pfx stat -I"),
	PFX_OPT('n', "iterations", "COUNT", "stop after COUNT frames"),
	PFX_OPT_LONG(OPT_INTERVAL_COUNT, "interval-count", "N", "stop after N frames (as -n)"),
	PFX_OPT_LONG(OPT_DURATION, "duration", "S", "stop after S seconds"),
	PFX_OPT_LONG(OPT_FORMAT, "format", "FMT", "batch output: text (default), json (one object per\n"
		     "line), csv"),
	PFX_OPT('o', "output", "FILE", "write the batch output there ('-': stdout)"),
	PFX_OPT_LONG(OPT_SORT, "sort", "KEY", "minor (default), major, rss, swap, pid"),
	PFX_OPT_LONG(OPT_TOP, "top", "N", "show the first N rows of each frame"),
	PFX_OPT('p', "pid", "PID[,PID...]", "only these processes"),
	PFX_OPT('u', "user", "USER", "only processes of USER (name or uid)"),
	PFX_OPT_LONG(OPT_TREE, "tree", NULL, "children under their parent, with subtree sums"),
	PFX_OPT_LONG(OPT_CGROUP, "cgroup", NULL, "rows grouped by cgroup, with per-cgroup sums"),
	PFX_OPT_LONG(OPT_ALERT_MINOR, "alert-minor", "RATE", "alert when a process (or cgroup) takes more minor\n"
		     "faults per second than RATE"),
	PFX_OPT_LONG(OPT_ALERT_MAJOR, "alert-major", "RATE", "the same for major faults"),
	PFX_OPT_LONG(OPT_ALERT_SWAP, "alert-swap", "BYTES", "alert when its swap use is over BYTES (K/M/G)"),
	PFX_OPT_LONG(OPT_ALERT_FOR, "alert-for", "SECONDS", "fire only after it held that long (default 0)"),
	PFX_OPT_LONG(OPT_ALERT_EXEC, "alert-exec", "CMD", "run CMD (words, no shell) when an alert fires or\n"
		     "clears, with PFX_ALERT_* variables"),
	PFX_OPT('h', "help", NULL, "show this help"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx top [OPTIONS]\n"
		"\n"
		"Every process's minor and major page faults per second, with its totals,\n"
		"RSS, swap, threads and cgroup: full screen like top, or in batch.\n"
		"\n");
	pfx_opts_help(fp, top_options, 27);
	fprintf(fp, "\n"
		"Keys: m M r s p sort by minor/s, major/s, RSS, swap, PID; t tree; c cgroups;\n"
		"/ or f filter; space pause; q quit.  See pfx-top(1).\n");
}

static int parse_number(const char *arg, const char *option, const char *what, double *out)
{
	/* rates and durations: non-negative decimals */
	if (pfx_parse_seconds(arg, out) == 0)
		return 0;
	return pfx_usage_error("invalid %s '%s'; give %s, a number >= 0", option, arg, what);
}

static int parse_user(const char *arg, struct top_opts *o)
{
	struct passwd *pw = getpwnam(arg);
	uint64_t uid;

	if (pw) {
		o->uid = pw->pw_uid;
	} else if (pfx_parse_u64(arg, &uid) == 0 && uid < (uid_t)-1) {
		o->uid = (uid_t)uid;
	} else {
		return pfx_usage_error("unknown user '%s'; give a user name or a numeric uid", arg);
	}
	o->by_uid = true;
	return 0;
}

/* Split --alert-exec into words: no shell, so no quoting, on purpose. */
static int parse_exec(const char *arg, struct top_opts *o)
{
	size_t n = 0;
	char *save = NULL, *w;
	int err;

	free(o->exec_words);
	free(o->rules.exec_argv);
	o->rules.exec_argv = NULL;
	o->exec_words = strdup(arg);
	if (!o->exec_words)
		return pfx_usage_error("%s", "out of memory");
	o->rules.exec_argv = calloc(strlen(arg) / 2 + 2, sizeof(char *));
	if (!o->rules.exec_argv)
		return pfx_usage_error("%s", "out of memory");
	for (w = strtok_r(o->exec_words, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		o->rules.exec_argv[n++] = w;
	if (n == 0)
		return pfx_usage_error("%s", "--alert-exec needs a command; give the program and its "
				   "arguments as words");
	err = pfx_top_alert_exec_check(o->rules.exec_argv);
	if (err)
		return pfx_usage_error("--alert-exec: cannot run '%s': %s; give a program in PATH or "
				   "its path", o->rules.exec_argv[0], strerror(-err));
	return 0;
}

/* 0: run; -1: help printed; else the exit code of a usage error. */
static int parse_options(int argc, char **argv, struct top_opts *o)
{
	struct pfx_opts p;
	bool tree = false, cgroup = false;
	int opt, err = 0, n;
	uint64_t size;

	pfx_opts_begin(&p, "top", top_options, "", argc, argv);
	while (!err && (opt = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;

		switch (opt) {
		case 'b':
			o->batch = true;
			break;
		case 'd':
			if (arg[0] == '-' || pfx_parse_seconds(arg, &o->delay))
				err = pfx_usage_error("invalid delay '%s'; give -d SECONDS, a number greater "
						  "than 0", arg);
			else if (o->delay < MIN_DELAY_S)
				err = pfx_usage_error("delay '%s' s is too short; the minimum is %.2f s",
						  arg, MIN_DELAY_S);
			else if (o->delay > PFX_INTERVAL_MAX_S)
				err = pfx_usage_error("delay '%s' s is too long; the maximum is %.0f s (a day)",
						  arg, PFX_INTERVAL_MAX_S);
			break;
		case 'I':
			err = pfx_interval_ms_option(arg, false, &o->delay);
			break;
		case 'n':
		case OPT_INTERVAL_COUNT:
			err = pfx_count_option(arg, "frames", &o->count);
			break;
		case OPT_DURATION:
			err = pfx_duration_option(arg, &o->duration);
			break;
		case OPT_FORMAT:
			if (pfx_format_parse(arg, &o->format))
				err = pfx_usage_error("unknown format '%s'; use text, json or csv", arg);
			o->format_given = true;
			break;
		case 'o':
			o->output = arg;
			break;
		case OPT_SORT:
			if (pfx_top_sort_parse(arg, &o->sort))
				err = pfx_usage_error("unknown sort key '%s'; use minor, major, rss, swap or pid",
						  arg);
			break;
		case OPT_TOP:
			if (pfx_parse_int(arg, 1, 1 << 30, &n))
				err = pfx_usage_error("invalid --top '%s'; give a number of rows, 1 or more",
						  arg);
			else
				o->top_n = (size_t)n;
			break;
		case 'p':
			err = pfx_pid_list_option(arg, &o->pids, &o->npids);
			break;
		case 'u':
			err = parse_user(arg, o);
			break;
		case OPT_TREE:
			tree = true;
			break;
		case OPT_CGROUP:
			cgroup = true;
			break;
		case OPT_ALERT_MINOR:
			err = parse_number(arg, "--alert-minor rate", "faults per second",
					   &o->rules.threshold[TOP_ALERT_MINOR]);
			break;
		case OPT_ALERT_MAJOR:
			err = parse_number(arg, "--alert-major rate", "faults per second",
					   &o->rules.threshold[TOP_ALERT_MAJOR]);
			break;
		case OPT_ALERT_SWAP:
			if (arg[0] == '-' || pfx_parse_size(arg, &size))
				err = pfx_usage_error("invalid --alert-swap '%s'; give bytes, with an optional "
						  "K/M/G suffix", arg);
			else
				o->rules.threshold[TOP_ALERT_SWAP] = (double)size;
			break;
		case OPT_ALERT_FOR:
			err = parse_number(arg, "--alert-for time", "seconds", &o->rules.hold_s);
			o->hold_given = true;
			break;
		case OPT_ALERT_EXEC:
			err = parse_exec(arg, o);
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:	/* ':' (missing value) or '?' */
			pfx_opts_refused(&p, opt);
			err = PFX_EXIT_USAGE;
			break;
		}
	}
	if (err)
		return err;
	if (optind < argc)
		return pfx_usage_error("unexpected argument '%s'; pfx top takes only options (see "
				   "'pfx top --help')", argv[optind]);
	if (tree && cgroup)
		return pfx_usage_error("%s", "--tree and --cgroup are two views; give one");
	if (o->duration > 0 && o->duration < o->delay)
		return pfx_usage_error("--duration %g s is shorter than the delay (%g s): no frame; give a "
				       "longer --duration or a shorter delay", o->duration, o->delay);
	o->view = tree ? TOP_VIEW_TREE : cgroup ? TOP_VIEW_CGROUP : TOP_VIEW_FLAT;
	if ((o->hold_given || o->rules.exec_argv) && !pfx_top_alert_any(&o->rules))
		return pfx_usage_error("%s", "--alert-for and --alert-exec need an alert; give "
				   "--alert-minor, --alert-major or --alert-swap");
	/* Files and machine formats only make sense in batch: imply it. */
	if (o->output || (o->format_given && o->format != PFX_FORMAT_TEXT))
		o->batch = true;
	/* A hook's output would draw over the full-screen view. */
	o->rules.exec_quiet = !o->batch;
	return 0;
}

/* ---- the run ---------------------------------------------------------- */

struct top_run {
	const struct top_opts *opts;
	struct top_table *table;
	struct top_out out;
	struct top_filter filter;
	struct top_ui ui;
	bool screen;
	uint64_t start_ns;
	uint64_t alerts;
};

static double now_wall(void)
{
	return (double)pfx_realtime_ns() / 1e9;
}

static void emit_alert(struct top_run *run, struct top_alert_event *ev)
{
	ev->time = (double)(pfx_now_ns() - run->start_ns) / 1e9;
	run->alerts++;
	if (run->screen) {
		char line[TOP_UI_MESSAGE_MAX];

		pfx_top_fmt_alert(line, sizeof(line), ev);
		pfx_top_ui_message(&run->ui, line);
	} else {
		pfx_top_output_alert(&run->out, ev);
	}
	if (pfx_top_alert_exec(&run->opts->rules, ev))
		pfx_warn("--alert-exec: cannot start '%s'; the alert is printed only",
			 run->opts->rules.exec_argv[0]);
}

static double alert_value(enum top_alert_kind kind, const struct top_sums *s)
{
	if (kind == TOP_ALERT_MINOR)
		return s->minor_rate;
	if (kind == TOP_ALERT_MAJOR)
		return s->major_rate;
	return (double)s->swap_kb * 1024.0;
}

/* Step every alert rule over processes (those the filters keep) and, in
 * the cgroup view, cgroups; what vanished clears what it had firing. */
static void check_alerts(struct top_run *run, uint64_t now)
{
	const struct top_alert_rules *rules = &run->opts->rules;
	struct top_filter keep = run->filter;
	uint64_t since = pfx_top_prev_ns(run->table);
	struct top_alert_event ev;
	struct top_proc *procs;
	struct top_group *groups;
	size_t n;

	if (!pfx_top_alert_any(rules))
		return;
	keep.text = NULL;	/* the interactive filter changes the view, not what is watched */
	procs = pfx_top_procs_mut(run->table, &n);
	for (size_t i = 0; i < n; i++) {
		struct top_proc *p = &procs[i];
		struct top_sums s = { .minor_rate = p->minor_rate, .major_rate = p->major_rate,
				      .swap_kb = p->swap_kb };

		if (!pfx_top_filter_match(run->table, &keep, p))
			continue;
		for (int k = 0; k < TOP_ALERT_KINDS; k++) {
			/* a first sight has no rate yet; swap is a level, always known */
			if (k != TOP_ALERT_SWAP && !p->has_rate)
				continue;
			if (pfx_top_alert_step(&p->alert[k], rules, (enum top_alert_kind)k,
					   alert_value((enum top_alert_kind)k, &s), since, now, &ev)) {
				ev.pid = p->pid;
				ev.start_time = p->start_time;
				ev.comm = p->comm;
				ev.cgroup = p->cgroup;
				emit_alert(run, &ev);
			}
		}
	}
	procs = pfx_top_gone(run->table, &n);
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < TOP_ALERT_KINDS; k++) {
			if (pfx_top_alert_gone(&procs[i].alert[k], rules, (enum top_alert_kind)k, &ev)) {
				ev.pid = procs[i].pid;
				ev.start_time = procs[i].start_time;
				ev.comm = procs[i].comm;
				ev.cgroup = procs[i].cgroup;
				emit_alert(run, &ev);
			}
		}
	}
	if (run->opts->view != TOP_VIEW_CGROUP)
		return;
	groups = pfx_top_groups(run->table, &n);
	for (size_t g = 0; g < n; g++) {
		for (int k = 0; k < TOP_ALERT_KINDS; k++) {
			bool fired = groups[g].present
				? pfx_top_alert_step(&groups[g].alert[k], rules, (enum top_alert_kind)k,
						 alert_value((enum top_alert_kind)k, &groups[g].sums),
						 since, now, &ev)
				: pfx_top_alert_gone(&groups[g].alert[k], rules, (enum top_alert_kind)k, &ev);

			if (fired) {
				ev.cgroup_scope = true;
				ev.cgroup = groups[g].cgroup;
				emit_alert(run, &ev);
			}
		}
	}
}

static int sample(struct top_run *run)
{
	uint64_t now = pfx_now_ns();
	int err = pfx_top_sample(run->table, now);

	if (err)
		return err;
	check_alerts(run, now);
	if (run->opts->rules.exec_argv)
		pfx_top_alert_reap();
	return 0;
}

static void fill_frame(struct top_run *run, struct top_frame *f, enum top_sort sort,
		       enum top_view view)
{
	size_t n;

	memset(f, 0, sizeof(*f));
	pfx_top_procs(run->table, &n);
	f->time = (double)(pfx_now_ns() - run->start_ns) / 1e9;
	f->timestamp = now_wall();
	f->interval = pfx_top_interval(run->table);
	f->nprocs = n;
	f->total = pfx_top_total(run->table);
	f->sort = sort;
	f->view = view;
	f->vanished = pfx_top_vanished(run->table);
}

static int batch_frame(struct top_run *run)
{
	const struct top_row *rows;
	struct top_frame f;
	size_t nrows;
	int err = pfx_top_order(run->table, run->opts->view, run->opts->sort, &run->filter,
			    run->opts->top_n, &rows, &nrows);

	if (err)
		return err;
	fill_frame(run, &f, run->opts->sort, run->opts->view);
	return pfx_top_output_frame(&run->out, &f, rows, nrows);
}

/* Sleep until deadline (monotonic ns); a stop signal cuts it short. */
static void sleep_until(uint64_t deadline)
{
	while (!pfx_sig_stop_requested()) {
		uint64_t now = pfx_now_ns();

		if (now >= deadline)
			return;
		poll(NULL, 0, (int)((deadline - now + 999999) / 1000000));
	}
}

/* --duration: a frame due at ns would come after it (1 ms of slack for
 * the clock's rounding). */
static bool past_duration(const struct top_run *run, uint64_t ns)
{
	double d = run->opts->duration;

	return d > 0 && ns > run->start_ns + (uint64_t)(d * 1e9) + 1000000;
}

static int run_batch(struct top_run *run)
{
	const struct top_opts *o = run->opts;
	uint64_t delay_ns = (uint64_t)(o->delay * 1e9 + 0.5), next = run->start_ns;
	int err;

	/* The baseline: the first frame's rates need an interval behind them. */
	err = sample(run);
	for (uint64_t frame = 0; !err && (!o->count || frame < o->count); frame++) {
		next += delay_ns;
		if (past_duration(run, next))
			break;
		sleep_until(next);
		if (pfx_sig_stop_requested())
			break;
		err = sample(run);
		if (!err)
			err = batch_frame(run);
		/* Stay on the grid; skip ticks missed (a stopped pfx). */
		while (next + delay_ns <= pfx_now_ns())
			next += delay_ns;
	}
	return err;
}

static int screen_frame(struct top_run *run)
{
	struct top_filter f = run->filter;
	const struct top_row *rows;
	struct top_frame frame;
	size_t nrows, cap = pfx_top_screen_row_capacity();
	int err;

	f.text = run->ui.filter;
	if (run->opts->top_n && run->opts->top_n < cap)
		cap = run->opts->top_n;
	err = pfx_top_order(run->table, run->ui.view, run->ui.sort, &f, cap, &rows, &nrows);
	if (err)
		return err;
	fill_frame(run, &frame, run->ui.sort, run->ui.view);
	pfx_top_screen_draw(&run->ui, &frame, run->table, rows, nrows);
	return 0;
}

static int run_screen(struct top_run *run)
{
	const struct top_opts *o = run->opts;
	uint64_t delay_ns = (uint64_t)(o->delay * 1e9 + 0.5), next;
	uint64_t frames = 0;
	int err;

	err = sample(run);
	if (!err)
		err = screen_frame(run);
	next = pfx_now_ns() + delay_ns;
	while (!err && !run->ui.quit && !pfx_sig_stop_requested()) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		uint64_t now = pfx_now_ns();
		bool redraw = pfx_top_screen_resized();
		int key;

		if (!redraw && now < next &&
		    poll(&pfd, 1, (int)((next - now + 999999) / 1000000)) > 0 &&
		    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;	/* the terminal went away: nothing to draw on */
		while ((key = pfx_top_screen_key()) >= 0 && !run->ui.quit) {
			enum top_view view = run->ui.view;

			redraw |= pfx_top_ui_key(&run->ui, key);
			/* --cgroup's alerts need the groups whatever the view */
			if (run->ui.view != view && !err)
				err = pfx_top_set_cgroups(run->table, run->ui.view == TOP_VIEW_CGROUP ||
							  o->view == TOP_VIEW_CGROUP);
		}
		if (run->ui.quit || pfx_sig_stop_requested())
			break;
		if (pfx_now_ns() >= next) {
			next += delay_ns;
			if (next < pfx_now_ns())
				next = pfx_now_ns() + delay_ns;
			if (!run->ui.paused) {
				err = sample(run);
				redraw = true;
				if (o->count && ++frames >= o->count)
					run->ui.quit = true;
				if (past_duration(run, next))
					run->ui.quit = true;
			}
		}
		if (!err && redraw)
			err = screen_frame(run);
	}
	return err;
}

static int check_pids(const struct top_opts *o)
{
	for (size_t i = 0; i < o->npids; i++) {
		if (kill(o->pids[i], 0) && errno == ESRCH) {
			pfx_err("no process with PID %d; check the PID (ps -p %d)", (int)o->pids[i],
				(int)o->pids[i]);
			return PFX_EXIT_ERROR;
		}
	}
	return 0;
}

static int run_top(struct top_run *run)
{
	const struct top_opts *o = run->opts;
	struct top_table_opts topts = { .cgroups = o->view == TOP_VIEW_CGROUP };
	struct pfx_outfile file = { 0 };
	int err, rc;

	if (!o->batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		pfx_err("the full-screen view needs a terminal; use -b for batch output");
		return PFX_EXIT_USAGE;
	}
	rc = check_pids(o);
	if (rc)
		return rc;
	pfx_top_raise_fd_limit();
	err = pfx_top_table_new(&run->table, &topts);
	if (err) {
		pfx_err("cannot read /proc: %s; is procfs mounted?", strerror(-err));
		return PFX_EXIT_ERROR;
	}
	run->filter = (struct top_filter){ .pids = o->pids, .npids = o->npids, .by_uid = o->by_uid,
					   .uid = o->uid };
	run->start_ns = pfx_now_ns();
	if (o->batch) {
		if ((err = pfx_outfile_open(&file, o->output))) {
			pfx_err("cannot write '%s': %s; check the path", o->output, strerror(-err));
			return PFX_EXIT_ERROR;
		}
		run->out = (struct top_out){ .fp = file.fp, .format = o->format, .table = run->table };
		err = run_batch(run);
		if (err == -EPIPE) {
			/* the reader has all it wanted ('| head'): a normal end */
			pfx_outfile_abort(&file);
			return PFX_EXIT_OK;
		}
		if (err && ferror(file.fp)) {
			pfx_err("cannot write '%s': %s", o->output ? o->output : "stdout", strerror(-err));
			pfx_outfile_abort(&file);
			return PFX_EXIT_ERROR;
		}
	} else {
		run->ui = (struct top_ui){ .sort = o->sort, .view = o->view, .refresh_s = o->delay };
		run->screen = true;
		err = pfx_top_screen_open();
		if (err) {
			pfx_err("cannot take the terminal: %s; use -b for batch output", strerror(-err));
			return PFX_EXIT_ERROR;
		}
		err = run_screen(run);
		pfx_top_screen_close();
	}
	if (err) {
		pfx_err("reading /proc failed: %s", strerror(-err));
		if (o->batch)
			pfx_outfile_abort(&file);
		return PFX_EXIT_ERROR;
	}
	if (o->batch && (err = pfx_outfile_commit(&file))) {
		pfx_err("cannot write '%s': %s", o->output ? o->output : "stdout", strerror(-err));
		return PFX_EXIT_ERROR;
	}
	return PFX_EXIT_OK;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts opts = { .delay = DEFAULT_DELAY_S, .format = PFX_FORMAT_TEXT,
				 .sort = TOP_SORT_MINOR,
				 .rules = { .threshold = { -1, -1, -1 } } };
	struct top_run run = { .opts = &opts };
	int rc = parse_options(argc, argv, &opts);

	if (rc == 0) {
		pfx_sig_install();
		rc = run_top(&run);
	} else if (rc < 0) {
		rc = PFX_EXIT_OK;
	}
	pfx_top_table_free(run.table);
	free(opts.pids);
	free(opts.exec_words);
	free(opts.rules.exec_argv);
	return rc;
}
