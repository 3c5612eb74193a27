/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procstat: read fault counts from /proc/PID/stat. */
#include "config.h"
#include "procstat.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field numbers from proc(5), counted from 1 (pid). */
enum { STAT_PPID = 4, STAT_FLAGS = 9, STAT_MINFLT = 10, STAT_CMINFLT = 11, STAT_MAJFLT = 12,
       STAT_CMAJFLT = 13, STAT_STARTTIME = 22 };

int pfx_proc_parse_stat(const char *text, struct pfx_proc_faults *out, char *comm,
			size_t comm_size)
{
	/* comm may hold spaces and ')' itself: the last ')' ends it. */
	const char *open = strchr(text, '('), *close = strrchr(text, ')');
	const char *p;
	uint64_t fields[STAT_STARTTIME + 1] = { 0 };
	int field = 3;

	if (!open || !close || close < open || close[1] != ' ')
		return -EINVAL;
	if (comm && comm_size) {
		size_t len = (size_t)(close - open - 1);

		if (len >= comm_size)
			len = comm_size - 1;
		memcpy(comm, open + 1, len);
		comm[len] = '\0';
	}
	p = close + 2;
	out->state = *p;	/* field 3 */
	p = strchr(p, ' ');
	/* The fields up to cmajflt are required; the start time is read
	 * when the text goes that far (parsers of older text still work). */
	while (p && field < STAT_STARTTIME) {
		char *end;

		fields[field + 1] = strtoull(p + 1, &end, 10);
		if (end == p + 1)
			break;
		field++;
		p = strchr(end, ' ');
	}
	if (field < STAT_CMAJFLT)
		return -EINVAL;
	out->ppid = (pid_t)fields[STAT_PPID];
	out->start_time = field == STAT_STARTTIME ? fields[STAT_STARTTIME] : 0;
	out->flags = fields[STAT_FLAGS];
	out->minor = fields[STAT_MINFLT];
	out->major = fields[STAT_MAJFLT];
	out->child_minor = fields[STAT_CMINFLT];
	out->child_major = fields[STAT_CMAJFLT];
	return 0;
}

static void stat_path(char *buf, size_t size, pid_t pid, pid_t tid, const char *file)
{
	if (tid)
		snprintf(buf, size, "/proc/%d/task/%d/%s", (int)pid, (int)tid, file);
	else
		snprintf(buf, size, "/proc/%d/%s", (int)pid, file);
}

int pfx_proc_read_faults(pid_t pid, pid_t tid, struct pfx_proc_faults *out)
{
	char path[96], buf[1024];
	ssize_t n;

	stat_path(path, sizeof(path), pid, tid, "stat");
	n = pfx_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	return pfx_proc_parse_stat(buf, out, NULL, 0);
}

int pfx_proc_is_kernel_thread(pid_t pid)
{
	struct pfx_proc_faults st;
	int err = pfx_proc_read_faults(pid, 0, &st);

	if (err < 0)
		return err;
	return (st.flags & PFX_PF_KTHREAD) != 0;
}

int pfx_proc_is_exiting(pid_t pid)
{
	struct pfx_proc_faults st;
	int err = pfx_proc_read_faults(pid, 0, &st);

	if (err < 0)
		return err;
	/* a zombie main thread whose process lives on (it ended alone) is
	 * not the process exiting */
	return (st.flags & PFX_PF_EXITING) != 0 && st.state != 'Z';
}

int pfx_proc_read_comm(pid_t pid, pid_t tid, char *comm, size_t size)
{
	char path[96];
	ssize_t n;

	stat_path(path, sizeof(path), pid, tid, "comm");
	n = pfx_read_file(path, comm, size);
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	/* The kernel ends the name with one newline; a newline the process
	 * put into its own name stays (shown as \x0a, never cut there). */
	if (n > 0 && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	return 0;
}

int pfx_proc_read_start_brk(pid_t pid, uint64_t *start_brk)
{
	char path[96], buf[2048], *p;
	unsigned long long v = 0;
	int field = 3;
	ssize_t n;

	stat_path(path, sizeof(path), pid, 0, "stat");
	n = pfx_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	/* comm may hold spaces and ')' itself: the last ')' ends it. */
	if (n == 0 || !(p = strrchr(buf, ')')) || p[1] != ' ')
		return -EINVAL;
	for (p += 2; *p && field < 47; p++)
		if (*p == ' ')
			field++;
	if (sscanf(p, "%llu", &v) != 1)
		return -EINVAL;
	*start_brk = v;
	return 0;
}
