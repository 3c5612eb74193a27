/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proctree: the processes descended from one, as the kernel has them now.
 *
 * /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN) lists the children of
 * each thread; following it from a process gives its descendants without
 * reading every process on the host.  Where a kernel lacks it, the parent
 * field of every /proc/N/stat is read instead.  A process that exits while
 * it is read is simply not there.  Paths go under a root prefix ("" for
 * the real system) for fixture tests. */
#ifndef PFX_PROCTREE_H
#define PFX_PROCTREE_H

#include <stddef.h>
#include <sys/types.h>

/* No tree is followed past this many descendants. */
#define PFX_PROCTREE_MAX 65536

/* The descendants of pid (not pid itself), parents before children, in
 * *out (malloc'ed, free() it; NULL when none).  0 or -errno (-ENOMEM). */
int pfx_proc_descendants(const char *root, pid_t pid, pid_t **out, size_t *n);

#endif
