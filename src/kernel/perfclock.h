/* SPDX-License-Identifier: GPL-2.0-or-later */
/* perfclock: which clock stamped a perf sample, and that time on
 * CLOCK_MONOTONIC, the one time base of a recording.
 *
 * The kernel ABI detail this module exists for (kernel/events/core.c, seen
 * on 6.18): one software event or tracepoint hit fills ONE struct
 * perf_sample_data and hands it to every perf event attached there, and
 * perf_prepare_sample() skips the PERF_SAMPLE_ID_ALL fields an earlier
 * event already filled (data->sample_flags).  So when another tracer (perf
 * record -p, perf trace --pf) has its own minor-faults event on the same
 * task, pfx's sample of that fault may carry the time in the OTHER event's
 * clock (attr.use_clockid/clockid: perf's default local_clock, or what
 * `perf record -k` chose), whatever pfx asked for.  Side-band records
 * (MMAP2, COMM, FORK, LOST) are stamped per event and stay in pfx's clock.
 *
 * So pfx's events use perf's default clock, which the other tracers use
 * unless told otherwise (then a shared stamp is right as it is), and this
 * module (1) measures perf's clock against CLOCK_MONOTONIC (an MMAP record
 * of a mapping pfx makes itself, bracketed by clock_gettime), so every
 * time is converted to CLOCK_MONOTONIC, and (2) knows the offsets of the
 * other clocks an event can ask for, so a stamp that cannot be in pfx's
 * clock (before the record the ring holds ahead of it, or in the future)
 * is placed by the clock it must have come from. */
#ifndef PFX_PERFCLOCK_H
#define PFX_PERFCLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* The clocks a perf event can stamp with, as offsets from
 * CLOCK_MONOTONIC (clock - monotonic, ns) at one moment. */
enum pfx_clock_id {
	PFX_CLOCK_PERF,		/* perf's default: local_clock() */
	PFX_CLOCK_MONOTONIC,
	PFX_CLOCK_MONOTONIC_RAW,
	PFX_CLOCK_BOOTTIME,
	PFX_CLOCK_REALTIME,
	PFX_CLOCK_TAI,
	PFX_CLOCK_COUNT
};

struct pfx_perfclock {
	int fd;				/* a dummy event on pfx itself: its MMAP records */
	void *ring;			/* struct pfx_ring */
	int64_t off[PFX_CLOCK_COUNT];	/* clock - CLOCK_MONOTONIC */
	uint64_t error_ns;		/* half the bracket of the perf offset */
	uint64_t at;			/* CLOCK_MONOTONIC of the last calibration */
};

/* Open and calibrate once.  0 or -errno (perf denied: the caller's events
 * would be denied too). */
int pfx_perfclock_open(struct pfx_perfclock *pc);
/* Measure the offsets again (local_clock and CLOCK_MONOTONIC drift apart
 * while NTP slews the latter).  0 or -errno; the old offsets stay on error. */
int pfx_perfclock_calibrate(struct pfx_perfclock *pc);
void pfx_perfclock_close(struct pfx_perfclock *pc);

/* A stamp in perf's clock on CLOCK_MONOTONIC. */
static inline uint64_t pfx_perfclock_mono(const struct pfx_perfclock *pc, uint64_t t)
{
	return t - (uint64_t)pc->off[PFX_CLOCK_PERF];
}

/* A sample's stamp t on CLOCK_MONOTONIC, knowing its true time lies in
 * [lo, hi] (CLOCK_MONOTONIC; lo 0: not known): in perf's clock if that
 * fits, else in the first other clock that does.  *foreign tells that
 * another clock was found; when none fits, t is taken as perf's. */
uint64_t pfx_perfclock_place(const struct pfx_perfclock *pc, uint64_t t, uint64_t lo,
			     uint64_t hi, bool *foreign);

#endif
