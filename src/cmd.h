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

#endif
