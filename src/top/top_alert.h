/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top_alert: the alert rules of 'pfx top' (minor/s, major/s, swap bytes
 * over a threshold, held for a while before firing) as a small state
 * machine per subject, and the --alert-exec hook, run without blocking
 * the sampling. */
#ifndef PFX_TOP_ALERT_H
#define PFX_TOP_ALERT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum top_alert_kind { TOP_ALERT_MINOR, TOP_ALERT_MAJOR, TOP_ALERT_SWAP, TOP_ALERT_KINDS };

/* One subject's state for one kind (kept in the process row or the cgroup). */
struct top_alert_state {
	uint64_t over_since_ns;	/* start of the first interval over the threshold; 0: not over */
	bool firing;
};

struct top_alert_rules {
	double threshold[TOP_ALERT_KINDS];	/* < 0: that kind is off */
	double hold_s;				/* --alert-for */
	char **exec_argv;			/* --alert-exec words, NULL-terminated; NULL: none */
	bool exec_quiet;			/* hook's stdout/stderr to /dev/null (full screen) */
};

/* What a transition reports. */
struct top_alert_event {
	enum top_alert_kind kind;
	bool firing;		/* false: cleared */
	bool cgroup_scope;	/* subject is a cgroup (pid is 0) */
	bool gone;		/* cleared because the subject went away */
	pid_t pid;
	uint64_t start_time;	/* the process's /proc/PID/stat start time (field 22,
				 * clock ticks after boot): pid and start time name it */
	const char *comm;
	const char *cgroup;
	double value;		/* rate per second, or swap bytes */
	double threshold;
	double held_s;		/* how long it was over when it fired */
	double time;		/* seconds since pfx started */
};

const char *pfx_top_alert_kind_name(enum top_alert_kind kind);
bool pfx_top_alert_any(const struct top_alert_rules *rules);

/* Feed one sample: value over [interval_start_ns, now_ns].  Returns true
 * and fills ev's kind, firing, value, threshold and held_s when the alert
 * fires (over for hold_s, counted from the start of the first interval
 * over) or clears (at or under the threshold again). */
bool pfx_top_alert_step(struct top_alert_state *st, const struct top_alert_rules *rules,
		    enum top_alert_kind kind, double value, uint64_t interval_start_ns,
		    uint64_t now_ns, struct top_alert_event *ev);
/* The subject is gone: true (ev filled as cleared) if it was firing. */
bool pfx_top_alert_gone(struct top_alert_state *st, const struct top_alert_rules *rules,
		    enum top_alert_kind kind, struct top_alert_event *ev);

/* Check that argv[0] can be run (PATH search as execvp does).  0 or -errno. */
int pfx_top_alert_exec_check(char *const argv[]);
/* Is pid still the process that started at start_time (not gone, not
 * its PID reused)?  1 and *pidfd a pidfd to it (-1 where the kernel has
 * none), else 0 and *pidfd -1.  The pidfd is opened before the check, so
 * it names the process checked. */
int pfx_top_alert_pin(pid_t pid, uint64_t start_time, int *pidfd);
/* Start rules->exec_argv with the event in PFX_ALERT_* variables; does
 * not wait.  A process event is pinned first (pfx_top_alert_pin): the hook
 * gets PFX_ALERT_START_TIME, PFX_ALERT_PID_GONE (1: the process exited
 * or its PID is another's now) and, when it is still there,
 * PFX_ALERT_PIDFD (an open pidfd to it).  0 or -errno (fork failed). */
int pfx_top_alert_exec(const struct top_alert_rules *rules, const struct top_alert_event *ev);
/* Reap finished hooks (WNOHANG): never blocks.  Number reaped. */
int pfx_top_alert_reap(void);

#endif
