/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_record: 'pfx record' - sample every page fault of a process into a
 * record file.  Options and messages here; the session (record/session.h:
 * the target, the fault source picked by policy, the drain, the totals)
 * runs it and says what happened, without printing. */
#include "config.h"
#include "cmd.h"
#include "counter.h"
#include "opts.h"
#include "output.h"
#include "perf.h"
#include "safetext.h"
#include "session.h"
#include "sig.h"
#include "target.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_RING_PAGES 256		/* 1 MiB per CPU with 4 KiB pages */
#define DWARF_STACK 8192		/* user stack bytes per sample, as perf's default */
#define LATENCY_SAMPLE_MAX 1000000	/* --latency-sample: at most 1 in a million timed */
#define DWARF_RING_PAGES 8192		/* 32 MiB per CPU: ~4000 samples of 8 KiB */
#define HOST_RING_PAGES 1024		/* -a/-G: 4 MiB per CPU, for every task's bursts */

struct record_opts {
	const char *output;
	bool output_named;	/* -o given: a device or FIFO there is written to */
	pid_t pid;
	bool callchain;
	bool dwarf;			/* --call-graph=dwarf: unwind copied user stacks */
	unsigned dwarf_stack;		/* bytes of stack per sample (dwarf,SIZE) */
	bool ring_pages_given;		/* -m on the command line */
	enum pfx_entry_source entry;	/* --entry, --no-entry */
	uint32_t latency_sample;	/* --latency-sample N: time 1 in N faults (0: all) */
	size_t ring_pages;
	enum pfx_count_source source;	/* auto, perf or tracefs */
	char **argv;			/* the command, or NULL with -p */
	double duration_s;		/* -p PID DURATION, --duration: stop after it (0: at the exit or Ctrl-C) */
	bool host_wide;			/* -a, or -G: every task of the host or of cgroups */
	const char *cgroups;		/* -G CGROUP[,CGROUP...] */
	uint64_t max_size;		/* --max-size: stop when the file is this big (0: no limit) */
	struct pfx_flight_opts flight;	/* --flight (seconds 0: none), --flight-size, --trigger, --post */
	bool flight_dump_on_exit;	/* --flight-dump-on-exit */
	const char *flight_only;	/* a --flight option given without --flight */
};


/* fp, dwarf or dwarf,SIZE (perf's syntax): the kernel copies a multiple
 * of 8 bytes of stack, at most 65528 (a u16 in the sample). */
static int parse_call_graph(const char *arg, struct record_opts *o)
{
	int size = DWARF_STACK;

	o->callchain = true;
	o->dwarf = false;
	if (!arg || strcmp(arg, "fp") == 0)
		return 0;
	if (strncmp(arg, "dwarf", 5) != 0 || (arg[5] && arg[5] != ','))
		return -EINVAL;
	if (arg[5] == ',' && pfx_parse_int(arg + 6, 8, 65528, &size) < 0)
		return -EINVAL;
	o->dwarf = true;
	o->dwarf_stack = (unsigned)((size + 7) & ~7);
	return 0;
}

static const struct pfx_opt record_options[] = {
	PFX_OPT('o', "output", "FILE", "record file (default pfx.data)"),
	PFX_OPT('p', "pid", "PID", "attach to a running process (all its threads)"),
	PFX_OPT('a', "all-cpus", NULL, "every task of the host (system-wide)"),
	PFX_OPT('G', "cgroup", "CG[,CG...]", "the tasks of these cgroups (and of their children)"),
	PFX_OPT_LONG('d', "duration", "S", "stop after S seconds"),
	PFX_OPT_LONG('M', "max-size", "SIZE", "stop when FILE reaches SIZE bytes (K, M, G suffixes)"),
	PFX_OPT('m', "mmap-pages", "N", "ring size per CPU in pages, a power of two (default "
		PFX_STR(DEFAULT_RING_PAGES) ";\n" PFX_STR(HOST_RING_PAGES) " with -a or -G)"),
	{ 'g', 'g', "call-graph", "fp|dwarf[,SIZE]", "also record user call chains: through\n"
	  "frame pointers (fp, default), or by unwinding a copy of\n"
	  "SIZE bytes of stack (default 8192, at most 65528) with\n"
	  "DWARF unwind tables (dwarf: through code without frame\n"
	  "pointers, as libc; costlier)", PFX_OPT_OPTIONAL, NULL },
	PFX_OPT_LONG('S', "source", "SRC", "auto (default: perf, else tracefs), perf or tracefs"),
	PFX_OPT_LONG('e', "entry", "SRC", "fault entries (latency): auto, tracepoint, sw or none"),
	PFX_OPT_LONG('E', "no-entry", NULL, "--entry none"),
	PFX_OPT_LONG('F', "flight", "S", "flight recorder: keep only the last S seconds in\n"
		     "memory; write them to FILE.1, FILE.2 ... on SIGUSR1\n"
		     "or --trigger (doc/record.md, \"Flight recorder\")"),
	PFX_OPT_LONG('Z', "flight-size", "SIZE", "--flight: at most SIZE bytes of faults in memory\n"
		     "(default 64M)"),
	PFX_OPT_LONG('T', "trigger", "COND", "--flight: dump when COND holds over a second:\n"
		     "major-stall>X, stall>X (seconds in faults per\n"
		     "second) or major-rate>N, per cgroup with -a/-G"),
	PFX_OPT_LONG('P', "post", "S", "--flight: after a trigger, record S more seconds\n"
		     "before the dump (default 1)"),
	PFX_OPT_LONG('X', "flight-dump-on-exit", NULL, "--flight: dump once more when recording ends"),
	PFX_OPT_LONG('L', "latency-sample", "N", "time 1 in N faults (each still recorded), cheaper"),
	PFX_OPT('h', "help", NULL, "this help"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx record [-o FILE] [-m PAGES] [--call-graph[=fp|dwarf[,SIZE]]] [--entry SRC] -p PID [DURATION]\n"
		"       pfx record [-o FILE] [-m PAGES] [--call-graph[=fp|dwarf[,SIZE]]] [--entry SRC] -- CMD [ARGS...]\n"
		"       pfx record -a|-G CGROUP[,CGROUP...] [--duration S] [--max-size SIZE] [OPTIONS]\n"
		"                  [-- CMD [ARGS...]]\n"
		"Record every page fault (minor and major) of a process into FILE; with -p until\n"
		"it exits, Ctrl-C, or DURATION seconds.  With -a or -G, of every task of the host\n"
		"or of cgroups, until --duration, --max-size, CMD's exit or Ctrl-C.\n");
	pfx_opts_help(fp, record_options, 21);
	fprintf(fp, "See pfx-record(1) and doc/record.md.\n");
}

static int parse_args(int argc, char **argv, struct record_opts *o)
{
	struct pfx_opts p;
	int c, n;

	memset(o, 0, sizeof(*o));
	o->output = "pfx.data";
	o->flight.max_bytes = PFX_FLIGHT_SIZE_DEFAULT;
	o->flight.post_s = PFX_FLIGHT_POST_S_DEFAULT;
	o->ring_pages = DEFAULT_RING_PAGES;
	o->entry = PFX_ENTRY_AUTO;
	pfx_opts_begin(&p, "record", record_options, "+", argc, argv);
	while ((c = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;

		switch (c) {
		case 'o':
			o->output = arg;
			o->output_named = true;
			break;
		case 'p':
			if (pfx_parse_pid(arg, &o->pid) < 0) {
				pfx_err("record: -p '%s' is not a process id; give a positive number", arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case 'm':
			if (pfx_parse_int(arg, 1, 1 << 20, &n) < 0 || (n & (n - 1))) {
				pfx_err("record: -m '%s' is not a power of two; use e.g. -m 64 or -m 512", arg);
				return PFX_EXIT_USAGE;
			}
			o->ring_pages = (size_t)n;
			o->ring_pages_given = true;
			break;
		case 'g':
			if (parse_call_graph(arg, o) < 0) {
				pfx_err("record: unknown call-graph mode '%s'; use --call-graph=fp or "
					"--call-graph=dwarf[,SIZE] with SIZE from 8 to 65528 bytes", arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case 'E':
			arg = "none";	/* fall through */
		case 'e':
			if (pfx_session_entry_parse(arg, &o->entry) < 0) {
				pfx_err("record: --entry '%s' is unknown; use auto, tracepoint, sw or none", arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case 'L':
			if (pfx_parse_int(arg, 1, LATENCY_SAMPLE_MAX, &n) < 0) {
				pfx_err("record: --latency-sample '%s' is not a number from 1 to "
					PFX_STR(LATENCY_SAMPLE_MAX) "; give N to time 1 in N faults, "
					"e.g. --latency-sample 10", arg);
				return PFX_EXIT_USAGE;
			}
			o->latency_sample = (uint32_t)n;
			break;
		case 'G':
			o->cgroups = arg;	/* fall through */
		case 'a':
			o->host_wide = true;
			break;
		case 'd':
			if (pfx_duration_option(arg, &o->duration_s))
				return PFX_EXIT_USAGE;
			break;
		case 'M':
			if (pfx_parse_size(arg, &o->max_size) || o->max_size < 4096) {
				pfx_err("record: --max-size '%s' is not a size of 4K or more; give bytes with an "
					"optional K, M or G, e.g. --max-size 100M", arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case 'S':
			if (pfx_count_source_parse(arg, &o->source) < 0 ||
			    o->source == PFX_SOURCE_PROC) {
				pfx_err("record: unknown source '%s'; use auto, perf or tracefs", arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case 'F':
			if ((n = pfx_flight_seconds_option("record", arg, &o->flight.seconds)))
				return n;
			break;
		case 'Z':
			if ((n = pfx_flight_size_option("record", arg, &o->flight.max_bytes)))
				return n;
			o->flight_only = "--flight-size";
			break;
		case 'T':
			if ((n = pfx_flight_trigger_option("record", arg, &o->flight.trigger)))
				return n;
			o->flight_only = "--trigger";
			break;
		case 'P':
			if (pfx_parse_seconds(arg, &o->flight.post_s) || o->flight.post_s > 3600) {
				pfx_err("record: --post '%s' is not a number of seconds from 0 to 3600; "
					"e.g. --post 2", arg);
				return PFX_EXIT_USAGE;
			}
			o->flight_only = "--post";
			break;
		case 'X':
			o->flight_dump_on_exit = true;
			o->flight_only = "--flight-dump-on-exit";
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:	/* ':' (missing value) or '?' */
			pfx_opts_refused(&p, c);
			return PFX_EXIT_USAGE;
		}
	}
	/* -p PID DURATION: seconds, as perf record -p PID -- sleep DURATION. */
	if (o->pid && optind + 1 == argc && strcmp(argv[optind - 1], "--") != 0) {
		if (pfx_parse_seconds(argv[optind], &o->duration_s) || o->duration_s <= 0 ||
		    o->duration_s > PFX_DURATION_MAX_S) {
			pfx_err("record: '%s' is not a duration; with -p give seconds to record, e.g. "
				"pfx record -p %d 5", argv[optind], (int)o->pid);
			return PFX_EXIT_USAGE;
		}
		optind++;
	}
	if (optind < argc)
		o->argv = argv + optind;
	if (o->host_wide && o->pid) {
		pfx_err("record: %s and -p record different things (%s, -p one process); give one",
			o->cgroups ? "-G" : "-a", o->cgroups ? "-G the tasks of cgroups" : "-a every task");
		return PFX_EXIT_USAGE;
	}
	if (o->host_wide && o->source == PFX_SOURCE_TRACEFS) {
		pfx_err("record: %s needs perf events (CPU-wide sampling); drop --source tracefs",
			o->cgroups ? "-G" : "-a");
		return PFX_EXIT_USAGE;
	}
	if (o->latency_sample > 1 && o->entry == PFX_ENTRY_NONE) {
		pfx_err("record: --latency-sample times faults from their entry; drop --no-entry "
			"(or --entry none)");
		return PFX_EXIT_USAGE;
	}
	if (!o->host_wide && !o->pid == !o->argv) {
		pfx_err("record: give either -p PID or -- CMD [ARGS...]; see 'pfx record --help'");
		return PFX_EXIT_USAGE;
	}
	/* Each DWARF sample carries DWARF_STACK bytes of stack: a ring that
	 * holds enough of them (perf's advice for --call-graph dwarf too). */
	if (o->dwarf && !o->ring_pages_given)
		o->ring_pages = DWARF_RING_PAGES;
	else if (o->host_wide && !o->ring_pages_given)
		o->ring_pages = HOST_RING_PAGES;
	if (o->flight_only && !o->flight.seconds) {
		pfx_err("record: %s is an option of the flight recorder; add --flight SECONDS", o->flight_only);
		return PFX_EXIT_USAGE;
	}
	if (o->flight.seconds && o->max_size) {
		pfx_err("record: --max-size bounds a file, --flight memory; give --flight-size instead");
		return PFX_EXIT_USAGE;
	}
	/* No dump for a storm's every second: one window apart at least. */
	o->flight.holdoff_s = o->flight.seconds;
	if (!o->output[0] || strcmp(o->output, "-") == 0) {
		pfx_err("record: -o needs a file name (the format is not streamable)");
		return PFX_EXIT_USAGE;
	}
	return 0;
}

/* The session's options from the command line's (kept apart from the
 * parser, which only fills record_opts). */
static void session_opts(const struct record_opts *o, struct pfx_session_opts *so)
{
	*so = (struct pfx_session_opts){
		.output = o->output, .output_named = o->output_named, .pid = o->pid, .argv = o->argv,
		.host_wide = o->host_wide, .cgroups = o->cgroups, .source = o->source,
		.callchain = o->callchain, .dwarf_stack = o->dwarf ? o->dwarf_stack : 0,
		.entry = o->entry, .latency_sample = o->latency_sample, .ring_pages = o->ring_pages,
		.duration_s = o->duration_s, .max_size = o->max_size,
		.flight = o->flight.seconds ? &o->flight : NULL,
		.flight_dump_on_exit = o->flight_dump_on_exit,
		.on_dump = pfx_flight_say_dump, .on_dump_ctx = (void *)"record",
	};
}

/* No source could be opened: the one asked for, perf (denied, or another
 * error), or perf denied and then tracefs. */
static void say_source_failure(const struct pfx_session_reason *r, const struct record_opts *o)
{
	const struct pfx_session_try *t = &r->tried[0], *t2 = &r->tried[1];
	const char *what = o->cgroups ? "-G" : "-a";

	if (r->ntried == 2)
		pfx_err("record: perf events are denied (%s): %s; and tracefs is not usable (%s): %s",
			strerror(-t->err), t->hint, strerror(-t2->err), t2->hint);
	else if (strncmp(t->why, "--entry", 7) == 0)	/* the sampler's whole sentence */
		pfx_err("record: %s", t->why);
	else if (strcmp(t->source, "tracefs") == 0)
		pfx_err("record: cannot trace faults with tracefs (%s): %s; or use --source perf",
			strerror(-t->err), t->hint);
	else if (pfx_perf_denied(t->err) && o->host_wide)
		pfx_err("record: perf events are denied (%s): %s; %s needs them (CPU-wide sampling)",
			strerror(-t->err), t->hint, what);
	else if (pfx_perf_denied(t->err))
		pfx_err("record: perf events are denied (%s): %s; or use --source tracefs",
			strerror(-t->err), t->hint);
	else if (t->err == -EPERM || t->err == -ENOMEM)
		pfx_err("record: %s failed: %s; use a smaller -m than %zu", t->why, strerror(-t->err),
			o->ring_pages);
	else if (t->err == -ESRCH)
		pfx_err("record: process %d is gone; check the PID", (int)o->pid);
	else if (t->err == -EMFILE || t->err == -ENFILE)
		pfx_err("record: %s failed: %s (3 per thread and CPU); raise the limit with 'ulimit -n'",
			t->why, strerror(-t->err));
	else
		pfx_err("record: opening the fault events failed (%s: %s)", t->why, strerror(-t->err));
}

static void say_cgroup_failure(const struct pfx_session_reason *r)
{
	const struct pfx_cgroup *cg = &r->cgroup;

	if (r->step == PFX_SESSION_CGROUP_FIND && (r->err == -ENOENT || r->err == -EINVAL))
		pfx_err("record: no cgroup '%s' in %s; give the path of an existing cgroup inside its "
			"hierarchy", r->cgroup_arg, r->where[0] ? r->where : "any mounted cgroup hierarchy");
	else if (r->step == PFX_SESSION_CGROUP_FIND)
		pfx_err("record: cannot look up cgroup '%s': %s", r->cgroup_arg, strerror(-r->err));
	else if (r->step == PFX_SESSION_CGROUP_PERF)
		pfx_err("record: cannot sample cgroup '%s': %s; perf samples a cgroup of the %s "
			"hierarchy: make it there and move its tasks", cg->name,
			cg->why_no_perf ? cg->why_no_perf : "no perf_event hierarchy",
			cg->perf_hierarchy ? cg->perf_hierarchy : "perf_event");
	else if (r->step == PFX_SESSION_CGROUP_OPEN)
		pfx_err("record: cannot open cgroup '%s' (%s): %s", cg->name, cg->perf_dir, strerror(-r->err));
	else
		pfx_err("record: -G needs a cgroup name, e.g. -G system.slice");
	if (r->err == -ENOMEM)
		pfx_err("record: out of memory");
}

/* One line (two for a cgroup out of memory) for a session that failed. */
static void say_failure(const struct pfx_session_reason *r, const struct record_opts *o)
{
	const char *err = strerror(-r->err), *cmd = o->argv ? o->argv[0] : "?";
	enum pfx_session_step st = r->step;

	if (st >= PFX_SESSION_CGROUP_FIND && st <= PFX_SESSION_CGROUP_NONE)
		say_cgroup_failure(r);
	else if (st == PFX_SESSION_SOURCE)
		say_source_failure(r, o);
	else if (st == PFX_SESSION_TARGET && r->err == -ESRCH)
		pfx_err("record: no process %d; check the PID", (int)o->pid);
	else if (st == PFX_SESSION_TARGET && r->err == -EPERM)
		pfx_err("record: not allowed to observe process %d; run as its owner or root", (int)o->pid);
	else if (st == PFX_SESSION_TARGET || st == PFX_SESSION_START)
		pfx_err(st == PFX_SESSION_START ? "record: cannot run '%s': %s" : "record: cannot start '%s': %s",
			cmd, err);
	else if (st == PFX_SESSION_SNAPSHOT && (r->err == -EACCES || r->err == -EPERM))
		/* Perf let us in (CAP_PERFMON), /proc/PID/maps did not: its
		 * ptrace check refuses some processes (init) even so. */
		pfx_err("record: cannot read the mappings of %d: %s; it belongs to another user: run as "
			"its owner or root", (int)r->pid, err);
	else if (st == PFX_SESSION_THREADS || st == PFX_SESSION_EXACT || st == PFX_SESSION_SNAPSHOT)
		pfx_err(st == PFX_SESSION_THREADS ? "record: cannot list the threads of %d: %s" :
			st == PFX_SESSION_EXACT ? "record: cannot read the fault counts of %d: %s" :
			"record: cannot read the mappings of %d: %s", (int)r->pid, err);
	else if (st == PFX_SESSION_CREATE)
		pfx_err("record: cannot create '%s': %s", o->output, pfx_outfile_strerror(r->err));
	else if (st == PFX_SESSION_WRITE || st == PFX_SESSION_FINISH)
		pfx_err("record: %s '%s' failed: %s; free space and record again",
			st == PFX_SESSION_WRITE ? "writing" : "finishing", o->output, err);
	else if (st == PFX_SESSION_FLIGHT && r->err == -EINVAL)
		pfx_err("record: --trigger %s needs fault latency; drop --entry none, or use major-rate",
			pfx_flight_metric_name(o->flight.trigger.metric));
	else if (st == PFX_SESSION_ENABLE)
		pfx_err("record: cannot enable the fault events: %s", err);
	else
		pfx_err("record: out of memory");
}

/* Before the recording: the fallback and what it costs. */
static void say_source(const struct pfx_session_info *in)
{
	if (in->passed_over)
		pfx_warn("record: perf events are denied (%s: %s); recording through tracefs "
			 "(no latency, major faults inferred; see doc/tracefs.md)",
			 strerror(-in->passed_over->err), in->passed_over->hint);
	if (in->callchain_dropped)
		pfx_warn("record: --call-graph needs perf events; recording without call chains");
}

/* Recorded against counted: what was lost, and why. */
static void say_lost(const struct pfx_session_result *r)
{
	const struct pfx_recorder_stats *st = &r->stats;
	char rate[32];
	double pct;

	if (!r->has_counted || r->counted <= st->faults)
		return;
	pct = 100.0 * (double)(r->counted - st->faults) / (double)r->counted;
	if (st->throttles)
		pfx_warn("record: recorded %llu of %llu faults (%.1f%% lost: the kernel throttled sampling "
			 "%llu times, above kernel.perf_event_max_sample_rate %s/s); raise it with sysctl",
			 (unsigned long long)st->faults, (unsigned long long)r->counted, pct,
			 (unsigned long long)st->throttles, pfx_perf_max_sample_rate(rate, sizeof(rate)));
	else
		pfx_warn("record: recorded %llu of %llu faults (%.1f%% lost: the ring was full); use a larger -m",
			 (unsigned long long)st->faults, (unsigned long long)r->counted, pct);
}

/* A reaped command's own count, next to what the events counted: the
 * numbers a user checks pfx against, and the reason when they differ
 * (counter.h). */
static void say_rusage(const struct rusage *ru, uint64_t counted)
{
	uint64_t minor = (uint64_t)ru->ru_minflt, major = (uint64_t)ru->ru_majflt;
	int64_t gap;
	const char *cause = pfx_rusage_gap_cause(counted, minor + major, &gap);

	fprintf(stderr, "pfx record: the command's wait4() rusage: %llu minor, %llu major faults\n",
		(unsigned long long)minor, (unsigned long long)major);
	if (cause)
		pfx_warn("record: rusage %s%lld faults against the %llu counted: %s", gap > 0 ? "+" : "",
			 (long long)gap, (unsigned long long)counted, cause);
}

/* The tracefs source's totals: /proc's, or the faults seen. */
static void say_proc_totals(const struct pfx_session_result *r)
{
	if (r->exact)
		fprintf(stderr, "pfx record: tracefs source: totals minor %llu, major %llu from /proc "
			"(exact%s); per-fault kinds are inferred (doc/tracefs.md)\n",
			(unsigned long long)r->proc_minor, (unsigned long long)r->proc_major,
			r->from_parent ? ": the process was reaped by its parent first; its parent's "
					 "cminflt/cmajflt" : "");
	else
		fprintf(stderr, "pfx record: tracefs source: totals minor %llu, major %llu from the faults "
			"seen (not exact: the process was gone before /proc could confirm its count; "
			"/proc's last reading was minor %llu, major %llu); per-fault kinds are inferred "
			"(doc/tracefs.md)\n",
			(unsigned long long)r->stats.minor, (unsigned long long)r->stats.major,
			(unsigned long long)r->proc_minor, (unsigned long long)r->proc_major);
}

static void say_summary(const struct pfx_session_result *r, const struct record_opts *o)
{
	const struct pfx_recorder_stats *st = &r->stats;

	if (o->flight.seconds) {
		fprintf(stderr, "pfx record: flight recorder: %llu faults (%llu minor, %llu major) seen, "
			"lost %llu records + %llu samples; dumps written: %u%s\n",
			(unsigned long long)st->faults, (unsigned long long)st->minor,
			(unsigned long long)st->major, (unsigned long long)st->lost_records,
			(unsigned long long)st->lost_samples, r->dumps,
			o->flight_dump_on_exit ? "" : " (none at the end: --flight-dump-on-exit)");
		if (st->lost_records || st->lost_samples)
			pfx_warn("record: the kernel dropped events (ring full); use a larger -m");
		return;
	}

	fprintf(stderr, "pfx record: %llu faults (%llu minor, %llu major), lost %llu records + %llu samples; "
		"%llu bytes (%.1f per fault) in %s\n",
		(unsigned long long)st->faults, (unsigned long long)st->minor,
		(unsigned long long)st->major, (unsigned long long)st->lost_records,
		(unsigned long long)st->lost_samples, (unsigned long long)r->bytes,
		st->faults ? (double)r->bytes / (double)st->faults : 0.0, o->output);
	if (st->lost_records || st->lost_samples)
		pfx_warn("record: the kernel dropped events (ring full); use a larger -m");
	if (r->latency && o->latency_sample > 1)
		fprintf(stderr, "pfx record: %llu of %llu faults timed (--latency-sample %u: 1 in %u)\n",
			(unsigned long long)st->paired, (unsigned long long)st->faults,
			(unsigned)o->latency_sample, (unsigned)o->latency_sample);
	else if (r->latency && st->faults && st->paired < st->faults)
		fprintf(stderr, "pfx record: %llu of %llu faults have a latency (the rest were taken "
			"in kernel mode or their entry was not seen)\n",
			(unsigned long long)st->paired, (unsigned long long)st->faults);
	if (r->restamped)
		fprintf(stderr, "pfx record: %llu samples carried another tracer's clock (its event on "
			"the same task, e.g. perf record -k) and were put back on pfx's\n",
			(unsigned long long)r->restamped);
	if (r->full)
		fprintf(stderr, "pfx record: stopped at --max-size %llu bytes\n",
			(unsigned long long)o->max_size);
	say_lost(r);
	if (r->has_counted && r->has_rusage)
		say_rusage(&r->rusage, r->counted);
	if (r->proc_totals)
		say_proc_totals(r);
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o;
	struct pfx_session_opts so;
	struct pfx_session_reason why;
	struct pfx_session *s = NULL;
	int ret = parse_args(argc, argv, &o), err;

	if (ret)
		return ret < 0 ? PFX_EXIT_OK : ret;
#ifndef PFX_WITH_LIBDW
	if (o.dwarf)
		return pfx_feature_missing("record", "--call-graph=dwarf", "libdw", "libdw-dev",
					   "use --call-graph=fp");
#endif
	if (o.pid && pfx_refuse_kernel_thread_option(o.pid))
		return PFX_EXIT_ERROR;
	pfx_sig_install();
	if (o.flight.seconds)
		pfx_sig_install_dump();
	session_opts(&o, &so);
	err = pfx_session_open(&s, &so, &why);
	if (!err) {
		say_source(pfx_session_info(s));
		err = pfx_session_run(s, &why);
	}
	if (!err)
		err = pfx_session_finish(s, &why);
	if (err)
		say_failure(&why, &o);
	else
		say_summary(pfx_session_result(s), &o);
	/* the file is complete: the command's status (pfx(1), EXIT STATUS) */
	if (!err)
		ret = pfx_launched_status(pfx_session_wait(s));
	else if (why.step == PFX_SESSION_START)
		ret = pfx_launched_exec_status(why.err);
	else
		ret = PFX_EXIT_ERROR;
	pfx_session_close(s);
	return ret;
}
