/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot: the chart table and the gnuplot scripts 'pfx plot' writes.
 *
 * A script is a short header of gnuplot variable assignments written by
 * pfx (where the data files are, the output file and terminal, titles,
 * totals), followed unchanged by the chart's template plot/CHART.gp.
 * Templates are plain gnuplot that read only those variables, so a user
 * can edit the script and rerun it with 'gnuplot CHART.gp'. */
#ifndef PFX_PLOT_H
#define PFX_PLOT_H

#include <stddef.h>

#include "plot_data.h"

struct pfx_chart {
	const char *name;	/* --chart NAME; template NAME.gp, data NAME.dat */
	const char *summary;
	enum pfx_plot_input input;
	pfx_plot_data_fn *write_data;
	pfx_plot_format_fn *format_data;	/* a recording's chart: from its analysis */
};

extern const struct pfx_chart pfx_charts[];
extern const size_t pfx_chart_count;

/* NULL if there is no chart of that name. */
const struct pfx_chart *pfx_chart_find(const char *name);
/* The first chart drawn from that kind of input, or NULL. */
const struct pfx_chart *pfx_chart_for_input(enum pfx_plot_input kind);

enum pfx_plot_format { PFX_PLOT_PNG, PFX_PLOT_SVG };

/* From the image file's extension (.png, .svg, any case).  0 or -EINVAL. */
int pfx_plot_format_from_path(const char *path, enum pfx_plot_format *format);
const char *pfx_plot_format_ext(enum pfx_plot_format format);

/* The chart's template: $PFX_PLOT_DIR/CHART.gp if PFX_PLOT_DIR is set,
 * else the first readable of: beside the executable, EXEDIR/../share/pfx/
 * plot (an installed tree moved elsewhere) and EXEDIR/../plot (the build
 * tree: src/pfx and plot/); the configured PFX_PLOTDIR (config.h).
 * Malloc'ed; the configured path when none is readable. */
char *pfx_plot_template_path(const struct pfx_chart *chart);

struct pfx_plot_script {
	const struct pfx_chart *chart;
	const char *input;		/* the recording or WSS samples */
	/* Image file as the script names it; NULL = CHART.EXT beside the script. */
	const char *output;
	enum pfx_plot_format format;
	unsigned width, height;		/* pixels (SVG: its nominal size) */
	const char *title;		/* NULL = the chart's own title */
	/* A recording chart: format this analysis of input
	 * (pfx_plot_data_analyse) rather than read input again; NULL: read it. */
	const struct pfx_analysis *analysis;
	/* The diff chart: the two recordings (input is A) and their compare
	 * model (compare.h), which it formats. */
	const char *input_b;
	const struct pfx_compare *compare;
};

#define PFX_PLOT_DEFAULT_WIDTH 900
#define PFX_PLOT_DEFAULT_HEIGHT 500

/* Write DIR/CHART.gp and its data files (DIR must exist).  *script_path
 * (malloc'ed) names the script.  0 or -errno as pfx_plot_data_fn, or the
 * errors of reading the template and writing into DIR. */
int pfx_plot_write_script(const struct pfx_plot_script *script, const char *dir,
			  char **script_path, struct pfx_plot_notes *notes);

#endif
