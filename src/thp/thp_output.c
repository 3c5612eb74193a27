/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thp_output: the three formats of 'pfx thp'.  Unknown values (a counter
 * the kernel lacks, the target gone, tracepoints denied) are '-' in text,
 * null in JSON and empty in CSV, never 0. */
#include "config.h"
#include "thp_output.h"
#include "safetext.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define KIB_PER_MIB 1024.0

/* The vmstat deltas the text rows show; every one is in JSON, CSV and the
 * text summary. */
static const enum pfx_vm_counter text_vm[] = {
	PFX_VM_THP_FAULT_ALLOC, PFX_VM_THP_FAULT_FALLBACK, PFX_VM_THP_COLLAPSE_ALLOC,
	PFX_VM_THP_SPLIT_PAGE, PFX_VM_PGMIGRATE_SUCCESS, PFX_VM_NUMA_HINT_FAULTS,
};
static const char *const text_vm_heads[] = { "alloc", "fallback", "collapse", "split", "migrated", "hint" };
static const enum pfx_thp_tp text_tp[] = { PFX_THP_TP_COLLAPSE, PFX_THP_TP_MIGRATE };
static const char *const text_tp_heads[] = { "tp_coll", "tp_migr" };

#define N_TEXT_VM (sizeof(text_vm) / sizeof(text_vm[0]))
#define N_TEXT_TP (sizeof(text_tp) / sizeof(text_tp[0]))

/* A count, or "-" when unknown, into buf. */
static const char *num(char *buf, size_t size, bool known, uint64_t v)
{
	if (known)
		snprintf(buf, size, "%" PRIu64, v);
	else
		snprintf(buf, size, "-");
	return buf;
}

static void json_num(FILE *fp, const char *key, bool known, uint64_t v)
{
	if (known)
		fprintf(fp, ",\"%s\":%" PRIu64, key, v);
	else
		fprintf(fp, ",\"%s\":null", key);
}

static void csv_num(FILE *fp, bool known, uint64_t v)
{
	if (known)
		fprintf(fp, ",%" PRIu64, v);
	else
		fputc(',', fp);
}

static double thp_share(const struct pfx_thp_rollup *r)
{
	return r->anon_kb ? (double)r->anon_huge_kb / (double)r->anon_kb : 0;
}

/* The THP share in percent, or "-" without an AnonHugePages line. */
static const char *share(char *buf, size_t size, const struct pfx_thp_rollup *r)
{
	if (r->has_anon_huge)
		snprintf(buf, size, "%.1f", 100.0 * thp_share(r));
	else
		snprintf(buf, size, "-");
	return buf;
}

/* --- header --- */

static void header_json(const struct pfx_thp_out *o, const struct pfx_thp_header *h)
{
	FILE *fp = o->fp;

	fprintf(fp, "{\"type\":\"header\",\"command\":\"thp\",\"pid\":%d,\"comm\":", (int)h->pid);
	pfx_json_string(fp, h->comm);
	fprintf(fp, ",\"interval_s\":%.6g,\"huge_page_kb\":%" PRIu64 ",\"thp_available\":%s,\"enabled\":",
		h->interval_s, h->policy->huge_page_kb, h->policy->available ? "true" : "false");
	pfx_json_string(fp, h->policy->available ? h->policy->enabled : "");
	fprintf(fp, ",\"defrag\":");
	pfx_json_string(fp, h->policy->available ? h->policy->defrag : "");
	fprintf(fp, ",\"policy_note\":");
	pfx_json_string(fp, pfx_thp_policy_note(h->policy));
	fprintf(fp, ",\"fault_source\":");
	pfx_json_string(fp, h->fault_source);
	fprintf(fp, ",\"numa_maps\":%s,\"tracepoints\":", h->numa ? "true" : "false");
	pfx_json_string(fp, h->tp_missing ? h->tp_missing : "counted");
	fprintf(fp, ",\"system_wide\":\"system_wide objects count every process and kernel thread "
		    "(khugepaged, kcompactd), not only pid %d\"}\n", (int)h->pid);
}

static void header_csv(const struct pfx_thp_out *o, const struct pfx_thp_header *h)
{
	FILE *fp = o->fp;

	fprintf(fp, "# pfx thp: pid %d (", (int)h->pid);
	pfx_safetext_fputs(fp, h->comm);
	fprintf(fp, "), THP enabled [%s] defrag [%s] (%s); sys_ columns are "
		    "system-wide; faults: %s\n",
		h->policy->available ? h->policy->enabled : "-", h->policy->available ? h->policy->defrag : "-",
		pfx_thp_policy_note(h->policy), h->fault_source);
	fprintf(fp, "scope,time,window_s,faults,minor,major,rss_kb,anon_kb,anon_huge_kb,shmem_pmd_kb,"
		    "file_pmd_kb,huge_pages_gained,huge_pages_lost,numa_node_kb,numa_node_anon_kb,"
		    "numa_anon_unplaced_kb");
	for (unsigned c = 0; c < PFX_VM_COUNT; c++)
		fprintf(fp, ",sys_%s", pfx_vm_counter_name(c));
	for (unsigned t = 0; t < PFX_THP_TP_COUNT; t++)
		fprintf(fp, ",sys_%s", pfx_thp_tp_name(t));
	fputc('\n', fp);
}

static void header_text(const struct pfx_thp_out *o, const struct pfx_thp_header *h)
{
	FILE *fp = o->fp;

	fprintf(fp, "pfx thp: pid %d (", (int)h->pid);
	pfx_safetext_fputs(fp, h->comm);
	fprintf(fp, "), interval %.6g s, huge page %" PRIu64 " kB\n", h->interval_s,
		h->policy->huge_page_kb);
	if (h->policy->available)
		fprintf(fp, "THP policy: enabled [%s], defrag [%s]: %s\n", h->policy->enabled,
			h->policy->defrag, pfx_thp_policy_note(h->policy));
	else
		fprintf(fp, "THP policy: %s\n", pfx_thp_policy_note(h->policy));
	fprintf(fp, "faults: %s\n", h->fault_source);
	fprintf(fp, "after '|', system-wide (every process and khugepaged/kcompactd): /proc/vmstat "
		    "alloc=thp_fault_alloc fallback=thp_fault_fallback collapse=thp_collapse_alloc "
		    "split=thp_split_page migrated=pgmigrate_success hint=numa_hint_faults; tracepoints "
		    "tp_coll=huge_memory:mm_collapse_huge_page tp_migr=migrate:mm_migrate_pages%s%s\n",
		h->tp_missing ? " (" : "", h->tp_missing ? "not counted: see the note)" : "");
	fprintf(fp, "%8s %7s %7s %6s %9s %9s %6s %6s %6s |", "time_s", "faults", "minor", "major",
		"anon_MiB", "thp_MiB", "thp%", "+huge", "-huge");
	for (size_t i = 0; i < N_TEXT_VM; i++)
		fprintf(fp, " %8s", text_vm_heads[i]);
	fputs(" |", fp);
	for (size_t i = 0; i < N_TEXT_TP; i++)
		fprintf(fp, " %7s", text_tp_heads[i]);
	fprintf(fp, " | %s\n", h->numa ? "MiB per node (numa_maps)" : "no numa_maps");
}

void pfx_thp_print_header(const struct pfx_thp_out *o, const struct pfx_thp_header *h)
{
	static void (*const print[])(const struct pfx_thp_out *, const struct pfx_thp_header *) = {
		[PFX_FORMAT_TEXT] = header_text, [PFX_FORMAT_JSON] = header_json, [PFX_FORMAT_CSV] = header_csv,
	};

	print[o->format](o, h);
}

/* --- the target's part --- */

static void json_rollup(FILE *fp, bool known, const struct pfx_thp_rollup *r)
{
	json_num(fp, "rss_kb", known, r->rss_kb);
	json_num(fp, "anon_kb", known, r->anon_kb);
	json_num(fp, "anon_huge_kb", known && r->has_anon_huge, r->anon_huge_kb);
	json_num(fp, "shmem_pmd_kb", known && r->has_shmem_pmd, r->shmem_pmd_kb);
	json_num(fp, "file_pmd_kb", known && r->has_file_pmd, r->file_pmd_kb);
	if (known && r->has_anon_huge)
		fprintf(fp, ",\"thp_share\":%.4f", thp_share(r));
	else
		fprintf(fp, ",\"thp_share\":null");
	json_num(fp, "processes", known, r->processes);
}

static void json_numa(FILE *fp, bool known, const struct pfx_numa_usage *u)
{
	if (!known) {
		fprintf(fp, ",\"numa\":null");
		return;
	}
	fprintf(fp, ",\"numa\":{\"nodes\":[");
	for (size_t n = 0; n < u->n_nodes; n++)
		fprintf(fp, "%s{\"node\":%zu,\"kb\":%" PRIu64 ",\"anon_kb\":%" PRIu64 "}", n ? "," : "", n,
			u->node_kb[n], u->node_anon_kb[n]);
	fprintf(fp, "],\"total_kb\":%" PRIu64 ",\"anon_kb\":%" PRIu64 ",\"anon_unplaced_kb\":%" PRIu64
		    ",\"hugetlb_kb\":%" PRIu64 "}", u->total_kb, u->anon_kb, u->anon_unplaced_kb, u->hugetlb_kb);
}

static void json_system(FILE *fp, const struct pfx_vmstat *vm, const bool *tp_ok, const uint64_t *tp)
{
	fprintf(fp, ",\"system_wide\":{\"vmstat\":{");
	for (unsigned c = 0; c < PFX_VM_COUNT; c++) {
		fprintf(fp, "%s\"%s\":", c ? "," : "", pfx_vm_counter_name(c));
		if (vm->present[c])
			fprintf(fp, "%" PRIu64, vm->value[c]);
		else
			fputs("null", fp);
	}
	fprintf(fp, "},\"tracepoints\":{");
	for (unsigned t = 0; t < PFX_THP_TP_COUNT; t++) {
		fprintf(fp, "%s\"%s\":", t ? "," : "", pfx_thp_tp_name(t));
		if (tp_ok[t])
			fprintf(fp, "%" PRIu64, tp[t]);
		else
			fputs("null", fp);
	}
	fputs("}}", fp);
}

static void csv_target(FILE *fp, bool known, const struct pfx_thp_rollup *r)
{
	csv_num(fp, known, r->rss_kb);
	csv_num(fp, known, r->anon_kb);
	csv_num(fp, known && r->has_anon_huge, r->anon_huge_kb);
	csv_num(fp, known && r->has_shmem_pmd, r->shmem_pmd_kb);
	csv_num(fp, known && r->has_file_pmd, r->file_pmd_kb);
}

/* "0:65536 1:0": per node, one CSV field without commas. */
static void csv_nodes(FILE *fp, bool known, const struct pfx_numa_usage *u, bool anon)
{
	fputc(',', fp);
	for (size_t n = 0; known && n < u->n_nodes; n++)
		fprintf(fp, "%s%zu:%" PRIu64, n ? " " : "", n, anon ? u->node_anon_kb[n] : u->node_kb[n]);
}

static void csv_system(FILE *fp, const struct pfx_vmstat *vm, const bool *tp_ok, const uint64_t *tp)
{
	for (unsigned c = 0; c < PFX_VM_COUNT; c++)
		csv_num(fp, vm->present[c], vm->value[c]);
	for (unsigned t = 0; t < PFX_THP_TP_COUNT; t++)
		csv_num(fp, tp_ok[t], tp[t]);
	fputc('\n', fp);
}

/* --- rows --- */

static void row_json(FILE *fp, const struct pfx_thp_row *r)
{
	const struct pfx_thp_sample *s = r->cur;

	fprintf(fp, "{\"type\":\"sample\",\"time\":%.6f,\"window_s\":%.6f", r->time_s, r->window_s);
	json_num(fp, "faults", s->faults_ok, r->faults.faults);
	json_num(fp, "minor", s->faults_ok, r->faults.minor);
	json_num(fp, "major", s->faults_ok, r->faults.major);
	fprintf(fp, ",\"target_exited\":%s", s->target_ok ? "false" : "true");
	json_rollup(fp, s->target_ok, &s->rollup);
	json_num(fp, "huge_pages_gained", r->huge_known, r->huge_gained);
	json_num(fp, "huge_pages_lost", r->huge_known, r->huge_lost);
	json_numa(fp, s->numa_ok, &s->numa);
	json_system(fp, &r->vmstat, s->tp_ok, r->tp);
	fputs("}\n", fp);
}

static void row_csv(FILE *fp, const struct pfx_thp_row *r)
{
	const struct pfx_thp_sample *s = r->cur;

	fprintf(fp, "sample,%.6f,%.6f", r->time_s, r->window_s);
	csv_num(fp, s->faults_ok, r->faults.faults);
	csv_num(fp, s->faults_ok, r->faults.minor);
	csv_num(fp, s->faults_ok, r->faults.major);
	csv_target(fp, s->target_ok, &s->rollup);
	csv_num(fp, r->huge_known, r->huge_gained);
	csv_num(fp, r->huge_known, r->huge_lost);
	csv_nodes(fp, s->numa_ok, &s->numa, false);
	csv_nodes(fp, s->numa_ok, &s->numa, true);
	csv_num(fp, s->numa_ok, s->numa.anon_unplaced_kb);
	csv_system(fp, &r->vmstat, s->tp_ok, r->tp);
}

static void text_mib(FILE *fp, int width, bool known, uint64_t kb)
{
	if (known)
		fprintf(fp, " %*.1f", width, (double)kb / KIB_PER_MIB);
	else
		fprintf(fp, " %*s", width, "-");
}

static void text_nodes(FILE *fp, bool known, const struct pfx_numa_usage *u)
{
	fputs(" |", fp);
	for (size_t n = 0; known && n < u->n_nodes; n++)
		fprintf(fp, " N%zu=%.1f", n, (double)u->node_kb[n] / KIB_PER_MIB);
	if (!known)
		fputs(" -", fp);
}

static void row_text(FILE *fp, const struct pfx_thp_row *r)
{
	const struct pfx_thp_sample *s = r->cur;
	char a[32], b[32], c[32];

	fprintf(fp, "%8.3f %7s %7s %6s", r->time_s, num(a, sizeof(a), s->faults_ok, r->faults.faults),
		num(b, sizeof(b), s->faults_ok, r->faults.minor), num(c, sizeof(c), s->faults_ok, r->faults.major));
	text_mib(fp, 9, s->target_ok, s->rollup.anon_kb);
	text_mib(fp, 9, s->target_ok && s->rollup.has_anon_huge, s->rollup.anon_huge_kb);
	fprintf(fp, " %6s", s->target_ok ? share(a, sizeof(a), &s->rollup) : "-");
	fprintf(fp, " %6s %6s |", num(a, sizeof(a), r->huge_known, r->huge_gained),
		num(b, sizeof(b), r->huge_known, r->huge_lost));
	for (size_t i = 0; i < N_TEXT_VM; i++)
		fprintf(fp, " %8s", num(a, sizeof(a), r->vmstat.present[text_vm[i]], r->vmstat.value[text_vm[i]]));
	fputs(" |", fp);
	for (size_t i = 0; i < N_TEXT_TP; i++)
		fprintf(fp, " %7s", num(a, sizeof(a), s->tp_ok[text_tp[i]], r->tp[text_tp[i]]));
	text_nodes(fp, s->numa_ok, &s->numa);
	fputc('\n', fp);
}

void pfx_thp_print_row(const struct pfx_thp_out *o, const struct pfx_thp_row *r)
{
	static void (*const print[])(FILE *, const struct pfx_thp_row *) = {
		[PFX_FORMAT_TEXT] = row_text, [PFX_FORMAT_JSON] = row_json, [PFX_FORMAT_CSV] = row_csv,
	};

	print[o->format](o->fp, r);
}

/* --- summary --- */

static void summary_json(FILE *fp, const struct pfx_thp_summary *s)
{
	const struct pfx_thp_sample *t = s->last_target;
	static const struct pfx_thp_sample none;

	fprintf(fp, "{\"type\":\"summary\",\"seconds\":%.6f,\"intervals\":%zu", s->seconds, s->rows);
	json_num(fp, "faults", s->faults_ok, s->faults.faults);
	json_num(fp, "minor", s->faults_ok, s->faults.minor);
	json_num(fp, "major", s->faults_ok, s->faults.major);
	json_num(fp, "rusage_minor", s->has_rusage, s->rusage_minor);
	json_num(fp, "rusage_major", s->has_rusage, s->rusage_major);
	json_num(fp, "huge_pages_gained", s->anon_huge_known, s->huge_gained);
	json_num(fp, "huge_pages_lost", s->anon_huge_known, s->huge_lost);
	json_num(fp, "anon_huge_kb_first", s->anon_huge_known, s->anon_huge_kb_first);
	json_num(fp, "anon_huge_kb_peak", s->anon_huge_known, s->anon_huge_kb_peak);
	json_num(fp, "anon_huge_kb_last", s->anon_huge_known, s->anon_huge_kb_last);
	fprintf(fp, ",\"last\":{\"time\":%.6f", t ? s->last_target_s : 0.0);
	json_rollup(fp, t != NULL, t ? &t->rollup : &none.rollup);
	json_numa(fp, t && t->numa_ok, t ? &t->numa : &none.numa);
	fputc('}', fp);
	json_system(fp, &s->vmstat, s->tp_ok, s->tp);
	fputs("}\n", fp);
}

static void summary_csv(FILE *fp, const struct pfx_thp_summary *s)
{
	const struct pfx_thp_sample *t = s->last_target;
	static const struct pfx_thp_sample none;

	fprintf(fp, "summary,%.6f,%.6f", s->seconds, s->seconds);
	csv_num(fp, s->faults_ok, s->faults.faults);
	csv_num(fp, s->faults_ok, s->faults.minor);
	csv_num(fp, s->faults_ok, s->faults.major);
	csv_target(fp, t != NULL, t ? &t->rollup : &none.rollup);
	csv_num(fp, s->anon_huge_known, s->huge_gained);
	csv_num(fp, s->anon_huge_known, s->huge_lost);
	csv_nodes(fp, t && t->numa_ok, t ? &t->numa : &none.numa, false);
	csv_nodes(fp, t && t->numa_ok, t ? &t->numa : &none.numa, true);
	csv_num(fp, t && t->numa_ok, t ? t->numa.anon_unplaced_kb : 0);
	csv_system(fp, &s->vmstat, s->tp_ok, s->tp);
}

static void text_target_summary(FILE *fp, const struct pfx_thp_summary *s)
{
	const struct pfx_thp_sample *t = s->last_target;
	char a[32], b[32], c[32];

	fprintf(fp, "  the target: %s faults (%s minor, %s major)", num(a, sizeof(a), s->faults_ok, s->faults.faults),
		num(b, sizeof(b), s->faults_ok, s->faults.minor), num(c, sizeof(c), s->faults_ok, s->faults.major));
	if (s->anon_huge_known)
		fprintf(fp, " brought %" PRIu64 " huge pages; %" PRIu64 " huge pages went away\n", s->huge_gained,
			s->huge_lost);
	else
		fprintf(fp, "; its smaps_rollup has no AnonHugePages line (a kernel without THP)\n");
	if (s->has_rusage)
		fprintf(fp, "  the command's own count (rusage): %" PRIu64 " minor, %" PRIu64 " major\n",
			s->rusage_minor, s->rusage_major);
	if (s->anon_huge_known)
		fprintf(fp, "  AnonHugePages: first %" PRIu64 " kB, peak %" PRIu64 " kB, last %" PRIu64 " kB\n",
			s->anon_huge_kb_first, s->anon_huge_kb_peak, s->anon_huge_kb_last);
	fprintf(fp, "  at %.3f s (the last sample of the target): Rss %" PRIu64 " kB, Anonymous %" PRIu64
		    " kB, THP share %s%%, ShmemPmdMapped %s kB, FilePmdMapped %s kB\n", s->last_target_s,
		t->rollup.rss_kb, t->rollup.anon_kb, share(c, sizeof(c), &t->rollup),
		num(a, sizeof(a), t->rollup.has_shmem_pmd, t->rollup.shmem_pmd_kb),
		num(b, sizeof(b), t->rollup.has_file_pmd, t->rollup.file_pmd_kb));
	if (!t->numa_ok)
		return;
	fprintf(fp, "  NUMA (numa_maps):");
	for (size_t n = 0; n < t->numa.n_nodes; n++)
		fprintf(fp, " node %zu %" PRIu64 " kB (anon %" PRIu64 " kB);", n, t->numa.node_kb[n],
			t->numa.node_anon_kb[n]);
	fprintf(fp, " anon in mixed mappings %" PRIu64 " kB, hugetlbfs %" PRIu64 " kB\n",
		t->numa.anon_unplaced_kb, t->numa.hugetlb_kb);
}

static void summary_text(FILE *fp, const struct pfx_thp_summary *s)
{
	char a[32];

	fprintf(fp, "summary: %.3f s, %zu intervals\n", s->seconds, s->rows);
	if (s->last_target)
		text_target_summary(fp, s);
	else
		fprintf(fp, "  the target: no sample read it\n");
	fprintf(fp, "  system-wide over the run (every process, khugepaged, kcompactd):\n");
	for (unsigned c = 0; c < PFX_VM_COUNT; c++)
		fprintf(fp, "    %-40s %s\n", pfx_vm_counter_name(c),
			s->vmstat.present[c] ? num(a, sizeof(a), true, s->vmstat.value[c]) : "absent");
	for (unsigned t = 0; t < PFX_THP_TP_COUNT; t++)
		fprintf(fp, "    %-40s %s\n", pfx_thp_tp_name(t), num(a, sizeof(a), s->tp_ok[t], s->tp[t]));
}

void pfx_thp_print_summary(const struct pfx_thp_out *o, const struct pfx_thp_summary *s)
{
	static void (*const print[])(FILE *, const struct pfx_thp_summary *) = {
		[PFX_FORMAT_TEXT] = summary_text, [PFX_FORMAT_JSON] = summary_json, [PFX_FORMAT_CSV] = summary_csv,
	};

	print[o->format](o->fp, s);
}
