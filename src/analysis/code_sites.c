/* SPDX-License-Identifier: GPL-2.0-or-later */
/* code_sites: faulting code by function and by call chain (code_sites.h). */
#include "config.h"
#include "code_sites.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* x86-64 and arm64 kernels live in the upper half of the address space. */
#define KERNEL_SPACE_START 0xffff800000000000ull

struct chain_value {
	uint64_t index;		/* into cs->chains */
};

struct function_value {
	uint64_t index;		/* into cs->functions */
};

int pfx_code_sites_init(struct pfx_code_sites *cs)
{
	memset(cs, 0, sizeof(*cs));
	cs->syms = pfx_symbols_new();
	if (!cs->syms || pfx_u64map_init(&cs->chain_map, sizeof(struct chain_value)) < 0) {
		pfx_code_sites_free(cs);
		return -ENOMEM;
	}
	return 0;
}

void pfx_code_sites_free(struct pfx_code_sites *cs)
{
	for (size_t i = 0; i < cs->nchains; i++)
		free(cs->chains[i].frames);
	free(cs->chains);
	free(cs->packed);
	free(cs->functions);
	pfx_u64map_free(&cs->chain_map);
	pfx_symbols_free(cs->syms);
	memset(cs, 0, sizeof(*cs));
}

/* FNV-1a over the frames.  Two different chains with one hash would be
 * counted as one: at 2^-64 per pair, not worth a comparison per fault. */
static uint64_t chain_hash(const uint64_t *chain, size_t len, uint32_t pid)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned b = 0; pid && b < 32; b += 8) {	/* per process: its pid first */
		h ^= (pid >> b) & 0xff;
		h *= 0x100000001b3ull;
	}
	for (size_t i = 0; i < len; i++)
		for (unsigned b = 0; b < 64; b += 8) {
			h ^= (chain[i] >> b) & 0xff;
			h *= 0x100000001b3ull;
		}
	return h == UINT64_MAX ? 0 : h;	/* UINT64_MAX is not a valid u64map key */
}

bool pfx_code_is_kernel(uint64_t ip)
{
	return ip >= KERNEL_SPACE_START;
}

size_t pfx_code_seen_in(struct pfx_regions *regions, uint32_t pid, uint64_t ip)
{
	long ri = ip >= KERNEL_SPACE_START ? -1 : pfx_regions_find_in(regions, pid, ip);

	return (size_t)(ri + 1);
}

static uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static uint64_t get_varint(const uint8_t **p)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		uint8_t b = *(*p)++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	return v;
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static int new_chain(struct pfx_code_sites *cs, struct pfx_regions *regions, uint32_t pid,
		     const uint64_t *chain, size_t len, size_t leaf_seen_in)
{
	struct pfx_chain_row *row;
	uint64_t prev_ip = 0, prev_seen = 0;
	uint8_t *p, *start;

	if (PFX_GROW(cs->chains, cs->cap_chains, cs->nchains + 1, 64) ||
	    PFX_GROW(cs->packed, cs->cap_packed, cs->npacked + len * 20, 4096))
		return -ENOMEM;
	row = &cs->chains[cs->nchains];
	*row = (struct pfx_chain_row){ .pid = pid, .nframes = len, .packed_at = cs->npacked };
	start = p = cs->packed + cs->npacked;
	for (size_t i = 0; i < len; i++) {
		uint64_t seen = i == 0 && leaf_seen_in != PFX_CODE_SEEN_NOW ? leaf_seen_in :
			pfx_code_seen_in(regions, pid, chain[i]);

		p = put_varint(p, zigzag((int64_t)(chain[i] - prev_ip)));
		p = put_varint(p, zigzag((int64_t)(seen - prev_seen)));
		prev_ip = chain[i];
		prev_seen = seen;
	}
	row->packed_len = (uint32_t)(p - start);
	cs->npacked += (size_t)(p - start);
	cs->nchains++;
	return 0;
}

/* The frames of c, unnamed (ip, pid, seen_in). */
static void unpack(const struct pfx_code_sites *cs, const struct pfx_chain_row *c,
		   struct pfx_code_frame *out)
{
	const uint8_t *p = cs->packed + c->packed_at;
	uint64_t ip = 0, seen = 0;

	for (size_t i = 0; i < c->nframes; i++) {
		ip += (uint64_t)unzigzag(get_varint(&p));
		seen += (uint64_t)unzigzag(get_varint(&p));
		out[i] = (struct pfx_code_frame){ .ip = ip, .pid = c->pid, .seen_in = (size_t)seen };
	}
}

size_t pfx_code_chain_frames(const struct pfx_code_sites *cs, const struct pfx_regions *regions,
			     const struct pfx_chain_row *c, struct pfx_code_frame *out)
{
	if (c->frames) {
		memcpy(out, c->frames, c->nframes * sizeof(*out));
		return c->nframes;
	}
	unpack(cs, c, out);
	/* naming fills the symbol cache: a cache, so cs stays const to callers */
	for (size_t j = 0; j < c->nframes; j++)
		pfx_code_name((struct pfx_code_sites *)cs, regions, j > 0, &out[j]);
	return c->nframes;
}

int pfx_code_sites_add_chain(struct pfx_code_sites *cs, struct pfx_regions *regions, uint32_t pid,
			     const uint64_t *chain, size_t len, size_t leaf_seen_in, int col,
			     uint64_t latency_ns)
{
	struct chain_value *v;
	struct pfx_chain_row *row;
	bool is_new;

	if (!len)
		return 0;
	v = pfx_u64map_upsert(&cs->chain_map, chain_hash(chain, len, pid), &is_new);
	if (!v)
		return -ENOMEM;
	if (is_new) {
		if (new_chain(cs, regions, pid, chain, len, leaf_seen_in) < 0)
			return -ENOMEM;
		v->index = cs->nchains - 1;
	}
	row = &cs->chains[v->index];
	row->faults++;
	row->major += col == PFX_COL_MAJOR;
	row->unknown += col == PFX_COL_UNKNOWN;
	row->latency_ns[col] += latency_ns;
	cs->faults_with_chain++;
	return 0;
}

void pfx_code_name(struct pfx_code_sites *cs, const struct pfx_regions *regions, bool return_address,
		   struct pfx_code_frame *frame)
{
	const struct pfx_region *r = frame->seen_in ? pfx_regions_get(regions, frame->seen_in - 1) : NULL;
	uint64_t ip = frame->ip;
	/* A return address may be the first byte after its function. */
	uint64_t at = return_address && ip ? ip - 1 : ip;

	*frame = (struct pfx_code_frame){ .ip = ip, .pid = frame->pid, .seen_in = frame->seen_in, .region = r };
	if (r && r->path[0] == '/' &&
	    pfx_symbols_lookup(cs->syms, r->path, at - r->start + r->pgoff, &frame->function,
			       &frame->function_offset) == 0)
		frame->function_offset += ip - at;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

void pfx_code_frame_format(const struct pfx_code_frame *f, char *buf, size_t size)
{
	const struct pfx_region *r = f->region;

	if (!r)
		snprintf(buf, size, "%s", f->ip >= KERNEL_SPACE_START ? "[kernel]" : "?");
	else if (f->function)
		snprintf(buf, size, "%s+0x%" PRIx64 " (%s)", f->function, f->function_offset,
			 base_name(r->path));
	else if (r->path[0])
		snprintf(buf, size, "%s+0x%" PRIx64, base_name(r->path), f->ip - r->start + r->pgoff);
	else
		snprintf(buf, size, "[%s]+0x%" PRIx64, pfx_map_kind_name(r->kind), f->ip - r->start);
}

void pfx_function_row_format(const struct pfx_function_row *row, char *buf, size_t size)
{
	const struct pfx_region *r = row->region;

	if (!r)
		snprintf(buf, size, "%s", row->kernel ? "[kernel]" : "?");
	else if (row->function)
		snprintf(buf, size, "%s (%s)", row->function, base_name(r->path));
	else if (r->path[0])
		snprintf(buf, size, "%s", base_name(r->path));
	else
		snprintf(buf, size, "[%s]", pfx_map_kind_name(r->kind));
}

static int cmp_chains(const void *a, const void *b)
{
	const struct pfx_chain_row *x = a, *y = b;

	if (x->faults != y->faults)
		return x->faults < y->faults ? 1 : -1;
	return x->nframes < y->nframes ? -1 : x->nframes > y->nframes;
}

static int cmp_functions(const void *a, const void *b)
{
	const struct pfx_function_row *x = a, *y = b;

	if (x->faults != y->faults)
		return x->faults < y->faults ? 1 : -1;
	return 0;
}

/* A function's key: its name (a pointer into its file's string table,
 * so distinct per file even for equal names), or for unnamed code its
 * mapping; 1 for the kernel, 2 for code outside any mapping (no pointer
 * is that small).  A name and a region struct never share an address. */
static uint64_t function_key(const struct pfx_code_frame *f)
{
	uint64_t h = 0xcbf29ce484222325ull;

	if (f->function)
		return (uint64_t)(uintptr_t)f->function;
	if (!f->region)
		return f->ip >= KERNEL_SPACE_START ? 1 : 2;
	/* Code without a symbol is grouped by its file, whichever mapping
	 * (or process, per address space) it was run from: FNV-1a of the path. */
	for (const char *p = f->region->path; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
	return h < 3 || h == UINT64_MAX ? 3 : h;
}

static int count_functions(struct pfx_code_sites *cs, struct pfx_regions *regions,
			   struct pfx_ip_row *ips, size_t n, size_t named)
{
	struct pfx_u64map by_key;

	if (pfx_u64map_init(&by_key, sizeof(struct function_value)) < 0)
		return -ENOMEM;
	cs->functions = calloc(n ? n : 1, sizeof(*cs->functions));
	if (!cs->functions) {
		pfx_u64map_free(&by_key);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct pfx_code_frame f = ips[i].code;
		struct function_value *v;
		bool is_new;

		if (i >= named)
			pfx_code_name(cs, regions, false, &f);
		v = pfx_u64map_upsert(&by_key, function_key(&f), &is_new);
		if (!v) {
			pfx_u64map_free(&by_key);
			return -ENOMEM;
		}
		if (is_new) {
			v->index = cs->nfunctions++;
			cs->functions[v->index] = (struct pfx_function_row){
				f.function, f.region, f.ip >= KERNEL_SPACE_START, 0, 0 };
		}
		cs->functions[v->index].faults += ips[i].faults;
		cs->functions[v->index].major += ips[i].major;
	}
	pfx_u64map_free(&by_key);
	qsort(cs->functions, cs->nfunctions, sizeof(*cs->functions), cmp_functions);
	return 0;
}

int pfx_code_sites_finish(struct pfx_code_sites *cs, struct pfx_regions *regions,
			  struct pfx_ip_row *ips, size_t n, size_t nshown, unsigned top)
{
	if (nshown > n)
		nshown = n;
	for (size_t i = 0; i < nshown; i++)
		pfx_code_name(cs, regions, false, &ips[i].code);
	if (count_functions(cs, regions, ips, n, nshown) < 0)
		return -ENOMEM;
	cs->nfunctions_shown = cs->nfunctions < top ? cs->nfunctions : top;
	if (cs->nchains)	/* chains is NULL when the file has none: qsort(NULL) is UB */
		qsort(cs->chains, cs->nchains, sizeof(*cs->chains), cmp_chains);
	cs->nchains_shown = cs->nchains < top ? cs->nchains : top;
	/* The text and JSON views show nchains_shown: those get their named
	 * frames; every other chain is named when an export asks for it. */
	for (size_t i = 0; top != UINT_MAX && i < cs->nchains_shown; i++) {
		struct pfx_chain_row *c = &cs->chains[i];

		c->frames = calloc(c->nframes, sizeof(*c->frames));
		if (!c->frames)
			return -ENOMEM;
		unpack(cs, c, c->frames);
		for (size_t j = 0; j < c->nframes; j++)
			pfx_code_name(cs, regions, j > 0, &c->frames[j]);
	}
	return 0;
}
