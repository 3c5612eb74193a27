/* SPDX-License-Identifier: GPL-2.0-or-later */
/* perf: perf_event_open(2) wrappers shared by stat and record. */
#include "config.h"
#include "perf.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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

void pfx_perf_denied_hint(char *buf, size_t size)
{
	char text[16] = "";
	int level = 2;

	if (pfx_read_file("/proc/sys/kernel/perf_event_paranoid", text, sizeof(text)) > 0)
		level = atoi(text);
	/* Root, or a level that allows a user to observe its own processes:
	 * then something else (seccomp, an LSM) is refusing the syscall. */
	if (geteuid() == 0 || level <= 2)
		snprintf(buf, size, "a seccomp profile or security module blocks "
			 "perf_event_open (perf_event_paranoid is %d); allow it there", level);
	else
		snprintf(buf, size, "perf_event_paranoid is %d; set kernel.perf_event_paranoid=2 "
			 "or lower, run as root, or grant CAP_PERFMON", level);
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
