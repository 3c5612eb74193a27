/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd: the subcommands.  Each cmd_*.c parses its own options, calls the
 * modules, prints messages, and returns the process exit code (util.h). */
#ifndef PFX_CMD_H
#define PFX_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "output.h"

int cmd_list(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_advise(int argc, char **argv);
int cmd_wss(int argc, char **argv);
int cmd_maps(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_thp(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_try(int argc, char **argv);

/* The bounds of every sampling interval (stat, thp, top, wss): below 10 ms
 * a sample measures pfx more than the process; above a day is a typo.
 * (wss also takes 0: back-to-back windows.) */
#define PFX_INTERVAL_MIN_S 0.01
#define PFX_INTERVAL_MAX_S 86400.0
/* The same bounds for -I MSEC, perf stat's unit. */
#define PFX_INTERVAL_MIN_MS 10
#define PFX_INTERVAL_MAX_MS (24 * 3600 * 1000)
/* --duration S: at most a month */
#define PFX_DURATION_MAX_S (31 * 86400.0)

/* Text for --help from a number macro: PFX_STR(PFX_INTERVAL_MIN_MS) is "10". */
#define PFX_STR_(x) #x
#define PFX_STR(x) PFX_STR_(x)

/* --- options.c: the option helpers the subcommands share --- */

/* The one-line error for an option getopt_long() refused; result is what
 * it returned (':' for a missing value when optstring starts with ':',
 * '?' otherwise), word is argv[optind - 1].  Names the option as typed
 * and where the help is ('pfx COMMAND --help'). */
void pfx_option_error(const char *command, int result, int short_opt, const char *word);
/* Print "pfx: <message>" (pfx_err) and return PFX_EXIT_USAGE. */
int pfx_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A feature of an optional library this pfx was built without (configure
 * found no LIB, or --without-LIB): one line naming the library, what to
 * do instead and the package to rebuild with.  PFX_EXIT_ERROR. */
int pfx_feature_missing(const char *command, const char *feature, const char *lib, const char *package,
			const char *instead);
/* A --format option (pfx_format_parse of output.h): an unknown name is reported (one line
 * naming the choices).  0 or -EINVAL. */
int pfx_format_option(const char *name, enum pfx_format *out);
/* Why a record file would not open (pfx_rec_reader_open's err), in one
 * line naming the file and what to do: "report: 'x' is not a pfx record
 * file; ...". */
void pfx_rec_open_error(const char *command, const char *path, int err);
/* Two recordings opened, analysed whole and compared, for pfx diff and
 * pfx plot --diff (one model, two views).  Each failure said in one line
 * prefixed with command; -1 then (free in all the same). */
struct pfx_rec_reader;
struct pfx_analysis;
struct pfx_compare;
struct pfx_diff_inputs {
	struct pfx_rec_reader *r[2];
	struct pfx_analysis *rep[2];
	struct pfx_compare *cmp;
};
int pfx_diff_inputs_load(const char *command, const char *const file[2], struct pfx_diff_inputs *in);
void pfx_diff_inputs_free(struct pfx_diff_inputs *in);
/* The value of a -p PID option; a bad one is reported (one line with an
 * example).  0 or -EINVAL. */
int pfx_target_pid_option(const char *arg, pid_t *pid);
/* The value of a -p PID[,PID...] option, replacing *pids; a bad one is
 * reported in one line.  0, or the usage error's exit code. */
int pfx_pid_list_option(const char *arg, pid_t **pids, size_t *npids);
/* -p PID of a command that watches one process's faults or memory: a
 * kernel thread has none.  0, or -ENXIO after one line saying so. */
int pfx_refuse_kernel_thread_option(pid_t pid);
/* -I MSEC, --interval MSEC (every command that samples at intervals):
 * whole milliseconds from PFX_INTERVAL_MIN_MS to a day, or 0 when
 * zero_ok (wss: back-to-back windows); *seconds set.  0, or the usage
 * error's exit code after its line. */
int pfx_interval_ms_option(const char *arg, bool zero_ok, double *seconds);
/* --interval-count N (and COUNT, top's -n): 1 or more; what is counted
 * ("rows") names it in the error.  0, or the usage error's exit code. */
int pfx_count_option(const char *arg, const char *what, uint64_t *count);
/* --duration S: seconds above 0, at most PFX_DURATION_MAX_S.  0, or the
 * usage error's exit code. */
int pfx_duration_option(const char *arg, double *seconds);

/* The flight recorder's options (record, serve): --flight S (seconds above 0, at
 * most a day), --flight-size SIZE (1M or more), --trigger COND (flight.h).
 * 0, or the usage error's exit code after its line, which names command. */
#define PFX_FLIGHT_SIZE_DEFAULT (64ull << 20)
#define PFX_FLIGHT_POST_S_DEFAULT 1.0	/* after a trigger, record this long before the dump */
struct pfx_flight_trigger;
struct pfx_flight_dump_info;
int pfx_flight_seconds_option(const char *command, const char *arg, double *seconds);
int pfx_flight_size_option(const char *command, const char *arg, uint64_t *bytes);
int pfx_flight_trigger_option(const char *command, const char *arg, struct pfx_flight_trigger *t);
/* A session's on_dump (session.h), with the command's name ("record") as
 * ctx: the dump written (its path, so a script can find it), or not. */
void pfx_flight_say_dump(void *command, const char *path, const char *why,
			 const struct pfx_flight_dump_info *in, int err);

/* --- launched.c: what every command that runs '-- CMD' shares --- */

struct pfx_target;
/* pfx's exit status once a run that launched t went well (pfx(1), EXIT
 * STATUS): the command's own when it ended by itself (its exit code, or
 * 128 + the signal that killed it, as perf stat and perf record, time(1)
 * and the shell report it); 0 when pfx ended it (its run was over:
 * --duration, --interval-count, COUNT; or pfx was stopped by a signal),
 * for an attached process, and with no target. */
int pfx_launched_status(const struct pfx_target *t);
/* The status for a command that could not be started (-errno from
 * pfx_target_start): 127 when it is not found, 126 when it cannot be
 * executed, as env(1), time(1) and the shell. */
int pfx_launched_exec_status(int err);

#endif
