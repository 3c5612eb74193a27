/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_output: print a built analysis (analysis.h) as text tables or as
 * one JSON document (schema in doc/report.md). */
#ifndef PFX_REPORT_OUTPUT_H
#define PFX_REPORT_OUTPUT_H

#include <stdio.h>

#include "output.h"
#include "analysis.h"

enum pfx_report_view {
	PFX_VIEW_REGION,	/* default */
	PFX_VIEW_THREAD,
	PFX_VIEW_PAGE,
	PFX_VIEW_IP,
	PFX_VIEW_FUNCTION,
	PFX_VIEW_CALLER,
	PFX_VIEW_PROCESS,	/* report_procs.h */
	PFX_VIEW_CGROUP,
};

/* "region", "thread", "page", "ip", "function", "caller", "process",
 * "cgroup".  0 or -EINVAL. */
int pfx_report_view_parse(const char *name, enum pfx_report_view *out);

/* Text: a summary, then the chosen view (the region view also shows fault
 * types, the latency histogram, threads and a heat map).  JSON: every
 * view in one document.  file is the record file's name.  The ip,
 * function and caller views (and JSON's functions and callers) need a
 * report built with code_names. */
void pfx_report_print(FILE *fp, const struct pfx_analysis *rep, const char *file,
		      enum pfx_format format, enum pfx_report_view view, unsigned top);

#endif
