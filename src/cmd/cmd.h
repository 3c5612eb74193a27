/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd: the subcommands.  Each cmd_*.c parses its own options, calls the
 * modules, prints messages, and returns the process exit code (util.h). */
#ifndef PFX_CMD_H
#define PFX_CMD_H

int cmd_list(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_wss(int argc, char **argv);
int cmd_maps(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_thp(int argc, char **argv);
int cmd_top(int argc, char **argv);

/* The bounds of every sampling interval (stat, thp, top, wss): below 10 ms
 * a sample measures pfx more than the process; above a day is a typo.
 * (wss also takes 0: back-to-back windows.) */
#define PFX_INTERVAL_MIN_S 0.01
#define PFX_INTERVAL_MAX_S 86400.0

#endif
