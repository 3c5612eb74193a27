/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top_output: text, JSON and CSV for 'pfx top' batch mode. */
#include "config.h"
#include "top_output.h"
#include "cgname.h"
#include "safetext.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *pfx_top_fmt_kb(char *buf, size_t size, uint64_t kb)
{
	if (kb < 10 * 1024)
		snprintf(buf, size, "%" PRIu64 "K", kb);
	else if (kb < 10ull * 1024 * 1024)
		snprintf(buf, size, "%.1fM", (double)kb / 1024);
	else
		snprintf(buf, size, "%.1fG", (double)kb / (1024 * 1024));
	return buf;
}

/* The tree's indentation needs room for the names after it. */
static int command_width(enum top_view view)
{
	return view == TOP_VIEW_TREE ? 28 : 20;
}

int pfx_top_fmt_header(char *buf, size_t size, enum top_view view)
{
	return snprintf(buf, size, "%7s %-9s %-*s %9s %9s %10s %8s %7s %7s %4s %s%s", "PID", "USER",
			command_width(view), "COMMAND", "MINOR/s", "MAJOR/s", "MINFLT", "MAJFLT", "RSS", "SWAP", "THR",
			view == TOP_VIEW_TREE ? "SUB-MIN/s SUB-MAJ/s SUB-RSS " : "", "CGROUP");
}

int pfx_top_fmt_row(char *buf, size_t size, struct top_table *t, const struct top_row *r,
		enum top_view view)
{
	char rss[16], swap[16], name[PFX_SAFETEXT_BUF(TOP_COMM_MAX) + 16], sub[64] = "";
	char comm[PFX_SAFETEXT_BUF(TOP_COMM_MAX)], cgroup[PFX_SAFETEXT_BUF(TOP_CGROUP_MAX)];
	const struct top_sums *s = &r->own;

	/* Names are other users' text: made safe first, then cut and padded. */
	pfx_safetext(cgroup, sizeof(cgroup), r->kind == TOP_ROW_CGROUP ? r->group->cgroup : r->proc->cgroup);
	if (r->kind == TOP_ROW_CGROUP) {
		struct pfx_cgname cn;
		char pod[128] = "";

		/* a pod's cgroup is named first, by its pod and container (the
		 * path follows: a screen cuts it at its edge, not the name) */
		if (pfx_cgname_parse(r->group->cgroup, &cn) && pfx_cgname_short(&cn, pod, sizeof(pod) - 1) > 0)
			strcat(pod, " ");
		snprintf(name, sizeof(name), "[%" PRIu64 " processes]", s->nprocs);
		return snprintf(buf, size, "%7s %-9s %-*s %9.1f %9.1f %10" PRIu64 " %8" PRIu64
				" %7s %7s %4" PRIu64 " %s%s", "-", "-", command_width(view), name, s->minor_rate,
				s->major_rate, s->minor, s->major,
				pfx_top_fmt_kb(rss, sizeof(rss), s->rss_kb),
				pfx_top_fmt_kb(swap, sizeof(swap), s->swap_kb), s->threads, pod, cgroup);
	}
	/* Indent by depth so a tree reads as one, capped to keep the columns. */
	{
		int depth = r->depth > 12 ? 12 : r->depth;

		snprintf(name, sizeof(name), "%*s%s%s", depth, "",
			 depth && view == TOP_VIEW_TREE ? "`-" : "",
			 pfx_safetext_str(comm, sizeof(comm), r->proc->comm));
		/* cut to the column at a whole character or escape (what is
		 * safe already stays as it is) */
		pfx_safetext(comm, (size_t)command_width(view) + 1, name);
		memcpy(name, comm, strlen(comm) + 1);
	}
	if (r->has_subtree) {
		char srss[16];

		snprintf(sub, sizeof(sub), "%9.1f %9.1f %7s ", r->subtree.minor_rate,
			 r->subtree.major_rate, pfx_top_fmt_kb(srss, sizeof(srss), r->subtree.rss_kb));
	}
	return snprintf(buf, size, "%7d %-9.9s %-*s %9.1f %9.1f %10" PRIu64 " %8" PRIu64
			" %7s %7s %4u %s%s", (int)r->proc->pid, pfx_top_user_name(t, r->proc->uid),
			command_width(view), name,
			s->minor_rate, s->major_rate, s->minor, s->major,
			pfx_top_fmt_kb(rss, sizeof(rss), s->rss_kb),
			pfx_top_fmt_kb(swap, sizeof(swap), s->swap_kb), r->proc->threads, sub, cgroup);
}

int pfx_top_fmt_alert(char *buf, size_t size, const struct top_alert_event *ev)
{
	char subject[PFX_SAFETEXT_BUF(TOP_CGROUP_MAX) + 96], value[48];
	char name[PFX_SAFETEXT_BUF(TOP_CGROUP_MAX)];

	if (ev->cgroup_scope)
		snprintf(subject, sizeof(subject), "cgroup %s", pfx_safetext_str(name, sizeof(name), ev->cgroup));
	else
		snprintf(subject, sizeof(subject), "pid %d (%s)", (int)ev->pid,
			 pfx_safetext_str(name, sizeof(name), ev->comm));
	if (ev->kind == TOP_ALERT_SWAP)
		snprintf(value, sizeof(value), "swap %.0f bytes > %.0f", ev->value, ev->threshold);
	else
		snprintf(value, sizeof(value), "%s %.1f/s > %.1f/s", pfx_top_alert_kind_name(ev->kind),
			 ev->value, ev->threshold);
	if (ev->firing)
		return snprintf(buf, size, "ALERT firing %s: %s for %.1f s", subject, value, ev->held_s);
	if (ev->gone)
		return snprintf(buf, size, "ALERT cleared %s: %s gone", subject,
				pfx_top_alert_kind_name(ev->kind));
	snprintf(value, sizeof(value), "%s %.1f%s <= %.1f%s", pfx_top_alert_kind_name(ev->kind),
		 ev->value, ev->kind == TOP_ALERT_SWAP ? "" : "/s", ev->threshold,
		 ev->kind == TOP_ALERT_SWAP ? "" : "/s");
	return snprintf(buf, size, "ALERT cleared %s: %s", subject, value);
}

/* ---- text ------------------------------------------------------------- */

static void text_frame(struct top_out *o, const struct top_frame *f, const struct top_row *rows,
		       size_t nrows)
{
	char line[1024];

	if (o->frames)
		fputc('\n', o->fp);
	fprintf(o->fp, "pfx top  time %.2f s  interval %.2f s  %zu processes  minor %.1f/s  "
		"major %.1f/s  sort %s\n", f->time, f->interval, f->nprocs, f->total.minor_rate,
		f->total.major_rate, pfx_top_sort_name(f->sort));
	pfx_top_fmt_header(line, sizeof(line), f->view);
	fprintf(o->fp, "%s\n", line);
	for (size_t i = 0; i < nrows; i++) {
		pfx_top_fmt_row(line, sizeof(line), o->table, &rows[i], f->view);
		fputs(line, o->fp);
		fputc('\n', o->fp);
	}
}

/* ---- JSON ------------------------------------------------------------- */

/* A cgroup's pod, container, QoS and service names, each only when known
 * (as pfx serve's labels). */
static void json_cgname(FILE *fp, const char *cgroup)
{
	struct pfx_cgname n;
	const char *key[PFX_CGNAME_NKEYS], *value[PFX_CGNAME_NKEYS];
	int nkeys = pfx_cgname_fields(cgroup, &n, key, value);

	for (int i = 0; i < nkeys; i++) {
		fprintf(fp, ",\"%s\":", key[i]);
		pfx_json_string(fp, value[i]);
	}
}

static void json_sums(FILE *fp, const struct top_sums *s)
{
	fprintf(fp, "\"minor_per_s\":%.1f,\"major_per_s\":%.1f,\"minor\":%" PRIu64 ",\"major\":%"
		PRIu64 ",\"rss_kb\":%" PRIu64 ",\"swap_kb\":%" PRIu64 ",\"threads\":%" PRIu64,
		s->minor_rate, s->major_rate, s->minor, s->major, s->rss_kb, s->swap_kb, s->threads);
}

static void json_frame(struct top_out *o, const struct top_frame *f, const struct top_row *rows,
		       size_t nrows)
{
	FILE *fp = o->fp;

	fprintf(fp, "{\"type\":\"sample\",\"time\":%.3f,\"timestamp\":%.3f,\"interval\":%.3f,"
		"\"processes\":%zu,\"vanished\":%" PRIu64 ",\"sort\":\"%s\",\"total\":{", f->time,
		f->timestamp, f->interval, f->nprocs, f->vanished, pfx_top_sort_name(f->sort));
	json_sums(fp, &f->total);
	fprintf(fp, "},\"rows\":[");
	for (size_t i = 0; i < nrows; i++) {
		const struct top_row *r = &rows[i];

		if (i)
			fputc(',', fp);
		if (r->kind == TOP_ROW_CGROUP) {
			fprintf(fp, "{\"kind\":\"cgroup\",\"cgroup\":");
			pfx_json_string(fp, r->group->cgroup);
			json_cgname(fp, r->group->cgroup);
			fprintf(fp, ",\"processes\":%" PRIu64 ",", r->own.nprocs);
			json_sums(fp, &r->own);
			fputc('}', fp);
			continue;
		}
		fprintf(fp, "{\"kind\":\"process\",\"pid\":%d,\"ppid\":%d,\"user\":", (int)r->proc->pid,
			(int)r->proc->ppid);
		pfx_json_string(fp, pfx_top_user_name(o->table, r->proc->uid));
		fprintf(fp, ",\"command\":");
		pfx_json_string(fp, r->proc->comm);
		fputc(',', fp);
		json_sums(fp, &r->own);
		fprintf(fp, ",\"rate_known\":%s,\"cgroup\":", r->proc->has_rate ? "true" : "false");
		pfx_json_string(fp, r->proc->cgroup);
		if (f->view != TOP_VIEW_FLAT)
			fprintf(fp, ",\"depth\":%d", r->depth);
		if (r->has_subtree) {
			fprintf(fp, ",\"subtree\":{\"processes\":%" PRIu64 ",", r->subtree.nprocs);
			json_sums(fp, &r->subtree);
			fputc('}', fp);
		}
		fputc('}', fp);
	}
	fprintf(fp, "]}\n");
}

static void json_alert(struct top_out *o, const struct top_alert_event *ev)
{
	FILE *fp = o->fp;

	fprintf(fp, "{\"type\":\"alert\",\"time\":%.3f,\"state\":\"%s\",\"kind\":\"%s\",\"scope\":\"%s\"",
		ev->time, ev->firing ? "firing" : "cleared", pfx_top_alert_kind_name(ev->kind),
		ev->cgroup_scope ? "cgroup" : "process");
	if (!ev->cgroup_scope) {
		fprintf(fp, ",\"pid\":%d,\"command\":", (int)ev->pid);
		pfx_json_string(fp, ev->comm ? ev->comm : "");
	}
	fprintf(fp, ",\"cgroup\":");
	pfx_json_string(fp, ev->cgroup ? ev->cgroup : "");
	fprintf(fp, ",\"value\":%.1f,\"threshold\":%.1f", ev->value, ev->threshold);
	if (ev->firing)
		fprintf(fp, ",\"for\":%.3f", ev->held_s);
	if (ev->gone)
		fprintf(fp, ",\"reason\":\"exited\"");
	fprintf(fp, "}\n");
}

/* ---- CSV -------------------------------------------------------------- */

/* Every line starts with its type: "process", "cgroup" rows share the
 * header's columns; "alert" lines have their own (documented) layout, so
 * a reader splits on the first field. */
static void csv_frame(struct top_out *o, const struct top_frame *f, const struct top_row *rows,
		      size_t nrows)
{
	FILE *fp = o->fp;

	if (!o->csv_header_done) {
		fprintf(fp, "type,time,pid,ppid,user,command,minor_per_s,major_per_s,minor,major,"
			"rss_kb,swap_kb,threads,cgroup,depth,sub_minor_per_s,sub_major_per_s,sub_rss_kb\n");
		o->csv_header_done = true;
	}
	for (size_t i = 0; i < nrows; i++) {
		const struct top_row *r = &rows[i];
		const struct top_sums *s = &r->own;

		if (r->kind == TOP_ROW_CGROUP) {
			fprintf(fp, "cgroup,%.3f,,,,,", f->time);
		} else {
			fprintf(fp, "process,%.3f,%d,%d,", f->time, (int)r->proc->pid, (int)r->proc->ppid);
			pfx_csv_field(fp, pfx_top_user_name(o->table, r->proc->uid));
			fputc(',', fp);
			pfx_csv_field(fp, r->proc->comm);
			fputc(',', fp);
		}
		fprintf(fp, "%.1f,%.1f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",",
			s->minor_rate, s->major_rate, s->minor, s->major, s->rss_kb, s->swap_kb,
			s->threads);
		pfx_csv_field(fp, r->kind == TOP_ROW_CGROUP ? r->group->cgroup : r->proc->cgroup);
		fprintf(fp, ",%d,", r->depth);
		/* subtree sums: --tree only, empty otherwise */
		if (r->has_subtree)
			fprintf(fp, "%.1f,%.1f,%" PRIu64 "\n", r->subtree.minor_rate,
				r->subtree.major_rate, r->subtree.rss_kb);
		else
			fprintf(fp, ",,\n");
	}
}

static void csv_alert(struct top_out *o, const struct top_alert_event *ev)
{
	FILE *fp = o->fp;

	fprintf(fp, "alert,%.3f,%s,%s,%s,%d,", ev->time, ev->firing ? "firing" : "cleared",
		pfx_top_alert_kind_name(ev->kind), ev->cgroup_scope ? "cgroup" : "process",
		ev->cgroup_scope ? 0 : (int)ev->pid);
	pfx_csv_field(fp, ev->comm ? ev->comm : "");
	fputc(',', fp);
	pfx_csv_field(fp, ev->cgroup ? ev->cgroup : "");
	fprintf(fp, ",%.1f,%.1f\n", ev->value, ev->threshold);
}

int pfx_top_output_frame(struct top_out *o, const struct top_frame *f, const struct top_row *rows,
		     size_t nrows)
{
	switch (o->format) {
	case PFX_FORMAT_TEXT: text_frame(o, f, rows, nrows); break;
	case PFX_FORMAT_JSON: json_frame(o, f, rows, nrows); break;
	case PFX_FORMAT_CSV: csv_frame(o, f, rows, nrows); break;
	}
	o->frames++;
	/* A reader that went away ('pfx top -b | head') must end the run:
	 * with SIGPIPE ignored, nothing else would. */
	if (fflush(o->fp) || ferror(o->fp))
		return errno ? -errno : -EIO;
	return 0;
}

void pfx_top_output_alert(struct top_out *o, const struct top_alert_event *ev)
{
	char line[1024];

	switch (o->format) {
	case PFX_FORMAT_TEXT:
		pfx_top_fmt_alert(line, sizeof(line), ev);
		fprintf(o->fp, "%s\n", line);
		break;
	case PFX_FORMAT_JSON: json_alert(o, ev); break;
	case PFX_FORMAT_CSV: csv_alert(o, ev); break;
	}
	fflush(o->fp);
}
