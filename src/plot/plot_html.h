/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot_html: the index.html of 'pfx plot --all': every chart of one input
 * on one page (SVG shown, PNG and SVG linked), under what the input is
 * (command, kernel, totals), so one directory can go into a bug report.
 * Every string from the input is made safe (base/safetext.h: control
 * characters as \xNN) and HTML-escaped. */
#ifndef PFX_PLOT_HTML_H
#define PFX_PLOT_HTML_H

#include <stdbool.h>
#include <stddef.h>

/* One line of the page's header: "kernel", "6.1.0". */
struct pfx_plot_fact {
	const char *name, *value;
};

struct pfx_plot_page_chart {
	const char *name;	/* the chart; its files are NAME.svg, NAME.png */
	const char *summary;	/* what it shows */
	const char *subtitle;	/* what the chart's subtitle says */
	const char *skipped;	/* not drawn, and why (NULL: drawn) */
	bool failed;		/* not drawn because drawing it failed */
};

struct pfx_plot_page {
	const char *input;	/* the file charted */
	const char *from;	/* the command that wrote it */
	const struct pfx_plot_fact *facts;
	size_t n_facts;
	const struct pfx_plot_page_chart *charts;
	size_t n_charts;
};

/* Write path (pfx_outfile_create: a new file renamed into place).  0 or
 * -errno. */
int pfx_plot_write_page(const char *path, const struct pfx_plot_page *page);

#endif
