/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault_source: what a fault source implements, as counter_backend.h is
 * for counting: the perf sampler (sampler.h, pfx_perf_source) and the
 * tracefs fallback (tracefs_src.h, pfx_tracefs_source).  Both hand out
 * the same events (fault_event.h) through drain(callback, ctx), so 'pfx
 * record' feeds either to the recorder's one entry point.  The caller
 * owns the choice of source and the messages; a source only delivers. */
#ifndef PFX_FAULT_SOURCE_H
#define PFX_FAULT_SOURCE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fault_event.h"

/* Where a fault's entry is seen, to pair with its completion (latency):
 * none (0: no entry events), the tracepoint where the kernel has it else
 * the page-faults software event (auto), only the tracepoint (x86: also
 * the error code, so read/write/exec), or only page-faults (every
 * architecture; no error code).  doc/record.md, "Latency". */
enum pfx_entry_source {
	PFX_ENTRY_NONE = 0,
	PFX_ENTRY_AUTO,
	PFX_ENTRY_TRACEPOINT,
	PFX_ENTRY_SW,
};

struct pfx_source_opts {
	pid_t pid;		/* the target process */
	const pid_t *tids;	/* attach: its threads (NULL: pid with inherit only) */
	size_t ntids;
	bool enable_on_exec;	/* launched target held before exec */
	bool callchain;		/* --call-graph: user stacks (perf) */
	uint32_t dwarf_stack;	/* --call-graph=dwarf: bytes of user stack copied per
				 * fault and unwound with unwind.h (0: frame pointers) */
	enum pfx_entry_source entry;	/* fault entries (perf) */
	uint32_t entry_period;	/* sample 1 in this many entries (0, 1: every one;
				 * --latency-sample): faults timed */
	size_t ring_pages;	/* data pages per CPU ring, a power of two (perf) */
	/* Host wide (record -a/-G, perf only): every task (no cgroup fds) or
	 * the tasks of these cgroups (fds of their perf_event directories);
	 * pid, tids and enable_on_exec are then unused. */
	bool host_wide;
	const int *cgroup_fds;
	size_t ncgroups;
};

/* What the events of a source carry besides faults. */
enum pfx_source_caps {
	PFX_SOURCE_ACCESS = 1 << 0,	/* read/write/exec from the error code */
	PFX_SOURCE_LATENCY = 1 << 1,	/* fault entries to pair with completions */
	PFX_SOURCE_CALLCHAIN = 1 << 2,	/* user call chains */
	PFX_SOURCE_ENTRY_SW = 1 << 3,	/* LATENCY from page-faults, not the tracepoint */
};

struct pfx_source_ops {
	const char *name;	/* "perf", "tracefs" (the record file's header) */
	/* Open (not yet enabled, unless the source cannot wait: tracefs).
	 * 0 or -errno; *why then names the event or step that failed. */
	int (*open)(void **state, const struct pfx_source_opts *opts, char *why, size_t why_size);
	/* fds to poll for POLLIN (none: poll on a timer); how many filled. */
	size_t (*pollfds)(const void *state, struct pollfd *fds, size_t max);
	/* Start what open did not.  0 or -errno. */
	int (*enable)(void *state);
	/* Deliver what the kernel has, in time order.  0, or fn's non-zero
	 * value (fault_event.h), or -errno. */
	int (*drain)(void *state, pfx_sample_fn fn, void *ctx);
	/* Optional (NULL): stop every event, so a last drain takes all;
	 * enable() starts them again (perf; pfx serve's timing windows). */
	void (*disable)(void *state);
	/* Optional (NULL): the kernel's own counts of the fault events. */
	int (*counts)(const void *state, uint64_t *minor, uint64_t *major);
	/* Optional (NULL): samples stamped in another tracer's clock (an
	 * event of its on the same task shares the kernel's sample data:
	 * perfclock.h) and placed back on the recording's clock. */
	uint64_t (*restamped)(const void *state);
	/* The events in use, comma-separated; enum pfx_source_caps bits. */
	const char *(*events)(const void *state);
	unsigned (*caps)(const void *state);
	void (*close)(void *state);
	/* Why the source cannot be used here, open having failed with err
	 * for opts (NULL: unknown), and what to do: a constant string, or
	 * buf filled. */
	const char *(*hint)(int err, const struct pfx_source_opts *opts, char *buf, size_t size);
	/* Optional (NULL): events the kernel dropped so far and no drain
	 * reported as LOST records (tracefs: its ring's missed events). */
	uint64_t (*lost)(const void *state);
	/* Optional (NULL): where the events gather, to describe it (tracefs:
	 * the instance's name). */
	const char *(*where)(const void *state);
	/* Optional (NULL), no state: end what a pfx killed before its close
	 * left behind (tracefs: instances still tracing), never setting
	 * anything up (no mount).  *removed gets how many.  0 or -errno. */
	int (*clean_stale)(unsigned *removed);
};

/* The registry's entries (sampler.c, tracefs_src.c); others than
 * fault_source.c look them up by name. */
extern const struct pfx_source_ops pfx_perf_source;
extern const struct pfx_source_ops pfx_tracefs_source;

/* The source named name ("perf", "tracefs"), or NULL. */
const struct pfx_source_ops *pfx_source_find(const char *name);
/* Every source's clean_stale, for every pfx start that may trace and for
 * 'pfx list'.  *removed (may be NULL) gets the total.  0 or the first
 * -errno (the other sources are cleaned all the same). */
int pfx_source_clean_stale(unsigned *removed);

#endif
