/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flightrec: serve's flight recorder in a thread; see flightrec.h. */
#include "config.h"
#include "flightrec.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A request's states: none asked (or its answer never collected: its
 * client went away), asked and not written yet, answered. */
enum { IDLE, ASKED, ANSWERED };

struct pfx_flightrec {
	struct pfx_flightrec_opts opts;
	struct pfx_session *s;
	pthread_t thread;
	bool started;
	_Atomic int dump_request;	/* the session's (session.h) */
	_Atomic int stop_request;
	_Atomic int state;
	atomic_bool ended;
	struct pfx_flightrec_answer answer;	/* written before state ANSWERED */
	int err;			/* the run's, written before ended */
	struct pfx_session_reason why;
};

/* The session's on_dump: the caller's first, then a request's answer. */
static void on_dump(void *ctx, const char *path, const char *why,
		    const struct pfx_flight_dump_info *info, int err)
{
	struct pfx_flightrec *f = ctx;

	if (f->opts.on_dump)
		f->opts.on_dump(f->opts.on_dump_ctx, path, why, info, err);
	if (strcmp(why, "request") != 0 || atomic_load(&f->state) != ASKED)
		return;
	f->answer.err = err;
	snprintf(f->answer.path, sizeof(f->answer.path), "%s", path);
	if (info)
		f->answer.info = *info;
	atomic_store(&f->state, ANSWERED);
}

static void *run(void *arg)
{
	struct pfx_flightrec *f = arg;
	int err = pfx_session_run(f->s, &f->why);

	if (!err)
		err = pfx_session_finish(f->s, &f->why);
	f->err = err;
	atomic_store(&f->ended, true);
	return NULL;
}

int pfx_flightrec_start(struct pfx_flightrec **out, const struct pfx_flightrec_opts *opts,
			struct pfx_session_reason *why)
{
	struct pfx_flightrec *f = calloc(1, sizeof(*f));
	struct pfx_session_opts so;
	int err;

	memset(why, 0, sizeof(*why));
	if (!f)
		return -ENOMEM;
	f->opts = *opts;
	so = (struct pfx_session_opts){
		.output = opts->output, .host_wide = true, .cgroups = opts->cgroups,
		.source = PFX_SOURCE_PERF, .entry = PFX_ENTRY_AUTO, .ring_pages = opts->ring_pages,
		.flight = opts->flight, .on_dump = on_dump, .on_dump_ctx = f,
		.dump_request = &f->dump_request, .stop_request = &f->stop_request,
	};
	err = pfx_session_open(&f->s, &so, why);
	if (!err) {
		err = -pthread_create(&f->thread, NULL, run, f);
		f->started = !err;
	}
	if (err) {
		pfx_session_close(f->s);
		free(f);
		return err;
	}
	*out = f;
	return 0;
}

int pfx_flightrec_request(struct pfx_flightrec *f)
{
	if (atomic_load(&f->ended))
		return -EPIPE;
	if (atomic_load(&f->state) == ASKED)
		return -EBUSY;
	memset(&f->answer, 0, sizeof(f->answer));
	atomic_store(&f->state, ASKED);
	atomic_store(&f->dump_request, 1);
	return 0;
}

int pfx_flightrec_poll(struct pfx_flightrec *f, struct pfx_flightrec_answer *a)
{
	int state = atomic_load(&f->state);

	if (state == ASKED && atomic_load(&f->ended)) {
		/* the recording stopped before it wrote the dump (or just
		 * after: then the state is ANSWERED now) */
		if (atomic_load(&f->state) == ASKED) {
			memset(a, 0, sizeof(*a));
			a->err = f->err ? f->err : -EPIPE;
			atomic_store(&f->state, IDLE);
			return 1;
		}
		state = ANSWERED;
	}
	if (state != ANSWERED)
		return 0;
	*a = f->answer;
	atomic_store(&f->state, IDLE);
	return 1;
}

bool pfx_flightrec_ended(struct pfx_flightrec *f, int *err, struct pfx_session_reason *why)
{
	if (!atomic_load(&f->ended))
		return false;
	*err = f->err;
	*why = f->why;
	return true;
}

void pfx_flightrec_stop(struct pfx_flightrec *f)
{
	if (!f)
		return;
	atomic_store(&f->stop_request, 1);
	if (f->started)
		pthread_join(f->thread, NULL);
	pfx_session_close(f->s);
	free(f);
}
