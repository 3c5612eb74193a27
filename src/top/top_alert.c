/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top_alert: threshold state machine and the non-blocking exec hook. */
#include "config.h"
#include "top_alert.h"
#include "procstat.h"
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const kind_names[TOP_ALERT_KINDS] = { "minor", "major", "swap" };

const char *pfx_top_alert_kind_name(enum top_alert_kind kind)
{
	return (unsigned)kind < TOP_ALERT_KINDS ? kind_names[kind] : "?";
}

bool pfx_top_alert_any(const struct top_alert_rules *rules)
{
	for (int k = 0; k < TOP_ALERT_KINDS; k++)
		if (rules->threshold[k] >= 0)
			return true;
	return false;
}

bool pfx_top_alert_step(struct top_alert_state *st, const struct top_alert_rules *rules,
		    enum top_alert_kind kind, double value, uint64_t interval_start_ns,
		    uint64_t now_ns, struct top_alert_event *ev)
{
	double threshold = rules->threshold[kind];

	if (threshold < 0)
		return false;
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->value = value;
	ev->threshold = threshold;
	if (value > threshold) {
		/* The rate covers the whole interval, so "over since" is its start:
		 * a 1 s hold with 0.5 s refreshes fires on the second sample over. */
		if (!st->over_since_ns)
			st->over_since_ns = interval_start_ns ? interval_start_ns : 1;
		ev->held_s = (double)(now_ns - st->over_since_ns) / 1e9;
		/* A hair of slack: refreshes land a few microseconds early or late. */
		if (!st->firing && ev->held_s + 1e-3 >= rules->hold_s) {
			st->firing = true;
			ev->firing = true;
			return true;
		}
		return false;
	}
	st->over_since_ns = 0;
	if (st->firing) {
		st->firing = false;
		ev->firing = false;
		return true;
	}
	return false;
}

bool pfx_top_alert_gone(struct top_alert_state *st, const struct top_alert_rules *rules,
		    enum top_alert_kind kind, struct top_alert_event *ev)
{
	bool was = st->firing;

	st->firing = false;
	st->over_since_ns = 0;
	if (!was)
		return false;
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->threshold = rules->threshold[kind];
	ev->gone = true;
	return true;
}

int pfx_top_alert_exec_check(char *const argv[])
{
	const char *name = argv[0], *path;
	char buf[4096];

	if (!name || !*name)
		return -EINVAL;
	if (strchr(name, '/'))
		return access(name, X_OK) ? -errno : 0;
	path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(len ? len : 1), len ? path : ".", name);
		if (access(buf, X_OK) == 0)
			return 0;
		path += len;
		if (*path == ':')
			path++;
	}
	return -ENOENT;
}

static void set_env_num(const char *name, int decimals, double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	setenv(name, buf, 1);
}

int pfx_top_alert_pin(pid_t pid, uint64_t start_time, int *pidfd)
{
	struct pfx_proc_faults now;
	int fd = pfx_pidfd_open(pid);

	*pidfd = -1;
	if (fd == -ESRCH)
		return 0;
	if (pfx_proc_read_faults(pid, 0, &now) < 0 || now.start_time != start_time) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	*pidfd = fd >= 0 ? fd : -1;
	return 1;
}

/* The hook's view of the process: still the one that alerted, or gone. */
static void set_env_subject(const struct top_alert_event *ev)
{
	char buf[32];
	int pidfd = -1, here = !ev->gone && pfx_top_alert_pin(ev->pid, ev->start_time, &pidfd);

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ev->start_time);
	setenv("PFX_ALERT_START_TIME", buf, 1);
	setenv("PFX_ALERT_PID_GONE", here ? "0" : "1", 1);
	if (pidfd >= 0 && fcntl(pidfd, F_SETFD, 0) == 0) {
		snprintf(buf, sizeof(buf), "%d", pidfd);
		setenv("PFX_ALERT_PIDFD", buf, 1);
	} else {
		unsetenv("PFX_ALERT_PIDFD");
	}
}

int pfx_top_alert_exec(const struct top_alert_rules *rules, const struct top_alert_event *ev)
{
	pid_t child;
	char pid[32];

	if (!rules->exec_argv)
		return 0;
	child = fork();
	if (child < 0)
		return -errno;
	if (child > 0)
		return 0;
	/* The child: pfx is single-threaded, so setenv before exec is safe. */
	snprintf(pid, sizeof(pid), "%d", (int)ev->pid);
	setenv("PFX_ALERT_SCOPE", ev->cgroup_scope ? "cgroup" : "process", 1);
	setenv("PFX_ALERT_PID", ev->cgroup_scope ? "" : pid, 1);
	setenv("PFX_ALERT_COMM", ev->comm ? ev->comm : "", 1);
	setenv("PFX_ALERT_CGROUP", ev->cgroup ? ev->cgroup : "", 1);
	setenv("PFX_ALERT_KIND", pfx_top_alert_kind_name(ev->kind), 1);
	setenv("PFX_ALERT_STATE", ev->firing ? "firing" : "cleared", 1);
	/* RATE is the measured value: faults/s, or bytes for swap. */
	set_env_num("PFX_ALERT_RATE", 1, ev->value);
	set_env_num("PFX_ALERT_VALUE", 1, ev->value);
	set_env_num("PFX_ALERT_THRESHOLD", 1, ev->threshold);
	set_env_num("PFX_ALERT_FOR", 3, ev->held_s);
	set_env_num("PFX_ALERT_TIME", 3, ev->time);
	setenv("PFX_ALERT_REASON", ev->gone ? "exited" : "", 1);
	if (ev->cgroup_scope) {
		unsetenv("PFX_ALERT_START_TIME");
		unsetenv("PFX_ALERT_PID_GONE");
		unsetenv("PFX_ALERT_PIDFD");
	} else {
		set_env_subject(ev);
	}
	if (rules->exec_quiet) {
		/* Full screen: the hook must not scribble over the view. */
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
	}
	execvp(rules->exec_argv[0], rules->exec_argv);
	_exit(127);
}

int pfx_top_alert_reap(void)
{
	int n = 0, status;

	/* pfx top starts no other children, so any child is a hook. */
	while (waitpid(-1, &status, WNOHANG) > 0)
		n++;
	return n;
}
