/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot: the chart table, template lookup, and assembling a script from
 * pfx's header of variables and the chart's template. */
#include "config.h"
#include "plot.h"
#include "gnuplot.h"
#include "output.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <unistd.h>

const struct pfx_chart pfx_charts[] = {
	{ "timeline", "minor and major fault rates over time",
	  PFX_PLOT_FROM_RECORD, pfx_plot_data_timeline, pfx_plot_format_timeline },
	{ "heatmap", "faults per address range and time, regions labelled",
	  PFX_PLOT_FROM_RECORD, pfx_plot_data_heatmap, pfx_plot_format_heatmap },
	{ "regions", "faults per memory region, minor/major side by side (log scale)",
	  PFX_PLOT_FROM_RECORD, pfx_plot_data_regions, pfx_plot_format_regions },
	{ "wss", "working-set size and RSS over time (pfx wss --format json)",
	  PFX_PLOT_FROM_WSS, pfx_plot_data_wss, NULL },
	{ "latency", "fault latency distribution, a panel per fault kind",
	  PFX_PLOT_FROM_RECORD, pfx_plot_data_latency, pfx_plot_format_latency },
	{ "stat", "fault rates per interval, per thread/process (pfx stat --format json)",
	  PFX_PLOT_FROM_STAT, pfx_plot_data_stat, NULL },
	{ "thp", "huge pages vs faults, THP share, MiB per NUMA node (pfx thp --format json)",
	  PFX_PLOT_FROM_THP, pfx_plot_data_thp, NULL },
	{ "maps", "largest mappings: resident, dirty, swapped, THP (pfx maps --format json)",
	  PFX_PLOT_FROM_MAPS, pfx_plot_data_maps, NULL },
	{ "wss-profile", "WSS against window length (pfx wss --profile --format json)",
	  PFX_PLOT_FROM_WSS_PROFILE, pfx_plot_data_wss_profile, NULL },
	{ "top", "busiest processes' fault rates over time (pfx top -b --format json)",
	  PFX_PLOT_FROM_TOP, pfx_plot_data_top, NULL },
	{ "diff", "two recordings side by side: regions by change, latency percentiles (--diff A B)",
	  PFX_PLOT_FROM_DIFF, NULL, NULL },
};
const size_t pfx_chart_count = PFX_ARRAY_SIZE(pfx_charts);

const struct pfx_chart *pfx_chart_find(const char *name)
{
	for (size_t i = 0; i < pfx_chart_count; i++)
		if (name && strcmp(name, pfx_charts[i].name) == 0)
			return &pfx_charts[i];
	return NULL;
}

const struct pfx_chart *pfx_chart_for_input(enum pfx_plot_input kind)
{
	for (size_t i = 0; i < pfx_chart_count; i++)
		if (pfx_charts[i].input == kind)
			return &pfx_charts[i];
	return NULL;
}

static const char *const format_ext[] = {
	[PFX_PLOT_PNG] = "png",
	[PFX_PLOT_SVG] = "svg",
};

int pfx_plot_format_from_path(const char *path, enum pfx_plot_format *format)
{
	const char *dot = path ? strrchr(path, '.') : NULL;

	if (!dot || strchr(dot, '/'))
		return -EINVAL;
	for (size_t i = 0; i < PFX_ARRAY_SIZE(format_ext); i++) {
		if (strcasecmp(dot + 1, format_ext[i]) == 0) {
			*format = (enum pfx_plot_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *pfx_plot_format_ext(enum pfx_plot_format format)
{
	return format_ext[format];
}

char *pfx_plot_template_path(const struct pfx_chart *chart)
{
	const char *env = getenv("PFX_PLOT_DIR");
	static const char *const beside[] = { "../share/" PACKAGE "/plot", "../plot" };
	char exe[PATH_MAX], *path;
	bool have_exe;

	if (env && *env)
		return asprintf(&path, "%s/%s.gp", env, chart->name) < 0 ? NULL : path;
	/* beside the running executable first: its templates are those it was
	 * built or installed with, even where an older pfx is installed under
	 * the configured prefix */
	have_exe = pfx_exe_dir(exe, sizeof(exe)) == 0;
	for (size_t i = 0; have_exe && i < PFX_ARRAY_SIZE(beside); i++) {
		if (asprintf(&path, "%s/%s/%s.gp", exe, beside[i], chart->name) < 0)
			return NULL;
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return asprintf(&path, "%s/%s.gp", PFX_PLOTDIR, chart->name) < 0 ? NULL : path;
}

/* The terminal line: cairo where gnuplot has it (antialiased, better
 * fonts), else libgd's png.  Enhanced text is off so that '_' and '^' in
 * command lines and paths print as themselves. */
static void write_terminal(FILE *fp, const struct pfx_plot_script *s)
{
	if (s->format == PFX_PLOT_SVG) {
		fprintf(fp, "term = 'svg size %u,%u dynamic font \"DejaVu Sans,10\" noenhanced background \"white\"'\n",
			s->width, s->height);
		return;
	}
	fprintf(fp, "term = strstrt(GPVAL_TERMINALS, 'pngcairo') ? \\\n"
		"  'pngcairo size %u,%u font \"DejaVu Sans,10\" noenhanced' : \\\n"
		"  'png size %u,%u noenhanced'\n",
		s->width, s->height, s->width, s->height);
}

static void write_header(FILE *fp, const struct pfx_plot_script *s)
{
	const char *name = s->chart->name;

	/* The input path is a string like any other (never raw in a comment:
	 * a newline in it would start a command, a trailing backslash would
	 * continue the comment). */
	fprintf(fp, "# %s.gp: pfx plot --chart %s, from the input below\n", name, name);
	pfx_gnuplot_set_string(fp, "input", s->input);
	fprintf(fp, "# Rerun after editing: gnuplot %s.gp (data files are found beside it).\n"
		"# The variables below are set by pfx; the rest is the template %s.gp.\n\n",
		name, name);
	/* ARG0 is the script's path as gnuplot was given it: its directory
	 * holds the data files, wherever the script was moved to. */
	fputs("pfx_dir = ''\n"
	      "if (exists('ARG0') && strlen(ARG0) > 0) {\n"
	      "  pfx_i = strlen(ARG0)\n"
	      "  while (pfx_i > 0 && ARG0[pfx_i:pfx_i] ne '/') { pfx_i = pfx_i - 1 }\n"
	      "  pfx_dir = pfx_i > 0 ? ARG0[1:pfx_i] : ''\n"
	      "}\n", fp);
	if (s->output) {
		pfx_gnuplot_set_string(fp, "out", s->output);
	} else {
		char file[64];

		snprintf(file, sizeof(file), "%s.%s", name, pfx_plot_format_ext(s->format));
		fprintf(fp, "out = pfx_dir.");
		pfx_gnuplot_string(fp, file);
		fputc('\n', fp);
	}
	write_terminal(fp, s);
}

static int append_file(FILE *out, const char *path)
{
	char buf[8192];
	size_t n;
	FILE *in = fopen(path, "re");
	int err = 0;

	if (!in)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	if (ferror(in))
		err = -EIO;
	fclose(in);
	return err;
}

/* The data writer's variables, collected first so that nothing is written
 * into DIR when the input cannot be charted. */
static int collect_vars(const struct pfx_plot_script *s, const char *dir, char **vars,
			struct pfx_plot_notes *notes)
{
	size_t len;
	FILE *fp = open_memstream(vars, &len);
	int err;

	if (!fp)
		return -ENOMEM;
	if (s->compare)
		err = pfx_plot_format_diff(s->compare, s->input, s->input_b, dir, fp, notes);
	else if (!s->chart->write_data)
		err = -EINVAL;	/* the diff chart without its model */
	else if (s->analysis && s->chart->format_data)
		err = s->chart->format_data(s->analysis, dir, fp, notes);
	else
		err = s->chart->write_data(s->input, dir, fp, notes);
	if (!err && s->title)
		pfx_gnuplot_set_string(fp, "title", s->title);
	if (fclose(fp) != 0 && !err)
		err = -ENOMEM;
	if (err) {
		free(*vars);
		*vars = NULL;
	}
	return err;
}

int pfx_plot_write_script(const struct pfx_plot_script *s, const char *dir,
			  char **script_path, struct pfx_plot_notes *notes)
{
	struct pfx_outfile out;
	char *template = pfx_plot_template_path(s->chart), *vars = NULL, *path = NULL;
	int err;

	memset(notes, 0, sizeof(*notes));
	if (!template || asprintf(&path, "%s/%s.gp", dir, s->chart->name) < 0) {
		free(template);
		return -ENOMEM;
	}
	err = collect_vars(s, dir, &vars, notes);
	if (!err)
		err = pfx_outfile_create(&out, path);
	if (!err) {
		write_header(out.fp, s);
		fputs(vars, out.fp);
		fprintf(out.fp, "\n# --- template %s.gp ---\n", s->chart->name);
		err = append_file(out.fp, template);
		if (err)
			pfx_outfile_abort(&out);
		else
			err = pfx_outfile_commit(&out);
	}
	free(vars);
	free(template);
	if (err) {
		free(path);
		return err;
	}
	*script_path = path;
	return 0;
}
