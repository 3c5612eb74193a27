/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flight: the flight recorder of 'pfx record --flight SECONDS': the last
 * SECONDS of a recording's items in memory, written out as an ordinary
 * record file on demand (SIGUSR1, a trigger, and serve's POST /flight, serve/flightrec.h).
 *
 * The recorder hands it every item it would write (pfx_flight_put).  They
 * go into one ring of bytes, bounded twice: items older than SECONDS
 * before the newest are dropped, and so are the oldest when the ring's
 * bytes (--flight-size) are full.  What a dropped item said of the
 * processes (their mappings, SPACE resets) is kept outside the ring, per
 * process, so a dump can begin with the mappings, threads and cgroups its
 * faults need though their items were dropped long ago; then the window's
 * items in order, then totals of the window only, in a file whose header
 * has PFX_REC_FLIGHT (doc/record-format.md).
 *
 * A trigger (major-stall, stall, major-rate over one second, per cgroup
 * host-wide, else per process) is evaluated as the items arrive; the
 * owner polls pfx_flight_due() from its loop.  Nothing here blocks but
 * the dump's own writes, nothing prints. */
#ifndef PFX_FLIGHT_H
#define PFX_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recfile.h"

enum pfx_flight_metric {
	PFX_FLIGHT_NONE = 0,
	PFX_FLIGHT_MAJOR_STALL,	/* seconds in major faults per second of wall time */
	PFX_FLIGHT_STALL,	/* seconds in all faults per second */
	PFX_FLIGHT_MAJOR_RATE,	/* major faults per second */
};

struct pfx_flight_trigger {
	enum pfx_flight_metric metric;
	double threshold;	/* fires when the metric is above it */
};

struct pfx_flight_opts {
	double seconds;		/* the window */
	uint64_t max_bytes;	/* the ring's bytes */
	struct pfx_flight_trigger trigger;	/* metric NONE: no trigger */
	double post_s;		/* after a trigger, record this long before the dump */
	double holdoff_s;	/* after a trigger's dump, none for this long */
};

/* What a dump wrote. */
struct pfx_flight_dump_info {
	uint64_t faults, minor, major;
	uint64_t window_ns;		/* the span the file covers */
	bool cut_by_size;		/* the byte cap dropped faults younger than SECONDS */
	uint64_t state_items;		/* mappings, threads, cgroups from before the window */
};

/* Ring statistics, for tests and the bench. */
struct pfx_flight_stats {
	uint64_t ring_bytes;		/* bytes of items in the ring */
	uint64_t ring_items;
	uint64_t dropped_time, dropped_size;	/* items dropped for age, for room */
	uint64_t dumps, triggers;
};

struct pfx_flight;

/* "major-stall>0.05", "stall>0.2", "major-rate>100": 0, or -EINVAL. */
int pfx_flight_trigger_parse(const char *s, struct pfx_flight_trigger *t);
/* The trigger's name ("major-stall"). */
const char *pfx_flight_metric_name(enum pfx_flight_metric m);

/* header is the one every dump starts from; t0 the CLOCK_MONOTONIC time
 * item times count from.  0, -EINVAL (a window or size of 0, or a
 * stall trigger without latency in header), -ENOMEM. */
int pfx_flight_open(struct pfx_flight **f, const struct pfx_flight_opts *opts,
		    const struct pfx_rec_header *header, uint64_t t0);
/* An item as the recorder would write it (times since t0).  0, -ENOMEM,
 * -E2BIG (an item larger than the ring: not kept). */
int pfx_flight_put(struct pfx_flight *f, const struct pfx_rec_item *item);
/* Process pid exited at time (since t0): once the ring drops what came
 * before, what is kept of its mappings outside the ring is let go (a
 * host's processes come and go).  0 or -ENOMEM. */
int pfx_flight_exit(struct pfx_flight *f, uint32_t pid, uint64_t time);
/* Is a trigger's dump due at now (CLOCK_MONOTONIC)?  True once per
 * trigger, after its post time; what fired in what, into what. */
bool pfx_flight_due(struct pfx_flight *f, uint64_t now, char *what, size_t size);
/* Write the last SECONDS before now (CLOCK_MONOTONIC) to path (a new
 * file, renamed into place as pfx_rec_writer_open does).  The ring is
 * kept: a later dump may overlap this one.  0 or -errno; info may be
 * NULL.  Takes as long as writing the ring's items (the caller's poll
 * loop pauses for it). */
int pfx_flight_dump(struct pfx_flight *f, const char *path, uint64_t now,
		    struct pfx_flight_dump_info *info);
const struct pfx_flight_stats *pfx_flight_stats(const struct pfx_flight *f);
void pfx_flight_close(struct pfx_flight *f);

#endif
