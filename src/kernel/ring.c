/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ring: perf mmap ring reading; the ABI rules are in ring.h. */
#include "config.h"
#include "ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* How far ahead of the reader to prefetch: a few 48-72 byte samples. */
#define PFX_RING_PREFETCH 512

int pfx_ring_map(struct pfx_ring *r, int fd, size_t data_pages)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	if (data_pages == 0 || (data_pages & (data_pages - 1)))
		return -EINVAL;
	r->map_size = (data_pages + 1) * page;
	r->base = mmap(NULL, r->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r->base == MAP_FAILED) {
		int err = -errno;

		r->base = NULL;
		return err;
	}
	r->meta = r->base;
	r->data = (uint8_t *)r->base + page;
	r->size = (uint64_t)data_pages * page;
	/* Kernels since 4.1 say where the data area is; trust them. */
	if (r->meta->data_size && r->meta->data_offset) {
		r->data = (uint8_t *)r->base + r->meta->data_offset;
		r->size = r->meta->data_size;
	}
	/* A record is at most 64 KiB (header.size is u16). */
	r->bounce = malloc(65536);
	if (!r->bounce) {
		munmap(r->base, r->map_size);
		r->base = NULL;
		return -ENOMEM;
	}
	r->tail = r->head = __atomic_load_n(&r->meta->data_tail, __ATOMIC_RELAXED);
	return 0;
}

void pfx_ring_unmap(struct pfx_ring *r)
{
	if (r->base)
		munmap(r->base, r->map_size);
	free(r->bounce);
	r->base = NULL;
	r->bounce = NULL;
}

uint64_t pfx_ring_begin(struct pfx_ring *r)
{
	r->head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	return r->head - r->tail;
}

const struct perf_event_header *pfx_ring_peek(struct pfx_ring *r)
{
	uint64_t avail = r->head - r->tail;
	uint64_t off = r->tail & (r->size - 1);
	const struct perf_event_header *h;
	uint64_t first;

	if (avail < sizeof(*h))
		return NULL;
	/* The kernel wrote these lines on another CPU: ask for the ones a
	 * few records ahead now, so reading them does not wait (a no-op
	 * past the head; the data area is mapped whole). */
	__builtin_prefetch(r->data + ((off + PFX_RING_PREFETCH) & (r->size - 1)));
	/* Headers are 8 bytes at 8-byte offsets: never split. */
	h = (const struct perf_event_header *)(r->data + off);
	if (h->size < sizeof(*h) || h->size > avail)
		return NULL;
	if (off + h->size <= r->size)
		return h;
	first = r->size - off;
	memcpy(r->bounce, r->data + off, first);
	memcpy(r->bounce + first, r->data, h->size - first);
	return (const struct perf_event_header *)r->bounce;
}

/* Copy len bytes at ring position pos (wrapping). */
static void copy_out(const struct pfx_ring *r, uint64_t pos, void *buf, size_t len)
{
	uint64_t off = pos & (r->size - 1), first = r->size - off;

	if (len <= first) {
		memcpy(buf, r->data + off, len);
	} else {
		memcpy(buf, r->data + off, first);
		memcpy((uint8_t *)buf + first, r->data, len - first);
	}
}

int pfx_ring_read_next(const struct pfx_ring *r, size_t off, void *buf, size_t len)
{
	uint64_t mask = r->size - 1, pos;
	const struct perf_event_header *next;

	/* Headers are 8 bytes at 8-byte offsets: never split, read in place. */
	if (r->head - r->tail < sizeof(*next))
		return -ENODATA;
	pos = r->tail + ((const struct perf_event_header *)(r->data + (r->tail & mask)))->size;
	if (pos < r->tail + sizeof(*next) || pos > r->head || r->head - pos < sizeof(*next))
		return -ENODATA;
	next = (const struct perf_event_header *)(r->data + (pos & mask));
	if (next->size < sizeof(*next) || next->size > r->head - pos || off + len > next->size)
		return -ENODATA;
	copy_out(r, pos + off, buf, len);
	return 0;
}

void pfx_ring_advance(struct pfx_ring *r)
{
	const struct perf_event_header *h =
		(const struct perf_event_header *)(r->data + (r->tail & (r->size - 1)));

	r->tail += h->size;
}

void pfx_ring_end(struct pfx_ring *r)
{
	__atomic_store_n(&r->meta->data_tail, r->tail, __ATOMIC_RELEASE);
}
