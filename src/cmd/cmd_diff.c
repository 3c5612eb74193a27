/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_diff: 'pfx diff A B' - the change between two recordings, as 'perf
 * diff' does for samples.  Each file is analysed by the one pass
 * (analysis.h), the two models compared (compare.h) and printed
 * (diff_output.h); nothing here counts. */
#include "config.h"
#include "cmd.h"
#include "opts.h"
#include "output.h"
#include "recfile.h"
#include "analysis.h"
#include "compare.h"
#include "diff_output.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct diff_opts {
	const char *file[PFX_CMP_SIDES];
	enum pfx_format format;
	unsigned top;
	const char *output;
};

static const struct pfx_opt diff_options[] = {
	PFX_OPT_POSITIONALS("A B", "the recordings: A before, B after"),
	PFX_OPT('F', "format", "FMT", "text (default) or json"),
	PFX_OPT('n', "top", "N", "rows per section (default 20)"),
	PFX_OPT('o', "output", "FILE", "write there (complete when done) instead of stdout"),
	PFX_OPT('h', "help", NULL, "this help"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx diff [--format text|json] [--top N] [-o FILE] A.data B.data\n"
		"Compare two recordings made by 'pfx record': totals, regions (matched by\n"
		"kind and path), functions, latency percentiles; largest changes first.\n");
	pfx_opts_help(fp, diff_options, 23);
	fprintf(fp, "See pfx-diff(1) and doc/diff.md.\n");
}

static int parse_args(int argc, char **argv, struct diff_opts *o)
{
	struct pfx_opts p;
	int c, n;

	memset(o, 0, sizeof(*o));
	pfx_opts_begin(&p, "diff", diff_options, "", argc, argv);
	while ((c = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;

		switch (c) {
		case 'F':
			if (pfx_format_parse(arg, &o->format) < 0 || o->format == PFX_FORMAT_CSV) {
				pfx_err("diff: --format '%s' is unknown; use text or json", arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case 'n':
			if (pfx_parse_int(arg, 1, 1000000, &n) < 0) {
				pfx_err("diff: --top '%s' is not a number from 1 to 1000000", arg);
				return PFX_EXIT_USAGE;
			}
			o->top = (unsigned)n;
			break;
		case 'o':
			o->output = arg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:	/* ':' (missing value) or '?' */
			pfx_opts_refused(&p, c);
			return PFX_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		pfx_err("diff: give two recordings, e.g. 'pfx diff before.data after.data'%s",
			argc - optind > 2 ? " (more were given)" : "");
		return PFX_EXIT_USAGE;
	}
	o->file[PFX_CMP_A] = argv[optind];
	o->file[PFX_CMP_B] = argv[optind + 1];
	return 0;
}

/* Open both before analysing either: a missing or foreign second file is
 * said at once, and so is a pair of different kinds of recording. */
static int open_both(const char *cmd, const char *const file[PFX_CMP_SIDES],
		     struct pfx_rec_reader *r[PFX_CMP_SIDES])
{
	bool host[PFX_CMP_SIDES];

	for (int s = 0; s < PFX_CMP_SIDES; s++) {
		int err = pfx_rec_reader_open(&r[s], file[s]);

		if (err < 0) {
			pfx_rec_open_error(cmd, file[s], err);
			return -1;
		}
		host[s] = pfx_rec_reader_header(r[s])->flags & PFX_REC_HOST_WIDE;
	}
	if (host[PFX_CMP_A] != host[PFX_CMP_B]) {
		pfx_err("%s: '%s' is a %s recording and '%s' a %s one; compare two of one kind "
			"(both 'pfx record -a', or both of a command or -p PID)", cmd, file[PFX_CMP_A],
			host[PFX_CMP_A] ? "host-wide" : "process", file[PFX_CMP_B],
			host[PFX_CMP_B] ? "host-wide" : "process");
		return -1;
	}
	return 0;
}

static int analyse(const char *cmd, struct pfx_rec_reader *r, const char *path, struct pfx_analysis **rep)
{
	int err = pfx_analysis_run(r, &(struct pfx_analysis_opts){ .code_names = true }, rep);

	if (err < 0) {
		pfx_err("%s: reading '%s' failed: %s", cmd, path, strerror(-err));
		return -1;
	}
	/* A partial file would show a change that is the damage's: refuse. */
	if (!(*rep)->complete) {
		pfx_err("%s: '%s': %s at byte %llu; a diff needs whole recordings (see it with 'pfx report -i %s')",
			cmd, path, pfx_rec_strerror((*rep)->read_error), (unsigned long long)(*rep)->error_offset, path);
		return -1;
	}
	return 0;
}

int pfx_diff_inputs_load(const char *cmd, const char *const file[PFX_CMP_SIDES], struct pfx_diff_inputs *in)
{
	int err;

	memset(in, 0, sizeof(*in));
	if (open_both(cmd, file, in->r) < 0)
		return -1;
	for (int s = 0; s < PFX_CMP_SIDES; s++)
		if (analyse(cmd, in->r[s], file[s], &in->rep[s]) < 0)
			return -1;
	err = pfx_compare_run(in->rep[PFX_CMP_A], in->rep[PFX_CMP_B], &in->cmp);
	if (err < 0) {
		pfx_err("%s: comparing failed: %s", cmd, strerror(-err));
		return -1;
	}
	return 0;
}

void pfx_diff_inputs_free(struct pfx_diff_inputs *in)
{
	pfx_compare_free(in->cmp);
	for (int s = 0; s < PFX_CMP_SIDES; s++) {
		pfx_analysis_free(in->rep[s]);
		if (in->r[s])
			pfx_rec_reader_close(in->r[s]);
	}
	memset(in, 0, sizeof(*in));
}

int cmd_diff(int argc, char **argv)
{
	struct pfx_diff_inputs in;
	struct pfx_outfile out;
	struct diff_opts o;
	int ret = parse_args(argc, argv, &o), err;

	if (ret)
		return ret < 0 ? PFX_EXIT_OK : ret;
	ret = PFX_EXIT_ERROR;
	if (pfx_diff_inputs_load("diff", o.file, &in) < 0)
		goto done;
	err = pfx_outfile_open(&out, o.output);
	if (err) {
		pfx_err("diff: cannot create '%s': %s", o.output, pfx_outfile_strerror(err));
		goto done;
	}
	pfx_diff_print(out.fp, in.cmp, o.file[PFX_CMP_A], o.file[PFX_CMP_B], o.format, o.top);
	err = pfx_outfile_commit(&out);
	if (err && !(err == -EPIPE && !o.output)) {
		pfx_err("diff: cannot write '%s': %s", o.output ? o.output : "standard output", strerror(-err));
		goto done;
	}
	ret = PFX_EXIT_OK;
done:
	pfx_diff_inputs_free(&in);
	return ret;
}
