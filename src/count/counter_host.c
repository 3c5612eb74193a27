/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counter_host: the kernel's own fault counts of a host scope, for where
 * perf's CPU-wide or cgroup events cannot be used (denied, or a cgroup
 * outside the perf_event hierarchy).
 *
 *   vmstat  the host: /proc/vmstat pgfault and pgmajfault.
 *   memcg   a cgroup: its memory.stat (hostscope.h says which keys).
 *
 * Counts are differences from the values read at the start.  pgfault is
 * counted for every fault the kernel handles, including the ones it takes
 * on a task's behalf (get_user_pages) and the ones that fail (SIGSEGV);
 * pgmajfault is a part of it.  So faults = pgfault, major = pgmajfault,
 * minor = the rest.  Neither file splits the counts by CPU: -A needs
 * perf. */
#include "config.h"
#include "counter_backend.h"
#include "hostscope.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct host_target {
	struct pfx_kernel_faults base, last;
};

static int read_target(const struct pfx_counter *c, size_t i, struct pfx_kernel_faults *out)
{
	const struct pfx_counter_target *t = &c->targets[i];

	return t->kind == PFX_TARGET_CGROUP ? pfx_cgroup_read_faults(t->cgroup, out)
					    : pfx_vmstat_read_faults(out);
}

static void host_close(struct pfx_counter *c)
{
	free(c->priv);
	c->priv = NULL;
}

static int host_open(struct pfx_counter *c)
{
	struct host_target *st = calloc(c->ntargets ? c->ntargets : 1, sizeof(*st));
	int err = 0;

	if (!st)
		return -ENOMEM;
	c->priv = st;
	for (size_t i = 0; i < c->ntargets && !err; i++) {
		if (c->targets[i].cpu >= 0)
			err = -EOPNOTSUPP;	/* no per-CPU split in these files */
		else
			err = read_target(c, i, &st[i].base);
		st[i].last = st[i].base;
	}
	if (err) {
		if (err == -ENOENT && c->targets[0].kind == PFX_TARGET_CGROUP)
			c->unavailable = "the cgroup has no memory.stat (no memory controller)";
		host_close(c);
		return err;
	}
	if (c->targets[0].kind == PFX_TARGET_CGROUP)
		snprintf(c->description, sizeof(c->description),
			 "memcg (memory.stat %s: faults of the address spaces charged to the cgroup, "
			 "includes GUP and failed faults)",
			 c->targets[0].cgroup->memory_v1 ? "total_pgfault, total_pgmajfault"
							  : "pgfault, pgmajfault");
	else
		snprintf(c->description, sizeof(c->description),
			 "vmstat (/proc/vmstat pgfault, pgmajfault: includes GUP and failed faults)");
	return 0;
}

static int host_read(struct pfx_counter *c, size_t i, struct pfx_live_counts *out)
{
	struct host_target *t = &((struct host_target *)c->priv)[i];
	struct pfx_kernel_faults now;
	uint64_t faults, major;

	/* A cgroup removed meanwhile keeps its last counts. */
	if (read_target(c, i, &now) == 0 && now.faults >= t->last.faults)
		t->last = now;
	faults = t->last.faults - t->base.faults;
	major = t->last.major > t->base.major ? t->last.major - t->base.major : 0;
	out->faults = faults;
	out->major = major;
	out->minor = faults > major ? faults - major : 0;
	return 0;
}

static void host_target_exited(struct pfx_counter *c, size_t i, const struct rusage *ru)
{
	(void)c;
	(void)i;
	(void)ru;
}

static int host_threads(struct pfx_counter *c)
{
	(void)c;
	return -EOPNOTSUPP;
}

const struct counter_backend pfx_counter_vmstat_backend = {
	.source = PFX_SOURCE_VMSTAT,
	.open = host_open,
	.read = host_read,
	.target_exited = host_target_exited,
	.threads = host_threads,
	.close = host_close,
};

const struct counter_backend pfx_counter_memcg_backend = {
	.source = PFX_SOURCE_MEMCG,
	.open = host_open,
	.read = host_read,
	.target_exited = host_target_exited,
	.threads = host_threads,
	.close = host_close,
};
