/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_wss: 'pfx wss', the working-set size of a process over time next to
 * its RSS.  Parses options, picks the method (wss.h), and prints one sample
 * per INTERVAL: reset at the start of a window, read at its end. */
#include "config.h"
#include "cmd.h"
#include "opts.h"
#include "output.h"
#include "pagemap.h"
#include "procstat.h"
#include "safetext.h"
#include "sig.h"
#include "target.h"
#include "util.h"
#include "wss.h"
#include "wssfile.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIB (1024.0 * 1024.0)

/* What a method does to the target, said in every format's header. */
static const char reclaim_note[] =
	"clear_refs resets the referenced bits the kernel's LRU uses to choose pages to reclaim: "
	"this perturbs the target's reclaim while pfx wss runs";
static const char flush_note[] =
	"each reset writes clear_refs 4 after clearing, to flush the TLB (cached translations would "
	"leave hot pages' accessed bits clear); this kernel has no soft-dirty, so nothing is "
	"write-protected and no fault is added";
static const char write_protect_note[] =
	"clear_refs 4 write-protects every page (soft-dirty): each page written in a window takes "
	"one extra minor fault, counted in faults; written is the written set";
static const char lower_bound_note[] =
	"--no-flush: accessed bits are cleared without a TLB flush, so pages whose translation stays "
	"in the TLB are missed: the WSS is a lower bound";
static const char inject_note[] =
	"the WSS is the written set: pages only read are not counted";

enum wss_mode { MODE_INTERVAL, MODE_CUMULATIVE, MODE_PROFILE };
static const char *const mode_names[] = { "interval", "cumulative", "profile" };

/* The longest --profile: INTERVAL * 2^(STEPS-1) is the last window. */
#define MAX_PROFILE_STEPS 24

struct wss_opts {
	pid_t pid;			/* -p, or 0 */
	char **cmd;			/* after --, or NULL */
	enum pfx_wss_method method;
	enum pfx_format format;
	const char *output;
	const char *root;		/* --root / PFX_ROOT: fixture tree, "" = real */
	bool by_mapping;
	bool no_flush;			/* --no-flush */
	enum wss_mode mode;		/* --cumulative, --profile */
	unsigned profile_steps;
	double interval_s;
	uint64_t count;			/* 0 = until the target exits or Ctrl-C */
	double duration_s;		/* --duration; 0 = no limit */
};

/* What the output needs besides each reading. */
struct wss_run {
	const struct wss_opts *o;
	struct pfx_wss_choice choice;
	struct pfx_wss_traits traits;
	char comm[64];
	pid_t pid;
	uint64_t start_ns;
	FILE *fp;
	size_t samples;
};

enum { OPT_FORMAT = PFX_OPT_ID_LONG, OPT_BY_MAPPING, OPT_ROOT, OPT_NO_FLUSH, OPT_CUMULATIVE, OPT_PROFILE,
       OPT_INTERVAL_COUNT, OPT_DURATION };

static const struct pfx_opt wss_options[] = {
	PFX_OPT('p', "pid", "PID", "measure a running process"),
	PFX_OPT('m', "method", "M", "idle: idle page tracking (needs root and\n"
		"CONFIG_IDLE_PAGE_TRACKING; does not disturb the target)\n"
		"refs: clear_refs + smaps Referenced (perturbs the\n"
		"target's page reclaim)\n"
		"inject: page-fault injection through soft-dirty: the\n"
		"written set, one extra fault per written page (needs\n"
		"CONFIG_MEM_SOFT_DIRTY)\n"
		"auto (default): idle where the kernel has it, else refs"),
	PFX_OPT_LONG(OPT_NO_FLUSH, "no-flush", NULL, "idle/refs: no TLB flush after clearing (the wss.pl way;\n"
		     "misses pages the TLB keeps: a lower bound)"),
	PFX_OPT_LONG(OPT_CUMULATIVE, "cumulative", NULL, "reset once: each sample is the growth since the start"),
	PFX_OPT_LONG(OPT_PROFILE, "profile", "STEPS", "reset once, read after INTERVAL, 2x, 4x ... (STEPS\n"
		     "samples): the WSS against the window length"),
	PFX_OPT_LONG(OPT_BY_MAPPING, "by-mapping", NULL, "add the breakdown per mapping to each sample"),
	PFX_OPT('I', "interval", "MSEC", "INTERVAL in milliseconds, as pfx stat -I (0: back\n"
		"to back)"),
	PFX_OPT_LONG(OPT_INTERVAL_COUNT, "interval-count", "N", "stop after N samples (as COUNT)"),
	PFX_OPT_LONG(OPT_DURATION, "duration", "S", "stop after S seconds"),
	PFX_OPT_LONG(OPT_FORMAT, "format", "F", "text (default), json (one object per line; the input of\n"
		     "'pfx plot --chart wss') or csv"),
	PFX_OPT('o', "output", "FILE", "write there (complete when pfx stops) instead of stdout"),
	PFX_OPT_SECRET(OPT_ROOT, "root", "DIR"),	/* a fixture tree, for tests */
	PFX_OPT('h', "help", NULL, "this text"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx wss [-p PID | -- CMD [ARGS]] [--method auto|idle|refs|inject]\n"
		"               [--no-flush] [--cumulative | --profile STEPS] [--by-mapping]\n"
		"               [--format text|json|csv] [-o FILE] [INTERVAL [COUNT]]\n"
		"\n"
		"Estimate the working-set size (memory touched per INTERVAL seconds, default 1)\n"
		"of a process over time, next to its RSS and PSS.  COUNT samples, or until the\n"
		"process exits or Ctrl-C.\n"
		"\n");
	pfx_opts_help(fp, wss_options, 23);
	fprintf(fp, "\nSee pfx-wss(1).\n");
}

/* A negative number as INTERVAL looks like an option to getopt: catch it first. */
static bool looks_negative(const char *arg)
{
	return arg[0] == '-' && ((arg[1] >= '0' && arg[1] <= '9') || arg[1] == '.');
}

static int parse_positional(struct wss_opts *o, const char *arg, int index)
{
	if (index == 0) {
		if (pfx_parse_seconds(arg, &o->interval_s) || o->interval_s > PFX_INTERVAL_MAX_S ||
		    (o->interval_s > 0 && o->interval_s < PFX_INTERVAL_MIN_S)) {
			pfx_err("invalid INTERVAL '%s'; give seconds between samples, 0 (back to back) or "
				"from 0.01 to 86400, e.g. 1 or 0.5", arg);
			return -EINVAL;
		}
		return 0;
	}
	if (index == 1) {
		if (pfx_parse_u64(arg, &o->count) || o->count == 0) {
			pfx_err("invalid COUNT '%s'; give the number of samples, 1 or more", arg);
			return -EINVAL;
		}
		return 0;
	}
	pfx_err("unexpected argument '%s'; put the command to run after --", arg);
	return -EINVAL;
}

/* INTERVAL and -I, or COUNT and --interval-count (index 0, 1), both given */
static int given_twice(int index, const char *arg)
{
	pfx_err("%s given twice (at '%s'); give %s", index == 0 ? "interval" : "count", arg,
		index == 0 ? "-I MSEC or INTERVAL" : "--interval-count N or COUNT");
	return -EINVAL;
}

static int mode_conflict(void)
{
	pfx_err("--cumulative and --profile do not go together; --profile is cumulative already");
	return -EINVAL;
}

static int check_combinations(const struct wss_opts *o)
{
	if (o->duration_s > 0 && o->duration_s < o->interval_s) {
		pfx_err("--duration %g s is shorter than the interval (%g s): no sample; give a longer "
			"--duration or a shorter interval", o->duration_s, o->interval_s);
		return -EINVAL;
	}
	if (o->mode != MODE_INTERVAL && o->interval_s == 0) {
		pfx_err("--%s needs an INTERVAL above 0; give one, e.g. 1", mode_names[o->mode]);
		return -EINVAL;
	}
	if (o->mode == MODE_PROFILE && o->count) {
		pfx_err("--profile takes no COUNT or --interval-count (it reads STEPS times); drop it");
		return -EINVAL;
	}
	if (o->method == PFX_WSS_INJECT && o->no_flush) {
		pfx_err("--no-flush does not apply to --method inject (its reset is the flush); drop one");
		return -EINVAL;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct wss_opts *o)
{
	struct pfx_opts p;
	int c, positional = 0;
	bool have_interval = false, have_count = false;

	o->interval_s = 1;
	o->root = getenv("PFX_ROOT") ? getenv("PFX_ROOT") : "";
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (looks_negative(argv[i]) && !(i > 1 && pfx_opts_takes_value(wss_options, argv[i - 1])))
			return parse_positional(o, argv[i], positional);
	}
	/* '-': non-options come back in order as PFX_OPT_POSITIONAL, so
	 * INTERVAL COUNT stay apart from the CMD after "--". */
	pfx_opts_begin(&p, "wss", wss_options, "-", argc, argv);
	while ((c = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;

		switch (c) {
		case PFX_OPT_POSITIONAL:
			if ((positional == 0 && have_interval) || (positional == 1 && have_count))
				return given_twice(positional, arg);
			if (parse_positional(o, arg, positional++))
				return -EINVAL;
			break;
		case 'p':
			if (pfx_target_pid_option(arg, &o->pid))
				return -EINVAL;
			break;
		case 'm':
			if (pfx_wss_method_parse(arg, &o->method)) {
				pfx_err("unknown method '%s'; use auto, idle, refs or inject", arg);
				return -EINVAL;
			}
			break;
		case 'o': o->output = arg; break;
		case OPT_FORMAT:
			if (pfx_format_option(arg, &o->format))
				return -EINVAL;
			break;
		case 'I':
			if (positional > 0)
				return given_twice(0, arg);
			if (pfx_interval_ms_option(arg, true, &o->interval_s))
				return -EINVAL;
			have_interval = true;
			break;
		case OPT_INTERVAL_COUNT:
			if (positional > 1)
				return given_twice(1, arg);
			if (pfx_count_option(arg, "samples", &o->count))
				return -EINVAL;
			have_count = true;
			break;
		case OPT_DURATION:
			if (pfx_duration_option(arg, &o->duration_s))
				return -EINVAL;
			break;
		case OPT_BY_MAPPING: o->by_mapping = true; break;
		case OPT_NO_FLUSH: o->no_flush = true; break;
		case OPT_CUMULATIVE:
			if (o->mode == MODE_PROFILE)
				return mode_conflict();
			o->mode = MODE_CUMULATIVE;
			break;
		case OPT_PROFILE: {
			int steps;

			if (o->mode == MODE_CUMULATIVE)
				return mode_conflict();
			if (pfx_parse_int(arg, 1, MAX_PROFILE_STEPS, &steps)) {
				pfx_err("invalid --profile '%s'; give the number of windows, 1 to %d",
					arg, MAX_PROFILE_STEPS);
				return -EINVAL;
			}
			o->mode = MODE_PROFILE;
			o->profile_steps = (unsigned)steps;
			break;
		}
		case OPT_ROOT: o->root = arg; break;
		case 'h':
			usage(stdout);
			exit(PFX_EXIT_OK);
		default:	/* ':' (missing value) or '?' */
			pfx_opts_refused(&p, c);
			return -EINVAL;
		}
	}
	if (optind < argc)
		o->cmd = argv + optind;
	else if (optind > 1 && strcmp(argv[optind - 1], "--") == 0) {
		pfx_err("no command after --; give the command to run, e.g. pfx wss -- ./app");
		return -EINVAL;
	}
	if (!o->pid == !o->cmd) {
		pfx_err(o->pid ? "give either -p PID or -- CMD, not both"
			       : "which process? give -p PID or -- CMD");
		return -EINVAL;
	}
	return check_combinations(o);
}

/* --- output --- */

static double ms_between(uint64_t a_ns, uint64_t b_ns)
{
	return (double)(b_ns - a_ns) / 1e6;
}

/* The notes that apply to this run, in the order they are printed. */
static size_t run_notes(const struct wss_run *run, const char *notes[4])
{
	const struct pfx_wss_traits *t = &run->traits;
	size_t n = 0;

	if (t->perturbs_reclaim)
		notes[n++] = reclaim_note;
	if (t->write_protects)
		notes[n++] = write_protect_note;
	else if (t->flush)
		notes[n++] = flush_note;
	if (t->lower_bound)
		notes[n++] = lower_bound_note;
	if (run->choice.method == PFX_WSS_INJECT)
		notes[n++] = inject_note;
	return n;
}

/* Written bytes are shown where soft-dirty bits are read. */
static bool shows_written(const struct wss_run *run)
{
	return run->traits.write_protects || run->choice.method == PFX_WSS_INJECT;
}

static const char *flush_label(const struct pfx_wss_traits *t)
{
	return t->flush ? "TLB flush" : "no TLB flush: a lower bound";
}

static void print_header(const struct wss_run *run)
{
	const struct wss_opts *o = run->o;
	const struct pfx_wss_traits *t = &run->traits;
	const char *method = pfx_wss_method_name(run->choice.method);
	const char *notes[4];
	size_t n_notes = run_notes(run, notes);

	switch (o->format) {
	case PFX_FORMAT_JSON: {
		/* One string: the notes joined, as the text's note lines. */
		char joined[1024] = "";
		size_t len = 0;

		for (size_t i = 0; i < n_notes && len < sizeof(joined); i++)
			len += (size_t)snprintf(joined + len, sizeof(joined) - len, "%s%s", i ? "; " : "",
						notes[i]);
		pfx_wssfile_write_header(run->fp, &(struct pfx_wssfile_run){
			.pid = (int)run->pid, .comm = run->comm, .method = method,
			.method_reason = run->choice.reason, .mode = mode_names[o->mode],
			.interval_s = o->interval_s, .flush = t->flush, .softdirty = t->softdirty,
			.write_protects = t->write_protects, .lower_bound = t->lower_bound,
			.perturbs_reclaim = t->perturbs_reclaim,
			.profile_steps = o->mode == MODE_PROFILE ? o->profile_steps : 0,
			.start_ns = run->start_ns, .note = n_notes ? joined : NULL });
		break;
	}
	case PFX_FORMAT_CSV:
		fprintf(run->fp, "# pfx wss: pid %d (", (int)run->pid);
		pfx_safetext_fputs(run->fp, run->comm);
		fprintf(run->fp, "), method %s (%s), %s, %s", method, run->choice.reason, flush_label(t),
			mode_names[o->mode]);
		for (size_t i = 0; i < n_notes; i++)
			fprintf(run->fp, "; %s", notes[i]);
		fprintf(run->fp, "\ntime,window_s,method,scope,start,end,name,wss_bytes,wss_anon_bytes,"
				 "wss_file_bytes,rss_bytes,reset_ms,read_ms,pss_bytes,faults,written_bytes\n");
		break;
	case PFX_FORMAT_TEXT:
		fprintf(run->fp, "pfx wss: pid %d (", (int)run->pid);
		pfx_safetext_fputs(run->fp, run->comm);
		fprintf(run->fp, "), method %s (%s), %s, interval %.6g s%s\n",
			method, run->choice.reason, flush_label(t), o->interval_s,
			o->mode == MODE_CUMULATIVE ? ", cumulative since the start"
			: o->mode == MODE_PROFILE ? ", profile: the window doubles each sample" : "");
		for (size_t i = 0; i < n_notes; i++)
			fprintf(run->fp, "note: %s\n", notes[i]);
		fprintf(run->fp, "%9s %9s %10s %10s %10s %10s %10s %8s %8s", "time_s", "window_s", "WSS_MiB",
			"anon_MiB", "file_MiB", "RSS_MiB", "PSS_MiB", "WSS/RSS", "faults");
		if (shows_written(run))
			fprintf(run->fp, " %11s", "written_MiB");
		fprintf(run->fp, " %9s\n", "scan_ms");
		break;
	}
}

static void csv_row(const struct wss_run *run, const struct pfx_wss_reading *r, double time_s,
		    const struct pfx_wss_mapping *m)
{
	const struct pfx_wss_bytes *b = m ? &m->bytes : &r->total;
	bool pss = r->has_pss && (!m || run->choice.method == PFX_WSS_REFS);
	FILE *fp = run->fp;

	fprintf(fp, "%.6f,%.6f,%s,%s,", time_s, pfx_wss_window_s(r),
		pfx_wss_method_name(run->choice.method), m ? "mapping" : "total");
	if (m) {
		fprintf(fp, "0x%llx,0x%llx,", (unsigned long long)m->start, (unsigned long long)m->end);
		pfx_csv_field(fp, m->name);
	} else {
		fputs(",,", fp);
	}
	fprintf(fp, ",%llu,%llu,%llu,%llu,%.3f,%.3f,", (unsigned long long)b->wss,
		(unsigned long long)b->wss_anon, (unsigned long long)b->wss_file,
		(unsigned long long)b->rss, ms_between(r->reset_start_ns, r->reset_end_ns),
		ms_between(r->read_start_ns, r->read_end_ns));
	/* Unknown values are empty fields. */
	if (pss)
		fprintf(fp, "%llu", (unsigned long long)b->pss);
	fputc(',', fp);
	if (!m && r->has_faults)
		fprintf(fp, "%llu", (unsigned long long)r->faults);
	fputc(',', fp);
	if (r->has_written)
		fprintf(fp, "%llu", (unsigned long long)b->written);
	fputc('\n', fp);
}

static void text_mib(FILE *fp, int width, bool known, uint64_t bytes)
{
	if (known)
		fprintf(fp, " %*.2f", width, (double)bytes / MIB);
	else
		fprintf(fp, " %*s", width, "-");
}

static void print_text(const struct wss_run *run, const struct pfx_wss_reading *r, double time_s)
{
	const struct pfx_wss_bytes *b = &r->total;
	double pct = b->rss ? 100.0 * (double)b->wss / (double)b->rss : 0;
	FILE *fp = run->fp;

	fprintf(fp, "%9.3f %9.3f %10.2f %10.2f %10.2f %10.2f", time_s, pfx_wss_window_s(r),
		(double)b->wss / MIB, (double)b->wss_anon / MIB, (double)b->wss_file / MIB,
		(double)b->rss / MIB);
	text_mib(fp, 10, r->has_pss, b->pss);
	fprintf(fp, " %7.1f%%", pct);
	if (r->has_faults)
		fprintf(fp, " %8llu", (unsigned long long)r->faults);
	else
		fprintf(fp, " %8s", "-");
	if (shows_written(run))
		text_mib(fp, 11, r->has_written, b->written);
	fprintf(fp, " %9.2f\n",
		ms_between(r->reset_start_ns, r->reset_end_ns) + ms_between(r->read_start_ns, r->read_end_ns));
	for (size_t i = 0; i < r->n_mappings; i++) {
		const struct pfx_wss_mapping *m = &r->mappings[i];

		if (m->bytes.rss == 0)
			continue;
		fprintf(fp, "%19s %10.2f %10.2f %10.2f %10.2f", "", (double)m->bytes.wss / MIB,
			(double)m->bytes.wss_anon / MIB, (double)m->bytes.wss_file / MIB,
			(double)m->bytes.rss / MIB);
		if (shows_written(run))
			text_mib(fp, 11, r->has_written, m->bytes.written);
		fprintf(fp, "  %llx-%llx ", (unsigned long long)m->start, (unsigned long long)m->end);
		pfx_safetext_fputs(fp, *m->name ? m->name : "[anon]");
		fputc('\n', fp);
	}
}

static void print_sample(struct wss_run *run, const struct pfx_wss_reading *r)
{
	double time_s = (double)(r->read_end_ns - run->start_ns) / 1e9;

	switch (run->o->format) {
	case PFX_FORMAT_JSON:
		/* PSS per mapping comes with smaps (refs) only. */
		pfx_wssfile_write_sample(run->fp, r, time_s, pfx_wss_method_name(run->choice.method),
					 run->o->by_mapping, r->has_pss && run->choice.method == PFX_WSS_REFS);
		break;
	case PFX_FORMAT_CSV:
		csv_row(run, r, time_s, NULL);
		for (size_t i = 0; i < r->n_mappings; i++)
			csv_row(run, r, time_s, &r->mappings[i]);
		break;
	case PFX_FORMAT_TEXT:
		print_text(run, r, time_s);
		break;
	}
	/* Live output: a reader of the pipe sees each sample as it is taken. */
	if (!run->o->output)
		fflush(run->fp);
	run->samples++;
}

/* --- errors --- */

static void report_open_error(const struct wss_opts *o, enum pfx_wss_method method, pid_t pid, int err)
{
	if (err == -ESRCH) {
		pfx_err("process %d does not exist (or exited); check the PID", (int)pid);
	} else if (method == PFX_WSS_INJECT && err == -EOPNOTSUPP) {
		pfx_err("page-fault injection needs soft-dirty bits (CONFIG_MEM_SOFT_DIRTY), which this kernel "
			"lacks (pagemap bit 55 stays 0); use --method refs");
	} else if (method == PFX_WSS_IDLE && err == -ENOENT) {
		pfx_err("idle page tracking is not available on this kernel (no %s%s); use --method refs or "
			"a kernel with CONFIG_IDLE_PAGE_TRACKING", o->root, PFX_PAGE_IDLE_BITMAP);
	} else if (method == PFX_WSS_IDLE && (err == -EACCES || err == -EPERM)) {
		pfx_err("idle page tracking needs root (page_idle/bitmap, kpageflags and PFNs in pagemap: %s); "
			"run pfx as root or use --method refs", strerror(-err));
	} else if (err == -EACCES || err == -EPERM) {
		pfx_err("not allowed to use /proc/%d/clear_refs and %s (%s); run pfx as root or as the "
			"owner of process %d", (int)pid, method == PFX_WSS_INJECT ? "pagemap" : "smaps",
			strerror(-err), (int)pid);
	} else {
		pfx_err("cannot measure process %d with the %s method: %s", (int)pid,
			pfx_wss_method_name(method), strerror(-err));
	}
}

/* --- the sampling loop --- */

/* 0 = the loop ended normally (COUNT, target exit, Ctrl-C), or -errno
 * already reported. */
static int sample_loop(struct wss_run *run, struct pfx_wss *w, struct pfx_target *t)
{
	const struct wss_opts *o = run->o;
	uint64_t interval_ns = (uint64_t)llround(o->interval_s * 1e9);
	struct pfx_wss_reading r = { 0 };
	uint64_t window_ns = interval_ns, stop_ns = 0;
	int err;

	/* 1 ms of slack for the clock's rounding */
	if (o->duration_s > 0)
		stop_ns = run->start_ns + (uint64_t)llround(o->duration_s * 1e9) + 1000000;
	err = pfx_wss_reset(w, &r);
	while (!err) {
		/* interval: each window INTERVAL after its reset; cumulative:
		 * the k-th read k INTERVALs after the only reset; profile: the
		 * window doubles from one read to the next. */
		/* --duration: a window that would end after it is not begun */
		if (stop_ns && r.reset_end_ns + window_ns > stop_ns)
			break;
		pfx_target_sleep_until(t, r.reset_end_ns + window_ns);
		if (pfx_sig_stop_requested() || pfx_target_poll_exit(t) == 1)
			break;
		err = pfx_wss_read(w, &r);
		if (err)
			break;
		print_sample(run, &r);
		/* The reader went away (pipe closed) or the disk is full:
		 * stop; the commit reports it. */
		if (ferror(run->fp) || (o->count && run->samples == o->count) ||
		    (o->mode == MODE_PROFILE && run->samples == o->profile_steps))
			break;
		if (o->mode == MODE_INTERVAL)
			err = pfx_wss_reset(w, &r);
		else
			window_ns = o->mode == MODE_PROFILE ? window_ns * 2 : window_ns + interval_ns;
	}
	pfx_wss_reading_clear(&r);
	if (err == -ESRCH && pfx_proc_is_kernel_thread(run->pid) == 1) {
		pfx_err("process %d has no user address space (a kernel thread); give a user process",
			(int)run->pid);
		return err;
	}
	if (err == -ESRCH) {
		/* An exiting process drops its memory a moment before it is
		 * reported exited (a zombie): wait for that, so the exit is
		 * told as such. */
		pfx_target_sleep_until(t, pfx_now_ns() + 1000000000ull);
		pfx_target_poll_exit(t);
		err = 0;
	} else if (err && pfx_target_poll_exit(t) == 1) {
		err = 0;	/* the target exited between two checks */
	}
	if (err) {
		pfx_err("measuring process %d failed: %s", (int)run->pid, strerror(-err));
		return err;
	}
	if (run->samples == 0 && !pfx_sig_stop_requested()) {
		pfx_err("process %d exited before the first sample; use a shorter INTERVAL (now %.6g s)",
			(int)run->pid, o->interval_s);
		return -ESRCH;
	}
	if (!t->launched && t->exited)
		pfx_warn("process %d exited; stopped after %zu samples", (int)run->pid, run->samples);
	return 0;
}

/* Attach, or launch the command and let it exec: the method's files must
 * be opened after the exec, since /proc/PID/smaps and pagemap hold on to
 * the address space they were opened on.  0, or pfx's exit status (the
 * error said). */
static int start_target(const struct wss_opts *o, struct pfx_target *t)
{
	int err;

	if (!o->cmd) {
		err = pfx_target_attach(t, o->pid);
		if (err)
			pfx_err("process %d does not exist; check the PID", (int)o->pid);
		return err ? PFX_EXIT_ERROR : 0;
	}
	err = pfx_target_launch(t, o->cmd);
	if (err) {
		pfx_err("cannot start '%s': %s", o->cmd[0], strerror(-err));
		return PFX_EXIT_ERROR;
	}
	err = pfx_target_start(t);
	if (err) {
		pfx_err("cannot run '%s': %s", o->cmd[0], strerror(-err));
		pfx_target_close(t);
		return pfx_launched_exec_status(err);
	}
	return 0;
}

int cmd_wss(int argc, char **argv)
{
	struct wss_opts o = { .method = PFX_WSS_AUTO, .format = PFX_FORMAT_TEXT };
	struct wss_run run = { .o = &o };
	struct pfx_wss_config cfg;
	struct pfx_outfile out;
	struct pfx_target t;
	struct pfx_wss w;
	int err;

	if (parse_options(argc, argv, &o))
		return PFX_EXIT_USAGE;
	pfx_wss_choose(o.method, o.root, &run.choice);
	/* Say why idle cannot work before starting anything. */
	if (run.choice.method == PFX_WSS_IDLE && pfx_wss_idle_probe(o.root) == -ENOENT) {
		report_open_error(&o, PFX_WSS_IDLE, 0, -ENOENT);
		return PFX_EXIT_ERROR;
	}
	if (run.choice.method == PFX_WSS_INJECT && pfx_pagemap_softdirty_probe(o.root) != 1) {
		report_open_error(&o, PFX_WSS_INJECT, 0, -EOPNOTSUPP);
		return PFX_EXIT_ERROR;
	}
	pfx_sig_install();
	err = start_target(&o, &t);
	if (err)
		return err;
	run.pid = t.pid;
	/* A kernel thread has no pages to measure: say so before any header. */
	if (!o.cmd && !*o.root && pfx_refuse_kernel_thread_option(t.pid)) {
		pfx_target_finish(&t);
		return PFX_EXIT_ERROR;
	}
	cfg = (struct pfx_wss_config){ .method = run.choice.method, .root = o.root, .pid = t.pid,
				       .by_mapping = o.by_mapping, .no_flush = o.no_flush };
	err = pfx_wss_open(&w, &cfg);
	if (err) {
		report_open_error(&o, run.choice.method, t.pid, err);
		pfx_target_finish(&t);
		return PFX_EXIT_ERROR;
	}
	err = pfx_outfile_open(&out, o.output);
	if (err) {
		pfx_err("cannot create '%s': %s", o.output, pfx_outfile_strerror(err));
		pfx_wss_close(&w);
		pfx_target_finish(&t);
		return PFX_EXIT_ERROR;
	}
	run.fp = out.fp;
	run.traits = w.traits;
	if (pfx_proc_read_comm(t.pid, 0, run.comm, sizeof(run.comm)))
		snprintf(run.comm, sizeof(run.comm), "?");
	/* time 0, before the header that says it (JSON) */
	run.start_ns = pfx_now_ns();
	print_header(&run);
	err = sample_loop(&run, &w, &t);
	pfx_wss_close(&w);
	pfx_target_finish(&t);
	if (err) {
		pfx_outfile_abort(&out);
		return PFX_EXIT_ERROR;
	}
	err = pfx_outfile_commit(&out);
	/* A closed pipe (pfx wss | head) is the reader's choice, not an error. */
	if (err && !(err == -EPIPE && !o.output)) {
		pfx_err("cannot write '%s': %s", o.output ? o.output : "standard output", strerror(-err));
		return PFX_EXIT_ERROR;
	}
	return pfx_launched_status(&t);
}
