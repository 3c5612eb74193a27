/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stat_output: text, JSON-lines and CSV output of 'pfx stat'. */
#include "config.h"
#include "stat_output.h"
#include "safetext.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char csv_columns[] =
	"type,time,pid,tid,minor,major,faults,minor_per_s,major_per_s,alerts,source\n";
/* Host scopes (-a, -A, -G): a CPU and a cgroup where processes have pid, tid. */
static const char csv_scope_columns[] =
	"type,time,cpu,cgroup,minor,major,faults,minor_per_s,major_per_s,alerts,source\n";

/* 1234567 -> "1,234,567" (perf stat's grouping, locale-independent). */
static const char *grouped(uint64_t v, char *buf, size_t size)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%" PRIu64, v);
	size_t out = 0;

	for (int i = 0; i < n && out + 2 < size; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[out++] = ',';
		buf[out++] = digits[i];
	}
	buf[out] = '\0';
	return buf;
}

/* A rate with grouped integer part and one decimal: "16,384.5". */
static const char *grouped_rate(double rate, char *buf, size_t size)
{
	char whole[32];
	double rounded = floor(rate * 10.0 + 0.5) / 10.0;
	uint64_t ip = (uint64_t)rounded;

	snprintf(buf, size, "%s.%d", grouped(ip, whole, sizeof(whole)),
		 (int)((rounded - (double)ip) * 10.0 + 0.5) % 10);
	return buf;
}

static double per_second(uint64_t count, double seconds)
{
	return seconds > 0 ? (double)count / seconds : 0.0;
}

static void json_alerts(FILE *fp, unsigned alerts)
{
	fputs("\"alerts\":[", fp);
	if (alerts & STAT_ALERT_MINOR)
		fputs("\"minor\"", fp);
	if (alerts & STAT_ALERT_MAJOR)
		fputs(alerts & STAT_ALERT_MINOR ? ",\"major\"" : "\"major\"", fp);
	fputc(']', fp);
}

static const char *csv_alerts(unsigned alerts)
{
	switch (alerts & (STAT_ALERT_MINOR | STAT_ALERT_MAJOR)) {
	case STAT_ALERT_MINOR: return "minor";
	case STAT_ALERT_MAJOR: return "major";
	case STAT_ALERT_MINOR | STAT_ALERT_MAJOR: return "minor;major";
	}
	return "";
}

void pfx_stat_output_header(struct stat_output *o, enum pfx_count_source source,
			const char *description, const char *command, const pid_t *pids, size_t npids)
{
	switch (o->format) {
	case PFX_FORMAT_TEXT:
		fprintf(o->fp, "# source: %s\n", description);
		break;
	case PFX_FORMAT_JSON:
		fputs("{\"type\":\"header\",\"source\":", o->fp);
		pfx_json_string(o->fp, pfx_count_source_name(source));
		fputs(",\"description\":", o->fp);
		pfx_json_string(o->fp, description);
		fputs(",\"command\":", o->fp);
		pfx_json_string(o->fp, command);
		fputs(",\"pids\":[", o->fp);
		for (size_t i = 0; i < npids; i++)
			fprintf(o->fp, "%s%d", i ? "," : "", (int)pids[i]);
		fputc(']', o->fp);
		if (o->scope) {
			fputs(",\"scope\":", o->fp);
			pfx_json_string(o->fp, o->scope);
		}
		if (o->alert_minor >= 0)
			fprintf(o->fp, ",\"alert_minor_per_s\":%.1f", o->alert_minor);
		if (o->alert_major >= 0)
			fprintf(o->fp, ",\"alert_major_per_s\":%.1f", o->alert_major);
		fputs("}\n", o->fp);
		break;
	case PFX_FORMAT_CSV:
		fputs(o->scope ? csv_scope_columns : csv_columns, o->fp);
		break;
	}
	fflush(o->fp);
}

static void text_row_header(struct stat_output *o)
{
	fprintf(o->fp, "#%14s", "time");
	if (o->show_cpu)
		fprintf(o->fp, " %6s", "cpu");
	if (o->show_pid || o->per_thread)
		fprintf(o->fp, " %8s", "pid");
	if (o->per_thread)
		fprintf(o->fp, " %8s", "tid");
	fprintf(o->fp, " %14s %14s %14s %14s %14s%s\n", "minor-faults", "major-faults",
		"page-faults", "minor/s", "major/s", o->show_cgroup ? "  cgroup" : "");
	o->header_printed = true;
}

static void text_row(struct stat_output *o, const struct stat_row *r)
{
	char a[32], b[32], c[32], d[40], e[40];

	if (!o->header_printed)
		text_row_header(o);
	fprintf(o->fp, "%15.9f", r->time);
	if (o->show_cpu)
		fprintf(o->fp, "  CPU%-3d", r->cpu);
	if (o->show_pid || o->per_thread)
		fprintf(o->fp, " %8d", (int)r->pid);
	if (o->per_thread) {
		if (r->tid > 0)
			fprintf(o->fp, " %7d%c", (int)r->tid, r->includes_running ? '+' : ' ');
		else
			fprintf(o->fp, " %8s", "other");
	}
	fprintf(o->fp, " %14s %14s %14s %14s %14s",
		grouped(r->delta.minor, a, sizeof(a)), grouped(r->delta.major, b, sizeof(b)),
		grouped(r->delta.faults, c, sizeof(c)),
		grouped_rate(per_second(r->delta.minor, r->seconds), d, sizeof(d)),
		grouped_rate(per_second(r->delta.major, r->seconds), e, sizeof(e)));
	if (o->show_cgroup) {
		fputs("  ", o->fp);
		pfx_safetext_fputs(o->fp, r->cgroup);
	}
	if (r->alerts & STAT_ALERT_MINOR)
		fputs("  <-- minor rate alert", o->fp);
	if (r->alerts & STAT_ALERT_MAJOR)
		fputs("  <-- major rate alert", o->fp);
	fputc('\n', o->fp);
}

/* A host scope's labels: ,"cpu":N,"cgroup":"..." as shown. */
static void json_scope(const struct stat_output *o, int cpu, const char *cgroup)
{
	if (o->show_cpu)
		fprintf(o->fp, ",\"cpu\":%d", cpu);
	if (o->show_cgroup) {
		fputs(",\"cgroup\":", o->fp);
		pfx_json_string(o->fp, cgroup ? cgroup : "");
	}
}

static void json_row(struct stat_output *o, const struct stat_row *r)
{
	fprintf(o->fp, "{\"type\":\"interval\",\"time\":%.6f", r->time);
	if (o->scope)
		json_scope(o, r->cpu, r->cgroup);
	else
		fprintf(o->fp, ",\"pid\":%d", (int)r->pid);
	if (r->tid >= 0)
		fprintf(o->fp, ",\"tid\":%d,\"includes_running\":%s", (int)r->tid,
			r->includes_running ? "true" : "false");
	fprintf(o->fp, ",\"minor\":%" PRIu64 ",\"major\":%" PRIu64 ",\"faults\":%" PRIu64
		",\"seconds\":%.6f,\"minor_per_s\":%.1f,\"major_per_s\":%.1f,",
		r->delta.minor, r->delta.major, r->delta.faults, r->seconds,
		per_second(r->delta.minor, r->seconds), per_second(r->delta.major, r->seconds));
	json_alerts(o->fp, r->alerts);
	fputs("}\n", o->fp);
}

/* A host scope's cpu,cgroup columns (empty where not shown). */
static void csv_scope(const struct stat_output *o, int cpu, const char *cgroup)
{
	if (o->show_cpu)
		fprintf(o->fp, "%d", cpu);
	fputc(',', o->fp);
	if (o->show_cgroup)
		pfx_csv_field(o->fp, cgroup ? cgroup : "");
}

static void csv_row(struct stat_output *o, const struct stat_row *r)
{
	fprintf(o->fp, "interval,%.6f,", r->time);
	if (o->scope) {
		csv_scope(o, r->cpu, r->cgroup);
	} else {
		fprintf(o->fp, "%d,", (int)r->pid);
		if (r->tid >= 0)
			fprintf(o->fp, "%d", (int)r->tid);
	}
	fprintf(o->fp, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.1f,%.1f,%s,\n",
		r->delta.minor, r->delta.major, r->delta.faults,
		per_second(r->delta.minor, r->seconds), per_second(r->delta.major, r->seconds),
		csv_alerts(r->alerts));
}

void pfx_stat_output_row(struct stat_output *o, const struct stat_row *row)
{
	switch (o->format) {
	case PFX_FORMAT_TEXT: text_row(o, row); break;
	case PFX_FORMAT_JSON: json_row(o, row); break;
	case PFX_FORMAT_CSV: csv_row(o, row); break;
	}
}

/* ---- summary ---------------------------------------------------------- */

static void text_count_line(FILE *fp, uint64_t v, const char *name, double seconds)
{
	char a[32], r[40];

	fprintf(fp, "%18s      %-14s #  %14s /sec\n", grouped(v, a, sizeof(a)), name,
		grouped_rate(per_second(v, seconds), r, sizeof(r)));
}

/* The command's rusage against the counts (counter.h says why they can
 * differ).  Only perf's counts can differ: proc and tracefs take their
 * totals from /proc, the rusage's own source. */
static const char *rusage_gap(const struct stat_summary *s, int64_t *gap)
{
	const char *cause = pfx_rusage_gap_cause(s->total.faults, s->rusage_minor + s->rusage_major, gap);

	return s->source == PFX_SOURCE_PERF ? cause : NULL;
}

/* The kernel's own count of a host scope against perf's. */
static void text_kernel(FILE *fp, const struct stat_summary *s)
{
	char a[32], b[32];
	int64_t gap = s->kernel_gap;

	fprintf(fp, "\n%18s      page-faults    # %s pgfault over the same time\n",
		grouped(s->kernel_faults, a, sizeof(a)), s->kernel_name);
	fprintf(fp, "%18s      major-faults   # %s pgmajfault (also GUP and failed faults; "
		"see pfx-stat(1))\n", grouped(s->kernel_major, b, sizeof(b)), s->kernel_name);
	if (s->kernel_gap_cause && gap > 0)
		fprintf(fp, "\n note: %s counts %s faults more than perf's minor + major (%.1f%% of its %s): %s\n",
			s->kernel_name, grouped((uint64_t)gap, a, sizeof(a)),
			100.0 * (double)gap / (double)s->kernel_faults,
			grouped(s->kernel_faults, b, sizeof(b)), s->kernel_gap_cause);
	else if (s->kernel_gap_cause)
		fprintf(fp, "\n note: perf's minor + major count %s faults more than %s: %s\n",
			grouped((uint64_t)-gap, a, sizeof(a)), s->kernel_name, s->kernel_gap_cause);
}

/* The first column of a per-target table: the pid, or a host scope's CPU. */
static const char *target_label(const struct stat_output *o, const struct stat_process_total *p,
				char *buf, size_t size)
{
	if (!o->scope)
		snprintf(buf, size, "%d", (int)p->pid);
	else if (o->show_cpu)
		snprintf(buf, size, "CPU%d", p->cpu);
	else
		snprintf(buf, size, "%s", "");
	return buf;
}

static const char *end_name(enum pfx_count_end end)
{
	switch (end) {
	case PFX_COUNT_END_RUSAGE: return "rusage";
	case PFX_COUNT_END_ZOMBIE: return "zombie";
	case PFX_COUNT_END_PARENT: return "parent";
	case PFX_COUNT_END_LAST_READ: return "last-read";
	default: return "counted";
	}
}

static bool any_lower_bound(const struct stat_summary *s)
{
	for (size_t i = 0; i < s->nprocesses; i++)
		if (s->processes[i].end == PFX_COUNT_END_LAST_READ)
			return true;
	return false;
}

/* How an attached process's counts were finished when it was not there
 * to read at its end (counter.h, enum pfx_count_end). */
static void text_end_notes(FILE *fp, const struct stat_summary *s)
{
	for (size_t i = 0; i < s->nprocesses; i++) {
		int pid = (int)s->processes[i].pid;

		if (s->processes[i].end == PFX_COUNT_END_PARENT)
			fprintf(fp, "\n note: pid %d was reaped by its parent before pfx read its end; its "
				"final minor/major are the growth of the parent's cminflt/cmajflt\n", pid);
		else if (s->processes[i].end == PFX_COUNT_END_LAST_READ)
			fprintf(fp, "\n note: pid %d was gone before pfx read its end, and its parent "
				"cannot tell; its minor/major (and its last interval) are the last reading "
				"before it exited: a lower bound\n", pid);
	}
}

static void text_summary(struct stat_output *o, const struct stat_summary *s)
{
	char a[32], b[32], c[32];
	FILE *fp = o->fp;

	fputs("\n Page-fault counts for '", fp);
	pfx_safetext_fputs(fp, s->command);
	fprintf(fp, "'%s:\n\n", s->interrupted ? " (interrupted)" : "");
	text_count_line(fp, s->total.minor, "minor-faults", s->seconds);
	text_count_line(fp, s->total.major, "major-faults", s->seconds);
	text_count_line(fp, s->total.faults, "page-faults", s->seconds);
	fprintf(fp, "\n%18.9f seconds time elapsed\n", s->seconds);
	if (s->has_rusage) {
		int64_t gap;
		const char *cause = rusage_gap(s, &gap);

		fprintf(fp, "\n%18s      minor-faults   # wait4() rusage of the command\n",
			grouped(s->rusage_minor, a, sizeof(a)));
		fprintf(fp, "%18s      major-faults   # (also counts GUP faults; see pfx-stat(1))\n",
			grouped(s->rusage_major, b, sizeof(b)));
		if (cause && gap > 0)
			fprintf(fp, "\n note: rusage counts %s faults more than perf (%.1f%% of its %s): %s\n",
				grouped((uint64_t)gap, a, sizeof(a)),
				100.0 * (double)gap / (double)(s->rusage_minor + s->rusage_major),
				grouped(s->rusage_minor + s->rusage_major, b, sizeof(b)), cause);
		else if (cause)
			fprintf(fp, "\n note: perf counts %s faults more than rusage: %s\n",
				grouped((uint64_t)-gap, a, sizeof(a)), cause);
	}
	if (s->has_kernel)
		text_kernel(fp, s);
	if (!o->scope)
		text_end_notes(fp, s);
	if (s->nprocesses > 1) {
		char label[32];

		fprintf(fp, "\n%10s %14s %14s %14s%s\n", !o->scope ? "pid" : o->show_cpu ? "cpu" : "",
			"minor-faults", "major-faults", "page-faults", o->show_cgroup ? "  cgroup" : "");
		for (size_t i = 0; i < s->nprocesses; i++) {
			fprintf(fp, "%10s %14s %14s %14s%s",
				target_label(o, &s->processes[i], label, sizeof(label)),
				grouped(s->processes[i].counts.minor, a, sizeof(a)),
				grouped(s->processes[i].counts.major, b, sizeof(b)),
				grouped(s->processes[i].counts.faults, c, sizeof(c)),
				o->show_cgroup ? "  " : "");
			if (o->show_cgroup)
				pfx_safetext_fputs(fp, s->processes[i].cgroup);
			fputc('\n', fp);
		}
	}
	if (s->threads) {
		bool running = false;

		fprintf(fp, "\n%10s %10s %14s %14s %14s\n", "pid", "tid", "minor-faults",
			"major-faults", "page-faults");
		for (size_t i = 0; i < s->nthreads; i++) {
			const struct pfx_thread_counts *t = &s->threads[i];
			char tid[16];

			if (t->tid > 0)
				snprintf(tid, sizeof(tid), "%d%s", (int)t->tid, t->includes_running ? "+" : "");
			else
				snprintf(tid, sizeof(tid), "other");
			running |= t->includes_running;
			fprintf(fp, "%10d %10s %14s %14s %14s\n", (int)t->pid, tid,
				grouped(t->counts.minor, a, sizeof(a)),
				grouped(t->counts.major, b, sizeof(b)),
				grouped(t->counts.faults, c, sizeof(c)));
		}
		if (running)
			fputs("  (+: includes threads it started that are still running)\n", fp);
	}
	if (s->alert_intervals)
		fprintf(fp, "\n%18" PRIu64 "      intervals above an alert rate\n", s->alert_intervals);
	if (s->lost_reports)
		fprintf(fp, "\n pfx: warning: %" PRIu64 " thread exit reports were lost; "
			"those threads' faults stay in their parent's row\n", s->lost_reports);
}

static void json_counts(FILE *fp, const struct pfx_live_counts *c)
{
	fprintf(fp, "\"minor\":%" PRIu64 ",\"major\":%" PRIu64 ",\"faults\":%" PRIu64,
		c->minor, c->major, c->faults);
}

static void json_summary(struct stat_output *o, const struct stat_summary *s)
{
	FILE *fp = o->fp;

	if (s->nprocesses > 1) {
		for (size_t i = 0; i < s->nprocesses; i++) {
			if (o->scope) {
				fputs("{\"type\":\"scope\"", fp);
				json_scope(o, s->processes[i].cpu, s->processes[i].cgroup);
				fputc(',', fp);
			} else {
				fprintf(fp, "{\"type\":\"process\",\"pid\":%d,\"end\":\"%s\",",
					(int)s->processes[i].pid, end_name(s->processes[i].end));
			}
			json_counts(fp, &s->processes[i].counts);
			fputs("}\n", fp);
		}
	}
	for (size_t i = 0; s->threads && i < s->nthreads; i++) {
		const struct pfx_thread_counts *t = &s->threads[i];

		fprintf(fp, "{\"type\":\"thread\",\"pid\":%d,\"tid\":%d,", (int)t->pid, (int)t->tid);
		json_counts(fp, &t->counts);
		fprintf(fp, ",\"exited\":%s,\"includes_running\":%s}\n",
			t->exited ? "true" : "false", t->includes_running ? "true" : "false");
	}
	fputs("{\"type\":\"total\",", fp);
	json_counts(fp, &s->total);
	fprintf(fp, ",\"seconds\":%.6f,\"source\":", s->seconds);
	pfx_json_string(fp, pfx_count_source_name(s->source));
	fputs(",\"description\":", fp);
	pfx_json_string(fp, s->description);
	fputs(",\"command\":", fp);
	pfx_json_string(fp, s->command);
	if (s->has_rusage) {
		int64_t gap;
		const char *cause = rusage_gap(s, &gap);

		fprintf(fp, ",\"rusage_minor\":%" PRIu64 ",\"rusage_major\":%" PRIu64 ",\"rusage_gap\":%" PRId64
			",\"warning\":", s->rusage_minor, s->rusage_major, gap);
		if (cause)
			pfx_json_string(fp, cause);
		else
			fputs("null", fp);
	}
	if (s->has_kernel) {
		fputs(",\"kernel_source\":", fp);
		pfx_json_string(fp, s->kernel_name);
		fprintf(fp, ",\"kernel_faults\":%" PRIu64 ",\"kernel_major\":%" PRIu64
			",\"kernel_gap\":%" PRId64 ",\"warning\":", s->kernel_faults, s->kernel_major,
			s->kernel_gap);
		if (s->kernel_gap_cause)
			pfx_json_string(fp, s->kernel_gap_cause);
		else
			fputs("null", fp);
	}
	if (!o->scope && s->nprocesses == 1)
		fprintf(fp, ",\"end\":\"%s\"", end_name(s->processes[0].end));
	fprintf(fp, ",\"alert_intervals\":%" PRIu64 ",\"lost_thread_reports\":%" PRIu64
		",\"interrupted\":%s,\"lower_bound\":%s}\n", s->alert_intervals, s->lost_reports,
		s->interrupted ? "true" : "false", any_lower_bound(s) ? "true" : "false");
}

static void csv_summary(struct stat_output *o, const struct stat_summary *s)
{
	FILE *fp = o->fp;

	for (size_t i = 0; s->nprocesses > 1 && i < s->nprocesses; i++) {
		const struct pfx_live_counts *c = &s->processes[i].counts;

		if (o->scope) {
			fprintf(fp, "scope,%.6f,", s->seconds);
			csv_scope(o, s->processes[i].cpu, s->processes[i].cgroup);
			fprintf(fp, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.1f,%.1f,,%s\n", c->minor,
				c->major, c->faults, per_second(c->minor, s->seconds),
				per_second(c->major, s->seconds), pfx_count_source_name(s->source));
			continue;
		}
		fprintf(fp, "process,%.6f,%d,,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.1f,%.1f,,%s\n",
			s->seconds, (int)s->processes[i].pid, c->minor, c->major, c->faults,
			per_second(c->minor, s->seconds), per_second(c->major, s->seconds),
			pfx_count_source_name(s->source));
	}
	for (size_t i = 0; s->threads && i < s->nthreads; i++) {
		const struct pfx_thread_counts *t = &s->threads[i];

		fprintf(fp, "thread,%.6f,%d,%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.1f,%.1f,,%s\n",
			s->seconds, (int)t->pid, (int)t->tid, t->counts.minor, t->counts.major,
			t->counts.faults, per_second(t->counts.minor, s->seconds),
			per_second(t->counts.major, s->seconds), pfx_count_source_name(s->source));
	}
	fprintf(fp, "total,%.6f,,,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.1f,%.1f,,%s\n",
		s->seconds, s->total.minor, s->total.major, s->total.faults,
		per_second(s->total.minor, s->seconds), per_second(s->total.major, s->seconds),
		pfx_count_source_name(s->source));
}

void pfx_stat_output_summary(struct stat_output *o, const struct stat_summary *s)
{
	switch (o->format) {
	case PFX_FORMAT_TEXT: text_summary(o, s); break;
	case PFX_FORMAT_JSON: json_summary(o, s); break;
	case PFX_FORMAT_CSV: csv_summary(o, s); break;
	}
	fflush(o->fp);
}
