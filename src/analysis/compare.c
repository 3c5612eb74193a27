/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compare: two analyses side by side (pfx diff).  Each side's rows are
 * keyed, sorted by key and merged; nothing is counted here that the
 * analysis did not count. */
#include "config.h"
#include "compare.h"
#include "maps.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const total_names[PFX_CMP_TOTALS] = { "faults", "minor", "major", "unknown", "lost" };

const char *pfx_compare_total_name(enum pfx_compare_total t)
{
	return t < PFX_CMP_TOTALS ? total_names[t] : "?";
}

int64_t pfx_compare_delta(const uint64_t v[PFX_CMP_SIDES])
{
	uint64_t a = v[PFX_CMP_A], b = v[PFX_CMP_B];

	if (b >= a)
		return b - a > INT64_MAX ? INT64_MAX : (int64_t)(b - a);
	return a - b > INT64_MAX ? -INT64_MAX : -(int64_t)(a - b);
}

double pfx_compare_change_pct(const uint64_t v[PFX_CMP_SIDES])
{
	return round(1000.0 * (double)pfx_compare_delta(v) / (double)v[PFX_CMP_A]) / 10.0 + 0.0;
}

const char *pfx_compare_change_text(char *buf, size_t size, const uint64_t v[PFX_CMP_SIDES],
				    const bool in[PFX_CMP_SIDES])
{
	if (in && !in[PFX_CMP_A])
		return "new";
	if (in && !in[PFX_CMP_B])
		return "gone";
	if (!v[PFX_CMP_A])
		return v[PFX_CMP_B] ? "-" : "+0.0%";
	snprintf(buf, size, "%+.1f%%", pfx_compare_change_pct(v));
	return buf;
}

static uint64_t abs_delta(const uint64_t v[PFX_CMP_SIDES])
{
	return v[PFX_CMP_A] > v[PFX_CMP_B] ? v[PFX_CMP_A] - v[PFX_CMP_B] : v[PFX_CMP_B] - v[PFX_CMP_A];
}

/* ---- totals and latency ---- */

static void totals(const struct pfx_analysis *rep, int side, struct pfx_compare *c)
{
	const struct pfx_rec_totals *t = &rep->totals;

	c->totals[PFX_CMP_FAULTS][side] = t->faults;
	c->totals[PFX_CMP_MINOR][side] = t->minor;
	c->totals[PFX_CMP_MAJOR][side] = t->major;
	c->totals[PFX_CMP_UNKNOWN][side] = t->faults >= t->minor + t->major ? t->faults - t->minor - t->major : 0;
	c->totals[PFX_CMP_LOST][side] = pfx_analysis_lost_faults(rep);
}

static void latency(const struct pfx_analysis *a, const struct pfx_analysis *b, struct pfx_compare *c)
{
	static const char *const names[PFX_CMP_PCTS] = { "p50", "p90", "p99", "max" };
	static const double pcts[PFX_CMP_PCTS] = { 50, 90, 99, 100 };
	const struct pfx_analysis *side[PFX_CMP_SIDES] = { a, b };

	for (int col = 0; col < PFX_COL_COUNT; col++) {
		if (!a->lat[col].count && !b->lat[col].count)
			continue;
		for (int p = 0; p < PFX_CMP_PCTS; p++) {
			struct pfx_compare_latency *l = &c->latency[c->nlatency++];

			l->col = col;
			l->pct = names[p];
			for (int s = 0; s < PFX_CMP_SIDES; s++) {
				l->count[s] = side[s]->lat[col].count;
				/* the max is the hist's own, not its bin's bound */
				l->ns[s] = p == PFX_CMP_PCTS - 1 ? side[s]->lat[col].max_ns
								 : pfx_analysis_latency_pct(side[s], col, pcts[p]);
			}
		}
	}
}

/* ---- regions ---- */

/* one side's region row, keyed */
struct side_region {
	const char *kind, *path, *process;
	uint64_t faults, minor, major, pages;
	enum pfx_pattern pattern;
};

static int cmp_str(const char *x, const char *y)
{
	return strcmp(x ? x : "", y ? y : "");
}

static int region_key_cmp(const struct side_region *x, const struct side_region *y)
{
	int d = strcmp(x->kind, y->kind);

	if (!d)
		d = strcmp(x->path, y->path);
	return d ? d : cmp_str(x->process, y->process);
}

static int cmp_side_region(const void *x, const void *y)
{
	return region_key_cmp(x, y);
}

/* pid -> comm, sorted by pid: a host-wide file's regions (many) each
 * look up their process (many) */
struct pid_name {
	uint32_t pid;
	const char *comm;
};

static int cmp_pid_name(const void *x, const void *y)
{
	uint32_t p = ((const struct pid_name *)x)->pid, q = ((const struct pid_name *)y)->pid;

	return p < q ? -1 : p > q;
}

static const char *process_name(const struct pid_name *names, size_t n, uint32_t pid)
{
	const struct pid_name key = { pid, NULL }, *hit = bsearch(&key, names, n, sizeof(*names), cmp_pid_name);

	return hit ? hit->comm : "";
}

/* Several processes: whose regions (host-wide files, a shell loop). */
static bool many(const struct pfx_analysis *rep)
{
	return (rep->header.flags & PFX_REC_HOST_WIDE) || rep->many_processes;
}

/* The side's rows, one per key (summed), sorted by key.  *n rows. */
static int side_regions(const struct pfx_analysis *rep, bool per_process, struct side_region **out,
			size_t *n)
{
	struct side_region *v = calloc(rep->nrows ? rep->nrows : 1, sizeof(*v));
	struct pid_name *names = calloc(rep->procs.nprocs ? rep->procs.nprocs : 1, sizeof(*names));
	size_t k = 0;

	if (!v || !names) {
		free(v);
		free(names);
		return -ENOMEM;
	}
	for (size_t i = 0; i < rep->procs.nprocs; i++)
		names[i] = (struct pid_name){ rep->procs.procs[i].pid, rep->procs.procs[i].comm };
	if (rep->procs.nprocs)
		qsort(names, rep->procs.nprocs, sizeof(*names), cmp_pid_name);
	for (size_t i = 0; i < rep->nrows; i++) {
		const struct pfx_region_row *row = &rep->rows[i];

		v[i].kind = row->region ? pfx_map_kind_name(row->region->kind) : "unknown";
		v[i].path = row->region ? row->region->path : "";
		v[i].process = per_process ? process_name(names, rep->procs.nprocs,
							  row->region ? row->region->pid : row->pid) : NULL;
		v[i].faults = row->s->c.faults;
		v[i].minor = row->s->c.minor;
		v[i].major = row->s->c.major;
		v[i].pages = row->s->pages;
		v[i].pattern = row->pattern;
	}
	free(names);
	/* rows of one key are summed; the pattern is the busiest's */
	qsort(v, rep->nrows, sizeof(*v), cmp_side_region);
	for (size_t i = 0; i < rep->nrows; i++) {
		if (k && region_key_cmp(&v[k - 1], &v[i]) == 0) {
			struct side_region *m = &v[k - 1];

			if (v[i].faults > m->faults)
				m->pattern = v[i].pattern;
			m->faults += v[i].faults;
			m->minor += v[i].minor;
			m->major += v[i].major;
			m->pages += v[i].pages;
			continue;
		}
		v[k++] = v[i];
	}
	*out = v;
	*n = k;
	return 0;
}

static void put_region(struct pfx_compare_region *r, const struct side_region *s, int side)
{
	r->kind = s->kind;
	r->path = s->path;
	r->process = s->process;
	r->in[side] = true;
	r->faults[side] = s->faults;
	r->minor[side] = s->minor;
	r->major[side] = s->major;
	r->pages[side] = s->pages;
	r->pattern[side] = s->pattern;
}

static int cmp_region_change(const void *x, const void *y)
{
	const struct pfx_compare_region *p = x, *q = y;
	uint64_t dp = abs_delta(p->faults), dq = abs_delta(q->faults);
	int d;

	if (dp != dq)
		return dp < dq ? 1 : -1;
	if (p->faults[PFX_CMP_B] != q->faults[PFX_CMP_B])
		return p->faults[PFX_CMP_B] < q->faults[PFX_CMP_B] ? 1 : -1;
	d = strcmp(p->kind, q->kind);
	if (!d)
		d = strcmp(p->path, q->path);
	return d ? d : cmp_str(p->process, q->process);
}

static int regions(const struct pfx_analysis *a, const struct pfx_analysis *b, struct pfx_compare *c)
{
	struct side_region *va = NULL, *vb = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0;
	int err;

	c->per_process = many(a) && many(b);
	err = side_regions(a, c->per_process, &va, &na);
	if (!err)
		err = side_regions(b, c->per_process, &vb, &nb);
	if (!err && !(c->regions = calloc(na + nb + 1, sizeof(*c->regions))))
		err = -ENOMEM;
	while (!err && (i < na || j < nb)) {
		struct pfx_compare_region *r = &c->regions[c->nregions++];
		int d = i == na ? 1 : j == nb ? -1 : region_key_cmp(&va[i], &vb[j]);

		if (d <= 0)
			put_region(r, &va[i++], PFX_CMP_A);
		if (d >= 0)
			put_region(r, &vb[j++], PFX_CMP_B);
	}
	if (!err && c->nregions)
		qsort(c->regions, c->nregions, sizeof(*c->regions), cmp_region_change);
	free(va);
	free(vb);
	return err;
}

/* ---- functions ---- */

struct side_function {
	char *name;
	uint64_t faults, major;
};

static int cmp_side_function(const void *x, const void *y)
{
	return strcmp(((const struct side_function *)x)->name, ((const struct side_function *)y)->name);
}

static void free_side_functions(struct side_function *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].name);
	free(v);
}

static int side_functions(const struct pfx_analysis *rep, struct side_function **out, size_t *n)
{
	const struct pfx_code_sites *cs = &rep->code;
	struct side_function *v = calloc(cs->nfunctions ? cs->nfunctions : 1, sizeof(*v));
	char name[4200];
	size_t k = 0;

	*out = v;
	*n = 0;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; rep->code_named && i < cs->nfunctions; i++) {
		pfx_function_row_format(&cs->functions[i], name, sizeof(name));
		if (!(v[i].name = strdup(name))) {
			*n = i;
			return -ENOMEM;
		}
		v[i].faults = cs->functions[i].faults;
		v[i].major = cs->functions[i].major;
		*n = i + 1;
	}
	/* two rows of one name (two unnamed regions of one file): one row */
	qsort(v, *n, sizeof(*v), cmp_side_function);
	for (size_t i = 0; i < *n; i++) {
		if (k && strcmp(v[k - 1].name, v[i].name) == 0) {
			v[k - 1].faults += v[i].faults;
			v[k - 1].major += v[i].major;
			free(v[i].name);
			continue;
		}
		v[k++] = v[i];
	}
	*n = k;
	return 0;
}

static void put_function(struct pfx_compare_function *f, struct side_function *s, int side)
{
	if (!f->name) {
		f->name = s->name;	/* moved */
		s->name = NULL;
	}
	f->in[side] = true;
	f->faults[side] = s->faults;
	f->major[side] = s->major;
}

static int cmp_function_change(const void *x, const void *y)
{
	const struct pfx_compare_function *p = x, *q = y;
	uint64_t dp = abs_delta(p->faults), dq = abs_delta(q->faults);

	if (dp != dq)
		return dp < dq ? 1 : -1;
	if (p->faults[PFX_CMP_B] != q->faults[PFX_CMP_B])
		return p->faults[PFX_CMP_B] < q->faults[PFX_CMP_B] ? 1 : -1;
	return strcmp(p->name, q->name);
}

static int functions(const struct pfx_analysis *a, const struct pfx_analysis *b, struct pfx_compare *c)
{
	struct side_function *va = NULL, *vb = NULL;
	size_t na = 0, nb = 0, i = 0, j = 0;
	int err = side_functions(a, &va, &na);

	if (!err)
		err = side_functions(b, &vb, &nb);
	c->functions_named[PFX_CMP_A] = a->code_named;
	c->functions_named[PFX_CMP_B] = b->code_named;
	if (!err && !(c->functions = calloc(na + nb + 1, sizeof(*c->functions))))
		err = -ENOMEM;
	while (!err && (i < na || j < nb)) {
		struct pfx_compare_function *f = &c->functions[c->nfunctions++];
		int d = i == na ? 1 : j == nb ? -1 : strcmp(va[i].name, vb[j].name);

		if (d <= 0)
			put_function(f, &va[i++], PFX_CMP_A);
		if (d >= 0)
			put_function(f, &vb[j++], PFX_CMP_B);
	}
	if (!err && c->nfunctions)
		qsort(c->functions, c->nfunctions, sizeof(*c->functions), cmp_function_change);
	free_side_functions(va, na);
	free_side_functions(vb, nb);
	return err;
}

/* ---- the whole ---- */

static bool all_same(const struct pfx_compare *c)
{
	for (int t = 0; t < PFX_CMP_TOTALS; t++)
		if (abs_delta(c->totals[t]))
			return false;
	for (size_t i = 0; i < c->nregions; i++) {
		const struct pfx_compare_region *r = &c->regions[i];

		if (!r->in[PFX_CMP_A] || !r->in[PFX_CMP_B] || abs_delta(r->faults) || abs_delta(r->minor) ||
		    abs_delta(r->major) || abs_delta(r->pages) || r->pattern[PFX_CMP_A] != r->pattern[PFX_CMP_B])
			return false;
	}
	for (size_t i = 0; i < c->nfunctions; i++) {
		const struct pfx_compare_function *f = &c->functions[i];

		if (!f->in[PFX_CMP_A] || !f->in[PFX_CMP_B] || abs_delta(f->faults) || abs_delta(f->major))
			return false;
	}
	for (size_t i = 0; i < c->nlatency; i++)
		if (abs_delta(c->latency[i].ns) || abs_delta(c->latency[i].count))
			return false;
	return true;
}

int pfx_compare_run(const struct pfx_analysis *a, const struct pfx_analysis *b, struct pfx_compare **out)
{
	struct pfx_compare *c = calloc(1, sizeof(*c));
	int err;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	totals(a, PFX_CMP_A, c);
	totals(b, PFX_CMP_B, c);
	latency(a, b, c);
	err = regions(a, b, c);
	if (!err)
		err = functions(a, b, c);
	if (err) {
		pfx_compare_free(c);
		return err;
	}
	c->same = all_same(c);
	*out = c;
	return 0;
}

void pfx_compare_free(struct pfx_compare *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nfunctions; i++)
		free(c->functions[i].name);
	free(c->functions);
	free(c->regions);
	free(c);
}
