/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ring: reading a perf mmap ring buffer.  This is the one place the ring
 * ABI is handled (include/uapi/linux/perf_event.h, struct
 * perf_event_mmap_page; kernel/events/ring_buffer.c):
 *
 *  - The mapping is 1 metadata page + 2^n data pages, mapped PROT_WRITE so
 *    the kernel knows the reader moves data_tail (the kernel then never
 *    overwrites unread data; when full it drops records and later writes
 *    PERF_RECORD_LOST).
 *  - data_head is written by the kernel; the reader loads it with acquire
 *    ordering (smp_load_acquire) so the record bytes it covers are visible.
 *  - data_tail is written by the reader with release ordering
 *    (smp_store_release) after it is done with the bytes, so the kernel
 *    never reuses space still being read.
 *  - head and tail are free-running byte counters; offsets in the data
 *    area are (counter & (size - 1)).  A record may straddle the end of
 *    the data area: it is copied into a bounce buffer so callers always
 *    see contiguous records.
 *
 * A round is: pfx_ring_begin() (snapshot head), pfx_ring_peek()/
 * pfx_ring_advance() over the records up to that snapshot, then
 * pfx_ring_end() (publish tail). */
#ifndef PFX_RING_H
#define PFX_RING_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

struct pfx_ring {
	int fd;				/* the perf event the ring belongs to */
	void *base;			/* metadata page + data */
	size_t map_size;
	struct perf_event_mmap_page *meta;
	uint8_t *data;
	uint64_t size;			/* data area bytes, a power of two */
	uint64_t head;			/* snapshot of data_head for this round */
	uint64_t tail;			/* read position */
	uint8_t *bounce;		/* holds a record that wraps around */
};

/* Map fd's ring with data_pages (a power of two) data pages.  0 or -errno
 * (-EPERM: over the locked-memory limit, see perf_event_mlock_kb). */
int pfx_ring_map(struct pfx_ring *r, int fd, size_t data_pages);
void pfx_ring_unmap(struct pfx_ring *r);

/* Start a round: bytes available to read. */
uint64_t pfx_ring_begin(struct pfx_ring *r);
/* The next record of this round (contiguous), or NULL when none is left
 * (or the ring holds a malformed header, which would be a kernel bug). */
const struct perf_event_header *pfx_ring_peek(struct pfx_ring *r);
/* Copy len bytes at offset off of the record that follows the one
 * pfx_ring_peek() returned (in this round) into buf, without moving:
 * a look ahead, which leaves the current record where it is.  0, or
 * -ENODATA when the round holds no such record or it is shorter. */
int pfx_ring_read_next(const struct pfx_ring *r, size_t off, void *buf, size_t len);
/* Step over the record pfx_ring_peek() returned. */
void pfx_ring_advance(struct pfx_ring *r);
/* Give the bytes read so far back to the kernel. */
void pfx_ring_end(struct pfx_ring *r);

#endif
