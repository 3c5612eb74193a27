/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wssfile: the writer of 'pfx wss --format json' lines, and a
 * deliberately small reader for them on the key lookup of jsonline.h. */
#include "config.h"
#include "wssfile.h"
#include "jsonline.h"
#include "output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- writer ---- */

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

void pfx_wssfile_write_header(FILE *fp, const struct pfx_wssfile_run *run)
{
	fprintf(fp, "{\"type\":\"header\",\"command\":\"wss\",\"pid\":%d,\"comm\":", run->pid);
	pfx_json_string(fp, run->comm);
	fprintf(fp, ",\"method\":\"%s\",\"method_reason\":", run->method);
	pfx_json_string(fp, run->method_reason);
	fprintf(fp, ",\"interval_s\":%.6g,\"mode\":\"%s\",\"flush\":%s,\"softdirty\":%s,"
		    "\"write_protects\":%s,\"lower_bound\":%s,\"perturbs_reclaim\":%s",
		run->interval_s, run->mode, json_bool(run->flush), json_bool(run->softdirty),
		json_bool(run->write_protects), json_bool(run->lower_bound),
		json_bool(run->perturbs_reclaim));
	if (run->profile_steps)
		fprintf(fp, ",\"profile_steps\":%u", run->profile_steps);
	/* so a sample's window can be set beside another program's
	 * CLOCK_MONOTONIC times (the target's own, a trace's) */
	if (run->start_ns)
		fprintf(fp, ",\"monotonic_start_ns\":%llu", (unsigned long long)run->start_ns);
	if (run->note) {
		fprintf(fp, ",\"note\":");
		pfx_json_string(fp, run->note);
	}
	fprintf(fp, "}\n");
}

static void write_bytes(FILE *fp, const struct pfx_wss_reading *r, const struct pfx_wss_bytes *b,
			bool pss)
{
	fprintf(fp, "\"wss_bytes\":%llu,\"wss_anon_bytes\":%llu,\"wss_file_bytes\":%llu,\"rss_bytes\":%llu",
		(unsigned long long)b->wss, (unsigned long long)b->wss_anon,
		(unsigned long long)b->wss_file, (unsigned long long)b->rss);
	if (pss)
		fprintf(fp, ",\"pss_bytes\":%llu", (unsigned long long)b->pss);
	if (r->has_written)
		fprintf(fp, ",\"written_bytes\":%llu", (unsigned long long)b->written);
}

void pfx_wssfile_write_sample(FILE *fp, const struct pfx_wss_reading *r, double time_s,
			      const char *method, bool by_mapping, bool mapping_pss)
{
	fprintf(fp, "{\"type\":\"sample\",\"time\":%.6f,\"window_s\":%.6f,\"method\":\"%s\",", time_s,
		pfx_wss_window_s(r), method);
	write_bytes(fp, r, &r->total, r->has_pss);
	if (r->has_faults)
		fprintf(fp, ",\"faults\":%llu", (unsigned long long)r->faults);
	fprintf(fp, ",\"reset_ms\":%.3f,\"read_ms\":%.3f", (double)(r->reset_end_ns - r->reset_start_ns) / 1e6,
		(double)(r->read_end_ns - r->read_start_ns) / 1e6);
	if (by_mapping) {
		fprintf(fp, ",\"mappings\":[");
		for (size_t i = 0; i < r->n_mappings; i++) {
			const struct pfx_wss_mapping *m = &r->mappings[i];

			fprintf(fp, "%s{\"start\":\"0x%llx\",\"end\":\"0x%llx\",\"name\":", i ? "," : "",
				(unsigned long long)m->start, (unsigned long long)m->end);
			pfx_json_string(fp, m->name);
			fputc(',', fp);
			write_bytes(fp, r, &m->bytes, mapping_pss);
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	fprintf(fp, "}\n");
}

/* ---- reader ---- */

#define WSS_MAX_BYTES 72057594037927936.0	/* 2^56: 64 PiB */

/* A number wss writes: present, finite and not negative. */
static int number_value(const char *line, const char *key, double *out)
{
	int err = pfx_jl_number(line, key, out);

	if (!err && *out < 0)
		return -EBADMSG;
	return err;
}

static void string_value(const char *line, const char *key, char *buf, size_t size)
{
	pfx_jl_string(line, key, buf, size);
}

static void parse_header(const char *line, struct pfx_wssfile_header *h)
{
	double v;

	string_value(line, "comm", h->comm, sizeof(h->comm));
	if (number_value(line, "pid", &v) == 0 && v < UINT32_MAX)
		h->pid = (uint32_t)v;
	if (number_value(line, "interval_s", &v) == 0)
		h->interval_s = v;
}

/* 1 = sample, 0 = a line that is valid but no sample, -EBADMSG. */
static int parse_line(char *line, struct pfx_wssfile_sample *s, struct pfx_wssfile_header *h)
{
	char type[16];
	double time_s, wss, rss;
	int err;

	line += strspn(line, " \t\r");
	if (*line == '\n' || *line == '\0')
		return 0;
	if (*line != '{')
		return -EBADMSG;
	/* --by-mapping: per-mapping objects repeat the keys; pfx_jl_find
	 * looks at the sample's own level only */
	string_value(line, "type", type, sizeof(type));
	if (strcmp(type, "header") == 0) {
		if (h)
			parse_header(line, h);
		return 0;
	}
	err = number_value(line, "wss_bytes", &wss);
	if (err == -ENOENT)
		return 0;
	if (err || number_value(line, "time", &time_s))
		return -EBADMSG;
	err = number_value(line, "rss_bytes", &rss);
	if (err && err != -ENOENT)
		return -EBADMSG;
	/* Before the conversion: a double beyond uint64_t has no defined
	 * integer value.  No process has 64 PiB. */
	if (wss > WSS_MAX_BYTES || (!err && rss > WSS_MAX_BYTES))
		return -ERANGE;
	s->time_s = time_s;
	s->wss_bytes = (uint64_t)wss;
	s->has_rss = !err;
	s->rss_bytes = err ? 0 : (uint64_t)rss;
	string_value(line, "method", s->method, sizeof(s->method));
	return 1;
}

int pfx_wssfile_next(FILE *fp, struct pfx_wssfile_sample *sample,
		     struct pfx_wssfile_header *header, unsigned long *line_no)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	while (getline(&line, &cap, fp) >= 0) {
		++*line_no;
		ret = parse_line(line, sample, header);
		if (ret != 0)
			break;
	}
	free(line);
	return ret;
}
