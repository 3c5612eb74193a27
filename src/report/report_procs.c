/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_procs: the process and cgroup tables of 'pfx report' (text and
 * JSON), from the rows the analysis summed (analysis_procs.h). */
#include "config.h"
#include "report_procs.h"
#include "cgname.h"
#include "output.h"
#include "safetext.h"

#include <inttypes.h>

#define TOP_DEFAULT 20

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static size_t rows_shown(size_t n, unsigned top)
{
	size_t t = top ? top : TOP_DEFAULT;

	return n < t ? n : t;
}

void pfx_report_procs_text(FILE *fp, const struct pfx_analysis_procs *p, uint64_t total, unsigned top)
{
	size_t n = rows_shown(p->nprocs, top);

	fprintf(fp, "Processes by faults (%zu of %zu):\n", n, p->nprocs);
	fprintf(fp, "%8s %-16s %10s %10s %8s %7s %7s  %s\n", "PID", "COMM", "FAULTS", "MINOR", "MAJOR",
		"SHARE", "THREADS", p->has_cgroups ? "CGROUP" : "");
	for (size_t i = 0; i < n; i++) {
		const struct pfx_process_row *r = &p->procs[i];
		char comm[PFX_SAFETEXT_BUF(16)];

		/* names are made safe, then padded */
		fprintf(fp, "%8u %-16s %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %6.1f%% %7u  ", r->pid,
			r->comm[0] ? pfx_safetext_str(comm, sizeof(comm), r->comm) : "?", r->faults,
			r->minor, r->major, share(r->faults, total), r->threads);
		pfx_safetext_fputs(fp, r->cgroup ? r->cgroup : p->has_cgroups ? "?" : "");
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

void pfx_report_cgroups_text(FILE *fp, const struct pfx_analysis_procs *p, uint64_t total, unsigned top)
{
	size_t n = rows_shown(p->ncgroups, top);

	if (!p->has_cgroups) {
		fprintf(fp, "No cgroups in this file: they are recorded by 'pfx record -a' and "
			"'pfx record -G'.\n\n");
		return;
	}
	fprintf(fp, "Cgroups by faults (%zu of %zu):\n", n, p->ncgroups);
	fprintf(fp, "%10s %10s %8s %7s %9s  %s\n", "FAULTS", "MINOR", "MAJOR", "SHARE", "PROCESSES",
		"CGROUP");
	for (size_t i = 0; i < n; i++) {
		const struct pfx_cgroup_row *r = &p->cgroups[i];
		struct pfx_cgname cn;
		char pod[128];

		fprintf(fp, "%10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %6.1f%% %9u  ", r->faults,
			r->minor, r->major, share(r->faults, total), r->processes);
		pfx_safetext_fputs(fp, r->cgroup[0] ? r->cgroup : "? (gone before its cgroup was read)");
		if (pfx_cgname_parse(r->cgroup, &cn) && pfx_cgname_short(&cn, pod, sizeof(pod)) > 0)
			fprintf(fp, "  [%s]", pod);	/* hex, dashes and fixed words: safe */
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

void pfx_report_procs_json(FILE *fp, const struct pfx_analysis_procs *p, uint64_t total, unsigned top)
{
	size_t n = rows_shown(p->nprocs, top);

	fprintf(fp, "  \"processes_with_faults\": %zu,\n  \"processes\": [", p->nprocs);
	for (size_t i = 0; i < n; i++) {
		const struct pfx_process_row *r = &p->procs[i];

		fprintf(fp, "%s\n    {\"pid\": %u, \"comm\": ", i ? "," : "", r->pid);
		pfx_json_string(fp, r->comm);
		fputs(", \"cgroup\": ", fp);
		if (r->cgroup)
			pfx_json_string(fp, r->cgroup);
		else
			fputs("null", fp);
		fprintf(fp, ", \"faults\": %" PRIu64 ", \"minor\": %" PRIu64 ", \"major\": %" PRIu64
			", \"share\": %.4f, \"threads\": %u}", r->faults, r->minor, r->major,
			total ? (double)r->faults / (double)total : 0.0, r->threads);
	}
	fputs("\n  ],\n  \"cgroups\": [", fp);
	n = p->has_cgroups ? rows_shown(p->ncgroups, top) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct pfx_cgroup_row *r = &p->cgroups[i];

		struct pfx_cgname cn;
		const char *key[PFX_CGNAME_NKEYS], *value[PFX_CGNAME_NKEYS];
		int nkeys = pfx_cgname_fields(r->cgroup, &cn, key, value);

		fprintf(fp, "%s\n    {\"cgroup\": ", i ? "," : "");
		pfx_json_string(fp, r->cgroup);
		/* its pod, container, QoS, service: each only when known */
		for (int k = 0; k < nkeys; k++) {
			fprintf(fp, ", \"%s\": ", key[k]);
			pfx_json_string(fp, value[k]);
		}
		fprintf(fp, ", \"faults\": %" PRIu64 ", \"minor\": %" PRIu64 ", \"major\": %" PRIu64
			", \"share\": %.4f, \"processes\": %u}", r->faults, r->minor, r->major,
			total ? (double)r->faults / (double)total : 0.0, r->processes);
	}
	fputs("\n  ],\n", fp);
}
