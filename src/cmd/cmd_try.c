/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_try: 'pfx try', a command run with and without each remedy,
 * interleaved (baseline, r1, r2, baseline, ...), and for each remedy the
 * faults, wall time and peak RSS as medians with their range, the change
 * against the baseline and whether it is beyond the run-to-run noise
 * (the two ranges do not overlap).  The runs and the statistics are
 * try.h's; this file checks the command, words the refusals and prints. */
#include "config.h"
#include "cmd.h"
#include "opts.h"
#include "output.h"
#include "safetext.h"
#include "sig.h"
#include "try.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

#define RUNS_DEFAULT 5
#define RUNS_MAX 1000
#define MIN_SIZE_DEFAULT (2u << 20)

struct try_opts {
	unsigned masks[PFX_TRY_MAX_REMEDIES];
	size_t nremedies;
	uint64_t runs;
	uint64_t min_size;
	double timeout_s;
	bool no_fault_time;
	enum pfx_format format;
	const char *keep;	/* --keep DIR: one recording of each arm there */
	char **command;
};

enum { OPT_REMEDY = PFX_OPT_ID_LONG, OPT_FORMAT, OPT_MIN_SIZE, OPT_TIMEOUT, OPT_NO_FAULT_TIME, OPT_KEEP };

static const struct pfx_opt try_options[] = {
	PFX_OPT_LONG(OPT_REMEDY, "remedy", "NAME[,NAME...]",
		     "the remedies, each run on its own (A+B: both in one run):\n"
		     "populate, hugepage, sequential, willneed, mlock, malloc-trim"),
	PFX_OPT('r', "runs", "N", "runs of the baseline and of each remedy (default 5)"),
	PFX_OPT_LONG(OPT_MIN_SIZE, "min-size", "SIZE", "mmaps below SIZE are left alone (default 2M)"),
	PFX_OPT_LONG(OPT_TIMEOUT, "timeout", "S", "end a run (SIGKILL) after S seconds"),
	PFX_OPT_LONG(OPT_NO_FAULT_TIME, "no-fault-time", NULL,
		     "do not sample fault entries for the time spent in faults\n"
		     "(their cost is in every run's wall time, baseline and remedy alike)"),
	PFX_OPT_LONG(OPT_KEEP, "keep", "DIR",
		     "after the runs, record one more of each with pfx record, as\n"
		     "DIR/baseline.data and DIR/NAME.data (for pfx diff)"),
	PFX_OPT_LONG(OPT_FORMAT, "format", "F", "text (default) or json"),
	PFX_OPT('h', "help", NULL, "this text"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx try --remedy NAME[,NAME...] [-r RUNS] [--format text|json] -- CMD [ARGS]\n"
		"\n"
		"Run CMD without a remedy and with each one, interleaved, RUNS times each, and\n"
		"print each remedy's faults (perf's counters, as pfx stat), wall time and peak\n"
		"RSS: medians, their range (min-max) and the change against the baseline.  A\n"
		"change counts only when the two ranges do not overlap.  The remedies apply to\n"
		"CMD's own process only, by LD_PRELOAD of pfx-try-preload.so and GLIBC_TUNABLES,\n"
		"set in CMD's environment alone and taken out of it again at its start.\n"
		"\n");
	pfx_opts_help(fp, try_options, 26);
	fprintf(fp, "\nSee pfx-try(1).\n");
}

static int parse_options(int argc, char **argv, struct try_opts *o)
{
	struct pfx_opts p;
	const char *bad;
	size_t badlen;
	int c;

	pfx_opts_begin(&p, "try", try_options, "+", argc, argv);
	while ((c = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;
		int err = 0;

		if (c == OPT_REMEDY) {
			err = pfx_try_remedy_parse(arg, o->masks, PFX_TRY_MAX_REMEDIES, &o->nremedies, &bad, &badlen);
			if (err == -EINVAL) {
				char name[64];

				pfx_safetext_n(name, sizeof(name), bad, badlen);
				if (!badlen)
					pfx_err("a remedy name is missing in '--remedy %s'; give NAME[,NAME...] of %s",
						pfx_safetext_str(name, sizeof(name), arg), pfx_try_remedy_names());
				else
					pfx_err("unknown remedy '%s'; give one of %s", name, pfx_try_remedy_names());
			} else if (err == -E2BIG) {
				pfx_err("too many remedies in '--remedy %s'; give at most %d", arg,
					PFX_TRY_MAX_REMEDIES);
			}
		} else if (c == 'r') {
			err = pfx_count_option(arg, "runs", &o->runs);
			if (!err && o->runs > RUNS_MAX)
				err = pfx_usage_error("-r %s: at most %d runs", arg, RUNS_MAX);
		} else if (c == OPT_MIN_SIZE) {
			if (pfx_parse_size(arg, &o->min_size) < 0)
				err = pfx_usage_error("--min-size %s: give a size, e.g. 2M or 1G", arg);
		} else if (c == OPT_TIMEOUT) {
			err = pfx_duration_option(arg, &o->timeout_s);
		} else if (c == OPT_KEEP) {
			struct stat st;

			/* made here if missing; a directory either way */
			if (mkdir(arg, 0777) < 0 && errno != EEXIST)
				err = pfx_usage_error("--keep %s: cannot make the directory: %s", arg, strerror(errno));
			else if (stat(arg, &st) < 0 || !S_ISDIR(st.st_mode))
				err = pfx_usage_error("--keep %s: not a directory; give a directory for the recordings",
						      arg);
			o->keep = arg;
		} else if (c == OPT_NO_FAULT_TIME) {
			o->no_fault_time = true;
		} else if (c == OPT_FORMAT) {
			err = pfx_format_option(arg, &o->format);
			if (!err && o->format == PFX_FORMAT_CSV)
				err = pfx_usage_error("--format csv: pfx try prints text or json");
		} else if (c == 'h') {
			usage(stdout);
			exit(PFX_EXIT_OK);
		} else {
			pfx_opts_refused(&p, c);
			err = -EINVAL;
		}
		if (err)
			return err;
	}
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind >= argc) {
		pfx_err("which command? give it after --: pfx try --remedy NAME -- CMD [ARGS]");
		return -EINVAL;
	}
	if (!o->nremedies) {
		pfx_err("which remedy? give --remedy NAME (one of %s)", pfx_try_remedy_names());
		return -EINVAL;
	}
	o->command = argv + optind;
	return 0;
}

/* --- the metrics --- */

enum { M_FAULTS, M_MINOR, M_MAJOR, M_FAULT_TIME, M_WALL, M_RSS, M_RUSAGE_MINOR, NMETRICS };

static const struct {
	const char *label;	/* text */
	const char *key;	/* json */
	const char *word;	/* the verdict's noun */
	bool in_verdict;
} metrics[NMETRICS] = {
	{ "faults", "faults", "faults", true },
	{ "minor", "minor", "minor faults", false },
	{ "major", "major", "major faults", true },
	{ "fault ms", "fault_ms", "time in faults", true },
	{ "wall ms", "wall_ms", "wall time", true },
	{ "peak RSS MiB", "peak_rss_mib", "peak RSS", true },
	{ "rusage minflt", "rusage_minor", "rusage minor faults", false },
};

/* every run had its time in faults (else that row is left out) */
static bool fault_time_known;

static bool metric_shown(int m)
{
	return m != M_FAULT_TIME || fault_time_known;
}

static double metric_of(const struct pfx_try_sample *s, int m)
{
	switch (m) {
	case M_FAULTS: return (double)s->counts.faults;
	case M_MINOR: return (double)s->counts.minor;
	case M_MAJOR: return (double)s->counts.major;
	case M_FAULT_TIME: return (double)s->fault_ns / 1e6;
	case M_WALL: return (double)s->wall_ns / 1e6;
	case M_RSS: return (double)s->maxrss_kib / 1024.0;
	default: return (double)s->rusage_minor;
	}
}

struct variant {
	unsigned mask;			/* 0: the baseline */
	char label[128];
	char recording[PATH_MAX];	/* --keep: its recording ("": none) */
	char **envp;
	struct pfx_try_sample *samples;
	size_t n;
	struct pfx_try_spread spread[NMETRICS];
};

static void summarize(struct variant *v)
{
	double *vals = calloc(v->n ? v->n : 1, sizeof(*vals));

	for (int m = 0; m < NMETRICS; m++) {
		if (!vals || !v->n) {
			v->spread[m] = (struct pfx_try_spread){ 0 };
			continue;
		}
		for (size_t i = 0; i < v->n; i++)
			vals[i] = metric_of(&v->samples[i], m);
		pfx_try_spread(vals, v->n, &v->spread[m]);
	}
	free(vals);
}

static const char *verdict_word(enum pfx_try_verdict d)
{
	return d == PFX_TRY_LOWER ? "lower" : d == PFX_TRY_HIGHER ? "higher" : "within noise";
}

/* "helps: -99.2% faults, -66.7% wall time", "worse: +12% wall time",
 * "no measurable change"; lower is better for every metric here. */
static void verdict_line(const struct variant *base, const struct variant *v, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		enum pfx_try_verdict want = pass ? PFX_TRY_HIGHER : PFX_TRY_LOWER;
		bool first = true;

		for (int m = 0; m < NMETRICS; m++) {
			if (!metric_shown(m))
				continue;
			if (!metrics[m].in_verdict || pfx_try_compare(&base->spread[m], &v->spread[m]) != want)
				continue;
			int n = snprintf(buf + len, size - len, "%s%s%+.1f%% %s",
					 first ? (len ? "; worse: " : pass ? "worse: " : "helps: ") : "",
					 first ? "" : ", ", pfx_try_change(&base->spread[m], &v->spread[m]),
					 metrics[m].word);
			if (n < 0 || (size_t)n >= size - len)
				return;
			len += (size_t)n;
			first = false;
		}
	}
	if (!len)
		snprintf(buf, size, "no measurable change (within the run-to-run noise)");
}

static void print_num(FILE *fp, double x, int m)
{
	if (m == M_WALL || m == M_RSS || m == M_FAULT_TIME)
		fprintf(fp, "%.1f", x);
	else
		fprintf(fp, "%.0f", x);
}

static void print_spread_text(FILE *fp, const struct pfx_try_spread *s, int m)
{
	char b[96];
	int n;

	n = snprintf(b, sizeof(b), m == M_WALL || m == M_RSS || m == M_FAULT_TIME ? "%.1f (%.1f-%.1f)" : "%.0f (%.0f-%.0f)",
		     s->median, s->min, s->max);
	fprintf(fp, "%-28s", n > 0 ? b : "");
}

static void print_text(FILE *fp, const struct try_opts *o, struct variant *vs, size_t nv)
{
	char buf[512];

	fprintf(fp, "pfx try: ");
	for (char **a = o->command; *a; a++) {
		fputs(a == o->command ? "" : " ", fp);
		pfx_safetext_fputs(fp, *a);
	}
	fprintf(fp, "\n%llu runs each, interleaved; faults counted by %s, of the command and its "
		"children; a change counts when the ranges (min-max) do not overlap and the medians differ by %.0f%% or more\n",
		(unsigned long long)vs[0].n, pfx_count_source_name(vs[0].samples[0].source), PFX_TRY_MIN_CHANGE_PCT);
	for (size_t r = 1; r < nv; r++) {
		fprintf(fp, "\nremedy %s: %s\n", vs[r].label, pfx_try_remedy_describe(vs[r].mask, buf, sizeof(buf)));
		fprintf(fp, "  %-14s %-28s %-28s %8s  %s\n", "", "baseline median (min-max)",
			"remedy median (min-max)", "change", "beyond noise");
		for (int m = 0; m < NMETRICS; m++) {
			if (!metric_shown(m))
				continue;
			double ch = pfx_try_change(&vs[0].spread[m], &vs[r].spread[m]);

			fprintf(fp, "  %-14s ", metrics[m].label);
			print_spread_text(fp, &vs[0].spread[m], m);
			fputc(' ', fp);
			print_spread_text(fp, &vs[r].spread[m], m);
			if (isinf(ch))
				fprintf(fp, " %8s", "new");
			else
				fprintf(fp, " %+7.1f%%", ch);
			fprintf(fp, "  %s\n", verdict_word(pfx_try_compare(&vs[0].spread[m], &vs[r].spread[m])));
		}
		verdict_line(&vs[0], &vs[r], buf, sizeof(buf));
		fprintf(fp, "  %s: %s\n", vs[r].label, buf);
		if (vs[0].recording[0] && vs[r].recording[0]) {
			fprintf(fp, "  recorded: pfx diff ");
			pfx_safetext_fputs(fp, vs[0].recording);
			fputc(' ', fp);
			pfx_safetext_fputs(fp, vs[r].recording);
			fputc('\n', fp);
		}
	}
}

static void print_json_spread(FILE *fp, const struct variant *v, int m)
{
	fprintf(fp, "{\"median\":");
	print_num(fp, v->spread[m].median, m);
	fprintf(fp, ",\"min\":");
	print_num(fp, v->spread[m].min, m);
	fprintf(fp, ",\"max\":");
	print_num(fp, v->spread[m].max, m);
	fprintf(fp, ",\"runs\":[");
	for (size_t i = 0; i < v->n; i++) {
		fputs(i ? "," : "", fp);
		print_num(fp, metric_of(&v->samples[i], m), m);
	}
	fputc(']', fp);
}

/* --keep: ,"recording":"DIR/NAME.data" */
static void print_json_recording(FILE *fp, const struct variant *v)
{
	if (!v->recording[0])
		return;
	fprintf(fp, ",\"recording\":");
	pfx_json_string(fp, v->recording);
}

static void print_json(FILE *fp, const struct try_opts *o, struct variant *vs, size_t nv)
{
	char buf[512];

	fprintf(fp, "{\"command\":[");
	for (char **a = o->command; *a; a++) {
		fputs(a == o->command ? "" : ",", fp);
		pfx_json_string(fp, *a);
	}
	fprintf(fp, "],\"runs\":%llu,\"rule\":\"ranges do not overlap, medians differ by %.0f%% or more\","
		"\"source\":\"%s\",\"baseline\":{", (unsigned long long)vs[0].n, PFX_TRY_MIN_CHANGE_PCT,
		pfx_count_source_name(vs[0].samples[0].source));
	for (int m = 0; m < NMETRICS; m++) {
		if (!metric_shown(m))
			continue;
		fprintf(fp, "%s\"%s\":", m ? "," : "", metrics[m].key);
		print_json_spread(fp, &vs[0], m);
		fputc('}', fp);
	}
	print_json_recording(fp, &vs[0]);
	fprintf(fp, "},\"remedies\":[");
	for (size_t r = 1; r < nv; r++) {
		fprintf(fp, "%s{\"name\":", r > 1 ? "," : "");
		pfx_json_string(fp, vs[r].label);
		fprintf(fp, ",\"applied\":");
		pfx_json_string(fp, pfx_try_remedy_describe(vs[r].mask, buf, sizeof(buf)));
		for (int m = 0; m < NMETRICS; m++) {
			if (!metric_shown(m))
				continue;
			enum pfx_try_verdict d = pfx_try_compare(&vs[0].spread[m], &vs[r].spread[m]);
			double ch = pfx_try_change(&vs[0].spread[m], &vs[r].spread[m]);

			fprintf(fp, ",\"%s\":", metrics[m].key);
			print_json_spread(fp, &vs[r], m);
			if (isinf(ch))
				fprintf(fp, ",\"change_pct\":null");
			else
				fprintf(fp, ",\"change_pct\":%.1f", ch);
			fprintf(fp, ",\"beyond_noise\":%s,\"direction\":\"%s\"}", d == PFX_TRY_SAME ? "false" : "true",
				d == PFX_TRY_LOWER ? "lower" : d == PFX_TRY_HIGHER ? "higher" : "same");
		}
		verdict_line(&vs[0], &vs[r], buf, sizeof(buf));
		fprintf(fp, ",\"verdict\":");
		pfx_json_string(fp, buf);
		print_json_recording(fp, &vs[r]);
		fputc('}', fp);
	}
	fprintf(fp, "]}\n");
}

/* --- the runs --- */

/* Refuse a command the remedies cannot reach; find the preload.  0, or
 * the exit code after one line. */
static int check_command(const struct try_opts *o, char *preload, size_t size)
{
	char path[PATH_MAX], name[256];
	enum pfx_try_block block = PFX_TRY_OK;
	int err = pfx_try_program_check(o->command[0], path, sizeof(path), &block);

	pfx_safetext(name, sizeof(name), o->command[0]);
	if (err) {
		pfx_err("cannot run '%s': %s; check the command's name and PATH", name,
			err == -ENOENT ? "not found" : strerror(-err));
		return pfx_launched_exec_status(err);
	}
	pfx_safetext(name, sizeof(name), path);
	if (block == PFX_TRY_STATIC) {
		pfx_err("%s is a static binary (no ELF interpreter): it ignores LD_PRELOAD, so no remedy can "
			"be applied from outside; apply the remedy in its code, or try a dynamically linked build", name);
		return PFX_EXIT_ERROR;
	}
	if (block == PFX_TRY_SETUID) {
		pfx_err("%s is set-user-ID or set-group-ID: the loader runs it in secure-execution mode and "
			"drops LD_PRELOAD and most GLIBC_TUNABLES; try a copy without the bit", name);
		return PFX_EXIT_ERROR;
	}
	if (block == PFX_TRY_SCRIPT)
		pfx_warn("%s is not an ELF program (a script?): the remedies reach its interpreter only, not the "
			 "programs it runs; give the program itself (e.g. /usr/bin/python3, not a pyenv shim)", name);
	if (pfx_try_preload_find(preload, size)) {
		pfx_err("pfx-try-preload.so not found beside pfx nor in %s; reinstall pfx or set PFX_TRY_PRELOAD",
			PFX_PKGLIBDIR);
		return PFX_EXIT_ERROR;
	}
	return 0;
}

static int run_all(const struct try_opts *o, struct variant *vs, size_t nv)
{
	bool warned_status = false, warned_timeout = false, warned_lost = false;
	const struct pfx_try_run_opts ropts = { .source = PFX_SOURCE_AUTO, .timeout_s = o->timeout_s,
						.fault_time = !o->no_fault_time };

	for (uint64_t r = 0; r < o->runs; r++) {
		for (size_t i = 0; i < nv; i++) {
			struct variant *v = &vs[i];
			struct pfx_try_sample *s = &v->samples[v->n];
			int err;

			if (pfx_sig_stop_requested())
				return -EINTR;
			err = pfx_try_run(o->command, v->envp, &ropts, s);
			if (pfx_sig_stop_requested())
				return -EINTR;	/* that run was cut short: not kept */
			if (err == -ENOENT || err == -EACCES || err == -ENOEXEC || err == -ENOTDIR) {
				char name[256];

				pfx_err("cannot run '%s': %s", pfx_safetext_str(name, sizeof(name), o->command[0]),
					strerror(-err));
				return pfx_launched_exec_status(err);
			}
			if (err) {
				pfx_err("cannot count the command's faults: %s; see pfx stat's messages "
					"(pfx stat -- CMD)", strerror(-err));
				return PFX_EXIT_ERROR;
			}
			v->n++;
			if (!s->has_fault_time && fault_time_known && ropts.fault_time)
				pfx_warn("no time in faults: %s; perf's exceptions:page_fault_user is needed "
					 "(see pfx list), or give --no-fault-time",
					 strerror(-(s->fault_time_err ? s->fault_time_err : -EIO)));
			fault_time_known = fault_time_known && s->has_fault_time;
			if (s->fault_lost && !warned_lost) {
				pfx_warn("run %llu (%s): %llu fault events lost (ring full): its time in faults is "
					 "a lower bound", (unsigned long long)r + 1, v->label,
					 (unsigned long long)s->fault_lost);
				warned_lost = true;
			}
			if (s->timed_out && !warned_timeout) {
				pfx_warn("run %llu (%s) passed --timeout %.3g s and was killed; its numbers stop there",
					 (unsigned long long)r + 1, v->label, o->timeout_s);
				warned_timeout = true;
			} else if (!s->timed_out && !warned_status &&
				   !(WIFEXITED(s->wait_status) && WEXITSTATUS(s->wait_status) == 0)) {
				pfx_warn("run %llu (%s): the command ended with %s %d; its numbers are kept",
					 (unsigned long long)r + 1, v->label,
					 WIFSIGNALED(s->wait_status) ? "signal" : "status",
					 WIFSIGNALED(s->wait_status) ? WTERMSIG(s->wait_status) : WEXITSTATUS(s->wait_status));
				warned_status = true;
			}
		}
	}
	return 0;
}

/* --keep DIR: one more run of each arm, recorded by 'pfx record' into
 * DIR/LABEL.data, in the environment its measured runs had (the command
 * is launched with environ, so environ is the arm's for that call alone:
 * pfx runs nothing else meanwhile).  A recording that fails is warned
 * of; the measurement stands. */
static void keep_recordings(const struct try_opts *o, struct variant *vs, size_t nv)
{
	size_t argc = 0;

	while (o->command[argc])
		argc++;
	char **argv = calloc(argc + 5, sizeof(*argv));

	if (!argv) {
		pfx_warn("--keep: out of memory; nothing recorded");
		return;
	}
	for (size_t i = 0; i < nv && !pfx_sig_stop_requested(); i++) {
		struct variant *v = &vs[i];
		char **saved = environ;
		int n = 0, rc;

		if (snprintf(v->recording, sizeof(v->recording), "%s/%s.data", o->keep, v->label) >=
		    (int)sizeof(v->recording)) {
			v->recording[0] = 0;
			pfx_warn("--keep %s: the path is too long; %s not recorded", o->keep, v->label);
			continue;
		}
		argv[n++] = "record";
		argv[n++] = "-o";
		argv[n++] = v->recording;
		argv[n++] = "--";
		for (size_t a = 0; a < argc; a++)
			argv[n++] = o->command[a];
		argv[n] = NULL;
		if (v->envp)
			environ = v->envp;
		rc = cmd_record(n, argv);
		environ = saved;
		if (rc) {
			pfx_warn("--keep: recording %s failed (pfx record exited %d)", v->label, rc);
			v->recording[0] = 0;
		}
	}
	free(argv);
}

int cmd_try(int argc, char **argv)
{
	struct try_opts o = { .runs = RUNS_DEFAULT, .min_size = MIN_SIZE_DEFAULT };
	struct variant *vs = NULL;
	char preload[PATH_MAX];
	size_t nv = 0;
	int rc;

	if (parse_options(argc, argv, &o))
		return PFX_EXIT_USAGE;
	rc = check_command(&o, preload, sizeof(preload));
	if (rc)
		return rc;
	nv = o.nremedies + 1;
	vs = calloc(nv, sizeof(*vs));
	rc = vs ? 0 : PFX_EXIT_ERROR;
	for (size_t i = 0; !rc && i < nv; i++) {
		vs[i].mask = i ? o.masks[i - 1] : 0;
		if (i)
			pfx_try_remedy_label(vs[i].mask, vs[i].label, sizeof(vs[i].label));
		else
			snprintf(vs[i].label, sizeof(vs[i].label), "baseline");
		vs[i].samples = calloc(o.runs, sizeof(*vs[i].samples));
		/* the baseline runs in pfx's environment, as is */
		if (!vs[i].samples || (i && pfx_try_env_build(&vs[i].envp, environ, vs[i].mask, preload, o.min_size)))
			rc = PFX_EXIT_ERROR;
	}
	if (rc) {
		pfx_err("out of memory");
	} else {
		pfx_sig_install();
		fault_time_known = !o.no_fault_time;
		rc = run_all(&o, vs, nv);
		if (rc == -EINTR && vs[nv - 1].n) {
			/* stopped: report the rounds done */
			pfx_warn("stopped after %zu of %llu runs each; the numbers are theirs", vs[nv - 1].n,
				 (unsigned long long)o.runs);
			rc = 0;
		} else if (rc == -EINTR) {
			pfx_err("stopped before one run of each was made; nothing to compare");
			rc = PFX_EXIT_ERROR;
		}
		if (!rc && o.keep)
			keep_recordings(&o, vs, nv);
		if (!rc) {
			for (size_t i = 0; i < nv; i++) {
				vs[i].n = vs[nv - 1].n;	/* as many runs of each */
				summarize(&vs[i]);
			}
			if (o.format == PFX_FORMAT_JSON)
				print_json(stdout, &o, vs, nv);
			else
				print_text(stdout, &o, vs, nv);
			if (fflush(stdout) || ferror(stdout)) {
				pfx_err("cannot write the output: %s", strerror(errno));
				rc = PFX_EXIT_ERROR;
			}
		}
	}
	for (size_t i = 0; vs && i < nv; i++) {
		pfx_try_env_free(vs[i].envp);
		free(vs[i].samples);
	}
	free(vs);
	return rc;
}
