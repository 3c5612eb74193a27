/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tp_count: system-wide counts of tracepoints, one perf counter per
 * online CPU and event (pid -1): events that happen in kernel threads
 * (khugepaged, kcompactd, NUMA balancing's task work) belong to no one
 * process a per-task counter could follow.  Counting only, no samples, so
 * nothing is read but one number per counter.
 *
 * Per-CPU counters need root, CAP_PERFMON or kernel.perf_event_paranoid
 * <= 0; the tracepoint ids need a readable tracefs. */
#ifndef PFX_TP_COUNT_H
#define PFX_TP_COUNT_H

#include "events.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pfx_tp_count;

/* Start counting ids[0..n) on every online CPU.  An event this kernel
 * lacks is left out (pfx_tp_count_has() is false for it); if none is
 * there, -ENOENT.  0 or -errno (pfx_perf_denied() for a refusal). */
int pfx_tp_count_open(const enum pfx_event_id *ids, size_t n, struct pfx_tp_count **out);
/* Is event i being counted? */
bool pfx_tp_count_has(const struct pfx_tp_count *tc, size_t i);
/* Event i's count over all CPUs since open.  0 or -errno. */
int pfx_tp_count_read(const struct pfx_tp_count *tc, size_t i, uint64_t *value);
void pfx_tp_count_close(struct pfx_tp_count *tc);

#endif
