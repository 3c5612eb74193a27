/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_output: text tables and the JSON document of 'pfx report'. */
#include "config.h"
#include "report_output.h"
#include "report_procs.h"
#include "lat_hist.h"
#include "recfile.h"
#include "safetext.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define TOP_DEFAULT 20
#define HEAT_REGIONS 3		/* heat maps shown: the busiest regions */

int pfx_report_view_parse(const char *name, enum pfx_report_view *out)
{
	static const char *const names[] = { "region", "thread", "page", "ip", "function", "caller",
					     "process", "cgroup" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum pfx_report_view)i;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *kind_of(const struct pfx_region_row *row)
{
	return row->region ? pfx_map_kind_name(row->region->kind) : "unknown";
}

static const char *path_of(const struct pfx_region *reg)
{
	return reg ? reg->path : "";
}

/* A region row's PATH column: an unknown row names its process. */
static const char *row_path(const struct pfx_region_row *row, char *buf, size_t size)
{
	if (row->region)
		return row->region->path;
	snprintf(buf, size, "(pid %u: mappings never read, the process exited first)", row->pid);
	return buf;
}

static uint64_t avg_latency(const struct pfx_analysis_counts *c)
{
	return c->latency_count ? c->latency_sum_ns / c->latency_count : 0;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}


static unsigned limit(size_t n, unsigned top)
{
	unsigned t = top ? top : TOP_DEFAULT;

	return n < t ? (unsigned)n : t;
}

/* "mapping+0xoff" (the file's full path) for a code address. */
static void ip_where(char *buf, size_t size, const struct pfx_ip_row *ip)
{
	const struct pfx_region *r = ip->code.region;

	if (!r)
		snprintf(buf, size, "?");
	else if (r->path[0])
		snprintf(buf, size, "%s+0x%" PRIx64, r->path, ip->code.ip - r->start + r->pgoff);
	else
		snprintf(buf, size, "[%s]+0x%" PRIx64, pfx_map_kind_name(r->kind),
			 ip->code.ip - r->start);
}

/* "--pid 12 --region heap", as given. */
static const char *filter_text(const struct pfx_analysis_filter *fl, char *buf, size_t size)
{
	int n = 0;

	buf[0] = '\0';
	if (fl->has_pid)
		n += snprintf(buf + n, size - (size_t)n, "--pid %u ", fl->pid);
	if (fl->has_tid && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "--tid %u ", fl->tid);
	if (fl->region && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "--region %.64s ", fl->region);
	if (n > 0 && (size_t)n <= size)
		buf[n - 1] = '\0';
	return buf;
}

/* ---- text ---- */

/* Faults in no region the file holds (the unknown rows). */
static uint64_t unmapped_faults(const struct pfx_analysis *rep)
{
	uint64_t n = 0;

	for (size_t i = 0; i < rep->nrows; i++)
		if (!rep->rows[i].region)
			n += rep->rows[i].s->c.minor + rep->rows[i].s->c.major;
	return n;
}

static void text_summary(FILE *fp, const struct pfx_analysis *rep, const char *file)
{
	uint64_t outside;
	const struct pfx_rec_header *h = &rep->header;
	time_t when = (time_t)(h->start_realtime_ns / 1000000000ull);
	struct tm tm;
	char date[64] = "?", lost[160], filt[192];

	if (localtime_r(&when, &tm))
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S %Z", &tm);
	/* The header's text is the file's: whoever wrote it chose it. */
	fputs("# pfx report of ", fp);
	pfx_safetext_fputs(fp, file);
	fputs(" (format v", fp);
	fprintf(fp, "%u, source ", h->version);
	pfx_safetext_fputs(fp, h->source);
	fputs(")\n# command: ", fp);
	pfx_safetext_fputs(fp, h->command);
	fputs("\n# kernel ", fp);
	pfx_safetext_fputs(fp, h->kernel);
	fprintf(fp, ", page size %u, recorded %s, duration %.3f s\n# events: ", h->page_size, date,
		(double)rep->duration_ns / 1e9);
	pfx_safetext_fputs(fp, h->events);
	fputc('\n', fp);
	fprintf(fp, "# faults: %" PRIu64 " (minor %" PRIu64 ", major %" PRIu64 "), lost %" PRIu64
		" records + %" PRIu64 " samples; %" PRIu64 " distinct pages, %" PRIu64 " refaults\n",
		rep->totals.faults, rep->totals.minor, rep->totals.major, rep->totals.lost_records,
		rep->totals.lost_samples, rep->distinct_pages, rep->refaults);
	if (rep->filter)
		fprintf(fp, "# filter %s: %" PRIu64 " of %" PRIu64 " faults; every count below is of these\n",
			filter_text(rep->filter, filt, sizeof(filt)), rep->faults_read - rep->filtered_out,
			rep->faults_read);
	if (!rep->complete)
		fprintf(fp, "# WARNING: partial report: %s at byte %" PRIu64 "\n",
			pfx_rec_strerror(rep->read_error), rep->error_offset);
	if (*pfx_analysis_flight_note(rep, lost, sizeof(lost)))
		fprintf(fp, "# %s\n", lost);
	if (pfx_analysis_lost_faults(rep))
		fprintf(fp, "# WARNING: %s: the ring was full; every count below is of the recorded faults\n",
			pfx_analysis_lost_note(rep, lost, sizeof(lost)));
	if ((outside = unmapped_faults(rep)) && !strstr(h->events, "mremap") && strcmp(h->source, "perf") == 0)
		/* A user cannot sample the mremap tracepoints (their ids are
		 * tracefs files only root reads): say why rows are unknown. */
		fprintf(fp, "# WARNING: %" PRIu64 " faults outside every known mapping: regions may be incomplete"
			" without the mremap tracepoints (root only), as pfx misses memory mremap() moved, and"
			" processes that exited, before it read /proc/PID/maps again; record as root for them\n",
			outside);
	fputc('\n', fp);
}

/* Host-wide files, and others whose regions are of several processes
 * (a shell loop): the PID column says whose. */
static bool per_process(const struct pfx_analysis *rep)
{
	return (rep->header.flags & PFX_REC_HOST_WIDE) || rep->many_processes;
}

static void text_regions(FILE *fp, const struct pfx_analysis *rep, unsigned top)
{
	unsigned n = limit(rep->nrows, top);
	char lat[32], path[96];

	fprintf(fp, "Regions by faults (%u of %zu with faults):\n", n, rep->nrows);
	if (per_process(rep))
		fprintf(fp, "%8s ", "PID");
	fprintf(fp, "%-14s %-14s %-7s %9s %7s %9s %8s %-10s %8s  %s\n", "START", "END", "KIND",
		"MINOR", "MAJOR", "PAGES", "REFAULTS", "PATTERN", "LAT-AVG", "PATH");
	for (unsigned i = 0; i < n; i++) {
		const struct pfx_region_row *row = &rep->rows[i];

		if (per_process(rep))
			fprintf(fp, "%8u ", row->pid);
		fprintf(fp, "%-14" PRIx64 " %-14" PRIx64 " %-7s %9" PRIu64 " %7" PRIu64 " %9" PRIu64
			" %8" PRIu64 " %-10s %8s  ", row->start, row->end, kind_of(row),
			row->s->c.minor, row->s->c.major, row->s->pages, row->s->refaults,
			pfx_pattern_name(row->pattern),
			pfx_lat_fmt_ns(lat, sizeof(lat), avg_latency(&row->s->c)));
		pfx_safetext_fputs(fp, row_path(row, path, sizeof(path)));
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

static void text_types(FILE *fp, const struct pfx_analysis *rep)
{
	const struct pfx_analysis_counts *c = &rep->all;
	uint64_t known = c->read + c->write + c->exec;

	fprintf(fp, "Fault types:");
	for (int t = 0; t < PFX_TYPE_COUNT; t++)
		if (rep->types[t])
			fprintf(fp, " %s %" PRIu64 " (%.1f%%)", pfx_fault_type_name(t), rep->types[t],
				pct(rep->types[t], c->faults));
	fputc('\n', fp);
	if (known)
		fprintf(fp, "Access: read %" PRIu64 ", write %" PRIu64 ", exec %" PRIu64
			"; page not present %" PRIu64 ", protection %" PRIu64 " (of %" PRIu64
			" faults with an error code)\n", c->read, c->write, c->exec, known - c->prot,
			c->prot, known);
	else if (rep->header.flags & PFX_REC_ENTRY_SW)
		fprintf(fp, "Access: not known with this entry source (page-faults carries no error "
			"code; --entry tracepoint on x86 has it)\n");
	else
		fprintf(fp, "Access: not recorded (no exceptions:page_fault_user)\n");
	fputc('\n', fp);
}

/* The latency sections' names, by kind column. */
static const char *const lat_names[PFX_COL_COUNT] = { "minor faults", "major faults",
						     "faults of unknown kind" };

static void text_latency(FILE *fp, const struct pfx_analysis *rep)
{
	char a[32], b[32], c[32], d[32], lo[32], hi[32], timed[48] = "";

	if (rep->header.flags & PFX_REC_LATENCY_SAMPLED)
		snprintf(timed, sizeof(timed), ", timed 1 in %u", rep->header.latency_sample);
	if (!(rep->header.flags & PFX_REC_HAS_LATENCY)) {
		fprintf(fp, "Latency: not recorded\n\n");
		return;
	}
	fprintf(fp, "Latency from: %s\n", pfx_rec_latency_from(&rep->header));
	if (rep->header.flags & PFX_REC_LATENCY_SAMPLED)
		fprintf(fp, "Latency timed 1 in %u faults (--latency-sample): counts below are of the "
			"timed faults, percentiles over them\n", rep->header.latency_sample);
	for (int m = 0; m < PFX_COL_COUNT; m++) {
		uint64_t total = rep->lat[m].count, max = 0;

		for (unsigned i = 0; i < PFX_LAT_OCTAVES; i++)
			if (pfx_lat_hist_octave(&rep->lat[m], i) > max)
				max = pfx_lat_hist_octave(&rep->lat[m], i);
		if (!total)
			continue;
		fprintf(fp, "Latency of %s (%" PRIu64 "%s): p50 %s, p90 %s, p99 %s, max %s\n",
			lat_names[m], total, timed, pfx_lat_fmt_ns(a, sizeof(a), pfx_analysis_latency_pct(rep, m, 50)),
			pfx_lat_fmt_ns(b, sizeof(b), pfx_analysis_latency_pct(rep, m, 90)),
			pfx_lat_fmt_ns(c, sizeof(c), pfx_analysis_latency_pct(rep, m, 99)),
			pfx_lat_fmt_ns(d, sizeof(d), rep->lat[m].max_ns));
		for (unsigned i = 0; i < PFX_LAT_OCTAVES; i++) {
			uint64_t v = pfx_lat_hist_octave(&rep->lat[m], i);

			if (!v)
				continue;
			fprintf(fp, "  %8s - %-8s %10" PRIu64 " %-50.*s\n",
				pfx_lat_fmt_ns(lo, sizeof(lo), (uint64_t)1 << i),
				pfx_lat_fmt_ns(hi, sizeof(hi), (uint64_t)2 << i), v,
				(int)(v * 50 / max + (v > 0)),
				"##################################################");
		}
	}
	fputc('\n', fp);
}

static void text_threads(FILE *fp, const struct pfx_analysis *rep, unsigned top)
{
	unsigned n = limit(rep->nthreads, top);
	char lat[32], comm[PFX_SAFETEXT_BUF(sizeof(rep->threads[0].comm))];

	fprintf(fp, "Threads by faults (%u of %zu):\n", n, rep->nthreads);
	fprintf(fp, "%8s %8s %-16s %10s %9s %7s %9s %8s %10s %10s\n", "PID", "TID", "COMM",
		"FAULTS", "MINOR", "MAJOR", "REFAULTS", "LAT-AVG", "FIRST-S", "LAST-S");
	for (unsigned i = 0; i < n; i++) {
		const struct pfx_thread_stats *t = &rep->threads[i];

		if (!t->c.faults && i)
			break;
		fprintf(fp, "%8u %8u %-16s %10" PRIu64 " %9" PRIu64 " %7" PRIu64 " %9" PRIu64
			" %8s %10.3f %10.3f\n", t->pid, t->tid,
			t->comm[0] ? pfx_safetext_str(comm, sizeof(comm), t->comm) : "?",
			t->c.faults, t->c.minor, t->c.major, t->refaults,
			pfx_lat_fmt_ns(lat, sizeof(lat), avg_latency(&t->c)), (double)t->first_ns / 1e9,
			(double)t->last_ns / 1e9);
	}
	fputc('\n', fp);
}

static void text_pages(FILE *fp, const struct pfx_analysis *rep)
{
	fprintf(fp, "Pages by faults (top %zu):\n", rep->npages);
	fprintf(fp, "%8s %-14s %8s %7s %-7s  %s\n", "PID", "PAGE", "FAULTS", "MAJOR", "KIND", "PATH");
	for (size_t i = 0; i < rep->npages; i++) {
		const struct pfx_page_row *p = &rep->pages[i];

		fprintf(fp, "%8u %-14" PRIx64 " %8u %7u %-7s  ", p->pid, p->addr, p->faults,
			p->major, p->region ? pfx_map_kind_name(p->region->kind) : "unknown");
		pfx_safetext_fputs(fp, path_of(p->region));
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

static void text_ips(FILE *fp, const struct pfx_analysis *rep)
{
	char where[4200];

	fprintf(fp, "Faulting instructions (top %zu):\n", rep->nips);
	fprintf(fp, "%-14s %10s %7s %7s  %s\n", "IP", "FAULTS", "MAJOR", "SHARE", "WHERE");
	for (size_t i = 0; i < rep->nips; i++) {
		const struct pfx_ip_row *ip = &rep->ips[i];

		pfx_code_frame_format(&ip->code, where, sizeof(where));
		fprintf(fp, "%-14" PRIx64 " %10" PRIu64 " %7" PRIu64 " %6.1f%%  ", ip->code.ip,
			ip->faults, ip->major, pct(ip->faults, rep->all.faults));
		pfx_safetext_fputs(fp, where);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

static void text_functions(FILE *fp, const struct pfx_analysis *rep)
{
	const struct pfx_code_sites *cs = &rep->code;
	char name[4200];

	fprintf(fp, "Faulting functions (top %zu of %zu):\n", cs->nfunctions_shown, cs->nfunctions);
	fprintf(fp, "%10s %7s %7s  %s\n", "FAULTS", "MAJOR", "SHARE", "FUNCTION");
	for (size_t i = 0; i < cs->nfunctions_shown; i++) {
		const struct pfx_function_row *f = &cs->functions[i];

		pfx_function_row_format(f, name, sizeof(name));
		fprintf(fp, "%10" PRIu64 " %7" PRIu64 " %6.1f%%  ", f->faults, f->major,
			pct(f->faults, rep->all.faults));
		pfx_safetext_fputs(fp, name);
		fputc('\n', fp);
	}
	fputc('\n', fp);
}

/* Like perf report -g caller: each chain, the faulting function first. */
static void text_callers(FILE *fp, const struct pfx_analysis *rep)
{
	const struct pfx_code_sites *cs = &rep->code;
	char name[4200];

	if (!(rep->header.flags & PFX_REC_HAS_CALLCHAIN)) {
		fprintf(fp, "No call chains in this file: record with 'pfx record --call-graph'.\n\n");
		return;
	}
	fprintf(fp, "Fault call chains (top %zu of %zu; %" PRIu64 " faults have a chain):\n",
		cs->nchains_shown, cs->nchains, cs->faults_with_chain);
	for (size_t i = 0; i < cs->nchains_shown; i++) {
		const struct pfx_chain_row *c = &cs->chains[i];

		fprintf(fp, "%10" PRIu64 " faults (%.1f%%), %" PRIu64 " major\n", c->faults,
			pct(c->faults, rep->all.faults), c->major);
		for (size_t j = 0; j < c->nframes; j++) {
			pfx_code_frame_format(&c->frames[j], name, sizeof(name));
			fprintf(fp, "            %s ", j ? "<-" : "  ");
			pfx_safetext_fputs(fp, name);
			fputc('\n', fp);
		}
	}
	fputc('\n', fp);
}

/* A heat grid as text: one line per row, " .:-=+*#%@" by count on a log
 * scale against the grid's maximum; ncols columns of col_ns each. */
static void heat_print(FILE *fp, const struct pfx_heat_grid *g, unsigned ncols, uint64_t col_ns)
{
	static const char shades[] = " .:-=+*#%@";
	uint32_t max = 0;

	if (ncols > PFX_HEAT_COLS)
		ncols = PFX_HEAT_COLS;
	if (ncols == 0)
		ncols = 1;
	for (unsigned r = 0; r < g->rows; r++)
		for (unsigned c = 0; c < ncols; c++)
			if (g->cell[r][c] > max)
				max = g->cell[r][c];
	for (unsigned r = 0; r < g->rows; r++) {
		fprintf(fp, "  0x%012" PRIx64 " |", g->start + ((uint64_t)r << g->shift));
		for (unsigned c = 0; c < ncols; c++) {
			uint32_t v = g->cell[r][c];
			size_t shade = 0;

			if (v && max)
				shade = 1 + (size_t)(log1p((double)v) / log1p((double)max) * 8.999);
			fputc(shades[shade < sizeof(shades) - 1 ? shade : sizeof(shades) - 2], fp);
		}
		fputs("|\n", fp);
	}
	fprintf(fp, "  %14s  0 s%*s%.3f s  (one column = %.3f ms)\n", "", (int)ncols - 4, "",
		(double)ncols * (double)col_ns / 1e9, (double)col_ns / 1e6);
}

static void text_heat(FILE *fp, const struct pfx_analysis *rep)
{
	unsigned shown = 0;

	for (size_t i = 0; i < rep->nrows && shown < HEAT_REGIONS; i++) {
		const struct pfx_region_row *row = &rep->rows[i];

		struct pfx_heat_grid g;

		if (!row->region || !row->s->heat.rows || row->s->c.faults < 16)
			continue;
		pfx_heat_to_grid(&row->s->heat, &g);
		fprintf(fp, "Heat map of %s region %" PRIx64 "-%" PRIx64 " ", kind_of(row), row->start,
			row->end);
		pfx_safetext_fputs(fp, row->region->path);
		fprintf(fp, " (rows: %" PRIu64 " KiB each; time ->):\n", ((uint64_t)1 << g.shift) / 1024);
		heat_print(fp, &g, rep->heat_cols, rep->heat_col_ns);
		fputc('\n', fp);
		shown++;
	}
}

static void print_text(FILE *fp, const struct pfx_analysis *rep, const char *file,
		       enum pfx_report_view view, unsigned top)
{
	text_summary(fp, rep, file);
	switch (view) {
	case PFX_VIEW_REGION:
		text_regions(fp, rep, top);
		text_types(fp, rep);
		text_latency(fp, rep);
		if (per_process(rep))
			pfx_report_procs_text(fp, &rep->procs, rep->all.faults, top);
		text_threads(fp, rep, top);
		text_heat(fp, rep);
		break;
	case PFX_VIEW_THREAD:
		text_threads(fp, rep, top);
		break;
	case PFX_VIEW_PAGE:
		text_pages(fp, rep);
		break;
	case PFX_VIEW_IP:
		text_ips(fp, rep);
		break;
	case PFX_VIEW_FUNCTION:
		text_functions(fp, rep);
		break;
	case PFX_VIEW_CALLER:
		text_callers(fp, rep);
		break;
	case PFX_VIEW_PROCESS:
		pfx_report_procs_text(fp, &rep->procs, rep->all.faults, top);
		break;
	case PFX_VIEW_CGROUP:
		pfx_report_cgroups_text(fp, &rep->procs, rep->all.faults, top);
		break;
	}
}

/* ---- JSON ---- */

static void json_counts(FILE *fp, const struct pfx_analysis_counts *c)
{
	fprintf(fp, "\"faults\": %" PRIu64 ", \"minor\": %" PRIu64 ", \"major\": %" PRIu64
		", \"read\": %" PRIu64 ", \"write\": %" PRIu64 ", \"exec\": %" PRIu64
		", \"protection\": %" PRIu64 ", \"latency_avg_ns\": %" PRIu64,
		c->faults, c->minor, c->major, c->read, c->write, c->exec, c->prot, avg_latency(c));
}

static void json_regions(FILE *fp, const struct pfx_analysis *rep, unsigned top)
{
	unsigned n = limit(rep->nrows, top);

	fprintf(fp, "  \"regions_with_faults\": %zu,\n  \"regions\": [", rep->nrows);
	for (unsigned i = 0; i < n; i++) {
		const struct pfx_region_row *row = &rep->rows[i];

		fprintf(fp, "%s\n    {\"start\": \"0x%" PRIx64 "\", \"end\": \"0x%" PRIx64
			"\", \"kind\": \"%s\", \"path\": ", i ? "," : "", row->start, row->end,
			kind_of(row));
		pfx_json_string(fp, path_of(row->region));
		if (!row->region || pfx_rec_per_space(&rep->header))
			fprintf(fp, ", \"pid\": %u", row->pid);
		fprintf(fp, ", ");
		json_counts(fp, &row->s->c);
		fprintf(fp, ", \"pages\": %" PRIu64 ", \"refaults\": %" PRIu64
			", \"pattern\": \"%s\", \"stride_pages\": %" PRId64
			", \"mapped_ns\": %" PRIu64 ", \"last_mapped_ns\": %" PRIu64,
			row->s->pages, row->s->refaults, pfx_pattern_name(row->pattern),
			row->pattern == PFX_PATTERN_STRIDED ? pfx_pattern_stride(&row->s->pattern) : 0,
			row->region ? row->region->time_ns : 0, row->region ? row->region->last_time_ns : 0);
		if (row->region && row->region->gone)
			fprintf(fp, ", \"unmapped_ns\": %" PRIu64, row->region->gone_ns);
		else
			fprintf(fp, ", \"unmapped_ns\": null");
		fprintf(fp, ", \"first_ns\": %" PRIu64 ", \"last_ns\": %" PRIu64 "}", row->s->first_ns,
			row->s->last_ns);
	}
	fprintf(fp, "\n  ],\n");
}

static void json_threads(FILE *fp, const struct pfx_analysis *rep, unsigned top)
{
	unsigned n = limit(rep->nthreads, top);

	fprintf(fp, "  \"threads\": [");
	for (unsigned i = 0; i < n; i++) {
		const struct pfx_thread_stats *t = &rep->threads[i];

		fprintf(fp, "%s\n    {\"pid\": %u, \"tid\": %u, \"comm\": ", i ? "," : "", t->pid, t->tid);
		pfx_json_string(fp, t->comm);
		fprintf(fp, ", ");
		json_counts(fp, &t->c);
		fprintf(fp, ", \"refaults\": %" PRIu64 ", \"first_ns\": %" PRIu64
			", \"last_ns\": %" PRIu64 "}", t->refaults, t->first_ns, t->last_ns);
	}
	fprintf(fp, "\n  ],\n");
}

/* "touch_pages+0x18", or null when the code has no name. */
static void json_function(FILE *fp, const struct pfx_code_frame *f)
{
	char buf[4200];

	if (!f->function) {
		fprintf(fp, "null");
		return;
	}
	snprintf(buf, sizeof(buf), "%s+0x%" PRIx64, f->function, f->function_offset);
	pfx_json_string(fp, buf);
}

static void json_pages_ips(FILE *fp, const struct pfx_analysis *rep)
{
	char where[4200];

	fprintf(fp, "  \"pages\": [");
	for (size_t i = 0; i < rep->npages; i++) {
		const struct pfx_page_row *p = &rep->pages[i];

		fprintf(fp, "%s\n    {\"pid\": %u, \"addr\": \"0x%" PRIx64 "\", \"faults\": %u"
			", \"major\": %u, \"kind\": \"%s\"}", i ? "," : "", p->pid, p->addr, p->faults,
			p->major, p->region ? pfx_map_kind_name(p->region->kind) : "unknown");
	}
	fprintf(fp, "\n  ],\n  \"ips\": [");
	for (size_t i = 0; i < rep->nips; i++) {
		const struct pfx_ip_row *ip = &rep->ips[i];

		ip_where(where, sizeof(where), ip);
		fprintf(fp, "%s\n    {\"ip\": \"0x%" PRIx64 "\", \"faults\": %" PRIu64
			", \"major\": %" PRIu64 ", \"where\": ", i ? "," : "", ip->code.ip, ip->faults,
			ip->major);
		pfx_json_string(fp, where);
		fprintf(fp, ", \"function\": ");
		json_function(fp, &ip->code);
		fputc('}', fp);
	}
	fprintf(fp, "\n  ],\n");
}

static void json_functions(FILE *fp, const struct pfx_analysis *rep)
{
	const struct pfx_code_sites *cs = &rep->code;

	fprintf(fp, "  \"functions\": [");
	for (size_t i = 0; i < cs->nfunctions_shown; i++) {
		const struct pfx_function_row *f = &cs->functions[i];

		fprintf(fp, "%s\n    {\"function\": ", i ? "," : "");
		if (f->function)
			pfx_json_string(fp, f->function);
		else
			fprintf(fp, "null");
		fprintf(fp, ", \"path\": ");
		pfx_json_string(fp, f->region ? f->region->path : f->kernel ? "[kernel]" : "");
		fprintf(fp, ", \"faults\": %" PRIu64 ", \"major\": %" PRIu64 "}", f->faults, f->major);
	}
	fprintf(fp, "\n  ],\n");
}

static void json_callers(FILE *fp, const struct pfx_analysis *rep)
{
	const struct pfx_code_sites *cs = &rep->code;
	char name[4200];

	fprintf(fp, "  \"callers\": [");
	for (size_t i = 0; i < cs->nchains_shown; i++) {
		const struct pfx_chain_row *c = &cs->chains[i];

		fprintf(fp, "%s\n    {\"faults\": %" PRIu64 ", \"major\": %" PRIu64 ", \"frames\": [",
			i ? "," : "", c->faults, c->major);
		for (size_t j = 0; j < c->nframes; j++) {
			pfx_code_frame_format(&c->frames[j], name, sizeof(name));
			fprintf(fp, "%s{\"ip\": \"0x%" PRIx64 "\", \"function\": ", j ? ", " : "",
				c->frames[j].ip);
			json_function(fp, &c->frames[j]);
			fprintf(fp, ", \"name\": ");
			pfx_json_string(fp, name);
			fputc('}', fp);
		}
		fprintf(fp, "]}");
	}
	fprintf(fp, "\n  ],\n");
}

static void json_latency(FILE *fp, const struct pfx_analysis *rep)
{
	fprintf(fp, "  \"latency\": {\"recorded\": %s, \"from\": \"%s\"",
		rep->header.flags & PFX_REC_HAS_LATENCY ?
		"true" : "false", pfx_rec_latency_from(&rep->header));
	if (rep->header.flags & PFX_REC_LATENCY_SAMPLED)
		fprintf(fp, ", \"timed_1_in\": %u", rep->header.latency_sample);
	for (int m = 0; m < PFX_COL_COUNT; m++) {
		uint64_t total = rep->lat[m].count;
		bool first = true;

		/* faults of unknown kind only where a source left some */
		if (m == PFX_COL_UNKNOWN && !total)
			continue;
		fprintf(fp, ",\n    \"%s\": {\"count\": %" PRIu64 ", \"p50_ns\": %" PRIu64
			", \"p90_ns\": %" PRIu64 ", \"p99_ns\": %" PRIu64 ", \"max_ns\": %u, \"histogram\": [",
			pfx_kind_col_name(m), total, pfx_analysis_latency_pct(rep, m, 50),
			pfx_analysis_latency_pct(rep, m, 90), pfx_analysis_latency_pct(rep, m, 99),
			rep->lat[m].max_ns);
		for (unsigned i = 0; i < PFX_LAT_OCTAVES; i++) {
			uint64_t v = pfx_lat_hist_octave(&rep->lat[m], i);

			if (!v)
				continue;
			fprintf(fp, "%s{\"lo_ns\": %" PRIu64 ", \"hi_ns\": %" PRIu64 ", \"count\": %" PRIu64 "}",
				first ? "" : ", ", (uint64_t)1 << i, (uint64_t)2 << i, v);
			first = false;
		}
		fprintf(fp, "]}");
	}
	fprintf(fp, "\n  },\n");
}

static void json_heat(FILE *fp, const struct pfx_analysis *rep)
{
	unsigned shown = 0;

	fprintf(fp, "  \"heatmap\": {\"col_ns\": %" PRIu64 ", \"cols\": %u, \"regions\": [",
		rep->heat_col_ns, rep->heat_cols);
	for (size_t i = 0; i < rep->nrows && shown < HEAT_REGIONS; i++) {
		const struct pfx_region_row *row = &rep->rows[i];
		struct pfx_heat_grid grid, *g = &grid;

		if (!row->region || !row->s->heat.rows)
			continue;
		pfx_heat_to_grid(&row->s->heat, g);
		fprintf(fp, "%s\n    {\"start\": \"0x%" PRIx64 "\", \"row_bytes\": %" PRIu64 ", \"rows\": [",
			shown ? "," : "", g->start, (uint64_t)1 << g->shift);
		for (unsigned r = 0; r < g->rows; r++) {
			fprintf(fp, "%s[", r ? ", " : "");
			for (unsigned c = 0; c < rep->heat_cols && c < PFX_HEAT_COLS; c++)
				fprintf(fp, "%s%u", c ? "," : "", g->cell[r][c]);
			fputc(']', fp);
		}
		fprintf(fp, "]}");
		shown++;
	}
	fprintf(fp, "\n  ]}\n");
}

static void print_json(FILE *fp, const struct pfx_analysis *rep, const char *file, unsigned top)
{
	const struct pfx_rec_header *h = &rep->header;
	char lost[160];
	const struct pfx_analysis_counts *c = &rep->all;
	bool flight = *pfx_analysis_flight_note(rep, lost, sizeof(lost));

	fprintf(fp, "{\n  \"file\": ");
	pfx_json_string(fp, file);
	/* complete: the whole file was read and every counted fault is in it. */
	fprintf(fp, ",\n  \"format_version\": %u,\n  \"complete\": %s,\n  \"warning\": ", h->version,
		rep->complete && !pfx_analysis_lost_faults(rep) && !flight ? "true" : "false");
	if (!rep->complete)
		pfx_json_string(fp, pfx_rec_strerror(rep->read_error));
	else if (flight)
		pfx_json_string(fp, lost);
	else if (pfx_analysis_lost_faults(rep))
		pfx_json_string(fp, pfx_analysis_lost_note(rep, lost, sizeof(lost)));
	else
		fprintf(fp, "null");
	if (rep->filter) {
		char filt[192];

		fprintf(fp, ",\n  \"filter\": {\"options\": ");
		pfx_json_string(fp, filter_text(rep->filter, filt, sizeof(filt)));
		fprintf(fp, ", \"kept\": %" PRIu64 ", \"of\": %" PRIu64 "}",
			rep->faults_read - rep->filtered_out, rep->faults_read);
	}
	fprintf(fp, ",\n  \"command\": ");
	pfx_json_string(fp, h->command);
	fprintf(fp, ",\n  \"kernel\": ");
	pfx_json_string(fp, h->kernel);
	fprintf(fp, ",\n  \"source\": ");
	pfx_json_string(fp, h->source);
	fprintf(fp, ",\n  \"events\": ");
	pfx_json_string(fp, h->events);
	fprintf(fp, ",\n  \"page_size\": %u,\n  \"start_realtime_ns\": %" PRIu64
		",\n  \"duration_ns\": %" PRIu64 ",\n", h->page_size, h->start_realtime_ns,
		rep->duration_ns);
	fprintf(fp, "  \"totals\": {\"faults\": %" PRIu64 ", \"minor\": %" PRIu64 ", \"major\": %"
		PRIu64 ", \"lost\": %" PRIu64 ", \"lost_records\": %" PRIu64 ", \"lost_samples\": %"
		PRIu64 ", \"pages\": %" PRIu64 ", \"refaults\": %" PRIu64 ", ",
		rep->totals.faults, rep->totals.minor, rep->totals.major,
		rep->totals.lost_records + rep->totals.lost_samples, rep->totals.lost_records,
		rep->totals.lost_samples, rep->distinct_pages, rep->refaults);
	/* counted: the kernel's count of the sampled events (null where the
	 * file has none); recorded: the faults in the file. */
	if (rep->totals.has_counted)
		fprintf(fp, "\"counted\": %" PRIu64 ", ", rep->totals.counted_minor + rep->totals.counted_major);
	else
		fputs("\"counted\": null, ", fp);
	fprintf(fp, "\"recorded\": %" PRIu64 ", \"lost_faults\": %" PRIu64 "},\n", rep->totals.faults,
		pfx_analysis_lost_faults(rep));
	fprintf(fp, "  \"types\": {");
	for (int t = 0; t < PFX_TYPE_COUNT; t++)
		fprintf(fp, "%s\"%s\": %" PRIu64, t ? ", " : "", pfx_fault_type_name(t), rep->types[t]);
	fprintf(fp, "},\n  \"access\": {\"known\": %" PRIu64 ", \"read\": %" PRIu64 ", \"write\": %"
		PRIu64 ", \"exec\": %" PRIu64 ", \"protection\": %" PRIu64 "},\n",
		c->read + c->write + c->exec, c->read, c->write, c->exec, c->prot);
	json_regions(fp, rep, top);
	json_threads(fp, rep, top);
	pfx_report_procs_json(fp, &rep->procs, rep->all.faults, top);
	json_pages_ips(fp, rep);
	json_functions(fp, rep);
	json_callers(fp, rep);
	json_latency(fp, rep);
	json_heat(fp, rep);
	fprintf(fp, "}\n");
}

void pfx_report_print(FILE *fp, const struct pfx_analysis *rep, const char *file,
		      enum pfx_format format, enum pfx_report_view view, unsigned top)
{
	if (format == PFX_FORMAT_JSON)
		print_json(fp, rep, file, top);
	else
		print_text(fp, rep, file, view, top);
}
