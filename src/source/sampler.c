/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sampler: open the fault sampling events, one ring per CPU, and decode
 * their records in time order.  Event layout and ring rules: sampler.h,
 * perf_records.h, ring.h.  Each ring's next record is decoded once, and
 * the rings are merged through a binary heap of those heads by time. */
#include "config.h"
#include "sampler.h"
#include "events.h"
#include "perf.h"
#include "perf_records.h"
#include "perfclock.h"
#include "ring.h"
#include "unwind.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <traceevent/event-parse.h>
#include <unistd.h>

enum ev_role { ROLE_MINOR, ROLE_MAJOR, ROLE_ENTRY, ROLE_ENTRY_SW, ROLE_MREMAP_ENTER, ROLE_MREMAP_EXIT };

/* A page-faults sample (sw_entry_attr): laid out as a tracepoint's up to
 * its time, so next_own_time() reads both alike. */
struct sw_entry_sample {
	struct perf_event_header h;
	uint64_t id;
	uint32_t pid, tid;
	uint64_t time, addr;
};

struct id_role {
	uint64_t id;
	enum ev_role role;
};

/* Where page_fault_user keeps its fields inside the raw record. */
struct raw_field {
	unsigned offset, size;
};

/* A ring's next record, decoded: what the merge orders the rings by. */
struct ring_head {
	const struct perf_event_header *h;
	uint64_t key;			/* its time (0 if unknown: goes first) */
	struct pfx_sample_event ev;
	uint64_t last;			/* the latest time placed in this ring (the
					 * ring is written in time order) */
};

struct pfx_sampler {
	struct pfx_source_opts opts;
	int *cpus;
	size_t ncpus;
	int *fds;			/* every event fd */
	enum ev_role *fd_roles;		/* fds[i]'s event */
	size_t nfds;
	struct pfx_ring *rings;		/* one per CPU */
	struct id_role *ids;		/* sorted by id */
	size_t nids;
	struct id_role role_cache[8];	/* ids[] found last, by id & 7 (id 0: none) */
	bool has_tracepoint;
	bool has_sw_entry;		/* page-faults: fault entries without error code */
	bool need_enable;
	struct raw_field f_address, f_ip, f_error_code;
	bool has_mremap;		/* the syscalls:*_mremap tracepoints */
	struct raw_field f_mr_addr, f_mr_old_len, f_mr_new_len, f_mr_ret;
	char events[256];
	uint64_t callchain[PFX_SAMPLER_MAX_CHAIN];	/* of the event being delivered */
	struct ring_head *heads;	/* one per CPU ring */
	size_t *heap;			/* rings with a head, earliest first */
	struct pfx_unwind *unwind;	/* dwarf_stack: the unwinder */
	unsigned long open_flags;	/* PERF_FLAG_PID_CGROUP for cgroups */
	/* Samples are stamped in perf's clock (or, shared with another
	 * tracer's event, in its clock: perfclock.h) and placed on
	 * CLOCK_MONOTONIC; without it (clock_ok false) events ask for
	 * CLOCK_MONOTONIC themselves, as before. */
	struct pfx_perfclock clock;
	bool clock_ok;
	uint64_t drain_hi;		/* CLOCK_MONOTONIC after this drain's head snapshots */
	uint64_t slack;			/* place_slack() of this drain */
	uint64_t foreign;		/* samples found in another tracer's clock */
};

static int cmp_id(const void *a, const void *b)
{
	const struct id_role *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The binary search behind lookup_role(), into its cache. */
static bool lookup_role_search(struct pfx_sampler *s, uint64_t id, enum ev_role *role)
{
	size_t lo = 0, hi = s->nids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->ids[mid].id == id) {
			*role = s->ids[mid].role;
			s->role_cache[id & 7] = s->ids[mid];
			return true;
		}
		if (s->ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Every sample is looked up twice (decoded, and as the next record of
 * the one before): the few ids a recording's samples carry hit the
 * cache (inline), the others search ids[]. */
static inline bool lookup_role(struct pfx_sampler *s, uint64_t id, enum ev_role *role)
{
	const struct id_role *c = &s->role_cache[id & 7];

	if (id && c->id == id) {
		*role = c->role;
		return true;
	}
	return lookup_role_search(s, id, role);
}

static void base_attr(const struct pfx_sampler *s, struct perf_event_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->sample_period = 1;
	a->sample_id_all = 1;
	a->inherit = !s->opts.host_wide;	/* a CPU-wide event sees every task already */
	a->exclude_hv = 1;
	/* perf's own clock, as every other tracer's events by default: a
	 * stamp shared with one of them is then right (perfclock.h). */
	a->use_clockid = !s->clock_ok;
	a->clockid = CLOCK_MONOTONIC;
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)(s->opts.ring_pages * (size_t)sysconf(_SC_PAGESIZE) / 2);
	a->disabled = 1;
	a->enable_on_exec = s->opts.enable_on_exec;
}

static int fault_attr(const struct pfx_sampler *s, enum pfx_event_id id, bool owner,
		      struct perf_event_attr *a)
{
	base_attr(s, a);
	a->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			 PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR;
	/* One software event hit fills one sample for every perf event
	 * there, its id too (perfclock.h): a tracer's event opened after
	 * pfx's fires first, and pfx's sample then carries that event's id,
	 * unknown here.  The period (8 bytes) makes a major fault's sample
	 * longer than a minor one's, so such a sample is still told apart
	 * (decode(); without call chains). */
	if (id == PFX_EV_MAJOR_FAULTS)
		a->sample_type |= PERF_SAMPLE_PERIOD;
	if (s->opts.dwarf_stack) {
		a->sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
		a->sample_regs_user = PFX_UNWIND_REGS_MASK;
		a->sample_stack_user = s->opts.dwarf_stack;
	} else if (s->opts.callchain) {
		a->sample_type |= PERF_SAMPLE_CALLCHAIN;
		a->exclude_callchain_kernel = 1;
	}
	if (owner) {
		a->mmap = 1;
		a->mmap_data = 1;
		a->mmap2 = 1;
		a->comm = 1;
		a->task = 1;
	}
	return pfx_event_attr(id, a);
}

static int tracepoint_attr(const struct pfx_sampler *s, enum pfx_event_id id, struct perf_event_attr *a)
{
	base_attr(s, a);
	a->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			 PERF_SAMPLE_RAW;
	return pfx_event_attr(id, a);
}

/* An entry event (tracepoint or page-faults): 1 in entry_period sampled
 * (--latency-sample), the others only counted, so the kernel writes no
 * sample for them; every completion is still sampled. */
static void entry_period(const struct pfx_sampler *s, struct perf_event_attr *a)
{
	if (s->opts.entry_period > 1)
		a->sample_period = s->opts.entry_period;
}

/* page-faults fires where the architecture's fault handler starts (x86
 * and arm64 alike), with the address: the entry of the fault the
 * minor/major event completes. */
static int sw_entry_attr(const struct pfx_sampler *s, struct perf_event_attr *a)
{
	base_attr(s, a);
	a->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			 PERF_SAMPLE_ADDR;
	entry_period(s, a);
	return pfx_event_attr(PFX_EV_PAGE_FAULTS, a);
}

struct field_want {
	const char *name;
	struct raw_field *out;
};

/* Find a tracepoint's field offsets with libtraceevent once; samples are
 * then decoded by offset, with no per-sample library call. */
static int load_format(enum pfx_event_id id, const struct field_want *fields, size_t n)
{
	struct tep_handle *tep = tep_alloc();
	struct tep_event *ev = NULL;
	int err;

	if (!tep)
		return -ENOMEM;
	err = pfx_event_load_format(tep, id, &ev);
	for (size_t i = 0; !err && i < n; i++) {
		struct tep_format_field *f = tep_find_field(ev, fields[i].name);

		if (!f || (f->size != 8 && f->size != 4))
			err = -EINVAL;
		else
			*fields[i].out = (struct raw_field){ (unsigned)f->offset, (unsigned)f->size };
	}
	tep_free(tep);
	return err;
}

static int load_entry_format(struct pfx_sampler *s)
{
	const struct field_want fields[] = { { "address", &s->f_address }, { "ip", &s->f_ip },
					     { "error_code", &s->f_error_code } };

	return load_format(PFX_EV_PAGE_FAULT_USER, fields, PFX_ARRAY_SIZE(fields));
}

static int load_mremap_formats(struct pfx_sampler *s)
{
	const struct field_want enter[] = { { "addr", &s->f_mr_addr }, { "old_len", &s->f_mr_old_len },
					    { "new_len", &s->f_mr_new_len } };
	const struct field_want exit[] = { { "ret", &s->f_mr_ret } };
	int err = load_format(PFX_EV_MREMAP_ENTER, enter, PFX_ARRAY_SIZE(enter));

	return err ? err : load_format(PFX_EV_MREMAP_EXIT, exit, PFX_ARRAY_SIZE(exit));
}

static int add_fd(struct pfx_sampler *s, int fd, enum ev_role role)
{
	uint64_t id;

	s->fd_roles[s->nfds] = role;
	s->fds[s->nfds++] = fd;
	if (ioctl(fd, PERF_EVENT_IOC_ID, &id) < 0)
		return -errno;
	s->ids[s->nids++] = (struct id_role){ id, role };
	return 0;
}

static int open_one(struct pfx_sampler *s, struct perf_event_attr *a, pid_t pid, int cpu,
		    enum ev_role role, int ring_fd)
{
	int fd = pfx_perf_open(a, pid, cpu, -1, s->open_flags);
	int err;

	/* perf_event_paranoid 2 allows user-mode only: faults the kernel
	 * takes on user memory (copy_to_user) are then not seen. */
	if (fd == -EACCES && !a->exclude_kernel) {
		a->exclude_kernel = 1;
		fd = pfx_perf_open(a, pid, cpu, -1, s->open_flags);
	}
	if (fd < 0)
		return fd;
	err = add_fd(s, fd, role);
	if (!err && ring_fd >= 0 && ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, ring_fd) < 0)
		err = -errno;
	return err;
}

/* What the events are opened on: the target's tasks, every task (-1) or
 * cgroup fds.  *n of them. */
static const pid_t *event_pids(const struct pfx_sampler *s, size_t *n)
{
	static const pid_t every_task = -1;

	if (s->opts.host_wide) {
		*n = s->opts.ncgroups ? s->opts.ncgroups : 1;
		return s->opts.ncgroups ? s->opts.cgroup_fds : &every_task;
	}
	*n = s->opts.tids ? s->opts.ntids : 1;
	return s->opts.tids ? s->opts.tids : &s->opts.pid;
}

static int open_cpu(struct pfx_sampler *s, size_t ci, char *why, size_t why_size)
{
	size_t ntids;
	const pid_t *tids = event_pids(s, &ntids);
	int cpu = s->cpus[ci], ring_fd = -1, err;
	struct perf_event_attr a;

	for (size_t t = 0; t < ntids; t++) {
		/* Side-band records (MMAP2, COMM, FORK) on one event per task
		 * set; each cgroup's event sees only its own tasks' ones. */
		err = fault_attr(s, PFX_EV_MINOR_FAULTS, ring_fd < 0 || s->opts.ncgroups, &a);
		if (!err)
			err = open_one(s, &a, tids[t], cpu, ROLE_MINOR, ring_fd);
		if (err) {
			snprintf(why, why_size, "minor-faults on CPU %d", cpu);
			return err;
		}
		if (ring_fd < 0) {
			ring_fd = s->fds[s->nfds - 1];
			err = pfx_ring_map(&s->rings[ci], ring_fd, s->opts.ring_pages);
			if (err) {
				snprintf(why, why_size, "mapping the %zu-page ring of CPU %d",
					 s->opts.ring_pages, cpu);
				return err;
			}
		}
		err = fault_attr(s, PFX_EV_MAJOR_FAULTS, false, &a);
		if (!err)
			err = open_one(s, &a, tids[t], cpu, ROLE_MAJOR, ring_fd);
		if (err) {
			snprintf(why, why_size, "major-faults on CPU %d", cpu);
			return err;
		}
		if (s->has_tracepoint) {
			err = tracepoint_attr(s, PFX_EV_PAGE_FAULT_USER, &a);
			entry_period(s, &a);
			if (!err)
				err = open_one(s, &a, tids[t], cpu, ROLE_ENTRY, ring_fd);
			if (err) {
				/* Optional: record without latency and access bits. */
				s->has_tracepoint = false;
			}
		}
		if (s->has_sw_entry) {
			err = sw_entry_attr(s, &a);
			if (!err)
				err = open_one(s, &a, tids[t], cpu, ROLE_ENTRY_SW, ring_fd);
			if (err) {
				snprintf(why, why_size, "page-faults on CPU %d (--entry sw)", cpu);
				return err;
			}
		}
		/* Optional too: without them, moved memory is found by the
		 * recorder's /proc re-read, while the process lives. */
		if (s->has_mremap) {
			err = tracepoint_attr(s, PFX_EV_MREMAP_ENTER, &a);
			if (!err)
				err = open_one(s, &a, tids[t], cpu, ROLE_MREMAP_ENTER, ring_fd);
			if (!err)
				err = tracepoint_attr(s, PFX_EV_MREMAP_EXIT, &a);
			if (!err)
				err = open_one(s, &a, tids[t], cpu, ROLE_MREMAP_EXIT, ring_fd);
			if (err)
				s->has_mremap = false;
		}
	}
	return 0;
}

/* --entry auto: may this user sample the tracepoint?  Tracepoints need
 * CAP_PERFMON or perf_event_paranoid -1 where software events do not:
 * denied, auto takes page-faults instead of recording no latency. */
static bool tracepoint_opens(const struct pfx_sampler *s)
{
	size_t n;
	const pid_t *pids = event_pids(s, &n);
	struct perf_event_attr a;
	int fd;

	if (tracepoint_attr(s, PFX_EV_PAGE_FAULT_USER, &a))
		return false;
	fd = pfx_perf_open(&a, pids[0], s->cpus[0], -1, s->open_flags);
	if (fd == -EACCES) {
		a.exclude_kernel = 1;
		fd = pfx_perf_open(&a, pids[0], s->cpus[0], -1, s->open_flags);
	}
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Attaching to many threads takes 3 fds per thread and CPU: make room
 * up to the hard limit before opening (pfx's own limit only). */
static void ensure_fd_room(size_t fds)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= fds + 64)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > fds + 64 ? fds + 64 : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

int pfx_sampler_open(struct pfx_sampler **sp, const struct pfx_source_opts *opts,
		     char *why, size_t why_size)
{
	struct pfx_sampler *s = calloc(1, sizeof(*s));
	size_t ntids, max_fds;
	char dummy[8];
	int err;

	if (!why) {
		why = dummy;
		why_size = sizeof(dummy);
	}
	snprintf(why, why_size, "setup");
	if (!s)
		return -ENOMEM;
	s->opts = *opts;
	if (opts->host_wide) {
		s->opts.enable_on_exec = false;
		s->open_flags = opts->ncgroups ? PERF_FLAG_PID_CGROUP : 0;
	}
	event_pids(s, &ntids);
	err = pfx_perf_online_cpus(&s->cpus, &s->ncpus);
	if (err) {
		snprintf(why, why_size, "reading the online CPUs");
		free(s);
		return err;
	}
	max_fds = s->ncpus * ntids * 5;
	ensure_fd_room(max_fds);
	s->fds = calloc(max_fds, sizeof(*s->fds));
	s->fd_roles = calloc(max_fds, sizeof(*s->fd_roles));
	s->ids = calloc(max_fds, sizeof(*s->ids));
	s->rings = calloc(s->ncpus, sizeof(*s->rings));
	s->heads = calloc(s->ncpus, sizeof(*s->heads));
	s->heap = calloc(s->ncpus, sizeof(*s->heap));
	if (!s->fds || !s->fd_roles || !s->ids || !s->rings || !s->heads || !s->heap ||
	    (opts->dwarf_stack && pfx_unwind_open(&s->unwind))) {
		pfx_sampler_close(s);
		return -ENOMEM;
	}
	s->clock_ok = pfx_perfclock_open(&s->clock) == 0;
	s->has_tracepoint = (opts->entry == PFX_ENTRY_AUTO || opts->entry == PFX_ENTRY_TRACEPOINT) &&
			    pfx_event_available(PFX_EV_PAGE_FAULT_USER, NULL, 0) && load_entry_format(s) == 0;
	if (opts->entry == PFX_ENTRY_TRACEPOINT && !s->has_tracepoint) {
		snprintf(why, why_size, "--entry tracepoint: this kernel has no "
			 "exceptions:page_fault_user (x86 only); use --entry sw or auto");
		pfx_sampler_close(s);
		return -ENOENT;
	}
	if (s->has_tracepoint && opts->entry == PFX_ENTRY_AUTO && !tracepoint_opens(s))
		s->has_tracepoint = false;
	s->has_sw_entry = opts->entry == PFX_ENTRY_SW || (opts->entry == PFX_ENTRY_AUTO && !s->has_tracepoint);
	s->has_mremap = pfx_event_available(PFX_EV_MREMAP_ENTER, NULL, 0) &&
			pfx_event_available(PFX_EV_MREMAP_EXIT, NULL, 0) && load_mremap_formats(s) == 0;
	for (size_t ci = 0; ci < s->ncpus; ci++) {
		err = open_cpu(s, ci, why, why_size);
		if (err) {
			pfx_sampler_close(s);
			return err;
		}
	}
	if (!s->has_tracepoint && opts->entry == PFX_ENTRY_TRACEPOINT) {
		snprintf(why, why_size, "--entry tracepoint: exceptions:page_fault_user is denied "
			 "(CAP_PERFMON or perf_event_paranoid -1); use --entry sw");
		pfx_sampler_close(s);
		return -EACCES;
	}
	if (!s->has_tracepoint) {
		/* Dropped on some CPU: drop everywhere so all faults look alike. */
		for (size_t i = 0; i < s->nids; i++)
			if (s->ids[i].role == ROLE_ENTRY)
				s->ids[i].id = 0;
	}
	qsort(s->ids, s->nids, sizeof(*s->ids), cmp_id);
	s->need_enable = !s->opts.enable_on_exec;
	snprintf(s->events, sizeof(s->events), "minor-faults,major-faults%s%s%s",
		 s->has_tracepoint ? ",exceptions:page_fault_user" : "",
		 s->has_sw_entry ? ",page-faults" : "",
		 s->has_mremap ? ",syscalls:sys_enter_mremap,syscalls:sys_exit_mremap" : "");
	*sp = s;
	return 0;
}

const char *pfx_sampler_events(const struct pfx_sampler *s)
{
	return s->events;
}

bool pfx_sampler_has_tracepoint(const struct pfx_sampler *s)
{
	return s->has_tracepoint;
}

size_t pfx_sampler_pollfds(const struct pfx_sampler *s, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < s->ncpus && n < max; i++, n++)
		fds[n] = (struct pollfd){ .fd = s->rings[i].fd, .events = POLLIN };
	return n;
}

int pfx_sampler_enable(struct pfx_sampler *s)
{
	if (!s->need_enable)
		return 0;
	for (size_t i = 0; i < s->nfds; i++)
		if (ioctl(s->fds[i], PERF_EVENT_IOC_ENABLE, 0) < 0)
			return -errno;
	s->need_enable = false;
	return 0;
}

void pfx_sampler_close(struct pfx_sampler *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->rings && i < s->ncpus; i++)
		pfx_ring_unmap(&s->rings[i]);
	for (size_t i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	free(s->rings);
	free(s->heads);
	free(s->heap);
	free(s->fds);
	free(s->fd_roles);
	free(s->ids);
	free(s->cpus);
	pfx_unwind_close(s->unwind);
	if (s->clock_ok)
		pfx_perfclock_close(&s->clock);
	free(s);
}

void pfx_sampler_disable(struct pfx_sampler *s)
{
	for (size_t i = 0; i < s->nfds; i++)
		ioctl(s->fds[i], PERF_EVENT_IOC_DISABLE, 0);
	/* enable() may start them again: pfx serve times faults in windows */
	s->need_enable = true;
}

int pfx_sampler_counts(const struct pfx_sampler *s, uint64_t *minor, uint64_t *major)
{
	*minor = *major = 0;
	for (size_t i = 0; i < s->nfds; i++) {
		uint64_t v;

		if (s->fd_roles[i] != ROLE_MINOR && s->fd_roles[i] != ROLE_MAJOR)
			continue;
		if (read(s->fds[i], &v, sizeof(v)) != (ssize_t)sizeof(v))
			return -errno ? -errno : -EIO;
		*(s->fd_roles[i] == ROLE_MAJOR ? major : minor) += v;
	}
	return 0;
}

/* ---- decoding ---- */

static uint64_t raw_value(const uint8_t *raw, uint32_t raw_size, struct raw_field f)
{
	if (f.offset + f.size > raw_size)
		return 0;
	if (f.size == 8) {
		uint64_t v;

		memcpy(&v, raw + f.offset, 8);
		return v;
	} else {
		uint32_t v;

		memcpy(&v, raw + f.offset, 4);
		return v;
	}
}

/* The sample_id trailer's time of a non-sample record (0 if it has
 * none): the time the rings are merged by, whatever time field the
 * record itself carries. */
static uint64_t trailer_time(const struct perf_event_header *h)
{
	uint64_t t;

	if (h->size < sizeof(*h) + sizeof(struct pfx_perf_sample_id))
		return 0;
	memcpy(&t, (const uint8_t *)h + h->size - 16, 8);	/* sample_id: ... time, identifier */
	return t;
}

static void trailer(const struct perf_event_header *h, struct pfx_sample_event *ev)
{
	struct pfx_perf_sample_id id;

	if (h->size < sizeof(*h) + sizeof(id))
		return;
	memcpy(&id, (const uint8_t *)h + h->size - sizeof(id), sizeof(id));
	ev->time = id.time;
	ev->pid = id.pid;
	ev->tid = id.tid;
}

/* REGS_USER and STACK_USER after the fixed part: unwound into the chain.
 * A sample whose thread was in the kernel without user registers (abi 0)
 * or whose stack was not copied keeps its ip alone. */
static void unwind_fault(struct pfx_sampler *s, const struct perf_event_header *h,
			 struct pfx_sample_event *ev)
{
	const uint8_t *p = (const uint8_t *)h + sizeof(struct pfx_perf_fault_sample) + (ev->major ? 8 : 0);
	const uint8_t *end = (const uint8_t *)h + h->size;
	uint64_t abi, regs[PFX_UREG_COUNT], size = 0, dyn = 0;
	const uint8_t *stack = NULL;
	int n;

	ev->callchain = s->callchain;
	ev->callchain_len = 1;
	s->callchain[0] = ev->ip;
	if (end - p < 8)
		return;
	memcpy(&abi, p, 8);
	p += 8;
	if (abi == 0 || (size_t)(end - p) < sizeof(regs) + 8)
		return;
	memcpy(regs, p, sizeof(regs));
	p += sizeof(regs);
	memcpy(&size, p, 8);
	p += 8;
	if (size && (size_t)(end - p) >= size + 8) {
		stack = p;
		memcpy(&dyn, p + size, 8);
		if (dyn > size)
			dyn = size;
	}
	if (!stack || !s->unwind)
		return;
	n = pfx_unwind_sample(s->unwind, (pid_t)ev->pid, (pid_t)ev->tid, regs, stack, (size_t)dyn,
			      s->callchain, PFX_SAMPLER_MAX_CHAIN);
	if (n > 0)
		ev->callchain_len = (uint16_t)n;
}

static bool decode_fault(const struct perf_event_header *h, bool major,
			 struct pfx_sample_event *ev)
{
	const struct pfx_perf_fault_sample *fs = (const void *)h;

	if (h->size < sizeof(*fs))
		return false;
	ev->type = PFX_SAMPLE_FAULT;
	ev->time = fs->time;
	ev->pid = fs->pid;
	ev->tid = fs->tid;
	ev->addr = fs->addr;
	ev->ip = fs->ip;
	ev->major = major;
	return true;
}

/* The call chain of the fault about to be delivered, into s->callchain:
 * only then, so the unwinder has seen every mapping before it in time. */
static void fault_chain(struct pfx_sampler *s, const struct perf_event_header *h,
			struct pfx_sample_event *ev)
{
	/* a major fault's period (fault_attr()) before the chain */
	size_t head = sizeof(struct pfx_perf_fault_sample) + (ev->major ? 8 : 0);

	if (s->opts.dwarf_stack) {
		unwind_fault(s, h, ev);
	} else if (s->opts.callchain && h->size >= head + 8) {
		const uint64_t *chain = (const uint64_t *)((const uint8_t *)h + head);
		uint64_t nr = chain[0];
		uint16_t n = 0;

		if (nr > (h->size - head - 8) / 8)
			nr = (h->size - head - 8) / 8;
		for (uint64_t i = 0; i < nr && n < PFX_SAMPLER_MAX_CHAIN; i++)
			if (chain[1 + i] < PERF_CONTEXT_MAX)
				s->callchain[n++] = chain[1 + i];
		ev->callchain = s->callchain;
		ev->callchain_len = n;
	}
}

static bool decode_entry(const struct pfx_sampler *s, const struct perf_event_header *h,
			 struct pfx_sample_event *ev)
{
	const struct pfx_perf_raw_sample *rs = (const void *)h;
	uint32_t raw_size;

	if (h->size < sizeof(*rs))
		return false;
	raw_size = rs->raw_size;
	if (raw_size > h->size - sizeof(*rs))
		raw_size = h->size - sizeof(*rs);
	ev->type = PFX_SAMPLE_FAULT_ENTRY;
	ev->time = rs->time;
	ev->pid = rs->pid;
	ev->tid = rs->tid;
	ev->addr = raw_value(rs->raw, raw_size, s->f_address);
	ev->ip = raw_value(rs->raw, raw_size, s->f_ip);
	ev->error_code = raw_value(rs->raw, raw_size, s->f_error_code);
	ev->has_error_code = true;
	return true;
}

static bool decode_sw_entry(const struct perf_event_header *h, struct pfx_sample_event *ev)
{
	const struct sw_entry_sample *es = (const void *)h;

	if (h->size < sizeof(*es))
		return false;
	ev->type = PFX_SAMPLE_FAULT_ENTRY;	/* has_error_code false: no access kind */
	ev->time = es->time;
	ev->pid = es->pid;
	ev->tid = es->tid;
	ev->addr = es->addr;
	return true;
}

static bool decode_mremap(const struct pfx_sampler *s, const struct perf_event_header *h, bool enter,
			  struct pfx_sample_event *ev)
{
	const struct pfx_perf_raw_sample *rs = (const void *)h;
	uint32_t raw_size;

	if (h->size < sizeof(*rs))
		return false;
	raw_size = rs->raw_size;
	if (raw_size > h->size - sizeof(*rs))
		raw_size = h->size - sizeof(*rs);
	ev->time = rs->time;
	ev->pid = rs->pid;
	ev->tid = rs->tid;
	if (enter) {
		ev->type = PFX_SAMPLE_MREMAP_ENTER;
		ev->addr = raw_value(rs->raw, raw_size, s->f_mr_addr);
		ev->len = raw_value(rs->raw, raw_size, s->f_mr_old_len);
		ev->pgoff = raw_value(rs->raw, raw_size, s->f_mr_new_len);
	} else {
		ev->type = PFX_SAMPLE_MREMAP_EXIT;
		ev->addr = raw_value(rs->raw, raw_size, s->f_mr_ret);
	}
	return true;
}

/* Fill ev from one record; false for records pfx does not use.  No side
 * effects: a ring's head is decoded before its turn (deliver() does what
 * must happen in time order). */
static bool decode(struct pfx_sampler *s, const struct perf_event_header *h,
		   struct pfx_sample_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	switch (h->type) {
	case PERF_RECORD_SAMPLE: {
		uint64_t id;
		enum ev_role role;

		if (h->size < 16)
			return false;
		memcpy(&id, (const uint8_t *)h + 8, 8);
		if (!lookup_role(s, id, &role)) {
			/* another tracer's id on a sample of pfx's software
			 * events (fault_attr()): page-faults' length (it never
			 * has a call chain), a minor fault's, or a major one's */
			if (s->has_sw_entry && h->size == sizeof(struct sw_entry_sample))
				return decode_sw_entry(h, ev);
			if (s->opts.callchain || s->opts.dwarf_stack)
				return false;
			if (h->size == sizeof(struct pfx_perf_fault_sample))
				return decode_fault(h, false, ev);
			if (h->size == sizeof(struct pfx_perf_fault_sample) + 8)
				return decode_fault(h, true, ev);
			return false;
		}
		if (role == ROLE_ENTRY)
			return decode_entry(s, h, ev);
		if (role == ROLE_ENTRY_SW)
			return decode_sw_entry(h, ev);
		if (role == ROLE_MREMAP_ENTER || role == ROLE_MREMAP_EXIT)
			return decode_mremap(s, h, role == ROLE_MREMAP_ENTER, ev);
		return decode_fault(h, role == ROLE_MAJOR, ev);
	}
	case PERF_RECORD_MMAP2: {
		const struct pfx_perf_mmap2 *m = (const void *)h;
		size_t max = h->size - sizeof(*m) - sizeof(struct pfx_perf_sample_id);

		if (h->size < sizeof(*m) + sizeof(struct pfx_perf_sample_id) ||
		    strnlen(m->filename, max) == max)
			return false;
		trailer(h, ev);
		ev->type = PFX_SAMPLE_MMAP;
		ev->pid = m->pid;
		ev->tid = m->tid;
		ev->addr = m->addr;
		ev->len = m->len;
		ev->pgoff = m->pgoff;
		ev->prot = m->prot;
		ev->flags = m->flags;
		ev->name = m->filename;
		return true;
	}
	case PERF_RECORD_COMM: {
		const struct pfx_perf_comm *c = (const void *)h;
		size_t max = h->size - sizeof(*c) - sizeof(struct pfx_perf_sample_id);

		if (h->size < sizeof(*c) + sizeof(struct pfx_perf_sample_id) ||
		    strnlen(c->comm, max) == max)
			return false;
		trailer(h, ev);
		ev->type = PFX_SAMPLE_COMM;
		ev->pid = c->pid;
		ev->tid = c->tid;
		ev->name = c->comm;
		ev->exec = (h->misc & PERF_RECORD_MISC_COMM_EXEC) != 0;
		return true;
	}
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT: {
		const struct pfx_perf_task *t = (const void *)h;

		if (h->size < sizeof(*t))
			return false;
		ev->type = h->type == PERF_RECORD_FORK ? PFX_SAMPLE_FORK : PFX_SAMPLE_EXIT;
		ev->time = t->time;
		ev->pid = t->pid;
		ev->tid = t->tid;
		ev->ppid = t->ppid;
		return true;
	}
	case PERF_RECORD_LOST: {
		const struct pfx_perf_lost *l = (const void *)h;

		if (h->size < sizeof(*l))
			return false;
		trailer(h, ev);
		ev->type = PFX_SAMPLE_LOST;
		ev->lost = l->lost;
		return true;
	}
	case PERF_RECORD_LOST_SAMPLES: {
		const struct pfx_perf_lost_samples *l = (const void *)h;

		if (h->size < sizeof(*l))
			return false;
		trailer(h, ev);
		ev->type = PFX_SAMPLE_LOST_SAMPLES;
		ev->lost = l->lost;
		return true;
	}
	case PERF_RECORD_THROTTLE:	/* { header; u64 time, id, stream_id; sample_id } */
		if (h->size < sizeof(*h) + 8)
			return false;
		trailer(h, ev);
		memcpy(&ev->time, (const uint8_t *)h + sizeof(*h), 8);
		ev->type = PFX_SAMPLE_THROTTLE;
		return true;
	default:
		return false;
	}
}

/* Slack for a stamp placed before the ring's latest: the calibration's
 * error both times and 50 ppm of drift since (NTP slews CLOCK_MONOTONIC,
 * not local_clock), and a few microseconds besides. */
static uint64_t place_slack(const struct pfx_sampler *s)
{
	return 5000 + 2 * s->clock.error_ns + (s->drain_hi - s->clock.at) / 20000;
}

/* The perf-clock time of the record after ring's current one, when pfx's
 * own clock stamped it (a side-band record, a tracepoint sample of pfx's:
 * the next fault's entry, most often), else 0. */
static uint64_t next_own_time(struct pfx_sampler *s, const struct pfx_ring *ring)
{
	/* { header; u64 id; u32 pid, tid; u64 time; ... } for a tracepoint
	 * sample (tracepoint_attr); every record pfx reads is this long.
	 * Read in place: most often the next record is a fault's sample,
	 * stamped in the clock being checked, and nothing else is needed. */
	uint64_t pos;
	const struct perf_event_header *h = pfx_ring_next(ring, &pos);
	enum ev_role role;

	if (!h || h->size < 32)
		return 0;
	if (h->type == PERF_RECORD_SAMPLE) {
		if (!lookup_role(s, pfx_ring_u64(ring, pos + 8), &role) ||
		    (role != ROLE_ENTRY && role != ROLE_ENTRY_SW && role != ROLE_MREMAP_ENTER &&
		     role != ROLE_MREMAP_EXIT))
			return 0;
		return pfx_ring_u64(ring, pos + 24);
	}
	if (h->type != PERF_RECORD_MMAP2 && h->type != PERF_RECORD_COMM && h->type != PERF_RECORD_FORK &&
	    h->type != PERF_RECORD_EXIT)
		return 0;
	/* the sample_id trailer: ... time, identifier */
	return pfx_ring_u64(ring, pos + h->size - 16u);
}

/* Put hd's times on CLOCK_MONOTONIC.  Side-band records are stamped by
 * pfx's own events; a sample may carry another tracer's clock
 * (perfclock.h), found by where it must lie: not before what this ring
 * (written in time order) holds ahead of it, not after the record pfx
 * stamped that follows it there (often the next fault's entry), nor after
 * the drain began. */
static void place(struct pfx_sampler *s, struct ring_head *hd, const struct pfx_ring *ring)
{
	uint64_t slack = s->slack, lo = 0, hi = s->drain_hi, next;
	bool foreign = false;

	if (hd->h->type == PERF_RECORD_SAMPLE) {
		if (hd->last > slack)
			lo = hd->last - slack;
		next = next_own_time(s, ring);
		if (next && pfx_perfclock_mono(&s->clock, next) < hi)
			hi = pfx_perfclock_mono(&s->clock, next);
		hd->ev.time = pfx_perfclock_place(&s->clock, hd->ev.time, lo, hi + slack, &foreign);
		hd->key = hd->ev.time;
		s->foreign += foreign;
	} else {
		if (hd->ev.time)
			hd->ev.time = pfx_perfclock_mono(&s->clock, hd->ev.time);
		if (hd->key)
			hd->key = pfx_perfclock_mono(&s->clock, hd->key);
	}
	if (hd->key > hd->last)
		hd->last = hd->key;
}

/* Load ring i's next record that pfx uses into heads[i]; false when the
 * round has none left. */
static bool load_head(struct pfx_sampler *s, size_t i)
{
	struct ring_head *hd = &s->heads[i];

	for (;;) {
		hd->h = pfx_ring_peek(&s->rings[i]);
		if (!hd->h)
			return false;
		if (decode(s, hd->h, &hd->ev))
			break;
		pfx_ring_advance(&s->rings[i]);
	}
	hd->key = hd->h->type == PERF_RECORD_SAMPLE ? hd->ev.time : trailer_time(hd->h);
	if (s->clock_ok)
		place(s, hd, &s->rings[i]);
	return true;
}

/* Earlier in the merge: by time, then by CPU (as a scan of the CPUs in
 * order would pick). */
static bool head_before(const struct pfx_sampler *s, size_t a, size_t b)
{
	uint64_t x = s->heads[a].key, y = s->heads[b].key;

	return x < y || (x == y && a < b);
}

static void heap_down(struct pfx_sampler *s, size_t n, size_t i)
{
	size_t *heap = s->heap;

	for (;;) {
		size_t l = 2 * i + 1, m = i, t;

		if (l < n && head_before(s, heap[l], heap[m]))
			m = l;
		if (l + 1 < n && head_before(s, heap[l + 1], heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
}

/* What must happen in time order, just before ev goes out: the unwinder
 * learns mappings and forks, and a fault's chain is taken. */
static void deliver_prepare(struct pfx_sampler *s, const struct perf_event_header *h,
			    struct pfx_sample_event *ev)
{
	if (ev->type == PFX_SAMPLE_FAULT)
		fault_chain(s, h, ev);
	else if (ev->type == PFX_SAMPLE_MMAP && s->unwind)
		pfx_unwind_mmap(s->unwind, (pid_t)ev->pid, ev->addr, ev->len, ev->pgoff, ev->prot, ev->name);
	else if (ev->type == PFX_SAMPLE_FORK && s->unwind && ev->pid == ev->tid)
		pfx_unwind_fork(s->unwind, (pid_t)ev->pid, (pid_t)ev->ppid);
}

/* Each ring is in time order; merging the heads gives global order (a
 * thread that migrates between CPUs keeps its faults in order). */
int pfx_sampler_drain(struct pfx_sampler *s, pfx_sample_fn fn, void *ctx)
{
	size_t n = 0;
	int ret = 0;

	for (size_t i = 0; i < s->ncpus; i++)
		pfx_ring_begin(&s->rings[i]);
	if (s->clock_ok) {
		/* Every record of this round was written before now. */
		if (pfx_now_ns() - s->clock.at > 100000000u)
			pfx_perfclock_calibrate(&s->clock);
		s->drain_hi = pfx_now_ns();
		s->slack = place_slack(s);
	}
	for (size_t i = 0; i < s->ncpus; i++)
		if (load_head(s, i))
			s->heap[n++] = i;
	for (size_t i = n / 2; i-- > 0;)
		heap_down(s, n, i);
	while (n && !ret) {
		size_t top = s->heap[0];
		struct ring_head *hd = &s->heads[top];

		deliver_prepare(s, hd->h, &hd->ev);
		ret = fn(&hd->ev, ctx);
		pfx_ring_advance(&s->rings[top]);
		if (!load_head(s, top))
			s->heap[0] = s->heap[--n];
		if (n > 1)
			heap_down(s, n, 0);
	}
	for (size_t i = 0; i < s->ncpus; i++)
		pfx_ring_end(&s->rings[i]);
	return ret;
}

/* ---- behind the fault-source interface (fault_source.h) ---- */

static int perf_open(void **state, const struct pfx_source_opts *opts, char *why, size_t why_size)
{
	return pfx_sampler_open((struct pfx_sampler **)state, opts, why, why_size);
}

static size_t perf_pollfds(const void *state, struct pollfd *fds, size_t max)
{
	return pfx_sampler_pollfds(state, fds, max);
}

static int perf_enable(void *state)
{
	return pfx_sampler_enable(state);
}

static int perf_drain(void *state, pfx_sample_fn fn, void *ctx)
{
	return pfx_sampler_drain(state, fn, ctx);
}

static void perf_disable(void *state)
{
	pfx_sampler_disable(state);
}

static int perf_counts(const void *state, uint64_t *minor, uint64_t *major)
{
	return pfx_sampler_counts(state, minor, major);
}

static const char *perf_events(const void *state)
{
	return pfx_sampler_events(state);
}

static uint64_t perf_restamped(const void *state)
{
	return ((const struct pfx_sampler *)state)->foreign;
}

static unsigned perf_caps(const void *state)
{
	const struct pfx_sampler *s = state;

	return (s->has_tracepoint ? PFX_SOURCE_ACCESS | PFX_SOURCE_LATENCY : 0) |
	       (s->has_sw_entry ? PFX_SOURCE_LATENCY | PFX_SOURCE_ENTRY_SW : 0) |
	       (s->opts.callchain ? PFX_SOURCE_CALLCHAIN : 0);
}

static void perf_close(void *state)
{
	pfx_sampler_close(state);
}

/* Denied: by what, and what to do (perf.h); the other errors are the
 * caller's to word (ring sizes, fds are its options). */
static const char *perf_hint(int err, const struct pfx_source_opts *opts, char *buf, size_t size)
{
	struct pfx_perf_request req = { 0 };
	int *cpus;
	size_t ncpus = 1;

	if (!pfx_perf_denied(err))
		return "check that perf events work here (pfx list)";
	if (pfx_perf_online_cpus(&cpus, &ncpus) == 0)
		free(cpus);
	if (opts)
		req = (struct pfx_perf_request){ .cpu_wide = opts->host_wide,
			.pid = opts->host_wide ? 0 : opts->pid, .ring_pages = opts->ring_pages, .nrings = ncpus };
	pfx_perf_denied_hint(err, &req, buf, size);
	return buf;
}

const struct pfx_source_ops pfx_perf_source = {
	.name = "perf",
	.open = perf_open,
	.pollfds = perf_pollfds,
	.enable = perf_enable,
	.drain = perf_drain,
	.disable = perf_disable,
	.counts = perf_counts,
	.restamped = perf_restamped,
	.events = perf_events,
	.caps = perf_caps,
	.close = perf_close,
	.hint = perf_hint,
};
