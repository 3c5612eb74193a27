/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sampler: the perf events 'pfx record' samples, and their rings.
 *
 * Per online CPU c, on the target (pid = the process, or each thread when
 * attaching; inherit=1 so new threads and children are followed; or, host
 * wide, pid -1 for every task or a cgroup's fd with PERF_FLAG_PID_CGROUP,
 * without inherit):
 *   minor-faults, major-faults   software events, sample_period 1,
 *       IDENTIFIER|IP|TID|TIME|ADDR (+CALLCHAIN, user only; or, for
 *       DWARF call chains, +REGS_USER|STACK_USER, unwound into the same
 *       callchain field while the records are decoded); the minor
 *       event also asks for MMAP2 (mmap + mmap_data), COMM and FORK/EXIT
 *       records; it owns CPU c's ring.
 *   exceptions:page_fault_user   (where the kernel has it) IDENTIFIER|
 *       TID|TIME|RAW: address, ip and the x86 error code at fault entry.
 *   syscalls:sys_enter_mremap, sys_exit_mremap   (where the kernel has
 *       them) the same: memory mremap() moves or grows gets no MMAP record,
 *       so the recorder learns its new place from these.
 * Inherited events cannot share one ring across CPUs, so there is one
 * ring per CPU, and the other events on CPU c are redirected into it with
 * PERF_EVENT_IOC_SET_OUTPUT.  The ring wakes poll() at a watermark (half
 * the ring), not per event.  All events use CLOCK_MONOTONIC (use_clockid),
 * the clock of pfx_now_ns().
 *
 * The kernel fires the software fault events at fault completion
 * (mm_account_fault() at the end of handle_mm_fault(), only for faults
 * that succeeded and were not retried, only when regs are known: never
 * for GUP) and the tracepoint at fault entry (handle_page_fault() before
 * do_user_addr_fault()); see doc/record.md for what pairing them means.
 *
 * pfx_sampler_drain() merges the CPU rings by time and hands out decoded
 * events (fault_event.h) in time order.  pfx_perf_source (fault_source.h)
 * is this module behind the interface both fault sources share. */
#ifndef PFX_SAMPLER_H
#define PFX_SAMPLER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fault_source.h"

/* Longest user call chain kept (as the record file's limit). */
#define PFX_SAMPLER_MAX_CHAIN 128

struct pfx_sampler;

/* Open and map every event.  0 or -errno; *why (if non-NULL) then names
 * the event or step that failed, for the message at the edge. */
int pfx_sampler_open(struct pfx_sampler **s, const struct pfx_source_opts *opts,
		     char *why, size_t why_size);
/* The events in use, comma-separated (for the file header). */
const char *pfx_sampler_events(const struct pfx_sampler *s);
bool pfx_sampler_has_tracepoint(const struct pfx_sampler *s);
/* Ring fds to poll for POLLIN; returns how many were filled (<= max). */
size_t pfx_sampler_pollfds(const struct pfx_sampler *s, struct pollfd *fds, size_t max);
/* Events not yet enabled (attach) are enabled.  0 or -errno. */
int pfx_sampler_enable(struct pfx_sampler *s);
/* Deliver everything in the rings, in time order.  Returns 0, or the
 * callback's non-zero value (what follows stays in the rings). */
int pfx_sampler_drain(struct pfx_sampler *s, pfx_sample_fn fn, void *ctx);
/* Stop every event (the end of a recording that stops before its target
 * does): what the rings hold then is all there will be. */
void pfx_sampler_disable(struct pfx_sampler *s);
/* The kernel's own counts of the fault events since they were enabled:
 * every fault the events fired for, sampled or not (a sample dropped in a
 * full ring is still counted), so recorded vs counted is what was lost.
 * Inherited events add a child's count when it exits: read them after
 * the target's end.  0 or -errno. */
int pfx_sampler_counts(const struct pfx_sampler *s, uint64_t *minor, uint64_t *major);
void pfx_sampler_close(struct pfx_sampler *s);

#endif
