/* SPDX-License-Identifier: GPL-2.0-or-later */
/* perf: perf_event_open(2) wrappers shared by stat and record. */
#include "config.h"
#include "perf.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define PFX_CAP_PERFMON 38	/* Linux 5.8; older headers lack it */
#else
#define PFX_CAP_PERFMON CAP_PERFMON
#endif

int pfx_perf_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
		  unsigned long flags)
{
	long fd;

	attr->size = sizeof(*attr);
	fd = syscall(SYS_perf_event_open, attr, pid, cpu, group_fd,
		     flags | PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

bool pfx_perf_denied(int neg_errno)
{
	return neg_errno == -EACCES || neg_errno == -EPERM || neg_errno == -ENOSYS;
}

int pfx_perf_read_count(int fd, uint64_t *value)
{
	ssize_t n;

	do
		n = read(fd, value, sizeof(*value));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*value) ? 0 : -EIO;
}

int pfx_perf_probe(void)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_PAGE_FAULTS;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	fd = pfx_perf_open(&attr, 0, -1, -1, 0);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int pfx_perf_paranoid(void)
{
	char text[16] = "";

	if (pfx_read_file("/proc/sys/kernel/perf_event_paranoid", text, sizeof(text)) <= 0)
		return 2;
	return atoi(text);
}

/* Mainline takes any level above 2 as 2; Debian's kernels make 3 refuse
 * every user without CAP_PERFMON.  Which one this is shows in whether a
 * user may still count its own faults. */
static int effective_paranoid(void)
{
	int level = pfx_perf_paranoid();

	return level > 2 && pfx_perf_probe() == 0 ? 2 : level;
}

/* perf-security.rst: >= 2 no kernel profiling, >= 1 no CPU events, for a
 * user without CAP_PERFMON; 3 (Debian's patch) refuses everything. */
int pfx_perf_paranoid_needed(const struct pfx_perf_request *req)
{
	return req->cpu_wide ? 0 : req->kernel ? 1 : 2;
}

bool pfx_perf_capable(int cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0 || cap < 0 || cap >= 64)
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

/* CAP_SYS_ADMIN stands for CAP_PERFMON too (perfmon_capable()). */
static bool perfmon_capable(void)
{
	return pfx_perf_capable(PFX_CAP_PERFMON) || pfx_perf_capable(CAP_SYS_ADMIN);
}

/* Another user's process, as ptrace_may_access() sees it (real uid). */
static bool foreign_process(pid_t pid)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return pid > 0 && stat(path, &st) == 0 && st.st_uid != getuid();
}

/* The locked memory a user may map rings into: perf_event_mlock_kb per
 * online CPU, then RLIMIT_MEMLOCK (perf_mmap()); KiB. */
static unsigned long long mlock_allowance_kb(long *per_cpu_kb, unsigned long long *rlimit_kb)
{
	char text[32] = "";
	struct rlimit rl = { 0, 0 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	*per_cpu_kb = pfx_read_file("/proc/sys/kernel/perf_event_mlock_kb", text, sizeof(text)) > 0
		? atol(text) : 516;
	getrlimit(RLIMIT_MEMLOCK, &rl);
	*rlimit_kb = rl.rlim_cur == RLIM_INFINITY ? ~0ULL >> 11 : rl.rlim_cur / 1024;
	return (unsigned long long)*per_cpu_kb * (unsigned long long)(cpus > 0 ? cpus : 1) + *rlimit_kb;
}

static unsigned long long rings_kb(const struct pfx_perf_request *req)
{
	return (unsigned long long)req->nrings * (req->ring_pages + 1) * (unsigned long long)getpagesize() / 1024;
}

enum pfx_perf_cause pfx_perf_cause(int neg_errno, const struct pfx_perf_request *req)
{
	long per_cpu_kb;
	unsigned long long rlimit_kb;

	if (!pfx_perf_denied(neg_errno))
		return PFX_PERF_CAUSE_NONE;
	if (neg_errno == -ENOSYS)
		return PFX_PERF_CAUSE_FILTERED;
	if (effective_paranoid() > pfx_perf_paranoid_needed(req) && !perfmon_capable())
		return PFX_PERF_CAUSE_PARANOID;
	/* perf_check_permission(): CAP_PERFMON or ptrace_may_access(). */
	if (foreign_process(req->pid) && !perfmon_capable() && !pfx_perf_capable(CAP_SYS_PTRACE))
		return PFX_PERF_CAUSE_PTRACE;
	/* perf_event_paranoid -1 lifts the limit, as CAP_IPC_LOCK does. */
	if (req->ring_pages && pfx_perf_paranoid() > -1 && !pfx_perf_capable(CAP_IPC_LOCK) &&
	    rings_kb(req) > mlock_allowance_kb(&per_cpu_kb, &rlimit_kb))
		return PFX_PERF_CAUSE_MLOCK;
	return PFX_PERF_CAUSE_FILTERED;
}

void pfx_perf_denied_hint(int neg_errno, const struct pfx_perf_request *req, char *buf, size_t size)
{
	int level = pfx_perf_paranoid(), need = pfx_perf_paranoid_needed(req);
	long per_cpu_kb;
	unsigned long long rlimit_kb;

	switch (pfx_perf_cause(neg_errno, req)) {
	case PFX_PERF_CAUSE_PARANOID:
		snprintf(buf, size, "kernel.perf_event_paranoid is %d and %s needs %d or lower: "
			 "set 'sysctl kernel.perf_event_paranoid=%d', grant CAP_PERFMON, or run as root",
			 level, req->cpu_wide ? "CPU-wide counting or sampling" :
			 req->kernel ? "counting kernel mode" : "observing a process", need, need);
		break;
	case PFX_PERF_CAUSE_PTRACE:
		snprintf(buf, size, "process %d belongs to another user: run as its owner or root, "
			 "or grant CAP_PERFMON", (int)req->pid);
		break;
	case PFX_PERF_CAUSE_MLOCK:
		mlock_allowance_kb(&per_cpu_kb, &rlimit_kb);
		snprintf(buf, size, "the rings (%llu KiB) exceed the locked memory a user may map "
			 "(kernel.perf_event_mlock_kb %ld per CPU, then 'ulimit -l' %llu KiB): use a smaller "
			 "-m, raise either, or grant CAP_IPC_LOCK", rings_kb(req), per_cpu_kb, rlimit_kb);
		break;
	default:
		if (neg_errno == -ENOSYS)
			snprintf(buf, size, "this kernel has no perf_event_open, or a seccomp filter "
				 "hides it: allow it there");
		else
			/* Root, CAP_PERFMON or a level that allows the request:
			 * something else (seccomp, an LSM) is refusing it. */
			snprintf(buf, size, "kernel.perf_event_paranoid is %d, which allows this%s, so a "
				 "seccomp profile or security module blocks perf_event_open: allow it there",
				 level, geteuid() == 0 ? " (and root is not limited by it)" : "");
	}
}

const char *pfx_perf_max_sample_rate(char *buf, size_t size)
{
	if (pfx_read_file("/proc/sys/kernel/perf_event_max_sample_rate", buf, size) <= 0)
		return "?";
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* The sysfs list format: "0-3,8,10-11". */
int pfx_perf_online_cpus(int **cpus, size_t *count)
{
	char buf[4096], *p = buf;
	int *list = NULL;
	size_t n = 0, cap = 0;
	ssize_t len = pfx_read_file("/sys/devices/system/cpu/online", buf, sizeof(buf));

	if (len < 0)
		return (int)len;
	while (*p && *p != '\n') {
		char *end;
		long first = strtol(p, &end, 10), last = first;

		if (end == p)
			break;
		if (*end == '-')
			last = strtol(end + 1, &end, 10);
		for (long cpu = first; cpu <= last; cpu++) {
			if (PFX_GROW(list, cap, n + 1, 64)) {
				free(list);
				return -ENOMEM;
			}
			list[n++] = (int)cpu;
		}
		p = *end == ',' ? end + 1 : end;
	}
	if (!n) {
		free(list);
		return -EINVAL;
	}
	*cpus = list;
	*count = n;
	return 0;
}
