/* SPDX-License-Identifier: GPL-2.0-or-later */
/* target: the process pfx observes, either launched by pfx (`-- CMD`) or
 * attached to (`-p PID`).
 *
 * A launched command is forked but held before execvp() until
 * pfx_target_start(), so counters opened with enable_on_exec see exactly
 * the command's own faults from its first instruction.  Exit is watched
 * through a pidfd so main loops can poll() it next to perf fds. */
#ifndef PFX_TARGET_H
#define PFX_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct pfx_target {
	pid_t pid;		/* process observed */
	bool launched;		/* forked by pfx: pfx reaps it */
	int pidfd;		/* readable when the process exits; -1 if unsupported */
	int start_fd;		/* launched: writing here lets the child exec */
	int exec_err_fd;	/* launched: carries errno if execvp() failed */
	bool exited;
	bool signalled;		/* launched: pfx sent it a signal (its stop, or the run's end) */
	int wait_status;	/* launched and exited: as from waitpid() */
	struct rusage rusage;	/* launched and exited: the CMD's (and its children's) usage */
};

/* Fork argv, held before exec.  0 or -errno. */
int pfx_target_launch(struct pfx_target *t, char *const argv[]);
/* The same with envp as the command's environment (NULL: pfx's own). */
int pfx_target_launch_env(struct pfx_target *t, char *const argv[], char *const envp[]);
/* Let a launched child exec.  0, or -errno from a failed execvp() (the
 * child has then been reaped). */
int pfx_target_start(struct pfx_target *t);
/* Commands that watch one process's faults or memory refuse a kernel
 * thread (PF_KTHREAD: it has no user memory).  1 and its name in comm if
 * pid is one; 0 for anything else (a process gone is the attach's to
 * report). */
int pfx_target_kernel_thread(pid_t pid, char *comm, size_t size);
/* Observe an existing process.  -ESRCH if there is none, -EPERM if not ours. */
int pfx_target_attach(struct pfx_target *t, pid_t pid);
/* Non-blocking exit check: 1 if the process has exited (reaped if
 * launched), 0 if it runs, -errno on error. */
int pfx_target_poll_exit(struct pfx_target *t);
/* Block until a launched target exits (EINTR returns -EINTR). */
int pfx_target_wait(struct pfx_target *t);
/* Send sig to the target (a launched one only; attached ones are never touched). */
void pfx_target_forward_signal(struct pfx_target *t, int sig);
/* Release fds; a launched child still held before exec is made to exit
 * and reaped, so pfx never leaves one behind. */
void pfx_target_close(struct pfx_target *t);

/* Sleep until deadline_ns (pfx_now_ns clock), returning early when the
 * target exits or a stop signal is caught (sig.h). */
void pfx_target_sleep_until(struct pfx_target *t, uint64_t deadline_ns);
/* Stop a launched command still running when sampling ends (COUNT reached
 * or Ctrl-C: the stop signal, else SIGTERM), as perf stat does, reap it,
 * and close the target. */
void pfx_target_finish(struct pfx_target *t);

/* Thread ids of pid from /proc/PID/task.  *tids is malloc'ed. 0 or -errno. */
int pfx_list_tids(pid_t pid, pid_t **tids, size_t *count);
/* A pidfd for pid (pidfd_open(2), closed on exec).  The fd, or -errno
 * (-ENOSYS on kernels before 5.3). */
int pfx_pidfd_open(pid_t pid);
/* The real uid (as /proc/PID/status's first Uid) and the cgroup v2 id of
 * a pidfd's process, by the PIDFD_GET_INFO ioctl: no text for the kernel to
 * format.  0, -ESRCH once it is reaped, -ENOTTY on kernels before 6.13. */
int pfx_pidfd_info(int pidfd, uid_t *ruid, uint64_t *cgroup_id);
/* Does this process exist? */
bool pfx_pid_exists(pid_t pid);

#endif
