/* SPDX-License-Identifier: GPL-2.0-or-later */
/* maps_output: text, JSON and CSV for 'pfx maps'. */
#include "config.h"
#include "maps_output.h"
#include "safetext.h"

#include <string.h>
#include <sys/mman.h>

/* The columns after SIZE, in order: name and how to get the count. */
enum column { COL_RSS, COL_SWAP, COL_DIRTY, COL_THP, COL_LOCKED, COL_ZERO, N_COLUMNS };

static const char *const column_names[N_COLUMNS] = { "rss", "swap", "dirty", "thp", "locked", "zero" };

/* Pages in the column, or -1 when unknown (the physical ones without PFNs). */
static int64_t column_pages(const struct pfx_page_states *s, enum column c)
{
	switch (c) {
	case COL_RSS: return (int64_t)s->rss;
	case COL_SWAP: return (int64_t)s->swap;
	default: break;
	}
	if (!s->physical)
		return -1;
	switch (c) {
	case COL_DIRTY: return (int64_t)s->dirty;
	case COL_THP: return (int64_t)s->thp;
	case COL_LOCKED: return (int64_t)s->locked;
	default: return (int64_t)s->zero;
	}
}

static unsigned long long kib(const struct pfx_maps_table *t, uint64_t pages)
{
	return (unsigned long long)(pages * (t->page_size / 1024));
}

/* "rw-p" as in /proc/PID/maps. */
static void perm_string(const struct pfx_map_entry *m, char out[5])
{
	out[0] = m->prot & PROT_READ ? 'r' : '-';
	out[1] = m->prot & PROT_WRITE ? 'w' : '-';
	out[2] = m->prot & PROT_EXEC ? 'x' : '-';
	out[3] = m->flags & MAP_SHARED ? 's' : 'p';
	out[4] = '\0';
}

static const char *kind_name(const struct pfx_map_entry *m)
{
	return pfx_map_kind_name(pfx_map_classify(m->path, m->flags));
}

/* SIZE and the state columns of one row, in the format's own way. */
static void print_counts(FILE *fp, enum pfx_format format, const struct pfx_maps_table *t,
			 const struct pfx_page_states *s)
{
	unsigned long long size = kib(t, s->pages);

	if (format == PFX_FORMAT_TEXT)
		fprintf(fp, " %10llu", size);
	else if (format == PFX_FORMAT_JSON)
		fprintf(fp, "\"size_kib\":%llu", size);
	else
		fprintf(fp, "%llu", size);
	for (int c = 0; c < N_COLUMNS; c++) {
		int64_t pages = column_pages(s, (enum column)c);
		unsigned long long v = pages < 0 ? 0 : kib(t, (uint64_t)pages);

		if (format == PFX_FORMAT_TEXT && pages < 0)
			fprintf(fp, " %9s", "-");
		else if (format == PFX_FORMAT_TEXT)
			fprintf(fp, " %9llu", v);
		else if (format == PFX_FORMAT_JSON && pages < 0)
			fprintf(fp, ",\"%s_kib\":null", column_names[c]);
		else if (format == PFX_FORMAT_JSON)
			fprintf(fp, ",\"%s_kib\":%llu", column_names[c], v);
		else if (pages < 0)
			fputc(',', fp);
		else
			fprintf(fp, ",%llu", v);
	}
}

/* --- text: like pmap -X, one mapping a line --- */

static void print_text(FILE *fp, const struct pfx_maps_table *t)
{
	int width = 12;
	char perm[5];

	for (size_t i = 0; i < t->n; i++) {
		int w = snprintf(NULL, 0, "%llx", (unsigned long long)t->maps[i].end);

		if (w > width)
			width = w;
	}
	fprintf(fp, "pfx maps: pid %d (", (int)t->pid);
	pfx_safetext_fputs(fp, t->comm);
	fprintf(fp, "), %zu mappings, sizes in KiB\n", t->n);
	fprintf(fp, "%-*s %-*s %-4s %-5s %10s %9s %9s %9s %9s %9s %9s  %s\n", width, "START", width, "END",
		"PERM", "KIND", "SIZE", "RSS", "SWAP", "DIRTY", "THP", "LOCKED", "ZERO", "PATH");
	for (size_t i = 0; i < t->n; i++) {
		const struct pfx_map_entry *m = &t->maps[i];

		perm_string(m, perm);
		fprintf(fp, "%-*llx %-*llx %-4s %-5s", width, (unsigned long long)m->start, width,
			(unsigned long long)m->end, perm, kind_name(m));
		print_counts(fp, PFX_FORMAT_TEXT, t, &t->states[i]);
		fputs("  ", fp);
		pfx_safetext_fputs(fp, m->path);
		fputc('\n', fp);
	}
	fprintf(fp, "%-*s %-*s %-4s %-5s", width, "total", width, "", "", "");
	print_counts(fp, PFX_FORMAT_TEXT, t, &t->total);
	fputc('\n', fp);
}

/* --- JSON: one document, a mapping a line --- */

static void print_json(FILE *fp, const struct pfx_maps_table *t)
{
	char perm[5];

	fprintf(fp, "{\"command\":\"maps\",\"pid\":%d,\"comm\":", (int)t->pid);
	pfx_json_string(fp, t->comm);
	fprintf(fp, ",\"page_size\":%llu,\"physical\":%s,\"mappings\":[\n",
		(unsigned long long)t->page_size, t->total.physical ? "true" : "false");
	for (size_t i = 0; i < t->n; i++) {
		const struct pfx_map_entry *m = &t->maps[i];

		perm_string(m, perm);
		fprintf(fp, "{\"start\":\"0x%llx\",\"end\":\"0x%llx\",\"perm\":\"%s\",\"kind\":\"%s\",\"path\":",
			(unsigned long long)m->start, (unsigned long long)m->end, perm, kind_name(m));
		pfx_json_string(fp, m->path);
		fputc(',', fp);
		print_counts(fp, PFX_FORMAT_JSON, t, &t->states[i]);
		fprintf(fp, "}%s\n", i + 1 < t->n ? "," : "");
	}
	fprintf(fp, "],\n\"total\":{");
	print_counts(fp, PFX_FORMAT_JSON, t, &t->total);
	fprintf(fp, "}}\n");
}

/* --- CSV: a header, a row per mapping, the total --- */

static void print_csv(FILE *fp, const struct pfx_maps_table *t)
{
	char perm[5];

	fprintf(fp, "scope,start,end,perm,kind,size_kib");
	for (int c = 0; c < N_COLUMNS; c++)
		fprintf(fp, ",%s_kib", column_names[c]);
	fprintf(fp, ",path\n");
	for (size_t i = 0; i < t->n; i++) {
		const struct pfx_map_entry *m = &t->maps[i];

		perm_string(m, perm);
		fprintf(fp, "mapping,0x%llx,0x%llx,%s,%s,", (unsigned long long)m->start,
			(unsigned long long)m->end, perm, kind_name(m));
		print_counts(fp, PFX_FORMAT_CSV, t, &t->states[i]);
		fputc(',', fp);
		pfx_csv_field(fp, m->path);
		fputc('\n', fp);
	}
	fprintf(fp, "total,,,,,");
	print_counts(fp, PFX_FORMAT_CSV, t, &t->total);
	fprintf(fp, ",\n");
}

void pfx_maps_print(FILE *fp, enum pfx_format format, const struct pfx_maps_table *t)
{
	switch (format) {
	case PFX_FORMAT_TEXT:
		print_text(fp, t);
		break;
	case PFX_FORMAT_JSON:
		print_json(fp, t);
		break;
	case PFX_FORMAT_CSV:
		print_csv(fp, t);
		break;
	}
}
