/* procstat: fault counters from /proc/PID/stat and /proc/PID/task/TID/stat.
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
};

/* Parse the text of a stat file (exposed for tests).  0 or -EINVAL. */
int pfx_proc_parse_stat(const char *text, struct pfx_proc_faults *out, char *comm,
			size_t comm_size);
/* pid's counters (tid 0) or one thread's.  0, -ESRCH if gone, -errno. */
int pfx_proc_read_faults(pid_t pid, pid_t tid, struct pfx_proc_faults *out);
/* The process name (comm) of pid or of tid within it.  0 or -errno. */
int pfx_proc_read_comm(pid_t pid, pid_t tid, char *comm, size_t size);

#endif
