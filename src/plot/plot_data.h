/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot_data: turns a recording (recfile.h) or saved WSS samples (wssfile.h)
 * into the small text tables the chart templates in plot/ draw.
 *
 * Each writer reads its input, writes DIR/<chart>.dat (whitespace-separated
 * columns, a '#' header line naming them), and writes to 'vars' the gnuplot
 * assignments its template reads (data file names, titles, totals, axis
 * labels).  The script header refers to data files relative to the
 * variable pfx_dir, so a script directory can be moved as a whole.
 *
 * Returns 0 or -errno:
 *   errors of pfx_rec_reader_open() / fopen() for the input,
 *   -ENOMSG      the input holds nothing to chart (no faults, no samples),
 *   -EOPNOTSUPP  (latency) the recording has no latency data,
 *   -EBADMSG     (wss) a line is not a sample; notes->bad_line says which. */
#ifndef PFX_PLOT_DATA_H
#define PFX_PLOT_DATA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pfx_plot_notes {
	/* The recording ends early (-ENODATA) or is corrupted (-EBADMSG)
	 * after some items: the chart shows what was readable. */
	int read_error;
	uint64_t items;		/* faults or samples charted */
	uint64_t lost;		/* samples the kernel dropped while recording */
	uint64_t counted;	/* the kernel's count of the faults (0: not in the file) */
	unsigned long bad_line;	/* wss: the line that is not a sample */
};

typedef int pfx_plot_data_fn(const char *input, const char *dir, FILE *vars,
			     struct pfx_plot_notes *notes);

/* Minor and major fault rates (faults/s) in ~150 time bins. */
pfx_plot_data_fn pfx_plot_data_timeline;
/* Faults per (time bin, address row); rows cover only the faulted part of
 * each region with faults, regions stacked and labelled. */
pfx_plot_data_fn pfx_plot_data_heatmap;
/* Minor/major/unknown faults per region, largest first. */
pfx_plot_data_fn pfx_plot_data_regions;
/* Fault latency histogram, power-of-two bins, minor/major stacked. */
pfx_plot_data_fn pfx_plot_data_latency;
/* WSS and RSS (MiB) over time from 'pfx wss --format json' lines. */
pfx_plot_data_fn pfx_plot_data_wss;

#endif
