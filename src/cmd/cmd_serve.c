/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_serve: 'pfx serve', the fault counters for Prometheus: GET /metrics
 * over HTTP (serve.h) and/or a file for node_exporter's textfile collector
 * written every interval.  This file parses options and runs the loop;
 * what is collected and how it is written is metrics.h.  See
 * pfx-serve(1) and doc/serve.md. */
#include "config.h"
#include "cmd.h"
#include "metrics.h"
#include "opts.h"
#include "httpreq.h"
#include "output.h"
#include "flightrec.h"
#include "profile.h"
#include "safetext.h"
#include "serve.h"
#include "sig.h"
#include "stall.h"
#include "top.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LISTEN "127.0.0.1:9456"
#define DEFAULT_INTERVAL_MS 5000
#define DEFAULT_TIMEOUT_S 10
#define DEFAULT_TOP 20
/* Slots for clients at once: a few scrapers need a few; the rest is room
 * for a crowd to be pushed out of (serve.h says how). */
#define MAX_CLIENTS 128
/* Scrapes this close to a collection share it (two Prometheus servers, or
 * many clients at once, cost one read of /proc). */
#define FRESH_NS 100000000ull
#define DEFAULT_BUDGET_PCT 1
/* Fault timing's rings: drained every 50 ms of a window (stall.c), they
 * hold a burst of ~20,000 faults per CPU. */
#define STALL_RING_PAGES 256
/* --flight's rings, as pfx record -a's: 4 MiB per CPU, for every task's
 * bursts between the drains (every 250 ms at most) */
#define FLIGHT_RING_PAGES 1024

struct serve_opts {
	const char *listen;
	bool listen_given;
	const char *textfile;
	double interval;		/* seconds between textfile writes */
	bool interval_given;
	uint64_t count;			/* textfile writes; 0: until stopped */
	double duration;		/* --duration; 0: until stopped */
	double timeout;
	pid_t *pids;
	size_t npids;
	char **cgroups;
	size_t ncgroups;
	char *cgroup_words;
	const char *cgroup_arg;		/* -G as given: the profiles' scope */
	bool all;
	int top_n;
	bool top_given;
	double budget;			/* --budget, a fraction of one core; 0: no timing */
	struct pfx_flight_opts flight;	/* --flight (seconds 0: none), --flight-size, --trigger */
	const char *flight_output;	/* --flight-output FILE: dumps to FILE.1, FILE.2 ... */
	const char *flight_only;	/* a --flight option given without --flight */
};

enum { OPT_TOP = PFX_OPT_ID_LONG, OPT_TEXTFILE, OPT_TIMEOUT, OPT_INTERVAL_COUNT, OPT_DURATION,
       OPT_OLD_INTERVAL_S, OPT_BUDGET, OPT_FLIGHT, OPT_FLIGHT_SIZE, OPT_TRIGGER, OPT_FLIGHT_OUTPUT };

static const struct pfx_opt serve_options[] = {
	PFX_OPT('l', "listen", "ADDR:PORT", "where to serve (default " DEFAULT_LISTEN "; [::1]:PORT for IPv6,\n"
		":PORT for every address (with a warning), port 0\n"
		"for any free one)"),
	PFX_OPT('a', "all-cpus", NULL, "every process (the default)"),
	PFX_OPT('p', "pid", "PID[,PID...]", "only these processes, each with its own series"),
	PFX_OPT('G', "cgroup", "CG[,CG...]", "processes in these cgroups (paths as in\n"
		"/proc/PID/cgroup), and the cgroups' totals"),
	PFX_OPT_LONG(OPT_TOP, "top", "N", "with -a or -G, series for the N busiest processes\n"
		     "(default " PFX_STR(DEFAULT_TOP) "); the rest are summed as pid=\"other\""),
	PFX_OPT_LONG(OPT_TEXTFILE, "textfile", "PATH", "write the metrics to PATH (temp file + rename) every\n"
		     "interval, for node_exporter's textfile collector;\n"
		     "a regular file, in a directory opened once; serves\n"
		     "HTTP too only when --listen is given"),
	PFX_OPT('I', "interval", "MSEC", "between --textfile writes, in milliseconds (default\n"
		PFX_STR(DEFAULT_INTERVAL_MS) ")"),
	PFX_OPT_LONG(OPT_INTERVAL_COUNT, "interval-count", "N", "with --textfile alone: stop after N writes"),
	PFX_OPT_LONG(OPT_DURATION, "duration", "S", "stop after S seconds"),
	PFX_OPT_LONG(OPT_BUDGET, "budget", "PCT", "time faults (stall seconds, latency) with at most\n"
		     "PCT% of one core for all of serve (default "
		     PFX_STR(DEFAULT_BUDGET_PCT) "; 0: counts\nonly)"),
	PFX_OPT_LONG(OPT_FLIGHT, "flight", "S", "flight recorder: keep the last S seconds of -a or -G\n"
		     "faults in memory, written on POST /flight (from\n"
		     "loopback), SIGUSR1 or --trigger (doc/serve.md)"),
	PFX_OPT_LONG(OPT_FLIGHT_OUTPUT, "flight-output", "FILE", "--flight: write the dumps to FILE.1, FILE.2 ...\n"
		     "(required with --flight)"),
	PFX_OPT_LONG(OPT_FLIGHT_SIZE, "flight-size", "SIZE", "--flight: at most SIZE bytes of faults in memory\n"
		     "(default 64M)"),
	PFX_OPT_LONG(OPT_TRIGGER, "trigger", "COND", "--flight: dump when COND holds over a second, as\n"
		     "pfx record's (major-stall>X, stall>X, major-rate>N)"),
	PFX_OPT_LONG(OPT_TIMEOUT, "client-timeout", "SECONDS", "\ndrop a client silent or not reading that long\n"
		     "(default " PFX_STR(DEFAULT_TIMEOUT_S) ")"),
	PFX_OPT('h', "help", NULL, "show this help"),
	/* the spellings before pfx stat's -I MSEC was everyone's */
	PFX_OPT_OLD('a', 0, "all", NULL, "-a, --all-cpus"),
	PFX_OPT_OLD(OPT_OLD_INTERVAL_S, 'i', NULL, "SECONDS", "-I MSEC, in milliseconds (-i 5 is -I 5000)"),
	PFX_OPT_OLD(OPT_INTERVAL_COUNT, 'n', "iterations", "COUNT", "--interval-count N"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx serve [--listen ADDR:PORT] [-a | -p PID,... | -G CGROUP,...] [OPTIONS]\n"
		"\n"
		"Page-fault counters for Prometheus: GET /metrics in the text format 0.0.4, or\n"
		"OpenMetrics 1.0 when the scraper asks for it; per process (minor, major, RSS,\n"
		"swap, start time), per cgroup and for the system; fault stall time and latency\n"
		"per cgroup (within --budget). GET /debug/pprof/faults?seconds=N: a pprof\n"
		"profile of N seconds of faults, as Go's net/http/pprof. With --flight, POST\n"
		"/flight (from loopback) writes the flight recorder's last seconds to a file.\n"
		"\n");
	pfx_opts_help(fp, serve_options, 27);
	fprintf(fp, "\nCtrl-C or SIGTERM stops it (exit 0).  See pfx-serve(1).\n");
}

static int parse_cgroups(const char *arg, struct serve_opts *o)
{
	char *save = NULL;

	free(o->cgroups);
	free(o->cgroup_words);
	o->ncgroups = 0;
	o->cgroup_words = strdup(arg);
	o->cgroups = calloc(strlen(arg) / 2 + 2, sizeof(char *));
	if (!o->cgroup_words || !o->cgroups)
		return pfx_usage_error("%s", "out of memory");
	for (char *w = strtok_r(o->cgroup_words, ",", &save); w; w = strtok_r(NULL, ",", &save))
		o->cgroups[o->ncgroups++] = w;
	if (o->ncgroups == 0 || strchr(arg, '\n'))
		return pfx_usage_error("invalid cgroup list '%s'; give cgroup paths as in /proc/PID/cgroup, "
				   "comma-separated (-G /system.slice/cron.service)", arg);
	return 0;
}

static int parse_seconds(const char *arg, const char *option, double min, double *out)
{
	if (arg[0] == '-' || pfx_parse_seconds(arg, out))
		return pfx_usage_error("invalid %s '%s'; give a number of seconds", option, arg);
	if (*out < min)
		return pfx_usage_error("%s '%s' s is too short; the minimum is %.2f s", option, arg, min);
	if (*out > PFX_INTERVAL_MAX_S)
		return pfx_usage_error("%s '%s' s is too long; the maximum is %.0f s (a day)", option, arg,
				   PFX_INTERVAL_MAX_S);
	return 0;
}

/* "1", "0.5" or "1%": a fraction of one core.  0 or -EINVAL. */
static int parse_percent(const char *arg, double *out)
{
	char num[32];
	size_t len = strlen(arg);

	if (len && arg[len - 1] == '%')
		len--;
	if (len == 0 || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, arg, len);
	num[len] = '\0';
	if (pfx_parse_seconds(num, out) || *out > 100)	/* a decimal number, >= 0 */
		return -EINVAL;
	return 0;
}

/* 0: run; -1: help printed; else the exit code of a usage error. */
static int parse_options(int argc, char **argv, struct serve_opts *o)
{
	struct pfx_opts p;
	char host[PFX_HTTP_HOST_MAX], spelled[64];
	uint16_t port;
	int opt, err = 0;

	pfx_opts_begin(&p, "serve", serve_options, "", argc, argv);
	while (!err && (opt = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;

		switch (opt) {
		case 'l':
			o->listen = arg;
			o->listen_given = true;
			if (pfx_http_parse_listen(arg, host, sizeof(host), &port))
				err = pfx_usage_error("invalid --listen '%s'; give ADDR:PORT with a port "
						  "0-65535, e.g. 127.0.0.1:9456, [::1]:9456 or :9456",
						  arg);
			break;
		case 'a':
			o->all = true;
			break;
		case 'p':
			err = pfx_pid_list_option(arg, &o->pids, &o->npids);
			break;
		case 'G':
			o->cgroup_arg = arg;
			err = parse_cgroups(arg, o);
			break;
		case OPT_TOP:
			if (pfx_parse_int(arg, 1, 1 << 20, &o->top_n))
				err = pfx_usage_error("invalid --top '%s'; give a number of processes, 1 or "
						  "more", arg);
			o->top_given = true;
			break;
		case OPT_TEXTFILE:
			o->textfile = arg;
			if (!*arg)
				err = pfx_usage_error("%s", "--textfile needs a path; give a file in "
						  "node_exporter's --collector.textfile.directory");
			break;
		case 'I':
			err = pfx_interval_ms_option(arg, false, &o->interval);
			o->interval_given = true;
			/* --interval was seconds before it was perf's MSEC: say so
			 * where an old command line would now write too often */
			if (!err && o->interval < 1 && strcmp(pfx_opts_spelling(&p, spelled, sizeof(spelled)),
							       "--interval") == 0)
				pfx_err("note: --interval is in milliseconds now, as pfx stat -I (it was "
					"seconds): writing every %s ms", arg);
			break;
		case OPT_OLD_INTERVAL_S:
			err = parse_seconds(arg, "interval", PFX_INTERVAL_MIN_S, &o->interval);
			o->interval_given = true;
			break;
		case OPT_INTERVAL_COUNT:
			err = pfx_count_option(arg, "writes", &o->count);
			break;
		case OPT_DURATION:
			err = pfx_duration_option(arg, &o->duration);
			break;
		case OPT_BUDGET:
			if (parse_percent(arg, &o->budget))
				err = pfx_usage_error("invalid --budget '%s'; give a percentage of one core, "
						  "0 to 100 (0: no fault timing)", arg);
			o->budget /= 100;
			break;
		case OPT_FLIGHT:
			err = pfx_flight_seconds_option("serve", arg, &o->flight.seconds);
			break;
		case OPT_FLIGHT_SIZE:
			err = pfx_flight_size_option("serve", arg, &o->flight.max_bytes);
			o->flight_only = "--flight-size";
			break;
		case OPT_TRIGGER:
			err = pfx_flight_trigger_option("serve", arg, &o->flight.trigger);
			o->flight_only = "--trigger";
			break;
		case OPT_FLIGHT_OUTPUT:
			o->flight_output = arg;
			o->flight_only = "--flight-output";
			if (!*arg)
				err = pfx_usage_error("%s", "--flight-output needs a file name; dumps go to "
						  "FILE.1, FILE.2 ...");
			break;
		case OPT_TIMEOUT:
			err = parse_seconds(arg, "--client-timeout", 0.1, &o->timeout);
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
		return pfx_usage_error("unexpected argument '%s'; pfx serve takes only options (see "
				   "'pfx serve --help')", argv[optind]);
	if ((o->all + (o->pids != NULL) + (o->cgroups != NULL)) > 1)
		return pfx_usage_error("%s", "-a, -p and -G choose what is watched; give one");
	if (o->top_given && o->pids)
		return pfx_usage_error("%s", "--top bounds -a and -G; with -p every process listed has "
				   "its own series");
	if ((o->interval_given || o->count) && !o->textfile)
		return pfx_usage_error("%s", "-I and --interval-count pace --textfile writes; give "
				   "--textfile PATH (a scrape reads the metrics when it comes)");
	if (o->flight_only && !o->flight.seconds)
		return pfx_usage_error("%s is an option of the flight recorder; add --flight SECONDS",
				   o->flight_only);
	if (o->flight.seconds && o->pids)
		return pfx_usage_error("%s", "--flight records the host (-a) or -G's cgroups, not -p's "
				   "processes; use pfx record -p PID --flight S");
	if (o->flight.seconds && !o->flight_output)
		return pfx_usage_error("%s", "--flight needs --flight-output FILE (dumps go to FILE.1, "
				   "FILE.2 ...; a directory of yours, e.g. /var/lib/pfx/flight)");
	/* no dump for a storm's every second: one window apart at least */
	o->flight.holdoff_s = o->flight.seconds;
	if (o->count && o->listen_given)
		return pfx_usage_error("%s", "--interval-count stops after N --textfile writes; it does "
				   "not go with --listen");
	return 0;
}

/* ---- the run ---------------------------------------------------------- */

struct serve_run {
	const struct serve_opts *opts;
	struct pfx_metrics *metrics;
	char *body[2];			/* the last collection in each format, once asked for */
	size_t len[2];
	struct pfx_outdir textdir;	/* --textfile's directory, opened once */
	bool textfile_failing;
	struct pfx_stall *stall;	/* fault timing, or NULL */
	struct pfx_profile *profile;	/* GET /debug/pprof/faults (not with -p) */
	char *profile_data;		/* the last profile answered */
	struct pfx_flightrec *flight;	/* --flight, or NULL */
	bool flight_ended;		/* ... said to have stopped */
	char reply_text[512];
	char reply_headers[128];
	char stall_off[256];		/* ... why not */
};

/* A collection no older than FRESH_NS.  0 or -errno. */
static int fresh(struct serve_run *run)
{
	uint64_t at = pfx_metrics_collected_ns(run->metrics);
	int err;

	if (at && pfx_now_ns() - at < FRESH_NS)
		return 0;
	err = pfx_metrics_collect(run->metrics);
	for (int f = 0; f < 2; f++) {
		free(run->body[f]);
		run->body[f] = NULL;
	}
	return err;
}

static int metrics_body(void *ctx, const char *accept, struct pfx_http_body *body)
{
	struct serve_run *run = ctx;
	enum pfx_metrics_format f = pfx_metrics_negotiate(accept);
	int err = fresh(run);

	if (err)
		return err;
	if (!run->body[f]) {
		FILE *fp = open_memstream(&run->body[f], &run->len[f]);

		if (!fp)
			return -errno;
		err = pfx_metrics_write(run->metrics, fp, f);
		if (fclose(fp) != 0 && !err)
			err = -ENOMEM;
		if (err) {
			free(run->body[f]);
			run->body[f] = NULL;
			return err;
		}
	}
	body->data = run->body[f];
	body->len = run->len[f];
	body->content_type = pfx_metrics_content_type(f);
	return 0;
}

static int text_reply(struct serve_run *run, struct pfx_http_reply *r, int status, const char *text)
{
	snprintf(run->reply_text, sizeof(run->reply_text), "%s\n", text);
	*r = (struct pfx_http_reply){ .status = status, .content_type = "text/plain; charset=utf-8",
				      .headers = NULL, .data = run->reply_text,
				      .len = strlen(run->reply_text) };
	return 0;
}

/* GET /debug/pprof/faults?seconds=N&weight=faults|latency: start a
 * profile (profile.h), or say why not. */
static int profile_start(void *ctx, const char *query, size_t qlen, struct pfx_http_reply *r)
{
	struct serve_run *run = ctx;
	const char *v;
	size_t vlen;
	char num[8];
	int seconds = PFX_PROFILE_SECONDS_DEFAULT, rc;
	bool latency = false;
	unsigned left;

	rc = pfx_httpreq_param(query, qlen, "seconds", &v, &vlen);
	if (rc == 1) {
		if (vlen == 0 || vlen >= sizeof(num))
			rc = -1;
		else {
			memcpy(num, v, vlen);
			num[vlen] = '\0';
			if (pfx_parse_int(num, 1, PFX_PROFILE_SECONDS_MAX, &seconds))
				rc = -1;
		}
	}
	if (rc < 0)
		return text_reply(run, r, 400, "seconds must be a whole number from 1 to "
				  PFX_STR(PFX_PROFILE_SECONDS_MAX) " (default "
				  PFX_STR(PFX_PROFILE_SECONDS_DEFAULT) ")");
	rc = pfx_httpreq_param(query, qlen, "weight", &v, &vlen);
	if (rc == 1 && vlen == 7 && memcmp(v, "latency", 7) == 0)
		latency = true;
	else if (rc != 0 && !(rc == 1 && vlen == 6 && memcmp(v, "faults", 6) == 0))
		return text_reply(run, r, 400, "weight must be faults (the default) or latency");
	rc = pfx_profile_start(run->profile, (unsigned)seconds, latency, &left);
	if (rc == -EBUSY) {
		text_reply(run, r, 429, "a profile is being recorded; one at a time");
		snprintf(run->reply_headers, sizeof(run->reply_headers), "Retry-After: %u\r\n", left);
		r->headers = run->reply_headers;
		return 0;
	}
	return rc < 0 ? rc : 1;
}

static int profile_poll(void *ctx, struct pfx_http_reply *r)
{
	struct serve_run *run = ctx;
	const char *why = NULL;
	char *data = NULL, text[256];
	size_t len = 0;
	int err = 0;

	if (pfx_profile_poll(run->profile, &data, &len, &err, &why) != 1)
		return 0;
	free(run->profile_data);
	run->profile_data = data;
	if (err) {
		snprintf(text, sizeof(text), "the profile failed: %s: %s", why ? why : "?",
			 err == -EOPNOTSUPP ? "this pfx was built without zlib" : strerror(-err));
		text_reply(run, r, 500, text);
		return 1;
	}
	*r = (struct pfx_http_reply){ .status = 200, .content_type = "application/octet-stream",
				      .headers = "Content-Disposition: attachment; filename=\"profile\"\r\n",
				      .data = data, .len = len };
	return 1;
}

/* Why the flight recorder stopped (or could not start), in one line. */
static void flight_failure(const struct serve_opts *o, const struct pfx_session_reason *r, char *out,
			   size_t size)
{
	const struct pfx_session_try *t = &r->tried[0];

	if (r->step == PFX_SESSION_SOURCE && r->ntried)
		snprintf(out, size, "perf %s: %s: %s", t->why, strerror(-t->err), t->hint);
	else if (r->step == PFX_SESSION_FLIGHT && r->err == -EINVAL)
		snprintf(out, size, "--trigger %s needs fault latency, which perf does not give here; use "
			 "major-rate", pfx_flight_metric_name(o->flight.trigger.metric));
	else
		snprintf(out, size, "recording failed: %s (pfx record -a --flight says more)",
			 strerror(-r->err));
}

/* POST /flight: ask the flight recorder for a dump, or say why not. */
static int flight_start(void *ctx, const char *query, size_t qlen, struct pfx_http_reply *r)
{
	struct serve_run *run = ctx;
	struct pfx_session_reason why;
	char text[400], line[440];
	int rc = pfx_flightrec_request(run->flight), err;

	(void)query;
	(void)qlen;
	if (rc == -EBUSY) {
		text_reply(run, r, 429, "a dump is being written; one at a time");
		r->headers = "Retry-After: 1\r\n";
		return 0;
	}
	if (rc == -EPIPE && pfx_flightrec_ended(run->flight, &err, &why)) {
		flight_failure(run->opts, &why, text, sizeof(text));
		snprintf(line, sizeof(line), "the flight recorder stopped: %s", text);
		return text_reply(run, r, 503, line);
	}
	return rc < 0 ? rc : 1;
}

/* The dump's answer: one line, the file, its window and faults. */
static int flight_poll(void *ctx, struct pfx_http_reply *r)
{
	struct serve_run *run = ctx;
	struct pfx_flightrec_answer a;
	char safe[256], text[400];

	if (pfx_flightrec_poll(run->flight, &a) != 1)
		return 0;
	pfx_safetext(safe, sizeof(safe), a.path);
	if (a.err) {
		snprintf(text, sizeof(text), "writing %s failed: %s", a.path[0] ? safe : "the dump",
			 a.err == -EPIPE ? "the flight recorder stopped" : pfx_outfile_strerror(a.err));
		text_reply(run, r, 503, text);
		return 1;
	}
	snprintf(text, sizeof(text), "%s: the last %.3f s, %llu faults (%llu major)%s", safe,
		 (double)a.info.window_ns / 1e9, (unsigned long long)a.info.faults,
		 (unsigned long long)a.info.major,
		 a.info.cut_by_size ? "; --flight-size held less than --flight's seconds" : "");
	text_reply(run, r, 200, text);
	return 1;
}

/* --flight: the recording, its session opened here so that a failure
 * stops serve before it serves.  0, or the exit code. */
static int start_flight(struct serve_run *run)
{
	const struct serve_opts *o = run->opts;
	struct pfx_flightrec_opts fo = { .cgroups = o->cgroup_arg, .flight = &o->flight,
					 .output = o->flight_output, .ring_pages = FLIGHT_RING_PAGES,
					 .on_dump = pfx_flight_say_dump, .on_dump_ctx = (void *)"serve" };
	struct pfx_session_reason why;
	char text[400];
	int err = pfx_flightrec_start(&run->flight, &fo, &why);

	if (err) {
		flight_failure(o, &why, text, sizeof(text));
		pfx_err("cannot start the flight recorder: %s", text);
		return PFX_EXIT_ERROR;
	}
	pfx_sig_install_dump();
	return 0;
}

/* The flight recorder stopped on its own (a failure): said once; POST
 * /flight answers 503 from then on. */
static void flight_check(struct serve_run *run)
{
	struct pfx_session_reason why;
	char text[400];
	int err;

	if (!run->flight || run->flight_ended || !pfx_flightrec_ended(run->flight, &err, &why))
		return;
	run->flight_ended = true;
	if (err) {
		flight_failure(run->opts, &why, text, sizeof(text));
		pfx_warn("the flight recorder stopped (%s); serving the metrics only", text);
	}
}

/* One textfile write, temp file + rename.  0 or -errno. */
static int write_textfile(struct serve_run *run)
{
	struct pfx_outfile out;
	int err = fresh(run);

	if (err)
		return err;
	/* "-": standard output, each write after the last */
	err = strcmp(run->opts->textfile, "-") == 0 ? pfx_outfile_open(&out, "-")
						     : pfx_outfile_open_in(&out, &run->textdir);
	if (err)
		return err;
	err = pfx_metrics_write(run->metrics, out.fp, PFX_METRICS_PROMETHEUS);
	if (err) {
		pfx_outfile_abort(&out);
		return err;
	}
	return pfx_outfile_commit(&out);
}

/* A failed write mid-run is said once, and once when writes work again. */
static void textfile_tick(struct serve_run *run)
{
	int err = write_textfile(run);

	if (err && !run->textfile_failing)
		pfx_warn("cannot write '%s': %s; trying again every interval", run->opts->textfile,
			 pfx_outfile_strerror(err));
	else if (!err && run->textfile_failing)
		pfx_warn("writing '%s' works again", run->opts->textfile);
	run->textfile_failing = err != 0;
}

static int start_metrics(struct serve_run *run)
{
	const struct serve_opts *o = run->opts;
	struct pfx_metrics_opts mo = { .pids = o->pids, .npids = o->npids, .cgroups = o->cgroups,
				       .ncgroups = o->ncgroups, .top_n = (size_t)o->top_n };
	size_t bad = 0;
	int err = pfx_metrics_new(&run->metrics, &mo, &bad);

	if (err == -ENOENT) {
		pfx_err("no cgroup '%s' in the cgroup hierarchies mounted here; give a path as "
			"/proc/PID/cgroup shows it (e.g. /system.slice/cron.service)", o->cgroups[bad]);
		return PFX_EXIT_ERROR;
	}
	if (!err)
		err = pfx_metrics_collect(run->metrics);
	if (err) {
		pfx_err("cannot read /proc: %s; is procfs mounted?", strerror(-err));
		return PFX_EXIT_ERROR;
	}
	if (pfx_metrics_absent_pid(run->metrics)) {
		pid_t pid = pfx_metrics_absent_pid(run->metrics);

		pfx_err("no process with PID %d in /proc; check the PID (ps -p %d)", (int)pid, (int)pid);
		return PFX_EXIT_ERROR;
	}
	if (pfx_metrics_cgroup_without_totals(run->metrics) >= 0)
		pfx_warn("cgroup '%s' has no memory.stat (cgroup totals come from %s): only its "
			 "processes are exported",
			 o->cgroups[pfx_metrics_cgroup_without_totals(run->metrics)],
			 pfx_metrics_cgroup_source(run->metrics));
	return 0;
}

/* Fault timing where perf allows it; else counts only, said once. */
static void start_stall(struct serve_run *run)
{
	struct pfx_stall_opts so = { .budget = run->opts->budget, .ring_pages = STALL_RING_PAGES,
				     .cgroups = run->opts->cgroups, .ncgroups = run->opts->ncgroups };
	char why[128], hint[256];
	int err;

	if (run->opts->budget <= 0) {
		snprintf(run->stall_off, sizeof(run->stall_off), "--budget 0");
		pfx_metrics_set_stall(run->metrics, NULL, run->stall_off);
		return;
	}
	err = pfx_stall_open(&run->stall, &so, why, sizeof(why), hint, sizeof(hint));
	if (err) {
		snprintf(run->stall_off, sizeof(run->stall_off), "perf %s: %s", why, strerror(-err));
		pfx_warn("no fault stall time or latency (perf %s: %s): %s; serving fault counts only",
			 why, strerror(-err), hint);
		run->stall = NULL;
	}
	pfx_metrics_set_stall(run->metrics, run->stall, run->stall_off);
}

static int run_serve(struct serve_run *run)
{
	const struct serve_opts *o = run->opts;
	bool http = o->listen_given || !o->textfile;
	struct pfx_http_opts hopts = { .listen = o->listen, .path = "/metrics", .timeout_s = o->timeout,
				       .max_clients = MAX_CLIENTS, .handler = metrics_body, .ctx = run };
	/* profiles are of the host or -G's cgroups: none with -p */
	if (!o->pids) {
		if (pfx_profile_new(&run->profile, o->cgroup_arg)) {
			pfx_err("%s", "out of memory");
			return PFX_EXIT_ERROR;
		}
		hopts.slow[0] = (struct pfx_http_slow){ .path = "/debug/pprof/faults",
							.start = profile_start, .poll = profile_poll };
	}
	if (o->flight.seconds)
		hopts.slow[1] = (struct pfx_http_slow){ .path = "/flight", .post = true,
							.loopback_only = true, .start = flight_start,
							.poll = flight_poll };
	struct pfx_http *h = NULL;
	uint64_t interval_ns = (uint64_t)(o->interval * 1e9 + 0.5), next = 0, writes = 0, stop;
	const char *why = NULL;
	int rc, err = 0;

	pfx_top_raise_fd_limit();	/* the top table keeps /proc files open */
	rc = start_metrics(run);
	if (rc)
		return rc;
	start_stall(run);
	if (o->flight.seconds && (rc = start_flight(run)))
		return rc;
	if (o->textfile) {
		size_t len = strlen(o->textfile);

		if (strcmp(o->textfile, "-") != 0 && (len < 5 || strcmp(o->textfile + len - 5, ".prom")))
			pfx_warn("node_exporter's textfile collector reads only files named *.prom; "
				 "'%s' is not", o->textfile);
		/* the directory is resolved here, once: a name on its path
		 * swapped later by someone else does not move the writes */
		err = strcmp(o->textfile, "-") ? pfx_outdir_open(&run->textdir, o->textfile) : 0;
		if (!err)
			err = write_textfile(run);
		if (err == -ENODEV || err == -EISDIR) {
			pfx_err("cannot write '%s': %s; --textfile needs a regular file (pfx replaces it "
				"at each write): remove what is there or name another file", o->textfile,
				pfx_outfile_strerror(err));
			return PFX_EXIT_ERROR;
		}
		if (err) {
			pfx_err("cannot write '%s': %s; check the directory", o->textfile,
				pfx_outfile_strerror(err));
			return PFX_EXIT_ERROR;
		}
		writes = 1;
		next = pfx_now_ns() + interval_ns;
	}
	if (http) {
		err = pfx_http_open(&h, &hopts, &why);
		if (err == -ENXIO) {
			pfx_err("cannot listen on '%s': %s; give an address of this host", o->listen, why);
			return PFX_EXIT_ERROR;
		}
		if (err) {
			pfx_err("cannot listen on '%s': %s; %s", o->listen, strerror(-err),
				err == -EADDRINUSE ? "pick another port" :
				err == -EACCES ? "ports under 1024 need root; pick a higher one" :
				"give an address of this host");
			return PFX_EXIT_ERROR;
		}
		for (size_t i = 0; pfx_http_address(h, i); i++)
			fprintf(stderr, "pfx serve: serving http://%s/metrics\n", pfx_http_address(h, i));
		if (pfx_http_every_address(h))
			pfx_warn("listening on every address of this host: whoever can reach it reads "
				 "the metrics (process names, cgroups); give -l 127.0.0.1:PORT for "
				 "loopback only");
	}
	stop = o->duration > 0 ? pfx_now_ns() + (uint64_t)(o->duration * 1e9 + 0.5) : 0;
	while (!pfx_sig_stop_requested() && !(o->count && writes >= o->count)) {
		uint64_t now = pfx_now_ns();
		/* woken at least each second: a stop signal that came just
		 * before the wait is seen soon */
		int timeout = 1000;

		if (stop && now >= stop)
			break;
		if (o->textfile)
			timeout = next > now ? (int)((next - now + 999999) / 1000000) : 0;
		if (stop && (uint64_t)timeout * 1000000 > stop - now)
			timeout = (int)((stop - now + 999999) / 1000000);
		if (timeout > 1000)
			timeout = 1000;
		if (run->stall) {
			uint64_t at = pfx_stall_next_ns(run->stall);

			if (at <= now)
				timeout = 0;
			else if ((uint64_t)timeout * 1000000 > at - now)
				timeout = (int)((at - now + 999999) / 1000000);
		}
		if (h)
			err = pfx_http_step(h, timeout);
		else
			poll(NULL, 0, timeout);
		if (err) {
			pfx_err("waiting for clients failed: %s", strerror(-err));
			break;
		}
		flight_check(run);
		if (run->stall && (rc = pfx_stall_tick(run->stall, pfx_now_ns())) < 0) {
			/* the source failed: counts go on, timing stops */
			snprintf(run->stall_off, sizeof(run->stall_off), "perf stopped: %s", strerror(-rc));
			pfx_warn("fault timing stopped (%s); serving fault counts only", run->stall_off);
			pfx_stall_close(run->stall);
			run->stall = NULL;
			pfx_metrics_set_stall(run->metrics, NULL, run->stall_off);
		}
		if (o->textfile && !pfx_sig_stop_requested() && pfx_now_ns() >= next) {
			textfile_tick(run);
			writes++;
			/* stay on the grid; skip ticks missed (a stopped pfx) */
			while (next <= pfx_now_ns())
				next += interval_ns;
		}
	}
	if (h) {
		struct pfx_http_counts c;

		pfx_http_counts(h, &c);
		fprintf(stderr, "pfx serve: stopped; %llu requests answered, %llu refused (4xx), "
			"%llu failed (5xx); %llu connections, %llu idle clients dropped for new ones, "
			"%llu closed at once (no slot left for their user)\n",
			(unsigned long long)c.ok, (unsigned long long)c.client_err,
			(unsigned long long)c.server_err, (unsigned long long)c.accepted,
			(unsigned long long)c.evicted, (unsigned long long)c.refused);
	}
	pfx_http_close(h);
	return err ? PFX_EXIT_ERROR : PFX_EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_opts opts = { .listen = DEFAULT_LISTEN, .interval = DEFAULT_INTERVAL_MS / 1000.0,
				   .timeout = DEFAULT_TIMEOUT_S, .top_n = DEFAULT_TOP,
				   .budget = DEFAULT_BUDGET_PCT / 100.0,
				   .flight = { .max_bytes = PFX_FLIGHT_SIZE_DEFAULT,
					       .post_s = PFX_FLIGHT_POST_S_DEFAULT } };
	struct serve_run run = { .opts = &opts, .textdir = { .dirfd = -1 } };
	int rc = parse_options(argc, argv, &opts);

	if (rc == 0) {
		pfx_sig_install();
		rc = run_serve(&run);
	} else if (rc < 0) {
		rc = PFX_EXIT_OK;
	}
	pfx_outdir_close(&run.textdir);
	pfx_metrics_free(run.metrics);
	pfx_stall_close(run.stall);
	pfx_profile_free(run.profile);
	pfx_flightrec_stop(run.flight);
	free(run.profile_data);
	for (int f = 0; f < 2; f++)
		free(run.body[f]);
	free(opts.pids);
	free(opts.cgroups);
	free(opts.cgroup_words);
	return rc;
}
