/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stall: fault stall time per cgroup and process, timed in windows of a
 * host-wide perf recording; see stall.h. */
#include "config.h"
#include "stall.h"
#include "fault_source.h"
#include "hostscope.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PERIOD_NS ((uint64_t)PFX_STALL_PERIOD_MS * 1000000ull)
#define DRAIN_NS 50000000ull		/* inside a window: the rings hold this much */
#define ADAPT_NS 1000000000ull
#define CGROUP_TTL_NS 2000000000ull	/* a process's cgroup is read again after it */
#define PRUNE_NS 600000000000ull	/* processes without a fault this long are forgotten ... */
#define PRUNE_COUNT 4096		/* ... once there are this many */
#define SHARE_MIN 0.02
#define SHARE_START 0.1

const double pfx_stall_bucket_le[PFX_STALL_BUCKETS] = {
	1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3,
	2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1.0,
};

/* What one window saw of a cgroup or process, [0] minor [1] major:
 * completions, timed ones, their latencies. */
struct window {
	uint32_t seen[2], timed[2];
	uint64_t ns[2];
};

struct pid_entry {
	uint32_t cg;			/* index in cgroups[] */
	uint64_t read_ns;		/* when the cgroup was read; 0: read again */
	uint64_t last_ns;		/* its last fault */
	double stall_s[2];
	bool has_timed;
	struct window w;
};

struct pending {
	bool valid;
	uint64_t time, addr;
};

struct pfx_stall {
	const struct pfx_source_ops *ops;
	void *src;
	struct pfx_stall_opts opts;
	uint64_t page_mask;
	struct pfx_u64map pids;		/* pid -> struct pid_entry */
	struct pfx_u64map pending;	/* tid -> struct pending */
	struct pfx_stall_cgroup *cg;
	struct window *cgw;		/* each cgroup's window */
	size_t ncg, cap_cg, cap_cgw;
	/* the windows */
	bool on, folded;
	uint64_t on_ns, off_ns;		/* the last window's start and end */
	uint64_t next_start, next_drain;
	double share;
	uint64_t lost;
	/* the kernel's counts of the completions, [0] minor [1] major: at
	 * the last window's end, and in that window (records lost to a full
	 * ring are counted there, not seen) */
	uint64_t counted_at[2], counted[2];
	uint64_t now;			/* of the drain under way */
	int err;
	/* the adaptation */
	uint64_t adapt_ns;		/* the last */
	double adapt_cpu_s, drain_cpu_s, drain_cpu_at_adapt;
	uint64_t on_total_ns, on_at_adapt;
	double share_shown;
	uint64_t last_prune;
};

double pfx_stall_self_cpu_s(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void map_clear(struct pfx_u64map *m)
{
	memset(m->slots, 0, (m->mask + 1) * m->slot_size);
	m->count = 0;
}

/* -G: an fd of each cgroup's perf_event directory into fds.  0 or -errno. */
static int open_cgroups(const struct pfx_stall_opts *opts, int *fds)
{
	for (size_t i = 0; i < opts->ncgroups; i++) {
		struct pfx_cgroup cg;
		char where[256];
		int err = pfx_cgroup_resolve(opts->cgroups[i], &cg, where, sizeof(where));

		if (!err && !cg.perf_dir[0])
			err = -ENOENT;
		if (!err)
			err = fds[i] = pfx_cgroup_open_perf(&cg);
		if (err < 0)
			return err;
	}
	return 0;
}

int pfx_stall_open(struct pfx_stall **out, const struct pfx_stall_opts *opts, char *why,
		   size_t why_size, char *hint, size_t hint_size)
{
	/* The entry is page-faults, not the tracepoint: one software-event
	 * hit is stamped once for every perf event on it, a tracepoint hit
	 * once per event as each sample is written, so beside another tool
	 * (a recording) the tracepoint's stamps differ by the other's sample
	 * (~16%).  Serve needs no access kind; software events exist on
	 * every kernel with perf events, so there is nothing to fall back to. */
	struct pfx_source_opts so = { .host_wide = true, .entry = PFX_ENTRY_SW,
				      .ring_pages = opts->ring_pages };
	struct pfx_stall *s = calloc(1, sizeof(*s));
	int *cgfds, err;

	why[0] = hint[0] = '\0';
	if (!s)
		return -ENOMEM;
	s->opts = *opts;
	s->ops = pfx_source_find("perf");
	s->page_mask = ~((uint64_t)sysconf(_SC_PAGESIZE) - 1);
	s->share = s->share_shown = SHARE_START;
	err = pfx_u64map_init(&s->pids, sizeof(struct pid_entry));
	if (!err)
		err = pfx_u64map_init(&s->pending, sizeof(struct pending));
	if (err) {
		pfx_stall_close(s);
		return err;
	}
	so.cgroup_fds = cgfds = calloc(opts->ncgroups + 1, sizeof(int));
	so.ncgroups = opts->ncgroups;
	for (size_t i = 0; cgfds && i < opts->ncgroups; i++)
		cgfds[i] = -1;
	err = !cgfds ? -ENOMEM : 0;
	/* a cgroup outside the perf_event hierarchy (a v1 memory one only):
	 * every task is timed, as without -G */
	if (!err && open_cgroups(opts, cgfds) < 0)
		so.ncgroups = 0;
	if (!err)
		err = s->ops->open(&s->src, &so, why, why_size);
	/* the events hold their cgroups now */
	for (size_t i = 0; cgfds && i < opts->ncgroups; i++)
		if (cgfds[i] >= 0)
			close(cgfds[i]);
	free(cgfds);
	if (!err && !(s->ops->caps(s->src) & PFX_SOURCE_LATENCY)) {
		snprintf(why, why_size, "fault entries");
		err = -EOPNOTSUPP;
	}
	if (err) {
		const char *h = s->ops->hint(err, &so, hint, hint_size);

		if (h != hint)
			snprintf(hint, hint_size, "%s", h);
		pfx_stall_close(s);
		return err;
	}
	s->next_start = s->adapt_ns = s->last_prune = pfx_now_ns();
	s->adapt_cpu_s = pfx_stall_self_cpu_s();
	*out = s;
	return 0;
}

void pfx_stall_close(struct pfx_stall *s)
{
	if (!s)
		return;
	if (s->src)
		s->ops->close(s->src);
	pfx_u64map_free(&s->pids);
	pfx_u64map_free(&s->pending);
	free(s->cg);
	free(s->cgw);
	free(s);
}

/* The index of a cgroup, added if new; past the bound, "other". */
static int cgroup_index(struct pfx_stall *s, const char *name, uint32_t *out)
{
	for (size_t i = 0; i < s->ncg; i++) {
		if (strcmp(s->cg[i].cgroup, name) == 0) {
			*out = (uint32_t)i;
			return 0;
		}
	}
	if (s->ncg == PFX_STALL_CGROUPS_MAX - 1)
		name = "other";
	if (s->ncg == PFX_STALL_CGROUPS_MAX) {
		*out = PFX_STALL_CGROUPS_MAX - 1;
		return 0;
	}
	if (PFX_GROW(s->cg, s->cap_cg, s->ncg + 1, 16) || PFX_GROW(s->cgw, s->cap_cgw, s->ncg + 1, 16))
		return -ENOMEM;
	memset(&s->cgw[s->ncg], 0, sizeof(s->cgw[0]));
	memset(&s->cg[s->ncg], 0, sizeof(s->cg[0]));
	snprintf(s->cg[s->ncg].cgroup, sizeof(s->cg[0].cgroup), "%s", name);
	*out = (uint32_t)s->ncg++;
	return 0;
}

/* The entry of pid, or NULL: a lookup that inserts nothing (the map is
 * probed as pfx_u64map_upsert does). */
static struct pid_entry *find_pid(const struct pfx_stall *s, uint64_t pid)
{
	const struct pfx_u64map *m = &s->pids;

	for (size_t i = pfx_u64map_hash(m, pid);; i = (i + 1) & m->mask) {
		uint8_t *slot = pfx_u64map_slot(m, i);
		uint64_t k = pfx_u64map_stored(slot);

		if (k == 0)
			return NULL;
		if (k == pid + 1)
			return (struct pid_entry *)(slot + 8);
	}
}

static struct pid_entry *pid_entry(struct pfx_stall *s, uint32_t pid)
{
	bool is_new;
	struct pid_entry *p = pfx_u64map_upsert(&s->pids, pid, &is_new);

	if (!p)
		return NULL;
	if (is_new || !p->read_ns || s->now - p->read_ns > CGROUP_TTL_NS) {
		char name[sizeof(s->cg[0].cgroup)];
		uint32_t cg;

		/* gone already: its faults go to "-", as pfx top shows it */
		if (pfx_cgroup_of_pid((pid_t)pid, name, sizeof(name)) < 0)
			snprintf(name, sizeof(name), "-");
		/* a move to another cgroup ends what this window has of it
		 * there: the window's tallies stay with the old one */
		if (cgroup_index(s, name, &cg) < 0)
			return NULL;
		if (!is_new && p->cg != cg)
			memset(&p->w, 0, sizeof(p->w));
		p->cg = cg;
		p->read_ns = s->now;
	}
	return p;
}

static void timed(struct pfx_stall *s, struct pid_entry *p, int major, uint64_t lat)
{
	struct pfx_stall_cgroup *c = &s->cg[p->cg];
	double sec = (double)lat / 1e9;
	size_t b = 0;

	while (b < PFX_STALL_BUCKETS && sec > pfx_stall_bucket_le[b])
		b++;
	c->bucket[major][b]++;
	c->timed_s[major] += sec;
	c->timed[major]++;
	p->w.timed[major]++;
	p->w.ns[major] += lat;
	s->cgw[p->cg].timed[major]++;
	s->cgw[p->cg].ns[major] += lat;
}

static int on_event(const struct pfx_sample_event *ev, void *ctx)
{
	struct pfx_stall *s = ctx;
	bool is_new;

	switch (ev->type) {
	case PFX_SAMPLE_FAULT_ENTRY: {
		struct pending *e = pfx_u64map_upsert(&s->pending, ev->tid, &is_new);

		if (!e)
			return -ENOMEM;
		*e = (struct pending){ .valid = true, .time = ev->time, .addr = ev->addr };
		return 0;
	}
	case PFX_SAMPLE_FAULT: {
		struct pending *e = pfx_u64map_upsert(&s->pending, ev->tid, &is_new);
		struct pid_entry *p;
		int major = ev->major ? 1 : 0;

		if (!e)
			return -ENOMEM;
		p = pid_entry(s, ev->pid);
		if (!p)
			return -ENOMEM;
		p->last_ns = s->now;
		p->w.seen[major]++;
		s->cgw[p->cg].seen[major]++;
		if (e->valid && ((e->addr ^ ev->addr) & s->page_mask) == 0 && ev->time >= e->time)
			timed(s, p, major, ev->time - e->time);
		e->valid = false;
		return 0;
	}
	case PFX_SAMPLE_COMM:
		/* A process is most often put in its cgroup just before an
		 * execve (runc, a shell's "echo $$ >cgroup.procs; exec"):
		 * read at a fault before that, the old cgroup would keep its
		 * faults for CGROUP_TTL_NS (10% of a 20 s load). */
		if (!ev->exec)
			return 0;
		/* fall through */
	case PFX_SAMPLE_EXIT:
		if (ev->pid == ev->tid) {
			struct pid_entry *p = find_pid(s, ev->pid);

			if (p)
				p->read_ns = 0;	/* the PID may come back as another process */
		}
		return 0;
	case PFX_SAMPLE_LOST:
	case PFX_SAMPLE_LOST_SAMPLES:
		s->lost += ev->lost;
		return 0;
	default:
		return 0;
	}
}

static int drain(struct pfx_stall *s, uint64_t now)
{
	double t0 = thread_cpu_s();
	int err;

	s->now = now;
	err = s->ops->drain(s->src, on_event, s);
	s->drain_cpu_s += thread_cpu_s() - t0;
	return err < 0 ? err : 0;
}

/* One window's estimate: what was timed, scaled to the faults completed
 * and to the time from its start to the next one's. */
static double scaled(const struct window *w, int major, double span)
{
	if (!w->timed[major])
		return 0;
	return (double)w->ns[major] / 1e9 * ((double)w->seen[major] / (double)w->timed[major]) * span;
}

/* The window's completions the kernel counted, read once it is off. */
static void count_window(struct pfx_stall *s)
{
	uint64_t c[2];

	if (!s->ops->counts || s->ops->counts(s->src, &c[0], &c[1]) < 0)
		return;
	for (int major = 0; major < 2; major++) {
		s->counted[major] = c[major] >= s->counted_at[major] ? c[major] - s->counted_at[major] : 0;
		s->counted_at[major] = c[major];
	}
}

/* Records lost to a full ring (a scrape of many processes keeps serve
 * from draining on a host of many faults) are completions counted but
 * never seen: the window's faults seen, all cgroups together, scaled to
 * the kernel's count.  It assumes a stretch of lost records took each
 * cgroup's faults at its pace, as the windows assume of the time off. */
static double lost_factor(const struct pfx_stall *s, int major)
{
	uint64_t seen = 0;

	for (size_t i = 0; i < s->ncg; i++)
		seen += s->cgw[i].seen[major];
	return seen && s->counted[major] > seen ? (double)s->counted[major] / (double)seen : 1;
}

static void fold(struct pfx_stall *s, uint64_t now)
{
	uint64_t key;
	void *value;
	double span, f[2];

	if (s->folded || s->off_ns <= s->on_ns)
		return;
	span = (double)(now - s->on_ns) / (double)(s->off_ns - s->on_ns);
	for (int major = 0; major < 2; major++)
		f[major] = span * lost_factor(s, major);
	for (size_t i = 0; i < s->ncg; i++) {
		for (int major = 0; major < 2; major++)
			s->cg[i].stall_s[major] += scaled(&s->cgw[i], major, f[major]);
		memset(&s->cgw[i], 0, sizeof(s->cgw[i]));
	}
	for (size_t i = 0; pfx_u64map_next(&s->pids, &i, &key, &value);) {
		struct pid_entry *p = value;

		if (!p->w.seen[0] && !p->w.seen[1])
			continue;
		for (int major = 0; major < 2; major++)
			p->stall_s[major] += scaled(&p->w, major, f[major]);
		p->has_timed |= p->w.timed[0] || p->w.timed[1];
		memset(&p->w, 0, sizeof(p->w));
	}
	s->folded = true;
}

/* Forget processes without a fault for PRUNE_NS, once there are many
 * (the map has no deletion: a new one gets the rest). */
static int prune(struct pfx_stall *s, uint64_t now)
{
	struct pfx_u64map keep;
	uint64_t key;
	void *value;
	int err;

	s->last_prune = now;
	if (s->pids.count < PRUNE_COUNT)
		return 0;
	err = pfx_u64map_init(&keep, sizeof(struct pid_entry));
	for (size_t i = 0; !err && pfx_u64map_next(&s->pids, &i, &key, &value);) {
		const struct pid_entry *p = value;
		struct pid_entry *q;
		bool is_new;

		if (now - p->last_ns > PRUNE_NS)
			continue;
		q = pfx_u64map_upsert(&keep, key, &is_new);
		if (!q)
			err = -ENOMEM;
		else
			*q = *p;
	}
	if (err) {
		pfx_u64map_free(&keep);
		return err;
	}
	pfx_u64map_free(&s->pids);
	s->pids = keep;
	return 0;
}

/* Once a second: the share that keeps serve's CPU within the budget.
 * What the windows cost per unit of share is measured; what the rest of
 * serve spent (scrapes, /proc) is taken off the budget first. */
static void adapt(struct pfx_stall *s, uint64_t now)
{
	double wall = (double)(now - s->adapt_ns) / 1e9, cpu = pfx_stall_self_cpu_s();
	double total = (cpu - s->adapt_cpu_s) / wall, spent = (s->drain_cpu_s - s->drain_cpu_at_adapt) / wall;
	double used = (double)(s->on_total_ns - s->on_at_adapt) / 1e9 / wall, target;

	s->share_shown = used;
	if (used > 0 && spent > 0) {
		double rest = total - spent, per_share = spent / used;

		target = (s->opts.budget - (rest > 0 ? rest : 0)) / per_share;
	} else {
		target = s->share * 2;	/* nothing measured: no faults */
	}
	if (target > s->share * 2)
		target = s->share * 2;
	s->share = target < SHARE_MIN ? SHARE_MIN : target > 1 ? 1 : target;
	s->adapt_ns = now;
	s->adapt_cpu_s = cpu;
	s->drain_cpu_at_adapt = s->drain_cpu_s;
	s->on_at_adapt = s->on_total_ns;
}

uint64_t pfx_stall_next_ns(const struct pfx_stall *s)
{
	if (!s->on)
		return s->next_start;
	return s->next_drain < s->off_ns ? s->next_drain : s->off_ns;
}

int pfx_stall_tick(struct pfx_stall *s, uint64_t now)
{
	int err = 0;

	if (s->err)
		return s->err;
	if (s->on && now >= s->off_ns) {
		/* the window ends: what the rings hold is all of it */
		s->ops->disable(s->src);
		s->off_ns = now;
		s->on = false;
		s->on_total_ns += s->off_ns - s->on_ns;
		err = drain(s, now);
		count_window(s);
		s->next_start = s->on_ns + PERIOD_NS > now ? s->on_ns + PERIOD_NS : now;
	} else if (s->on && now >= s->next_drain) {
		err = drain(s, now);
		s->next_drain = now + DRAIN_NS;
	}
	if (!err && !s->on && now >= s->next_start) {
		fold(s, now);
		if (now - s->adapt_ns >= ADAPT_NS)
			adapt(s, now);
		if (now - s->last_prune >= PRUNE_NS / 10)
			err = prune(s, now);
		map_clear(&s->pending);	/* entries of the last window never complete now */
		if (!err)
			err = s->ops->enable(s->src);
		s->on = true;
		s->folded = false;
		s->on_ns = now;
		s->off_ns = now + (uint64_t)(s->share * (double)PERIOD_NS);
		s->next_drain = now + DRAIN_NS;
	}
	if (err)
		s->err = err;
	return err;
}

const struct pfx_stall_cgroup *pfx_stall_cgroups(const struct pfx_stall *s, size_t *n)
{
	*n = s->ncg;
	return s->cg;
}

bool pfx_stall_of_pid(const struct pfx_stall *s, pid_t pid, double out[2])
{
	const struct pid_entry *p = find_pid(s, (uint64_t)pid);

	if (!p || !p->has_timed)
		return false;
	out[0] = p->stall_s[0];
	out[1] = p->stall_s[1];
	return true;
}

double pfx_stall_share(const struct pfx_stall *s)
{
	return s->share_shown;
}

uint64_t pfx_stall_lost(const struct pfx_stall *s)
{
	return s->lost;
}
