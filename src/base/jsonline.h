/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonline: a small bounded reader for the JSON lines pfx's own commands
 * write (wss, stat, thp, maps, top with --format json): one object per
 * line, looked up by key, nested objects and arrays walked in place.
 * It is not a general JSON parser: it never allocates per value, never
 * recurses, and gives up on malformed text (NULL / -EBADMSG) rather than
 * guessing.  Keys are matched only at the object's own level, so a key
 * of a nested object (thp's "numa", top's "rows") or text inside a string
 * (a quote in a string is escaped) is never taken for one of its keys. */
#ifndef PFX_JSONLINE_H
#define PFX_JSONLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where the value of "key" starts in the object that starts at obj (at
 * its '{', leading blanks allowed), or NULL.  The object may be
 * unterminated (maps' first line opens its "mappings" array). */
const char *pfx_jl_find(const char *obj, const char *key);
/* A number: 0, -ENOENT (no such key, or null), -EBADMSG (not a finite
 * number).  Range checks are the caller's. */
int pfx_jl_number(const char *obj, const char *key, double *out);
/* A string, unescaped into buf (truncated to size - 1) as pfx_json_string()
 * wrote it: \u00XX is the byte XX (a control, or a byte of a name that was
 * not UTF-8), other code points in UTF-8; NUL and surrogates become '?'.
 * Names come from other users: show them through safetext.h.  0, or
 * -ENOENT (no string under key: then buf is ""). */
int pfx_jl_string(const char *obj, const char *key, char *buf, size_t size);
/* Whether the string under key equals value. */
bool pfx_jl_is(const char *obj, const char *key, const char *value);
/* Whether the value under key is the literal true. */
bool pfx_jl_is_true(const char *obj, const char *key);
/* The array under key: where its first element may start, or NULL. */
const char *pfx_jl_array(const char *obj, const char *key);
/* The next object of an array: *cursor starts just inside '[' (or after
 * the previous object); returns that object's '{' and moves *cursor past
 * its '}'.  NULL at the array's end, on an element that is not an object,
 * or on an unterminated one. */
const char *pfx_jl_next_object(const char **cursor);

/* The longest line a reader accepts: a 'pfx wss --by-mapping' line of
 * 20,000 mappings is ~3 MiB, a 'pfx top' frame of 10,000 processes ~2.5. */
#define PFX_JL_LINE_MAX (16u << 20)

/* An input file read through stdio that fails (EFBIG) on a line longer
 * than PFX_JL_LINE_MAX, so getline never holds more than that. */
struct pfx_jl_input {
	int fd;
	size_t line_len;	/* bytes since the last newline */
	unsigned long lines;	/* newlines read */
	bool too_long;
};

/* Open a regular file (checked on the descriptor; the open is O_NONBLOCK
 * so a FIFO cannot hang it).  NULL with *err = -errno, -EISDIR, or
 * -EPROTO for anything but a regular file. */
FILE *pfx_jl_open(const char *path, struct pfx_jl_input *in, int *err);

#endif
