/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recorder: sampler events -> record-file items; method in recorder.h.
 * What the file knows of each process's mappings is mapknown's; what the
 * processes are, the probe's (procprobe.h). */
#include "config.h"
#include "recorder.h"
#include "fault_code.h"
#include "fault_pair.h"
#include "flight.h"
#include "hostscope.h"
#include "mapknown.h"
#include "procprobe.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A fault entry waiting for its completion, per thread; and an mremap()
 * waiting for its return. */
struct pending_entry {
	struct pfx_fault_pending fault;
	bool mremap;
	uint64_t mr_addr, mr_old_len, mr_new_len;
};

/* Per process: the last comm seen (to name threads from FORK records)
 * and where its brk area starts (to name the heap). */
struct proc_comm {
	uint32_t pid;
	char comm[16];
	uint64_t start_brk;	/* 0: not read yet; UINT64_MAX: unknown */
};

/* /proc/PID/maps is read again at most this often per process ... */
#define REREAD_MIN_NS 1000000ull
/* ... and this many times in all. */
#define REREAD_MAX 100000u

struct pfx_recorder {
	struct pfx_rec_writer *w;	/* the file, or */
	struct pfx_flight *flight;	/* ... the flight recorder (--flight) */
	const struct pfx_procprobe *probe;	/* every question to the processes */
	bool exact_totals;		/* minor/major below replace the counted ones */
	uint64_t exact_minor, exact_major;
	bool has_counted;		/* the fault events' own counts (perf source) */
	uint64_t counted_minor, counted_major;
	/* What the file knows of each process's mappings (its /proc
	 * snapshot and the MMAP2 records since).  A fault outside all of
	 * them means a change no record announced (mremap, a child's
	 * inherited memory, a mapping grown or split): /proc is read again
	 * and the changes stored before the fault, at its time. */
	struct pfx_mapknown known;
	struct pfx_mapknown_hint settled[2];	/* of the last fault's address [0] and ip [1] */
	bool snapshot_done;
	uint64_t t0;
	uint64_t page_mask;
	bool latency;
	bool latency_sampled;		/* 1 in N entries (PFX_REC_LATENCY_SAMPLED) */
	struct pfx_u64map pending;	/* tid -> struct pending_entry */
	struct proc_comm comms[64];	/* small ring: processes of one target */
	size_t ncomms;
	struct pfx_recorder_stats stats;
	int err;
	/* every process's mappings apart (pfx_rec_per_space()): see
	 * "address spaces" below */
	bool per_space;
	/* host-wide (PFX_REC_HOST_WIDE): see "host-wide recordings" below */
	bool host;
	struct pfx_u64map seen_tasks;	/* (pid << 32 | tid) -> a thread item is written */
	char **cgroup_names;
	size_t ncgroup_names;
};

static uint64_t rel_time(const struct pfx_recorder *r, uint64_t t)
{
	return t > r->t0 ? t - r->t0 : 0;
}

static struct pending_entry *pending_slot(struct pfx_recorder *r, uint32_t tid)
{
	bool is_new;

	return pfx_u64map_upsert(&r->pending, tid, &is_new);
}

static int open_sink(struct pfx_recorder **rp, const char *path, bool named, struct pfx_flight *flight,
		     const struct pfx_rec_header *header, uint64_t t0, const struct pfx_procprobe *probe);

int pfx_recorder_open(struct pfx_recorder **rp, const char *path, bool named,
		      const struct pfx_rec_header *header, uint64_t t0)
{
	return pfx_recorder_open_probe(rp, path, named, header, t0, pfx_procprobe_proc());
}

int pfx_recorder_open_flight(struct pfx_recorder **rp, struct pfx_flight *flight,
			     const struct pfx_rec_header *header, uint64_t t0)
{
	return open_sink(rp, NULL, false, flight, header, t0, pfx_procprobe_proc());
}

int pfx_recorder_open_probe(struct pfx_recorder **rp, const char *path, bool named,
			    const struct pfx_rec_header *header, uint64_t t0,
			    const struct pfx_procprobe *probe)
{
	return open_sink(rp, path, named, NULL, header, t0, probe);
}

static int open_sink(struct pfx_recorder **rp, const char *path, bool named, struct pfx_flight *flight,
		     const struct pfx_rec_header *header, uint64_t t0, const struct pfx_procprobe *probe)
{
	struct pfx_recorder *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->probe = probe;
	r->flight = flight;
	r->t0 = t0;
	r->page_mask = ~((uint64_t)header->page_size - 1);
	r->latency = header->flags & PFX_REC_HAS_LATENCY;
	r->latency_sampled = header->flags & PFX_REC_LATENCY_SAMPLED;
	r->host = header->flags & PFX_REC_HOST_WIDE;
	r->per_space = pfx_rec_per_space(header);
	err = pfx_u64map_init(&r->pending, sizeof(struct pending_entry));
	if (!err)
		err = pfx_mapknown_init(&r->known);
	if (!err)
		err = pfx_u64map_init(&r->seen_tasks, sizeof(uint8_t));
	if (!err && !flight)
		err = pfx_rec_writer_open(&r->w, path, header, named);
	if (err < 0) {
		pfx_u64map_free(&r->pending);
		pfx_mapknown_free(&r->known);
		pfx_u64map_free(&r->seen_tasks);
		free(r);
		return err;
	}
	*rp = r;
	return 0;
}

static int put(struct pfx_recorder *r, const struct pfx_rec_item *item)
{
	int err = r->flight ? pfx_flight_put(r->flight, item) : pfx_rec_write(r->w, item);

	if (err < 0 && !r->err)
		r->err = err;
	return err;
}

static const char *comm_of(const struct pfx_recorder *r, uint32_t pid)
{
	for (size_t i = 0; i < r->ncomms && i < PFX_ARRAY_SIZE(r->comms); i++)
		if (r->comms[i].pid == pid)
			return r->comms[i].comm;
	return "";
}

static void remember_comm(struct pfx_recorder *r, uint32_t pid, const char *comm)
{
	size_t n = r->ncomms < PFX_ARRAY_SIZE(r->comms) ? r->ncomms : PFX_ARRAY_SIZE(r->comms);

	for (size_t i = 0; i < n; i++) {
		if (r->comms[i].pid == pid) {
			snprintf(r->comms[i].comm, sizeof(r->comms[i].comm), "%s", comm);
			return;
		}
	}
	r->comms[r->ncomms % PFX_ARRAY_SIZE(r->comms)].pid = pid;
	r->comms[r->ncomms % PFX_ARRAY_SIZE(r->comms)].start_brk = 0;
	snprintf(r->comms[r->ncomms % PFX_ARRAY_SIZE(r->comms)].comm, sizeof(r->comms[0].comm), "%s", comm);
	r->ncomms++;
}

/* perf names the brk area "[heap]" only while the kernel's brk bookkeeping
 * agrees (vma_is_initial_heap()); when brk grows, the record is taken
 * before mm->brk moves and says "//anon".  The process's start_brk tells. */
static bool is_heap(struct pfx_recorder *r, uint32_t pid, uint64_t start, uint64_t end)
{
	struct proc_comm *pc = NULL;
	size_t n = r->ncomms < PFX_ARRAY_SIZE(r->comms) ? r->ncomms : PFX_ARRAY_SIZE(r->comms);

	for (size_t i = 0; i < n; i++)
		if (r->comms[i].pid == pid)
			pc = &r->comms[i];
	if (!pc) {
		remember_comm(r, pid, "");
		return is_heap(r, pid, start, end);
	}
	if (!pc->start_brk &&
	    (r->probe->start_brk(r->probe->ctx, (pid_t)pid, &pc->start_brk) < 0 || !pc->start_brk))
		pc->start_brk = UINT64_MAX;
	return pc->start_brk >= start && pc->start_brk < end;
}

static int write_fault(struct pfx_recorder *r, struct pfx_rec_item *item)
{
	r->stats.faults++;
	if (item->fault.kind == PFX_FAULT_MAJOR)
		r->stats.major++;
	else
		r->stats.minor++;
	return put(r, item);
}

static int snapshot_maps(struct pfx_recorder *r, pid_t pid, uint64_t time);

/* A fault of pid at addr, outside what pfx knows of its mappings: read
 * them again (not too often), so the fault is stored after the mapping
 * that holds it. */
static int check_mapped(struct pfx_recorder *r, uint32_t pid, uint64_t addr, uint64_t time)
{
	struct pfx_mapknown_proc *s = pfx_mapknown_proc(&r->known, pid);
	uint64_t now;
	int err;

	if (!s || s->gone || pfx_mapknown_find(s, addr) || s->reads >= REREAD_MAX)
		return 0;
	now = r->probe->now_ns(r->probe->ctx);
	if (s->reads && now - s->last_read_ns < REREAD_MIN_NS)
		return 0;
	s->last_read_ns = now;
	s->reads++;
	r->stats.rereads++;
	err = snapshot_maps(r, (pid_t)pid, time);
	if (err == -ESRCH || err == -ENOENT) {
		s->gone = true;
		r->stats.gone_processes++;
		return 0;
	}
	return err;
}

static int place_fault(struct pfx_recorder *r, const struct pfx_fault *f);
static int task_event(struct pfx_recorder *r, const struct pfx_sample_event *ev);

static int on_fault(struct pfx_recorder *r, const struct pfx_sample_event *ev)
{
	struct pfx_rec_item item = { .type = PFX_REC_FAULT };
	struct pfx_fault *f = &item.fault;

	f->time_ns = rel_time(r, ev->time);
	f->addr = ev->addr;
	f->ip = ev->ip;
	f->pid = ev->pid;
	f->tid = ev->tid;
	f->kind = ev->major ? PFX_FAULT_MAJOR : PFX_FAULT_MINOR;
	if (ev->has_error_code)	/* the source saw the entry (tracefs) */
		f->access = pfx_fault_access_from_code(ev->error_code);
	f->callchain = ev->callchain;
	f->callchain_len = ev->callchain_len;
	if (place_fault(r, f) == -ENOMEM)
		return -ENOMEM;
	if (r->latency) {
		struct pending_entry *p = pending_slot(r, ev->tid);

		uint64_t lat;

		if (p && pfx_fault_pair_complete(&p->fault, ev, r->page_mask, &lat)) {
			f->latency_ns = lat > UINT32_MAX ? UINT32_MAX : lat ? (uint32_t)lat : 1;
			if (p->fault.has_error_code)
				f->access = pfx_fault_access_from_code(p->fault.error_code);
			r->stats.paired++;
		} else if (p && p->fault.valid && r->latency_sampled) {
			/* A thread takes one fault at a time: this completion ends
			 * any fault begun before it, so an entry that never
			 * completed is not paired with a fault of its page N
			 * faults later (the next entry is that far away). */
			p->fault.valid = false;
			r->stats.unpaired_entries++;
		}
	}
	return write_fault(r, &item);
}

static int recorder_lost(struct pfx_recorder *r, uint64_t time, uint64_t records, uint64_t samples)
{
	struct pfx_rec_item item = { .type = PFX_REC_LOST };

	item.lost = (struct pfx_lost){ .time_ns = rel_time(r, time), .records = records,
				       .samples = samples };
	r->stats.lost_records += records;
	r->stats.lost_samples += samples;
	return put(r, &item);
}

static void on_entry(struct pfx_recorder *r, const struct pfx_sample_event *ev)
{
	struct pending_entry *p = pending_slot(r, ev->tid);

	r->stats.entries++;
	if (!p)
		return;
	if (pfx_fault_pair_entry(&p->fault, ev))
		r->stats.unpaired_entries++;
}

static int write_mapping(struct pfx_recorder *r, uint64_t time, uint32_t pid, uint64_t start,
			 uint64_t end, uint64_t pgoff, uint32_t prot, uint32_t flags, const char *path)
{
	struct pfx_rec_item item = { .type = PFX_REC_MAPPING };

	if (strcmp(path, "//anon") == 0)
		path = is_heap(r, pid, start, end) ? "[heap]" : "";
	item.mapping = (struct pfx_mapping){ .time_ns = time, .start = start, .end = end,
					     .pgoff = pgoff, .pid = pid, .prot = prot,
					     .flags = flags, .path = path };
	r->stats.mappings++;
	return put(r, &item);
}

static int write_thread(struct pfx_recorder *r, uint64_t time, uint32_t pid, uint32_t tid,
			const char *comm)
{
	struct pfx_rec_item item = { .type = PFX_REC_THREAD };

	item.thread = (struct pfx_thread){ .time_ns = time, .pid = pid, .tid = tid, .comm = comm };
	r->stats.threads++;
	return put(r, &item);
}

/* mremap() returned: the memory at [ret, ret + new_len) is the mapping
 * that held addr, moved or resized, with its file offset moved along.
 * Stored as a mapping at the return's time, so faults after it are
 * attributed; a mapping pfx did not know is taken as anonymous. */
static int on_mremap_exit(struct pfx_recorder *r, const struct pfx_sample_event *ev)
{
	struct pending_entry *p = pending_slot(r, ev->tid);
	struct pfx_mapknown_proc *s = pfx_mapknown_proc(&r->known, ev->pid);
	const struct pfx_mapknown_map *k;
	uint64_t ret = ev->addr, pgoff = 0;
	uint32_t flags = MAP_PRIVATE, prot = PROT_READ | PROT_WRITE;
	char path[4096] = "";

	if (!p || !p->mremap)
		return 0;
	p->mremap = false;
	if (ret >= (uint64_t)-4095 || !p->mr_new_len || !s)
		return 0;	/* failed, or nothing to place */
	/* A child's mremap() before its first fault moves its parent's memory. */
	if (pfx_mapknown_inherit(&r->known, s) < 0)
		return -ENOMEM;
	if ((k = pfx_mapknown_find(s, p->mr_addr))) {
		pgoff = k->pgoff + (p->mr_addr - k->start);
		flags = k->flags;
		snprintf(path, sizeof(path), "%s", k->path);
	}
	if (pfx_mapknown_insert(s, ret, ret + p->mr_new_len, pgoff, flags, prot, path) < 0)
		return -ENOMEM;
	r->stats.remaps++;
	return write_mapping(r, rel_time(r, ev->time), ev->pid, ret, ret + p->mr_new_len, pgoff, prot, flags,
			     path);
}

int pfx_recorder_sample(const struct pfx_sample_event *ev, void *ctx)
{
	struct pfx_recorder *r = ctx;

	if (r->per_space && (ev->type == PFX_SAMPLE_FORK || ev->type == PFX_SAMPLE_COMM ||
			     ev->type == PFX_SAMPLE_EXIT) && task_event(r, ev) < 0)
		return -ENOMEM;
	switch (ev->type) {
	case PFX_SAMPLE_FAULT:
		return on_fault(r, ev);
	case PFX_SAMPLE_FAULT_ENTRY:
		on_entry(r, ev);
		return 0;
	case PFX_SAMPLE_MMAP: {
		struct pfx_mapknown_proc *s = pfx_mapknown_proc(&r->known, ev->pid);

		/* A child's own mmap() before its first fault (LeakSanitizer's
		 * tracer, say): it still has its parent's mappings besides. */
		if (s && pfx_mapknown_inherit(&r->known, s) < 0)
			return -ENOMEM;
		if (s && pfx_mapknown_insert(s, ev->addr, ev->addr + ev->len, ev->pgoff, ev->flags, ev->prot,
					     ev->name) < 0)
			return -ENOMEM;
		return write_mapping(r, rel_time(r, ev->time), ev->pid, ev->addr, ev->addr + ev->len,
				     ev->pgoff, ev->prot, ev->flags, ev->name);
	}
	case PFX_SAMPLE_COMM:
		if (ev->pid == ev->tid)
			remember_comm(r, ev->pid, ev->name);
		return write_thread(r, rel_time(r, ev->time), ev->pid, ev->tid, ev->name);
	case PFX_SAMPLE_FORK:
		return write_thread(r, rel_time(r, ev->time), ev->pid, ev->tid, comm_of(r, ev->ppid));
	case PFX_SAMPLE_EXIT:
		return 0;
	case PFX_SAMPLE_MREMAP_ENTER: {
		struct pending_entry *p = pending_slot(r, ev->tid);

		if (p) {
			p->mremap = true;
			p->mr_addr = ev->addr;
			p->mr_old_len = ev->len;
			p->mr_new_len = ev->pgoff;
		}
		return 0;
	}
	case PFX_SAMPLE_MREMAP_EXIT:
		return on_mremap_exit(r, ev);
	case PFX_SAMPLE_LOST:
		return recorder_lost(r, ev->time, ev->lost, 0);
	case PFX_SAMPLE_LOST_SAMPLES:
		return recorder_lost(r, ev->time, 0, ev->lost);
	case PFX_SAMPLE_MAPS_NOW:
		/* a process already gone keeps what is known of it */
		pfx_recorder_snapshot(r, (pid_t)ev->pid);
		return 0;
	case PFX_SAMPLE_THROTTLE:
		r->stats.throttles++;
		return 0;
	}
	return 0;
}

/* Are mappings learned from /proc written only when a fault hits them?
 * Host-wide, always (the host's mappings are many); per space, after the
 * target's own first snapshot. */
static bool lazy_writes(const struct pfx_recorder *r)
{
	return r->host || (r->per_space && r->snapshot_done);
}

/* Store pid's mappings that pfx did not know as they are now: the first
 * snapshot as existing from time 0, later ones at the time given; then
 * they are what pfx knows of pid. */
static int snapshot_maps(struct pfx_recorder *r, pid_t pid, uint64_t time)
{
	struct pfx_map_entry *maps;
	struct pfx_mapknown_proc *s;
	size_t n;
	bool *written = NULL;
	int err = r->probe->maps(r->probe->ctx, pid, &maps, &n);

	if (err < 0)
		return err;
	s = pfx_mapknown_proc(&r->known, (uint32_t)pid);
	/* Per space, a mapping learned after the first snapshot is written
	 * when a fault first hits it (write_covering): remember which are in
	 * the file already. */
	if (s && lazy_writes(r) && !(written = calloc(n ? n : 1, sizeof(*written))))
		s = NULL;
	if (!s) {
		free(maps);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && !err; i++) {
		const struct pfx_mapknown_map *k = pfx_mapknown_exactly(s, &maps[i]);

		if (written)
			written[i] = k && !k->unwritten;
		else if (!k)
			err = write_mapping(r, time, (uint32_t)pid, maps[i].start, maps[i].end,
					    maps[i].pgoff, maps[i].prot, maps[i].flags, maps[i].path);
	}
	/* Write first, then forget (a write that failed: forget all). */
	if (err)
		pfx_mapknown_clear(s);
	else
		err = pfx_mapknown_replace(s, maps, n, written);
	free(written);
	free(maps);
	return err;
}

int pfx_recorder_snapshot(struct pfx_recorder *r, pid_t pid)
{
	pid_t *tids;
	size_t ntids;
	char comm[64];
	bool first = !r->snapshot_done;
	int err = snapshot_maps(r, pid, first ? 0 : rel_time(r, r->probe->now_ns(r->probe->ctx)));

	if (err < 0 || !first)
		return err;
	r->snapshot_done = true;
	if (r->probe->tids(r->probe->ctx, pid, &tids, &ntids) < 0)
		return 0;	/* threads are optional: mappings are what matter */
	for (size_t i = 0; i < ntids && !err; i++) {
		if (r->probe->comm(r->probe->ctx, pid, tids[i], comm, sizeof(comm)) < 0)
			continue;
		if (tids[i] == pid)
			remember_comm(r, (uint32_t)pid, comm);
		err = write_thread(r, 0, (uint32_t)pid, (uint32_t)tids[i], comm);
	}
	free(tids);
	return err;
}

/* --- address spaces (PFX_REC_PER_SPACE, and host-wide recordings) ---
 *
 * Each process keeps its own mappings (mapknown.h): the target's from
 * its /proc snapshot, every other's learned at its first fault: from its
 * parent when the recording saw the fork (a child starts with its
 * parent's memory), else from /proc/PID/maps.  A fork or an execve() (a
 * COMM record marked exec) begins a new address space: pfx forgets what
 * it knew and writes a SPACE item, so the reader forgets too; the new
 * image's MMAP2 records follow.  Mappings learned this way are written
 * when the first fault hits them (its address, ip or a frame of its
 * chain), so a shell loop does not copy the shell's maps for each child
 * and a host-wide file does not hold the whole host's maps.
 *
 * Host-wide recordings (record -a/-G: PFX_REC_HOST_WIDE) see every
 * process of the host, most of them running before the recording began;
 * at a process's first fault pfx also writes its cgroup and its main
 * thread's comm (from /proc, or its parent's when it is gone), and a
 * thread item for each thread not announced by a COMM or FORK record. */

/* Note that a thread item for (pid, tid) is in the file; true if it was not. */
static bool mark_seen(struct pfx_recorder *r, uint32_t pid, uint32_t tid)
{
	bool is_new = false;

	return pfx_u64map_upsert(&r->seen_tasks, (uint64_t)pid << 32 | tid, &is_new) && is_new;
}

/* Index + 1 of name in the recorder's cgroup names (added if new), 0 on ENOMEM. */
static uint32_t intern_cgroup(struct pfx_recorder *r, const char *name)
{
	char **grown;

	for (size_t i = 0; i < r->ncgroup_names; i++)
		if (strcmp(r->cgroup_names[i], name) == 0)
			return (uint32_t)i + 1;
	grown = realloc(r->cgroup_names, (r->ncgroup_names + 1) * sizeof(*grown));
	if (!grown)
		return 0;
	r->cgroup_names = grown;
	grown[r->ncgroup_names] = strdup(name);
	return grown[r->ncgroup_names] ? (uint32_t)++r->ncgroup_names : 0;
}

/* pid's cgroup: from /proc, else (gone) its parent's. */
static uint32_t cgroup_of(struct pfx_recorder *r, uint32_t pid, bool try_parent)
{
	char name[PFX_CGROUP_NAME_MAX];
	struct pfx_mapknown_proc *s;
	uint32_t ppid;

	if (r->probe->cgroup(r->probe->ctx, (pid_t)pid, name, sizeof(name)) == 0)
		return intern_cgroup(r, name);
	s = pfx_mapknown_proc(&r->known, pid);
	ppid = s ? s->ppid : 0;
	if (!try_parent || !ppid || !(s = pfx_mapknown_proc(&r->known, ppid)))
		return 0;
	return s->cgroup ? s->cgroup : cgroup_of(r, ppid, false);
}

static int write_cgroup(struct pfx_recorder *r, uint32_t pid, uint64_t time)
{
	struct pfx_rec_item item = { .type = PFX_REC_CGROUP };
	uint32_t index = cgroup_of(r, pid, true);
	struct pfx_mapknown_proc *s = pfx_mapknown_proc(&r->known, pid);

	if (s)
		s->cgroup = index;
	item.cgroup = (struct pfx_proc_cgroup){ .time_ns = time, .pid = pid,
		.path = index ? r->cgroup_names[index - 1] : "" };
	return put(r, &item);
}

/* The thread items and the cgroup of a task seen faulting for the first time. */
static int host_note_task(struct pfx_recorder *r, uint32_t pid, uint32_t tid, uint64_t time)
{
	struct pfx_mapknown_proc *s = pfx_mapknown_proc(&r->known, pid);
	char comm[64];
	int err = 0;

	if (!s)
		return -ENOMEM;
	if (!s->described) {
		s->described = true;
		err = write_cgroup(r, pid, time);
		if (!err && mark_seen(r, pid, pid)) {
			if (r->probe->comm(r->probe->ctx, (pid_t)pid, 0, comm, sizeof(comm)) == 0)
				remember_comm(r, pid, comm);
			else
				snprintf(comm, sizeof(comm), "%s", comm_of(r, pid));
			err = write_thread(r, time, pid, pid, comm);
		}
	}
	if (!err && tid != pid && mark_seen(r, pid, tid)) {
		if (r->probe->comm(r->probe->ctx, (pid_t)pid, (pid_t)tid, comm, sizeof(comm)) < 0)
			snprintf(comm, sizeof(comm), "%s", comm_of(r, pid));
		err = write_thread(r, time, pid, tid, comm);
	}
	return err;
}

/* Write the known mapping of pid that holds addr, if it is not in the
 * file yet; remember it in hint (if not NULL). */
static int write_covering(struct pfx_recorder *r, struct pfx_mapknown_hint *hint, uint32_t pid,
			  uint64_t addr, uint64_t time)
{
	struct pfx_mapknown_proc *s;
	const struct pfx_mapknown_map *k;

	if (hint && pfx_mapknown_hint_hit(hint, pid, addr))
		return 0;
	if (!(s = pfx_mapknown_proc(&r->known, pid)))
		return -ENOMEM;
	k = pfx_mapknown_claim(s, addr, hint);
	return k ? write_mapping(r, time, pid, k->start, k->end, k->pgoff, k->prot, k->flags, k->path) : 0;
}

/* Before a fault goes into the file: per space, its task's items
 * (host-wide) and the mappings of its address, its ip and its call chain
 * (the report names code by the mapping that holds it); else the
 * mapping of its address, read again from /proc if pfx does not know it. */
static int place_fault(struct pfx_recorder *r, const struct pfx_fault *f)
{
	struct pfx_mapknown_proc *s;
	int err = r->host ? host_note_task(r, f->pid, f->tid, f->time_ns) : 0;

	if (!r->per_space || err)
		return err ? err : check_mapped(r, f->pid, f->addr, f->time_ns);
	if (!pfx_mapknown_hint_hit(&r->settled[0], f->pid, f->addr)) {
		s = pfx_mapknown_proc(&r->known, f->pid);
		if (!s)
			return -ENOMEM;
		if ((err = pfx_mapknown_inherit(&r->known, s)))
			return err;
		err = check_mapped(r, f->pid, f->addr, f->time_ns);
		if (!err)
			err = write_covering(r, &r->settled[0], f->pid, f->addr, f->time_ns);
	}
	/* most faults are at the ip of the one before: no call */
	if (!err && f->ip && !pfx_mapknown_hint_hit(&r->settled[1], f->pid, f->ip))
		err = write_covering(r, &r->settled[1], f->pid, f->ip, f->time_ns);
	for (uint16_t i = 0; i < f->callchain_len && !err; i++)
		err = write_covering(r, NULL, f->pid, f->callchain[i], f->time_ns);
	return err;
}

/* pid begins a new address space at time (fork, execve): what pfx knew
 * of its mappings is not its own any more, for pfx and for the reader. */
static int space_begins(struct pfx_recorder *r, uint32_t pid, uint64_t time)
{
	struct pfx_rec_item item = { .type = PFX_REC_SPACE };
	struct pfx_mapknown_proc *s = pfx_mapknown_proc(&r->known, pid);

	if (!s)
		return -ENOMEM;
	pfx_mapknown_clear(s);
	/* Nothing of the new space has been read: its first unknown fault
	 * may read /proc at once, even within REREAD_MIN_NS of a read of the
	 * old one in the same drain (tracefs sees both in one batch). */
	s->last_read_ns = 0;
	for (size_t i = 0; i < r->ncomms && i < PFX_ARRAY_SIZE(r->comms); i++)
		if (r->comms[i].pid == pid)
			r->comms[i].start_brk = 0;	/* a new image has its own brk area */
	item.space = (struct pfx_space){ .time_ns = time, .pid = pid };
	return put(r, &item);
}

/* FORK, COMM and EXIT of a task (per space). */
static int task_event(struct pfx_recorder *r, const struct pfx_sample_event *ev)
{
	uint64_t time = rel_time(r, ev->time);
	struct pfx_mapknown_proc *s;
	char comm[64];

	if (ev->type == PFX_SAMPLE_FORK) {
		if (r->host) {
			mark_seen(r, ev->pid, ev->tid);	/* its thread item follows */
			/* The item names the child after its parent: know the parent's name. */
			if (!comm_of(r, ev->ppid)[0] &&
			    r->probe->comm(r->probe->ctx, (pid_t)ev->ppid, 0, comm, sizeof(comm)) == 0)
				remember_comm(r, ev->ppid, comm);
		}
		if (ev->pid != ev->tid)
			return 0;	/* a thread: the process's mappings */
		if (space_begins(r, ev->pid, time) < 0 || !(s = pfx_mapknown_proc(&r->known, ev->pid)))
			return -ENOMEM;
		s->ppid = ev->ppid;	/* a pid used again, maybe */
		s->inherit = ev->ppid != 0;
		s->gone = s->described = false;
		s->reads = 0;
		s->cgroup = 0;
		return 0;
	}
	if (ev->type == PFX_SAMPLE_COMM) {
		if (r->host)
			mark_seen(r, ev->pid, ev->tid);	/* its thread item follows */
		/* execve(): a new address space, announced by the MMAP2 records that follow. */
		if (ev->exec && ev->pid == ev->tid) {
			if (!(s = pfx_mapknown_proc(&r->known, ev->pid)))
				return -ENOMEM;
			s->inherit = false;	/* a new image owes its parent nothing */
			s->gone = false;	/* read its new image */
			return space_begins(r, ev->pid, time);
		}
		return 0;
	}
	/* EXIT of a process: /proc will not have it any more. */
	if (ev->pid == ev->tid && (s = pfx_mapknown_proc(&r->known, ev->pid))) {
		pfx_mapknown_release(s);
		s->gone = true;
		if (r->flight)
			return pfx_flight_exit(r->flight, ev->pid, time);
	}
	return 0;
}

static void free_host(struct pfx_recorder *r)
{
	for (size_t i = 0; i < r->ncgroup_names; i++)
		free(r->cgroup_names[i]);
	free(r->cgroup_names);
	pfx_u64map_free(&r->seen_tasks);
}

const struct pfx_recorder_stats *pfx_recorder_stats(const struct pfx_recorder *r)
{
	return &r->stats;
}

uint64_t pfx_recorder_bytes(const struct pfx_recorder *r)
{
	return r->w ? pfx_rec_writer_bytes(r->w) : 0;
}

void pfx_recorder_set_exact_totals(struct pfx_recorder *r, uint64_t minor, uint64_t major)
{
	r->exact_totals = true;
	r->exact_minor = minor;
	r->exact_major = major;
}

void pfx_recorder_set_counted(struct pfx_recorder *r, uint64_t minor, uint64_t major)
{
	r->has_counted = true;
	r->counted_minor = minor;
	r->counted_major = major;
}

int pfx_recorder_finish(struct pfx_recorder *r, uint64_t end_time)
{
	struct pfx_rec_totals t = {
		.faults = r->stats.faults, .minor = r->stats.minor, .major = r->stats.major,
		.lost_records = r->stats.lost_records, .lost_samples = r->stats.lost_samples,
		.duration_ns = rel_time(r, end_time),
	};
	int err = r->err;

	if (r->exact_totals) {
		t.minor = r->exact_minor;
		t.major = r->exact_major;
	}
	t.has_counted = r->has_counted;
	t.counted_minor = r->counted_minor;
	t.counted_major = r->counted_major;
	if (!r->w)
		;	/* the flight recorder's: the caller dumps it or not */
	else if (err < 0)
		pfx_rec_writer_abort(r->w);
	else
		err = pfx_rec_writer_close(r->w, &t);
	pfx_u64map_free(&r->pending);
	pfx_mapknown_free(&r->known);
	free_host(r);
	free(r);
	return err;
}

void pfx_recorder_abort(struct pfx_recorder *r)
{
	if (!r)
		return;
	if (r->w)
		pfx_rec_writer_abort(r->w);
	pfx_u64map_free(&r->pending);
	pfx_mapknown_free(&r->known);
	free_host(r);
	free(r);
}
