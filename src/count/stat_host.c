/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stat_host: -a, -A and -G of 'pfx stat' (stat_host.h). */
#include "config.h"
#include "stat_host.h"
#include "cgname.h"
#include "perf.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CGROUPS = 64 };

/* Split "a,b" and resolve each; at the first bad one, its name and the
 * hierarchy searched go into h->bad for the command's message. */
static int resolve_cgroups(struct stat_host *h, const char *list)
{
	char *copy = strdup(list), *save = NULL;
	int err = 0;

	h->cgroups = calloc(MAX_CGROUPS, sizeof(*h->cgroups));
	if (!copy || !h->cgroups) {
		free(copy);
		return -ENOMEM;
	}
	for (char *name = strtok_r(copy, ",", &save); name && !err; name = strtok_r(NULL, ",", &save)) {
		if (h->ncgroups == MAX_CGROUPS) {
			err = -E2BIG;
			break;
		}
		err = pfx_cgroup_resolve(name, &h->cgroups[h->ncgroups], h->bad.where, sizeof(h->bad.where));
		if (err)
			snprintf(h->bad.name, sizeof(h->bad.name), "%s", name);
		else
			h->ncgroups++;
	}
	if (!err && h->ncgroups == 0)
		err = -EDESTADDRREQ;
	free(copy);
	return err;
}

int pfx_stat_host_setup(struct stat_host *h, bool system_wide, bool per_cpu, const char *cgroups)
{
	int *cpus = NULL, all = -1, err;
	size_t ncpus = 1, nscopes;

	memset(h, 0, sizeof(*h));
	h->system_wide = true;
	h->per_cpu = per_cpu;
	(void)system_wide;	/* -G implies it: perf counts cgroups CPU-wide too */
	if (cgroups && (err = resolve_cgroups(h, cgroups)))
		return err;
	if (per_cpu && (err = pfx_perf_online_cpus(&cpus, &ncpus))) {
		h->bad.cpus = true;
		return err;
	}
	nscopes = h->ncgroups ? h->ncgroups : 1;
	h->targets = calloc(nscopes * ncpus, sizeof(*h->targets));
	if (!h->targets) {
		free(cpus);
		return -ENOMEM;
	}
	for (size_t g = 0; g < nscopes; g++)
		for (size_t k = 0; k < ncpus; k++)
			h->targets[h->ntargets++] = (struct pfx_counter_target){
				.pid = -1,
				.kind = h->ncgroups ? PFX_TARGET_CGROUP : PFX_TARGET_SYSTEM,
				.cpu = cpus ? cpus[k] : all,
				.cgroup = h->ncgroups ? &h->cgroups[g] : NULL,
			};
	free(cpus);
	return 0;
}

int pfx_stat_host_cpu(const struct stat_host *h, size_t i)
{
	return i < h->ntargets ? h->targets[i].cpu : -1;
}

const char *pfx_stat_host_cgroup(const struct stat_host *h, size_t i)
{
	return i < h->ntargets && h->targets[i].cgroup ? h->targets[i].cgroup->name : NULL;
}

void pfx_stat_host_describe(const struct stat_host *h, char *buf, size_t size)
{
	size_t len;

	if (!h->ncgroups) {
		snprintf(buf, size, "system-wide");
		return;
	}
	len = (size_t)snprintf(buf, size, "%s ", h->ncgroups > 1 ? "cgroups" : "cgroup");
	for (size_t i = 0; i < h->ncgroups && len < size; i++) {
		struct pfx_cgname n;
		char pod[128];

		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? "," : "", h->cgroups[i].name);
		/* a pod's cgroup named as a person looks it up (crictl, kubectl) */
		if (len < size && pfx_cgname_parse(h->cgroups[i].name, &n) &&
		    pfx_cgname_short(&n, pod, sizeof(pod)) > 0)
			len += (size_t)snprintf(buf + len, size - len, " [%s]", pod);
	}
}

/* The kernel's count summed over the scopes (the cgroups, or the host). */
static int read_ref(const struct stat_host *h, struct pfx_kernel_faults *out)
{
	memset(out, 0, sizeof(*out));
	if (!h->ncgroups)
		return pfx_vmstat_read_faults(out);
	for (size_t i = 0; i < h->ncgroups; i++) {
		struct pfx_kernel_faults one;
		int err = pfx_cgroup_read_faults(&h->cgroups[i], &one);

		if (err)
			return err;
		out->faults += one.faults;
		out->major += one.major;
	}
	return 0;
}

void pfx_stat_host_ref_start(struct stat_host *h)
{
	h->has_ref = h->ntargets && read_ref(h, &h->ref_start) == 0;
	h->ref_name = h->ncgroups ? "memory.stat" : "/proc/vmstat";
}

void pfx_stat_host_ref_end(struct stat_host *h, enum pfx_count_source source)
{
	h->has_ref = h->has_ref && source == PFX_SOURCE_PERF;
	if (h->has_ref && read_ref(h, &h->ref_end) != 0)
		h->ref_end = h->ref_start;	/* a cgroup removed meanwhile */
}

const char *pfx_stat_host_gap_cause(const struct stat_host *h, uint64_t counted, uint64_t kernel,
				int64_t *gap)
{
	/* The same noise floor as a command's rusage against perf. */
	if (!pfx_rusage_gap_cause(counted, kernel, gap))
		return NULL;
	if (*gap > 0)
		return h->ncgroups
			? "faults the kernel took on tasks' behalf (get_user_pages: execve arguments, "
			  "MADV_POPULATE_*, mlock, O_DIRECT, process_vm_*) and failed faults, which "
			  "memory.stat counts and the page-fault events do not see"
			: "faults the kernel took on tasks' behalf (get_user_pages: execve arguments, "
			  "MADV_POPULATE_*, mlock, O_DIRECT, process_vm_*) and failed faults, which "
			  "/proc/vmstat counts and the page-fault events do not see";
	return h->ncgroups
		? "memory.stat charges a fault to the cgroup that owns the address space, perf to the "
		  "cgroup of the task that faults: tasks that moved, or faulted in another's memory"
		: "faults counted by perf between the reads of /proc/vmstat";
}

void pfx_stat_host_free(struct stat_host *h)
{
	free(h->cgroups);
	free(h->targets);
	memset(h, 0, sizeof(*h));
}
