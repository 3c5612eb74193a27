/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thp_output: 'pfx thp' rows and summary as text, JSON lines or CSV.
 * What is the target's and what is system-wide is said in every format:
 * text puts system-wide columns after a '|' under a legend, JSON and CSV
 * name them system_wide / sys_. */
#ifndef PFX_THP_OUTPUT_H
#define PFX_THP_OUTPUT_H

#include "output.h"
#include "thp_watch.h"

#include <stdio.h>
#include <sys/types.h>

struct pfx_thp_header {
	pid_t pid;
	const char *comm;
	double interval_s;
	const struct pfx_thp_policy *policy;
	const char *fault_source;	/* the counter's description */
	const char *tp_missing;		/* why tracepoints are not counted, or NULL */
	bool numa;			/* numa_maps is there */
};

struct pfx_thp_out {
	FILE *fp;
	enum pfx_format format;
};

void pfx_thp_print_header(const struct pfx_thp_out *o, const struct pfx_thp_header *h);
void pfx_thp_print_row(const struct pfx_thp_out *o, const struct pfx_thp_row *r);
void pfx_thp_print_summary(const struct pfx_thp_out *o, const struct pfx_thp_summary *s);

#endif
