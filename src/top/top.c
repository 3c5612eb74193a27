/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top: /proc scanning, per-process deltas and rates, ordering (sorted,
 * tree, cgroup groups) and filtering for 'pfx top'. */
#include "config.h"
#include "top.h"
#include "hostscope.h"
#include "procstat.h"
#include "target.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* A status file is ~1.5 KiB; cgroup lines of a hybrid host fit easily. */
enum { READ_BUF = 8192, USER_NAME_MAX = 33 };

struct user_entry {
	uid_t uid;
	char name[USER_NAME_MAX];
};

struct top_table {
	struct top_table_opts opts;
	int proc_fd;			/* the /proc directory, for openat() */
	DIR *proc_dir;			/* rewound each scan, never reopened */
	/* Double buffer: rows of the last scan move into the new one by PID,
	 * so nothing is allocated once both have grown to the process count. */
	struct top_proc *cur, *prev, *gone;
	size_t ncur, cap_cur, nprev, cap_prev, ngone, cap_gone;
	pid_t *pids;
	size_t npids, cap_pids;
	char buf[READ_BUF];
	uint64_t prev_ns, now_ns, prev_boot_ns;
	unsigned samples;
	uint64_t vanished;
	long ticks_per_s;
	unsigned page_kb;
	size_t nkept, fd_budget;	/* descriptors kept open, and how many may be */
	size_t nextra;			/* of them, not stat */
	bool live;			/* the real /proc: pidfds and /proc/swaps speak of it */
	bool pidfd_info;		/* PIDFD_GET_INFO answers (Linux 6.13 on) */
	bool v2_only;			/* cgroup v2 alone: a cgroup id names a process's cgroup */
	bool no_swap;			/* this scan: no swap in use, so every VmSwap is 0 */
	struct top_group *groups;
	size_t ngroups, cap_groups;
	struct user_entry *users;
	size_t nusers, cap_users;
	/* pfx_top_order()'s scratch, kept between calls */
	struct top_row *rows;
	int *idx, *child_start, *child_list, *stack;
	bool *visible;
	size_t cap_idx;
};

/* ---- small helpers ---------------------------------------------------- */

static uint64_t boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Close a descriptor kept in a row: its stat (tier 1) or another. */
static void close_kept(struct top_table *t, int *fd, int tier)
{
	if (*fd >= 0) {
		close(*fd);
		t->nkept--;
		if (tier > 1)
			t->nextra--;
	}
	*fd = -1;
}

/* May a process keep its tier-th file open?  Its stat first: past the
 * budget for every process's three (stat, then statm or status or cgroup,
 * then the pidfd), room stays for every stat, then for every second file:
 * reopening stat costs the most, a pidfd the least (no path to look up). */
static bool may_keep(const struct top_table *t, int tier)
{
	if (tier <= 0 || t->nkept >= t->fd_budget)
		return false;
	return tier == 1 || t->nextra + (size_t)(tier - 1) * t->npids < t->fd_budget;
}

static void close_proc(struct top_table *t, struct top_proc *p)
{
	close_kept(t, &p->stat_fd, 1);
	close_kept(t, &p->status_fd, 2);
	close_kept(t, &p->statm_fd, 2);
	close_kept(t, &p->pid_fd, 3);
	close_kept(t, &p->cgroup_fd, 2);
}

/* A row copied elsewhere (the gone list) owns no descriptor. */
static void forget_fds(struct top_proc *p)
{
	p->stat_fd = p->status_fd = p->statm_fd = p->pid_fd = p->cgroup_fd = -1;
}

/* Keep files open only up to the soft limit, less a reserve for the
 * output, --alert-exec and one open-read-close at a time: past it,
 * processes are read by opening each time, slower but complete. */
static void update_fd_budget(struct top_table *t)
{
	struct rlimit rl;

	t->fd_budget = 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 64)
		t->fd_budget = rl.rlim_cur == RLIM_INFINITY ? (size_t)1 << 20 : (size_t)rl.rlim_cur - 64;
}

/* A number in a /proc/sys file, or 0. */
static uint64_t sys_value(const char *path)
{
	char buf[32];

	return pfx_read_file(path, buf, sizeof(buf)) > 0 ? strtoull(buf, NULL, 10) : 0;
}

void pfx_top_raise_fd_limit(void)
{
	uint64_t want = 4 * sys_value("/proc/sys/kernel/pid_max"), most = sys_value("/proc/sys/fs/nr_open");
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (want > most)
		want = most;
	/* Past the hard limit where privileged (root): a host with 10,000
	 * processes needs 30,000 for its three files each. */
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max) {
		struct rlimit up = { (rlim_t)want, (rlim_t)want };

		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			return;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Parse a decimal (maybe negative) number at *s, move past it and one blank. */
static inline int64_t next_num(const char **s)
{
	const char *p = *s;
	bool neg = *p == '-';
	uint64_t v = 0;

	if (neg)
		p++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	while (*p == ' ')
		p++;
	*s = p;
	return neg ? -(int64_t)v : (int64_t)v;
}

/* ---- parsers ---------------------------------------------------------- */

/* The stat fields read below (proc(5)'s numbers): ppid, flags, minflt,
 * majflt, num_threads, starttime. */
#define STAT_WANTED (1u << 4 | 1u << 9 | 1u << 10 | 1u << 12 | 1u << 20 | 1u << 22)

int pfx_top_parse_stat(const char *text, struct top_proc *p)
{
	/* comm may hold spaces and ')': the last ')' ends it. */
	const char *open = strchr(text, '('), *close = strrchr(text, ')'), *s;
	int64_t f[23] = { 0 };
	size_t len;

	if (!open || !close || close < open || close[1] != ' ')
		return -EINVAL;
	len = (size_t)(close - open - 1);
	if (len >= sizeof(p->comm))
		len = sizeof(p->comm) - 1;
	memcpy(p->comm, open + 1, len);
	p->comm[len] = '\0';
	s = close + 2;
	if (!*s)
		return -EINVAL;
	s++;			/* field 3: the state letter */
	while (*s == ' ')
		s++;
	for (int field = 4; field <= 22; field++) {
		if (!((*s >= '0' && *s <= '9') || *s == '-'))
			return -EINVAL;
		if (STAT_WANTED & (1u << field)) {
			f[field] = next_num(&s);
			continue;
		}
		/* a field pfx does not use: passed over as next_num would */
		s += *s == '-';
		while (*s >= '0' && *s <= '9')
			s++;
		while (*s == ' ')
			s++;
	}
	p->ppid = (pid_t)f[4];
	p->kthread = ((uint64_t)f[9] & PFX_PF_KTHREAD) != 0;
	p->minor = (uint64_t)f[10];
	p->major = (uint64_t)f[12];
	p->threads = (unsigned)f[20];
	p->start_time = (uint64_t)f[22];
	return 0;
}

/* "Key:\t 123 kB" -> 123 */
static uint64_t field_value(const char *line)
{
	const char *s = strchr(line, ':');

	if (!s)
		return 0;
	s++;
	while (*s == ' ' || *s == '\t')
		s++;
	return (uint64_t)next_num(&s);
}

int pfx_top_parse_status(const char *text, struct top_proc *p)
{
	bool have_uid = false;

	p->rss_kb = p->swap_kb = 0;	/* kernel threads and zombies have neither line */
	for (const char *line = text; line && *line;) {
		/* Only lines starting with U or V matter: skip the rest quickly. */
		if (line[0] == 'U' && strncmp(line, "Uid:", 4) == 0) {
			p->uid = (uid_t)field_value(line);
			have_uid = true;
		} else if (line[0] == 'V' && strncmp(line, "VmRSS:", 6) == 0) {
			p->rss_kb = field_value(line);
		} else if (line[0] == 'V' && strncmp(line, "VmSwap:", 7) == 0) {
			p->swap_kb = field_value(line);
			break;	/* the last line pfx needs */
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return have_uid ? 0 : -EINVAL;
}

int pfx_top_parse_statm(const char *text, unsigned page_kb, struct top_proc *p)
{
	const char *s = text;

	/* "size resident shared text lib data dt", in pages */
	if (*s < '0' || *s > '9')
		return -EINVAL;
	next_num(&s);
	if (*s < '0' || *s > '9')
		return -EINVAL;
	p->rss_kb = (uint64_t)next_num(&s) * page_kb;
	return 0;
}

static const char *const sort_names[] = { "minor", "major", "rss", "swap", "pid" };

const char *pfx_top_sort_name(enum top_sort sort)
{
	return sort_names[sort];
}

int pfx_top_sort_parse(const char *name, enum top_sort *out)
{
	for (size_t i = 0; i < sizeof(sort_names) / sizeof(sort_names[0]); i++) {
		if (strcmp(name, sort_names[i]) == 0) {
			*out = (enum top_sort)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- the table -------------------------------------------------------- */

/* What the running kernel offers for the cheap reads: PIDFD_GET_INFO (its
 * answer for this process), and whether cgroup v2 is the only hierarchy
 * (then /proc/PID/cgroup is one "0::" line, which a cgroup id stands for;
 * a hybrid host shows the v1 memory path, which the id does not follow). */
static void probe_kernel(struct top_table *t)
{
	char buf[512], *nl;
	uint64_t cgid;
	uid_t uid;
	int fd = pfx_pidfd_open(getpid());
	ssize_t n;

	if (fd >= 0) {
		t->pidfd_info = pfx_pidfd_info(fd, &uid, &cgid) == 0;
		close(fd);
	}
	n = pfx_read_file("/proc/self/cgroup", buf, sizeof(buf));
	nl = n > 3 && strncmp(buf, "0::", 3) == 0 ? strchr(buf, '\n') : NULL;
	t->v2_only = nl && !nl[1];
}

/* No swap slot in use on any device of /proc/swaps (its Used column, which
 * counts slots still held during a swapoff too): then no process has a
 * swap entry, and every VmSwap is 0. */
static bool swap_unused(struct top_table *t)
{
	ssize_t n = pfx_read_file("/proc/swaps", t->buf, sizeof(t->buf));
	const char *line;

	if (n < 0)
		return false;
	line = strchr(t->buf, '\n');	/* past the header */
	while (line && *++line) {
		const char *s = line;

		/* Filename Type Size Used Priority: names have their blanks escaped */
		for (int field = 0; field < 3; field++) {
			s += strcspn(s, " \t\n");
			s += strspn(s, " \t");
		}
		if (*s != '0' || (s[1] != ' ' && s[1] != '\t'))
			return false;
		line = strchr(line, '\n');
	}
	return true;
}

int pfx_top_table_new(struct top_table **out, const struct top_table_opts *opts)
{
	struct top_table *t = calloc(1, sizeof(*t));
	const char *root = opts && opts->proc_root ? opts->proc_root : "/proc";
	int err;

	if (!t)
		return -ENOMEM;
	if (opts)
		t->opts = *opts;
	t->ticks_per_s = sysconf(_SC_CLK_TCK);
	if (t->ticks_per_s <= 0)
		t->ticks_per_s = 100;
	t->page_kb = (unsigned)(sysconf(_SC_PAGESIZE) / 1024);
	t->live = strcmp(root, "/proc") == 0;
	if (t->live)
		probe_kernel(t);
	t->proc_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->proc_fd < 0) {
		err = -errno;
		free(t);
		return err;
	}
	t->proc_dir = fdopendir(dup(t->proc_fd));
	if (!t->proc_dir) {
		err = -errno;
		close(t->proc_fd);
		free(t);
		return err;
	}
	*out = t;
	return 0;
}

void pfx_top_table_free(struct top_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncur; i++)
		close_proc(t, &t->cur[i]);
	closedir(t->proc_dir);
	close(t->proc_fd);
	free(t->cur);
	free(t->prev);
	free(t->gone);
	free(t->pids);
	free(t->groups);
	free(t->users);
	free(t->rows);
	free(t->idx);
	free(t->child_start);
	free(t->child_list);
	free(t->stack);
	free(t->visible);
	free(t);
}

/* Read PID/NAME into t->buf through *fd (a row's kept descriptor, else
 * a temporary one): a kept descriptor is re-read from offset 0; a new one
 * is kept while the budget allows it as the process's tier-th file (0:
 * never).  Length, or -ESRCH when the process is gone. */
static ssize_t read_proc(struct top_table *t, int *fd, pid_t pid, const char *name, int tier)
{
	bool opened = false, keep = false;
	ssize_t n;

	if (*fd < 0) {
		char path[64];

		snprintf(path, sizeof(path), "%d/%s", (int)pid, name);
		*fd = openat(t->proc_fd, path, O_RDONLY | O_CLOEXEC);
		if (*fd < 0)
			return errno == ENOENT ? -ESRCH : -errno;
		opened = true;
		keep = may_keep(t, tier);
		if (keep) {
			t->nkept++;
			t->nextra += tier > 1;
		}
	}
	n = pread(*fd, t->buf, sizeof(t->buf) - 1, 0);
	if (n < 0)
		n = errno == ENOENT ? -ESRCH : -errno;
	if (n < 0 && !opened) {
		close_kept(t, fd, tier);
	} else if (opened && (!keep || n < 0)) {
		if (keep)
			close_kept(t, fd, tier);
		else
			close(*fd);
		*fd = -1;
	}
	if (n < 0)
		return n;
	t->buf[n] = '\0';
	return n;
}

/* cgid: the id the pidfd gave just before (0: none), which a later
 * refresh compares to skip the read while the process stays put.  Kept
 * open where it is read every refresh (--cgroup on a host with v1
 * controllers, where no id follows the memory path). */
static void read_cgroup(struct top_table *t, struct top_proc *p, uint64_t cgid)
{
	if (read_proc(t, &p->cgroup_fd, p->pid, "cgroup", t->opts.cgroups ? 2 : 0) > 0) {
		pfx_cgroup_parse(t->buf, p->cgroup, sizeof(p->cgroup));
		p->cgroup_id = t->v2_only ? cgid : 0;
	} else if (!p->cgroup[0]) {
		snprintf(p->cgroup, sizeof(p->cgroup), "%s", "-");
	}
}

/* p's real uid, and its cgroup's id (0: none given), from a pidfd kept
 * like a file.  A PID reused between the stat read and pidfd_open() would
 * give the new process's: the old one is gone then, so its kept stat reads
 * ESRCH at the next refresh and the row starts over, as when status was
 * opened apart from stat.  0, -ESRCH, or -errno to fall back on status. */
static int pid_info(struct top_table *t, struct top_proc *p, uint64_t *cgid)
{
	int fd = p->pid_fd, err;
	uid_t uid;

	if (fd < 0) {
		fd = pfx_pidfd_open(p->pid);
		if (fd < 0)
			return fd == -ESRCH ? -ESRCH : -EAGAIN;
		if (may_keep(t, 3)) {
			p->pid_fd = fd;
			t->nkept++;
			t->nextra++;
		}
	}
	err = pfx_pidfd_info(fd, &uid, cgid);
	if (fd != p->pid_fd)
		close(fd);
	else if (err == -ESRCH)
		close_kept(t, &p->pid_fd, 3);
	if (err == 0)
		p->uid = uid;
	return err;
}

/* uid, rss and swap.  With no swap in use and the uid already from the
 * pidfd, statm gives the rss (the same sum as VmRSS) and status is not read. */
static int read_details(struct top_table *t, struct top_proc *p, bool have_uid)
{
	ssize_t n;

	if (p->kthread) {
		/* No user memory, uid 0: save the reads. */
		p->uid = 0;
		p->rss_kb = p->swap_kb = 0;
		return 0;
	}
	if (have_uid && t->no_swap) {
		n = read_proc(t, &p->statm_fd, p->pid, "statm", 2);
		if (n < 0)
			return (int)n;
		p->swap_kb = 0;
		return pfx_top_parse_statm(t->buf, t->page_kb, p);
	}
	n = read_proc(t, &p->status_fd, p->pid, "status", 2);
	if (n < 0)
		return (int)n;
	return pfx_top_parse_status(t->buf, p);
}

/* Refresh p's counts from its files: stat, then (unless the table is lazy)
 * uid, rss and swap.  *cgid: its cgroup's id where the pidfd was asked, else
 * 0.  0, or -ESRCH when it is gone (or the PID now belongs to another
 * process: the kept descriptor points at the old one, which reads ESRCH),
 * -EINVAL for text pfx cannot parse. */
static int read_counts(struct top_table *t, struct top_proc *p, uint64_t *cgid)
{
	ssize_t n = read_proc(t, &p->stat_fd, p->pid, "stat", 1);
	bool need_uid = !t->opts.lazy && t->no_swap && !p->kthread, have_uid = false;
	int err;

	*cgid = 0;
	if (n < 0)
		return (int)n;
	err = pfx_top_parse_stat(t->buf, p);
	if (err)
		return err;
	if (t->pidfd_info && (need_uid || (t->opts.cgroups && t->v2_only))) {
		err = pid_info(t, p, cgid);
		if (err == -ESRCH)
			return err;
		have_uid = err == 0;
	}
	if (t->opts.lazy)
		return 0;
	return read_details(t, p, have_uid);
}

void pfx_top_read_details(struct top_table *t, const int *idx, size_t n)
{
	t->no_swap = t->live && t->pidfd_info && swap_unused(t);
	for (size_t i = 0; i < n; i++) {
		struct top_proc *p = &t->cur[idx[i]];
		uint64_t cgid;

		read_details(t, p, t->no_swap && pid_info(t, p, &cgid) == 0);
	}
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

static int list_pids(struct top_table *t)
{
	struct dirent *de;
	bool sorted = true;

	t->npids = 0;
	rewinddir(t->proc_dir);
	errno = 0;
	while ((de = readdir(t->proc_dir))) {
		const char *s = de->d_name;
		pid_t pid = 0;

		if (*s < '1' || *s > '9')
			continue;
		for (; *s >= '0' && *s <= '9'; s++)
			pid = pid * 10 + (*s - '0');
		if (*s)
			continue;
		if (PFX_GROW(t->pids, t->cap_pids, t->npids + 1, 64))
			return -ENOMEM;
		if (t->npids && pid < t->pids[t->npids - 1])
			sorted = false;
		t->pids[t->npids++] = pid;
	}
	if (errno)
		return -errno;
	/* /proc lists processes by PID already; sort only if it ever did not. */
	if (!sorted)
		qsort(t->pids, t->npids, sizeof(pid_t), cmp_pid);
	return 0;
}

/* A row for a process pfx has not seen (or whose PID was reused). */
static int new_row(struct top_table *t, struct top_proc *p, pid_t pid, uint64_t now_ns)
{
	uint64_t cgid;
	int err;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	forget_fds(p);
	p->group = p->parent = -1;
	p->first_ns = now_ns;
	err = read_counts(t, p, &cgid);
	if (err) {
		close_proc(t, p);
		return err;
	}
	read_cgroup(t, p, cgid);
	if (t->samples > 0) {
		/* Born since the last scan: every fault it took is in this
		 * interval.  One that was there but missed (a failed read) has
		 * no rate rather than a made-up one. */
		uint64_t start_ns = p->start_time * (1000000000ull / (uint64_t)t->ticks_per_s);
		uint64_t tick = 1000000000ull / (uint64_t)t->ticks_per_s;
		double dt = (double)(now_ns - t->prev_ns) / 1e9;

		if (start_ns + tick >= t->prev_boot_ns && dt > 0) {
			p->minor_rate = (double)p->minor / dt;
			p->major_rate = (double)p->major / dt;
			p->has_rate = true;
		}
	}
	return 0;
}

/* Carry an old row into the new scan: counts become rates over dt. */
static int update_row(struct top_table *t, struct top_proc *p, double dt)
{
	uint64_t minor = p->minor, major = p->major, start = p->start_time, cgid;
	int err = read_counts(t, p, &cgid);

	if (err)
		return err;
	if (p->start_time != start)
		return -ESRCH;	/* same PID, another process: a new row */
	/* Counts never go back; guard the rates anyway. */
	p->minor_rate = dt > 0 && p->minor > minor ? (double)(p->minor - minor) / dt : 0;
	p->major_rate = dt > 0 && p->major > major ? (double)(p->major - major) / dt : 0;
	p->has_rate = dt > 0;
	/* --cgroup follows migrations; the id, where there is one, says
	 * whether the process moved (a cgroup renamed in place keeps its id:
	 * its processes show the old path until they move) */
	if (t->opts.cgroups && !(cgid && cgid == p->cgroup_id))
		read_cgroup(t, p, cgid);
	return 0;
}

static int find_group(struct top_table *t, const char *cgroup)
{
	for (size_t i = 0; i < t->ngroups; i++)
		if (strcmp(t->groups[i].cgroup, cgroup) == 0)
			return (int)i;
	if (PFX_GROW(t->groups, t->cap_groups, t->ngroups + 1, 64))
		return -ENOMEM;
	memset(&t->groups[t->ngroups], 0, sizeof(*t->groups));
	snprintf(t->groups[t->ngroups].cgroup, TOP_CGROUP_MAX, "%s", cgroup);
	return (int)t->ngroups++;
}

static void add_sums(struct top_sums *s, const struct top_proc *p)
{
	s->minor_rate += p->minor_rate;
	s->major_rate += p->major_rate;
	s->minor += p->minor;
	s->major += p->major;
	s->rss_kb += p->rss_kb;
	s->swap_kb += p->swap_kb;
	s->threads += p->threads;
	s->nprocs++;
}

static void add_subtree(struct top_sums *s, const struct top_sums *c)
{
	s->minor_rate += c->minor_rate;
	s->major_rate += c->major_rate;
	s->minor += c->minor;
	s->major += c->major;
	s->rss_kb += c->rss_kb;
	s->swap_kb += c->swap_kb;
	s->threads += c->threads;
	s->nprocs += c->nprocs;
}

static int build_groups(struct top_table *t)
{
	size_t keep = 0;

	/* Groups gone at the last refresh had their one "not present" round
	 * (alerts on them cleared): drop them now. */
	for (size_t i = 0; i < t->ngroups; i++) {
		if (t->groups[i].present)
			t->groups[keep++] = t->groups[i];
	}
	t->ngroups = keep;
	for (size_t i = 0; i < t->ngroups; i++) {
		t->groups[i].present = false;
		memset(&t->groups[i].sums, 0, sizeof(t->groups[i].sums));
	}
	for (size_t i = 0; i < t->ncur; i++) {
		struct top_proc *p = &t->cur[i];
		int g = find_group(t, p->cgroup);

		if (g < 0)
			return g;
		p->group = g;
		t->groups[g].present = true;
		add_sums(&t->groups[g].sums, p);
	}
	return 0;
}

int pfx_top_sample(struct top_table *t, uint64_t now_ns)
{
	double dt = t->samples ? (double)(now_ns - t->now_ns) / 1e9 : 0;
	size_t j = 0;
	int err;

	err = list_pids(t);
	if (err)
		return err;
	update_fd_budget(t);
	t->no_swap = t->live && t->pidfd_info && !t->opts.lazy && swap_unused(t);
	/* The last scan's rows become prev; the new scan fills cur. */
	{
		struct top_proc *tmp = t->prev;
		size_t cap = t->cap_prev;

		t->prev = t->cur;
		t->cap_prev = t->cap_cur;
		t->nprev = t->ncur;
		t->cur = tmp;
		t->cap_cur = cap;
		t->ncur = 0;
	}
	if (PFX_GROW(t->cur, t->cap_cur, t->npids, 64))
		return -ENOMEM;
	t->prev_ns = t->now_ns;
	t->prev_boot_ns = t->samples ? t->prev_boot_ns : 0;
	t->now_ns = now_ns;
	t->ngone = 0;
	for (size_t i = 0; i < t->npids; i++) {
		pid_t pid = t->pids[i];
		struct top_proc *p = &t->cur[t->ncur];

		/* Rows of processes gone since the last scan. */
		while (j < t->nprev && t->prev[j].pid < pid) {
			if (PFX_GROW(t->gone, t->cap_gone, t->ngone + 1, 64))
				return -ENOMEM;
			close_proc(t, &t->prev[j]);
			t->gone[t->ngone++] = t->prev[j++];
		}
		if (j < t->nprev && t->prev[j].pid == pid) {
			*p = t->prev[j++];
			err = update_row(t, p, dt);
			if (err == 0) {
				t->ncur++;
				continue;
			}
			/* Gone, or the PID was reused: the old row ends here, as it
			 * was (p already holds what the new process's files said). */
			close_proc(t, p);
			if (PFX_GROW(t->gone, t->cap_gone, t->ngone + 1, 64))
				return -ENOMEM;
			t->gone[t->ngone] = t->prev[j - 1];
			forget_fds(&t->gone[t->ngone]);
			t->ngone++;
		}
		err = new_row(t, p, pid, now_ns);
		if (err == 0)
			t->ncur++;
		else
			t->vanished++;	/* exited between readdir and read: not an error */
	}
	for (; j < t->nprev; j++) {
		if (PFX_GROW(t->gone, t->cap_gone, t->ngone + 1, 64))
			return -ENOMEM;
		close_proc(t, &t->prev[j]);
		t->gone[t->ngone++] = t->prev[j];
	}
	if (t->no_swap && !swap_unused(t)) {
		/* Swap came into use during the scan: VmSwap may be more than 0
		 * after all, so read status as without the shortcut. */
		t->no_swap = false;
		for (size_t i = 0; i < t->ncur; i++)
			read_details(t, &t->cur[i], false);
	}
	t->prev_boot_ns = boot_ns();
	t->samples++;
	if (t->opts.cgroups)
		return build_groups(t);
	return 0;
}

const struct top_proc *pfx_top_procs(const struct top_table *t, size_t *n)
{
	*n = t->ncur;
	return t->cur;
}

struct top_proc *pfx_top_procs_mut(struct top_table *t, size_t *n)
{
	*n = t->ncur;
	return t->cur;
}

struct top_proc *pfx_top_gone(struct top_table *t, size_t *n)
{
	*n = t->ngone;
	return t->gone;
}

struct top_group *pfx_top_groups(struct top_table *t, size_t *n)
{
	*n = t->ngroups;
	return t->groups;
}

struct top_sums pfx_top_total(const struct top_table *t)
{
	struct top_sums s = { 0 };

	for (size_t i = 0; i < t->ncur; i++)
		add_sums(&s, &t->cur[i]);
	return s;
}

double pfx_top_interval(const struct top_table *t)
{
	return t->samples > 1 ? (double)(t->now_ns - t->prev_ns) / 1e9 : 0;
}

uint64_t pfx_top_prev_ns(const struct top_table *t)
{
	return t->samples > 1 ? t->prev_ns : t->now_ns;
}

uint64_t pfx_top_vanished(const struct top_table *t)
{
	return t->vanished;
}

const char *pfx_top_user_name(struct top_table *t, uid_t uid)
{
	struct passwd *pw;
	struct user_entry *u;

	for (size_t i = 0; i < t->nusers; i++)
		if (t->users[i].uid == uid)
			return t->users[i].name;
	if (PFX_GROW(t->users, t->cap_users, t->nusers + 1, 64))
		return "?";
	u = &t->users[t->nusers++];
	u->uid = uid;
	/* getpwuid may read /etc/passwd: once per uid, not per row. */
	pw = getpwuid(uid);
	if (pw)
		snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
	else
		snprintf(u->name, sizeof(u->name), "%u", (unsigned)uid);
	return u->name;
}

int pfx_top_set_cgroups(struct top_table *t, bool on)
{
	t->opts.cgroups = on;
	/* Group now from the cgroups read at first sight, so the view does
	 * not wait a refresh for its rows. */
	return on ? build_groups(t) : 0;
}

/* ---- ordering --------------------------------------------------------- */

bool pfx_top_filter_match(struct top_table *t, const struct top_filter *f, const struct top_proc *p)
{
	if (!f)
		return true;
	if (f->pids) {
		bool found = false;

		for (size_t i = 0; i < f->npids && !found; i++)
			found = f->pids[i] == p->pid;
		if (!found)
			return false;
	}
	if (f->by_uid && p->uid != f->uid)
		return false;
	if (f->text && *f->text) {
		return strcasestr(p->comm, f->text) || strcasestr(p->cgroup, f->text) ||
		       strcasestr(pfx_top_user_name(t, p->uid), f->text);
	}
	return true;
}

static double sort_value(const struct top_sums *s, enum top_sort sort)
{
	switch (sort) {
	case TOP_SORT_MINOR: return s->minor_rate;
	case TOP_SORT_MAJOR: return s->major_rate;
	case TOP_SORT_RSS: return (double)s->rss_kb;
	case TOP_SORT_SWAP: return (double)s->swap_kb;
	case TOP_SORT_PID: return 0;
	}
	return 0;
}

/* sort_value() of the process's own sums, without making them: a sort
 * compares some n log n pairs. */
static double own_value(const struct top_proc *p, enum top_sort sort)
{
	switch (sort) {
	case TOP_SORT_MINOR: return p->minor_rate;
	case TOP_SORT_MAJOR: return p->major_rate;
	case TOP_SORT_RSS: return (double)p->rss_kb;
	case TOP_SORT_SWAP: return (double)p->swap_kb;
	case TOP_SORT_PID: return 0;
	}
	return 0;
}

struct sort_ctx {
	const struct top_table *t;
	enum top_sort sort;
	bool subtree;
};

static void own_sums(const struct top_proc *p, struct top_sums *s)
{
	memset(s, 0, sizeof(*s));
	add_sums(s, p);
}

/* Highest first; ties (and --sort pid) by PID, so the order is stable. */
static int cmp_proc(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct top_proc *x = &c->t->cur[*(const int *)a], *y = &c->t->cur[*(const int *)b];
	double vx, vy;

	if (c->subtree) {
		vx = sort_value(&x->subtree, c->sort);
		vy = sort_value(&y->subtree, c->sort);
	} else {
		vx = own_value(x, c->sort);
		vy = own_value(y, c->sort);
	}
	if (vx != vy)
		return vx < vy ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_group(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct top_group *x = &c->t->groups[*(const int *)a], *y = &c->t->groups[*(const int *)b];
	double vx = sort_value(&x->sums, c->sort), vy = sort_value(&y->sums, c->sort);

	if (vx != vy)
		return vx < vy ? 1 : -1;
	return strcmp(x->cgroup, y->cgroup);
}

/* Heap sort of int indices: in place, so ordering a refresh allocates
 * nothing (glibc's qsort takes a malloc'ed buffer for arrays over 1 KiB).
 * Not stable, but the comparators are total orders (ties by PID or name). */
static void sift_down(int *a, size_t root, size_t n, int (*cmp)(const void *, const void *, void *),
		      void *arg)
{
	for (;;) {
		size_t child = 2 * root + 1;
		int tmp;

		if (child >= n)
			return;
		if (child + 1 < n && cmp(&a[child], &a[child + 1], arg) < 0)
			child++;
		if (cmp(&a[root], &a[child], arg) >= 0)
			return;
		tmp = a[root];
		a[root] = a[child];
		a[child] = tmp;
		root = child;
	}
}

static void sort_idx(int *a, size_t n, int (*cmp)(const void *, const void *, void *), void *arg)
{
	if (n < 2)
		return;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n, cmp, arg);
	for (size_t end = n - 1; end > 0; end--) {
		int tmp = a[0];

		a[0] = a[end];
		a[end] = tmp;
		sift_down(a, 0, end, cmp, arg);
	}
}

/* Sort the rows idx[0..n) (ascending table indices, so in PID order) by
 * cmp_proc.  Values are never negative, and a row whose value is 0 is
 * already where the order puts it among the others of 0 (after every
 * nonzero one, by PID): only the rest need sorting, on most hosts a few
 * busy processes among thousands of idle ones.  tmp: n ints of scratch. */
static void sort_rows(const struct sort_ctx *c, int *idx, size_t n, int *tmp)
{
	size_t busy = 0, idle = 0;

	for (size_t i = 0; i < n; i++) {
		const struct top_proc *p = &c->t->cur[idx[i]];
		double v = c->subtree ? sort_value(&p->subtree, c->sort) : own_value(p, c->sort);

		if (v != 0)
			tmp[busy++] = idx[i];
		else
			idx[idle++] = idx[i];
	}
	if (!busy)
		return;
	memmove(idx + busy, idx, idle * sizeof(*idx));
	memcpy(idx, tmp, busy * sizeof(*idx));
	sort_idx(idx, busy, cmp_proc, (void *)c);
}

static int scratch(struct top_table *t)
{
	size_t n = t->ncur + t->ngroups + 2, cap;
	void *p;

	if (n <= t->cap_idx)
		return 0;
	cap = n * 2;	/* room to grow before the next realloc */
#define SCRATCH(field)                                                          \
	do {                                                                    \
		p = realloc(t->field, cap * sizeof(*t->field));                 \
		if (!p)                                                         \
			return -ENOMEM;                                         \
		t->field = p;                                                   \
	} while (0)
	SCRATCH(rows);
	SCRATCH(idx);
	SCRATCH(child_start);
	SCRATCH(child_list);
	SCRATCH(stack);
	SCRATCH(visible);
#undef SCRATCH
	t->cap_idx = cap;
	return 0;
}

static int find_index(const struct top_table *t, pid_t pid)
{
	size_t lo = 0, hi = t->ncur;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->cur[mid].pid < pid)
			lo = mid + 1;
		else if (t->cur[mid].pid > pid)
			hi = mid;
		else
			return (int)mid;
	}
	return -1;
}

static void put_row(struct top_table *t, size_t *nrows, const struct top_proc *p, int depth,
		    bool subtree)
{
	struct top_row *r = &t->rows[(*nrows)++];

	memset(r, 0, sizeof(*r));
	r->kind = TOP_ROW_PROC;
	r->depth = depth;
	r->proc = p;
	own_sums(p, &r->own);
	if (subtree) {
		r->has_subtree = true;
		r->subtree = p->subtree;
	}
}

static size_t order_flat(struct top_table *t, enum top_sort sort, const struct top_filter *f,
			 size_t limit)
{
	struct sort_ctx c = { t, sort, false };
	size_t n = 0, nrows = 0;

	for (size_t i = 0; i < t->ncur; i++)
		if (pfx_top_filter_match(t, f, &t->cur[i]))
			t->idx[n++] = (int)i;
	sort_rows(&c, t->idx, n, t->stack);
	for (size_t i = 0; i < n && (!limit || nrows < limit); i++)
		put_row(t, &nrows, &t->cur[t->idx[i]], 0, false);
	return nrows;
}

/* Tree: parents found by PPID, children in compressed lists, subtree sums
 * bottom-up; a process is shown when it or a descendant passes the filter,
 * and siblings are ordered by their subtree sums. */
static size_t order_tree(struct top_table *t, enum top_sort sort, const struct top_filter *f,
			 size_t limit)
{
	struct sort_ctx c = { t, sort, true };
	int *start = t->child_start, *list = t->child_list, *stack = t->stack;
	size_t n = t->ncur, nroots = 0, nrows = 0, sp = 0, order_n = 0;

	memset(start, 0, (n + 1) * sizeof(int));
	for (size_t i = 0; i < n; i++) {
		struct top_proc *p = &t->cur[i];

		p->parent = p->ppid > 0 && p->ppid != p->pid ? find_index(t, p->ppid) : -1;
		own_sums(p, &p->subtree);
		t->visible[i] = pfx_top_filter_match(t, f, p);
		if (p->parent >= 0)
			start[p->parent + 1]++;
	}
	for (size_t i = 0; i < n; i++)
		start[i + 1] += start[i];
	/* fill: idx is a cursor per parent */
	for (size_t i = 0; i < n; i++)
		t->idx[i] = start[i];
	for (size_t i = 0; i < n; i++) {
		int par = t->cur[i].parent;

		if (par >= 0)
			list[t->idx[par]++] = (int)i;
	}
	/* Pre-order of every root's tree into idx, then sums in reverse (each
	 * child comes after its parent, so reverse order is bottom-up). */
	for (size_t i = 0; i < n; i++) {
		if (t->cur[i].parent >= 0)
			continue;
		stack[sp++] = (int)i;
		while (sp) {
			int v = stack[--sp];

			t->idx[order_n++] = v;
			for (int k = start[v]; k < start[v + 1] && sp < n; k++)
				stack[sp++] = list[k];
		}
	}
	for (size_t k = order_n; k-- > 0;) {
		int v = t->idx[k], par = t->cur[v].parent;

		if (par >= 0) {
			add_subtree(&t->cur[par].subtree, &t->cur[v].subtree);
			if (t->visible[v])
				t->visible[par] = true;
		}
	}
	/* Sort each sibling list, then the roots, and walk depth-first. */
	for (size_t i = 0; i < n; i++)
		if (start[i + 1] - start[i] > 1)
			sort_rows(&c, list + start[i], (size_t)(start[i + 1] - start[i]), stack);
	for (size_t i = 0; i < n; i++)
		if (t->cur[i].parent < 0)
			t->idx[nroots++] = (int)i;
	sort_rows(&c, t->idx, nroots, stack);
	/* depth-first: the stack holds (index) with depth in the high part */
	sp = 0;
	for (size_t r = nroots; r-- > 0;)
		stack[sp++] = t->idx[r];
	{
		/* depths: one per node, kept in idx (free again after the roots) */
		int *depth = t->idx;

		for (size_t i = 0; i < n; i++)
			depth[i] = 0;
		while (sp && (!limit || nrows < limit)) {
			int v = stack[--sp];

			if (!t->visible[v])
				continue;
			put_row(t, &nrows, &t->cur[v], depth[v], true);
			for (int k = start[v + 1]; k-- > start[v] && sp < n;) {
				depth[list[k]] = depth[v] + 1;
				stack[sp++] = list[k];
			}
		}
	}
	return nrows;
}

static size_t order_cgroup(struct top_table *t, enum top_sort sort, const struct top_filter *f,
			   size_t limit)
{
	struct sort_ctx c = { t, sort, false };
	int *groups = t->stack;
	size_t ng = 0, n = 0, nrows = 0;

	for (size_t g = 0; g < t->ngroups; g++)
		if (t->groups[g].present)
			groups[ng++] = (int)g;
	sort_idx(groups, ng, cmp_group, &c);
	for (size_t i = 0; i < t->ncur; i++)
		if (pfx_top_filter_match(t, f, &t->cur[i]))
			t->idx[n++] = (int)i;
	sort_rows(&c, t->idx, n, t->child_list);
	for (size_t g = 0; g < ng && (!limit || nrows < limit); g++) {
		bool header = false;

		for (size_t i = 0; i < n && (!limit || nrows < limit); i++) {
			const struct top_proc *p = &t->cur[t->idx[i]];

			if (p->group != groups[g])
				continue;
			if (!header) {
				struct top_row *r = &t->rows[nrows++];

				memset(r, 0, sizeof(*r));
				r->kind = TOP_ROW_CGROUP;
				r->group = &t->groups[groups[g]];
				r->own = r->group->sums;
				header = true;
				if (limit && nrows >= limit)
					break;
			}
			put_row(t, &nrows, p, 1, false);
		}
	}
	return nrows;
}

int pfx_top_order(struct top_table *t, enum top_view view, enum top_sort sort,
	      const struct top_filter *filter, size_t limit, const struct top_row **rows,
	      size_t *nrows)
{
	int err = scratch(t);

	if (err)
		return err;
	if (view == TOP_VIEW_TREE)
		*nrows = order_tree(t, sort, filter, limit);
	else if (view == TOP_VIEW_CGROUP && t->opts.cgroups)
		*nrows = order_cgroup(t, sort, filter, limit);
	else
		*nrows = order_flat(t, sort, filter, limit);
	*rows = t->rows;
	return 0;
}
