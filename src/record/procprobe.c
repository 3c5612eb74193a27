/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procprobe: the probe of the running system (procprobe.h), each
 * operation one reader of kernel/. */
#include "config.h"
#include "procprobe.h"
#include "hostscope.h"
#include "procstat.h"
#include "target.h"
#include "util.h"

static int proc_maps(void *ctx, pid_t pid, struct pfx_map_entry **maps, size_t *count)
{
	(void)ctx;
	return pfx_maps_read(pid, maps, count);
}

static int proc_tids(void *ctx, pid_t pid, pid_t **tids, size_t *count)
{
	(void)ctx;
	return pfx_list_tids(pid, tids, count);
}

static int proc_comm(void *ctx, pid_t pid, pid_t tid, char *comm, size_t size)
{
	(void)ctx;
	return pfx_proc_read_comm(pid, tid, comm, size);
}

static int proc_cgroup(void *ctx, pid_t pid, char *name, size_t size)
{
	(void)ctx;
	return pfx_cgroup_of_pid(pid, name, size);
}

static int proc_start_brk(void *ctx, pid_t pid, uint64_t *start_brk)
{
	(void)ctx;
	return pfx_proc_read_start_brk(pid, start_brk);
}

static uint64_t proc_now_ns(void *ctx)
{
	(void)ctx;
	return pfx_now_ns();
}

const struct pfx_procprobe *pfx_procprobe_proc(void)
{
	static const struct pfx_procprobe probe = {
		.maps = proc_maps, .tids = proc_tids, .comm = proc_comm, .cgroup = proc_cgroup,
		.start_brk = proc_start_brk, .now_ns = proc_now_ns,
	};

	return &probe;
}
