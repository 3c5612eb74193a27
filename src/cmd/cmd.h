/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd: the subcommands.  Each cmd_*.c parses its own options, calls the
 * modules, prints messages, and returns the process exit code (util.h). */
#ifndef PFX_CMD_H
#define PFX_CMD_H

#include <sys/types.h>

#include "output.h"

int cmd_list(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_wss(int argc, char **argv);
int cmd_maps(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_thp(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* The bounds of every sampling interval (stat, thp, top, wss): below 10 ms
 * a sample measures pfx more than the process; above a day is a typo.
 * (wss also takes 0: back-to-back windows.) */
#define PFX_INTERVAL_MIN_S 0.01
#define PFX_INTERVAL_MAX_S 86400.0

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
/* The value of a -p PID option; a bad one is reported (one line with an
 * example).  0 or -EINVAL. */
int pfx_target_pid_option(const char *arg, pid_t *pid);
/* The value of a -p PID[,PID...] option, replacing *pids; a bad one is
 * reported in one line.  0, or the usage error's exit code. */
int pfx_pid_list_option(const char *arg, pid_t **pids, size_t *npids);

#endif
