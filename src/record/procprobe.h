/* SPDX-License-Identifier: GPL-2.0-or-later */
/* procprobe: what the recorder asks of the running processes while it
 * records (a process's mappings, thread ids, names, cgroup, heap start)
 * and the clock it paces its /proc re-reads with, behind one table of
 * functions: pfx_procprobe_proc() reads /proc and CLOCK_MONOTONIC;
 * tests/test-recorder.c hands the recorder a fake one, so synthetic
 * events meet the processes it describes. */
#ifndef PFX_PROCPROBE_H
#define PFX_PROCPROBE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "maps.h"

struct pfx_procprobe {
	/* pid's mappings, in address order, apart; *maps malloc'ed (as
	 * pfx_maps_read).  0, -ESRCH or -ENOENT (gone), -errno. */
	int (*maps)(void *ctx, pid_t pid, struct pfx_map_entry **maps, size_t *count);
	/* pid's thread ids; *tids malloc'ed.  0 or -errno. */
	int (*tids)(void *ctx, pid_t pid, pid_t **tids, size_t *count);
	/* The comm of pid (tid 0) or of its thread tid.  0 or -errno. */
	int (*comm)(void *ctx, pid_t pid, pid_t tid, char *comm, size_t size);
	/* pid's cgroup as pfx_cgroup_of_pid() names it.  0 or -errno. */
	int (*cgroup)(void *ctx, pid_t pid, char *name, size_t size);
	/* Where pid's brk area starts.  0 or -errno. */
	int (*start_brk)(void *ctx, pid_t pid, uint64_t *start_brk);
	/* CLOCK_MONOTONIC ns, as the events' times. */
	uint64_t (*now_ns)(void *ctx);
	void *ctx;
};

/* The probe of the running system: /proc and the monotonic clock. */
const struct pfx_procprobe *pfx_procprobe_proc(void);

#endif
