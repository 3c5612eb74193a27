/* SPDX-License-Identifier: GPL-2.0-or-later */
/* safetext: the one way a string from outside pfx reaches a person.
 *
 * Process names, cgroup names, mapping paths, symbol names, recordings and
 * HTTP clients are written by other users; pfx runs as root.  Before any
 * such string goes to a terminal or a text file, it passes through here:
 * control characters (C0, DEL, and the C1 controls U+0080-U+009F, which
 * some terminals obey), and bytes that are not valid UTF-8 become \xNN, so
 * an escape sequence cannot set a title, clear the screen, write the
 * clipboard (OSC 52) or hide text, and a newline cannot forge a row.
 * Valid UTF-8 text (a path in another script) stays as it is.  A backslash
 * stays a backslash, as ps and pmap show it.
 *
 * Formats that have their own quoting (JSON, CSV, HTML, gnuplot, Prometheus
 * labels) escape with their own writers; these are for plain text. */
#ifndef PFX_SAFETEXT_H
#define PFX_SAFETEXT_H

#include <stddef.h>
#include <stdio.h>

/* How many bytes at s (n of them) make one character safe to show as it
 * is, or 0 when the byte at s must be escaped (a control, DEL, a C1
 * control, or not valid UTF-8).  For writers with their own escapes (JSON)
 * that must agree with this one on what is safe. */
size_t pfx_safetext_char(const char *s, size_t n);

/* Longest escape of one input byte: "\xNN". */
#define PFX_SAFETEXT_MAX_EXPAND 4

/* s made safe into buf (always NUL-terminated when size > 0; cut at a whole
 * character or escape, never in the middle of one).  Returns the length the
 * whole safe string has (as snprintf does), so a return >= size means it
 * was cut.  s NULL is "". */
size_t pfx_safetext(char *buf, size_t size, const char *s);
/* The same for n bytes of s (which may hold NUL bytes: shown as \x00). */
size_t pfx_safetext_n(char *buf, size_t size, const char *s, size_t n);

/* s made safe, written to fp. */
void pfx_safetext_fputs(FILE *fp, const char *s);

/* s made safe into a caller's buffer and returned, for a printf argument:
 *   char b[PFX_SAFETEXT_BUF(sizeof(name))];
 *   printf("%-16s", pfx_safetext_str(b, sizeof(b), name));
 * A string longer than the buffer holds is cut. */
const char *pfx_safetext_str(char *buf, size_t size, const char *s);
#define PFX_SAFETEXT_BUF(n) ((n) * PFX_SAFETEXT_MAX_EXPAND + 1)

#endif
