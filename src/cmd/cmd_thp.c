/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_thp: 'pfx thp', a process's transparent-huge-page and NUMA
 * behaviour over time: its faults next to the huge pages they brought,
 * its THP share and node placement, and the system's THP, migration and
 * NUMA-balancing counters.  Parses options, reports errors, and drives
 * thp_watch.h (sampling) and thp_output.h (printing). */
#include "config.h"
#include "cmd.h"
#include "counter.h"
#include "events.h"
#include "opts.h"
#include "output.h"
#include "perf.h"
#include "procstat.h"
#include "sig.h"
#include "target.h"
#include "thp_output.h"
#include "thp_watch.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Each sample walks the target's page tables twice (smaps_rollup and
 * numa_maps): faster than this is a busy loop on a large process. */

struct thp_opts {
	pid_t pid;			/* -p, or 0 */
	char **cmd;			/* after --, or NULL */
	enum pfx_format format;
	const char *output;
	const char *root;		/* --root / PFX_ROOT: fixture tree, "" = real */
	double interval_s;
	uint64_t count;			/* 0 = until the target exits or Ctrl-C */
	double duration_s;		/* --duration; 0 = no limit */
};

enum { OPT_FORMAT = PFX_OPT_ID_LONG, OPT_ROOT, OPT_INTERVAL_COUNT, OPT_DURATION };

static const struct pfx_opt thp_options[] = {
	PFX_OPT('p', "pid", "PID", "watch a running process"),
	PFX_OPT('I', "interval", "MSEC", "INTERVAL in milliseconds, as pfx stat -I"),
	PFX_OPT_LONG(OPT_INTERVAL_COUNT, "interval-count", "N", "stop after N rows (as COUNT)"),
	PFX_OPT_LONG(OPT_DURATION, "duration", "S", "stop after S seconds"),
	PFX_OPT_LONG(OPT_FORMAT, "format", "F", "text (default), json (one object per line) or csv"),
	PFX_OPT('o', "output", "FILE", "write there (complete when pfx stops) instead of stdout"),
	PFX_OPT_SECRET(OPT_ROOT, "root", "DIR"),	/* a fixture tree, for tests */
	PFX_OPT('h', "help", NULL, "this text"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx thp [-p PID | -- CMD [ARGS]] [--format text|json|csv] [-o FILE]\n"
		"               [INTERVAL [COUNT]]\n"
		"\n"
		"Every INTERVAL seconds (default 1), a process's transparent huge pages and\n"
		"NUMA placement next to its page faults: the faults of the interval, the huge\n"
		"pages they brought (AnonHugePages), the THP share of its anonymous memory,\n"
		"its pages per node; and, system-wide, the /proc/vmstat thp_*, numa_* and\n"
		"pgmigrate_* deltas and khugepaged/migration tracepoint counts.  A summary at\n"
		"the end (target exit, COUNT rows or Ctrl-C).\n"
		"\n");
	pfx_opts_help(fp, thp_options, 23);
	fprintf(fp, "\nSee pfx-thp(1).\n");
}

/* INTERVAL (index 0) or COUNT (1). */
static int parse_positional(struct thp_opts *o, const char *arg, int index)
{
	bool ok = index == 0 ? pfx_parse_seconds(arg, &o->interval_s) == 0 &&
				       o->interval_s >= PFX_INTERVAL_MIN_S && o->interval_s <= PFX_INTERVAL_MAX_S
			     : pfx_parse_u64(arg, &o->count) == 0 && o->count > 0;

	if (index > 1)
		pfx_err("unexpected argument '%s'; put the command to run after --", arg);
	else if (!ok && index == 0)
		pfx_err("invalid INTERVAL '%s'; give seconds between rows, from 0.01 to 86400, e.g. 1 or 0.5", arg);
	else if (!ok)
		pfx_err("invalid COUNT '%s'; give the number of rows, 1 or more", arg);
	return ok && index <= 1 ? 0 : -EINVAL;
}

/* getopt took a word it does not know: a negative INTERVAL ("-1") is
 * reported as the bad INTERVAL it is, anything else as an option. */
static int bad_option(struct thp_opts *o, const struct pfx_opts *p, int c, int positional)
{
	const char *word = p->bad_word;

	if (c == '?' && word[0] == '-' && (word[1] == '.' || (word[1] >= '0' && word[1] <= '9')))
		return parse_positional(o, word, positional);
	pfx_opts_refused(p, c);
	return -EINVAL;
}

/* INTERVAL and -I, or COUNT and --interval-count (index 0, 1), both given */
static int given_twice(int index)
{
	pfx_err("%s given twice; give %s", index == 0 ? "the interval" : "the count",
		index == 0 ? "-I MSEC or INTERVAL" : "--interval-count N or COUNT");
	return PFX_EXIT_USAGE;
}

static int check_root(const char *root)
{
	struct stat st;

	if (!*root || (stat(root, &st) == 0 && S_ISDIR(st.st_mode)))
		return 0;
	pfx_err("--root '%s' is not a directory; give the top of a tree holding proc/ and sys/ "
		"(or leave --root out for this system)", root);
	return -EINVAL;
}

static int check_target(const struct thp_opts *o)
{
	if (!o->pid == !o->cmd) {
		pfx_err(o->pid ? "give either -p PID or -- CMD, not both"
			       : "which process? give -p PID or -- CMD");
		return -EINVAL;
	}
	return check_root(o->root);
}

static int parse_options(int argc, char **argv, struct thp_opts *o)
{
	struct pfx_opts p;
	int c, positional = 0, err = 0;
	bool have_interval = false, have_count = false;

	o->interval_s = 1;
	o->root = getenv("PFX_ROOT") ? getenv("PFX_ROOT") : "";
	/* '-': non-options come back in order as PFX_OPT_POSITIONAL, so
	 * INTERVAL COUNT stay apart from the CMD after "--". */
	pfx_opts_begin(&p, "thp", thp_options, "-", argc, argv);
	while (!err && (c = pfx_opts_next(&p)) != -1) {
		if (c == PFX_OPT_POSITIONAL && ((positional == 0 && have_interval) ||
						(positional == 1 && have_count)))
			err = given_twice(positional);
		else if (c == PFX_OPT_POSITIONAL)
			err = parse_positional(o, p.value, positional++);
		else if (c == 'p')
			err = pfx_target_pid_option(p.value, &o->pid);
		else if (c == 'I' && positional > 0)
			err = given_twice(0);
		else if (c == 'I')
			err = pfx_interval_ms_option(p.value, false, &o->interval_s), have_interval = true;
		else if (c == OPT_INTERVAL_COUNT && positional > 1)
			err = given_twice(1);
		else if (c == OPT_INTERVAL_COUNT)
			err = pfx_count_option(p.value, "rows", &o->count), have_count = true;
		else if (c == OPT_DURATION)
			err = pfx_duration_option(p.value, &o->duration_s);
		else if (c == 'o')
			o->output = p.value;
		else if (c == OPT_FORMAT)
			err = pfx_format_option(p.value, &o->format);
		else if (c == OPT_ROOT)
			o->root = p.value;
		else if (c == 'h') {
			usage(stdout);
			exit(PFX_EXIT_OK);
		} else {	/* ':' (missing value) or '?' */
			err = bad_option(o, &p, c, positional++);
		}
	}
	if (err)
		return err;
	if (o->duration_s > 0 && o->duration_s < o->interval_s)
		return pfx_usage_error("--duration %g s is shorter than the interval (%g s): no row; give a "
				       "longer --duration or a shorter interval", o->duration_s, o->interval_s);
	if (optind < argc) {
		o->cmd = argv + optind;
	} else if (optind > 1 && strcmp(argv[optind - 1], "--") == 0) {
		pfx_err("no command after --; give the command to run, e.g. pfx thp -- ./app");
		return -EINVAL;
	}
	return check_target(o);
}

/* --- errors --- */

static void report_files_error(const struct thp_opts *o, const struct pfx_thp_watch *w, pid_t pid,
			       int err)
{
	const char *missing = pfx_thp_source_missing(pfx_thp_watch_source(w));

	if (err == -ESRCH)
		pfx_err("process %d does not exist (or exited); check the PID", (int)pid);
	else if (err == -ENOENT && strcmp(missing, "/proc/vmstat") == 0)
		pfx_err("no %s/proc/vmstat; with --root, give a tree that has proc/vmstat", o->root);
	else if (err == -ENOENT)
		pfx_err("no %s/proc/%d/smaps_rollup: the kernel is older than 4.14; use a newer kernel",
			o->root, (int)pid);
	else if (err == -EACCES || err == -EPERM)
		pfx_err("not allowed to read /proc/%d/smaps_rollup and numa_maps (%s); run pfx as root or "
			"as the owner of process %d", (int)pid, strerror(-err), (int)pid);
	else if (err == -EINVAL)
		pfx_err("%s/proc/%d/smaps_rollup, numa_maps or %s/proc/vmstat is not in the kernel's "
			"format; check the files under --root", o->root, (int)pid, o->root);
	else
		pfx_err("cannot read the memory of process %d: %s", (int)pid, strerror(-err));
}

static void report_counter_error(int err, pid_t pid)
{
	char hint[256];
	const struct pfx_perf_request req = { .pid = pid };

	if (err == -ESRCH) {
		pfx_err("the process exited before counting began; check the PID");
	} else if (pfx_perf_denied(err)) {
		pfx_perf_denied_hint(err, &req, hint, sizeof(hint));
		pfx_err("cannot count faults: perf_event_open is denied (%s): %s", strerror(-err), hint);
	} else {
		pfx_err("cannot count the faults of the process: %s", strerror(-err));
	}
}

/* Tracepoints are extra: say once why they are missing, and go on. */
static const char *tracepoints_missing(int err)
{
	static const struct pfx_perf_request every_cpu = { .cpu_wide = true };
	char hint[256];

	if (!err)
		return NULL;
	/* The event ids are tracefs files: root's alone by default. */
	if (err == -EACCES && !pfx_tracefs_dir() && errno == EACCES) {
		pfx_warn("system-wide tracepoint counts need tracefs, which this user cannot read: "
			 "run as root or make tracefs readable; shown as '-'");
		return "denied: tracefs is not readable by this user";
	}
	if (pfx_perf_denied(err)) {
		pfx_perf_denied_hint(err, &every_cpu, hint, sizeof(hint));
		pfx_warn("system-wide tracepoint counts are denied (%s): %s; shown as '-'", strerror(-err), hint);
		return "denied: needs root, CAP_PERFMON or kernel.perf_event_paranoid <= 0";
	}
	if (err == -ENOENT) {
		pfx_warn("no huge_memory or migrate tracepoints on this kernel (or tracefs is not "
			 "readable); their counts are shown as '-'");
		return "missing: no huge_memory/migrate tracepoints";
	}
	pfx_warn("cannot count the system-wide tracepoints (%s); shown as '-'", strerror(-err));
	return "failed to open";
}

/* --- the run --- */

struct thp_run {
	const struct thp_opts *o;
	struct pfx_target t;
	struct pfx_thp_watch *w;
	struct pfx_thp_out out;
	struct pfx_outfile file;
	size_t rows;
	int exec_status;		/* the command could not run: pfx's exit status */
};

/* Launch (held before exec) or attach, and count the target's faults
 * from its exec.  0 or -errno, reported. */
static int start_counting(struct thp_run *run, const char **tp_missing)
{
	const struct thp_opts *o = run->o;
	int err = o->cmd ? pfx_target_launch(&run->t, o->cmd) : pfx_target_attach(&run->t, o->pid);

	if (err) {
		if (o->cmd)
			pfx_err("cannot start '%s': %s", o->cmd[0], strerror(-err));
		else
			pfx_err("process %d does not exist; check the PID", (int)o->pid);
		return err;
	}
	err = pfx_thp_watch_new(o->root, run->t.pid, &run->w);
	if (!err)
		err = pfx_thp_watch_open_faults(run->w, run->t.launched);
	if (err) {
		report_counter_error(err, run->t.pid);
		return err;
	}
	*tp_missing = tracepoints_missing(pfx_thp_watch_open_tracepoints(run->w));
	return 0;
}

/* Open the files and take the baseline: a running process's now; a
 * launched command's just before it execs (its new address space starts
 * empty), so the first row holds all it did.  0 or -errno, reported. */
static int take_baseline(struct thp_run *run)
{
	const struct thp_opts *o = run->o;
	int err = pfx_thp_watch_open_system(run->w);

	if (!err && !o->cmd)
		err = pfx_thp_watch_open_target(run->w, false);
	if (!err)
		err = pfx_thp_watch_begin(run->w, o->cmd != NULL);
	if (err) {
		report_files_error(o, run->w, run->t.pid, err);
		return err;
	}
	if (!o->cmd)
		return 0;
	err = pfx_target_start(&run->t);
	if (err) {
		pfx_err("cannot run '%s': %s; check the command name and PATH", o->cmd[0], strerror(-err));
		run->exec_status = pfx_launched_exec_status(err);
		return err;
	}
	/* A launched command's children count, as in its fault counters. */
	err = pfx_thp_watch_open_target(run->w, true);
	if (err == -ESRCH)
		pfx_err("'%s' exited before pfx could open its memory files; watch a command that runs longer",
			o->cmd[0]);
	else if (err)
		report_files_error(o, run->w, run->t.pid, err);
	return err;
}

/* Open the output and print the header.  0 or -errno, reported. */
static int begin(struct thp_run *run, const char *tp_missing)
{
	const struct thp_opts *o = run->o;
	struct pfx_thp_header h = { .pid = run->t.pid, .interval_s = o->interval_s,
				    .tp_missing = tp_missing };
	char comm[64];
	int err = pfx_outfile_open(&run->file, o->output);

	if (err) {
		pfx_err("cannot create '%s': %s; check the path", o->output, pfx_outfile_strerror(err));
		return err;
	}
	if (pfx_proc_read_comm(run->t.pid, 0, comm, sizeof(comm)))
		snprintf(comm, sizeof(comm), "?");
	h.comm = comm;
	h.policy = pfx_thp_watch_policy(run->w);
	h.fault_source = pfx_counter_description(pfx_thp_watch_counter(run->w));
	h.numa = pfx_thp_source_has_numa(pfx_thp_watch_source(run->w));
	run->out = (struct pfx_thp_out){ .fp = run->file.fp, .format = o->format };
	pfx_thp_print_header(&run->out, &h);
	if (!o->output)
		fflush(run->out.fp);	/* a reader of a pipe sees what is watched at once */
	return 0;
}

/* One row; *last is set when it ends the run (target exited, Ctrl-C,
 * COUNT, a reader gone).  0 or -errno, reported. */
static int emit_row(struct thp_run *run, bool *last)
{
	struct pfx_thp_row row;
	bool exited = pfx_target_poll_exit(&run->t) == 1;
	int err;

	if (exited)
		pfx_thp_watch_target_exited(run->w, run->t.launched ? &run->t.rusage : NULL);
	err = pfx_thp_watch_next(run->w, &row);
	if (err) {
		report_files_error(run->o, run->w, run->t.pid, err);
		return err;
	}
	pfx_thp_print_row(&run->out, &row);
	/* Live output: a reader of the pipe sees each row as it is taken. */
	if (!run->o->output)
		fflush(run->out.fp);
	run->rows++;
	*last = exited || !row.cur->target_ok || pfx_sig_stop_requested() || ferror(run->out.fp) ||
		(run->o->count && run->rows == run->o->count);
	return 0;
}

static int sample_loop(struct thp_run *run)
{
	uint64_t interval_ns = (uint64_t)llround(run->o->interval_s * 1e9);
	uint64_t start = pfx_now_ns(), next = start + interval_ns, stop = 0;
	bool last = false;
	int err = 0;

	/* --duration: no row due after it (1 ms of slack for the clock) */
	if (run->o->duration_s > 0)
		stop = start + (uint64_t)llround(run->o->duration_s * 1e9) + 1000000;
	while (!err && !last && !(stop && next > stop)) {
		pfx_target_sleep_until(&run->t, next);
		err = emit_row(run, &last);
		/* Stay on the grid; skip ticks missed (a stopped pfx). */
		while (next <= pfx_now_ns())
			next += interval_ns;
	}
	if (!run->t.exited)
		pfx_target_poll_exit(&run->t);	/* it may have gone while being read */
	if (!err && !run->t.launched && run->t.exited)
		pfx_warn("process %d exited; stopped after %zu rows", (int)run->t.pid, run->rows);
	return err;
}

static int finish(struct thp_run *run, int err)
{
	struct pfx_thp_summary s;

	if (!err) {
		pfx_thp_watch_summary(run->w, &s);
		pfx_thp_print_summary(&run->out, &s);
	}
	if (err) {
		pfx_outfile_abort(&run->file);
		return PFX_EXIT_ERROR;
	}
	err = pfx_outfile_commit(&run->file);
	/* A closed pipe (pfx thp | head) is the reader's choice, not an error. */
	if (err && !(err == -EPIPE && !run->o->output)) {
		pfx_err("cannot write '%s': %s", run->o->output ? run->o->output : "standard output",
			strerror(-err));
		return PFX_EXIT_ERROR;
	}
	return PFX_EXIT_OK;
}

int cmd_thp(int argc, char **argv)
{
	struct thp_opts o = { .format = PFX_FORMAT_TEXT };
	struct thp_run run = { .o = &o };
	const char *tp_missing = NULL;
	int rc = PFX_EXIT_ERROR, err;

	if (parse_options(argc, argv, &o))
		return PFX_EXIT_USAGE;
	if (o.pid && !*o.root && pfx_refuse_kernel_thread_option(o.pid))
		return PFX_EXIT_ERROR;
	pfx_sig_install();
	run.t.pidfd = run.t.start_fd = run.t.exec_err_fd = -1;
	err = start_counting(&run, &tp_missing);
	if (!err)
		err = take_baseline(&run);
	if (!err && !(err = begin(&run, tp_missing)))
		rc = finish(&run, sample_loop(&run));
	/* Before the target goes: a launched command is stopped and reaped. */
	pfx_target_finish(&run.t);
	pfx_thp_watch_free(run.w);
	if (run.exec_status)
		return run.exec_status;
	return rc == PFX_EXIT_OK ? pfx_launched_status(&run.t) : rc;
}
