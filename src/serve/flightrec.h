/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flightrec: the flight recorder of 'pfx serve --flight SECONDS': a
 * host-wide (or -G) record session (session.h) with the flight recorder
 * (flight.h), run in a thread of its own as profile.h's recordings are,
 * so the server's loop goes on answering /metrics.  Its dumps go to
 * output.1, output.2 ... (the first name not taken) on a trigger, on
 * SIGUSR1 and on POST /flight: the server asks (pfx_flightrec_request),
 * the session's thread dumps at its next drain (never beside it), and the
 * server polls for the answer.  One asked dump at a time.  Errors are
 * -errno. */
#ifndef PFX_FLIGHTREC_H
#define PFX_FLIGHTREC_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

struct pfx_flightrec_opts {
	const char *cgroups;			/* -G's "CG[,CG...]", or NULL: the host */
	const struct pfx_flight_opts *flight;
	const char *output;			/* dumps: output.N */
	size_t ring_pages;			/* per CPU ring */
	/* every dump (trigger, SIGUSR1, request), told on the session's
	 * thread, as session.h's on_dump */
	void (*on_dump)(void *ctx, const char *path, const char *why,
			const struct pfx_flight_dump_info *info, int err);
	void *on_dump_ctx;
};

/* The answer to a request. */
struct pfx_flightrec_answer {
	int err;				/* 0: written; else -errno */
	char path[4096];			/* the file (also when writing it failed) */
	struct pfx_flight_dump_info info;	/* with err 0 */
};

struct pfx_flightrec;

/* Open the session on the caller's thread (so a failure is known at
 * once: *why says where, as for pfx record), then run it in a thread.
 * 0 or -errno. */
int pfx_flightrec_start(struct pfx_flightrec **out, const struct pfx_flightrec_opts *opts,
			struct pfx_session_reason *why);
/* Ask for a dump.  0, -EBUSY (one asked is being written), or -EPIPE
 * (the recording stopped: pfx_flightrec_ended says why). */
int pfx_flightrec_request(struct pfx_flightrec *f);
/* 1: the dump asked for is done (*a filled); 0: not yet. */
int pfx_flightrec_poll(struct pfx_flightrec *f, struct pfx_flightrec_answer *a);
/* Has the recording stopped?  *err, *why: its failure (err 0: none). */
bool pfx_flightrec_ended(struct pfx_flightrec *f, int *err, struct pfx_session_reason *why);
/* End the recording (no dump) and wait for its thread.  f may be NULL. */
void pfx_flightrec_stop(struct pfx_flightrec *f);

#endif
