/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top: the process table of 'pfx top'.  Scans /proc, keeps one row per
 * process with its fault counts, rates over the last interval, RSS, swap,
 * threads and cgroup; orders the rows (sorted, as a tree with subtree
 * sums, or grouped by cgroup) under a filter.  Sampling reuses its
 * buffers and keeps each process's /proc files open between refreshes, so
 * a refresh costs a few pread()s per process and no allocation once the
 * table has grown: stat, and status for uid, RSS and swap, or, on the real
 * /proc with no swap in use and a kernel that answers PIDFD_GET_INFO (6.13),
 * statm and a pidfd ioctl instead (a third of status's cost: status makes
 * the kernel format some 50 lines).  Errors are -errno; printing is
 * top_output.h. */
#ifndef PFX_TOP_H
#define PFX_TOP_H

#include "top_alert.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum { TOP_COMM_MAX = 64, TOP_CGROUP_MAX = 256 };

enum top_sort { TOP_SORT_MINOR, TOP_SORT_MAJOR, TOP_SORT_RSS, TOP_SORT_SWAP, TOP_SORT_PID };
enum top_view { TOP_VIEW_FLAT, TOP_VIEW_TREE, TOP_VIEW_CGROUP };

/* What rows (and tree subtrees and cgroups) add up. */
struct top_sums {
	double minor_rate, major_rate;	/* faults per second over the last interval */
	uint64_t minor, major;		/* totals since each process started */
	uint64_t rss_kb, swap_kb;
	uint64_t threads, nprocs;
};

struct top_proc {
	pid_t pid, ppid;
	uid_t uid;
	uint64_t start_time;	/* stat field 22: a PID reused by a new process has another */
	uint64_t minor, major;	/* the process's own counts (not its children's), like top */
	double minor_rate, major_rate;
	bool has_rate;		/* false on the first sample of a run (no interval yet) */
	bool kthread;
	uint64_t rss_kb, swap_kb;
	unsigned threads;
	char comm[TOP_COMM_MAX];
	char cgroup[TOP_CGROUP_MAX];	/* v2 path, else v1 memory path, else "/" */
	/* kept open between refreshes; -1: open each time (or not used) */
	int stat_fd, status_fd, statm_fd, pid_fd, cgroup_fd;
	uint64_t cgroup_id;		/* its cgroup v2's id when cgroup was read, or 0 */
	uint64_t first_ns;		/* when pfx first saw it */
	struct top_alert_state alert[TOP_ALERT_KINDS];
	int group;			/* index in pfx_top_groups() (--cgroup), else -1 */
	/* filled by pfx_top_order() in tree view */
	int parent;			/* index in the table, -1: a root */
	struct top_sums subtree;
};

struct top_group {
	char cgroup[TOP_CGROUP_MAX];
	struct top_sums sums;
	struct top_alert_state alert[TOP_ALERT_KINDS];
	bool present;			/* has processes in the current sample */
};

enum top_row_kind { TOP_ROW_PROC, TOP_ROW_CGROUP };

/* One output row, in display order. */
struct top_row {
	enum top_row_kind kind;
	int depth;			/* tree nesting, or 1 for a process under its cgroup */
	const struct top_proc *proc;	/* TOP_ROW_PROC */
	const struct top_group *group;	/* TOP_ROW_CGROUP */
	struct top_sums own;		/* the process's own values, or the cgroup's sums */
	bool has_subtree;		/* tree view: subtree holds the process and its descendants */
	struct top_sums subtree;
};

struct top_filter {
	const pid_t *pids;		/* -p; NULL: any */
	size_t npids;
	bool by_uid;			/* -u */
	uid_t uid;
	const char *text;		/* interactive filter: substring of command, user or cgroup */
};

struct top_table;

struct top_table_opts {
	/* --cgroup: group the rows (pfx_top_groups()) and follow migrations:
	 * re-read each process's cgroup every refresh (with cgroup v2 alone,
	 * only when its pidfd's cgroup id changed); else it is read once
	 * per process */
	bool cgroups;
	const char *proc_root;		/* NULL: "/proc" */
	/* uid, rss and swap only through pfx_top_read_details(), for the
	 * rows that need them ('pfx serve' shows them for its busiest few):
	 * a sample then reads each process's stat alone */
	bool lazy;
};

/* Keeping each process's files open needs more descriptors than the usual
 * soft limit of 1024 on a busy host: take what the hard limit allows, or
 * as root up to 4 per possible PID (fs.nr_open at most).  Past the limit
 * the table opens files per read, slower but complete. */
void pfx_top_raise_fd_limit(void);

int pfx_top_table_new(struct top_table **out, const struct top_table_opts *opts);
void pfx_top_table_free(struct top_table *t);

/* Scan /proc once.  The first call takes the baseline; later ones give
 * each process its rates over the time since the previous call.  A
 * process that vanishes mid-read is dropped, not an error.  0 or -errno
 * (only when /proc itself cannot be read, or out of memory). */
int pfx_top_sample(struct top_table *t, uint64_t now_ns);

/* uid, rss and swap of the rows procs[idx[i]] (a lazy table's); a row
 * whose process is gone keeps what it had. */
void pfx_top_read_details(struct top_table *t, const int *idx, size_t n);

/* The current rows, sorted by PID. */
const struct top_proc *pfx_top_procs(const struct top_table *t, size_t *n);
/* Rows of the previous sample whose process is gone (alerts still
 * firing on them must clear). */
struct top_proc *pfx_top_gone(struct top_table *t, size_t *n);
/* The table's own rows, mutable for the alert states. */
struct top_proc *pfx_top_procs_mut(struct top_table *t, size_t *n);
/* cgroups seen (present or, for one refresh after, gone: present false). */
struct top_group *pfx_top_groups(struct top_table *t, size_t *n);
/* Sums over every process of the last sample. */
struct top_sums pfx_top_total(const struct top_table *t);
/* Interval of the last sample, seconds (0 on the first). */
double pfx_top_interval(const struct top_table *t);
uint64_t pfx_top_prev_ns(const struct top_table *t);
/* Processes that failed a read because they exited during the scan. */
uint64_t pfx_top_vanished(const struct top_table *t);

/* Turn cgroup grouping on or off (the full-screen 'c' key); groups at
 * once.  0 or -ENOMEM. */
int pfx_top_set_cgroups(struct top_table *t, bool on);

/* The user name of uid (cached), or its number. */
const char *pfx_top_user_name(struct top_table *t, uid_t uid);

/* Rows to show, in order.  limit 0: all.  The array is the table's,
 * valid until the next pfx_top_order() or pfx_top_sample(). */
int pfx_top_order(struct top_table *t, enum top_view view, enum top_sort sort,
	      const struct top_filter *filter, size_t limit, const struct top_row **rows,
	      size_t *nrows);

bool pfx_top_filter_match(struct top_table *t, const struct top_filter *f, const struct top_proc *p);

/* Parsers of the /proc files (exposed for tests).  0 or -EINVAL. */
int pfx_top_parse_stat(const char *text, struct top_proc *p);
int pfx_top_parse_status(const char *text, struct top_proc *p);
/* statm's resident pages, as kB of page_kb each, into rss_kb */
int pfx_top_parse_statm(const char *text, unsigned page_kb, struct top_proc *p);

const char *pfx_top_sort_name(enum top_sort sort);
int pfx_top_sort_parse(const char *name, enum top_sort *out);

#endif
