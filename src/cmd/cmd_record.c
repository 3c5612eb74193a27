/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_record: 'pfx record' - sample every page fault of a process into a
 * record file.  Options here; the fault source (fault_source.h: the perf
 * sampler or tracefs), the pairing and items (recorder) and the format
 * (recfile) are modules. */
#include "config.h"
#include "cmd.h"
#include "counter.h"
#include "hostscope.h"
#include "opts.h"
#include "output.h"
#include "perf.h"
#include "fault_source.h"
#include "recorder.h"
#include "sig.h"
#include "target.h"
#include "tracefs_src.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define DEFAULT_RING_PAGES 256		/* 1 MiB per CPU with 4 KiB pages */
#define DWARF_STACK 8192		/* user stack bytes per sample, as perf's default */
#define DWARF_RING_PAGES 8192		/* 32 MiB per CPU: ~4000 samples of 8 KiB */
#define HOST_RING_PAGES 1024		/* -a/-G: 4 MiB per CPU, for every task's bursts */
#define POLL_MS 250			/* drain at least this often */
#define SETTLE_ROUNDS 20		/* at the end, wait up to 20 x 500 us for samples */
#define SETTLE_US 500			/* ... counted but not yet in a ring */
#define POLL_MS_BUSY 1			/* tracefs: this often for BUSY_MS after a fork or exec */
#define BUSY_MS 300
#define POLL_MS_START 10		/* ... and during the first second, this often,
					 * so mappings are seen while /proc still has
					 * the process (heap naming, see recorder.c);
					 * tracefs always: it learns every process's
					 * mappings from /proc at the drain after its
					 * fork or exec, and a short-lived child must
					 * still be there (doc/tracefs.md) */

struct record_opts {
	const char *output;
	bool output_named;	/* -o given: a device or FIFO there is written to */
	pid_t pid;
	bool callchain;
	bool dwarf;			/* --call-graph=dwarf: unwind copied user stacks */
	unsigned dwarf_stack;		/* bytes of stack per sample (dwarf,SIZE) */
	bool ring_pages_given;		/* -m on the command line */
	bool tracepoint;
	size_t ring_pages;
	enum pfx_count_source source;	/* auto, perf or tracefs */
	char **argv;			/* the command, or NULL with -p */
	double duration_s;		/* -p PID DURATION, --duration: stop after it (0: at the exit or Ctrl-C) */
	bool host_wide;			/* -a, or -G: every task of the host or of cgroups */
	const char *cgroups;		/* -G CGROUP[,CGROUP...] */
	uint64_t max_size;		/* --max-size: stop when the file is this big (0: no limit) */
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
	PFX_OPT_LONG('E', "no-entry", NULL, "do not sample exceptions:page_fault_user (no latency,\n"
		     "no read/write/exec); cheaper"),
	PFX_OPT('h', "help", NULL, "this help"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx record [-o FILE] [-m PAGES] [--call-graph[=fp|dwarf[,SIZE]]] [--no-entry] -p PID [DURATION]\n"
		"       pfx record [-o FILE] [-m PAGES] [--call-graph[=fp|dwarf[,SIZE]]] [--no-entry] -- CMD [ARGS...]\n"
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
	o->ring_pages = DEFAULT_RING_PAGES;
	o->tracepoint = true;
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
			o->tracepoint = false;
			break;
		case 'a':
			o->host_wide = true;
			break;
		case 'G':
			o->host_wide = true;
			o->cgroups = arg;
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
	if (!o->output[0] || strcmp(o->output, "-") == 0) {
		pfx_err("record: -o needs a file name (the format is not streamable)");
		return PFX_EXIT_USAGE;
	}
	return 0;
}

/* Where faults come from (fault_source.h): perf (the sampler) or, where
 * perf events are denied, a tracefs instance (tracefs_src.h; no
 * minor/major completion events there, so no latency, and major faults
 * are inferred). */
struct source {
	const struct pfx_source_ops *ops;	/* NULL until opened */
	void *state;
	struct pfx_counter *exact;	/* tracefs: exact minor/major from /proc */
	struct pfx_live_counts exact_counts;
	bool has_counted;		/* perf: the events' own count, read at the end */
	uint64_t counted;
	uint64_t max_size;		/* --max-size (perf): stop draining at this many bytes */
	bool full;			/* ... reached */
	struct pfx_recorder *rec;	/* for sized_sample */
};

static void fill_header(struct pfx_rec_header *h, const struct record_opts *o,
			const struct source *src)
{
	struct utsname u;
	size_t len = 0;
	unsigned caps;

	memset(h, 0, sizeof(*h));
	h->page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	h->start_realtime_ns = pfx_realtime_ns();
	if (uname(&u) == 0)
		snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	/* A target's children have their own mappings too. */
	h->flags |= PFX_REC_PER_SPACE;
	if (o->host_wide) {
		h->flags |= PFX_REC_HOST_WIDE;
		len = (size_t)snprintf(h->command, sizeof(h->command), "%s%s%s",
				       o->cgroups ? "cgroup " : "system-wide", o->cgroups ? o->cgroups : "",
				       o->argv ? ", during " : "");
	}
	if (o->argv) {
		for (char **a = o->argv; *a && len + 2 < sizeof(h->command); a++) {
			int n = snprintf(h->command + len, sizeof(h->command) - len, "%s%s",
					 a == o->argv ? "" : " ", *a);

			len += n > 0 ? (size_t)n : 0;
		}
	} else if (!o->host_wide) {
		snprintf(h->command, sizeof(h->command), "pid %d", (int)o->pid);
	}
	caps = src->ops->caps(src->state);
	snprintf(h->source, sizeof(h->source), "%s", src->ops->name);
	snprintf(h->events, sizeof(h->events), "%s", src->ops->events(src->state));
	if (caps & PFX_SOURCE_ACCESS)
		h->flags |= PFX_REC_HAS_ERROR_CODE;
	if (caps & PFX_SOURCE_LATENCY)
		h->flags |= PFX_REC_HAS_LATENCY;
	if (caps & PFX_SOURCE_CALLCHAIN)
		h->flags |= PFX_REC_HAS_CALLCHAIN;
}

static void perf_open_error(int err, const char *why, const struct record_opts *o)
{
	if (err == -EPERM || err == -ENOMEM)
		pfx_err("record: %s failed: %s; use a smaller -m than %zu", why, strerror(-err),
			o->ring_pages);
	else if (err == -ESRCH)
		pfx_err("record: process %d is gone; check the PID", (int)o->pid);
	else if (err == -EMFILE || err == -ENFILE)
		pfx_err("record: %s failed: %s (3 per thread and CPU); raise the limit with 'ulimit -n'",
			why, strerror(-err));
	else
		pfx_err("record: opening the fault events failed (%s: %s)", why, strerror(-err));
}

static int open_tracefs(struct source *src, const struct pfx_source_opts *so,
			const struct pfx_target *t, int perf_err)
{
	const struct pfx_counter_target ct = { .pid = t->pid, .launched = t->launched };
	const struct pfx_counter_opts copts = { .source = PFX_SOURCE_PROC };
	char hint[256], why[64];
	int err;

	pfx_tfs_remove_stale(NULL);
	err = pfx_tracefs_source.open(&src->state, so, why, sizeof(why));
	if (err == 0)
		src->ops = &pfx_tracefs_source;
	if (err < 0 && !perf_err) {
		pfx_err("record: cannot trace faults with tracefs (%s): %s; or use --source perf",
			strerror(-err), pfx_tfs_error_hint(err));
		return err;
	}
	if (err < 0) {
		pfx_perf_denied_hint(hint, sizeof(hint));
		pfx_err("record: perf events are denied (%s): %s; and tracefs is not usable (%s): %s",
			strerror(-perf_err), hint, strerror(-err), pfx_tfs_error_hint(err));
		return err;
	}
	/* Fault entries do not say minor or major: the totals come from /proc. */
	err = pfx_counter_open(&src->exact, &ct, 1, &copts);
	if (err < 0) {
		pfx_err("record: cannot read the fault counts of %d: %s", (int)t->pid, strerror(-err));
		return err;
	}
	if (perf_err)
		pfx_warn("record: perf events are denied (%s); recording through tracefs "
			 "(no latency, major faults inferred; see doc/tracefs.md)", strerror(-perf_err));
	return 0;
}

/* -G: an fd of each cgroup's perf_event directory.  0 or -errno after
 * one error line. */
static int open_cgroups(const char *list, int **fds, size_t *n)
{
	char *copy = strdup(list), *save = NULL;
	int err = copy ? 0 : -ENOMEM;

	*fds = calloc(strlen(list) + 1, sizeof(**fds));
	*n = 0;
	if (!*fds)
		err = -ENOMEM;
	for (char *name = copy && *fds ? strtok_r(copy, ",", &save) : NULL; name && !err;
	     name = strtok_r(NULL, ",", &save)) {
		struct pfx_cgroup cg;
		char where[3 * PFX_CGROUP_PATH_MAX];
		int fd;

		err = pfx_cgroup_resolve(name, &cg, where, sizeof(where));
		if (err == -ENOENT || err == -EINVAL) {
			pfx_err("record: no cgroup '%s' in %s; give the path of an existing cgroup inside its "
				"hierarchy", name, where[0] ? where : "any mounted cgroup hierarchy");
		} else if (!err && !cg.perf_dir[0]) {
			pfx_err("record: cannot sample cgroup '%s': %s; perf samples a cgroup of the %s "
				"hierarchy: make it there and move its tasks", cg.name,
				cg.why_no_perf ? cg.why_no_perf : "no perf_event hierarchy",
				cg.perf_hierarchy ? cg.perf_hierarchy : "perf_event");
			err = -ENOENT;
		} else if (!err && (fd = pfx_cgroup_open_perf(&cg)) < 0) {
			err = fd;
			pfx_err("record: cannot open cgroup '%s' (%s): %s", cg.name, cg.perf_dir, strerror(-err));
		} else if (!err) {
			(*fds)[(*n)++] = fd;
		} else {
			pfx_err("record: cannot look up cgroup '%s': %s", name, strerror(-err));
		}
	}
	if (!err && !*n) {
		pfx_err("record: -G needs a cgroup name, e.g. -G system.slice");
		err = -EINVAL;
	}
	if (err == -ENOMEM)
		pfx_err("record: out of memory");
	free(copy);
	return err;
}

static void close_cgroups(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

static int source_open(struct source *src, const struct record_opts *o, const struct pfx_target *t,
		       const pid_t *tids, size_t ntids)
{
	struct pfx_source_opts so = { .callchain = o->callchain, .tracepoint = o->tracepoint,
				       .dwarf_stack = o->dwarf ? o->dwarf_stack : 0,
				       .ring_pages = o->ring_pages, .pid = t->pid,
				       .enable_on_exec = t->launched, .tids = tids, .ntids = ntids,
				       .host_wide = o->host_wide };
	int *cgroup_fds = NULL;
	char why[128];
	int err;

	memset(src, 0, sizeof(*src));
	if (o->source == PFX_SOURCE_TRACEFS)
		return open_tracefs(src, &so, t, 0);
	if (o->cgroups && (err = open_cgroups(o->cgroups, &cgroup_fds, &so.ncgroups)) < 0) {
		close_cgroups(cgroup_fds, so.ncgroups);
		return err;
	}
	so.cgroup_fds = cgroup_fds;
	err = pfx_perf_source.open(&src->state, &so, why, sizeof(why));
	close_cgroups(cgroup_fds, so.ncgroups);	/* the events hold the cgroups */
	so.cgroup_fds = NULL;
	so.ncgroups = 0;
	if (err == 0) {
		src->ops = &pfx_perf_source;
		return 0;
	}
	src->state = NULL;
	if (pfx_perf_denied(err) && o->host_wide) {
		char hint[256];

		pfx_perf_denied_hint(hint, sizeof(hint));
		pfx_err("record: perf events are denied (%s): %s; %s needs them (CPU-wide sampling)",
			strerror(-err), hint, o->cgroups ? "-G" : "-a");
		return err;
	}
	if (pfx_perf_denied(err) && o->source == PFX_SOURCE_AUTO)
		return open_tracefs(src, &so, t, err);
	if (pfx_perf_denied(err)) {
		char hint[256];

		pfx_perf_denied_hint(hint, sizeof(hint));
		pfx_err("record: perf events are denied (%s): %s; or use --source tracefs",
			strerror(-err), hint);
		return err;
	}
	perf_open_error(err, why, o);
	return err;
}

/* --max-size: hand events to the recorder until the file reaches the
 * size, then stop the drain (what the rings still hold is taken when the
 * recording ends: the file exceeds the size by at most that). */
static int sized_sample(const struct pfx_sample_event *ev, void *ctx)
{
	struct source *src = ctx;
	int err = pfx_recorder_sample(ev, src->rec);

	if (!err && pfx_recorder_bytes(src->rec) >= src->max_size) {
		src->full = true;
		return 1;
	}
	return err;
}

static int source_drain(struct source *src, struct pfx_recorder *rec)
{
	if (src->max_size && !src->full) {
		int ret;

		src->rec = rec;
		ret = src->ops->drain(src->state, sized_sample, src);
		return ret > 0 ? 0 : ret;
	}
	return src->ops->drain(src->state, pfx_recorder_sample, rec);
}

static void source_close(struct source *src)
{
	if (src->ops)
		src->ops->close(src->state);
	if (src->exact)
		pfx_counter_close(src->exact);
	memset(src, 0, sizeof(*src));
}

/* Poll the rings and the target (NULL: none, host-wide) until it exits,
 * pfx is told to stop, stop_ns passes or the file reaches --max-size. */
static int record_loop(struct source *src, struct pfx_recorder *rec, struct pfx_target *t,
		       uint64_t stop_ns)
{
	struct pollfd fds[1025];
	size_t n = src->ops->pollfds(src->state, fds, PFX_ARRAY_SIZE(fds) - 1);
	unsigned rounds = 0;
	uint64_t next_refresh = 0, busy_until = 0, tasks_seen = 0;
	int err;

	if (t && t->pidfd >= 0)
		fds[n++] = (struct pollfd){ .fd = t->pidfd, .events = POLLIN };
	for (;;) {
		int timeout = rounds++ < 100 || src->exact ? POLL_MS_START : POLL_MS;
		int ready;

		/* tracefs: a fork or exec was just seen; the next ones come in
		 * bursts (a compiler driver's cc1, as, ld): drain every
		 * POLL_MS_BUSY ms for a while, so a child that execs and exits
		 * within a few milliseconds is still in /proc at a drain. */
		if (src->exact && pfx_now_ns() < busy_until)
			timeout = POLL_MS_BUSY;

		/* tracefs: /proc's counts forget a process its parent reaped;
		 * keep the last reading recent (counter.h). */
		if (src->exact && pfx_now_ns() >= next_refresh) {
			pfx_counter_refresh(src->exact);
			next_refresh = pfx_now_ns() + PFX_COUNTER_REFRESH_MS * 1000000ull;
		}

		/* Wake for the end of a DURATION too. */
		if (stop_ns) {
			uint64_t now = pfx_now_ns(), left_ms = stop_ns > now ? (stop_ns - now) / 1000000 + 1 : 0;

			timeout = left_ms < (uint64_t)timeout ? (int)left_ms : timeout;
		}
		ready = poll(fds, n, timeout);

		if (ready < 0 && errno != EINTR)
			return -errno;
		err = source_drain(src, rec);
		if (err)
			return err;
		if (src->exact && pfx_recorder_stats(rec)->threads != tasks_seen) {
			tasks_seen = pfx_recorder_stats(rec)->threads;
			busy_until = pfx_now_ns() + BUSY_MS * 1000000ull;
		}
		if (pfx_sig_stop_requested() || (stop_ns && pfx_now_ns() >= stop_ns) || src->full)
			return 0;
		if (t && pfx_target_poll_exit(t) != 0)
			break;
	}
	/* The target is gone: take what its last moments left in the rings. */
	return source_drain(src, rec);
}

/* The tracefs source's totals: /proc's (wait4's for a reaped command; the
 * parent's cminflt for a process its parent reaped first: counter.h), when
 * the kernel's count is known.  Else (the process and its parent gone)
 * the file keeps the totals of the faults seen, not a lower bound labelled
 * exact.  True when the totals are the kernel's. */
static bool set_exact_totals(struct source *src, struct pfx_recorder *rec,
			     const struct pfx_target *t)
{
	if (t->exited)
		pfx_counter_target_exited(src->exact, 0, t->launched ? &t->rusage : NULL);
	if (pfx_counter_read(src->exact, 0, &src->exact_counts) != 0 ||
	    pfx_counter_end(src->exact, 0) == PFX_COUNT_END_LAST_READ)
		return false;
	/* Faults were seen but /proc counted none: not a count to trust. */
	if (!src->exact_counts.minor && !src->exact_counts.major && pfx_recorder_stats(rec)->faults)
		return false;
	pfx_recorder_set_exact_totals(rec, src->exact_counts.minor, src->exact_counts.major);
	return true;
}

/* A reaped command's own count, next to what the events counted: the
 * numbers a user checks pfx against, and the reason when they differ
 * (counter.h). */
static void say_rusage(const struct pfx_target *t, uint64_t counted)
{
	uint64_t minor = (uint64_t)t->rusage.ru_minflt, major = (uint64_t)t->rusage.ru_majflt;
	int64_t gap;
	const char *cause = pfx_rusage_gap_cause(counted, minor + major, &gap);

	fprintf(stderr, "pfx record: the command's wait4() rusage: %llu minor, %llu major faults\n",
		(unsigned long long)minor, (unsigned long long)major);
	if (cause)
		pfx_warn("record: rusage %s%lld faults against the %llu counted: %s", gap > 0 ? "+" : "",
			 (long long)gap, (unsigned long long)counted, cause);
}

/* The perf source's counted faults: stop the events, take what the rings
 * still hold, then read the kernel's counts, so every fault after the last
 * drain is either in the file or counted as lost. */
static int set_counted(struct source *src, struct pfx_recorder *rec)
{
	uint64_t minor, major;
	int err;

	src->ops->disable(src->state);
	err = src->ops->drain(src->state, pfx_recorder_sample, rec);
	if (err < 0)
		return err;
	if (src->ops->counts(src->state, &minor, &major) == 0) {
		pfx_recorder_set_counted(rec, minor, major);
		src->counted = minor + major;
		src->has_counted = true;
	}
	/* The disable reaches a CPU by an interrupt, which can land inside
	 * a fault between the event's count and its sample: that sample is
	 * written a moment after the drain.  Wait for such, briefly. */
	for (int i = 0; i < SETTLE_ROUNDS && src->has_counted && !err &&
			pfx_recorder_stats(rec)->faults < src->counted; i++) {
		usleep(SETTLE_US);
		err = src->ops->drain(src->state, pfx_recorder_sample, rec);
	}
	return err < 0 ? err : 0;
}

static void print_summary(const struct pfx_recorder_stats *st, uint64_t bytes, const char *path,
			  bool latency)
{
	fprintf(stderr, "pfx record: %llu faults (%llu minor, %llu major), lost %llu records + %llu samples; "
		"%llu bytes (%.1f per fault) in %s\n",
		(unsigned long long)st->faults, (unsigned long long)st->minor,
		(unsigned long long)st->major, (unsigned long long)st->lost_records,
		(unsigned long long)st->lost_samples, (unsigned long long)bytes,
		st->faults ? (double)bytes / (double)st->faults : 0.0, path);
	if (st->lost_records || st->lost_samples)
		pfx_warn("record: the kernel dropped events (ring full); use a larger -m");
	if (latency && st->faults && st->paired < st->faults)
		fprintf(stderr, "pfx record: %llu of %llu faults have a latency (the rest were taken "
			"in kernel mode or their entry was not seen)\n",
			(unsigned long long)st->paired, (unsigned long long)st->faults);
}

/* kernel.perf_event_max_sample_rate, for the throttling warning. */
static const char *max_sample_rate(void)
{
	static char buf[32];

	if (pfx_read_file("/proc/sys/kernel/perf_event_max_sample_rate", buf, sizeof(buf)) <= 0)
		return "?";
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int target_open(struct pfx_target *t, const struct record_opts *o)
{
	int err = o->argv ? pfx_target_launch(t, o->argv) : pfx_target_attach(t, o->pid);

	if (err == -ESRCH)
		pfx_err("record: no process %d; check the PID", (int)o->pid);
	else if (err == -EPERM)
		pfx_err("record: not allowed to observe process %d; run as its owner or root", (int)o->pid);
	else if (err < 0)
		pfx_err("record: cannot start '%s': %s", o->argv ? o->argv[0] : "?", strerror(-err));
	return err;
}

static int run(const struct record_opts *o)
{
	struct pfx_target target;
	struct source src = { 0 };
	struct pfx_recorder *rec = NULL;
	struct pfx_rec_header h;
	struct pfx_recorder_stats stats;
	uint64_t bytes;
	bool started = false, exact = false;
	pid_t *tids = NULL;
	size_t ntids = 0;
	int err, ret = PFX_EXIT_ERROR;

	memset(&target, 0, sizeof(target));
	target.pidfd = target.start_fd = target.exec_err_fd = -1;
	if ((o->argv || o->pid) && target_open(&target, o) < 0)
		return PFX_EXIT_ERROR;
	if (!target.launched && !o->host_wide) {
		err = pfx_list_tids(target.pid, &tids, &ntids);
		if (err < 0) {
			pfx_err("record: cannot list the threads of %d: %s", (int)target.pid, strerror(-err));
			goto out;
		}
	}
	if (source_open(&src, o, &target, tids, ntids) < 0)
		goto out;
	src.max_size = o->max_size;
	if (o->callchain && !(src.ops->caps(src.state) & PFX_SOURCE_CALLCHAIN))
		pfx_warn("record: --call-graph needs perf events; recording without call chains");
	fill_header(&h, o, &src);
	err = pfx_recorder_open(&rec, o->output, o->output_named, &h, pfx_now_ns());
	if (err < 0) {
		pfx_err("record: cannot create '%s': %s", o->output, pfx_outfile_strerror(err));
		goto out;
	}
	/* Host-wide events are enabled before the command runs, not at its exec. */
	if (!target.launched || o->host_wide) {
		err = src.ops->enable(src.state);
		if (err < 0) {
			pfx_err("record: cannot enable the fault events: %s", strerror(-err));
			goto out;
		}
	}
	if (target.launched) {
		err = pfx_target_start(&target);
		started = err == 0;
		if (err < 0) {
			pfx_err("record: cannot run '%s': %s", o->argv[0], strerror(-err));
			ret = pfx_launched_exec_status(err);
			goto out;
		}
	}
	/* Mappings that no MMAP2 record will announce ([stack], the exec'ed
	 * image while it loads, and everything of an attached process);
	 * host-wide, each process's at its first fault (recorder.c). */
	err = o->host_wide ? 0 : pfx_recorder_snapshot(rec, target.pid);
	if (err < 0 && err != -ESRCH) {
		pfx_err("record: cannot read the mappings of %d: %s", (int)target.pid, strerror(-err));
		goto out;
	}
	err = record_loop(&src, rec, target.launched || target.pid ? &target : NULL,
			  o->duration_s > 0 ? pfx_now_ns() + (uint64_t)(o->duration_s * 1e9) : 0);
	if (err < 0) {
		pfx_err("record: writing '%s' failed: %s; free space and record again",
			o->output, strerror(-err));
		goto out;
	}
	if (target.launched && !target.exited && pfx_sig_stop_signal())
		pfx_target_forward_signal(&target, pfx_sig_stop_signal());
	if (src.exact)
		exact = set_exact_totals(&src, rec, &target);
	if (src.ops->disable && src.ops->counts)
		err = set_counted(&src, rec);
	if (err < 0) {
		pfx_err("record: writing '%s' failed: %s; free space and record again", o->output, strerror(-err));
		goto out;
	}
	stats = *pfx_recorder_stats(rec);
	bytes = pfx_recorder_bytes(rec);
	err = pfx_recorder_finish(rec, pfx_now_ns());
	rec = NULL;
	if (err < 0) {
		pfx_err("record: finishing '%s' failed: %s; free space and record again",
			o->output, strerror(-err));
		goto out;
	}
	print_summary(&stats, bytes, o->output, src.ops->caps(src.state) & PFX_SOURCE_LATENCY);
	if (src.ops->restamped && src.ops->restamped(src.state))
		fprintf(stderr, "pfx record: %llu samples carried another tracer's clock (its event on "
			"the same task, e.g. perf record -k) and were put back on pfx's\n",
			(unsigned long long)src.ops->restamped(src.state));
	if (src.full)
		fprintf(stderr, "pfx record: stopped at --max-size %llu bytes\n",
			(unsigned long long)o->max_size);
	if (src.has_counted && src.counted > stats.faults && stats.throttles)
		pfx_warn("record: recorded %llu of %llu faults (%.1f%% lost: the kernel throttled sampling "
			 "%llu times, above kernel.perf_event_max_sample_rate %s/s); raise it with sysctl",
			 (unsigned long long)stats.faults, (unsigned long long)src.counted,
			 100.0 * (double)(src.counted - stats.faults) / (double)src.counted,
			 (unsigned long long)stats.throttles, max_sample_rate());
	else if (src.has_counted && src.counted > stats.faults)
		pfx_warn("record: recorded %llu of %llu faults (%.1f%% lost: the ring was full); use a larger -m",
			 (unsigned long long)stats.faults, (unsigned long long)src.counted,
			 100.0 * (double)(src.counted - stats.faults) / (double)src.counted);
	/* Host-wide, the events counted every task, not the command alone. */
	if (src.has_counted && target.launched && target.exited && !o->host_wide)
		say_rusage(&target, src.counted);
	if (src.exact && exact)
		fprintf(stderr, "pfx record: tracefs source: totals minor %llu, major %llu from /proc "
			"(exact%s); per-fault kinds are inferred (doc/tracefs.md)\n",
			(unsigned long long)src.exact_counts.minor,
			(unsigned long long)src.exact_counts.major,
			pfx_counter_end(src.exact, 0) == PFX_COUNT_END_PARENT
				? ": the process was reaped by its parent first; its parent's cminflt/cmajflt" : "");
	else if (src.exact)
		fprintf(stderr, "pfx record: tracefs source: totals minor %llu, major %llu from the faults "
			"seen (not exact: the process was gone before /proc could confirm its count; "
			"/proc's last reading was minor %llu, major %llu); per-fault kinds are inferred "
			"(doc/tracefs.md)\n",
			(unsigned long long)stats.minor, (unsigned long long)stats.major,
			(unsigned long long)src.exact_counts.minor,
			(unsigned long long)src.exact_counts.major);
	ret = PFX_EXIT_OK;
out:
	pfx_recorder_abort(rec);
	source_close(&src);
	/* A child still held before exec is ended by pfx_target_close(). */
	if (started && !target.exited) {
		if (ret != PFX_EXIT_OK)
			pfx_target_forward_signal(&target, SIGTERM);
		pfx_target_wait(&target);
	}
	/* the file is complete: the command's status (pfx(1), EXIT STATUS) */
	if (ret == PFX_EXIT_OK)
		ret = pfx_launched_status(&target);
	pfx_target_close(&target);
	free(tids);
	return ret;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o;
	int ret = parse_args(argc, argv, &o);

	if (ret)
		return ret < 0 ? PFX_EXIT_OK : ret;
	if (o.pid && pfx_target_refuse_kernel_thread(o.pid))
		return PFX_EXIT_ERROR;
	/* A killed pfx's tracefs instance keeps tracing: end it, whatever
	 * source this run uses. */
	pfx_tfs_clean_stale(NULL);
	pfx_sig_install();
	return run(&o);
}
