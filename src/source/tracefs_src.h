/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tracefs_src: the fallback fault source for hosts where perf_event_open
 * is denied.  A private tracefs instance ("pfx-<pfx pid>-<n>") traces the
 * fault tracepoint for the target's tasks only (set_event_pid with the
 * event-fork option, so threads and children started later are followed),
 * and raw events are parsed with libtraceevent.
 *
 * exceptions:page_fault_user fires at fault entry and does not say minor
 * or major.  A fault is marked major when the same task queues a block
 * read (block:block_bio_queue) or inserts a page into the page cache
 * (filemap:mm_filemap_add_to_page_cache) before its next fault or syscall
 * (raw_syscalls:sys_enter closes the window).  Fault entries that the
 * kernel retries (VM_FAULT_RETRY) appear twice, so exact minor/major
 * totals come from /proc, not from here.  See doc/tracefs.md.
 *
 * The instance is removed by pfx_tracefs_close(), which callers run on every
 * exit path, and, when pfx dies without running it (SIGKILL, a crash), by
 * a guardian: a child forked before the instance is created, blocked on a
 * pipe whose write end only pfx holds; the kernel closes it when pfx dies,
 * and the guardian then stops and removes the instance.  Instances left
 * anyway (the guardian killed too) are removed by pfx_tracefs_remove_stale()
 * on the next run.  pfx_tracefs_source
 * (fault_source.h) is this module behind the interface it shares with the
 * perf sampler. */
#ifndef PFX_TRACEFS_SRC_H
#define PFX_TRACEFS_SRC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fault_source.h"

struct pfx_tfs;

/* Remove instances named pfx-<pid>-* whose pfx process no longer runs.
 * *removed (may be NULL) receives how many.  0 or -errno. */
int pfx_tracefs_remove_stale(unsigned *removed);
/* The same where tracefs is already mounted, without mounting it: for
 * every pfx start, whatever the source, so a SIGKILLed pfx's instance
 * (still tracing, its buffers allocated) does not outlive the next run.
 * 0 or -errno (-EACCES: not root: nothing to clean that we could). */
int pfx_tracefs_clean_stale(unsigned *removed);

/* Create the instance, filter on pids (a process's threads, or a held
 * child), enable the events and start tracing.  buffer_kb is the per-CPU
 * ring size (0: a default sized for fault bursts).  exec_pid: a held child
 * whose faults count from its execve on (as perf's enable_on_exec), or 0.
 * 0 or -errno:
 * -ENODEV when tracefs cannot be mounted, -ENOENT when the kernel lacks
 * exceptions:page_fault_user, -EACCES/-EPERM when tracefs is not writable. */
int pfx_tracefs_open(struct pfx_tfs **tfs, const pid_t *pids, size_t npids, size_t buffer_kb,
		 pid_t exec_pid);
/* Hand fn what was traced since the last drain (fault_event.h): a
 * MAPS_NOW for the target, then its faults in time order (FAULT, time
 * CLOCK_MONOTONIC: the instance uses the "mono" trace clock; major as
 * inferred above; the entry's error code), then LOST_SAMPLES for events
 * the kernel dropped meanwhile.  0, fn's non-zero value (the rest of the
 * batch comes first in the next drain), or -errno. */
int pfx_tracefs_drain(struct pfx_tfs *tfs, pfx_sample_fn fn, void *ctx);
/* Events the kernel dropped because the ring was full, so far. */
uint64_t pfx_tracefs_missed(const struct pfx_tfs *tfs);
/* Fault entries seen so far (all tasks of the target). */
uint64_t pfx_tracefs_fault_entries(const struct pfx_tfs *tfs);
const char *pfx_tracefs_instance_name(const struct pfx_tfs *tfs);
/* What to do about an error of pfx_tracefs_open(), for the message at the
 * edge (a constant string). */
const char *pfx_tracefs_error_hint(int err);
/* Disable the events and remove the instance. */
void pfx_tracefs_close(struct pfx_tfs *tfs);

#endif
