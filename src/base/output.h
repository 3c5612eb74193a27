/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output: what every subcommand's output shares: the --format names, JSON
 * string escaping, and output files that are never seen half-written
 * (written to a temporary name, renamed into place when complete). */
#ifndef PFX_OUTPUT_H
#define PFX_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

enum pfx_format { PFX_FORMAT_TEXT, PFX_FORMAT_JSON, PFX_FORMAT_CSV };

/* "text", "json", "csv".  0 or -EINVAL. */
int pfx_format_parse(const char *name, enum pfx_format *out);

/* Write s as a JSON string literal (quotes included): valid JSON whatever
 * s holds (controls, DEL and C1 controls as \uXXXX, a byte that is no
 * UTF-8 as the \u00XX of its value), and nothing a terminal obeys. */
void pfx_json_string(FILE *fp, const char *s);
/* Write s as a CSV field: controls, DEL, C1 controls and bytes that are no
 * UTF-8 as safetext's \xNN (so a field never spans lines), quoted (RFC
 * 4180) when it holds a comma or quote, as file paths may. */
void pfx_csv_field(FILE *fp, const char *s);

struct pfx_outfile {
	FILE *fp;		/* write here */
	char *path;		/* final name in dirfd; NULL for stdout or in place */
	char *tmp_name;		/* where it is written until committed, in dirfd */
	char *tmp_path;		/* the same as a path (for a program that writes it) */
	int dirfd;		/* O_PATH descriptor of the file's directory */
	bool in_place;		/* a device or FIFO the user named: written
				 * directly, never replaced */
};

/* Open path, as the user named it (-o), for writing ("-" or NULL: stdout).
 *
 * A file is written to a new temporary file in the same directory
 * (O_EXCL|O_NOFOLLOW) and renamed over the name on commit, so whatever is
 * at the name (a link planted by another user in /tmp, say) is replaced,
 * never written through.  Only an existing device or FIFO that is itself
 * at the name (not a link to one: the check is fstat on an O_NOFOLLOW
 * descriptor, the open is O_NOFOLLOW and must find the same inode) is
 * written in place, as the user asked.  0 or -errno: -EISDIR for a
 * directory, -ELOOP for a link to a device or FIFO, -ESTALE for a name
 * swapped while it was opened (pfx_outfile_strerror says them). */
int pfx_outfile_open(struct pfx_outfile *out, const char *path);
/* The same for a name pfx chose (the default pfx.data, files in a
 * --script directory): never written in place, whatever is there. */
int pfx_outfile_create(struct pfx_outfile *out, const char *path);
/* The message for an error of the two above. */
const char *pfx_outfile_strerror(int err);
/* The directory of a file rewritten again and again (serve --textfile),
 * opened once: every later write goes through the same directory, even
 * if another user swaps a name on the path for a link meanwhile. */
struct pfx_outdir {
	int dirfd;		/* O_PATH descriptor of the directory */
	char *name;		/* the file's name in it */
	char *prefix;		/* the path up to the name, "" or ending in '/' */
};

/* Open path's directory.  0 or -errno (-EISDIR for "dir/"). */
int pfx_outdir_open(struct pfx_outdir *d, const char *path);
void pfx_outdir_close(struct pfx_outdir *d);
/* A new file for d's name (temporary file + rename, as
 * pfx_outfile_create), only while the name is a regular file, a link or
 * nothing: a FIFO, device or socket there is -ENODEV, a directory
 * -EISDIR; never opened, so nothing there can block. */
int pfx_outfile_open_in(struct pfx_outfile *out, const struct pfx_outdir *d);
/* Flush and move the file into place.  0 or -errno (then nothing is left
 * under the final name). */
int pfx_outfile_commit(struct pfx_outfile *out);
/* Drop a file that cannot be completed. */
void pfx_outfile_abort(struct pfx_outfile *out);

#endif
