/* SPDX-License-Identifier: GPL-2.0-or-later */
/* perfclock: perf's clock against CLOCK_MONOTONIC; see perfclock.h. */
#include "config.h"
#include "perfclock.h"
#include "perf.h"
#include "perf_records.h"
#include "ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static uint64_t now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int pfx_perfclock_open(struct pfx_perfclock *pc)
{
	struct perf_event_attr a;
	struct pfx_ring *r;
	int err;

	memset(pc, 0, sizeof(*pc));
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_DUMMY;
	a.sample_id_all = 1;
	a.sample_type = PERF_SAMPLE_TIME;	/* the trailer is the time alone */
	a.mmap = 1;
	a.mmap_data = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.disabled = 1;			/* on only while calibrating */
	pc->fd = pfx_perf_open(&a, 0, -1, -1, 0);
	if (pc->fd < 0)
		return pc->fd;
	r = calloc(1, sizeof(*r));
	if (!r) {
		close(pc->fd);
		return -ENOMEM;
	}
	err = pfx_ring_map(r, pc->fd, 1);
	if (err) {
		free(r);
		close(pc->fd);
		return err;
	}
	pc->ring = r;
	err = pfx_perfclock_calibrate(pc);
	if (err)
		pfx_perfclock_close(pc);
	return err;
}

/* One probe: the perf-clock time of an mmap() bracketed by two
 * CLOCK_MONOTONIC reads.  0 or -errno. */
static int probe(struct pfx_perfclock *pc, uint64_t *perf_t, uint64_t *t0, uint64_t *t1)
{
	struct pfx_ring *r = pc->ring;
	const struct perf_event_header *h;
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	int found = -EAGAIN;

	*t0 = now(CLOCK_MONOTONIC);
	p = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*t1 = now(CLOCK_MONOTONIC);
	if (p == MAP_FAILED)
		return -errno;
	pfx_ring_begin(r);
	while ((h = pfx_ring_peek(r))) {
		/* { header; u32 pid, tid; u64 addr, len, pgoff; char name[];
		 *   u64 time (the sample_id trailer, PERF_SAMPLE_TIME alone) } */
		if (h->type == PERF_RECORD_MMAP && h->size >= sizeof(*h) + 8 + 24 + 8) {
			uint64_t addr;

			memcpy(&addr, (const uint8_t *)h + sizeof(*h) + 8, 8);
			if (addr == (uint64_t)(uintptr_t)p) {
				memcpy(perf_t, (const uint8_t *)h + h->size - 8, 8);
				found = 0;
			}
		}
		pfx_ring_advance(r);
	}
	pfx_ring_end(r);
	munmap(p, (size_t)page);
	return found;
}

int pfx_perfclock_calibrate(struct pfx_perfclock *pc)
{
	static const clockid_t ids[PFX_CLOCK_COUNT] = {
		[PFX_CLOCK_MONOTONIC_RAW] = CLOCK_MONOTONIC_RAW,
		[PFX_CLOCK_BOOTTIME] = CLOCK_BOOTTIME,
		[PFX_CLOCK_REALTIME] = CLOCK_REALTIME,
		[PFX_CLOCK_TAI] = CLOCK_TAI,
	};
	uint64_t best = UINT64_MAX, perf_t = 0, t0, t1;
	int64_t off = 0;
	int err = -EAGAIN;

	if (ioctl(pc->fd, PERF_EVENT_IOC_ENABLE, 0) < 0)
		return -errno;
	/* The tightest of three brackets (a preemption widens one). */
	for (int i = 0; i < 3; i++) {
		if (probe(pc, &perf_t, &t0, &t1))
			continue;
		if (t1 - t0 < best) {
			best = t1 - t0;
			off = (int64_t)(perf_t - (t0 + (t1 - t0) / 2));
			err = 0;
		}
	}
	ioctl(pc->fd, PERF_EVENT_IOC_DISABLE, 0);
	if (err)
		return err;
	pc->off[PFX_CLOCK_PERF] = off;
	pc->error_ns = best / 2;
	pc->off[PFX_CLOCK_MONOTONIC] = 0;
	for (int k = PFX_CLOCK_MONOTONIC_RAW; k < PFX_CLOCK_COUNT; k++) {
		uint64_t m0 = now(CLOCK_MONOTONIC), c = now(ids[k]), m1 = now(CLOCK_MONOTONIC);

		pc->off[k] = (int64_t)(c - (m0 + (m1 - m0) / 2));
	}
	pc->at = now(CLOCK_MONOTONIC);
	return 0;
}

void pfx_perfclock_close(struct pfx_perfclock *pc)
{
	if (pc->ring) {
		pfx_ring_unmap(pc->ring);
		free(pc->ring);
		pc->ring = NULL;
	}
	if (pc->fd > 0)
		close(pc->fd);
	pc->fd = -1;
}

uint64_t pfx_perfclock_place(const struct pfx_perfclock *pc, uint64_t t, uint64_t lo,
			     uint64_t hi, bool *foreign)
{
	uint64_t own = t - (uint64_t)pc->off[PFX_CLOCK_PERF];

	*foreign = false;
	if (own >= lo && own <= hi)
		return own;
	for (int k = PFX_CLOCK_MONOTONIC; k < PFX_CLOCK_COUNT; k++) {
		uint64_t m = t - (uint64_t)pc->off[k];

		if (m >= lo && m <= hi && (int64_t)t - pc->off[k] >= 0) {
			*foreign = true;
			return m;
		}
	}
	return own;
}
