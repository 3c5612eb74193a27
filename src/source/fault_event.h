/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault_event: what every fault source hands out (fault_source.h), the
 * perf sampler and the tracefs fallback alike, decoded once from the
 * kernel's records: faults, fault entries, mappings, tasks, losses.  The
 * recorder turns them into record-file items; 'pfx stat' counts them. */
#ifndef PFX_FAULT_EVENT_H
#define PFX_FAULT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

enum pfx_sample_type {
	PFX_SAMPLE_FAULT,	/* minor or major fault completed (tracefs: entered) */
	PFX_SAMPLE_FAULT_ENTRY,	/* page_fault_user or page-faults: a fault began */
	PFX_SAMPLE_MMAP,
	PFX_SAMPLE_COMM,
	PFX_SAMPLE_FORK,
	PFX_SAMPLE_EXIT,
	PFX_SAMPLE_MREMAP_ENTER,	/* mremap(addr, len = old_len, pgoff = new_len) called */
	PFX_SAMPLE_MREMAP_EXIT,		/* ... returned addr (an error: >= -4095) */
	PFX_SAMPLE_LOST,	/* PERF_RECORD_LOST: ring full */
	PFX_SAMPLE_LOST_SAMPLES,	/* PERF_RECORD_LOST_SAMPLES; tracefs missed events */
	PFX_SAMPLE_THROTTLE,	/* PERF_RECORD_THROTTLE: the kernel stopped sampling an
				 * event for the rest of a tick (too many samples):
				 * faults still counted, not sampled */
	PFX_SAMPLE_MAPS_NOW,	/* a source without MMAP records (tracefs): pid's
				 * mappings, as /proc has them now, hold the faults
				 * that follow (taken from the kernel before this) */
};

struct pfx_sample_event {
	enum pfx_sample_type type;
	uint64_t time;		/* CLOCK_MONOTONIC ns (0 if the record has none) */
	uint32_t pid, tid;
	uint64_t addr;		/* FAULT, FAULT_ENTRY, MMAP start */
	uint64_t ip;		/* FAULT, FAULT_ENTRY */
	uint64_t error_code;	/* FAULT_ENTRY; FAULT when has_error_code */
	bool has_error_code;	/* FAULT: the source saw the fault's entry (tracefs);
				 * FAULT_ENTRY: error_code is known (the tracepoint,
				 * not page-faults) */
	uint8_t major;		/* FAULT: 1 = major */
	uint16_t callchain_len;	/* FAULT with --call-graph: user frames */
	const uint64_t *callchain;
	uint64_t len, pgoff;	/* MMAP */
	uint32_t prot, flags;	/* MMAP */
	const char *name;	/* MMAP filename, COMM comm */
	uint32_t ppid;		/* FORK: parent pid */
	bool exec;		/* COMM: the comm changed at an execve() */
	uint64_t lost;		/* LOST, LOST_SAMPLES */
};

/* Called for each event of a drain: 0 goes on; non-zero stops the drain
 * and is returned by it (a -errno, or a positive "enough for now": what
 * the source still holds then stays for its next drain). */
typedef int (*pfx_sample_fn)(const struct pfx_sample_event *ev, void *ctx);

#endif
