/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options: the option helpers every subcommand shares (declared in cmd.h):
 * the one-line errors for refused options, --format, -p PID, and the
 * values of the interval options (-I MSEC, --interval-count, --duration),
 * and the flight recorder's options (record and serve). */
#include "config.h"
#include "cmd.h"
#include "flight.h"
#include "output.h"
#include "recfile.h"
#include "safetext.h"
#include "target.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

void pfx_option_error(const char *command, int result, int short_opt, const char *word)
{
	char name[64];

	/* Long options as typed (without "=value"); short ones from optopt,
	 * since word may be a cluster like "-gx". */
	if (word && strncmp(word, "--", 2) == 0)
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="), word);
	else if (short_opt)
		snprintf(name, sizeof(name), "-%c", short_opt);
	else
		snprintf(name, sizeof(name), "%s", word ? word : "?");
	if (result == ':')
		pfx_err("option '%s' needs a value; see 'pfx %s --help'", name, command);
	else
		pfx_err("unknown option '%s'; see 'pfx %s --help'", name, command);
}

int pfx_usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pfx_err("%s", msg);
	return PFX_EXIT_USAGE;
}

int pfx_feature_missing(const char *command, const char *feature, const char *lib, const char *package,
			const char *instead)
{
	pfx_err("%s: %s needs %s, and this pfx was built without it; %s, or rebuild pfx with %s installed",
		command, feature, lib, instead, package);
	return PFX_EXIT_ERROR;
}

int pfx_format_option(const char *name, enum pfx_format *out)
{
	if (pfx_format_parse(name, out) == 0)
		return 0;
	pfx_err("unknown format '%s'; use text, json or csv", name);
	return -EINVAL;
}

int pfx_target_pid_option(const char *arg, pid_t *pid)
{
	if (pfx_parse_pid(arg, pid) == 0)
		return 0;
	pfx_err("invalid PID '%s'; give a process id, e.g. -p 1234", arg);
	return -EINVAL;
}

int pfx_pid_list_option(const char *arg, pid_t **pids, size_t *npids)
{
	free(*pids);
	*pids = NULL;
	if (pfx_parse_pid_list(arg, pids, npids) == 0)
		return 0;
	return pfx_usage_error("invalid PID list '%s'; give process IDs as numbers, comma-separated "
			       "(-p 123,456)", arg);
}

int pfx_interval_ms_option(const char *arg, bool zero_ok, double *seconds)
{
	int ms;

	if (arg[0] == '-')
		return pfx_usage_error("interval '%s' is negative; give -I MSEC, a positive number "
				       "of milliseconds", arg);
	if (pfx_parse_int(arg, 0, PFX_INTERVAL_MAX_MS, &ms))
		return pfx_usage_error("invalid interval '%s'; give -I MSEC, a whole number of "
				       "milliseconds up to %d (a day)", arg, PFX_INTERVAL_MAX_MS);
	if (ms < PFX_INTERVAL_MIN_MS && !(zero_ok && ms == 0))
		return pfx_usage_error("interval '%s' ms is too short; the minimum is %d ms%s", arg,
				       PFX_INTERVAL_MIN_MS, zero_ok ? " (or 0: back to back)" : "");
	*seconds = ms / 1000.0;
	return 0;
}

int pfx_count_option(const char *arg, const char *what, uint64_t *count)
{
	if (pfx_parse_u64(arg, count) || *count == 0)
		return pfx_usage_error("invalid count '%s'; give a number of %s, 1 or more", arg, what);
	return 0;
}

int pfx_duration_option(const char *arg, double *seconds)
{
	if (arg[0] == '-' || pfx_parse_seconds(arg, seconds) || *seconds <= 0 ||
	    *seconds > PFX_DURATION_MAX_S)
		return pfx_usage_error("--duration '%s' is not a duration; give seconds above 0 and at "
				       "most %.0f (a month), e.g. --duration 5", arg, PFX_DURATION_MAX_S);
	return 0;
}

int pfx_refuse_kernel_thread_option(pid_t pid)
{
	char comm[64], safe[PFX_SAFETEXT_BUF(sizeof(comm))];

	if (!pfx_target_kernel_thread(pid, comm, sizeof(comm)))
		return 0;
	pfx_err("process %d (%s) is a kernel thread: it has no user memory to fault or measure; "
		"give a user process", (int)pid, pfx_safetext_str(safe, sizeof(safe), comm));
	return -ENXIO;
}

void pfx_rec_open_error(const char *command, const char *path, int err)
{
	switch (err) {
	case -ENOENT:
		pfx_err("%s: cannot open '%s': no such file; record one with 'pfx record -o %s -- CMD'", command,
			path, path);
		break;
	case -EPROTO:
		pfx_err("%s: '%s' is not a pfx record file; give one written by 'pfx record'", command, path);
		break;
	case -EPROTONOSUPPORT:
		pfx_err("%s: '%s' was written by a newer pfx (format version unknown here); upgrade pfx", command,
			path);
		break;
	case -ENODATA:
	case -EBADMSG:
		pfx_err("%s: '%s': %s (header unreadable); record it again", command, path, pfx_rec_strerror(err));
		break;
	default:
		pfx_err("%s: cannot open '%s': %s", command, path, strerror(-err));
	}
}

int pfx_flight_seconds_option(const char *command, const char *arg, double *seconds)
{
	if (pfx_parse_seconds(arg, seconds) || *seconds <= 0 || *seconds > 86400) {
		pfx_err("%s: --flight '%s' is not a number of seconds from 0 to 86400; e.g. --flight 30",
			command, arg);
		return PFX_EXIT_USAGE;
	}
	return 0;
}

int pfx_flight_size_option(const char *command, const char *arg, uint64_t *bytes)
{
	if (pfx_parse_size(arg, bytes) || *bytes < (1u << 20)) {
		pfx_err("%s: --flight-size '%s' is not a size of 1M or more; give bytes with an optional "
			"K, M or G, e.g. --flight-size 256M", command, arg);
		return PFX_EXIT_USAGE;
	}
	return 0;
}

int pfx_flight_trigger_option(const char *command, const char *arg, struct pfx_flight_trigger *t)
{
	if (pfx_flight_trigger_parse(arg, t) < 0) {
		pfx_err("%s: --trigger '%s' is not a condition; use major-stall>X, stall>X (seconds in "
			"faults per second, e.g. 0.05) or major-rate>N (major faults per second)", command, arg);
		return PFX_EXIT_USAGE;
	}
	return 0;
}

void pfx_flight_say_dump(void *command, const char *path, const char *why,
			 const struct pfx_flight_dump_info *in, int err)
{
	char safe_path[256], safe_why[320];

	pfx_safetext(safe_path, sizeof(safe_path), path);
	pfx_safetext(safe_why, sizeof(safe_why), why);
	if (!in) {
		pfx_warn("%s: flight recorder: cannot write %s (%s): %s; recording goes on",
			 (const char *)command, safe_path, safe_why, pfx_outfile_strerror(err));
		return;
	}
	fprintf(stderr, "pfx %s: flight recorder: wrote %s (%s): the last %.*f s, %llu faults "
		"(%llu major)%s\n", (const char *)command, safe_path, safe_why,
		in->window_ns < 1000000000 ? 3 : 1, (double)in->window_ns / 1e9,
		(unsigned long long)in->faults, (unsigned long long)in->major,
		in->cut_by_size ? "; --flight-size held less than --flight's seconds" : "");
}
