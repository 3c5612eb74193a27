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
#include <string.h>

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

/* The per-record steps below are inline: a recording runs them for
 * every sample.  Records are 8-byte aligned (header.size a multiple of
 * 8), so a header, or a u64 field at an 8-byte offset, never straddles
 * the end of the data area. */

/* How far ahead of the reader to prefetch: a few 48-72 byte samples. */
#define PFX_RING_PREFETCH 512

/* The out-of-line cases: the current record wraps round the end (copied
 * into the bounce buffer); a u64 at a position that wraps. */
const struct perf_event_header *pfx_ring_peek_wrapped(struct pfx_ring *r);
uint64_t pfx_ring_u64_wrapped(const struct pfx_ring *r, uint64_t pos);

/* The next record of this round (contiguous), or NULL when none is left
 * (or the ring holds a malformed header, which would be a kernel bug). */
static inline const struct perf_event_header *pfx_ring_peek(struct pfx_ring *r)
{
	uint64_t avail = r->head - r->tail;
	uint64_t off = r->tail & (r->size - 1);
	const struct perf_event_header *h;

	if (avail < sizeof(*h))
		return NULL;
	/* The kernel wrote these lines on another CPU: ask for the ones a
	 * few records ahead now, so reading them does not wait (a no-op
	 * past the head; the data area is mapped whole). */
	__builtin_prefetch(r->data + ((off + PFX_RING_PREFETCH) & (r->size - 1)));
	h = (const struct perf_event_header *)(r->data + off);
	if (h->size < sizeof(*h) || h->size > avail)
		return NULL;
	return off + h->size <= r->size ? h : pfx_ring_peek_wrapped(r);
}

/* A look ahead, which leaves the current record where it is: the
 * header of the record that follows the one pfx_ring_peek() returned (in
 * this round), in place, and its ring position in *pos; NULL when the
 * round holds no whole record there.  Its fields are read with
 * pfx_ring_u64(): in place, no copy (the record may wrap). */
static inline const struct perf_event_header *pfx_ring_next(const struct pfx_ring *r, uint64_t *pos)
{
	uint64_t mask = r->size - 1, p;
	const struct perf_event_header *next;

	if (r->head - r->tail < sizeof(*next))
		return NULL;
	p = r->tail + ((const struct perf_event_header *)(r->data + (r->tail & mask)))->size;
	if (p < r->tail + sizeof(*next) || p > r->head || r->head - p < sizeof(*next))
		return NULL;
	next = (const struct perf_event_header *)(r->data + (p & mask));
	if (next->size < sizeof(*next) || next->size > r->head - p)
		return NULL;
	*pos = p;
	return next;
}

/* The 8 bytes at ring position pos, as a u64. */
static inline uint64_t pfx_ring_u64(const struct pfx_ring *r, uint64_t pos)
{
	uint64_t off = pos & (r->size - 1), v;

	if (r->size - off < sizeof(v))
		return pfx_ring_u64_wrapped(r, pos);
	memcpy(&v, r->data + off, sizeof(v));
	return v;
}

/* Step over the record pfx_ring_peek() returned. */
static inline void pfx_ring_advance(struct pfx_ring *r)
{
	r->tail += ((const struct perf_event_header *)(r->data + (r->tail & (r->size - 1))))->size;
}

/* Give the bytes read so far back to the kernel. */
void pfx_ring_end(struct pfx_ring *r);

#endif
