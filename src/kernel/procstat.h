/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procstat: fault counters from /proc/PID/stat and /proc/PID/task/TID/stat
 * (and the start of the brk area, which names the heap).
 * These include faults taken on behalf of the process by the kernel (GUP,
 * e.g. during execve or process_vm_readv), which perf's software counters
 * do not see; see doc/stat.md. */
#ifndef PFX_PROCSTAT_H
#define PFX_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

struct pfx_proc_faults {
	uint64_t minor;		/* minflt */
	uint64_t major;		/* majflt */
	uint64_t child_minor;	/* cminflt: reaped children */
	uint64_t child_major;	/* cmajflt */
	uint64_t flags;		/* the task's PF_* flags (field 9) */
	char state;		/* R, S, D, Z, ... (field 3) */
	pid_t ppid;		/* field 4; 0 when the text ends before it */
	uint64_t start_time;	/* field 22, clock ticks after boot: with the pid,
				 * names one process (pids are reused); 0 when absent */
};

/* PF_* from include/linux/sched.h: the task is a kernel thread; the task
 * is exiting (set first thing in do_exit, long before the process is a
 * zombie: its memory is torn down in between). */
#define PFX_PF_KTHREAD 0x00200000u
#define PFX_PF_EXITING 0x00000004u

/* Parse the text of a stat file (exposed for tests).  0 or -EINVAL. */
int pfx_proc_parse_stat(const char *text, struct pfx_proc_faults *out, char *comm,
			size_t comm_size);
/* pid's counters (tid 0) or one thread's.  0, -ESRCH if gone, -errno. */
int pfx_proc_read_faults(pid_t pid, pid_t tid, struct pfx_proc_faults *out);
/* 1 if pid is a kernel thread (no user memory, ever), 0 if not, -ESRCH
 * if gone.  An exiting process also reads as having no memory for a
 * moment: this tells the two apart. */
int pfx_proc_is_kernel_thread(pid_t pid);
/* 1 if pid is exiting (its main thread has PF_EXITING and is not yet a
 * zombie), 0 if not, -ESRCH if gone. */
int pfx_proc_is_exiting(pid_t pid);
/* The process name (comm) of pid or of tid within it.  0 or -errno. */
int pfx_proc_read_comm(pid_t pid, pid_t tid, char *comm, size_t size);
/* Where pid's brk area (its heap) starts: start_brk, field 47 of
 * /proc/PID/stat.  0 or -errno (-ESRCH: gone; -EINVAL: no such field). */
int pfx_proc_read_start_brk(pid_t pid, uint64_t *start_brk);

#endif
