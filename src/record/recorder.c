/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recorder: sampler events -> record-file items; method in recorder.h. */
#include "config.h"
#include "recorder.h"
#include "fault_code.h"
#include "maps.h"
#include "procstat.h"
#include "target.h"
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
	bool valid;
	uint64_t time, addr, error_code;
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

/* A mapping as pfx last knew it, to store only what changed. */
struct known_map {
	uint64_t start, end, pgoff;
	uint32_t flags;
	char *path;
};

/* One process's mappings as pfx last knew them (its /proc snapshot and
 * the MMAP2 records since), in start order, never overlapping: a mapping
 * replaces what it covers.  A fault outside all of them means a change no
 * record announced (mremap, a child's inherited memory, a mapping grown
 * or split): /proc is read again and the changes stored before the
 * fault, at its time. */
struct pid_maps {
	uint32_t pid;
	struct known_map *v;
	size_t n, cap;
	uint64_t last_read_ns;	/* pfx_now_ns() of the last /proc read */
	unsigned reads;
	bool gone;		/* /proc has it no more: nothing to re-read */
};

/* /proc/PID/maps is read again at most this often per process ... */
#define REREAD_MIN_NS 1000000ull
/* ... and this many times in all. */
#define REREAD_MAX 100000u

struct pfx_recorder {
	struct pfx_rec_writer *w;
	bool exact_totals;		/* minor/major below replace the counted ones */
	uint64_t exact_minor, exact_major;
	bool has_counted;		/* the fault events' own counts (perf source) */
	uint64_t counted_minor, counted_major;
	struct pid_maps *spaces;	/* per process */
	size_t nspaces, cap_spaces;
	struct pfx_u64map space_index;	/* pid -> index + 1 into spaces */
	bool snapshot_done;
	uint64_t t0;
	uint64_t page_mask;
	bool latency;
	struct pfx_u64map pending;	/* tid -> struct pending_entry */
	struct proc_comm comms[64];	/* small ring: processes of one target */
	size_t ncomms;
	struct pfx_recorder_stats stats;
	int err;
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

int pfx_recorder_open(struct pfx_recorder **rp, const char *path, bool named,
		      const struct pfx_rec_header *header, uint64_t t0)
{
	struct pfx_recorder *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->t0 = t0;
	r->page_mask = ~((uint64_t)header->page_size - 1);
	r->latency = header->flags & PFX_REC_HAS_LATENCY;
	err = pfx_u64map_init(&r->pending, sizeof(struct pending_entry));
	if (!err)
		err = pfx_u64map_init(&r->space_index, sizeof(uint64_t));
	if (!err)
		err = pfx_rec_writer_open(&r->w, path, header, named);
	if (err < 0) {
		pfx_u64map_free(&r->pending);
		pfx_u64map_free(&r->space_index);
		free(r);
		return err;
	}
	*rp = r;
	return 0;
}

static int put(struct pfx_recorder *r, const struct pfx_rec_item *item)
{
	int err = pfx_rec_write(r->w, item);

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

/* start_brk, field 47 of /proc/PID/stat.  0 if unreadable. */
static uint64_t read_start_brk(uint32_t pid)
{
	char path[64], buf[2048], *p;
	unsigned long long v = 0;
	int field = 3;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	if (pfx_read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return 0;
	for (p += 2; *p && field < 47; p++)
		if (*p == ' ')
			field++;
	if (sscanf(p, "%llu", &v) != 1)
		return 0;
	return v;
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
	if (!pc->start_brk) {
		pc->start_brk = read_start_brk(pid);
		if (!pc->start_brk)
			pc->start_brk = UINT64_MAX;
	}
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

/* --- what pfx knows of each process's mappings --- */

static struct pid_maps *space_of(struct pfx_recorder *r, uint32_t pid)
{
	bool is_new;
	uint64_t *slot = pfx_u64map_upsert(&r->space_index, pid, &is_new);

	if (!slot)
		return NULL;
	if (is_new) {
		if (PFX_GROW(r->spaces, r->cap_spaces, r->nspaces + 1, 8)) {
			*slot = 0;
			return NULL;
		}
		r->spaces[r->nspaces] = (struct pid_maps){ .pid = pid };
		*slot = ++r->nspaces;
	}
	return *slot ? &r->spaces[*slot - 1] : NULL;
}

/* Index of the first mapping of s starting at or after addr. */
static size_t first_at_or_after(const struct pid_maps *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->v[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool covered(const struct pid_maps *s, uint64_t addr)
{
	size_t i = first_at_or_after(s, addr + 1);

	return i > 0 && s->v[i - 1].end > addr;
}

static bool known_exactly(const struct pid_maps *s, const struct pfx_map_entry *e)
{
	size_t i = first_at_or_after(s, e->start);
	const struct known_map *k = i < s->n ? &s->v[i] : NULL;

	return k && k->start == e->start && k->end == e->end && k->pgoff == e->pgoff &&
	       k->flags == e->flags && strcmp(k->path, e->path) == 0;
}

static int known_put(struct pid_maps *s, size_t i, const struct known_map *k)
{
	if (PFX_GROW(s->v, s->cap, s->n + 1, 32))
		return -ENOMEM;
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(*s->v));
	s->v[i] = *k;
	s->n++;
	return 0;
}

/* Add a mapping to s; what it covers of older ones is gone (an older one
 * around it keeps its head and its tail).  0 or -ENOMEM. */
static int known_insert(struct pid_maps *s, uint64_t start, uint64_t end, uint64_t pgoff, uint32_t flags,
			const char *path)
{
	size_t i = first_at_or_after(s, start), j;
	struct known_map k = { start, end, pgoff, flags, strdup(path) }, tail = { 0 };
	const struct known_map *last = NULL;
	int err;

	if (!k.path)
		return -ENOMEM;
	/* The part of an older mapping beyond the new one lives on. */
	for (j = i; j < s->n && s->v[j].start < end; j++)
		last = &s->v[j];
	if (!last && i > 0 && s->v[i - 1].end > start)
		last = &s->v[i - 1];
	if (last && last->end > end) {
		tail = (struct known_map){ end, last->end, last->pgoff + (end - last->start), last->flags,
					   strdup(last->path) };
		if (!tail.path) {
			free(k.path);
			return -ENOMEM;
		}
	}
	if (i > 0 && s->v[i - 1].end > start)
		s->v[i - 1].end = start;
	for (size_t x = i; x < j; x++)
		free(s->v[x].path);
	if (j > i) /* s->v may still be NULL when nothing is known */
		memmove(&s->v[i], &s->v[j], (s->n - j) * sizeof(*s->v));
	s->n -= j - i;
	err = known_put(s, i, &k);
	if (!err && tail.path)
		err = known_put(s, i + 1, &tail);
	if (err) {
		free(k.path);
		free(tail.path);
	}
	return err;
}

static void known_clear(struct pid_maps *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	s->n = 0;
}

static int snapshot_maps(struct pfx_recorder *r, pid_t pid, uint64_t time);

/* A fault of pid at addr, outside what pfx knows of its mappings: read
 * them again (not too often), so the fault is stored after the mapping
 * that holds it. */
static int check_mapped(struct pfx_recorder *r, uint32_t pid, uint64_t addr, uint64_t time)
{
	struct pid_maps *s = space_of(r, pid);
	uint64_t now;
	int err;

	if (!s || s->gone || covered(s, addr) || s->reads >= REREAD_MAX)
		return 0;
	now = pfx_now_ns();
	if (s->reads && now - s->last_read_ns < REREAD_MIN_NS)
		return 0;
	s->last_read_ns = now;
	s->reads++;
	r->stats.rereads++;
	err = snapshot_maps(r, (pid_t)pid, time);
	if (err == -ESRCH || err == -ENOENT) {
		s = space_of(r, pid);
		if (s)
			s->gone = true;
		r->stats.gone_processes++;
		return 0;
	}
	return err;
}

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
	f->callchain = ev->callchain;
	f->callchain_len = ev->callchain_len;
	if (check_mapped(r, ev->pid, ev->addr, f->time_ns) == -ENOMEM)
		return -ENOMEM;
	if (r->latency) {
		struct pending_entry *p = pending_slot(r, ev->tid);

		if (p && p->valid && ((p->addr ^ ev->addr) & r->page_mask) == 0 &&
		    ev->time >= p->time) {
			uint64_t lat = ev->time - p->time;

			f->latency_ns = lat > UINT32_MAX ? UINT32_MAX : lat ? (uint32_t)lat : 1;
			f->access = pfx_fault_access_from_code(p->error_code);
			p->valid = false;
			r->stats.paired++;
		}
	}
	return write_fault(r, &item);
}

int pfx_recorder_fault(struct pfx_recorder *r, const struct pfx_fault *fault)
{
	struct pfx_rec_item item = { .type = PFX_REC_FAULT, .fault = *fault };

	item.fault.time_ns = rel_time(r, fault->time_ns);
	if (check_mapped(r, fault->pid, fault->addr, item.fault.time_ns) == -ENOMEM)
		return -ENOMEM;
	return write_fault(r, &item);
}

int pfx_recorder_lost(struct pfx_recorder *r, uint64_t time, uint64_t records, uint64_t samples)
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
	/* An entry still waiting means that fault never completed as a
	 * counted fault (it failed, or was a spurious/retried one). */
	if (p->valid)
		r->stats.unpaired_entries++;
	p->valid = true;
	p->time = ev->time;
	p->addr = ev->addr;
	p->error_code = ev->error_code;
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
	struct pid_maps *s = space_of(r, ev->pid);
	uint64_t ret = ev->addr, pgoff = 0;
	uint32_t flags = MAP_PRIVATE, prot = PROT_READ | PROT_WRITE;
	char path[4096] = "";

	if (!p || !p->mremap)
		return 0;
	p->mremap = false;
	if (ret >= (uint64_t)-4095 || !p->mr_new_len || !s)
		return 0;	/* failed, or nothing to place */
	if (covered(s, p->mr_addr)) {
		const struct known_map *k = &s->v[first_at_or_after(s, p->mr_addr + 1) - 1];

		pgoff = k->pgoff + (p->mr_addr - k->start);
		flags = k->flags;
		snprintf(path, sizeof(path), "%s", k->path);
	}
	if (known_insert(s, ret, ret + p->mr_new_len, pgoff, flags, path) < 0)
		return -ENOMEM;
	r->stats.remaps++;
	return write_mapping(r, rel_time(r, ev->time), ev->pid, ret, ret + p->mr_new_len, pgoff, prot, flags,
			     path);
}

int pfx_recorder_sample(const struct pfx_sample_event *ev, void *ctx)
{
	struct pfx_recorder *r = ctx;

	switch (ev->type) {
	case PFX_SAMPLE_FAULT:
		return on_fault(r, ev);
	case PFX_SAMPLE_FAULT_ENTRY:
		on_entry(r, ev);
		return 0;
	case PFX_SAMPLE_MMAP: {
		struct pid_maps *s = space_of(r, ev->pid);

		if (s && known_insert(s, ev->addr, ev->addr + ev->len, ev->pgoff, ev->flags, ev->name) < 0)
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
		return pfx_recorder_lost(r, ev->time, ev->lost, 0);
	case PFX_SAMPLE_LOST_SAMPLES:
		return pfx_recorder_lost(r, ev->time, 0, ev->lost);
	}
	return 0;
}

/* Store pid's mappings that pfx did not know as they are now: the first
 * snapshot as existing from time 0, later ones at the time given; then
 * they are what pfx knows of pid. */
static int snapshot_maps(struct pfx_recorder *r, pid_t pid, uint64_t time)
{
	struct pfx_map_entry *maps;
	struct pid_maps *s;
	size_t n;
	int err = pfx_maps_read(pid, &maps, &n);

	if (err < 0)
		return err;
	s = space_of(r, (uint32_t)pid);
	if (!s) {
		free(maps);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && !err; i++)
		if (!known_exactly(s, &maps[i]))
			err = write_mapping(r, time, (uint32_t)pid, maps[i].start, maps[i].end,
					    maps[i].pgoff, maps[i].prot, maps[i].flags, maps[i].path);
	/* Write first, then forget: write_mapping looks nothing up in s. */
	s = space_of(r, (uint32_t)pid);
	if (s)
		known_clear(s);
	for (size_t i = 0; s && i < n && !err; i++)
		err = known_insert(s, maps[i].start, maps[i].end, maps[i].pgoff, maps[i].flags, maps[i].path);
	free(maps);
	return err;
}

int pfx_recorder_snapshot(struct pfx_recorder *r, pid_t pid)
{
	pid_t *tids;
	size_t ntids;
	char comm[64];
	bool first = !r->snapshot_done;
	int err = snapshot_maps(r, pid, first ? 0 : rel_time(r, pfx_now_ns()));

	if (err < 0 || !first)
		return err;
	r->snapshot_done = true;
	if (pfx_list_tids(pid, &tids, &ntids) < 0)
		return 0;	/* threads are optional: mappings are what matter */
	for (size_t i = 0; i < ntids && !err; i++) {
		if (pfx_proc_read_comm(pid, tids[i], comm, sizeof(comm)) < 0)
			continue;
		if (tids[i] == pid)
			remember_comm(r, (uint32_t)pid, comm);
		err = write_thread(r, 0, (uint32_t)pid, (uint32_t)tids[i], comm);
	}
	free(tids);
	return err;
}

const struct pfx_recorder_stats *pfx_recorder_stats(const struct pfx_recorder *r)
{
	return &r->stats;
}

uint64_t pfx_recorder_bytes(const struct pfx_recorder *r)
{
	return pfx_rec_writer_bytes(r->w);
}

static void free_spaces(struct pfx_recorder *r)
{
	for (size_t i = 0; i < r->nspaces; i++) {
		known_clear(&r->spaces[i]);
		free(r->spaces[i].v);
	}
	free(r->spaces);
	r->spaces = NULL;
	r->nspaces = 0;
	pfx_u64map_free(&r->space_index);
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
	if (err < 0)
		pfx_rec_writer_abort(r->w);
	else
		err = pfx_rec_writer_close(r->w, &t);
	pfx_u64map_free(&r->pending);
	free_spaces(r);
	free(r);
	return err;
}

void pfx_recorder_abort(struct pfx_recorder *r)
{
	if (!r)
		return;
	pfx_rec_writer_abort(r->w);
	pfx_u64map_free(&r->pending);
	free_spaces(r);
	free(r);
}
