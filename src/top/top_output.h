/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top_output: 'pfx top' frames and alert lines as text (like top -b),
 * JSON lines or CSV, and the shared column formatting the full-screen
 * view (top_screen.h) uses too. */
#ifndef PFX_TOP_OUTPUT_H
#define PFX_TOP_OUTPUT_H

#include "output.h"
#include "top.h"
#include "top_alert.h"

#include <stdbool.h>
#include <stdio.h>

/* What a frame says about itself, above its rows. */
struct top_frame {
	double time;		/* seconds since pfx started */
	double timestamp;	/* Unix time */
	double interval;	/* seconds the rates cover */
	size_t nprocs;		/* processes in the sample (before filters) */
	struct top_sums total;
	enum top_sort sort;
	enum top_view view;
	uint64_t vanished;	/* processes that exited while being read, so far */
};

struct top_out {
	FILE *fp;
	enum pfx_format format;
	struct top_table *table;	/* for user names */
	bool csv_header_done;
	unsigned frames;
};

/* 0, or -errno when the output cannot be written (-EPIPE: the reader left). */
int pfx_top_output_frame(struct top_out *o, const struct top_frame *f, const struct top_row *rows,
		     size_t nrows);
void pfx_top_output_alert(struct top_out *o, const struct top_alert_event *ev);

/* "980K", "256.0M", "1.5G" from KiB, into buf. */
const char *pfx_top_fmt_kb(char *buf, size_t size, uint64_t kb);
/* The text header and one row (no newline), width-limited for the screen;
 * COMMAND is indented by the row's depth in tree and cgroup views. */
int pfx_top_fmt_header(char *buf, size_t size, enum top_view view);
int pfx_top_fmt_row(char *buf, size_t size, struct top_table *t, const struct top_row *r,
		enum top_view view);
/* One alert as a text line (no newline). */
int pfx_top_fmt_alert(char *buf, size_t size, const struct top_alert_event *ev);

#endif
