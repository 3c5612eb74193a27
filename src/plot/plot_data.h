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
 *   -EBADMSG     (JSON) a line is not what that command writes;
 *                notes->bad_line says which (-ERANGE: a value out of range,
 *                -EFBIG: a line over 16 MiB, -E2BIG: more rows than kept),
 *   -EMEDIUMTYPE (JSON) the file is another command's output (notes->found_kind). */
#ifndef PFX_PLOT_DATA_H
#define PFX_PLOT_DATA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* What a chart is drawn from: a recording, or one command's JSON output. */
enum pfx_plot_input {
	PFX_PLOT_FROM_UNKNOWN,	/* none of them */
	PFX_PLOT_FROM_RECORD,	/* a 'pfx record' file */
	PFX_PLOT_FROM_WSS,	/* 'pfx wss --format json' lines */
	PFX_PLOT_FROM_WSS_PROFILE,	/* the same with --profile */
	PFX_PLOT_FROM_STAT,	/* 'pfx stat --format json' */
	PFX_PLOT_FROM_THP,	/* 'pfx thp --format json' */
	PFX_PLOT_FROM_MAPS,	/* 'pfx maps --format json' */
	PFX_PLOT_FROM_TOP,	/* 'pfx top -b --format json' */
	PFX_PLOT_FROM_DIFF,	/* two recordings compared (pfx plot --diff A B) */
};

/* What input is, from its first non-blank line (each command's JSON has
 * keys of its own), else a recording if it opens as one.  0 with *kind
 * (PFX_PLOT_FROM_UNKNOWN: neither), or -errno of opening it (-EPROTO: not
 * a regular file). */
int pfx_plot_input_kind(const char *input, enum pfx_plot_input *kind);
/* The command line that writes that kind of input, for messages. */
const char *pfx_plot_input_command(enum pfx_plot_input kind);

struct pfx_plot_notes {
	/* The recording ends early (-ENODATA) or is corrupted (-EBADMSG)
	 * after some items: the chart shows what was readable. */
	int read_error;
	uint64_t items;		/* faults or samples charted */
	uint64_t lost;		/* records + samples the kernel dropped while recording */
	uint64_t lost_records, lost_samples;	/* those the report counts (its totals) */
	uint64_t counted;	/* the kernel's count of the faults (0: not in the file) */
	unsigned long bad_line;	/* JSON: the line that is not what it should be */
	/* JSON: -EMEDIUMTYPE means the file is this kind, not the chart's */
	enum pfx_plot_input found_kind;
	char subtitle[512];	/* what the chart shows, as its subtitle says */
	/* A recording's faults the kernel counted but the file lacks, in the
	 * report's words ("recorded 34004 of 34930 faults (2.7% lost)",
	 * pfx_analysis_lost_note); "" when none was lost or not known. */
	char lost_note[96];
};

/* A command line in a chart's subtitle: at most this many characters,
 * so that it and the totals after it fit the chart's width (900 pixels). */
#define PFX_PLOT_COMMAND_CHARS 64

/* cmd as a subtitle shows it into buf: as it is when short enough, else
 * cut in the middle with an ellipsis ("sh -c pfx-load random ... and more
 * words still"), at whole characters.  buf holds
 * PFX_PLOT_COMMAND_CHARS * 4 + 8 bytes for any cmd. */
void pfx_plot_short_command(char *buf, size_t size, const char *cmd);

struct pfx_outfile;

/* For the writers: open DIR/NAME for a table (pfx_outfile_create) and
 * point the script variable var at it, relative to pfx_dir.  0 or -errno. */
int pfx_plot_open_table(struct pfx_outfile *out, const char *dir, const char *name,
			FILE *vars, const char *var);

typedef int pfx_plot_data_fn(const char *input, const char *dir, FILE *vars,
			     struct pfx_plot_notes *notes);

/* A recording's chart from an analysis of it made by
 * pfx_plot_data_analyse(): as its pfx_plot_data_fn writes it, the notes
 * taken from rep. */
struct pfx_analysis;
typedef int pfx_plot_format_fn(const struct pfx_analysis *rep, const char *dir, FILE *vars,
			       struct pfx_plot_notes *notes);

/* One pass over a recording with what every recording chart needs, for
 * several charts to format (pfx plot --all draws four, each as SVG and
 * PNG: one pass, not eight).  0 with *rep (pfx_analysis_free), or -errno
 * as a pfx_plot_data_fn of that input returns (notes as it fills them). */
int pfx_plot_data_analyse(const char *input, struct pfx_analysis **rep, struct pfx_plot_notes *notes);

/* Minor and major fault rates (faults/s) in ~150 time bins. */
pfx_plot_data_fn pfx_plot_data_timeline;
/* Faults per (time bin, address row); rows cover only the faulted part of
 * each region with faults, regions stacked and labelled. */
pfx_plot_data_fn pfx_plot_data_heatmap;
/* Minor/major/unknown faults per region, largest first. */
pfx_plot_data_fn pfx_plot_data_regions;
/* Fault latency histogram, power-of-two bins, minor/major stacked. */
pfx_plot_data_fn pfx_plot_data_latency;
/* The same four from an analysis. */
pfx_plot_format_fn pfx_plot_format_timeline, pfx_plot_format_heatmap, pfx_plot_format_regions,
	pfx_plot_format_latency;
/* WSS and RSS (MiB) over time from 'pfx wss --format json' lines. */
pfx_plot_data_fn pfx_plot_data_wss;

/* Two recordings side by side (pfx plot --diff): the regions with the
 * largest change in faults, A and B bars each, and the latency
 * percentiles per kind; title and totals as 'pfx diff' prints them.
 * Formats the compare model (compare.h); -ENOMSG when neither side has a
 * fault. */
struct pfx_compare;
int pfx_plot_format_diff(const struct pfx_compare *c, const char *file_a, const char *file_b,
			 const char *dir, FILE *vars, struct pfx_plot_notes *notes);

/* From other commands' JSON (plot_json.c): */
/* Minor/major faults/s per interval, stacked per thread or process. */
pfx_plot_data_fn pfx_plot_data_stat;
/* Faults vs huge pages gained, THP share, MiB per NUMA node over time. */
pfx_plot_data_fn pfx_plot_data_thp;
/* The largest mappings: dirty/clean resident, swapped, THP, locked. */
pfx_plot_data_fn pfx_plot_data_maps;
/* WSS against the window length ('pfx wss --profile'). */
pfx_plot_data_fn pfx_plot_data_wss_profile;
/* The busiest processes' fault rates over the frames of 'pfx top -b'. */
pfx_plot_data_fn pfx_plot_data_top;

#endif
