/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_export: folded stacks, pprof (a protobuf writer of our own: the
 * few message types profile.proto needs, gzip'd with zlib) and Chrome
 * Trace Event JSON.  Field numbers: github.com/google/pprof
 * proto/profile.proto. */
#include "config.h"
#include "report_export.h"
#include "output.h"
#include "safetext.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#ifdef PFX_WITH_ZLIB
#include <zlib.h>
#endif

int pfx_export_parse(const char *name, enum pfx_export *out)
{
	static const char *const names[] = { [PFX_EXPORT_FOLDED] = "folded", [PFX_EXPORT_PPROF] = "pprof",
					     [PFX_EXPORT_PERFETTO] = "perfetto" };

	for (int i = PFX_EXPORT_FOLDED; i <= PFX_EXPORT_PERFETTO; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum pfx_export)i;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

/* A frame's name as profilers group it: the function, else the file in
 * brackets (as perf script prints an unnamed frame), [kernel] or
 * [unknown]. */
static void frame_name(const struct pfx_code_frame *f, char *buf, size_t size)
{
	if (f->function)
		snprintf(buf, size, "%s", f->function);
	else if (f->region && f->region->path[0])
		snprintf(buf, size, "[%s]", base_name(f->region->path));
	else if (f->ip >= UINT64_C(0x800000000000))
		snprintf(buf, size, "[kernel]");
	else
		snprintf(buf, size, "[unknown]");
}

/* --- folded --- */

/* One line of the folded output: a stack of function names and its count. */
struct folded_line {
	char *stack;
	uint64_t count;
};

static uint64_t str_hash(const char *s);

static int cmp_folded(const void *a, const void *b)
{
	const struct folded_line *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->stack, y->stack);
}

/* Append chain c's frames, outermost first, to buf as "f;f;f". */
static void folded_stack(const struct pfx_chain_row *c, const struct pfx_code_frame *frames, char *buf,
			 size_t size)
{
	char raw[512], name[PFX_SAFETEXT_BUF(sizeof(raw))];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t j = c->nframes; j-- > 0 && len + 1 < size;) {
		/* safe text (no control reaches whoever cats it), where ';'
		 * would still split a frame.  Spaces stay, as in perf script's
		 * names ("run(ns::Toucher&, int)"): FlameGraph and speedscope
		 * take the count after the line's last space. */
		frame_name(&frames[j], raw, sizeof(raw));
		pfx_safetext(name, sizeof(name), raw);
		for (char *p = name; *p; p++)
			if (*p == ';')
				*p = '_';
		len += (size_t)snprintf(buf + len, size - len, "%s%s", j + 1 < c->nframes ? ";" : "", name);
	}
}

/* Chains are distinct per instruction address; a profiler's line is per
 * stack of function names, as stackcollapse-perf.pl merges perf script's
 * samples: chains whose frames name the same functions become one line,
 * their counts summed.  Most faults first, then by stack. */
int pfx_export_folded(FILE *fp, const struct pfx_analysis *rep, enum pfx_export_weight weight)
{
	const struct pfx_code_sites *cs = &rep->code;
	struct pfx_code_frame frames[PFX_REC_MAX_CALLCHAIN];
	struct pfx_u64map by_stack;	/* stack hash -> index + 1 into lines */
	struct folded_line *lines = NULL;
	size_t nlines = 0, cap = 0;
	size_t bufsize = 65536;
	char *buf = malloc(bufsize);
	int err = -ENOMEM;

	if (!buf || pfx_u64map_init(&by_stack, sizeof(uint64_t))) {
		free(buf);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cs->nchains; i++) {
		const struct pfx_chain_row *c = &cs->chains[i];
		uint64_t count = weight == PFX_WEIGHT_LATENCY ?
			c->latency_ns[PFX_COL_MINOR] + c->latency_ns[PFX_COL_MAJOR] +
			c->latency_ns[PFX_COL_UNKNOWN] : c->faults;
		uint64_t h, *v;
		bool is_new;

		if (!count)
			continue;
		pfx_code_chain_frames(cs, rep->regions, c, frames);
		folded_stack(c, frames, buf, bufsize);
		/* Open addressing over the hash: a different stack with the
		 * same hash takes the next key. */
		for (h = str_hash(buf);; h++) {
			v = pfx_u64map_upsert(&by_stack, h, &is_new);
			if (!v)
				goto out;
			if (is_new || strcmp(lines[*v - 1].stack, buf) == 0)
				break;
		}
		if (is_new) {
			if (PFX_GROW(lines, cap, nlines + 1, 256))
				goto out;
			lines[nlines] = (struct folded_line){ strdup(buf), 0 };
			if (!lines[nlines].stack)
				goto out;
			*v = ++nlines;
		}
		lines[*v - 1].count += count;
	}
	if (nlines)
		qsort(lines, nlines, sizeof(*lines), cmp_folded);
	for (size_t i = 0; i < nlines; i++)
		fprintf(fp, "%s %" PRIu64 "\n", lines[i].stack, lines[i].count);
	err = ferror(fp) ? -EIO : 0;
out:
	for (size_t i = 0; i < nlines; i++)
		free(lines[i].stack);
	free(lines);
	free(buf);
	pfx_u64map_free(&by_stack);
	return err;
}

/* --- pprof: a minimal protobuf writer --- */

struct pb {
	uint8_t *b;
	size_t n, cap;
	bool oom;
};

static void pb_put(struct pb *pb, const void *data, size_t len)
{
	if (pb->oom)
		return;
	if (PFX_GROW(pb->b, pb->cap, pb->n + len, 4096)) {
		pb->oom = true;
		return;
	}
	memcpy(pb->b + pb->n, data, len);
	pb->n += len;
}

static void pb_varint(struct pb *pb, uint64_t v)
{
	uint8_t buf[10];
	size_t n = 0;

	do {
		buf[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	pb_put(pb, buf, n);
}

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

/* A varint field; proto3 leaves out zeros. */
static void pb_uint(struct pb *pb, unsigned field, uint64_t v)
{
	if (!v)
		return;
	pb_varint(pb, (uint64_t)field << 3 | WIRE_VARINT);
	pb_varint(pb, v);
}

static void pb_bytes(struct pb *pb, unsigned field, const void *data, size_t len)
{
	pb_varint(pb, (uint64_t)field << 3 | WIRE_LEN);
	pb_varint(pb, len);
	pb_put(pb, data, len);
}

/* A nested message: built in sub, appended as one field, sub emptied. */
static void pb_message(struct pb *pb, unsigned field, struct pb *sub)
{
	pb->oom |= sub->oom;
	pb_bytes(pb, field, sub->b, sub->n);
	sub->n = 0;
}

/* The profile's string table: index per distinct string. */
struct strings {
	struct pfx_u64map map;	/* hash -> index + 1 */
	struct pb table;	/* the encoded string_table fields */
	int64_t next;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static int64_t str_id(struct strings *st, const char *s)
{
	bool is_new;
	uint64_t *v = pfx_u64map_upsert(&st->map, str_hash(s), &is_new);

	if (!v) {
		st->table.oom = true;
		return 0;
	}
	if (is_new) {
		pb_bytes(&st->table, 6, s, strlen(s));
		*v = (uint64_t)st->next++;
	}
	return (int64_t)*v;
}

struct pprof {
	struct pb out, sub, line;
	struct strings str;
	struct pfx_u64map locations;	/* ip -> location id */
	struct pfx_u64map functions;	/* name hash -> function id */
	struct pfx_u64map mappings;	/* region start -> mapping id */
	uint64_t next_location, next_function, next_mapping;
	struct pb samples;
};

static uint64_t mapping_id(struct pprof *p, const struct pfx_region *r)
{
	bool is_new;
	uint64_t *v;

	if (!r)
		return 0;
	v = pfx_u64map_upsert(&p->mappings, r->start, &is_new);
	if (!v) {
		p->out.oom = true;
		return 0;
	}
	if (is_new) {
		*v = ++p->next_mapping;
		pb_uint(&p->sub, 1, *v);
		pb_uint(&p->sub, 2, r->start);
		pb_uint(&p->sub, 3, r->end);
		pb_uint(&p->sub, 4, r->pgoff);
		pb_uint(&p->sub, 5, (uint64_t)str_id(&p->str, r->path[0] ? r->path : "[anon]"));
		pb_uint(&p->sub, 7, 1);	/* has_functions */
		pb_message(&p->out, 3, &p->sub);
	}
	return *v;
}

static uint64_t function_id(struct pprof *p, const char *name, const char *file)
{
	bool is_new;
	uint64_t *v = pfx_u64map_upsert(&p->functions, str_hash(name) ^ str_hash(file) * 31, &is_new);

	if (!v) {
		p->out.oom = true;
		return 0;
	}
	if (is_new) {
		*v = ++p->next_function;
		pb_uint(&p->sub, 1, *v);
		pb_uint(&p->sub, 2, (uint64_t)str_id(&p->str, name));
		pb_uint(&p->sub, 3, (uint64_t)str_id(&p->str, name));
		pb_uint(&p->sub, 4, (uint64_t)str_id(&p->str, file));
		pb_message(&p->out, 5, &p->sub);
	}
	return *v;
}

static uint64_t location_id(struct pprof *p, const struct pfx_code_frame *f)
{
	bool is_new;
	uint64_t *v = pfx_u64map_upsert(&p->locations, f->ip, &is_new);
	char name[512];

	if (!v) {
		p->out.oom = true;
		return 0;
	}
	if (is_new) {
		uint64_t map = mapping_id(p, f->region);
		uint64_t fn;

		frame_name(f, name, sizeof(name));
		fn = function_id(p, name, f->region ? f->region->path : "");
		*v = ++p->next_location;
		pb_uint(&p->sub, 1, *v);
		pb_uint(&p->sub, 2, map);
		pb_uint(&p->sub, 3, f->ip);
		pb_uint(&p->line, 1, fn);
		pb_message(&p->sub, 4, &p->line);
		pb_message(&p->out, 4, &p->sub);
	}
	return *v;
}

/* One sample: the chain's locations (leaf first), its values, a label. */
static void add_sample(struct pprof *p, const struct pfx_chain_row *c,
		       const struct pfx_code_frame *frames, uint64_t faults, uint64_t ns, const char *type)
{
	struct pb ids = { 0 }, values = { 0 }, label = { 0 };

	for (size_t j = 0; j < c->nframes; j++)
		pb_varint(&ids, location_id(p, &frames[j]));
	pb_varint(&values, faults);
	pb_varint(&values, ns);
	pb_bytes(&p->sub, 1, ids.b, ids.n);	/* packed location_id */
	pb_bytes(&p->sub, 2, values.b, values.n);	/* packed value */
	pb_uint(&label, 1, (uint64_t)str_id(&p->str, "type"));
	pb_uint(&label, 2, (uint64_t)str_id(&p->str, type));
	pb_message(&p->sub, 3, &label);
	p->sub.oom |= ids.oom || values.oom;
	pb_message(&p->samples, 2, &p->sub);
	free(ids.b);
	free(values.b);
	free(label.b);
}

static void value_type(struct pprof *p, unsigned field, const char *type, const char *unit)
{
	pb_uint(&p->sub, 1, (uint64_t)str_id(&p->str, type));
	pb_uint(&p->sub, 2, (uint64_t)str_id(&p->str, unit));
	pb_message(&p->out, field, &p->sub);
}

/* Deflate buf into fp as one gzip member; -EOPNOTSUPP built without zlib
 * (pfx report refuses --format pprof first, saying why). */
static int write_gzip(FILE *fp, const uint8_t *buf, size_t len)
{
#ifndef PFX_WITH_ZLIB
	return -EOPNOTSUPP;
#else
	z_stream z = { 0 };
	uint8_t out[16384];
	int zr;

	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	z.next_in = (Bytef *)(uintptr_t)buf;
	z.avail_in = (uInt)len;	/* profiles stay far below 4 GiB */
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		zr = deflate(&z, Z_FINISH);
		fwrite(out, 1, sizeof(out) - z.avail_out, fp);
	} while (zr == Z_OK);
	deflateEnd(&z);
	if (zr != Z_STREAM_END)
		return -EIO;
	return ferror(fp) ? -EIO : 0;
#endif
}

int pfx_export_pprof(FILE *fp, const struct pfx_analysis *rep, enum pfx_export_weight weight)
{
	const struct pfx_code_sites *cs = &rep->code;
	struct pfx_code_frame frames[PFX_REC_MAX_CALLCHAIN];
	struct pprof p = { 0 };
	int err = -ENOMEM;

	if (pfx_u64map_init(&p.str.map, sizeof(uint64_t)) || pfx_u64map_init(&p.locations, sizeof(uint64_t)) ||
	    pfx_u64map_init(&p.functions, sizeof(uint64_t)) || pfx_u64map_init(&p.mappings, sizeof(uint64_t)))
		goto out;
	str_id(&p.str, "");	/* string_table[0] must be "" */
	value_type(&p, 1, "faults", "count");
	value_type(&p, 1, "fault_time", "nanoseconds");
	for (size_t i = 0; i < cs->nchains; i++) {
		const struct pfx_chain_row *c = &cs->chains[i];

		pfx_code_chain_frames(cs, rep->regions, c, frames);
		uint64_t by_col[PFX_COL_COUNT] = { c->faults - c->major - c->unknown, c->major, c->unknown };

		/* one sample per kind of fault (fault_kind.h), as every view counts them */
		for (int k = 0; k < PFX_COL_COUNT; k++)
			if (by_col[k])
				add_sample(&p, c, frames, by_col[k], c->latency_ns[k], pfx_kind_col_name(k));
	}
	pb_put(&p.out, p.samples.b, p.samples.n);
	pb_uint(&p.out, 9, rep->header.start_realtime_ns);
	pb_uint(&p.out, 10, rep->duration_ns);
	pb_uint(&p.sub, 1, (uint64_t)str_id(&p.str, "faults"));
	pb_uint(&p.sub, 2, (uint64_t)str_id(&p.str, "count"));
	pb_message(&p.out, 11, &p.sub);	/* period_type */
	pb_uint(&p.out, 12, 1);		/* period: every fault */
	pb_uint(&p.out, 13, (uint64_t)str_id(&p.str, rep->header.command));
	pb_uint(&p.out, 14, (uint64_t)str_id(&p.str, weight == PFX_WEIGHT_LATENCY ? "fault_time"
										 : "faults"));	/* default_sample_type */
	pb_put(&p.out, p.str.table.b, p.str.table.n);
	if (!(p.out.oom || p.sub.oom || p.line.oom || p.samples.oom || p.str.table.oom))
		err = write_gzip(fp, p.out.b, p.out.n);
out:
	pfx_u64map_free(&p.str.map);
	pfx_u64map_free(&p.locations);
	pfx_u64map_free(&p.functions);
	pfx_u64map_free(&p.mappings);
	free(p.out.b);
	free(p.sub.b);
	free(p.line.b);
	free(p.samples.b);
	free(p.str.table.b);
	return err;
}

/* --- perfetto (Chrome Trace Event JSON) --- */

struct perfetto {
	FILE *fp;
	bool first;	/* no event written yet: no comma before it */
	struct pfx_u64map names;	/* tid, or pid | 1 << 32 -> hash of the name given it */
};

/* Whether key's track still needs its name set to comm: a recording
 * repeats a thread's item (each process it is seen in, each rename), a
 * track's name is metadata set once and again only when it changes.
 * False when out of memory: the name is written again, which is valid. */
static bool name_changed(struct perfetto *p, uint64_t key, const char *comm)
{
	bool is_new;
	uint64_t h = str_hash(comm), *v = pfx_u64map_upsert(&p->names, key, &is_new);

	if (!v)
		return true;
	if (!is_new && *v == h)
		return false;
	*v = h;
	return true;
}

static int perfetto_item(void *ctx, const struct pfx_rec_item *it)
{
	struct perfetto *p = ctx;
	FILE *fp = p->fp;

	if (it->type == PFX_REC_THREAD) {
		/* Name the thread's track (and its process's, by its main thread). */
		if (name_changed(p, it->thread.tid, it->thread.comm)) {
			fprintf(fp, "%s\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,"
				"\"args\":{\"name\":", p->first ? "" : ",", it->thread.pid, it->thread.tid);
			pfx_json_string(fp, it->thread.comm);
			fputs("}}", fp);
			p->first = false;
		}
		if (it->thread.pid == it->thread.tid &&
		    name_changed(p, (uint64_t)it->thread.pid | UINT64_C(1) << 32, it->thread.comm)) {
			fprintf(fp, "%s\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"args\":{\"name\":",
				p->first ? "" : ",", it->thread.pid);
			pfx_json_string(fp, it->thread.comm);
			fputs("}}", fp);
			p->first = false;
		}
	} else if (it->type == PFX_REC_FAULT) {
		const struct pfx_fault *f = &it->fault;
		int col = pfx_kind_col(f->kind);
		bool major = col == PFX_COL_MAJOR;

		/* Microseconds, as the format has them; the kind as every view
		 * names it (fault_kind.h) */
		fprintf(fp, "%s\n{\"name\":\"%s fault\",\"cat\":\"fault\",\"ts\":%" PRIu64 ".%03u,"
			"\"pid\":%u,\"tid\":%u,", p->first ? "" : ",", pfx_kind_col_name(col),
			f->time_ns / 1000, (unsigned)(f->time_ns % 1000), f->pid, f->tid);
		if (major && f->latency_ns)
			fprintf(fp, "\"ph\":\"X\",\"dur\":%u.%03u,", f->latency_ns / 1000, f->latency_ns % 1000);
		else
			fputs("\"ph\":\"i\",\"s\":\"t\",", fp);
		/* latency 0: not measured (the file's word for it), null, not a zero */
		fprintf(fp, "\"args\":{\"addr\":\"0x%" PRIx64 "\",\"ip\":\"0x%" PRIx64 "\",\"latency_ns\":",
			f->addr, f->ip);
		if (f->latency_ns)
			fprintf(fp, "%u}}", f->latency_ns);
		else
			fputs("null}}", fp);
		p->first = false;
	}
	return 0;
}

int pfx_export_perfetto(FILE *fp, struct pfx_rec_reader *r, struct pfx_analysis **out)
{
	struct perfetto p = { fp, true, { 0 } };
	int err;

	*out = NULL;
	if (pfx_u64map_init(&p.names, sizeof(uint64_t)))
		return -ENOMEM;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", fp);
	/* one pass of the one analysis: the trace is its items in file
	 * order, each fault's kind as every view names it */
	err = pfx_analysis_run(r, &(struct pfx_analysis_opts){ .lean = true, .each_item = perfetto_item,
							       .each_ctx = &p }, out);
	pfx_u64map_free(&p.names);
	fputs("\n]}\n", fp);
	if (err)
		return err;
	return ferror(fp) ? -EIO : 0;
}
