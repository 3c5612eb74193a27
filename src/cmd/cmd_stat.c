/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_stat: 'pfx stat', a live minor/major fault counter for a launched
 * command or running processes, laid out like perf stat.  This file
 * parses options and runs the interval loop; counting is counter.h,
 * printing is stat_output.h.  See pfx-stat(1) and doc/stat.md. */
#include "config.h"
#include "cmd.h"
#include "counter.h"
#include "fault_source.h"
#include "opts.h"
#include "output.h"
#include "safetext.h"
#include "perf.h"
#include "sig.h"
#include "stat_host.h"
#include "stat_output.h"
#include "target.h"
#include "thread_deltas.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* poll() at most this many fds */
enum { MAX_POLL_FDS = 1024 };
/* Without a pidfd (old kernels), exits are noticed by polling this often. */
enum { EXIT_POLL_MS = 100 };

struct stat_opts {
	pid_t *pids;
	size_t npids;
	char **command;		/* CMD ARGS..., NULL-terminated; NULL with -p */
	double interval;	/* seconds between rows; 0: only the total */
	uint64_t count;		/* rows to print before stopping; 0: no limit */
	double duration;	/* --duration: seconds before stopping; 0: no limit */
	bool per_thread;
	double alert_minor;	/* rows above this rate are marked; < 0: off */
	double alert_major;
	enum pfx_format format;
	enum pfx_count_source source;
	const char *output;	/* NULL: stderr, like perf stat */
	bool system_wide;	/* -a: every task of the host */
	bool per_cpu;		/* -A: a row per CPU */
	const char *cgroups;	/* -G CGROUP[,CGROUP...] */
};

static bool host_scope(const struct stat_opts *o)
{
	return o->system_wide || o->cgroups;
}

enum { OPT_PER_THREAD = PFX_OPT_ID_LONG, OPT_ALERT_MINOR, OPT_ALERT_MAJOR, OPT_FORMAT, OPT_SOURCE,
       OPT_INTERVAL_COUNT, OPT_DURATION };

static const struct pfx_opt stat_options[] = {
	PFX_OPT('p', "pid", "PID[,PID...]", "count running processes"),
	PFX_OPT('a', "all-cpus", NULL, "count every task of the host (system-wide)"),
	PFX_OPT('G', "cgroup", "CG[,CG...]", "count the tasks of these cgroups (and their children)"),
	PFX_OPT('A', "no-aggr", NULL, "with -a or -G: a row per CPU"),
	PFX_OPT_POSITIONALS("INTERVAL [COUNT]", "with -p: a row every INTERVAL seconds, COUNT rows"),
	PFX_OPT('I', "interval", "MSEC", "a row every MSEC milliseconds (>= " PFX_STR(PFX_INTERVAL_MIN_MS) ")"),
	PFX_OPT_LONG(OPT_INTERVAL_COUNT, "interval-count", "N",
		     "stop after N rows (a launched CMD gets SIGTERM)"),
	PFX_OPT_LONG(OPT_DURATION, "duration", "S", "stop after S seconds (a launched CMD gets SIGTERM)"),
	PFX_OPT_LONG(OPT_PER_THREAD, "per-thread", NULL, "split counts by thread"),
	PFX_OPT_LONG(OPT_ALERT_MINOR, "alert-minor", "RATE", "mark rows with more minor faults/s than RATE"),
	PFX_OPT_LONG(OPT_ALERT_MAJOR, "alert-major", "RATE", "mark rows with more major faults/s than RATE"),
	PFX_OPT_LONG(OPT_FORMAT, "format", "FMT", "text (default), json (one object per line), csv"),
	PFX_OPT('o', "output", "FILE", "write there instead of stderr ('-': stdout)"),
	PFX_OPT_LONG(OPT_SOURCE, "source", "SRC", "auto (default: perf, else tracefs, else proc),\n"
		     "perf, tracefs, proc; with -a: perf, vmstat;\n"
		     "with -G: perf, memcg (memory.stat)"),
	PFX_OPT('h', "help", NULL, "show this help"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx stat [OPTIONS] -p PID[,PID...] [INTERVAL [COUNT]]\n"
		"       pfx stat [OPTIONS] [--] CMD [ARGS...]\n"
		"       pfx stat -a|-G CGROUP[,CGROUP...] [-A] [OPTIONS] [[--] CMD [ARGS...]]\n"
		"\n"
		"Count the minor and major page faults of a process -- all its threads,\n"
		"and the threads and children started while counting -- and print the\n"
		"total when it exits or on Ctrl-C.  With -a or -G, of the whole host or of\n"
		"cgroups, until CMD exits (if given), Ctrl-C, --interval-count or --duration.\n"
		"\n");
	pfx_opts_help(fp, stat_options, 27);
	fprintf(fp, "\nSee pfx-stat(1).\n");
}

static int parse_interval_seconds(const char *arg, double *interval)
{
	double s;

	if (arg[0] == '-')
		return pfx_usage_error("interval '%s' is negative; give INTERVAL in seconds, "
				   "greater than 0", arg);
	if (pfx_parse_seconds(arg, &s))
		return pfx_usage_error("invalid interval '%s'; with -p the arguments are INTERVAL "
				   "(seconds) and COUNT (to run a command, do not give -p)", arg);
	if (s < PFX_INTERVAL_MIN_S)
		return pfx_usage_error("interval '%s' s is too short; the minimum is %g s", arg,
				   PFX_INTERVAL_MIN_S);
	/* as -I's bound (and thp's): beyond it, turned into nanoseconds
	 * for the timer, 1e308 overflowed and no row was ever printed */
	if (s > 24 * 3600)
		return pfx_usage_error("interval '%s' s is too long; the maximum is 86400 s (a day)", arg);
	*interval = s;
	return 0;
}

static int parse_rate(const char *arg, const char *option, double *rate)
{
	/* A rate is a non-negative decimal number, like a duration. */
	if (pfx_parse_seconds(arg, rate) == 0)
		return 0;
	return pfx_usage_error("invalid %s rate '%s'; give faults per second, a number >= 0",
			   option, arg);
}

static int parse_positionals(int argc, char **argv, struct stat_opts *o, bool have_interval)
{
	int err;

	if (o->npids == 0) {
		if (argc == 0 && !host_scope(o))
			return pfx_usage_error("%s", "nothing to count; give -p PID, -a or a command to run "
					   "(see 'pfx stat --help')");
		o->command = argc ? argv : NULL;
		return 0;
	}
	if (argc > 2)
		return pfx_usage_error("unexpected argument '%s'; with -p the arguments are "
				   "INTERVAL [COUNT]", argv[2]);
	if (argc >= 1) {
		if (have_interval)
			return pfx_usage_error("interval '%s' given twice (-I and INTERVAL); give one",
					   argv[0]);
		err = parse_interval_seconds(argv[0], &o->interval);
		if (err)
			return err;
	}
	if (argc == 2 && (err = pfx_count_option(argv[1], "rows", &o->count)))
		return err;
	return 0;
}

/* 0: run; -1: help printed; else the exit code of a usage error. */
static int parse_options(int argc, char **argv, struct stat_opts *o)
{
	struct pfx_opts p;
	bool have_interval = false;
	int opt, err = 0;

	/* '+': stop at the command's name so its own options stay its own. */
	pfx_opts_begin(&p, "stat", stat_options, "+", argc, argv);
	while (!err && (opt = pfx_opts_next(&p)) != -1) {
		switch (opt) {
		case 'p':
			err = pfx_pid_list_option(p.value, &o->pids, &o->npids);
			break;
		case 'I':
			err = pfx_interval_ms_option(p.value, false, &o->interval);
			have_interval = true;
			break;
		case OPT_INTERVAL_COUNT:
			err = pfx_count_option(p.value, "rows", &o->count);
			break;
		case OPT_DURATION:
			err = pfx_duration_option(p.value, &o->duration);
			break;
		case OPT_PER_THREAD:
			o->per_thread = true;
			break;
		case OPT_ALERT_MINOR:
			err = parse_rate(p.value, "--alert-minor", &o->alert_minor);
			break;
		case OPT_ALERT_MAJOR:
			err = parse_rate(p.value, "--alert-major", &o->alert_major);
			break;
		case OPT_FORMAT:
			if (pfx_format_parse(p.value, &o->format))
				err = pfx_usage_error("unknown format '%s'; use text, json or csv", p.value);
			break;
		case 'o':
			o->output = p.value;
			break;
		case OPT_SOURCE:
			if (pfx_count_source_parse(p.value, &o->source))
				err = pfx_usage_error("unknown source '%s'; use %s", p.value,
						  pfx_count_source_names());
			break;
		case 'a':
			o->system_wide = true;
			break;
		case 'A':
			o->per_cpu = true;
			break;
		case 'G':
			o->cgroups = p.value;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:	/* ':' (missing value) or '?' */
			/* "-p 1 -2": getopt sees option '2'. */
			if (opt == '?' && p.bad_letter >= '0' && p.bad_letter <= '9') {
				err = pfx_usage_error("%s", "a negative interval is not allowed; give "
						  "INTERVAL in seconds, greater than 0");
			} else {
				pfx_opts_refused(&p, opt);
				err = PFX_EXIT_USAGE;
			}
			break;
		}
	}
	if (err)
		return err;
	if (host_scope(o) && o->npids)
		return pfx_usage_error("%s -p count different things: %s counts %s, -p processes; give one",
				   o->system_wide ? "-a and" : "-G and", o->system_wide ? "-a" : "-G",
				   o->system_wide ? "every task of the host" : "the tasks of cgroups");
	if (host_scope(o) && o->per_thread)
		return pfx_usage_error("%s", "--per-thread splits a process; with -a or -G use -A (a row per CPU)");
	if (o->per_cpu && !host_scope(o))
		return pfx_usage_error("%s", "-A splits host-wide counts by CPU; give it with -a or -G");
	if (host_scope(o) && (o->source == PFX_SOURCE_PROC || o->source == PFX_SOURCE_TRACEFS))
		return pfx_usage_error("--source %s counts processes; with -a use perf or vmstat, with -G perf "
				   "or memcg", pfx_count_source_name(o->source));
	if (!host_scope(o) && (o->source == PFX_SOURCE_VMSTAT || o->source == PFX_SOURCE_MEMCG))
		return pfx_usage_error("--source %s counts %s; give %s, or use perf, tracefs or proc",
				   pfx_count_source_name(o->source),
				   o->source == PFX_SOURCE_VMSTAT ? "the whole host" : "cgroups",
				   o->source == PFX_SOURCE_VMSTAT ? "-a" : "-G CGROUP");
	if (o->source == PFX_SOURCE_VMSTAT && o->cgroups)
		return pfx_usage_error("%s", "--source vmstat counts the whole host; for -G use perf or memcg");
	if (o->source == PFX_SOURCE_MEMCG && !o->cgroups)
		return pfx_usage_error("%s", "--source memcg counts cgroups; give -G CGROUP, or use perf or vmstat");
	if (o->count && o->interval == 0 && o->npids == 0)
		return pfx_usage_error("%s", "--interval-count needs an interval (-I MSEC)");
	err = parse_positionals(argc - optind, argv + optind, o, have_interval);
	if (!err && o->count && o->interval == 0)
		return pfx_usage_error("%s", "COUNT needs an INTERVAL");
	return err;
}

/* ---- the run ---------------------------------------------------------- */

struct stat_run {
	const struct stat_opts *opts;
	struct pfx_target *targets;	/* processes; with -a/-G, the command (if any) */
	size_t ntargets;
	struct stat_host host;		/* -a/-G: the counter's targets */
	size_t nrows;			/* counter targets: ntargets, or host.ntargets */
	struct pfx_counter *counter;
	struct stat_output out;
	uint64_t start_ns, last_row_ns;
	struct pfx_live_counts *prev;		/* per target, at the last row */
	bool *row_done;				/* target exited and its last row printed */
	struct thread_deltas thread_deltas;	/* per-thread rows */
	uint64_t rows, alert_rows;
	char command[512];
};

/* Advance prev to cur field by field; a count never goes back, but keep
 * rows from going negative if a source ever did.  page-faults counts a
 * fault at its entry, minor/major at its end: a fault in flight when a
 * row is read enters in that row and ends in the next, which would then
 * show more minor + major than page-faults.  Its entry is moved to the
 * row where it ended (prev->faults runs ahead of the counter by the
 * faults moved, and the next rows take that back), so every row has
 * minor + major <= page-faults. */
static struct pfx_live_counts advance(struct pfx_live_counts *prev,
				       const struct pfx_live_counts *cur)
{
	struct pfx_live_counts d = { 0 };

	if (cur->minor > prev->minor) { d.minor = cur->minor - prev->minor; prev->minor = cur->minor; }
	if (cur->major > prev->major) { d.major = cur->major - prev->major; prev->major = cur->major; }
	if (cur->faults > prev->faults) { d.faults = cur->faults - prev->faults; prev->faults = cur->faults; }
	if (d.faults < d.minor + d.major) {
		prev->faults += d.minor + d.major - d.faults;
		d.faults = d.minor + d.major;
	}
	return d;
}

static void print_row(struct stat_run *run, struct stat_row *row)
{
	const struct stat_opts *o = run->opts;

	if (o->alert_minor >= 0 && row->seconds > 0 && row->delta.minor / row->seconds > o->alert_minor)
		row->alerts |= STAT_ALERT_MINOR;
	if (o->alert_major >= 0 && row->seconds > 0 && row->delta.major / row->seconds > o->alert_major)
		row->alerts |= STAT_ALERT_MAJOR;
	if (row->alerts)
		run->alert_rows++;
	pfx_stat_output_row(&run->out, row);
}

static int thread_rows(struct stat_run *run, double time, double seconds)
{
	const struct pfx_thread_counts *rows;
	const struct thread_delta *deltas;
	size_t n;
	int err = pfx_counter_threads(run->counter, &rows, &n);

	if (!err)
		err = pfx_thread_deltas_next(&run->thread_deltas, rows, n, &deltas);
	for (size_t i = 0; !err && i < n; i++) {
		struct stat_row row = { .time = time, .seconds = seconds, .pid = deltas[i].pid,
					.tid = deltas[i].tid, .delta = deltas[i].delta,
					.includes_running = deltas[i].includes_running };

		/* Threads that ended earlier and have nothing new stay quiet. */
		if (rows[i].exited && !deltas[i].changed)
			continue;
		print_row(run, &row);
	}
	return err;
}

static int process_rows(struct stat_run *run, double time, double seconds)
{
	bool scope = host_scope(run->opts);

	for (size_t i = 0; i < run->nrows; i++) {
		struct stat_row row = { .time = time, .seconds = seconds,
					.pid = scope ? -1 : run->targets[i].pid, .tid = -1,
					.cpu = pfx_stat_host_cpu(&run->host, i),
					.cgroup = pfx_stat_host_cgroup(&run->host, i) };
		struct pfx_live_counts cur;
		int err;

		if (run->row_done[i])
			continue;
		err = pfx_counter_read(run->counter, i, &cur);
		if (err)
			return err;
		row.delta = advance(&run->prev[i], &cur);
		print_row(run, &row);
		run->row_done[i] = !scope && run->targets[i].exited;
	}
	return 0;
}

static int emit_rows(struct stat_run *run, uint64_t now)
{
	double time = (double)(now - run->start_ns) / 1e9;
	double seconds = (double)(now - run->last_row_ns) / 1e9;
	int err;

	err = run->opts->per_thread ? thread_rows(run, time, seconds)
				    : process_rows(run, time, seconds);
	fflush(run->out.fp);
	run->last_row_ns = now;
	run->rows++;
	return err;
}

/* With -a/-G and no command, never: the run ends on a signal or COUNT. */
static bool all_exited(const struct stat_run *run)
{
	if (run->ntargets == 0)
		return false;
	for (size_t i = 0; i < run->ntargets; i++)
		if (!run->targets[i].exited)
			return false;
	return true;
}

/* Note targets that have exited (reaping launched ones). */
static void check_exits(struct stat_run *run)
{
	for (size_t i = 0; i < run->ntargets; i++) {
		struct pfx_target *t = &run->targets[i];

		if (!t->exited && pfx_target_poll_exit(t) == 1 && !host_scope(run->opts))
			pfx_counter_target_exited(run->counter, i, t->launched ? &t->rusage : NULL);
	}
}

/* Sleep until the next row is due, a target exits, the counter has data
 * or a signal arrives. */
static void wait_for_event(struct stat_run *run, int timeout_ms)
{
	struct pollfd fds[MAX_POLL_FDS];
	int counter_fds[MAX_POLL_FDS];
	size_t n = 0, ncounter;
	bool have_pidfds = true;

	for (size_t i = 0; i < run->ntargets && n < MAX_POLL_FDS; i++) {
		if (run->targets[i].exited)
			continue;
		if (run->targets[i].pidfd < 0)
			have_pidfds = false;
		else
			fds[n++] = (struct pollfd){ .fd = run->targets[i].pidfd, .events = POLLIN };
	}
	ncounter = pfx_counter_poll_fds(run->counter, counter_fds, MAX_POLL_FDS - n);
	for (size_t i = 0; i < ncounter; i++)
		fds[n++] = (struct pollfd){ .fd = counter_fds[i], .events = POLLIN };
	if (!have_pidfds && (timeout_ms < 0 || timeout_ms > EXIT_POLL_MS))
		timeout_ms = EXIT_POLL_MS;
	if (poll(fds, n, timeout_ms) > 0 && ncounter)
		pfx_counter_collect(run->counter);
}

static void stop_launched(struct stat_run *run, int sig)
{
	for (size_t i = 0; i < run->ntargets; i++) {
		struct pfx_target *t = &run->targets[i];

		if (!t->launched || t->exited)
			continue;
		pfx_target_forward_signal(t, sig);
		/* A command that ignores it is killed by the next Ctrl-C. */
		while (!t->exited && pfx_target_wait(t) == -EINTR)
			pfx_target_forward_signal(t, SIGKILL);
		if (t->exited && !host_scope(run->opts))
			pfx_counter_target_exited(run->counter, i, &t->rusage);
	}
}

/* The loop: rows every interval until the targets exit, COUNT rows, or a
 * stop signal (*interrupted).  0 or -errno from reading the counters. */
static int run_loop(struct stat_run *run, bool *interrupted)
{
	const struct stat_opts *o = run->opts;
	uint64_t interval_ns = (uint64_t)(o->interval * 1e9 + 0.5);
	uint64_t next = run->start_ns + interval_ns;
	bool refresh = !host_scope(o) && pfx_counter_wants_refresh(run->counter);
	uint64_t next_refresh = run->start_ns + PFX_COUNTER_REFRESH_MS * 1000000ull;
	uint64_t stop = o->duration > 0 ? run->start_ns + (uint64_t)(o->duration * 1e9 + 0.5) : 0;
	int err = 0;

	*interrupted = false;
	for (;;) {
		uint64_t now = pfx_now_ns();
		int timeout = -1;

		if (pfx_sig_stop_requested()) {
			*interrupted = true;
			stop_launched(run, pfx_sig_stop_signal());
			break;
		}
		check_exits(run);
		if (all_exited(run))
			break;
		/* --duration: the rows so far and the tail, as at an exit */
		if (stop && now >= stop) {
			stop_launched(run, SIGTERM);
			break;
		}
		if (interval_ns && now >= next) {
			err = emit_rows(run, now);
			if (err)
				return err;
			if (o->count && run->rows >= o->count) {
				stop_launched(run, SIGTERM);
				return 0;
			}
			/* Stay on the grid; skip ticks missed (a stopped pfx). */
			while (next <= now)
				next += interval_ns;
			continue;
		}
		if (interval_ns)
			timeout = (int)((next - now + 999999) / 1000000);
		if (stop && (timeout < 0 || stop - now < (uint64_t)timeout * 1000000))
			timeout = (int)((stop - now + 999999) / 1000000);
		/* /proc forgets a process once its parent reaps it: keep the
		 * last reading recent (counter.h). */
		if (refresh && (timeout < 0 || timeout > PFX_COUNTER_REFRESH_MS))
			timeout = PFX_COUNTER_REFRESH_MS;
		wait_for_event(run, timeout);
		if (refresh && pfx_now_ns() >= next_refresh) {
			pfx_counter_refresh(run->counter);
			next_refresh = pfx_now_ns() + PFX_COUNTER_REFRESH_MS * 1000000ull;
		}
	}
	/* The tail since the last row, so the rows add up to the total. */
	if (interval_ns && pfx_now_ns() > run->last_row_ns)
		err = emit_rows(run, pfx_now_ns());
	return err;
}

static int summarize(struct stat_run *run, bool interrupted, uint64_t end_ns)
{
	struct stat_summary s = {
		.source = pfx_counter_source(run->counter),
		.description = pfx_counter_description(run->counter),
		.command = run->command,
		.seconds = (double)(end_ns - run->start_ns) / 1e9,
		.nprocesses = run->nrows,
		.alert_intervals = run->alert_rows,
		.lost_reports = pfx_counter_lost_reports(run->counter),
		.interrupted = interrupted,
	};
	struct stat_process_total *procs = calloc(run->nrows ? run->nrows : 1, sizeof(*procs));
	bool scope = host_scope(run->opts);
	int err = 0;

	if (!procs)
		return -ENOMEM;
	for (size_t i = 0; i < run->nrows && !err; i++) {
		procs[i].pid = scope ? -1 : run->targets[i].pid;
		procs[i].end = scope ? PFX_COUNT_END_COUNTED : pfx_counter_end(run->counter, i);
		procs[i].cpu = pfx_stat_host_cpu(&run->host, i);
		procs[i].cgroup = pfx_stat_host_cgroup(&run->host, i);
		/* A host scope keeps counting after the last row: its rows are
		 * the totals, so they add up to them. */
		if (scope && run->rows)
			procs[i].counts = run->prev[i];
		else
			err = pfx_counter_read(run->counter, i, &procs[i].counts);
		/* Entries moved forward to the row where their fault ended
		 * (advance()) are in the total too: the rows add up to it. */
		if (run->rows && procs[i].counts.faults < run->prev[i].faults)
			procs[i].counts.faults = run->prev[i].faults;
		s.total.faults += procs[i].counts.faults;
		s.total.minor += procs[i].counts.minor;
		s.total.major += procs[i].counts.major;
	}
	s.processes = procs;
	if (!err && run->opts->per_thread)
		err = pfx_counter_threads(run->counter, &s.threads, &s.nthreads);
	if (!scope && run->ntargets == 1 && run->targets[0].launched && run->targets[0].exited) {
		s.has_rusage = true;
		s.rusage_minor = (uint64_t)run->targets[0].rusage.ru_minflt;
		s.rusage_major = (uint64_t)run->targets[0].rusage.ru_majflt;
	}
	pfx_stat_host_ref_end(&run->host, s.source);
	if (run->host.has_ref) {
		s.has_kernel = true;
		s.kernel_name = run->host.ref_name;
		s.kernel_faults = run->host.ref_end.faults - run->host.ref_start.faults;
		s.kernel_major = run->host.ref_end.major > run->host.ref_start.major
					 ? run->host.ref_end.major - run->host.ref_start.major : 0;
		s.kernel_gap_cause = pfx_stat_host_gap_cause(&run->host, s.total.minor + s.total.major,
							 s.kernel_faults, &s.kernel_gap);
	}
	if (!err)
		pfx_stat_output_summary(&run->out, &s);
	free(procs);
	return err;
}

static void describe_command(struct stat_run *run)
{
	const struct stat_opts *o = run->opts;
	size_t len = 0;

	run->command[0] = '\0';
	if (host_scope(o)) {
		pfx_stat_host_describe(&run->host, run->command, sizeof(run->command));
		len = strlen(run->command);
		for (char **a = o->command; a && *a && len < sizeof(run->command); a++)
			len += (size_t)snprintf(run->command + len, sizeof(run->command) - len,
						"%s%s", a == o->command ? ", during " : " ", *a);
		return;
	}
	if (o->command) {
		for (char **a = o->command; *a && len < sizeof(run->command); a++)
			len += (size_t)snprintf(run->command + len, sizeof(run->command) - len,
						"%s%s", a == o->command ? "" : " ", *a);
		return;
	}
	len = (size_t)snprintf(run->command, sizeof(run->command), "pid ");
	for (size_t i = 0; i < o->npids && len < sizeof(run->command); i++)
		len += (size_t)snprintf(run->command + len, sizeof(run->command) - len, "%s%d",
					i ? "," : "", (int)o->pids[i]);
}

static int setup_targets(struct stat_run *run)
{
	const struct stat_opts *o = run->opts;

	run->ntargets = o->command ? 1 : o->npids;
	run->nrows = host_scope(o) ? run->host.ntargets : run->ntargets;
	run->targets = calloc(run->ntargets ? run->ntargets : 1, sizeof(*run->targets));
	run->prev = calloc(run->nrows ? run->nrows : 1, sizeof(*run->prev));
	run->row_done = calloc(run->nrows ? run->nrows : 1, sizeof(*run->row_done));
	if (!run->targets || !run->prev || !run->row_done) {
		pfx_err("out of memory");
		return PFX_EXIT_ERROR;
	}
	for (size_t i = 0; i < run->ntargets; i++)
		run->targets[i].pidfd = run->targets[i].start_fd = run->targets[i].exec_err_fd = -1;
	if (o->command) {
		int err = pfx_target_launch(&run->targets[0], o->command);

		if (err) {
			pfx_err("cannot start '%s': %s", o->command[0], strerror(-err));
			return PFX_EXIT_ERROR;
		}
		return 0;
	}
	for (size_t i = 0; i < o->npids; i++) {
		int err = pfx_target_attach(&run->targets[i], o->pids[i]);

		if (err == -ESRCH) {
			pfx_err("no process with PID %d; check the PID (ps -p %d)", (int)o->pids[i],
				(int)o->pids[i]);
			return PFX_EXIT_ERROR;
		}
		if (err) {
			pfx_err("cannot attach to PID %d: %s; run as its owner or as root",
				(int)o->pids[i], strerror(-err));
			return PFX_EXIT_ERROR;
		}
	}
	return 0;
}

/* Why the host-wide counters could not be opened, in one line. */
static int host_counter_error(const struct stat_run *run, int err)
{
	const struct stat_opts *o = run->opts;

	if (err == -EOPNOTSUPP && o->per_cpu) {
		pfx_err("-A needs perf events (%s has no per-CPU counts); drop -A or allow perf",
			o->cgroups ? "memory.stat" : "/proc/vmstat");
	} else if (pfx_perf_denied(err)) {
		char hint[256];
		const struct pfx_perf_request req = { .cpu_wide = true };

		pfx_perf_denied_hint(err, &req, hint, sizeof(hint));
		pfx_err("perf_event_open is denied for CPU-wide counting (%s): %s; or use --source %s",
			strerror(-err), hint, o->cgroups ? "memcg" : "vmstat");
	} else if (err == -ENOENT && o->cgroups) {
		const struct pfx_cgroup *cg = &run->host.cgroups[0];

		for (size_t i = 0; i < run->host.ncgroups; i++)
			if (o->source == PFX_SOURCE_MEMCG ? !run->host.cgroups[i].memory_stat[0]
							  : !run->host.cgroups[i].perf_dir[0])
				cg = &run->host.cgroups[i];
		if (o->source == PFX_SOURCE_MEMCG || !cg->memory_stat[0])
			pfx_err("cannot count cgroup '%s': %s%s%s", cg->name,
				cg->perf_dir[0] ? "" : cg->why_no_perf ? cg->why_no_perf : "no perf_event hierarchy",
				cg->perf_dir[0] ? "" : ", and ",
				"it has no memory.stat (no memory controller)");
		else
			pfx_err("cannot count cgroup '%s' with perf: %s; or use --source memcg", cg->name,
				cg->why_no_perf ? cg->why_no_perf : strerror(-err));
	} else {
		pfx_err("cannot count faults %s with source %s: %s", o->cgroups ? "of the cgroups" : "system-wide",
			pfx_count_source_name(o->source), strerror(-err));
	}
	return PFX_EXIT_ERROR;
}

static int open_counter(struct stat_run *run)
{
	const struct stat_opts *o = run->opts;
	struct pfx_counter_target *ct = calloc(run->nrows ? run->nrows : 1, sizeof(*ct));
	struct pfx_counter_opts copts = { .source = o->source, .per_thread = o->per_thread };
	int err;

	if (!ct) {
		pfx_err("out of memory");
		return PFX_EXIT_ERROR;
	}
	for (size_t i = 0; i < run->nrows; i++)
		ct[i] = host_scope(o) ? run->host.targets[i]
			: (struct pfx_counter_target){ .pid = run->targets[i].pid,
							.launched = run->targets[i].launched };
	err = pfx_counter_open(&run->counter, ct, run->nrows, &copts);
	free(ct);
	if (!err)
		return 0;
	if (host_scope(o))
		return host_counter_error(run, err);
	if (o->source == PFX_SOURCE_TRACEFS) {
		char hint[256];

		pfx_err("cannot trace faults with tracefs (%s): %s; or use --source proc", strerror(-err),
			pfx_source_find("tracefs")->hint(err, NULL, hint, sizeof(hint)));
	} else if (pfx_perf_denied(err)) {
		char hint[256];
		const struct pfx_perf_request req = { .pid = run->nrows ? run->targets[0].pid : 0 };

		pfx_perf_denied_hint(err, &req, hint, sizeof(hint));
		pfx_err("perf_event_open is denied (%s): %s; or use --source proc", strerror(-err),
			hint);
	} else if (err == -ESRCH) {
		pfx_err("the process exited before counting began; check the PID");
	} else if (err == -EMFILE || err == -ENFILE) {
		pfx_err("too many open files for the counters (%s); raise 'ulimit -n' or "
			"drop --per-thread", strerror(-err));
	} else {
		pfx_err("cannot count faults with source %s: %s",
			pfx_count_source_name(o->source), strerror(-err));
	}
	return PFX_EXIT_ERROR;
}

static int open_output(struct stat_run *run, struct pfx_outfile *file)
{
	const struct stat_opts *o = run->opts;
	int err;

	if (!o->output) {
		memset(file, 0, sizeof(*file));
		file->fp = stderr;
	} else if ((err = pfx_outfile_open(file, o->output))) {
		pfx_err("cannot write '%s': %s; check the path", o->output, pfx_outfile_strerror(err));
		return PFX_EXIT_ERROR;
	}
	run->out.fp = file->fp;
	run->out.format = o->format;
	run->out.show_pid = !host_scope(o) && run->ntargets > 1;
	run->out.per_thread = o->per_thread;
	run->out.scope = !host_scope(o) ? NULL : o->cgroups ? "cgroup" : "system";
	run->out.show_cpu = o->per_cpu;
	run->out.show_cgroup = o->cgroups != NULL;
	run->out.alert_minor = o->alert_minor;
	run->out.alert_major = o->alert_major;
	return 0;
}

/* pfx_stat_host_setup()'s error as one line; the exit code. */
static int say_host_error(const struct stat_host *h, int err)
{
	char safe[PFX_SAFETEXT_BUF(sizeof(h->bad.name))];
	const char *name = pfx_safetext_str(safe, sizeof(safe), h->bad.name);

	if (h->bad.cpus) {
		pfx_err("cannot list the online CPUs: %s", strerror(-err));
	} else if (err == -E2BIG) {
		pfx_err("more than 64 cgroups in -G; count fewer at a time");
		return PFX_EXIT_USAGE;
	} else if (err == -EDESTADDRREQ) {
		pfx_err("-G needs a cgroup name, e.g. -G system.slice");
		return PFX_EXIT_USAGE;
	} else if (err == -ENOENT) {
		pfx_err("no cgroup '%s' in %s; give the path of an existing cgroup inside "
			"its hierarchy (a directory there)", name,
			h->bad.where[0] ? h->bad.where : "any mounted cgroup hierarchy");
	} else if (err == -EINVAL) {
		pfx_err("'%s' is not a cgroup name; give its path inside the hierarchy, e.g. -G "
			"system.slice", name);
		return PFX_EXIT_USAGE;
	} else if (err == -ENOMEM) {
		pfx_err("out of memory");
	} else {
		pfx_err("cannot look up cgroup '%s': %s", name, strerror(-err));
	}
	return PFX_EXIT_ERROR;
}

static int run_stat(struct stat_run *run)
{
	const struct stat_opts *o = run->opts;
	struct pfx_outfile file = { 0 };
	bool interrupted = false;
	int rc, err;

	/* A killed pfx's tracefs instance keeps tracing: end it, whatever
	 * source this run uses. */
	pfx_source_clean_stale(NULL);
	if (host_scope(o) && (err = pfx_stat_host_setup(&run->host, o->system_wide, o->per_cpu, o->cgroups)))
		return say_host_error(&run->host, err);
	describe_command(run);
	rc = setup_targets(run);
	pfx_stat_host_ref_start(&run->host);
	if (rc == 0)
		rc = open_counter(run);
	if (rc == 0)
		rc = open_output(run, &file);
	if (rc)
		return rc;
	/* Time zero is the exec (or the attach): the command's run, not pfx's set-up. */
	run->start_ns = run->last_row_ns = pfx_now_ns();
	if (o->command && (err = pfx_target_start(&run->targets[0]))) {
		pfx_err("cannot run '%s': %s; check the command name and PATH", o->command[0],
			strerror(-err));
		pfx_outfile_abort(&file);
		return pfx_launched_exec_status(err);
	}
	pfx_stat_output_header(&run->out, pfx_counter_source(run->counter),
			   pfx_counter_description(run->counter), run->command,
			   o->pids ? o->pids : &run->targets[0].pid, host_scope(o) ? 0 : run->ntargets);
	err = run_loop(run, &interrupted);
	if (!err)
		err = summarize(run, interrupted, pfx_now_ns());
	if (err) {
		pfx_err("reading the counters failed: %s", strerror(-err));
		pfx_outfile_abort(&file);
		return PFX_EXIT_ERROR;
	}
	err = pfx_outfile_commit(&file);
	if (err) {
		pfx_err("cannot write '%s': %s", o->output ? o->output : "stderr", strerror(-err));
		return PFX_EXIT_ERROR;
	}
	return pfx_launched_status(&run->targets[0]);
}

int cmd_stat(int argc, char **argv)
{
	struct stat_opts opts = { .alert_minor = -1, .alert_major = -1,
				  .format = PFX_FORMAT_TEXT, .source = PFX_SOURCE_AUTO };
	struct stat_run run = { .opts = &opts };
	int rc = parse_options(argc, argv, &opts);

	for (size_t i = 0; rc == 0 && i < opts.npids; i++)
		if (pfx_refuse_kernel_thread_option(opts.pids[i]))
			rc = PFX_EXIT_ERROR;
	if (rc == 0) {
		pfx_sig_install();
		rc = run_stat(&run);
	} else if (rc < 0) {
		rc = PFX_EXIT_OK;
	}
	if (run.counter)
		pfx_counter_close(run.counter);
	for (size_t i = 0; i < run.ntargets && run.targets; i++)
		pfx_target_close(&run.targets[i]);
	free(run.targets);
	free(run.prev);
	free(run.row_done);
	pfx_stat_host_free(&run.host);
	pfx_thread_deltas_free(&run.thread_deltas);
	free(opts.pids);
	return rc;
}
