/* SPDX-License-Identifier: GPL-2.0-or-later */
/* flight: the flight recorder's ring, its state outside the ring, its
 * triggers and its dump; see flight.h. */
#include "config.h"
#include "flight.h"
#include "mapknown.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS 1000000000ull
/* A slot of the ring that is no file item: a process exited (pfx_flight_exit). */
#define SLOT_EXIT 0x7e

/* One item in the ring: this head, then its tail (a fault's call chain;
 * a mapping's pgoff then path; a thread's comm; a cgroup's path), the
 * whole rounded up to 8 bytes.  A size of 0 marks the end of the used
 * part of the buffer: the next item is at its start. */
struct slot {
	uint32_t size;
	uint8_t type, kind, access, pad;
	uint32_t pid, tid;
	uint32_t u32a;		/* fault: latency; mapping: prot */
	uint32_t u32b;		/* fault: call chain length; mapping: flags */
	uint64_t time;
	uint64_t a, b;		/* fault: addr, ip; mapping: start, end; lost: records, samples */
};

/* A thread's latest name. */
struct thread_name {
	char comm[16];
};

/* One key's (a cgroup's or a process's) sums over the current second. */
struct second_sums {
	uint64_t stall_ns, major_ns, majors;
};

struct pfx_flight {
	struct pfx_flight_opts opts;
	struct pfx_rec_header header;
	uint64_t t0, window_ns;
	bool host;
	/* the ring: items from head to tail, n of them */
	uint8_t *buf;
	size_t cap, head, tail, n, bytes;
	uint64_t newest;	/* the newest item's time */
	uint64_t dropped_until;	/* the newest time of a dropped item */
	bool dropped_by_size;	/* ... and it was dropped for room */
	/* the state outside the ring: mappings as the dropped items left
	 * them, and (from every item) the threads' names and cgroups */
	struct pfx_mapknown gone;
	struct pfx_u64map threads;	/* pid << 32 | tid -> struct thread_name */
	struct pfx_u64map cgroup_of;	/* pid -> index + 1 into cgroups */
	char **cgroups;
	size_t ncgroups;
	/* the trigger: sums of the second that began at second * NS */
	struct pfx_u64map sums;		/* key (cgroup index or pid) -> struct second_sums */
	uint64_t second;
	bool armed;			/* a trigger fired, its dump is due at due_at */
	uint64_t due_at, quiet_until;	/* times since t0 */
	char what[256];
	struct pfx_flight_stats stats;
	int err;			/* store()'s */
};

static const char *const metric_names[] = {
	[PFX_FLIGHT_MAJOR_STALL] = "major-stall",
	[PFX_FLIGHT_STALL] = "stall",
	[PFX_FLIGHT_MAJOR_RATE] = "major-rate",
};

const char *pfx_flight_metric_name(enum pfx_flight_metric m)
{
	return m > PFX_FLIGHT_NONE && m <= PFX_FLIGHT_MAJOR_RATE ? metric_names[m] : "none";
}

int pfx_flight_trigger_parse(const char *s, struct pfx_flight_trigger *t)
{
	const char *gt = s ? strchr(s, '>') : NULL;

	if (!gt)
		return -EINVAL;
	for (int m = PFX_FLIGHT_MAJOR_STALL; m <= PFX_FLIGHT_MAJOR_RATE; m++) {
		size_t len = strlen(metric_names[m]);

		if ((size_t)(gt - s) == len && strncmp(s, metric_names[m], len) == 0) {
			/* a plain decimal: no exponent, no hex float */
			if (gt[1 + strspn(gt + 1, "0123456789.")] || pfx_parse_seconds(gt + 1, &t->threshold) < 0)
				return -EINVAL;
			t->metric = (enum pfx_flight_metric)m;
			return 0;
		}
	}
	return -EINVAL;
}

int pfx_flight_open(struct pfx_flight **fp, const struct pfx_flight_opts *opts,
		    const struct pfx_rec_header *header, uint64_t t0)
{
	struct pfx_flight *f;
	int err;

	*fp = NULL;
	if (opts->seconds <= 0 || opts->max_bytes < 4096 ||
	    (opts->trigger.metric != PFX_FLIGHT_NONE && opts->trigger.metric != PFX_FLIGHT_MAJOR_RATE &&
	     !(header->flags & PFX_REC_HAS_LATENCY)))
		return -EINVAL;
	if (!(f = calloc(1, sizeof(*f))))
		return -ENOMEM;
	f->opts = *opts;
	f->header = *header;
	f->t0 = t0;
	f->window_ns = (uint64_t)(opts->seconds * 1e9);
	f->host = header->flags & PFX_REC_HOST_WIDE;
	f->cap = (size_t)(opts->max_bytes & ~7ull);
	/* Untouched pages of the buffer take no memory: it fills as the ring does. */
	f->buf = malloc(f->cap);
	err = f->buf ? pfx_mapknown_init(&f->gone) : -ENOMEM;
	if (!err)
		err = pfx_u64map_init(&f->threads, sizeof(struct thread_name));
	if (!err)
		err = pfx_u64map_init(&f->cgroup_of, sizeof(uint32_t));
	if (!err)
		err = pfx_u64map_init(&f->sums, sizeof(struct second_sums));
	if (err) {
		pfx_flight_close(f);
		return err;
	}
	*fp = f;
	return 0;
}

void pfx_flight_close(struct pfx_flight *f)
{
	if (!f)
		return;
	free(f->buf);
	pfx_mapknown_free(&f->gone);
	pfx_u64map_free(&f->threads);
	pfx_u64map_free(&f->cgroup_of);
	pfx_u64map_free(&f->sums);
	for (size_t i = 0; i < f->ncgroups; i++)
		free(f->cgroups[i]);
	free(f->cgroups);
	free(f);
}

const struct pfx_flight_stats *pfx_flight_stats(const struct pfx_flight *f)
{
	return &f->stats;
}

static struct slot *at(const struct pfx_flight *f, size_t off)
{
	return (struct slot *)(void *)(f->buf + off);
}

/* The oldest item, or NULL; head moved past an end mark. */
static struct slot *oldest(struct pfx_flight *f)
{
	if (!f->n)
		return NULL;
	if (f->head + sizeof(uint32_t) > f->cap || at(f, f->head)->size == 0)
		f->head = 0;
	return at(f, f->head);
}

/* Drop the oldest item: what it said of mappings stays known. */
static int drop_oldest(struct pfx_flight *f, bool for_room)
{
	struct slot *s = oldest(f);
	struct pfx_mapknown_proc *p;
	int err = 0;

	if (s->type == PFX_REC_MAPPING || s->type == PFX_REC_SPACE || s->type == SLOT_EXIT) {
		if (!(p = pfx_mapknown_proc(&f->gone, s->pid)))
			return -ENOMEM;
		if (s->type == SLOT_EXIT)
			pfx_mapknown_release(p);
		else if (s->type == PFX_REC_SPACE)
			pfx_mapknown_clear(p);
		else
			err = pfx_mapknown_insert(p, s->a, s->b, *(uint64_t *)(void *)(s + 1), s->u32b,
						  s->u32a, (const char *)(s + 1) + 8);
	}
	if (s->time >= f->dropped_until) {
		f->dropped_until = s->time;
		f->dropped_by_size = for_room;
	}
	if (for_room)
		f->stats.dropped_size++;
	else
		f->stats.dropped_time++;
	f->head += s->size;
	f->bytes -= s->size;
	if (--f->n == 0)
		f->head = f->tail = 0;
	return err;
}

/* Room for need bytes at tail, dropping the oldest items as needed. */
static int make_room(struct pfx_flight *f, size_t need)
{
	int err;

	for (;;) {
		oldest(f);	/* head past an end mark */
		if (f->n == 0 || f->tail > f->head) {
			/* free: [tail, cap) and [0, head) */
			if (f->cap - f->tail >= need)
				return 0;
			if (f->head >= need) {
				if (f->cap - f->tail >= sizeof(uint32_t))
					at(f, f->tail)->size = 0;
				f->tail = 0;
				return 0;
			}
		} else if (f->head - f->tail >= need) {
			return 0;	/* free: [tail, head) */
		}
		if ((err = drop_oldest(f, true)) < 0)
			return err;
	}
}

/* Remember the latest name of a thread and cgroup of a process. */
static int note_state(struct pfx_flight *f, const struct pfx_rec_item *it)
{
	bool is_new;

	if (it->type == PFX_REC_THREAD) {
		struct thread_name *t = pfx_u64map_upsert(&f->threads, (uint64_t)it->thread.pid << 32 |
							  it->thread.tid, &is_new);

		if (!t)
			return -ENOMEM;
		snprintf(t->comm, sizeof(t->comm), "%s", it->thread.comm);
	} else if (it->type == PFX_REC_CGROUP) {
		uint32_t *idx = pfx_u64map_upsert(&f->cgroup_of, it->cgroup.pid, &is_new);
		size_t i;

		if (!idx)
			return -ENOMEM;
		for (i = 0; i < f->ncgroups && strcmp(f->cgroups[i], it->cgroup.path); i++)
			;
		if (i == f->ncgroups) {
			char **grown = realloc(f->cgroups, (i + 1) * sizeof(*grown));

			if (!grown)
				return -ENOMEM;
			f->cgroups = grown;
			if (!(grown[i] = strdup(it->cgroup.path)))
				return -ENOMEM;
			f->ncgroups++;
		}
		*idx = (uint32_t)i + 1;
	}
	return 0;
}

static uint32_t cgroup_index(struct pfx_flight *f, uint32_t pid)
{
	bool is_new;
	uint32_t *idx = pfx_u64map_upsert(&f->cgroup_of, pid, &is_new);

	return idx ? *idx : 0;
}

static double metric_of(const struct pfx_flight *f, const struct second_sums *s)
{
	switch (f->opts.trigger.metric) {
	case PFX_FLIGHT_MAJOR_STALL:
		return (double)s->major_ns / 1e9;
	case PFX_FLIGHT_STALL:
		return (double)s->stall_ns / 1e9;
	case PFX_FLIGHT_MAJOR_RATE:
		return (double)s->majors;
	default:
		return 0;
	}
}

/* The second that began at f->second ended: did any key cross the
 * threshold?  Then arm the dump (unless one is armed or held off). */
static int close_second(struct pfx_flight *f)
{
	size_t i = 0;
	uint64_t key, end = (f->second + 1) * NS;
	void *v;
	double worst = 0;
	uint64_t worst_key = 0;
	bool fired = false;

	while (pfx_u64map_next(&f->sums, &i, &key, &v)) {
		double m = metric_of(f, v);

		if (m > f->opts.trigger.threshold && m > worst) {
			worst = m;
			worst_key = key;
			fired = true;
		}
	}
	if (fired && !f->armed && end >= f->quiet_until) {
		int n = snprintf(f->what, sizeof(f->what), "%s %.3g > %g ",
				 pfx_flight_metric_name(f->opts.trigger.metric), worst,
				 f->opts.trigger.threshold);

		if (f->host)
			snprintf(f->what + n, sizeof(f->what) - (size_t)n, "in cgroup %s",
				 worst_key ? f->cgroups[worst_key - 1] : "(unknown)");
		else
			snprintf(f->what + n, sizeof(f->what) - (size_t)n, "in pid %llu",
				 (unsigned long long)worst_key);
		f->armed = true;
		f->due_at = end + (uint64_t)(f->opts.post_s * 1e9);
		f->stats.triggers++;
	}
	pfx_u64map_free(&f->sums);
	return pfx_u64map_init(&f->sums, sizeof(struct second_sums));
}

static int count_fault(struct pfx_flight *f, const struct pfx_fault *fa)
{
	struct second_sums *s;
	bool is_new;
	int err;

	if (f->opts.trigger.metric == PFX_FLIGHT_NONE)
		return 0;
	if (fa->time_ns / NS > f->second) {
		if ((err = close_second(f)) < 0)
			return err;
		f->second = fa->time_ns / NS;
	}
	if (fa->time_ns / NS < f->second)
		return 0;	/* a late sample of a closed second */
	s = pfx_u64map_upsert(&f->sums, f->host ? cgroup_index(f, fa->pid) : fa->pid, &is_new);
	if (!s)
		return -ENOMEM;
	s->stall_ns += fa->latency_ns;
	if (fa->kind == PFX_FAULT_MAJOR) {
		s->major_ns += fa->latency_ns;
		s->majors++;
	}
	return 0;
}

/* A slot of head h and tail bytes at the ring's tail, made room for
 * (the items too old dropped first, then the oldest as needed), its
 * head written; the caller copies the tail in.  NULL with f->err. */
static struct slot *store(struct pfx_flight *f, struct slot *h, size_t tail)
{
	size_t need = (sizeof(*h) + tail + 7) & ~(size_t)7;
	struct slot *s;

	f->err = -E2BIG;
	if (need > f->cap / 4)
		return NULL;
	if (h->time > f->newest)
		f->newest = h->time;
	/* Too old now: dropped, so the ring holds SECONDS at most. */
	while (f->n && oldest(f)->time + f->window_ns < f->newest)
		if ((f->err = drop_oldest(f, false)) < 0)
			return NULL;
	if ((f->err = make_room(f, need)) < 0)
		return NULL;
	s = at(f, f->tail);
	h->size = (uint32_t)need;
	*s = *h;
	f->tail += need;
	f->bytes += need;
	f->n++;
	f->stats.ring_bytes = f->bytes;
	f->stats.ring_items = f->n;
	return s;
}

int pfx_flight_put(struct pfx_flight *f, const struct pfx_rec_item *it)
{
	const char *str = NULL;
	size_t tail = 0;
	struct slot h = { .type = (uint8_t)it->type };
	struct slot *s;
	int err;

	switch (it->type) {
	case PFX_REC_FAULT:
		h.time = it->fault.time_ns;
		h.pid = it->fault.pid;
		h.tid = it->fault.tid;
		h.kind = it->fault.kind;
		h.access = it->fault.access;
		h.u32a = it->fault.latency_ns;
		h.u32b = it->fault.callchain_len;
		h.a = it->fault.addr;
		h.b = it->fault.ip;
		tail = (size_t)h.u32b * 8;
		break;
	case PFX_REC_MAPPING:
		h.time = it->mapping.time_ns;
		h.pid = it->mapping.pid;
		h.a = it->mapping.start;
		h.b = it->mapping.end;
		h.u32a = it->mapping.prot;
		str = it->mapping.path;
		h.u32b = it->mapping.flags;
		tail = 8 + strlen(str) + 1;
		break;
	case PFX_REC_THREAD:
		h.time = it->thread.time_ns;
		h.pid = it->thread.pid;
		h.tid = it->thread.tid;
		str = it->thread.comm;
		tail = strlen(str) + 1;
		break;
	case PFX_REC_CGROUP:
		h.time = it->cgroup.time_ns;
		h.pid = it->cgroup.pid;
		str = it->cgroup.path;
		tail = strlen(str) + 1;
		break;
	case PFX_REC_SPACE:
		h.time = it->space.time_ns;
		h.pid = it->space.pid;
		break;
	case PFX_REC_LOST:
		h.time = it->lost.time_ns;
		h.a = it->lost.records;
		h.b = it->lost.samples;
		break;
	}
	if ((err = note_state(f, it)) < 0)
		return err;
	if (it->type == PFX_REC_FAULT && (err = count_fault(f, &it->fault)) < 0)
		return err;
	if (!(s = store(f, &h, tail)))
		return f->err;
	if (it->type == PFX_REC_FAULT && h.u32b)
		memcpy(s + 1, it->fault.callchain, tail);
	if (it->type == PFX_REC_MAPPING) {
		memcpy(s + 1, &it->mapping.pgoff, 8);
		memcpy((char *)(s + 1) + 8, str, tail - 8);
	} else if (str) {
		memcpy(s + 1, str, tail);
	}
	return 0;
}

int pfx_flight_exit(struct pfx_flight *f, uint32_t pid, uint64_t time)
{
	struct slot h = { .type = SLOT_EXIT, .pid = pid, .time = time };

	return store(f, &h, 0) ? 0 : f->err;
}

bool pfx_flight_due(struct pfx_flight *f, uint64_t now, char *what, size_t size)
{
	uint64_t rel = now > f->t0 ? now - f->t0 : 0;

	/* A second with no fault after it is closed by the clock (samples
	 * come up to a drain late: a half second's grace). */
	if (f->opts.trigger.metric != PFX_FLIGHT_NONE && rel >= (f->second + 1) * NS + NS / 2) {
		if (close_second(f) < 0)
			return false;
		f->second = rel / NS;
	}
	if (!f->armed || rel < f->due_at)
		return false;
	f->armed = false;
	f->quiet_until = rel + (uint64_t)(f->opts.holdoff_s * 1e9);
	snprintf(what, size, "%s", f->what);
	return true;
}

/* The dump's item of slot s, its time moved to the window's start. */
static void item_of(const struct slot *s, uint64_t from, struct pfx_rec_item *it)
{
	uint64_t t = s->time > from ? s->time - from : 0;
	const char *str = (const char *)(s + 1);

	memset(it, 0, sizeof(*it));
	it->type = s->type;
	switch (s->type) {
	case PFX_REC_FAULT:
		it->fault = (struct pfx_fault){ .time_ns = t, .addr = s->a, .ip = s->b, .pid = s->pid,
			.tid = s->tid, .latency_ns = s->u32a, .kind = s->kind, .access = s->access,
			.callchain_len = (uint16_t)s->u32b,
			.callchain = s->u32b ? (const uint64_t *)(const void *)(s + 1) : NULL };
		break;
	case PFX_REC_MAPPING:
		it->mapping = (struct pfx_mapping){ .time_ns = t, .start = s->a, .end = s->b,
			.pid = s->pid, .prot = s->u32a, .flags = s->u32b, .path = str + 8 };
		memcpy(&it->mapping.pgoff, str, 8);
		break;
	case PFX_REC_THREAD:
		it->thread = (struct pfx_thread){ .time_ns = t, .pid = s->pid, .tid = s->tid, .comm = str };
		break;
	case PFX_REC_CGROUP:
		it->cgroup = (struct pfx_proc_cgroup){ .time_ns = t, .pid = s->pid, .path = str };
		break;
	case PFX_REC_SPACE:
		it->space = (struct pfx_space){ .time_ns = t, .pid = s->pid };
		break;
	case PFX_REC_LOST:
		it->lost = (struct pfx_lost){ .time_ns = t, .records = s->a, .samples = s->b };
		break;
	}
}

/* Visit the ring's items, oldest first: 0 or fn's error. */
static int each_slot(const struct pfx_flight *f, int (*fn)(void *, const struct slot *), void *ctx)
{
	size_t off = f->head;
	int err;

	for (size_t i = 0; i < f->n; i++) {
		if (off + sizeof(uint32_t) > f->cap || at(f, off)->size == 0)
			off = 0;
		if ((err = fn(ctx, at(f, off))) < 0)
			return err;
		off += at(f, off)->size;
	}
	return 0;
}

struct dump_ctx {
	struct pfx_flight *f;
	struct pfx_rec_writer *w;
	struct pfx_u64map pids;		/* pids with a fault in the window */
	uint64_t from;
	struct pfx_rec_totals totals;
	uint64_t state_items;
};

static int mark_pid(void *ctx, const struct slot *s)
{
	struct dump_ctx *d = ctx;
	bool is_new;

	if (s->type != PFX_REC_FAULT || s->time < d->from)
		return 0;
	return pfx_u64map_upsert(&d->pids, s->pid, &is_new) ? 0 : -ENOMEM;
}

static int write_slot(void *ctx, const struct slot *s)
{
	struct dump_ctx *d = ctx;
	struct pfx_rec_item it;

	/* before the window: only what it says of the processes */
	if (s->type == SLOT_EXIT || (s->time < d->from && (s->type == PFX_REC_FAULT || s->type == PFX_REC_LOST)))
		return 0;
	item_of(s, d->from, &it);
	if (s->type == PFX_REC_FAULT) {
		d->totals.faults++;
		if (s->kind == PFX_FAULT_MAJOR)
			d->totals.major++;
		else
			d->totals.minor++;
	} else if (s->type == PFX_REC_LOST) {
		d->totals.lost_records += s->a;
		d->totals.lost_samples += s->b;
	}
	return pfx_rec_write(d->w, &it);
}

/* The state a process's faults need, at time 0 of the dump: its cgroup,
 * its threads' names, the mappings the dropped items left. */
static int write_state(struct dump_ctx *d, uint32_t pid)
{
	struct pfx_flight *f = d->f;
	struct pfx_rec_item it = { .type = PFX_REC_CGROUP };
	uint32_t cg = f->host ? cgroup_index(f, pid) : 0;
	struct pfx_mapknown_proc *p;
	size_t i = 0;
	uint64_t key;
	void *v;
	int err = 0;

	if (cg) {
		it.cgroup = (struct pfx_proc_cgroup){ .pid = pid, .path = f->cgroups[cg - 1] };
		err = pfx_rec_write(d->w, &it);
		d->state_items++;
	}
	while (!err && pfx_u64map_next(&f->threads, &i, &key, &v)) {
		if (key >> 32 != pid)
			continue;
		it.type = PFX_REC_THREAD;
		it.thread = (struct pfx_thread){ .pid = pid, .tid = (uint32_t)key,
						 .comm = ((struct thread_name *)v)->comm };
		err = pfx_rec_write(d->w, &it);
		d->state_items++;
	}
	p = pfx_mapknown_proc(&f->gone, pid);
	if (!p)
		return -ENOMEM;
	for (size_t m = 0; m < p->n && !err; m++) {
		it.type = PFX_REC_MAPPING;
		it.mapping = (struct pfx_mapping){ .pid = pid, .start = p->v[m].start, .end = p->v[m].end,
			.pgoff = p->v[m].pgoff, .prot = p->v[m].prot, .flags = p->v[m].flags,
			.path = p->v[m].path };
		err = pfx_rec_write(d->w, &it);
		d->state_items++;
	}
	return err;
}

int pfx_flight_dump(struct pfx_flight *f, const char *path, uint64_t now,
		    struct pfx_flight_dump_info *info)
{
	struct dump_ctx d = { .f = f };
	struct pfx_rec_header h = f->header;
	uint64_t rel = now > f->t0 ? now - f->t0 : 0, end = rel > f->newest ? rel : f->newest;
	size_t i = 0;
	uint64_t pid;
	void *v;
	bool cut;
	int err;

	/* The window: SECONDS before now, or less where items were dropped. */
	while (f->n && oldest(f)->time + f->window_ns < end)
		if ((err = drop_oldest(f, false)) < 0)
			return err;
	d.from = end > f->window_ns ? end - f->window_ns : 0;
	cut = f->dropped_by_size && f->dropped_until > d.from;
	if (cut)
		d.from = f->dropped_until;
	h.flags |= PFX_REC_FLIGHT;
	h.start_realtime_ns += d.from;
	if ((err = pfx_u64map_init(&d.pids, 1)) < 0)
		return err;
	err = each_slot(f, mark_pid, &d);
	if (!err)
		err = pfx_rec_writer_open(&d.w, path, &h, false);
	while (!err && pfx_u64map_next(&d.pids, &i, &pid, &v))
		err = write_state(&d, (uint32_t)pid);
	if (!err)
		err = each_slot(f, write_slot, &d);
	d.totals.duration_ns = end - d.from;
	if (d.w && err)
		pfx_rec_writer_abort(d.w);
	else if (d.w)
		err = pfx_rec_writer_close(d.w, &d.totals);
	pfx_u64map_free(&d.pids);
	if (err)
		return err;
	f->stats.dumps++;
	if (info)
		*info = (struct pfx_flight_dump_info){ .faults = d.totals.faults, .minor = d.totals.minor,
			.major = d.totals.major, .window_ns = d.totals.duration_ns,
			.cut_by_size = cut,
			.state_items = d.state_items };
	return 0;
}
