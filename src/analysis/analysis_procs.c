/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analysis_procs: faults per process and per cgroup (analysis_procs.h). */
#include "config.h"
#include "analysis_procs.h"
#include "analysis_counts.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int pfx_analysis_procs_init(struct pfx_analysis_procs *p)
{
	memset(p, 0, sizeof(*p));
	if (pfx_u64map_init(&p->cgroup_of, sizeof(uint32_t)) < 0)
		return -ENOMEM;
	if (pfx_strset_init(&p->names) < 0) {
		pfx_u64map_free(&p->cgroup_of);
		return -ENOMEM;
	}
	return 0;
}

void pfx_analysis_procs_free(struct pfx_analysis_procs *p)
{
	pfx_strset_free(&p->names);
	free(p->procs);
	free(p->cgroups);
	pfx_u64map_free(&p->cgroup_of);
	memset(p, 0, sizeof(*p));
}

int pfx_analysis_procs_cgroup(struct pfx_analysis_procs *p, const struct pfx_proc_cgroup *cg)
{
	bool is_new;
	uint32_t *slot = pfx_u64map_upsert(&p->cgroup_of, cg->pid, &is_new);
	size_t index;

	/* names are hashed (a search through them was quadratic: a
	 * host-wide file of 40,000 cgroups took 27 s) */
	if (!slot || !pfx_strset_add(&p->names, cg->path, &index) || index >= UINT32_MAX)
		return -ENOMEM;
	*slot = (uint32_t)index + 1;
	p->has_cgroups = true;
	return 0;
}

static int cmp_procs(const void *a, const void *b)
{
	const struct pfx_process_row *x = a, *y = b;

	if (x->faults != y->faults)
		return x->faults < y->faults ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_cgroups(const void *a, const void *b)
{
	const struct pfx_cgroup_row *x = a, *y = b;

	if (x->faults != y->faults)
		return x->faults < y->faults ? 1 : -1;
	return strcmp(x->cgroup, y->cgroup);
}

/* pid's cgroup (its index + 1 into names), or 0 (a miss adds an empty
 * entry: harmless). */
static uint64_t cgroup_index(struct pfx_analysis_procs *p, uint32_t pid)
{
	bool is_new;
	uint32_t *slot = pfx_u64map_upsert(&p->cgroup_of, pid, &is_new);

	return slot ? *slot : 0;
}

/* One row per cgroup, by index (unknown and "" share row 0), then the
 * rows with processes, most faults first. */
static int build_cgroups(struct pfx_analysis_procs *p)
{
	p->cgroups = calloc(p->names.n + 1, sizeof(*p->cgroups));
	if (!p->cgroups)
		return -ENOMEM;
	p->cgroups[0].cgroup = "";
	for (size_t i = 0; i < p->names.n; i++)
		p->cgroups[i + 1].cgroup = p->names.strs[i];
	for (size_t i = 0; i < p->nprocs; i++) {
		const struct pfx_process_row *pr = &p->procs[i];
		struct pfx_cgroup_row *row = &p->cgroups[pr->cgroup_index];

		row->faults += pr->faults;
		row->minor += pr->minor;
		row->major += pr->major;
		row->processes++;
	}
	for (size_t i = 0; i <= p->names.n; i++)
		if (p->cgroups[i].processes)
			p->cgroups[p->ncgroups++] = p->cgroups[i];
	if (p->ncgroups)
		qsort(p->cgroups, p->ncgroups, sizeof(*p->cgroups), cmp_cgroups);
	return 0;
}

int pfx_analysis_procs_build(struct pfx_analysis_procs *p, const struct pfx_thread_stats *threads,
			   size_t nthreads)
{
	struct pfx_u64map index;	/* pid -> row + 1 */
	int err = pfx_u64map_init(&index, sizeof(uint32_t));

	p->procs = calloc(nthreads ? nthreads : 1, sizeof(*p->procs));
	if (err || !p->procs) {
		pfx_u64map_free(&index);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nthreads; i++) {
		const struct pfx_thread_stats *t = &threads[i];
		struct pfx_process_row *row;
		bool is_new;
		uint32_t *slot;

		if (!t->c.faults && t->tid != t->pid)
			continue;
		slot = pfx_u64map_upsert(&index, t->pid, &is_new);
		if (!slot) {
			pfx_u64map_free(&index);
			return -ENOMEM;
		}
		if (is_new) {
			*slot = (uint32_t)++p->nprocs;	/* nprocs <= nthreads, < 2^32 */
			p->procs[*slot - 1] = (struct pfx_process_row){ .pid = t->pid, .comm = t->comm };
		}
		row = &p->procs[*slot - 1];
		/* The main thread names the process; else its first named thread. */
		if (t->tid == t->pid ? t->comm[0] != '\0' : !row->comm[0])
			row->comm = t->comm;
		row->faults += t->c.faults;
		row->minor += t->c.minor;
		row->major += t->c.major;
		row->threads += t->c.faults > 0;
	}
	pfx_u64map_free(&index);
	/* Processes known only by a thread item, without faults, are not rows. */
	for (size_t i = 0; i < p->nprocs; i++) {
		uint64_t idx;

		if (!p->procs[i].faults) {
			p->procs[i--] = p->procs[--p->nprocs];
			continue;
		}
		idx = cgroup_index(p, p->procs[i].pid);
		p->procs[i].cgroup = idx ? p->names.strs[idx - 1] : NULL;
		p->procs[i].cgroup_index = idx && p->names.strs[idx - 1][0] ? (uint32_t)idx : 0;
	}
	if (p->nprocs)
		qsort(p->procs, p->nprocs, sizeof(*p->procs), cmp_procs);
	return build_cgroups(p);
}
