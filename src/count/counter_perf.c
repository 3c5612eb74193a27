/* SPDX-License-Identifier: GPL-2.0-or-later */
/* counter_perf: the perf_event source.
 *
 * Each "set" is one group {minor-faults (leader), major-faults,
 * page-faults} opened on one task with inherit=1, so the threads and
 * child processes that task starts later are counted too, and one read()
 * of the leader (PERF_FORMAT_GROUP) returns all three, children included
 * (in that order: see open_order).
 * Nothing is excluded: faults taken in kernel mode on user addresses
 * (copy_to_user) count as they do in /proc.  Only if the kernel refuses
 * that (perf_event_paranoid) are kernel-mode faults excluded, as perf
 * stat does, and the description says so.
 *
 *   launched command: one set on the held child, leader disabled with
 *     enable_on_exec, so counting starts at its execve().
 *   attached process: one set per thread listed in /proc/PID/task,
 *     listed again until no new thread appears (threads started during
 *     the attach); later threads are covered by inheritance.
 *
 *   host scope (stat -a, -G): one set per online CPU (or the one CPU of
 *     -A), on every task (pid -1) or on a cgroup (its directory's fd with
 *     PERF_FLAG_PID_CGROUP), without inherit: a CPU-wide event sees every
 *     task that runs there.
 *
 * Per thread: an inherited counter cannot be read per thread, but with
 * inherit_stat the kernel writes a PERF_RECORD_READ with a thread's final
 * counts into the parent event's ring when the thread exits.  The kernel
 * only allows a ring on an inherited event opened per CPU, so in this
 * mode each set exists once per online CPU and each CPU's sets share one
 * ring.  A thread's row is the sum of its reports; the task a set was
 * opened on never reports (it owns the original counters), so its row is
 * the set's count minus its descendants' reports, which includes
 * descendants still running.  PERF_SAMPLE_READ|PERF_SAMPLE_TID is asked
 * for because since Linux 6.12 it stops the context-switch optimisation
 * that can swap counter contexts between related tasks (the counts move
 * with the task under inherit_stat, but which task is left without a
 * report would not be known); older kernels reject it and work without. */
#include "config.h"
#include "counter_backend.h"
#include "events.h"
#include "hostscope.h"
#include "perf.h"
#include "ring.h"
#include "target.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

enum { EV_FAULTS, EV_MINOR, EV_MAJOR, EV_COUNT };

/* The group's leader and the order the events join it, which is the order
 * a group read takes their values in: the kernel reads each value in turn
 * while the task keeps faulting, and page-faults counts a fault at its
 * entry, minor/major at its end.  Read last, page-faults is then never
 * below minor + major (read first, it was: minor 46,214 against page-faults
 * 46,213 in one row). */
enum { EV_LEADER = EV_MINOR };
static const int open_order[EV_COUNT] = { EV_MINOR, EV_MAJOR, EV_FAULTS };

static const enum pfx_event_id event_ids[EV_COUNT] = {
	[EV_FAULTS] = PFX_EV_PAGE_FAULTS,
	[EV_MINOR] = PFX_EV_MINOR_FAULTS,
	[EV_MAJOR] = PFX_EV_MAJOR_FAULTS,
};

/* Ring data pages per CPU (per-thread mode): a READ record is 32-72
 * bytes, so 64 KiB holds about a thousand thread exits between drains. */
enum { RING_DATA_PAGES = 16, ATTACH_SCAN_ROUNDS = 16 };

/* Group read layout with PERF_FORMAT_GROUP | PERF_FORMAT_ID
 * (include/uapi/linux/perf_event.h, "read_format"). */
struct group_value {
	uint64_t value;
	uint64_t id;
};

struct perf_set {
	size_t target;		/* index into c->targets */
	pid_t tid;		/* the task the counters were opened on (-1: every
				 * task; a cgroup fd with PERF_FLAG_PID_CGROUP) */
	unsigned long flags;	/* perf_event_open flags */
	int cpu;		/* -1: any CPU */
	int fd[EV_COUNT];
	uint64_t id[EV_COUNT];
	uint64_t last[EV_COUNT];	/* values of the last successful read */
};

struct cpu_ring {
	int cpu;
	struct pfx_ring ring;	/* mapped on the CPU's first event */
};

/* A thread's final count of one event, from a PERF_RECORD_READ. */
struct exit_report {
	pid_t pid, tid;
	uint64_t id;		/* the parent event's id */
	uint64_t value;
};

struct perf_state {
	struct perf_set *sets;
	size_t nsets, sets_cap;
	int *cpus;
	size_t ncpus;
	struct cpu_ring *rings;
	size_t nrings, cap_rings;
	struct exit_report *reports;
	size_t nreports, reports_cap;
	uint64_t lost;
	bool *target_exited;
	bool user_only;		/* kernel-mode faults excluded (denied otherwise) */
	bool pin_contexts;	/* PERF_SAMPLE_READ accepted */
	bool fd_limit_raised;
	bool inherit;		/* processes: follow new threads and children */
	size_t page_size;
};

static void add_count(struct pfx_live_counts *c, int ev, uint64_t v)
{
	switch (ev) {
	case EV_FAULTS: c->faults += v; break;
	case EV_MINOR: c->minor += v; break;
	case EV_MAJOR: c->major += v; break;
	}
}

static void fill_attr(const struct perf_state *st, struct perf_event_attr *attr, int ev,
		      bool launched, bool per_thread)
{
	memset(attr, 0, sizeof(*attr));
	pfx_event_attr(event_ids[ev], attr);	/* software events cannot fail */
	attr->read_format = PERF_FORMAT_GROUP | PERF_FORMAT_ID;
	attr->inherit = st->inherit;
	attr->exclude_kernel = st->user_only;
	attr->exclude_hv = st->user_only;
	if (ev == EV_LEADER && launched) {
		attr->disabled = 1;	/* members follow their leader */
		attr->enable_on_exec = 1;
	}
	if (per_thread) {
		attr->inherit_stat = 1;
		attr->sample_type = PERF_SAMPLE_TID;
		if (st->pin_contexts)
			attr->sample_type |= PERF_SAMPLE_READ;
		attr->watermark = 1;
		attr->wakeup_watermark = (uint32_t)(RING_DATA_PAGES * st->page_size / 4);
	}
}

static void close_set(struct perf_set *s)
{
	for (int ev = 0; ev < EV_COUNT; ev++) {
		if (s->fd[ev] >= 0)
			close(s->fd[ev]);
		s->fd[ev] = -1;
	}
}

/* Route fd's records to this CPU's ring, creating the ring on fd if it
 * is the CPU's first event. */
static int attach_ring(struct perf_state *st, int cpu, int fd)
{
	int err;

	for (size_t i = 0; i < st->nrings; i++)
		if (st->rings[i].cpu == cpu)
			return ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, st->rings[i].ring.fd) < 0 ? -errno : 0;
	if (PFX_GROW(st->rings, st->cap_rings, st->nrings + 1, 16))
		return -ENOMEM;
	st->rings[st->nrings].cpu = cpu;
	err = pfx_ring_map(&st->rings[st->nrings].ring, fd, RING_DATA_PAGES);
	if (err)
		return err;
	st->nrings++;
	return 0;
}

static int open_set_once(struct perf_state *st, struct perf_set *s, bool launched,
			 bool per_thread)
{
	for (int k = 0; k < EV_COUNT; k++) {
		int ev = open_order[k];
		struct perf_event_attr attr;
		int fd, err;

		fill_attr(st, &attr, ev, launched, per_thread);
		fd = pfx_perf_open(&attr, s->tid, s->cpu, ev == EV_LEADER ? -1 : s->fd[EV_LEADER],
				   s->flags);
		if (fd < 0) {
			close_set(s);
			return fd;
		}
		s->fd[ev] = fd;
		if (ioctl(fd, PERF_EVENT_IOC_ID, &s->id[ev]) < 0) {
			err = -errno;
			close_set(s);
			return err;
		}
		if (per_thread && (err = attach_ring(st, s->cpu, fd))) {
			close_set(s);
			return err;
		}
	}
	return 0;
}

/* Attaching to a process with many threads takes 3 fds per thread (per
 * CPU with --per-thread): raise the soft fd limit to the hard one, once,
 * as perf does.  Only pfx's own limit; a launched command is never here. */
static bool raise_fd_limit(struct perf_state *st)
{
	struct rlimit rl;

	if (st->fd_limit_raised || getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return false;
	st->fd_limit_raised = true;
	rl.rlim_cur = rl.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/* Open one set, learning on the way what this kernel and this user allow:
 * kernel-mode counting (else user only), context pinning (else without). */
static int open_set(struct perf_state *st, struct perf_set *s, bool launched, bool per_thread)
{
	for (;;) {
		int err = open_set_once(st, s, launched, per_thread);

		if (err == -EINVAL && per_thread && st->pin_contexts)
			st->pin_contexts = false;
		else if ((err == -EACCES || err == -EPERM) && !st->user_only)
			st->user_only = true;
		else if (err == -EMFILE && !launched && raise_fd_limit(st))
			continue;
		else
			return err;
	}
}

static bool has_set(const struct perf_state *st, size_t target, pid_t tid)
{
	for (size_t i = 0; i < st->nsets; i++)
		if (st->sets[i].target == target && st->sets[i].tid == tid)
			return true;
	return false;
}

/* Room for one more set (st->sets[st->nsets]), or NULL. */
static struct perf_set *new_set(struct perf_state *st)
{
	if (PFX_GROW(st->sets, st->sets_cap, st->nsets + 1, 8))
		return NULL;
	return &st->sets[st->nsets];
}

/* One set per CPU (per-thread mode) or one for any CPU. */
static int add_task(struct perf_state *st, size_t target, pid_t tid, bool launched,
		    bool per_thread)
{
	for (size_t k = 0; k < st->ncpus; k++) {
		struct perf_set *s;
		int err;

		s = new_set(st);
		if (!s)
			return -ENOMEM;
		*s = (struct perf_set){ .target = target, .tid = tid, .cpu = st->cpus[k],
			.fd = { -1, -1, -1 } };
		err = open_set(st, s, launched, per_thread);
		if (err)
			return err;
		st->nsets++;
	}
	return 0;
}

/* A host scope: a set per CPU on every task or on a cgroup. */
static int add_scope(struct perf_state *st, size_t target, const struct pfx_counter_target *t)
{
	int *cpus = NULL, one = t->cpu, cgroup_fd = -1, err = 0;
	size_t ncpus = 1;

	if (t->cpu < 0 && (err = pfx_perf_online_cpus(&cpus, &ncpus)))
		return err;
	if (t->kind == PFX_TARGET_CGROUP && (cgroup_fd = pfx_cgroup_open_perf(t->cgroup)) < 0) {
		free(cpus);
		return cgroup_fd;
	}
	for (size_t k = 0; k < ncpus && !err; k++) {
		struct perf_set *s;

		s = new_set(st);
		if (!s) {
			err = -ENOMEM;
			break;
		}
		*s = (struct perf_set){ .target = target, .tid = cgroup_fd, .cpu = cpus ? cpus[k] : one,
			.flags = cgroup_fd >= 0 ? PERF_FLAG_PID_CGROUP : 0, .fd = { -1, -1, -1 } };
		err = open_set(st, s, false, false);
		if (!err)
			st->nsets++;
	}
	if (cgroup_fd >= 0)
		close(cgroup_fd);	/* the events hold the cgroup */
	free(cpus);
	return err;
}

/* Every thread of an attached process, listed until the list is stable. */
static int add_process(struct perf_state *st, size_t target, pid_t pid, bool per_thread)
{
	for (int round = 0; round < ATTACH_SCAN_ROUNDS; round++) {
		bool added = false;
		pid_t *tids;
		size_t n;
		int err = pfx_list_tids(pid, &tids, &n);

		if (err)
			return err;
		for (size_t i = 0; i < n && !err; i++) {
			if (has_set(st, target, tids[i]))
				continue;
			err = add_task(st, target, tids[i], false, per_thread);
			if (err == -ESRCH && tids[i] != pid)
				err = 0;	/* the thread exited meanwhile */
			else if (!err)
				added = true;
		}
		free(tids);
		if (err)
			return err;
		if (!added)
			return 0;
	}
	return 0;
}

static void perf_close(struct pfx_counter *c)
{
	struct perf_state *st = c->priv;

	if (!st)
		return;
	for (size_t i = 0; i < st->nrings; i++)
		pfx_ring_unmap(&st->rings[i].ring);
	for (size_t i = 0; i < st->nsets; i++)
		close_set(&st->sets[i]);
	free(st->rings);
	free(st->sets);
	free(st->cpus);
	free(st->reports);
	free(st->target_exited);
	free(st);
	c->priv = NULL;
}

static int perf_open(struct pfx_counter *c)
{
	struct perf_state *st = calloc(1, sizeof(*st));
	bool per_thread = c->opts.per_thread;
	int err = 0;
	char why[256] = "";

	if (!st)
		return -ENOMEM;
	c->priv = st;
	st->page_size = (size_t)sysconf(_SC_PAGESIZE);
	st->pin_contexts = true;
	st->target_exited = calloc(c->ntargets ? c->ntargets : 1, sizeof(bool));
	if (!st->target_exited)
		err = -ENOMEM;
	if (!err && per_thread) {
		err = pfx_perf_online_cpus(&st->cpus, &st->ncpus);
	} else if (!err) {
		st->cpus = malloc(sizeof(*st->cpus));
		if (st->cpus) {
			st->cpus[0] = -1;
			st->ncpus = 1;
		} else {
			err = -ENOMEM;
		}
	}
	st->inherit = c->ntargets && c->targets[0].kind == PFX_TARGET_PROCESS;
	for (size_t i = 0; i < c->ntargets && !err; i++) {
		if (c->targets[i].kind != PFX_TARGET_PROCESS)
			err = add_scope(st, i, &c->targets[i]);
		else if (c->targets[i].launched)
			err = add_task(st, i, c->targets[i].pid, true, per_thread);
		else
			err = add_process(st, i, c->targets[i].pid, per_thread);
	}
	if (err) {
		if (err == -ENOENT && c->ntargets && c->targets[0].kind == PFX_TARGET_CGROUP)
			c->unavailable = "the cgroup is not in the perf_event hierarchy";
		perf_close(c);
		return err;
	}
	if (st->user_only) {
		const struct pfx_perf_request kernel = { .kernel = true, .pid = c->targets[0].pid };

		pfx_perf_denied_hint(-EACCES, &kernel, why, sizeof(why));
	}
	snprintf(c->description, sizeof(c->description),
		 "perf (software counters page-faults, minor-faults, major-faults%s%s%s%s)",
		 !st->inherit ? (c->targets[0].kind == PFX_TARGET_SYSTEM ? " per CPU, every task"
			       : " per CPU, cgroup events") : "",
		 st->user_only ? "; user-mode faults only: kernel-mode counting is denied (" : "",
		 st->user_only ? why : "", st->user_only ? ")" : "");
	return 0;
}

static int read_set(const struct perf_set *s, uint64_t values[EV_COUNT])
{
	struct {
		uint64_t nr;
		struct group_value v[EV_COUNT];
	} buf;
	ssize_t n;

	do
		n = read(s->fd[EV_LEADER], &buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n < (ssize_t)sizeof(uint64_t) || buf.nr > EV_COUNT)
		return -EIO;
	memset(values, 0, EV_COUNT * sizeof(values[0]));
	for (uint64_t k = 0; k < buf.nr; k++)
		for (int ev = 0; ev < EV_COUNT; ev++)
			if (buf.v[k].id == s->id[ev])
				values[ev] = buf.v[k].value;
	return 0;
}

static int perf_read(struct pfx_counter *c, size_t i, struct pfx_live_counts *out)
{
	struct perf_state *st = c->priv;

	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < st->nsets; k++) {
		uint64_t v[EV_COUNT];
		int err;

		if (st->sets[k].target != i)
			continue;
		err = read_set(&st->sets[k], v);
		/* Seen once, racing the exit of a task with inherited counters:
		 * the read fails with ECHILD; its final values are the last read. */
		if (err == -ECHILD)
			memcpy(v, st->sets[k].last, sizeof(v));
		else if (err)
			return err;
		memcpy(st->sets[k].last, v, sizeof(v));
		for (int ev = 0; ev < EV_COUNT; ev++)
			add_count(out, ev, v[ev]);
	}
	/* A child's counts join its parent's at its exit one event at a
	 * time, so a read in between can see its minor faults and not yet
	 * their entries: every completed fault had an entry. */
	if (out->minor + out->major > out->faults)
		out->faults = out->minor + out->major;
	return 0;
}

static void perf_target_exited(struct pfx_counter *c, size_t i, const struct rusage *ru)
{
	struct perf_state *st = c->priv;

	(void)ru;	/* the counters keep their final values after exit */
	st->target_exited[i] = true;
}

/* A thread reports each event once per CPU; a record may repeat values
 * already seen (a group read), so a (tid, id) pair is kept once. */
static int add_report(struct perf_state *st, pid_t pid, pid_t tid, uint64_t id, uint64_t value)
{
	for (size_t i = 0; i < st->nreports; i++) {
		if (st->reports[i].tid == tid && st->reports[i].id == id) {
			st->reports[i].value = value;
			return 0;
		}
	}
	if (PFX_GROW(st->reports, st->reports_cap, st->nreports + 1, 64))
		return -ENOMEM;
	st->reports[st->nreports++] = (struct exit_report){ pid, tid, id, value };
	return 0;
}

/* PERF_RECORD_READ: { header; u32 pid, tid; read_format values }, and
 * PERF_RECORD_LOST: { header; u64 id, lost } (no sample_id_all). */
static int parse_record(struct perf_state *st, const struct perf_event_header *h)
{
	const unsigned char *body = (const unsigned char *)(h + 1);
	size_t body_len = h->size - sizeof(*h);

	if (h->type == PERF_RECORD_LOST && body_len >= 2 * sizeof(uint64_t)) {
		uint64_t lost;

		memcpy(&lost, body + sizeof(uint64_t), sizeof(lost));
		st->lost += lost;
	} else if (h->type == PERF_RECORD_READ && body_len >= 2 * sizeof(uint32_t) + sizeof(uint64_t)) {
		uint32_t ids[2];
		uint64_t nr;

		memcpy(ids, body, sizeof(ids));
		memcpy(&nr, body + sizeof(ids), sizeof(nr));
		body += sizeof(ids) + sizeof(nr);
		body_len -= sizeof(ids) + sizeof(nr);
		for (uint64_t k = 0; k < nr && body_len >= sizeof(struct group_value); k++) {
			struct group_value gv;
			int err;

			memcpy(&gv, body, sizeof(gv));
			body += sizeof(gv);
			body_len -= sizeof(gv);
			err = add_report(st, (pid_t)ids[0], (pid_t)ids[1], gv.id, gv.value);
			if (err)
				return err;
		}
	}
	return 0;
}

static int drain_ring(struct perf_state *st, struct pfx_ring *r)
{
	const struct perf_event_header *h;
	int err = 0;

	pfx_ring_begin(r);
	while (!err && (h = pfx_ring_peek(r))) {
		err = parse_record(st, h);
		pfx_ring_advance(r);
	}
	pfx_ring_end(r);
	return err;
}

static int perf_collect(struct pfx_counter *c)
{
	struct perf_state *st = c->priv;
	int err = 0;

	for (size_t i = 0; i < st->nrings && !err; i++)
		err = drain_ring(st, &st->rings[i].ring);
	return err;
}

static bool find_event(const struct perf_state *st, uint64_t id, size_t *set, int *ev)
{
	for (size_t i = 0; i < st->nsets; i++) {
		for (int e = 0; e < EV_COUNT; e++) {
			if (st->sets[i].id[e] == id) {
				*set = i;
				*ev = e;
				return true;
			}
		}
	}
	return false;
}

static int perf_threads(struct pfx_counter *c)
{
	struct perf_state *st = c->priv;
	uint64_t (*reported)[EV_COUNT];
	int err = perf_collect(c);

	if (err)
		return err;
	pfx_counter_rows_clear(c);
	reported = calloc(st->nsets ? st->nsets : 1, sizeof(*reported));
	if (!reported)
		return -ENOMEM;
	for (size_t i = 0; i < st->nreports; i++) {
		const struct exit_report *r = &st->reports[i];
		struct pfx_thread_counts *row;
		size_t set;
		int ev;

		if (!find_event(st, r->id, &set, &ev))
			continue;
		row = pfx_counter_row(c, r->pid, r->tid);
		if (!row) {
			free(reported);
			return -ENOMEM;
		}
		add_count(&row->counts, ev, r->value);
		row->exited = true;
		reported[set][ev] += r->value;
	}
	for (size_t i = 0; i < st->nsets && !err; i++) {
		const struct perf_set *s = &st->sets[i];
		bool gone = st->target_exited[s->target];
		struct pfx_thread_counts *row;
		uint64_t v[EV_COUNT];

		err = read_set(s, v);
		row = err ? NULL : pfx_counter_row(c, c->targets[s->target].pid, s->tid);
		if (!err && !row)
			err = -ENOMEM;
		for (int ev = 0; !err && ev < EV_COUNT; ev++)
			add_count(&row->counts, ev, v[ev] > reported[i][ev] ? v[ev] - reported[i][ev] : 0);
		if (row) {
			row->exited = gone;
			row->includes_running = !gone;
		}
	}
	free(reported);
	return err;
}

static size_t perf_poll_fds(const struct pfx_counter *c, int *fds, size_t max)
{
	const struct perf_state *st = c->priv;
	size_t n = 0;

	for (size_t i = 0; i < st->nrings && n < max; i++)
		fds[n++] = st->rings[i].ring.fd;
	return n;
}

static uint64_t perf_lost_reports(const struct pfx_counter *c)
{
	return ((const struct perf_state *)c->priv)->lost;
}

const struct counter_backend pfx_counter_perf_backend = {
	.source = PFX_SOURCE_PERF,
	.open = perf_open,
	.read = perf_read,
	.target_exited = perf_target_exited,
	.threads = perf_threads,
	.poll_fds = perf_poll_fds,
	.collect = perf_collect,
	.lost_reports = perf_lost_reports,
	.close = perf_close,
};
