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

/* Run 'gnuplot SCRIPT' with stdin on /dev/null, killing it after
 * timeout_ms.  Whatever it printed on stderr is returned in *messages
 * (malloc'ed, possibly empty; gnuplot also prints warnings there).
 * 0 when it exited 0; -EPROTO when it exited non-zero or died of a
 * signal; -ETIMEDOUT; other -errno when it could not be started. */
int pfx_gnuplot_run(const char *gnuplot, const char *script, unsigned timeout_ms,
		    char **messages);

/* The most useful line of gnuplot's stderr for a one-line error: the
 * first line naming a problem ("... line N: ..."), else the last
 * non-empty line.  Copied into buf. */
void pfx_gnuplot_summary(const char *messages, char *buf, unsigned size);

/* Script text helpers.  Every string that reaches a script (paths, titles,
 * region names, commands, file paths from a recording) is written by
 * pfx_gnuplot_string, and nowhere else: single-quoted, gnuplot's literal
 * form (no backslash escapes, no `command` or @macro substitution; a quote
 * is doubled), with control characters replaced by spaces so that no name
 * can end the line and start a command of its own. */
void pfx_gnuplot_string(FILE *fp, const char *s);
/* The same for a label in a data file: double-quoted, a '"' becomes '\'',
 * control characters spaces (a newline would split the row). */
void pfx_gnuplot_data_label(FILE *fp, const char *s);
/* "name = 'value'\n" */
void pfx_gnuplot_set_string(FILE *fp, const char *name, const char *value);
/* "name = value\n" with enough digits to round-trip */
void pfx_gnuplot_set_number(FILE *fp, const char *name, double value);

#endif
