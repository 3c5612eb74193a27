/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top_output: text, JSON and CSV for 'pfx top' batch mode. */
#include "config.h"
#include "top_output.h"
#include "cgname.h"
#include "safetext.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* ---- columns written by hand -------------------------------------------
 * A batch refresh writes one row per process: printf's format parsing and
 * its floating-point path were most of pfx top's user time (callgrind, 1,000
 * processes: ~13,000 instructions a row, now ~1,000).  Each helper writes
 * what the printf conversion in its comment would, byte for byte
 * (tests/test-top.c compares them with snprintf). */

static char *put_pad(char *p, int n)
{
	for (; n > 0; n--)
		*p++ = ' ';
	return p;
}

/* "%<width>" PRIu64, or PRId64 with neg */
static char *put_num(char *p, uint64_t v, bool neg, int width)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	p = put_pad(p, width - n - neg);
	if (neg)
		*p++ = '-';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "%<width>.1f": the value's exact binary fraction rounded to one decimal,
 * a tie to the even digit, as glibc does; past 2^53, negative or not a
 * number (never a rate or a size), snprintf itself.  At most 320 bytes. */
static char *put_f1(char *p, double v, int width)
{
	uint64_t ip;
	unsigned digit = 0;
	double frac;

	if (!(v >= 0 && v < 9007199254740992.0) || signbit(v))
		return p + snprintf(p, 330, "%*.1f", width, v);
	ip = (uint64_t)v;
	frac = v - (double)ip;	/* exact */
	if (frac > 0) {
		int e;
		double m = frexp(frac, &e);	/* frac = m * 2^e, e <= 0 */
		int k = 53 - e;			/* frac = M / 2^k, M < 2^53 */

		/* below 2^-7 the digit is 0 and the rest under a half */
		if (k <= 60) {
			uint64_t x = (uint64_t)ldexp(m, 53) * 10, half = 1ull << (k - 1);
			uint64_t rest = x & ((1ull << k) - 1);

			digit = (unsigned)(x >> k);
			if (rest > half || (rest == half && (digit & 1)))
				digit++;
			if (digit == 10) {
				digit = 0;
				ip++;
			}
		}
	}
	p = put_num(p, ip, false, width - 2);
	*p++ = '.';
	*p++ = (char)('0' + digit);
	return p;
}

/* "%-<width>s" (left) or "%<width>s" of len bytes */
static char *put_str(char *p, const char *s, size_t len, int width, bool left)
{
	if (!left)
		p = put_pad(p, width - (int)len);
	memcpy(p, s, len);
	p += len;
	return left ? put_pad(p, width - (int)len) : p;
}

/* "980K", "256.0M", "1.5G"; at most 330 bytes */
static size_t fmt_kb(char *buf, uint64_t kb)
{
	char *p = buf;

	if (kb < 10 * 1024) {
		p = put_num(p, kb, false, 0);
		*p++ = 'K';
	} else if (kb < 10ull * 1024 * 1024) {
		p = put_f1(p, (double)kb / 1024, 0);
		*p++ = 'M';
	} else {
		p = put_f1(p, (double)kb / (1024 * 1024), 0);
		*p++ = 'G';
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/* "%7s" of a size */
static char *put_kb(char *p, uint64_t kb)
{
	char tmp[336];

	return put_str(p, tmp, fmt_kb(tmp, kb), 7, false);
}

const char *pfx_top_fmt_kb(char *buf, size_t size, uint64_t kb)
{
	char tmp[336];
	size_t n = fmt_kb(tmp, kb);

	if (size) {
		if (n >= size)
			n = size - 1;
		memcpy(buf, tmp, n);
		buf[n] = '\0';
	}
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

/* A row is at most this long: numbers past 2^53 printed whole by put_f1
 * (320 bytes each at worst), the name cut to its column, a cgroup path of
 * TOP_CGROUP_MAX escaped. */
enum { ROW_MAX = 4096 };

/* One row into p (ROW_MAX bytes), no NUL: its length. */
static size_t put_row(char *out, struct top_table *t, const struct top_row *r, enum top_view view)
{
	char comm[PFX_SAFETEXT_BUF(TOP_COMM_MAX)], name[PFX_SAFETEXT_BUF(TOP_COMM_MAX) + 16];
	const struct top_sums *s = &r->own;
	const char *user;
	char *p = out, *n;
	int width = command_width(view), depth = r->depth > 12 ? 12 : r->depth;
	size_t len;

	/* "%7d %-9.9s %-*s " */
	p = put_num(p, (uint64_t)(r->proc->pid < 0 ? -(int64_t)r->proc->pid : r->proc->pid),
		    r->proc->pid < 0, 7);
	*p++ = ' ';
	user = pfx_top_user_name(t, r->proc->uid);
	p = put_str(p, user, strnlen(user, 9), 9, true);
	*p++ = ' ';
	/* Names are other users' text: made safe first, then indented by
	 * depth so a tree reads as one (capped to keep the columns), and cut
	 * to the column at a whole character or escape (what is safe already
	 * stays as it is). */
	n = put_pad(name, depth);
	if (depth && view == TOP_VIEW_TREE) {
		*n++ = '`';
		*n++ = '-';
	}
	len = (size_t)(n - name) + pfx_safetext(n, sizeof(name) - (size_t)(n - name), r->proc->comm);
	if (len > (size_t)width) {
		pfx_safetext(comm, (size_t)width + 1, name);
		p = put_str(p, comm, strlen(comm), width, true);
	} else {
		p = put_str(p, name, len, width, true);	/* fits, and safe text stays as it is */
	}
	/* " %9.1f %9.1f %10" PRIu64 " %8" PRIu64 " %7s %7s %4u " */
	*p++ = ' ';
	p = put_f1(p, s->minor_rate, 9);
	*p++ = ' ';
	p = put_f1(p, s->major_rate, 9);
	*p++ = ' ';
	p = put_num(p, s->minor, false, 10);
	*p++ = ' ';
	p = put_num(p, s->major, false, 8);
	*p++ = ' ';
	p = put_kb(p, s->rss_kb);
	*p++ = ' ';
	p = put_kb(p, s->swap_kb);
	*p++ = ' ';
	p = put_num(p, r->proc->threads, false, 4);
	*p++ = ' ';
	if (r->has_subtree) {
		/* "%9.1f %9.1f %7s " */
		p = put_f1(p, r->subtree.minor_rate, 9);
		*p++ = ' ';
		p = put_f1(p, r->subtree.major_rate, 9);
		*p++ = ' ';
		p = put_kb(p, r->subtree.rss_kb);
		*p++ = ' ';
	}
	p += pfx_safetext(p, PFX_SAFETEXT_BUF(TOP_CGROUP_MAX), r->proc->cgroup);
	return (size_t)(p - out);
}

int pfx_top_fmt_row(char *buf, size_t size, struct top_table *t, const struct top_row *r,
		enum top_view view)
{
	char rss[16], swap[16], name[PFX_SAFETEXT_BUF(TOP_COMM_MAX) + 16];
	char cgroup[PFX_SAFETEXT_BUF(TOP_CGROUP_MAX)], row[ROW_MAX];
	const struct top_sums *s = &r->own;
	size_t len;

	if (r->kind == TOP_ROW_CGROUP) {
		struct pfx_cgname cn;
		char pod[128] = "";

		pfx_safetext(cgroup, sizeof(cgroup), r->group->cgroup);
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
	len = put_row(row, t, r, view);
	if (size) {
		size_t n = len < size ? len : size - 1;

		memcpy(buf, row, n);
		buf[n] = '\0';
	}
	return (int)len;
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
	/* The rows go out in a few large writes, not through stdio a line
	 * at a time. */
	char chunk[64 * 1024], line[1024];
	size_t used = 0;

	if (o->frames)
		fputc('\n', o->fp);
	fprintf(o->fp, "pfx top  time %.2f s  interval %.2f s  %zu processes  minor %.1f/s  "
		"major %.1f/s  sort %s\n", f->time, f->interval, f->nprocs, f->total.minor_rate,
		f->total.major_rate, pfx_top_sort_name(f->sort));
	pfx_top_fmt_header(line, sizeof(line), f->view);
	fprintf(o->fp, "%s\n", line);
	for (size_t i = 0; i < nrows; i++) {
		if (used + ROW_MAX + 1 > sizeof(chunk)) {
			fwrite(chunk, 1, used, o->fp);
			used = 0;
		}
		if (rows[i].kind == TOP_ROW_PROC) {
			used += put_row(chunk + used, o->table, &rows[i], f->view);
		} else {
			pfx_top_fmt_row(chunk + used, ROW_MAX, o->table, &rows[i], f->view);
			used += strlen(chunk + used);
		}
		chunk[used++] = '\n';
	}
	fwrite(chunk, 1, used, o->fp);
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
