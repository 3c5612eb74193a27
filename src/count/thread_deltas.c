/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thread_deltas: never-negative per-thread interval deltas (see the header). */
#include "config.h"
#include "thread_deltas.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { FIELDS = 3 };

static uint64_t *field(struct pfx_live_counts *c, int f)
{
	return f == 0 ? &c->faults : f == 1 ? &c->minor : &c->major;
}

static struct pfx_thread_counts *find_prev(struct thread_deltas *td, pid_t pid, pid_t tid)
{
	for (size_t i = 0; i < td->nprev; i++)
		if (td->prev[i].pid == pid && td->prev[i].tid == tid)
			return &td->prev[i];
	return NULL;
}

/* A row's entries shown ahead of the counter are taken back first; a row
 * that ends more faults than it saw enter shows their entries now.
 * Returns what the row is ahead after this interval. */
static uint64_t settle_entries(struct pfx_live_counts *d, uint64_t ahead)
{
	uint64_t take = d->faults < ahead ? d->faults : ahead;

	d->faults -= take;
	ahead -= take;
	if (d->faults < d->minor + d->major) {
		ahead += d->minor + d->major - d->faults;
		d->faults = d->minor + d->major;
	}
	return ahead;
}

int pfx_thread_deltas_next(struct thread_deltas *td, const struct pfx_thread_counts *rows, size_t n,
		       const struct thread_delta **deltas)
{
	uint64_t deficit[FIELDS] = { 0 };
	struct pfx_thread_counts *copy;
	uint64_t *ahead = calloc(n ? n : 1, sizeof(*ahead));

	if (!ahead)
		return -ENOMEM;
	if (n > td->out_cap) {
		struct thread_delta *grown = realloc(td->out, n * sizeof(*grown));

		if (!grown) {
			free(ahead);
			return -ENOMEM;
		}
		td->out = grown;
		td->out_cap = n;
	}
	/* Differences, setting aside what rows lost. */
	for (size_t i = 0; i < n; i++) {
		struct pfx_thread_counts *prev = find_prev(td, rows[i].pid, rows[i].tid);
		struct pfx_live_counts cur = rows[i].counts;
		struct thread_delta *d = &td->out[i];

		memset(d, 0, sizeof(*d));
		d->pid = rows[i].pid;
		d->tid = rows[i].tid;
		d->includes_running = rows[i].includes_running;
		d->changed = !prev || (rows[i].exited && !prev->exited);
		ahead[i] = prev && td->ahead ? td->ahead[prev - td->prev] : 0;
		for (int f = 0; f < FIELDS; f++) {
			uint64_t was = prev ? *field(&prev->counts, f) : 0, now = *field(&cur, f);

			if (now >= was)
				*field(&d->delta, f) = now - was;
			else
				deficit[f] += was - now;
		}
	}
	/* The faults went to rows that appeared or exited now: show them once. */
	for (size_t i = 0; i < n; i++) {
		struct thread_delta *d = &td->out[i];

		for (int f = 0; f < FIELDS && d->changed; f++) {
			uint64_t *v = field(&d->delta, f), take = *v < deficit[f] ? *v : deficit[f];

			*v -= take;
			deficit[f] -= take;
		}
		ahead[i] = settle_entries(&d->delta, ahead[i]);
		if (d->delta.faults || d->delta.minor || d->delta.major)
			d->changed = true;
	}
	copy = realloc(td->prev, (n ? n : 1) * sizeof(*copy));
	if (!copy) {
		free(ahead);
		return -ENOMEM;
	}
	memcpy(copy, rows, n * sizeof(*copy));
	td->prev = copy;
	td->nprev = n;
	free(td->ahead);
	td->ahead = ahead;
	*deltas = td->out;
	return 0;
}

void pfx_thread_deltas_free(struct thread_deltas *td)
{
	free(td->prev);
	free(td->ahead);
	free(td->out);
	memset(td, 0, sizeof(*td));
}
