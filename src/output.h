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
/* The same for a --format option: an unknown name is reported (one line
 * naming the choices).  0 or -EINVAL. */
int pfx_format_option(const char *name, enum pfx_format *out);

/* Write s as a JSON string literal (quotes included). */
void pfx_json_string(FILE *fp, const char *s);
/* Write s as a CSV field: quoted (RFC 4180) when it holds a comma, quote
 * or newline, as file paths may. */
void pfx_csv_field(FILE *fp, const char *s);

struct pfx_outfile {
	FILE *fp;		/* write here */
	char *path;		/* final name; NULL for stdout */
	char *tmp_path;		/* where it is written until committed */
	bool in_place;		/* path is not a regular file (/dev/null, a FIFO):
				 * written directly, never replaced */
};

/* Open path for writing ("-" or NULL: stdout).  An existing path that is
 * not a regular file (/dev/null, a FIFO, /dev/stderr) is written in place:
 * renaming over it would replace the device.  0 or -errno. */
int pfx_outfile_open(struct pfx_outfile *out, const char *path);
/* Flush and move the file into place.  0 or -errno (then nothing is left
 * under the final name). */
int pfx_outfile_commit(struct pfx_outfile *out);
/* Drop a file that cannot be completed. */
void pfx_outfile_abort(struct pfx_outfile *out);

#endif
