/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ring: perf mmap ring reading; the ABI rules are in ring.h, and the
 * per-record steps there too (inline: they run for every sample). */
#include "config.h"
#include "ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

const struct perf_event_header *pfx_ring_peek_wrapped(struct pfx_ring *r)
{
	uint64_t off = r->tail & (r->size - 1), first = r->size - off;
	const struct perf_event_header *h = (const struct perf_event_header *)(r->data + off);

	memcpy(r->bounce, r->data + off, first);
	memcpy(r->bounce + first, r->data, h->size - first);
	return (const struct perf_event_header *)r->bounce;
}

uint64_t pfx_ring_u64_wrapped(const struct pfx_ring *r, uint64_t pos)
{
	uint64_t off = pos & (r->size - 1), first = r->size - off, v;

	memcpy(&v, r->data + off, first);
	memcpy((uint8_t *)&v + first, r->data, sizeof(v) - first);
	return v;
}

void pfx_ring_end(struct pfx_ring *r)
{
	__atomic_store_n(&r->meta->data_tail, r->tail, __ATOMIC_RELEASE);
}
