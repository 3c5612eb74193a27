/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diff_output: the text and JSON of 'pfx diff'.  Both print the same
 * numbers (the change with one decimal, the same rounding), so a test can
 * hold one to the other. */
#include "config.h"
#include "diff_output.h"
#include "safetext.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#define TOP_DEFAULT 20

static unsigned limit(size_t n, unsigned top)
{
	if (!top)
		top = TOP_DEFAULT;
	return n < top ? (unsigned)n : top;
}

static void text_pair(FILE *fp, const uint64_t v[PFX_CMP_SIDES], const bool in[PFX_CMP_SIDES])
{
	char buf[32];

	fprintf(fp, "%12" PRIu64 " %12" PRIu64 " %+12" PRId64 " %8s", v[PFX_CMP_A], v[PFX_CMP_B],
		pfx_compare_delta(v), pfx_compare_change_text(buf, sizeof(buf), v, in));
}

static void text_totals(FILE *fp, const struct pfx_compare *c)
{
	fprintf(fp, "Totals:\n%-10s %12s %12s %12s %8s\n", "WHAT", "A", "B", "DELTA", "CHANGE");
	for (int t = 0; t < PFX_CMP_TOTALS; t++) {
		fprintf(fp, "%-10s ", pfx_compare_total_name((enum pfx_compare_total)t));
		text_pair(fp, c->totals[t], NULL);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

static void text_regions(FILE *fp, const struct pfx_compare *c, unsigned top)
{
	unsigned n = limit(c->nregions, top);

	fprintf(fp, "Regions by change in faults (%u of %zu; matched by kind and path%s, not address;\n"
		"new: only in B, gone: only in A):\n", n, c->nregions,
		c->per_process ? " and process name" : "");
	fprintf(fp, "%12s %12s %12s %8s %9s %9s %-23s %-7s %s%s\n", "A-FAULTS", "B-FAULTS", "DELTA", "CHANGE",
		"A-MAJOR", "B-MAJOR", "PATTERN A>B", "KIND", c->per_process ? "PROCESS/" : "", "PATH");
	for (unsigned i = 0; i < n; i++) {
		const struct pfx_compare_region *r = &c->regions[i];
		char pat[48];

		text_pair(fp, r->faults, r->in);
		snprintf(pat, sizeof(pat), "%s>%s", r->in[PFX_CMP_A] ? pfx_pattern_name(r->pattern[PFX_CMP_A]) : "-",
			 r->in[PFX_CMP_B] ? pfx_pattern_name(r->pattern[PFX_CMP_B]) : "-");
		fprintf(fp, " %9" PRIu64 " %9" PRIu64 " %-23s %-7s ", r->major[PFX_CMP_A], r->major[PFX_CMP_B],
			pat, r->kind);
		if (c->per_process) {
			pfx_safetext_fputs(fp, r->process);
			fputc('/', fp);
		}
		pfx_safetext_fputs(fp, r->path);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

static void text_functions(FILE *fp, const struct pfx_compare *c, unsigned top)
{
	unsigned n = limit(c->nfunctions, top);

	fprintf(fp, "Functions by change in faults (%u of %zu):\n", n, c->nfunctions);
	fprintf(fp, "%12s %12s %12s %8s  %s\n", "A-FAULTS", "B-FAULTS", "DELTA", "CHANGE", "FUNCTION");
	for (unsigned i = 0; i < n; i++) {
		const struct pfx_compare_function *f = &c->functions[i];

		text_pair(fp, f->faults, f->in);
		fputs("  ", fp);
		pfx_safetext_fputs(fp, f->name);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

static void text_latency(FILE *fp, const struct pfx_compare *c)
{
	if (!c->nlatency) {
		fputs("Latency: neither recording measured it.\n", fp);
		return;
	}
	fprintf(fp, "Latency (ns) by kind:\n%-8s %-4s %12s %12s %12s %8s\n", "KIND", "PCT", "A", "B", "DELTA",
		"CHANGE");
	for (size_t i = 0; i < c->nlatency; i++) {
		const struct pfx_compare_latency *l = &c->latency[i];

		fprintf(fp, "%-8s %-4s ", pfx_kind_col_name(l->col), l->pct);
		text_pair(fp, l->ns, NULL);
		fputc('\n', fp);
	}
}

static void print_text(FILE *fp, const struct pfx_compare *c, const char *file_a, const char *file_b,
		       unsigned top)
{
	fputs("# pfx diff: A ", fp);
	pfx_safetext_fputs(fp, file_a);
	fputs(" (before), B ", fp);
	pfx_safetext_fputs(fp, file_b);
	fputs(" (after)\n", fp);
	if (c->same)
		fputs("# no change: every total, region, function and latency is the same in both\n", fp);
	fputc('\n', fp);
	text_totals(fp, c);
	text_regions(fp, c, top);
	text_functions(fp, c, top);
	text_latency(fp, c);
}

/* ---- JSON ---- */

static void json_pair(FILE *fp, const uint64_t v[PFX_CMP_SIDES])
{
	fprintf(fp, "{\"a\": %" PRIu64 ", \"b\": %" PRIu64 ", \"delta\": %" PRId64 ", \"change_pct\": ",
		v[PFX_CMP_A], v[PFX_CMP_B], pfx_compare_delta(v));
	if (v[PFX_CMP_A])
		fprintf(fp, "%.1f}", pfx_compare_change_pct(v));
	else
		fprintf(fp, "%s}", v[PFX_CMP_B] ? "null" : "0.0");
}

static const char *status(const bool in[PFX_CMP_SIDES])
{
	return !in[PFX_CMP_A] ? "new" : !in[PFX_CMP_B] ? "gone" : "both";
}

/* a side's pattern, null where the region is not */
static void json_pattern(FILE *fp, const struct pfx_compare_region *r, int side)
{
	if (r->in[side])
		fprintf(fp, "\"%s\"", pfx_pattern_name(r->pattern[side]));
	else
		fputs("null", fp);
}

static void json_regions(FILE *fp, const struct pfx_compare *c, unsigned top)
{
	unsigned n = limit(c->nregions, top);

	fprintf(fp, ",\n  \"regions_total\": %zu,\n  \"regions\": [", c->nregions);
	for (unsigned i = 0; i < n; i++) {
		const struct pfx_compare_region *r = &c->regions[i];

		fprintf(fp, "%s\n    {\"kind\": ", i ? "," : "");
		pfx_json_string(fp, r->kind);
		fprintf(fp, ", \"path\": ");
		pfx_json_string(fp, r->path);
		if (c->per_process) {
			fprintf(fp, ", \"process\": ");
			pfx_json_string(fp, r->process);
		}
		fprintf(fp, ", \"status\": \"%s\", \"faults\": ", status(r->in));
		json_pair(fp, r->faults);
		fprintf(fp, ", \"minor\": ");
		json_pair(fp, r->minor);
		fprintf(fp, ", \"major\": ");
		json_pair(fp, r->major);
		fprintf(fp, ", \"pages\": ");
		json_pair(fp, r->pages);
		fprintf(fp, ", \"pattern\": {\"a\": ");
		json_pattern(fp, r, PFX_CMP_A);
		fprintf(fp, ", \"b\": ");
		json_pattern(fp, r, PFX_CMP_B);
		fprintf(fp, "}}");
	}
	fprintf(fp, "%s]", n ? "\n  " : "");
}

static void json_functions(FILE *fp, const struct pfx_compare *c, unsigned top)
{
	unsigned n = limit(c->nfunctions, top);

	fprintf(fp, ",\n  \"functions_total\": %zu,\n  \"functions\": [", c->nfunctions);
	for (unsigned i = 0; i < n; i++) {
		const struct pfx_compare_function *f = &c->functions[i];

		fprintf(fp, "%s\n    {\"function\": ", i ? "," : "");
		pfx_json_string(fp, f->name);
		fprintf(fp, ", \"status\": \"%s\", \"faults\": ", status(f->in));
		json_pair(fp, f->faults);
		fprintf(fp, ", \"major\": ");
		json_pair(fp, f->major);
		fputc('}', fp);
	}
	fprintf(fp, "%s]", n ? "\n  " : "");
}

static void print_json(FILE *fp, const struct pfx_compare *c, const char *file_a, const char *file_b,
		       unsigned top)
{
	fprintf(fp, "{\n  \"a\": ");
	pfx_json_string(fp, file_a);
	fprintf(fp, ",\n  \"b\": ");
	pfx_json_string(fp, file_b);
	fprintf(fp, ",\n  \"same\": %s,\n  \"totals\": {", c->same ? "true" : "false");
	for (int t = 0; t < PFX_CMP_TOTALS; t++) {
		fprintf(fp, "%s\n    \"%s\": ", t ? "," : "", pfx_compare_total_name((enum pfx_compare_total)t));
		json_pair(fp, c->totals[t]);
	}
	fprintf(fp, "\n  },\n  \"per_process\": %s", c->per_process ? "true" : "false");
	json_regions(fp, c, top);
	json_functions(fp, c, top);
	fprintf(fp, ",\n  \"latency_ns\": [");
	for (size_t i = 0; i < c->nlatency; i++) {
		const struct pfx_compare_latency *l = &c->latency[i];

		fprintf(fp, "%s\n    {\"kind\": \"%s\", \"pct\": \"%s\", \"value\": ", i ? "," : "",
			pfx_kind_col_name(l->col), l->pct);
		json_pair(fp, l->ns);
		fputc('}', fp);
	}
	fprintf(fp, "%s]\n}\n", c->nlatency ? "\n  " : "");
}

void pfx_diff_print(FILE *fp, const struct pfx_compare *c, const char *file_a, const char *file_b,
		    enum pfx_format format, unsigned top)
{
	if (format == PFX_FORMAT_JSON)
		print_json(fp, c, file_a, file_b, top);
	else
		print_text(fp, c, file_a, file_b, top);
}
