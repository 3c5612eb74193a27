/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-top: the 'pfx top' process table on a fixture /proc: the parsers
 * (a comm with ") " in it, kernel threads, hybrid cgroup files), rates
 * over an interval, a process that is listed but gone before its files
 * are read, a PID reused by a new process (a new row, never a negative
 * rate), an exited process in the gone list, tree subtree sums; and the
 * alert state machine (hold, once, clear, gone) on a swap threshold; and
 * pfx_top_alert_pin: a pid with another start time (reused) or reaped is gone;
 * the text columns, written by hand, against the printf conversions they
 * stand for (rates at ties and past 2^53, sizes at their unit's edges,
 * names to escape and cut). */
#include "config.h"
#include "hostscope.h"
#include "procstat.h"
#include "top.h"
#include "top_alert.h"
#include "top_output.h"
#include "safetext.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
static char root[256];

/* Write in place (same inode): a descriptor pfx keeps open sees it, as
 * it sees the kernel's /proc files change. */
static void put(pid_t pid, const char *name, const char *text)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%d", root, (int)pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/%s", root, (int)pid, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(path);
		exit(99);
	}
	close(fd);
}

/* A process with the fields top reads: ppid, minflt, majflt, threads,
 * starttime; a far-future start time reads as "born since the last scan". */
static void proc(pid_t pid, pid_t ppid, unsigned long minflt, unsigned long start, unsigned rss_kb)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%d (cmd %d) S %d %d %d 0 -1 4194304 %lu 7 3 1 0 0 0 0 20 0 2 0 %lu "
		 "1000 50\n", (int)pid, (int)pid, (int)ppid, (int)pid, (int)pid, minflt, start);
	put(pid, "stat", buf);
	snprintf(buf, sizeof(buf), "Name:\tcmd\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t1000\t1000\t1000\n"
		 "VmRSS:\t    %u kB\nRssAnon:\t 1 kB\nVmSwap:\t      8 kB\nThreads:\t2\n", rss_kb);
	put(pid, "status", buf);
	put(pid, "cgroup", "4:memory:/svc/a\n1:cpu:/\n0::/\n");
}

static const struct top_proc *find(struct top_table *t, pid_t pid)
{
	size_t n;
	const struct top_proc *p = pfx_top_procs(t, &n);

	for (size_t i = 0; i < n; i++)
		if (p[i].pid == pid)
			return &p[i];
	return NULL;
}

static void parsers(void)
{
	struct top_proc p = { 0 };
	char cg[64];

	CHECK(pfx_top_parse_stat("7 (a) b (c)) R 1 7 7 0 -1 4194560 11 0 2 0 5 6 0 0 -20 0 3 0 99 1 2", &p) == 0,
	      "stat with ') ' in comm");
	CHECK(strcmp(p.comm, "a) b (c)") == 0 && p.ppid == 1 && p.minor == 11 && p.major == 2 &&
	      p.threads == 3 && p.start_time == 99 && !p.kthread, "stat fields: %s %d %lu", p.comm,
	      (int)p.ppid, (unsigned long)p.minor);
	CHECK(pfx_top_parse_stat("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 2", &p) == 0 &&
	      p.kthread, "kernel thread flag");
	CHECK(pfx_top_parse_stat("9 (x) R 1 2", &p) == -EINVAL, "short stat refused");
	CHECK(pfx_top_parse_status("Name:\tk\nUid:\t0\t0\t0\t0\nThreads:\t1\n", &p) == 0 && p.rss_kb == 0 &&
	      p.swap_kb == 0, "status without Vm lines");
	pfx_cgroup_parse("9:name=systemd:/\n4:memory:/process_api/x\n0::/\n", cg, sizeof(cg));
	CHECK(strcmp(cg, "/process_api/x") == 0, "hybrid: v1 memory path when v2 is the root: %s", cg);
	pfx_cgroup_parse("5:cpu,memory:/m\n0::/system.slice/a.service\n", cg, sizeof(cg));
	CHECK(strcmp(cg, "/system.slice/a.service") == 0, "v2 path first: %s", cg);
	pfx_cgroup_parse("5:cpu,memory:/m\n", cg, sizeof(cg));
	CHECK(strcmp(cg, "/m") == 0, "controller list: %s", cg);
	pfx_cgroup_parse("", cg, sizeof(cg));
	CHECK(strcmp(cg, "/") == 0, "no cgroup lines: %s", cg);
	CHECK(pfx_top_parse_statm("2755 453 400 5 0 96 0\n", 4, &p) == 0 && p.rss_kb == 1812,
	      "statm resident pages as kB: %lu", (unsigned long)p.rss_kb);
	CHECK(pfx_top_parse_statm("x 1", 4, &p) == -EINVAL && pfx_top_parse_statm("7", 4, &p) == -EINVAL,
	      "bad statm refused");
}

/* "Key:\t N ..." of /proc/PID/status, or -1 */
static long status_field(pid_t pid, const char *key)
{
	char path[64], buf[8192];
	const char *s;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	s = strstr(buf, key);
	return s ? strtol(s + strlen(key), NULL, 10) : 0;
}

/* The real /proc, whichever way the kernel lets pfx read it (statm and a
 * pidfd, or status): an idle child's row says what its status says; a
 * lazy table leaves them to pfx_top_read_details(); with cgroups, a move
 * into another cgroup shows at the next sample. */
static void live(void)
{
	struct top_table_opts opts = { .cgroups = true };
	struct top_table *t;
	const struct top_proc *p;
	char dir[512], file[600], own[256];
	int sync[2], fd;
	bool moved = false;
	pid_t child;
	char c;

	CHECK(pipe(sync) == 0, "pipe");
	child = fork();
	if (child == 0) {
		/* another real uid where allowed (root): status's first Uid */
		if (setresuid(65534, (uid_t)-1, (uid_t)-1)) {}
		if (write(sync[1], "x", 1)) {}
		pause();
		_exit(0);
	}
	CHECK(read(sync[0], &c, 1) == 1, "child ready");
	for (int lazy = 0; lazy < 2; lazy++) {
		opts.lazy = lazy;
		CHECK(pfx_top_table_new(&t, &opts) == 0, "live table");
		CHECK(pfx_top_sample(t, 1000000000ull) == 0, "live sample");
		p = find(t, child);
		CHECK(p != NULL, "child listed");
		if (p && lazy) {
			int idx = (int)(p - pfx_top_procs(t, &(size_t){ 0 }));

			CHECK(p->rss_kb == 0, "lazy: no rss before it is asked for");
			pfx_top_read_details(t, &idx, 1);
		}
		if (p) {
			CHECK((long)p->uid == status_field(child, "Uid:"), "uid %u as status", (unsigned)p->uid);
			CHECK((long)p->rss_kb == status_field(child, "VmRSS:"), "rss %lu kB as VmRSS",
			      (unsigned long)p->rss_kb);
			CHECK((long)p->swap_kb == status_field(child, "VmSwap:"), "swap as VmSwap");
		}
		/* move the child into a new cgroup below pfx's own, where allowed */
		/* (v2 at /sys/fs/cgroup, or the v1 memory path a hybrid host shows) */
		for (int h = 0; !lazy && !moved && h < 2 &&
				pfx_cgroup_of_pid(getpid(), own, sizeof(own)) == 0; h++) {
			snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s%s/pfx-test-top-%d", h ? "/memory" : "",
				 strcmp(own, "/") ? own : "", (int)getpid());
			snprintf(file, sizeof(file), "%s/cgroup.procs", dir);
			if (mkdir(dir, 0755) == 0) {
				fd = open(file, O_WRONLY);
				moved = fd >= 0 && dprintf(fd, "%d\n", (int)child) > 0;
				if (fd >= 0)
					close(fd);
				if (!moved)
					rmdir(dir);
			}
		}
		if (moved && !lazy) {
			CHECK(pfx_top_sample(t, 2000000000ull) == 0, "sample after the move");
			p = find(t, child);
			CHECK(p && strstr(p->cgroup, "/pfx-test-top-"), "moved child's new cgroup: %s",
			      p ? p->cgroup : "-");
		}
		pfx_top_table_free(t);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	if (moved)
		rmdir(dir);
	else
		printf("# cgroup move not checked: no cgroup v2 directory of its own to write\n");
	close(sync[0]);
	close(sync[1]);
}

/* The alert state machine alone: hold, fire once, clear once, gone. */
static void alerts(void)
{
	struct top_alert_rules rules = { .threshold = { -1, -1, 1048576 }, .hold_s = 1.0 };
	struct top_alert_state st = { 0 };
	struct top_alert_event ev;
	const uint64_t s = 1000000000ull;

	CHECK(!pfx_top_alert_step(&st, &rules, TOP_ALERT_MINOR, 1e9, 0, s, &ev), "an alert that is off never fires");
	CHECK(!pfx_top_alert_step(&st, &rules, TOP_ALERT_SWAP, 2e6, 1 * s, s + s / 2, &ev),
	      "over for 0.5 s (hold 1 s): not yet");
	CHECK(pfx_top_alert_step(&st, &rules, TOP_ALERT_SWAP, 2e6, s + s / 2, 2 * s + s / 2, &ev) && ev.firing &&
	      ev.kind == TOP_ALERT_SWAP && ev.held_s > 1.49 && ev.held_s < 1.51, "fires once held (from the "
	      "start of the first interval over)");
	CHECK(!pfx_top_alert_step(&st, &rules, TOP_ALERT_SWAP, 3e6, 3 * s, 4 * s, &ev), "fires only once");
	CHECK(pfx_top_alert_step(&st, &rules, TOP_ALERT_SWAP, 1048576, 4 * s, 5 * s, &ev) && !ev.firing,
	      "at the threshold: clears");
	CHECK(!pfx_top_alert_step(&st, &rules, TOP_ALERT_SWAP, 0, 5 * s, 6 * s, &ev), "clears only once");
	CHECK(!pfx_top_alert_step(&st, &rules, TOP_ALERT_SWAP, 2e6, 6 * s, 6 * s + s / 2, &ev),
	      "over again: the hold restarts");
	CHECK(!pfx_top_alert_gone(&st, &rules, TOP_ALERT_SWAP, &ev), "gone while not firing: nothing");
	st = (struct top_alert_state){ 0 };
	rules.hold_s = 0;
	CHECK(pfx_top_alert_step(&st, &rules, TOP_ALERT_SWAP, 2e6, 0, s, &ev) && ev.firing, "hold 0: at once");
	CHECK(pfx_top_alert_gone(&st, &rules, TOP_ALERT_SWAP, &ev) && !ev.firing && ev.gone, "gone while firing: cleared");
}

/* An alert hook is handed a pid only while it still names the process
 * that alerted: the same pid with another start time is a reused PID. */
static void alert_pin(void)
{
	struct pfx_proc_faults self;
	pid_t child;
	int fd;

	CHECK(pfx_proc_read_faults(getpid(), 0, &self) == 0 && self.start_time > 0, "own start time");
	CHECK(pfx_top_alert_pin(getpid(), self.start_time, &fd) == 1, "this process is itself");
	CHECK(fd >= 0, "a pidfd to it");
	if (fd >= 0)
		close(fd);
	CHECK(pfx_top_alert_pin(getpid(), self.start_time + 1, &fd) == 0 && fd == -1,
	      "the same pid with another start time (a reused PID) is gone");
	child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	CHECK(pfx_top_alert_pin(child, self.start_time, &fd) == 0 && fd == -1, "a reaped process is gone");
}

/* The printf form of a size and of a row, as pfx_top_fmt_kb and
 * pfx_top_fmt_row wrote them before they were written by hand. */
static const char *ref_kb(char *buf, size_t size, uint64_t kb)
{
	if (kb < 10 * 1024)
		snprintf(buf, size, "%" PRIu64 "K", kb);
	else if (kb < 10ull * 1024 * 1024)
		snprintf(buf, size, "%.1fM", (double)kb / 1024);
	else
		snprintf(buf, size, "%.1fG", (double)kb / (1024 * 1024));
	return buf;
}

static void ref_row(char *buf, size_t size, struct top_table *t, const struct top_row *r,
		    enum top_view view)
{
	char rss[400], swap[400], name[PFX_SAFETEXT_BUF(TOP_COMM_MAX) + 16], sub[1024] = "";
	char comm[PFX_SAFETEXT_BUF(TOP_COMM_MAX)], cgroup[PFX_SAFETEXT_BUF(TOP_CGROUP_MAX)];
	const struct top_sums *s = &r->own;
	int width = view == TOP_VIEW_TREE ? 28 : 20, depth = r->depth > 12 ? 12 : r->depth;

	pfx_safetext(cgroup, sizeof(cgroup), r->proc->cgroup);
	snprintf(name, sizeof(name), "%*s%s%s", depth, "", depth && view == TOP_VIEW_TREE ? "`-" : "",
		 pfx_safetext_str(comm, sizeof(comm), r->proc->comm));
	pfx_safetext(comm, (size_t)width + 1, name);
	memcpy(name, comm, strlen(comm) + 1);
	if (r->has_subtree) {
		char srss[400];

		snprintf(sub, sizeof(sub), "%9.1f %9.1f %7s ", r->subtree.minor_rate,
			 r->subtree.major_rate, ref_kb(srss, sizeof(srss), r->subtree.rss_kb));
	}
	snprintf(buf, size, "%7d %-9.9s %-*s %9.1f %9.1f %10" PRIu64 " %8" PRIu64 " %7s %7s %4u %s%s",
		 (int)r->proc->pid, pfx_top_user_name(t, r->proc->uid), width, name, s->minor_rate,
		 s->major_rate, s->minor, s->major, ref_kb(rss, sizeof(rss), s->rss_kb),
		 ref_kb(swap, sizeof(swap), s->swap_kb), r->proc->threads, sub, cgroup);
}

/* A rate as pfx makes them (a count over an interval), or a value at an
 * edge: exact ties at one decimal, just either side of them, big ones. */
static double some_rate(unsigned i)
{
	static const double edge[] = { 0, 0.04, 0.05, 0.15, 0.25, 0.35, 0.45, 0.95, 0.96, 9.95, 9.96,
				       99.95, 999999.95, 1e9 + 0.25, 1e15 + 0.5, 4503599627370495.5,
				       9007199254740991.0, 9007199254740992.0, 1e20, 1e300, 1e-300,
				       5e-324, 0.0078125, 0.00390625, 0.05078125 };
	uint64_t r = ((uint64_t)random() << 31) ^ (uint64_t)random();

	switch (i % 6) {
	case 0: return edge[(i / 6) % (sizeof(edge) / sizeof(edge[0]))];
	case 1: return (double)(r % 100000) / ((double)(r >> 40) / 1e6 + 0.001);
	case 2: return (double)(r % 2000001) / 20;		/* x.x5 ties and the exact ones */
	case 3: return nextafter((double)(r % 2000001) / 20, (i & 64) ? 0 : 1e30);
	case 4: return ldexp((double)(r & ((1ull << 53) - 1)), -(int)(r % 60));
	default: return (double)(r % 1000) / 1024 + (double)(r % 7);
	}
}

static void columns(struct top_table *t)
{
	static const char *const comms[] = { "sleep", "a) b (c", "kworker/0:1-events", "\x1b]0;x\x07",
					     "caf\xc3\xa9 \xe2\x80\x94 \xff", "name-that-is-long-enough-to-cut",
					     "\\x41", "", "\xc2\x85tab\tnl\n" };
	static const char *const cgroups[] = { "/", "/user.slice/user-0.slice/session-1.scope",
					       "/a\x1b[2Jb", "/\xe6\x97\xa5\xe6\x9c\xac" };
	static const uint64_t sizes[] = { 0, 1, 10239, 10240, 10241, 10485759, 10485760, 123456789,
					  UINT64_MAX, 1ull << 53, (1ull << 55) + 1 };
	static const enum top_view views[] = { TOP_VIEW_FLAT, TOP_VIEW_TREE, TOP_VIEW_CGROUP };
	unsigned bad = 0;

	srandom(25);
	for (unsigned i = 0; i < 200000; i++) {
		struct top_proc p = { 0 };
		struct top_row r = { 0 };
		enum top_view view = views[i % 3];
		char want[4096], got[4096], kb_want[400], kb_got[400];
		uint64_t kb = i % 3 ? sizes[i % (sizeof(sizes) / sizeof(sizes[0]))] :
				      ((uint64_t)random() << 20 ^ (uint64_t)random()) >> (random() % 50);

		p.pid = (pid_t)(i % 5 ? (unsigned)random() % 4194304 + 1 : 1 + i % 9);
		p.uid = i % 4 ? 0 : (uid_t)(i % 7) * 1000;
		p.threads = i % 11 ? 1 + i % 40 : 123456;
		snprintf(p.comm, sizeof(p.comm), "%s", comms[i % (sizeof(comms) / sizeof(comms[0]))]);
		snprintf(p.cgroup, sizeof(p.cgroup), "%s", cgroups[i % (sizeof(cgroups) / sizeof(cgroups[0]))]);
		r.kind = TOP_ROW_PROC;
		r.proc = &p;
		r.depth = view == TOP_VIEW_FLAT ? 0 : view == TOP_VIEW_CGROUP ? 1 : (int)(i % 15);
		r.own.minor_rate = some_rate(i);
		r.own.major_rate = some_rate(i / 7 + 3);
		r.own.minor = i % 13 ? (uint64_t)random() >> (i % 31) : UINT64_MAX;
		r.own.major = (uint64_t)random() % 100000;
		r.own.rss_kb = kb;
		r.own.swap_kb = sizes[(i / 3) % (sizeof(sizes) / sizeof(sizes[0]))];
		r.has_subtree = view == TOP_VIEW_TREE;
		r.subtree.minor_rate = some_rate(i + 1);
		r.subtree.major_rate = some_rate(i + 2);
		r.subtree.rss_kb = kb * 3;
		ref_row(want, sizeof(want), t, &r, view);
		pfx_top_fmt_row(got, sizeof(got), t, &r, view);
		ref_kb(kb_want, sizeof(kb_want), kb);
		pfx_top_fmt_kb(kb_got, sizeof(kb_got), kb);
		if ((strcmp(want, got) || strcmp(kb_want, kb_got)) && bad++ < 5)
			CHECK(0, "row %u:\n  printf: '%s' %s\n  pfx:    '%s' %s", i, want, kb_want, got, kb_got);
	}
	CHECK(bad == 0, "%u of 200000 rows differ from printf's", bad);
	{
		struct top_proc p = { .pid = 7, .comm = "x", .cgroup = "/" };
		struct top_row r = { .kind = TOP_ROW_PROC, .proc = &p, .own.minor_rate = 1.25 };
		char want[4096], got[8];

		ref_row(want, sizeof(want), t, &r, TOP_VIEW_FLAT);
		CHECK(pfx_top_fmt_row(got, sizeof(got), t, &r, TOP_VIEW_FLAT) == (int)strlen(want) &&
		      strncmp(got, want, 7) == 0 && got[7] == '\0', "a short buffer: cut, whole length returned");
	}
}

/* Rows in the order the sort names (highest first, ties by PID), the
 * flat view and each tree's siblings, with most rates 0 and a few not, as
 * on a host of idle processes (pfx sorts only the nonzero ones). */
static void orders(void)
{
	static const enum top_sort sorts[] = { TOP_SORT_MINOR, TOP_SORT_MAJOR, TOP_SORT_RSS,
					      TOP_SORT_SWAP, TOP_SORT_PID };
	struct top_table_opts opts = { .proc_root = root };
	unsigned long minflt[400] = { 0 };
	struct top_table *t;
	const struct top_row *rows;
	size_t n;

	srandom(7);
	for (pid_t pid = 100; pid < 400; pid++) {
		minflt[pid] = (unsigned long)random() % 1000;
		proc(pid, pid < 110 ? 1 : 100 + (pid_t)random() % (pid - 100), minflt[pid], 5,
		     (unsigned)random() % 4 * 1000);
	}
	CHECK(pfx_top_table_new(&t, &opts) == 0 && pfx_top_sample(t, 1000000000ull) == 0, "table");
	for (pid_t pid = 100; pid < 400; pid++)
		if (random() % 8 == 0)
			proc(pid, 1, minflt[pid] + (unsigned long)random() % 3 * 100, 5, 1000);
	CHECK(pfx_top_sample(t, 2000000000ull) == 0, "second sample");
	for (size_t k = 0; k < sizeof(sorts) / sizeof(sorts[0]); k++) {
		enum top_sort sort = sorts[k];
		unsigned bad = 0;

		CHECK(pfx_top_order(t, TOP_VIEW_FLAT, sort, NULL, 0, &rows, &n) == 0 && n == 300, "flat rows");
		for (size_t i = 1; i < n; i++) {
			double a = sort == TOP_SORT_MINOR ? rows[i - 1].own.minor_rate :
				   sort == TOP_SORT_MAJOR ? rows[i - 1].own.major_rate :
				   sort == TOP_SORT_RSS ? (double)rows[i - 1].own.rss_kb :
				   sort == TOP_SORT_SWAP ? (double)rows[i - 1].own.swap_kb : 0;
			double b = sort == TOP_SORT_MINOR ? rows[i].own.minor_rate :
				   sort == TOP_SORT_MAJOR ? rows[i].own.major_rate :
				   sort == TOP_SORT_RSS ? (double)rows[i].own.rss_kb :
				   sort == TOP_SORT_SWAP ? (double)rows[i].own.swap_kb : 0;

			bad += !(a > b || (a == b && rows[i - 1].proc->pid < rows[i].proc->pid));
		}
		CHECK(bad == 0, "flat by %s: %u rows out of order", pfx_top_sort_name(sort), bad);
		CHECK(pfx_top_order(t, TOP_VIEW_TREE, sort, NULL, 0, &rows, &n) == 0 && n == 300, "tree rows");
		bad = 0;
		for (size_t i = 1; i < n; i++) {
			/* the row's previous sibling: the nearest row above at its depth */
			size_t j = i;
			double a, b;

			while (j-- > 0 && rows[j].depth > rows[i].depth)
				;
			if (j == (size_t)-1 || rows[j].depth != rows[i].depth)
				continue;
			a = sort == TOP_SORT_MINOR ? rows[j].subtree.minor_rate :
			    sort == TOP_SORT_RSS ? (double)rows[j].subtree.rss_kb : 0;
			b = sort == TOP_SORT_MINOR ? rows[i].subtree.minor_rate :
			    sort == TOP_SORT_RSS ? (double)rows[i].subtree.rss_kb : 0;
			if (sort != TOP_SORT_MINOR && sort != TOP_SORT_RSS && sort != TOP_SORT_PID)
				continue;
			bad += !(a > b || (a == b && rows[j].proc->pid < rows[i].proc->pid));
		}
		CHECK(bad == 0, "tree by %s: %u siblings out of order", pfx_top_sort_name(sort), bad);
	}
	pfx_top_table_free(t);
}

int main(void)
{
	struct top_table_opts opts = { .proc_root = root };
	struct top_table *t;
	const struct top_proc *p;
	const struct top_row *rows;
	struct top_proc *gone;
	size_t n, ngone;
	char path[512];

	parsers();
	live();
	alerts();
	alert_pin();
	snprintf(root, sizeof(root), "%s/pfx-test-top.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 99;
	proc(1, 0, 100, 1, 1000);
	proc(10, 1, 1000, 50, 2000);
	proc(11, 10, 500, 60, 3000);
	/* 12 is listed but has no files: it exited between readdir and read */
	snprintf(path, sizeof(path), "%s/12", root);
	mkdir(path, 0755);

	CHECK(pfx_top_table_new(&t, &opts) == 0, "table");
	columns(t);
	CHECK(pfx_top_sample(t, 1000000000ull) == 0, "first sample");
	pfx_top_procs(t, &n);
	CHECK(n == 3, "3 rows, got %zu", n);
	CHECK(pfx_top_vanished(t) == 1, "the vanished process counted: %lu", (unsigned long)pfx_top_vanished(t));
	p = find(t, 10);
	CHECK(p && !p->has_rate && p->rss_kb == 2000 && p->swap_kb == 8 && p->uid == 1000 &&
	      strcmp(p->cgroup, "/svc/a") == 0, "first sight: no rate, status and cgroup read");

	/* one second later: +500 minor for 10, PID 11 reused (new start time, fewer faults) */
	proc(10, 1, 1500, 50, 2000);
	proc(11, 1, 20, 99999999999ul, 3000);
	CHECK(pfx_top_sample(t, 2000000000ull) == 0, "second sample");
	p = find(t, 10);
	CHECK(p && p->has_rate && p->minor_rate > 499.9 && p->minor_rate < 500.1,
	      "rate 500/s, got %f", p ? p->minor_rate : -1);
	p = find(t, 11);
	CHECK(p && p->minor_rate >= 0 && p->minor == 20 && p->ppid == 1, "reused PID: a new row");
	CHECK(p && p->has_rate && p->minor_rate > 19.9 && p->minor_rate < 20.1,
	      "reused PID born in the interval: its 20 faults over 1 s, got %f", p ? p->minor_rate : -1);
	gone = pfx_top_gone(t, &ngone);
	CHECK(ngone == 1 && gone[0].pid == 11 && gone[0].start_time == 60, "old PID 11 in the gone list");

	/* tree: 1 -> 10 (and 11 now under 1 too); subtree sums */
	CHECK(pfx_top_order(t, TOP_VIEW_TREE, TOP_SORT_MINOR, NULL, 0, &rows, &n) == 0 && n == 3, "tree rows");
	CHECK(n == 3 && rows[0].proc->pid == 1 && rows[0].depth == 0 && rows[0].has_subtree &&
	      rows[0].subtree.nprocs == 3 && rows[0].subtree.rss_kb == 6000 &&
	      rows[0].subtree.minor_rate > 519.9 && rows[0].subtree.minor_rate < 520.1,
	      "root's subtree sums");
	CHECK(n == 3 && rows[1].proc->pid == 10 && rows[1].depth == 1 && rows[2].proc->pid == 11,
	      "children by subtree minor/s");

	/* 10 exits: gone, not an error */
	snprintf(path, sizeof(path), "rm -rf %s/10", root);
	CHECK(system(path) == 0, "rm");
	CHECK(pfx_top_sample(t, 3000000000ull) == 0, "third sample");
	CHECK(!find(t, 10), "exited process dropped");
	gone = pfx_top_gone(t, &ngone);
	CHECK(ngone == 1 && gone[0].pid == 10, "exited process in the gone list");

	pfx_top_table_free(t);
	snprintf(path, sizeof(path), "rm -rf %s/[0-9]*", root);
	CHECK(system(path) == 0, "rm");
	orders();
	snprintf(path, sizeof(path), "rm -rf %s", root);
	if (system(path)) {}
	if (failures)
		return 1;
	printf("ok\n");
	return 0;
}
