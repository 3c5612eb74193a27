/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gnuplot: find the gnuplot program and run it on a script.  gnuplot is a
 * run-time dependency of 'pfx plot' only; without it, pfx still writes
 * scripts (--script) for the user to run elsewhere. */
#ifndef PFX_GNUPLOT_H
#define PFX_GNUPLOT_H

#include <stdio.h>

/* The Debian package that provides gnuplot without X11. */
#define PFX_GNUPLOT_PACKAGE "gnuplot-nox"

/* Look gnuplot up in $PATH.  *path is malloc'ed.  0 or -ENOENT. */
int pfx_gnuplot_find(char **path);

/* The limits gnuplot runs under (setrlimit in the child, before exec),
 * whatever its script or data hold: the largest chart gnuplot finishes
 * within the wall-clock limit (a 'pfx stat' chart of ~1M intervals) needs
 * under 1 GiB of address space; one of 500k intervals took 32 s of CPU,
 * 530 MB of address space and 320 MB resident (doc/plot.md). */
#define PFX_GNUPLOT_MEM_BYTES (2ull << 30)	/* RLIMIT_AS */
#define PFX_GNUPLOT_CPU_S 60			/* RLIMIT_CPU; SIGKILL 5 s later */

/* Run 'gnuplot SCRIPT' with stdin on /dev/null, under the limits above,
 * killing it after timeout_ms or once pfx is asked to stop (base/sig.h:
 * the handlers must be installed).  gnuplot dies with pfx (parent-death
 * signal).  Whatever it printed on stderr is returned in *messages
 * (malloc'ed, possibly empty; gnuplot also prints warnings there).
 * 0 when it exited 0; -EPROTO when it exited non-zero or died of a signal;
 * -EDQUOT when it ran out of memory under its limit (it said so on stderr:
 * the limit makes its allocations fail); -ETIME when it used up its CPU
 * time; -ETIMEDOUT; -EINTR when pfx was asked to stop
 * (gnuplot killed and reaped); other -errno when it could not be started. */
int pfx_gnuplot_run(const char *gnuplot, const char *script, unsigned timeout_ms,
		    char **messages);

/* The most useful line of gnuplot's stderr for a one-line error: the
 * first line naming a problem ("... line N: ..."), else the last
 * non-empty line.  Copied into buf. */
void pfx_gnuplot_summary(const char *messages, char *buf, unsigned size);

/* Script text helpers.  Every string that reaches a script (paths, titles,
 * region, process and cgroup names, commands: anything from a recording,
 * a JSON input or the command line) is written by pfx_gnuplot_string or
 * pfx_gnuplot_format_string, and nowhere else, never into a data file:
 * first made safe (base/safetext.h: control characters, DEL and bad UTF-8
 * as \xNN, so no name can end the line and start a command of its own),
 * then single-quoted, gnuplot's literal form (no backslash escapes, no
 * `command` or @macro substitution; a quote is doubled).  The templates
 * draw them with enhanced text off ('noenhanced'), so ^ _ @ & { } \ are
 * shown as they are. */
void pfx_gnuplot_string(FILE *fp, const char *s);
/* The same for a string gnuplot reads as a printf format: an explicit tic
 * label (set xtics add ('LABEL' pos)), which gnuplot formats with the
 * tic's value.  A '%' is doubled: a name like 'x%.2147483647f' or '%n'
 * must print as itself, not make gnuplot allocate gigabytes or fail. */
void pfx_gnuplot_format_string(FILE *fp, const char *s);
/* "name = 'value'\n" */
void pfx_gnuplot_set_string(FILE *fp, const char *name, const char *value);
/* "name = value\n" with enough digits to round-trip */
void pfx_gnuplot_set_number(FILE *fp, const char *name, double value);

#endif
