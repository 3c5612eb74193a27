/* SPDX-License-Identifier: GPL-2.0-or-later */
/* perf_records: the records the kernel writes into a perf mmap ring, as
 * pfx configures its events (src/sampler.c), documented in one place.
 * Source of truth: include/uapi/linux/perf_event.h (enum perf_event_type)
 * and kernel/events/core.c (perf_output_sample, perf_event__output_id_sample).
 *
 * Every record starts with struct perf_event_header.  All fields are u64
 * aligned; record sizes are multiples of 8.
 *
 * PERF_RECORD_SAMPLE fields appear in this fixed order, each only if its
 * PERF_SAMPLE_* bit is set in attr.sample_type:
 *   IDENTIFIER u64 | IP u64 | TID u32 pid, u32 tid | TIME u64 | ADDR u64 |
 *   ID u64 | STREAM_ID u64 | CPU u32 cpu, u32 res | PERIOD u64 | READ ... |
 *   CALLCHAIN u64 nr, u64 ips[nr] | RAW u32 size, u8 data[size] | ...
 * pfx sets only IDENTIFIER, IP, TID, TIME, ADDR, CALLCHAIN (fault events)
 * and IDENTIFIER, TID, TIME, RAW (the tracepoint).  IDENTIFIER first lets
 * one parser tell the events apart before knowing their layout; for an
 * inherited event it is the id of the event pfx opened (primary_event_id),
 * so threads and children report the ids pfx knows.
 *
 * Non-sample records carry, with attr.sample_id_all, a trailer
 * (struct sample_id) at their end: TID, TIME, ID, STREAM_ID, CPU,
 * IDENTIFIER, each present as in sample_type.  Only the fault event that
 * asks for mmap/comm/task records produces them, so the trailer layout
 * is that event's: {pid, tid}, time, identifier.
 *
 * Call chains hold context markers (PERF_CONTEXT_USER, ...: values at or
 * above PERF_CONTEXT_MAX as unsigned) between the addresses. */
#ifndef PFX_PERF_RECORDS_H
#define PFX_PERF_RECORDS_H

#include <linux/perf_event.h>
#include <stdint.h>

/* The trailer pfx's sample_type produces on non-sample records. */
struct pfx_perf_sample_id {
	uint32_t pid, tid;
	uint64_t time;
	uint64_t identifier;
};

/* PERF_RECORD_MMAP2 (attr.mmap2 with mmap/mmap_data): a new mapping.
 * filename is NUL-padded to 8 bytes and followed by the sample_id trailer.
 * Anonymous mappings are named "//anon"; the brk area "[heap]". */
struct pfx_perf_mmap2 {
	struct perf_event_header header;
	uint32_t pid, tid;
	uint64_t addr, len, pgoff;
	union {
		struct {
			uint32_t maj, min;
			uint64_t ino, ino_generation;
		};
		struct {	/* with PERF_RECORD_MISC_MMAP_BUILD_ID */
			uint8_t build_id_size, reserved1;
			uint16_t reserved2;
			uint8_t build_id[20];
		};
	};
	uint32_t prot, flags;
	char filename[];
};

/* PERF_RECORD_COMM (attr.comm): a thread's name changed (exec, prctl). */
struct pfx_perf_comm {
	struct perf_event_header header;
	uint32_t pid, tid;
	char comm[];	/* NUL-padded, then sample_id */
};

/* PERF_RECORD_FORK / PERF_RECORD_EXIT (attr.task). */
struct pfx_perf_task {
	struct perf_event_header header;
	uint32_t pid, ppid, tid, ptid;
	uint64_t time;
};

/* PERF_RECORD_LOST: the ring was full; 'lost' records were dropped. */
struct pfx_perf_lost {
	struct perf_event_header header;
	uint64_t id;
	uint64_t lost;
};

/* PERF_RECORD_LOST_SAMPLES: samples dropped before reaching the ring. */
struct pfx_perf_lost_samples {
	struct perf_event_header header;
	uint64_t lost;
};

/* The fault events' sample (IDENTIFIER|IP|TID|TIME|ADDR), before an
 * optional call chain. */
struct pfx_perf_fault_sample {
	struct perf_event_header header;
	uint64_t identifier;
	uint64_t ip;
	uint32_t pid, tid;
	uint64_t time;
	uint64_t addr;
	/* with CALLCHAIN: uint64_t nr; uint64_t ips[nr]; */
	/* with REGS_USER: uint64_t abi; uint64_t regs[popcount(mask)] (when abi != 0) */
	/* with STACK_USER: uint64_t size; uint8_t data[size]; uint64_t dyn_size (when size != 0) */
};

/* The tracepoint sample (IDENTIFIER|TID|TIME|RAW). */
struct pfx_perf_raw_sample {
	struct perf_event_header header;
	uint64_t identifier;
	uint32_t pid, tid;
	uint64_t time;
	uint32_t raw_size;
	uint8_t raw[];	/* the tracepoint record, fields per its tracefs format */
};

#endif
