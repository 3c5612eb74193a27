/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_procs: the process and cgroup tables of 'pfx report' (--by
 * process, --by cgroup, and the JSON document's members), printed from
 * the analysis's rows (analysis_procs.h). */
#ifndef PFX_REPORT_PROCS_H
#define PFX_REPORT_PROCS_H

#include <stdint.h>
#include <stdio.h>

#include "analysis_procs.h"

/* Text tables (total: every fault, for the share column; top: rows, 0 = 20). */
void pfx_report_procs_text(FILE *fp, const struct pfx_analysis_procs *p, uint64_t total, unsigned top);
void pfx_report_cgroups_text(FILE *fp, const struct pfx_analysis_procs *p, uint64_t total, unsigned top);
/* The "processes" and "cgroups" members of the JSON document. */
void pfx_report_procs_json(FILE *fp, const struct pfx_analysis_procs *p, uint64_t total, unsigned top);

#endif
