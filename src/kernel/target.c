/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target: launch a command held before exec, or attach to a PID, and
 * notice when it exits. */
#include "config.h"
#include "target.h"
#include "procstat.h"
#include "safetext.h"
#include "sig.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static void target_init(struct pfx_target *t)
{
	memset(t, 0, sizeof(*t));
	t->pidfd = -1;
	t->start_fd = -1;
	t->exec_err_fd = -1;
}

int pfx_pidfd_open(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	return fd < 0 ? -errno : fd;
}

/* <linux/pidfd.h> of Linux 6.13, which the build host's headers may
 * predate: the kernel takes any size from its first version on. */
struct pidfd_info_v1 {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define PFX_PIDFD_GET_INFO _IOWR(0xFF, 11, struct pidfd_info_v1)
#define PFX_PIDFD_INFO_CGROUPID 0x4ull
#define PFX_PIDFD_INFO_CREDS 0x2ull

int pfx_pidfd_info(int pidfd, uid_t *ruid, uint64_t *cgroup_id)
{
	struct pidfd_info_v1 info = { .mask = PFX_PIDFD_INFO_CREDS | PFX_PIDFD_INFO_CGROUPID };

	if (ioctl(pidfd, PFX_PIDFD_GET_INFO, &info) < 0)
		return -errno;
	if (!(info.mask & PFX_PIDFD_INFO_CREDS))
		return -ENOTTY;
	*ruid = (uid_t)info.ruid;
	*cgroup_id = info.mask & PFX_PIDFD_INFO_CGROUPID ? info.cgroupid : 0;
	return 0;
}

static int exists(const char *path, void *ctx)
{
	(void)ctx;
	return access(path, F_OK) == 0 ? 0 : -ENOENT;
}

/* Whether a file named name is in a directory of $PATH. */
static bool on_path(const char *name)
{
	char buf[PATH_MAX];

	return pfx_path_search(name, buf, sizeof(buf), exists, NULL) == 0;
}

/* Runs in the child: wait for the go byte, then exec.  Never returns. */
static void child_exec(int start_fd, int err_fd, char *const argv[], char *const envp[], pid_t parent)
{
	sigset_t none;
	char go = 0;
	ssize_t n;
	int err;

	/* A command pfx launched does not outlive pfx: killed (SIGKILL, say)
	 * pfx can neither stop it nor report on it, and a workload left
	 * running as root is a surprise.  SIGTERM lets it clean up.  (Kept
	 * across execve, except into a set-user-ID program; pfx forks from
	 * its main thread, whose exit is what the kernel watches.)  pfx may
	 * already be gone: then do not run the command at all. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		_exit(127);

	/* pfx may have blocked signals; the command must start clean. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* EOF without the byte means pfx gave up: do not run the command. */
	do
		n = read(start_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1 || go != 'g')
		_exit(127);
	close(start_fd);
	/* envp is the command's own environment (pfx try's remedy): set in
	 * this child only, never in pfx's. */
	if (envp)
		execvpe(argv[0], argv, envp);
	else
		execvp(argv[0], argv);
	err = errno;
	/* execvp says EACCES when it met a PATH directory this user may not
	 * search (root's, say) and found the command nowhere: the shell's
	 * "not found" (127), not "cannot execute" (126). */
	if (err == EACCES && !strchr(argv[0], '/') && !on_path(argv[0]))
		err = ENOENT;
	if (write(err_fd, &err, sizeof(err)) < 0)
		_exit(127);
	_exit(127);
}

int pfx_target_launch(struct pfx_target *t, char *const argv[])
{
	return pfx_target_launch_env(t, argv, NULL);
}

int pfx_target_launch_env(struct pfx_target *t, char *const argv[], char *const envp[])
{
	int start_pipe[2], err_pipe[2];
	pid_t pid, parent;
	int err;

	target_init(t);
	if (!argv || !argv[0])
		return -EINVAL;
	if (pipe2(start_pipe, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err_pipe, O_CLOEXEC) < 0) {
		err = -errno;
		close(start_pipe[0]);
		close(start_pipe[1]);
		return err;
	}
	fflush(NULL);
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(start_pipe[0]); close(start_pipe[1]);
		close(err_pipe[0]); close(err_pipe[1]);
		return err;
	}
	if (pid == 0) {
		close(start_pipe[1]);
		close(err_pipe[0]);
		child_exec(start_pipe[0], err_pipe[1], argv, envp, parent);
	}
	close(start_pipe[0]);
	close(err_pipe[1]);
	t->pid = pid;
	t->launched = true;
	t->start_fd = start_pipe[1];
	t->exec_err_fd = err_pipe[0];
	t->pidfd = pfx_pidfd_open(pid);
	return 0;
}

int pfx_target_start(struct pfx_target *t)
{
	char go = 'g';
	int child_errno = 0;
	ssize_t n;

	if (!t->launched || t->start_fd < 0)
		return -EINVAL;
	n = write(t->start_fd, &go, 1);
	close(t->start_fd);
	t->start_fd = -1;
	if (n != 1)
		return -EPIPE;
	/* The error pipe is close-on-exec: EOF means execvp() succeeded. */
	do
		n = read(t->exec_err_fd, &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(t->exec_err_fd);
	t->exec_err_fd = -1;
	if (n == (ssize_t)sizeof(child_errno)) {
		pfx_target_wait(t);
		return -child_errno;
	}
	return 0;
}

int pfx_target_kernel_thread(pid_t pid, char *comm, size_t size)
{
	if (pfx_proc_is_kernel_thread(pid) != 1)
		return 0;
	snprintf(comm, size, "?");
	pfx_proc_read_comm(pid, 0, comm, size);
	return 1;
}

int pfx_target_attach(struct pfx_target *t, pid_t pid)
{
	target_init(t);
	if (pid <= 0)
		return -ESRCH;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return -ESRCH;
	t->pid = pid;
	t->pidfd = pfx_pidfd_open(pid);
	if (t->pidfd == -ESRCH)
		return -ESRCH;
	return 0;
}

static void record_exit(struct pfx_target *t, int status, const struct rusage *ru)
{
	t->exited = true;
	t->wait_status = status;
	if (ru)
		t->rusage = *ru;
}

int pfx_target_poll_exit(struct pfx_target *t)
{
	struct rusage ru;
	int status;
	pid_t r;

	if (t->exited)
		return 1;
	if (t->launched) {
		r = wait4(t->pid, &status, WNOHANG, &ru);
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		record_exit(t, status, &ru);
		return 1;
	}
	/* Not our child: it is gone when signal 0 fails or it is a zombie. */
	if (kill(t->pid, 0) < 0 && errno == ESRCH) {
		record_exit(t, 0, NULL);
		return 1;
	}
	{
		char path[64], buf[512], *p;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)t->pid);
		if (pfx_read_file(path, buf, sizeof(buf)) > 0 &&
		    (p = strrchr(buf, ')')) && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X')) {
			record_exit(t, 0, NULL);
			return 1;
		}
	}
	return 0;
}

int pfx_target_wait(struct pfx_target *t)
{
	struct rusage ru;
	int status;

	if (t->exited)
		return 0;
	if (!t->launched)
		return -ECHILD;
	if (wait4(t->pid, &status, 0, &ru) < 0)
		return -errno;
	record_exit(t, status, &ru);
	return 0;
}

void pfx_target_forward_signal(struct pfx_target *t, int sig)
{
	if (t->launched && !t->exited && sig > 0 && kill(t->pid, sig) == 0)
		t->signalled = true;
}

void pfx_target_close(struct pfx_target *t)
{
	if (t->launched && !t->exited) {
		/* Never leave a held child behind: closing start_fd makes it exit. */
		if (t->start_fd >= 0) {
			close(t->start_fd);
			t->start_fd = -1;
		}
		pfx_target_wait(t);
	}
	if (t->start_fd >= 0)
		close(t->start_fd);
	if (t->exec_err_fd >= 0)
		close(t->exec_err_fd);
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->start_fd = t->exec_err_fd = t->pidfd = -1;
}

int pfx_list_tids(pid_t pid, pid_t **tids, size_t *count)
{
	char path[64];
	struct dirent *de;
	pid_t *list = NULL;
	size_t n = 0, cap = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((de = readdir(dir))) {
		char *end;
		long tid = strtol(de->d_name, &end, 10);

		if (*end || tid <= 0)
			continue;
		if (PFX_GROW(list, cap, n + 1, 16)) {
			free(list);
			closedir(dir);
			return -ENOMEM;
		}
		list[n++] = (pid_t)tid;
	}
	closedir(dir);
	*tids = list;
	*count = n;
	return 0;
}

bool pfx_pid_exists(pid_t pid)
{
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* Sleep until deadline_ns (CLOCK_MONOTONIC), returning early when the
 * target exits (its pidfd turns readable) or a stop is requested. */
void pfx_target_sleep_until(struct pfx_target *t, uint64_t deadline_ns)
{
	for (;;) {
		uint64_t now = pfx_now_ns();
		struct pollfd pfd = { .fd = t->pidfd, .events = POLLIN };
		int timeout_ms;

		if (now >= deadline_ns || pfx_sig_stop_requested())
			return;
		timeout_ms = (int)((deadline_ns - now + 999999) / 1000000);
		if (poll(&pfd, t->pidfd >= 0 ? 1 : 0, timeout_ms) > 0)
			return;
	}
}

/* Stop a launched command still running when sampling ends (COUNT reached
 * or Ctrl-C), as perf stat does, and reap it. */
void pfx_target_finish(struct pfx_target *t)
{
	if (t->launched && !t->exited && pfx_target_poll_exit(t) == 0) {
		int sig = pfx_sig_stop_signal();

		/* Already exiting by itself: its memory files are gone (which
		 * ends a sampling loop) seconds before it is a zombie when it
		 * tears down gigabytes.  Wait (up to 10 s: a main thread that
		 * ended alone leaves the others running), so its own status
		 * is told, not a stopped command's 0 (pfx thp said 0 for a
		 * python3 that exited 3 after writing 3 GiB). */
		if (!sig && pfx_proc_is_exiting(t->pid) == 1)
			pfx_target_sleep_until(t, pfx_now_ns() + 10000000000ull);
		if (pfx_target_poll_exit(t) == 0) {
			pfx_target_forward_signal(t, sig ? sig : SIGTERM);
			pfx_target_wait(t);
		}
	}
	pfx_target_close(t);
}
