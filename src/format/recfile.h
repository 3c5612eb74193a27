/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfile: the pfx record file (default pfx.data), written by 'pfx record'
 * (perf or tracefs source) and read by 'pfx report' and 'pfx plot'.
 *
 * The on-disk layout (versioned, compact, delta-encoded) is documented in
 * doc/record-format.md and private to recfile.c; everything else uses the
 * decoded items below.  A file is written incrementally under a temporary
 * name and renamed into place by pfx_rec_writer_close(), so a file under
 * the final name is always complete.
 *
 * This header is the contract between record (and libpfxuffd), report
 * and plot: extend it, do not change the meaning of fields.  Readers go
 * through pfx_rec_foreach(), which holds the one policy for damaged files. */
#ifndef PFX_RECFILE_H
#define PFX_RECFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault_code.h"

enum pfx_fault_kind {
	PFX_FAULT_UNKNOWN = 0,	/* source could not tell (some tracefs cases) */
	PFX_FAULT_MINOR = 1,
	PFX_FAULT_MAJOR = 2,
};

/* Access bits (enum pfx_fault_access): fault_code.h, which decodes them
 * from the x86 page-fault error code of exceptions:page_fault_user. */

struct pfx_fault {
	uint64_t time_ns;	/* since the recording started */
	uint64_t addr;		/* faulting data address */
	uint64_t ip;		/* user instruction pointer (0 if unknown) */
	uint32_t pid;
	uint32_t tid;
	uint32_t latency_ns;	/* fault entry to completion; 0 = not measured */
	uint8_t kind;		/* enum pfx_fault_kind */
	uint8_t access;		/* enum pfx_fault_access bits */
	/* User call chain (--call-graph), innermost first; NULL/0 when not
	 * recorded.  Reader: valid until the next pfx_rec_next(). */
	uint16_t callchain_len;
	const uint64_t *callchain;
};

/* Longest call chain a file holds (longer ones are cut). */
#define PFX_REC_MAX_CALLCHAIN 128

/* A mapping that exists from time_ns on (from /proc/PID/maps at start,
 * time 0, or a later MMAP2 record). */
struct pfx_mapping {
	uint64_t time_ns;
	uint64_t start, end;	/* [start, end) */
	uint64_t pgoff;		/* file offset in bytes */
	uint32_t pid;
	uint32_t prot;		/* PROT_* */
	uint32_t flags;		/* MAP_SHARED / MAP_PRIVATE */
	const char *path;	/* "" for anonymous; "[heap]", "[stack]", "[vdso]"...
				 * valid until the next pfx_rec_next() */
};

struct pfx_thread {
	uint64_t time_ns;
	uint32_t pid, tid;
	const char *comm;	/* valid until the next pfx_rec_next() */
};

/* The cgroup a process is in (host-wide recordings, format version 3):
 * its cgroup2 path, else its v1 memory path, as 'pfx top' shows it; ""
 * when it could not be read. */
struct pfx_proc_cgroup {
	uint64_t time_ns;
	uint32_t pid;
	const char *path;	/* valid until the next pfx_rec_next() */
};

/* An address space begins (format version 4, files with
 * PFX_REC_PER_SPACE): pid forked as a new process or called execve(), so
 * the mappings known for pid before this item are no longer its own;
 * mapping items of pid follow as faults reach them. */
struct pfx_space {
	uint64_t time_ns;
	uint32_t pid;
};

/* Records or samples the kernel dropped (PERF_RECORD_LOST,
 * PERF_RECORD_LOST_SAMPLES, tracefs missed events). */
struct pfx_lost {
	uint64_t time_ns;
	uint64_t records;
	uint64_t samples;
};

enum pfx_rec_item_type {
	PFX_REC_FAULT = 1,
	PFX_REC_MAPPING,
	PFX_REC_THREAD,
	PFX_REC_LOST,
	PFX_REC_CGROUP,		/* version 3 */
	PFX_REC_SPACE,		/* version 4 */
};

struct pfx_rec_item {
	enum pfx_rec_item_type type;
	union {
		struct pfx_fault fault;
		struct pfx_mapping mapping;
		struct pfx_thread thread;
		struct pfx_lost lost;
		struct pfx_proc_cgroup cgroup;
		struct pfx_space space;
	};
};

/* Header flags: what the recording contains. */
enum pfx_rec_flags {
	PFX_REC_HAS_ERROR_CODE = 1 << 0,	/* access bits recorded */
	PFX_REC_HAS_LATENCY = 1 << 1,
	PFX_REC_HAS_CALLCHAIN = 1 << 2,
	/* Every task of the host, or of cgroups (record -a/-G): many
	 * processes, each with its own mappings (fault and mapping pids tell
	 * address spaces apart), and cgroup items.  Written as version 3. */
	PFX_REC_HOST_WIDE = 1 << 3,
	/* Each process's mappings apart, though the file is of one target:
	 * children forked or exec'ed by it have their own (fault and mapping
	 * pids tell them apart; SPACE items say when one begins).  Written
	 * as version 4, as is every host-wide file since. */
	PFX_REC_PER_SPACE = 1 << 4,
	/* With HAS_LATENCY: each fault's entry was the page-faults software
	 * event (--entry sw; no error code), not exceptions:page_fault_user.
	 * Files without it (all before it) took the tracepoint, or, without
	 * HAS_LATENCY, no entry at all.  No version change: readers ignore
	 * flags they do not know. */
	PFX_REC_ENTRY_SW = 1 << 5,
	/* A flight recorder's dump (record --flight): the file holds the
	 * last seconds before the dump, not the whole recording; its totals
	 * and duration are of that window, and the mappings, threads and
	 * cgroups from before it are at time 0.  No version change. */
	PFX_REC_FLIGHT = 1 << 6,
	/* With HAS_LATENCY: 1 in latency_sample faults was timed (record
	 * --latency-sample N: the entry event sampled with period N); every
	 * fault is still in the file.  The header's latency_sample field
	 * follows the events string.  No version change, as ENTRY_SW. */
	PFX_REC_LATENCY_SAMPLED = 1 << 7,
};


struct pfx_rec_header {
	uint32_t version;		/* filled in by the writer */
	uint32_t page_size;
	uint32_t flags;			/* enum pfx_rec_flags */
	uint64_t start_realtime_ns;	/* wall clock at start */
	char kernel[128];		/* uname -r */
	char command[512];		/* target command line or "pid N" */
	char source[16];		/* "perf", "tracefs" or "uffd" */
	char events[256];		/* events used, comma-separated */
	uint32_t latency_sample;	/* PFX_REC_LATENCY_SAMPLED: 1 in this many
					 * faults timed (else 0) */
};

/* Where the file's latencies come from ("page-faults -> minor/major-faults"
 * ...), or "none": for the report's "Latency from" (older files: by their
 * HAS_LATENCY flag and source). */
const char *pfx_rec_latency_from(const struct pfx_rec_header *h);

/* Is every process's address space apart in this file? */
static inline bool pfx_rec_per_space(const struct pfx_rec_header *h)
{
	return h->flags & (PFX_REC_HOST_WIDE | PFX_REC_PER_SPACE);
}

/* Written by pfx_rec_writer_close(); read by pfx_rec_reader_totals(). */
struct pfx_rec_totals {
	uint64_t faults;
	uint64_t minor;
	uint64_t major;
	uint64_t lost_records;
	uint64_t lost_samples;
	uint64_t duration_ns;
	/* The kernel's own count of the sampled fault events (version 2,
	 * perf source): faults - counted is what never reached the file. */
	bool has_counted;
	uint64_t counted_minor, counted_major;
};

struct pfx_rec_writer;
struct pfx_rec_reader;

/* named: path is what the user gave (pfx_outfile_open: an existing device
 * or FIFO there is written in place); else a name pfx chose
 * (pfx_outfile_create: always a new file renamed over the name). */
int pfx_rec_writer_open(struct pfx_rec_writer **w, const char *path,
			const struct pfx_rec_header *header, bool named);
int pfx_rec_write(struct pfx_rec_writer *w, const struct pfx_rec_item *item);
/* Finish the file (totals, end marker) and move it into place.  0 or -errno. */
int pfx_rec_writer_close(struct pfx_rec_writer *w, const struct pfx_rec_totals *totals);
/* Give up: remove the temporary file. */
void pfx_rec_writer_abort(struct pfx_rec_writer *w);
/* Bytes written so far (for bytes-per-fault figures). */
uint64_t pfx_rec_writer_bytes(const struct pfx_rec_writer *w);

/* Open a record file.  0, -errno from the OS, or: -EPROTO not a pfx
 * record file, -EPROTONOSUPPORT a newer format version, -ENODATA the file
 * ends inside the header, -EBADMSG the header is corrupted. */
int pfx_rec_reader_open(struct pfx_rec_reader **r, const char *path);
/* Read from memory (the fuzz harness); data must outlive the reader. */
int pfx_rec_reader_open_mem(struct pfx_rec_reader **r, const void *data, size_t size);
const struct pfx_rec_header *pfx_rec_reader_header(const struct pfx_rec_reader *r);
/* Next item: 1 = *item filled, 0 = clean end of file, -ENODATA = the file
 * ends early (truncated: totals unknown), -EBADMSG = corrupted data.
 * After an error, the items already returned are valid. */
int pfx_rec_next(struct pfx_rec_reader *r, struct pfx_rec_item *item);
/* How a pass over a file ended (pfx_rec_foreach). */
struct pfx_rec_end {
	/* 0: the file was read up to its END item and totals holds its
	 * totals.  Else why reading stopped early (-ENODATA truncated,
	 * -EBADMSG corrupted, or an I/O error); offset is the byte it stopped
	 * at, and the items before it were all delivered. */
	int error;
	uint64_t offset;
	struct pfx_rec_totals totals;
};

/* Called for each item; 0 goes on, a negative -errno stops the pass. */
typedef int pfx_rec_item_fn(void *ctx, const struct pfx_rec_item *item);

/* The one reading loop of every reader (report, its exports and --dump,
 * plot): each item of r, in file order, to fn.  The one policy for a
 * damaged file: a truncated or corrupted file is no error here, what is
 * readable is delivered and *end says where and why it stopped, so every
 * caller shows the readable part with a warning.  Returns 0, fn's error,
 * or -ENOMEM (the reader could not go on: not the file's fault). */
int pfx_rec_foreach(struct pfx_rec_reader *r, pfx_rec_item_fn *fn, void *ctx,
		    struct pfx_rec_end *end);
/* Totals from the end of a complete file (after pfx_rec_next() returned 0). */
int pfx_rec_reader_totals(const struct pfx_rec_reader *r, struct pfx_rec_totals *totals);
void pfx_rec_reader_close(struct pfx_rec_reader *r);
/* Bytes of the file consumed so far (for error messages: "at byte N"). */
uint64_t pfx_rec_reader_offset(const struct pfx_rec_reader *r);
/* Rewrite the header and block checksums of a file image in place, so a
 * fuzzer's mutations reach the item decoder instead of the CRC check. */
void pfx_rec_fix_checksums(void *data, size_t size);
/* A short explanation of a reader error code, for messages at the edge. */
const char *pfx_rec_strerror(int err);

#endif
