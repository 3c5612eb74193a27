/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recorder: turns a fault source's events (fault_event.h, perf or
 * tracefs alike) into record-file items.
 *
 *  - Latency without BPF or kprobes: the exceptions:page_fault_user
 *    sample (fault entry) of a thread is remembered until the same
 *    thread's next minor/major sample (fault completion) at the same page;
 *    their time difference is the fault's latency and the entry's error
 *    code gives the access bits.  See doc/record.md for the limits.
 *  - Mappings: a /proc/PID/maps snapshot at time 0, then MMAP2 records
 *    with their times ("//anon" is stored as "").
 *  - Threads: COMM records, and FORK (named after their process).
 *  - Totals: every fault and every lost record/sample is counted. */
#ifndef PFX_RECORDER_H
#define PFX_RECORDER_H

#include <stdint.h>
#include <sys/types.h>

#include "recfile.h"
#include "fault_event.h"

struct pfx_procprobe;

struct pfx_recorder_stats {
	uint64_t faults, minor, major;
	uint64_t lost_records, lost_samples;
	uint64_t entries;		/* fault-entry samples */
	uint64_t paired;		/* faults with a latency */
	uint64_t unpaired_entries;	/* entries with no completion (failed/retried faults) */
	uint64_t mappings, threads;
	uint64_t rereads;		/* /proc/PID/maps read again for a fault outside every known mapping */
	uint64_t remaps;		/* mappings placed from mremap() returns */
	uint64_t gone_processes;	/* ... of a process already gone: its faults stay unattributed */
	uint64_t throttles;		/* PERF_RECORD_THROTTLE: sampling stopped for a tick */
};

struct pfx_recorder;

/* Create the file (named: as pfx_rec_writer_open).  t0 is the CLOCK_MONOTONIC time the recording started;
 * item times are stored relative to it.  0 or -errno. */
int pfx_recorder_open(struct pfx_recorder **r, const char *path, bool named,
		      const struct pfx_rec_header *header, uint64_t t0);
/* The same, asking probe (procprobe.h) instead of /proc and the clock:
 * tests/test-recorder.c.  probe must outlive the recorder. */
int pfx_recorder_open_probe(struct pfx_recorder **r, const char *path, bool named,
			    const struct pfx_rec_header *header, uint64_t t0,
			    const struct pfx_procprobe *probe);
/* The same, its items handed to a flight recorder (flight.h) instead of
 * a file: pfx_recorder_finish() then writes nothing, and the flight
 * recorder, which must outlive the recorder, is the caller's. */
struct pfx_flight;
int pfx_recorder_open_flight(struct pfx_recorder **r, struct pfx_flight *flight,
			     const struct pfx_rec_header *header, uint64_t t0);
/* The one entry point, a pfx_sample_fn: hand it to a fault source's
 * drain (fault_source.h).  Returns non-zero (a -errno) when the file
 * cannot be written. */
int pfx_recorder_sample(const struct pfx_sample_event *ev, void *recorder);
/* Store pid's mappings from /proc: the first call (with the threads) as
 * existing from time 0, later calls only what changed, at the current
 * time (the tracefs source has no MMAP2 records).  0 or -errno. */
int pfx_recorder_snapshot(struct pfx_recorder *r, pid_t pid);
const struct pfx_recorder_stats *pfx_recorder_stats(const struct pfx_recorder *r);
uint64_t pfx_recorder_bytes(const struct pfx_recorder *r);
/* Store these minor/major totals instead of the recorded faults' (the
 * tracefs source, whose per-fault kinds are inferred, passes the exact
 * counts from /proc). */
void pfx_recorder_set_exact_totals(struct pfx_recorder *r, uint64_t minor, uint64_t major);
/* The fault events' own counts (pfx_sampler_counts), stored with the
 * totals: what the kernel counted against what reached the file. */
void pfx_recorder_set_counted(struct pfx_recorder *r, uint64_t minor, uint64_t major);
/* Write the totals and move the file into place.  0 or -errno. */
int pfx_recorder_finish(struct pfx_recorder *r, uint64_t end_time);
/* Drop the file (nothing is left under its name). */
void pfx_recorder_abort(struct pfx_recorder *r);

#endif
