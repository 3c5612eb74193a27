/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-recorder: the recorder (record/recorder.c) fed with synthetic
 * events and a fake probe (procprobe.h) in place of /proc, its file read
 * back item by item: the snapshot, latency pairing, heap naming, lost
 * records, totals; a fault before its mapping is seen (/proc read again,
 * paced by the probe's clock, not after the process is gone); fork (the
 * child takes its parent's mappings at its first fault or mmap, writes
 * each when a fault first hits it); a mapping that cuts another; exec (a
 * new space, nothing inherited, a new comm and heap, the last fault's
 * mapping not taken for known); mremap (also a child's, before its first
 * fault); exit; host-wide cgroup and thread items.  Each case says which
 * items, with which values, in which order, and which questions the
 * probe was asked. */
#include "config.h"
#include "recorder.h"
#include "procprobe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test.h"

/* Every event time is T0 + the item time the file must hold. */
#define T0 1000000000ull
#define MS 1000000ull

/* --- the fake processes: what the probe answers --- */

struct fake_proc {
	pid_t pid;
	bool gone;			/* every question: -ESRCH */
	struct pfx_map_entry maps[6];
	size_t nmaps;
	pid_t tids[3];
	char comms[3][16];		/* of tids[i] */
	size_t ntids;
	const char *cgroup;
	uint64_t start_brk;
};

static struct {
	struct fake_proc procs[4];
	size_t n;
	uint64_t now;			/* the probe's clock */
	char calls[512];		/* the questions asked, in order */
} fake;

static void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.now = T0;
}

__attribute__((format(printf, 1, 2)))
static void called(const char *fmt, ...)
{
	size_t len = strlen(fake.calls);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake.calls + len, sizeof(fake.calls) - len, fmt, ap);
	va_end(ap);
}

static struct fake_proc *fake_proc(pid_t pid)
{
	for (size_t i = 0; i < fake.n; i++)
		if (fake.procs[i].pid == pid)
			return fake.procs[i].gone ? NULL : &fake.procs[i];
	return NULL;
}

static struct fake_proc *fake_add(pid_t pid, const char *comm, const char *cgroup, uint64_t start_brk)
{
	struct fake_proc *p = &fake.procs[fake.n++];

	p->pid = pid;
	p->tids[0] = pid;
	snprintf(p->comms[0], sizeof(p->comms[0]), "%s", comm);
	p->ntids = 1;
	p->cgroup = cgroup;
	p->start_brk = start_brk;
	return p;
}

static void fake_thread(struct fake_proc *p, pid_t tid, const char *comm)
{
	p->tids[p->ntids] = tid;
	snprintf(p->comms[p->ntids++], sizeof(p->comms[0]), "%s", comm);
}

/* Add a mapping in address order, or replace the one starting at start. */
static void fake_map(struct fake_proc *p, uint64_t start, uint64_t end, uint64_t pgoff, uint32_t prot,
		     uint32_t flags, const char *path)
{
	size_t i = 0;

	while (i < p->nmaps && p->maps[i].start < start)
		i++;
	if (i == p->nmaps || p->maps[i].start != start) {
		memmove(&p->maps[i + 1], &p->maps[i], (p->nmaps - i) * sizeof(p->maps[0]));
		p->nmaps++;
	}
	p->maps[i] = (struct pfx_map_entry){ .start = start, .end = end, .pgoff = pgoff, .prot = prot,
					     .flags = flags };
	snprintf(p->maps[i].path, sizeof(p->maps[i].path), "%s", path);
}

static void fake_unmap(struct fake_proc *p, uint64_t start)
{
	for (size_t i = 0; i < p->nmaps; i++)
		if (p->maps[i].start == start) {
			memmove(&p->maps[i], &p->maps[i + 1], (p->nmaps - i - 1) * sizeof(p->maps[0]));
			p->nmaps--;
			return;
		}
}

/* A malloc'ed copy of n items of size bytes each, as /proc's readers
 * hand out; NULL when out of memory. */
static void *copy_of(const void *items, size_t n, size_t size)
{
	void *out = malloc(n ? n * size : 1);

	if (out)
		memcpy(out, items, n * size);
	return out;
}

static int probe_maps(void *ctx, pid_t pid, struct pfx_map_entry **maps, size_t *count)
{
	struct fake_proc *p = fake_proc(pid);

	(void)ctx;
	called("maps %d; ", (int)pid);
	if (!p)
		return -ESRCH;
	*count = p->nmaps;
	return (*maps = copy_of(p->maps, p->nmaps, sizeof(**maps))) ? 0 : -ENOMEM;
}

static int probe_tids(void *ctx, pid_t pid, pid_t **tids, size_t *count)
{
	struct fake_proc *p = fake_proc(pid);

	(void)ctx;
	called("tids %d; ", (int)pid);
	if (!p)
		return -ESRCH;
	*count = p->ntids;
	return (*tids = copy_of(p->tids, p->ntids, sizeof(**tids))) ? 0 : -ENOMEM;
}

static int probe_comm(void *ctx, pid_t pid, pid_t tid, char *comm, size_t size)
{
	struct fake_proc *p = fake_proc(pid);

	(void)ctx;
	called("comm %d/%d; ", (int)pid, (int)tid);
	for (size_t i = 0; p && i < p->ntids; i++)
		if (p->tids[i] == (tid ? tid : pid)) {
			snprintf(comm, size, "%s", p->comms[i]);
			return 0;
		}
	return -ESRCH;
}

static int probe_cgroup(void *ctx, pid_t pid, char *name, size_t size)
{
	struct fake_proc *p = fake_proc(pid);

	(void)ctx;
	called("cgroup %d; ", (int)pid);
	if (!p)
		return -ESRCH;
	snprintf(name, size, "%s", p->cgroup);
	return 0;
}

static int probe_start_brk(void *ctx, pid_t pid, uint64_t *start_brk)
{
	struct fake_proc *p = fake_proc(pid);

	(void)ctx;
	called("start_brk %d; ", (int)pid);
	if (!p)
		return -ESRCH;
	*start_brk = p->start_brk;
	return 0;
}

static uint64_t probe_now_ns(void *ctx)
{
	(void)ctx;
	return fake.now;
}

static const struct pfx_procprobe probe = {
	.maps = probe_maps, .tids = probe_tids, .comm = probe_comm, .cgroup = probe_cgroup,
	.start_brk = probe_start_brk, .now_ns = probe_now_ns,
};

/* The questions asked since the last look, then forgotten. */
#define CHECK_CALLS(want) do { \
	CHECK(strcmp(fake.calls, want) == 0, "probe asked \"%s\", expected \"%s\"", fake.calls, want); \
	fake.calls[0] = '\0'; \
} while (0)

/* --- a recording and its items read back --- */

static char path[4096];

static struct pfx_recorder *start(uint32_t flags)
{
	struct pfx_rec_header h = { .page_size = 4096, .flags = flags,
				    .latency_sample = flags & PFX_REC_LATENCY_SAMPLED ? 10 : 0 };
	struct pfx_recorder *r = NULL;

	snprintf(h.source, sizeof(h.source), "perf");
	CHECK_EQ(pfx_recorder_open_probe(&r, path, true, &h, T0, &probe), 0);
	if (!r) {
		printf("cannot open %s\n", path);
		exit(1);
	}
	return r;
}

/* One event, which must be taken (0). */
#define SEND(r, ...) CHECK_EQ(pfx_recorder_sample(&(struct pfx_sample_event){ __VA_ARGS__ }, r), 0)

static void dump_item(char *out, size_t size, const struct pfx_rec_item *it)
{
	size_t len = strlen(out);
	static const char *const kinds[] = { "unknown", "minor", "major" };

	out += len;
	size -= len;
	switch (it->type) {
	case PFX_REC_FAULT: {
		const struct pfx_fault *f = &it->fault;
		int n = snprintf(out, size, "F %llu %u/%u %#llx ip=%#llx %s lat=%u acc=%u",
				 (unsigned long long)f->time_ns, f->pid, f->tid, (unsigned long long)f->addr,
				 (unsigned long long)f->ip, kinds[f->kind % 3], f->latency_ns, f->access);

		for (uint16_t i = 0; i < f->callchain_len && n > 0 && (size_t)n < size; i++)
			n += snprintf(out + n, size - (size_t)n, "%s%#llx", i ? "," : " chain=",
				      (unsigned long long)f->callchain[i]);
		if (n > 0 && (size_t)n < size)
			snprintf(out + n, size - (size_t)n, "\n");
		break;
	}
	case PFX_REC_MAPPING: {
		const struct pfx_mapping *m = &it->mapping;

		snprintf(out, size, "M %llu %u %#llx-%#llx pgoff=%#llx prot=%u flags=%u '%s'\n",
			 (unsigned long long)m->time_ns, m->pid, (unsigned long long)m->start,
			 (unsigned long long)m->end, (unsigned long long)m->pgoff, m->prot, m->flags, m->path);
		break;
	}
	case PFX_REC_THREAD:
		snprintf(out, size, "T %llu %u/%u '%s'\n", (unsigned long long)it->thread.time_ns,
			 it->thread.pid, it->thread.tid, it->thread.comm);
		break;
	case PFX_REC_LOST:
		snprintf(out, size, "L %llu records=%llu samples=%llu\n", (unsigned long long)it->lost.time_ns,
			 (unsigned long long)it->lost.records, (unsigned long long)it->lost.samples);
		break;
	case PFX_REC_CGROUP:
		snprintf(out, size, "C %llu %u '%s'\n", (unsigned long long)it->cgroup.time_ns, it->cgroup.pid,
			 it->cgroup.path);
		break;
	case PFX_REC_SPACE:
		snprintf(out, size, "S %llu %u\n", (unsigned long long)it->space.time_ns, it->space.pid);
		break;
	}
}

/* Finish r at T0 + end and compare the file's items and totals with want,
 * one line each (dump_item), the totals last. */
static void finish_and_expect(struct pfx_recorder *r, uint64_t end, const char *want)
{
	static char got[16384];
	struct pfx_rec_reader *rd = NULL;
	struct pfx_rec_item it;
	struct pfx_rec_totals t = { 0 };
	size_t len;
	int ret;

	CHECK_EQ(pfx_recorder_finish(r, T0 + end), 0);
	got[0] = '\0';
	CHECK_EQ(pfx_rec_reader_open(&rd, path), 0);
	if (!rd)
		return;
	while ((ret = pfx_rec_next(rd, &it)) == 1)
		dump_item(got, sizeof(got), &it);
	CHECK_EQ(ret, 0);
	CHECK_EQ(pfx_rec_reader_totals(rd, &t), 0);
	len = strlen(got);
	snprintf(got + len, sizeof(got) - len, "END faults=%llu minor=%llu major=%llu lost=%llu/%llu "
		 "duration=%llu counted=%d %llu/%llu\n", (unsigned long long)t.faults,
		 (unsigned long long)t.minor, (unsigned long long)t.major, (unsigned long long)t.lost_records,
		 (unsigned long long)t.lost_samples, (unsigned long long)t.duration_ns, t.has_counted,
		 (unsigned long long)t.counted_minor, (unsigned long long)t.counted_major);
	pfx_rec_reader_close(rd);
	CHECK(strcmp(got, want) == 0, "\n--- the file holds:\n%s--- expected:\n%s", got, want);
	unlink(path);
}

#define R PROT_READ
#define RW (PROT_READ | PROT_WRITE)
#define RX (PROT_READ | PROT_EXEC)
#define APP_BIN 0x400000, 0x401000, 0, RX, MAP_PRIVATE, "/usr/bin/app"
#define APP_ANON 0x7f0000000000, 0x7f0000010000, 0, RW, MAP_PRIVATE, ""

/* A process "app" (pid 100): its binary and 64 KiB of anonymous memory. */
static struct fake_proc *fake_app(void)
{
	struct fake_proc *p = fake_add(100, "app", "/user.slice", 0x600000);

	fake_map(p, APP_BIN);
	fake_map(p, APP_ANON);
	return p;
}

/* The snapshot at time 0, the pairing of fault entries with their
 * completions, heap naming, lost records, renames, exits, totals. */
static void test_events_to_items(void)
{
	struct pfx_recorder *r;
	const struct pfx_recorder_stats *st;
	static const uint64_t chain[] = { 0x400300, 0x400050 };

	fake_reset();
	fake_thread(fake_app(), 101, "worker");
	r = start(PFX_REC_HAS_LATENCY | PFX_REC_HAS_ERROR_CODE | PFX_REC_HAS_CALLCHAIN);
	CHECK_EQ(pfx_recorder_snapshot(r, 100), 0);
	CHECK_CALLS("maps 100; tids 100; comm 100/100; comm 100/101; ");
	/* paired: latency 500, access from the entry's code (write, user) */
	SEND(r, .type = PFX_SAMPLE_FAULT_ENTRY, .time = T0 + 1000, .pid = 100, .tid = 101,
	     .addr = 0x7f0000000123, .error_code = 6, .has_error_code = true);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 1500, .pid = 100, .tid = 101, .addr = 0x7f0000000123,
	     .ip = 0x400100);
	/* no entry: no latency, no access */
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2000, .pid = 100, .tid = 100, .addr = 0x400010,
	     .ip = 0x400010, .major = 1);
	/* "//anon" over start_brk is the heap, elsewhere anonymous */
	SEND(r, .type = PFX_SAMPLE_MMAP, .time = T0 + 3000, .pid = 100, .tid = 100, .addr = 0x600000,
	     .len = 0x21000, .prot = RW, .flags = MAP_PRIVATE, .name = "//anon");
	SEND(r, .type = PFX_SAMPLE_MMAP, .time = T0 + 3100, .pid = 100, .tid = 100, .addr = 0x7f0000100000,
	     .len = 0x1000, .prot = RW, .flags = MAP_PRIVATE, .name = "//anon");
	CHECK_CALLS("start_brk 100; ");
	SEND(r, .type = PFX_SAMPLE_LOST, .time = T0 + 4000, .lost = 7);
	SEND(r, .type = PFX_SAMPLE_LOST_SAMPLES, .time = T0 + 4500, .lost = 3);
	SEND(r, .type = PFX_SAMPLE_THROTTLE, .time = T0 + 4600, .pid = 100, .tid = 100);
	SEND(r, .type = PFX_SAMPLE_COMM, .time = T0 + 5000, .pid = 100, .tid = 101, .name = "renamed");
	SEND(r, .type = PFX_SAMPLE_EXIT, .time = T0 + 5500, .pid = 100, .tid = 101);
	/* an entry replaced before its completion is unpaired; the second
	 * pairs (same page): present + write + user */
	SEND(r, .type = PFX_SAMPLE_FAULT_ENTRY, .time = T0 + 6000, .pid = 100, .tid = 100,
	     .addr = 0x7f0000002000, .error_code = 0x15, .has_error_code = true);
	SEND(r, .type = PFX_SAMPLE_FAULT_ENTRY, .time = T0 + 6100, .pid = 100, .tid = 100,
	     .addr = 0x7f0000003008, .error_code = 7, .has_error_code = true);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 6200, .pid = 100, .tid = 100, .addr = 0x7f0000003000,
	     .ip = 0x400200);
	/* an entry of another page stays apart */
	SEND(r, .type = PFX_SAMPLE_FAULT_ENTRY, .time = T0 + 6250, .pid = 100, .tid = 100,
	     .addr = 0x7f0000005000, .error_code = 6, .has_error_code = true);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 6300, .pid = 100, .tid = 100, .addr = 0x7f0000004000,
	     .ip = 0x400200);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 6400, .pid = 100, .tid = 100, .addr = 0x7f0000006000,
	     .ip = 0x400300, .callchain = chain, .callchain_len = 2);
	CHECK_CALLS("");
	st = pfx_recorder_stats(r);
	CHECK_EQ(st->faults, 5);
	CHECK_EQ(st->minor, 4);
	CHECK_EQ(st->major, 1);
	CHECK_EQ(st->lost_records, 7);
	CHECK_EQ(st->lost_samples, 3);
	CHECK_EQ(st->entries, 4);
	CHECK_EQ(st->paired, 2);
	CHECK_EQ(st->unpaired_entries, 1);
	CHECK_EQ(st->mappings, 4);
	CHECK_EQ(st->threads, 3);
	CHECK_EQ(st->rereads, 0);
	CHECK_EQ(st->throttles, 1);
	pfx_recorder_set_counted(r, 9, 1);
	finish_and_expect(r, 10000,
		"M 0 100 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"M 0 100 0x7f0000000000-0x7f0000010000 pgoff=0 prot=3 flags=2 ''\n"
		"T 0 100/100 'app'\n"
		"T 0 100/101 'worker'\n"
		"F 1500 100/101 0x7f0000000123 ip=0x400100 minor lat=500 acc=3\n"
		"F 2000 100/100 0x400010 ip=0x400010 major lat=0 acc=0\n"
		"M 3000 100 0x600000-0x621000 pgoff=0 prot=3 flags=2 '[heap]'\n"
		"M 3100 100 0x7f0000100000-0x7f0000101000 pgoff=0 prot=3 flags=2 ''\n"
		"L 4000 records=7 samples=0\n"
		"L 4500 records=0 samples=3\n"
		"T 5000 100/101 'renamed'\n"
		"F 6200 100/100 0x7f0000003000 ip=0x400200 minor lat=100 acc=11\n"
		"F 6300 100/100 0x7f0000004000 ip=0x400200 minor lat=0 acc=0\n"
		"F 6400 100/100 0x7f0000006000 ip=0x400300 minor lat=0 acc=0 chain=0x400300,0x400050\n"
		"END faults=5 minor=4 major=1 lost=7/3 duration=10000 counted=1 9/1\n");
}

/* page-faults entries (--entry sw): no error code, so a paired fault has
 * its latency and no access bits; an entry its thread never completes
 * (a fault ending in a signal) is replaced by the next one. */
static void test_sw_entry(void)
{
	struct pfx_recorder *r;
	const struct pfx_recorder_stats *st;

	fake_reset();
	fake_app();
	r = start(PFX_REC_HAS_LATENCY | PFX_REC_ENTRY_SW);
	CHECK_EQ(pfx_recorder_snapshot(r, 100), 0);
	CHECK_CALLS("maps 100; tids 100; comm 100/100; ");
	SEND(r, .type = PFX_SAMPLE_FAULT_ENTRY, .time = T0 + 1000, .pid = 100, .tid = 100,
	     .addr = 0x7f0000000010);
	SEND(r, .type = PFX_SAMPLE_FAULT_ENTRY, .time = T0 + 2000, .pid = 100, .tid = 100,
	     .addr = 0x7f0000001010);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2700, .pid = 100, .tid = 100, .addr = 0x7f0000001010,
	     .ip = 0x400100);
	st = pfx_recorder_stats(r);
	CHECK_EQ(st->paired, 1);
	CHECK_EQ(st->unpaired_entries, 1);
	finish_and_expect(r, 3000,
		"M 0 100 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"M 0 100 0x7f0000000000-0x7f0000010000 pgoff=0 prot=3 flags=2 ''\n"
		"T 0 100/100 'app'\n"
		"F 2700 100/100 0x7f0000001010 ip=0x400100 minor lat=700 acc=0\n"
		"END faults=1 minor=1 major=0 lost=0/0 duration=3000 counted=0 0/0\n");
}

/* --latency-sample: 1 entry in N is sampled, so a thread's waiting entry
 * whose fault never completed (a SIGSEGV) must not pair with a fault of
 * the same page N faults later: the thread's next completion ends it. */
static void test_sampled_entries(void)
{
	struct pfx_recorder *r;
	const struct pfx_recorder_stats *st;

	fake_reset();
	fake_app();
	r = start(PFX_REC_HAS_LATENCY | PFX_REC_HAS_ERROR_CODE | PFX_REC_LATENCY_SAMPLED);
	CHECK_EQ(pfx_recorder_snapshot(r, 100), 0);
	CHECK_CALLS("maps 100; tids 100; comm 100/100; ");
	/* timed: entry and completion on the same page */
	SEND(r, .type = PFX_SAMPLE_FAULT_ENTRY, .time = T0 + 1000, .pid = 100, .tid = 100,
	     .addr = 0x7f0000000010, .error_code = 6, .has_error_code = true);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 1400, .pid = 100, .tid = 100, .addr = 0x7f0000000010,
	     .ip = 0x400100);
	/* an entry that never completes, then untimed faults of other pages */
	SEND(r, .type = PFX_SAMPLE_FAULT_ENTRY, .time = T0 + 2000, .pid = 100, .tid = 100,
	     .addr = 0x7f0000001010, .error_code = 6, .has_error_code = true);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2500, .pid = 100, .tid = 100, .addr = 0x7f0000002010,
	     .ip = 0x400100);
	/* its page faults again, untimed: no latency from the old entry */
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2600, .pid = 100, .tid = 100, .addr = 0x7f0000001010,
	     .ip = 0x400100);
	st = pfx_recorder_stats(r);
	CHECK_EQ(st->paired, 1);
	CHECK_EQ(st->unpaired_entries, 1);
	finish_and_expect(r, 3000,
		"M 0 100 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"M 0 100 0x7f0000000000-0x7f0000010000 pgoff=0 prot=3 flags=2 ''\n"
		"T 0 100/100 'app'\n"
		"F 1400 100/100 0x7f0000000010 ip=0x400100 minor lat=400 acc=3\n"
		"F 2500 100/100 0x7f0000002010 ip=0x400100 minor lat=0 acc=0\n"
		"F 2600 100/100 0x7f0000001010 ip=0x400100 minor lat=0 acc=0\n"
		"END faults=3 minor=3 major=0 lost=0/0 duration=3000 counted=0 0/0\n");
}

/* One target, no MMAP records (tracefs): a fault outside every known
 * mapping reads /proc again, at most once a millisecond of the probe's
 * clock, and stores what changed at the fault's time; MAPS_NOW stores
 * what changed at the probe's time; a process gone is not read again. */
static void test_fault_before_mapping(void)
{
	struct pfx_recorder *r;
	struct fake_proc *p;

	fake_reset();
	p = fake_app();
	r = start(0);
	CHECK_EQ(pfx_recorder_snapshot(r, 100), 0);
	CHECK_CALLS("maps 100; tids 100; comm 100/100; ");
	fake_map(p, 0x7f1000000000, 0x7f1000002000, 0x3000, R, MAP_SHARED, "/data/file");
	/* the source saw the entry: access from its code */
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 1000, .pid = 100, .tid = 100, .addr = 0x7f1000000500,
	     .ip = 0x400100, .has_error_code = true, .error_code = 6);
	CHECK_CALLS("maps 100; ");
	/* within the millisecond: not read */
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2000, .pid = 100, .tid = 100, .addr = 0x7f2000000000,
	     .ip = 0x400100);
	CHECK_CALLS("");
	/* a millisecond on: read; the grown binary is new too */
	fake.now += MS;
	fake_map(p, 0x400000, 0x402000, 0, RX, MAP_PRIVATE, "/usr/bin/app");
	fake_map(p, 0x7f2000000000, 0x7f2000001000, 0, RW, MAP_PRIVATE, "");
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 3000, .pid = 100, .tid = 100, .addr = 0x7f2000000010,
	     .ip = 0x400100);
	CHECK_CALLS("maps 100; ");
	/* MAPS_NOW: only what changed, at the probe's time */
	fake.now = T0 + 5 * MS;
	fake_unmap(p, 0x7f1000000000);
	fake_map(p, 0x7f3000000000, 0x7f3000001000, 0, R, MAP_PRIVATE, "/data/e");
	SEND(r, .type = PFX_SAMPLE_MAPS_NOW, .time = T0 + 4000, .pid = 100, .tid = 100);
	CHECK_CALLS("maps 100; ");
	/* gone: read once more, then never */
	p->gone = true;
	fake.now += MS;
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 6 * MS, .pid = 100, .tid = 100, .addr = 0x7f4000000000,
	     .ip = 0x400100);
	CHECK_CALLS("maps 100; ");
	fake.now += MS;
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 7 * MS, .pid = 100, .tid = 100, .addr = 0x7f4000000000,
	     .ip = 0x400100);
	CHECK_CALLS("");
	CHECK_EQ(pfx_recorder_stats(r)->rereads, 3);
	CHECK_EQ(pfx_recorder_stats(r)->gone_processes, 1);
	CHECK_EQ(pfx_recorder_stats(r)->mappings, 6);
	/* tracefs: the exact counts from /proc replace the recorded kinds */
	pfx_recorder_set_exact_totals(r, 40, 2);
	finish_and_expect(r, 8 * MS,
		"M 0 100 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"M 0 100 0x7f0000000000-0x7f0000010000 pgoff=0 prot=3 flags=2 ''\n"
		"T 0 100/100 'app'\n"
		"M 1000 100 0x7f1000000000-0x7f1000002000 pgoff=0x3000 prot=1 flags=1 '/data/file'\n"
		"F 1000 100/100 0x7f1000000500 ip=0x400100 minor lat=0 acc=3\n"
		"F 2000 100/100 0x7f2000000000 ip=0x400100 minor lat=0 acc=0\n"
		"M 3000 100 0x400000-0x402000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"M 3000 100 0x7f2000000000-0x7f2000001000 pgoff=0 prot=3 flags=2 ''\n"
		"F 3000 100/100 0x7f2000000010 ip=0x400100 minor lat=0 acc=0\n"
		"M 5000000 100 0x7f3000000000-0x7f3000001000 pgoff=0 prot=1 flags=2 '/data/e'\n"
		"F 6000000 100/100 0x7f4000000000 ip=0x400100 minor lat=0 acc=0\n"
		"F 7000000 100/100 0x7f4000000000 ip=0x400100 minor lat=0 acc=0\n"
		"END faults=5 minor=40 major=2 lost=0/0 duration=8000000 counted=0 0/0\n");
}

/* Per space: a forked child starts with its parent's mappings, taken at
 * its first fault (200) or its first mmap (300), each written under the
 * child's pid when a fault first hits it (address, ip, call chain), none
 * read from /proc; a mapping over the middle of another leaves its head
 * and its tail (the tail's file offset moved along), and a grandchild
 * (400) inherits the cut; after its exit a process is not read. */
static void test_fork_and_cut(void)
{
	struct pfx_recorder *r;
	static const uint64_t chain[] = { 0x400300, 0x7f0000008000, 0x7f0000001000 };

	fake_reset();
	fake_app();
	r = start(PFX_REC_PER_SPACE);
	CHECK_EQ(pfx_recorder_snapshot(r, 100), 0);
	CHECK_CALLS("maps 100; tids 100; comm 100/100; ");
	SEND(r, .type = PFX_SAMPLE_FORK, .time = T0 + 1000, .pid = 200, .tid = 200, .ppid = 100);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2000, .pid = 200, .tid = 200, .addr = 0x7f0000000040,
	     .ip = 0x400200);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2100, .pid = 200, .tid = 200, .addr = 0x7f0000000080,
	     .ip = 0x400200);
	SEND(r, .type = PFX_SAMPLE_FORK, .time = T0 + 3000, .pid = 300, .tid = 300, .ppid = 100);
	SEND(r, .type = PFX_SAMPLE_MMAP, .time = T0 + 3100, .pid = 300, .tid = 300, .addr = 0x7f0000004000,
	     .len = 0x2000, .prot = RW, .flags = MAP_PRIVATE, .name = "//anon");
	CHECK_CALLS("start_brk 300; ");
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 3200, .pid = 300, .tid = 300, .addr = 0x7f0000008000,
	     .ip = 0x400300);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 3300, .pid = 300, .tid = 300, .addr = 0x7f0000001000,
	     .ip = 0x400300);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 3400, .pid = 300, .tid = 300, .addr = 0x7f0000005000,
	     .ip = 0x400300);
	/* the parent's own mapping is whole */
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 3500, .pid = 100, .tid = 100, .addr = 0x7f0000005000,
	     .ip = 0x400010);
	SEND(r, .type = PFX_SAMPLE_FORK, .time = T0 + 4000, .pid = 400, .tid = 400, .ppid = 300);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 4100, .pid = 400, .tid = 400, .addr = 0x7f0000005000,
	     .ip = 0x400300, .callchain = chain, .callchain_len = 3);
	/* 300's own mmap is "//anon" until written: named by 400's brk */
	CHECK_CALLS("start_brk 400; ");
	SEND(r, .type = PFX_SAMPLE_EXIT, .time = T0 + 5000, .pid = 200, .tid = 200);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 5100, .pid = 200, .tid = 200, .addr = 0x7f0000000040,
	     .ip = 0x400200);
	CHECK_CALLS("");
	CHECK_EQ(pfx_recorder_stats(r)->rereads, 0);
	finish_and_expect(r, 6000,
		"M 0 100 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"M 0 100 0x7f0000000000-0x7f0000010000 pgoff=0 prot=3 flags=2 ''\n"
		"T 0 100/100 'app'\n"
		"S 1000 200\n"
		"T 1000 200/200 'app'\n"
		"M 2000 200 0x7f0000000000-0x7f0000010000 pgoff=0 prot=3 flags=2 ''\n"
		"M 2000 200 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"F 2000 200/200 0x7f0000000040 ip=0x400200 minor lat=0 acc=0\n"
		"F 2100 200/200 0x7f0000000080 ip=0x400200 minor lat=0 acc=0\n"
		"S 3000 300\n"
		"T 3000 300/300 'app'\n"
		"M 3100 300 0x7f0000004000-0x7f0000006000 pgoff=0 prot=3 flags=2 ''\n"
		"M 3200 300 0x7f0000006000-0x7f0000010000 pgoff=0x6000 prot=3 flags=2 ''\n"
		"M 3200 300 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"F 3200 300/300 0x7f0000008000 ip=0x400300 minor lat=0 acc=0\n"
		"M 3300 300 0x7f0000000000-0x7f0000004000 pgoff=0 prot=3 flags=2 ''\n"
		"F 3300 300/300 0x7f0000001000 ip=0x400300 minor lat=0 acc=0\n"
		"F 3400 300/300 0x7f0000005000 ip=0x400300 minor lat=0 acc=0\n"
		"F 3500 100/100 0x7f0000005000 ip=0x400010 minor lat=0 acc=0\n"
		"S 4000 400\n"
		"T 4000 400/400 ''\n"
		"M 4100 400 0x7f0000004000-0x7f0000006000 pgoff=0 prot=3 flags=2 ''\n"
		"M 4100 400 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"M 4100 400 0x7f0000006000-0x7f0000010000 pgoff=0x6000 prot=3 flags=2 ''\n"
		"M 4100 400 0x7f0000000000-0x7f0000004000 pgoff=0 prot=3 flags=2 ''\n"
		"F 4100 400/400 0x7f0000005000 ip=0x400300 minor lat=0 acc=0 "
		"chain=0x400300,0x7f0000008000,0x7f0000001000\n"
		"F 5100 200/200 0x7f0000000040 ip=0x400200 minor lat=0 acc=0\n"
		"END faults=8 minor=8 major=0 lost=0/0 duration=6000 counted=0 0/0\n");
}

/* Per space: execve() begins a new space (SPACE, the new comm); nothing
 * of the parent is inherited after it: a fault in the parent's memory
 * reads the new image's mappings from /proc, which are written when a
 * fault hits them (the binary is known from its MMAP2 record already);
 * a thread is named after its process; a new image has its own brk. */
static void test_exec(void)
{
	struct pfx_recorder *r;
	struct fake_proc *app, *child;

	fake_reset();
	app = fake_app();
	child = fake_add(200, "newprog", "/user.slice", 0x900000);
	fake_map(child, 0x500000, 0x501000, 0, RX, MAP_PRIVATE, "/usr/bin/newprog");
	fake_map(child, 0x7ffc00000000, 0x7ffc00021000, 0, RW, MAP_PRIVATE, "[stack]");
	r = start(PFX_REC_PER_SPACE);
	CHECK_EQ(pfx_recorder_snapshot(r, 100), 0);
	CHECK_CALLS("maps 100; tids 100; comm 100/100; ");
	SEND(r, .type = PFX_SAMPLE_FORK, .time = T0 + 1000, .pid = 200, .tid = 200, .ppid = 100);
	SEND(r, .type = PFX_SAMPLE_COMM, .time = T0 + 2000, .pid = 200, .tid = 200, .name = "newprog",
	     .exec = true);
	SEND(r, .type = PFX_SAMPLE_MMAP, .time = T0 + 2100, .pid = 200, .tid = 200, .addr = 0x500000,
	     .len = 0x1000, .prot = RX, .flags = MAP_PRIVATE, .name = "/usr/bin/newprog");
	CHECK_CALLS("");
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2200, .pid = 200, .tid = 200, .addr = 0x7f0000000040,
	     .ip = 0x500010);
	CHECK_CALLS("maps 200; ");
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2300, .pid = 200, .tid = 200, .addr = 0x7ffc00020000,
	     .ip = 0x500010);
	SEND(r, .type = PFX_SAMPLE_FORK, .time = T0 + 2400, .pid = 200, .tid = 201, .ppid = 200);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2500, .pid = 200, .tid = 201, .addr = 0x7ffc00010000,
	     .ip = 0x500020);
	CHECK_CALLS("");
	/* the target's own exec: its heap is asked for again; a fault where
	 * the last one before the exec was is not taken for known */
	SEND(r, .type = PFX_SAMPLE_MMAP, .time = T0 + 2600, .pid = 100, .tid = 100, .addr = 0x600000,
	     .len = 0x1000, .prot = RW, .flags = MAP_PRIVATE, .name = "//anon");
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2700, .pid = 100, .tid = 100, .addr = 0x7f0000000040,
	     .ip = 0x400010);
	CHECK_CALLS("start_brk 100; ");
	SEND(r, .type = PFX_SAMPLE_COMM, .time = T0 + 3000, .pid = 100, .tid = 100, .name = "app2",
	     .exec = true);
	app->start_brk = 0x700000;
	SEND(r, .type = PFX_SAMPLE_MMAP, .time = T0 + 3100, .pid = 100, .tid = 100, .addr = 0x600000,
	     .len = 0x1000, .prot = RW, .flags = MAP_PRIVATE, .name = "//anon");
	CHECK_CALLS("start_brk 100; ");
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 3200, .pid = 100, .tid = 100, .addr = 0x7f0000000040,
	     .ip = 0x400010);
	CHECK_CALLS("maps 100; ");
	CHECK_EQ(pfx_recorder_stats(r)->rereads, 2);
	finish_and_expect(r, 4000,
		"M 0 100 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"M 0 100 0x7f0000000000-0x7f0000010000 pgoff=0 prot=3 flags=2 ''\n"
		"T 0 100/100 'app'\n"
		"S 1000 200\n"
		"T 1000 200/200 'app'\n"
		"S 2000 200\n"
		"T 2000 200/200 'newprog'\n"
		"M 2100 200 0x500000-0x501000 pgoff=0 prot=5 flags=2 '/usr/bin/newprog'\n"
		"F 2200 200/200 0x7f0000000040 ip=0x500010 minor lat=0 acc=0\n"
		"M 2300 200 0x7ffc00000000-0x7ffc00021000 pgoff=0 prot=3 flags=2 '[stack]'\n"
		"F 2300 200/200 0x7ffc00020000 ip=0x500010 minor lat=0 acc=0\n"
		"T 2400 200/201 'newprog'\n"
		"F 2500 200/201 0x7ffc00010000 ip=0x500020 minor lat=0 acc=0\n"
		"M 2600 100 0x600000-0x601000 pgoff=0 prot=3 flags=2 '[heap]'\n"
		"F 2700 100/100 0x7f0000000040 ip=0x400010 minor lat=0 acc=0\n"
		"S 3000 100\n"
		"T 3000 100/100 'app2'\n"
		"M 3100 100 0x600000-0x601000 pgoff=0 prot=3 flags=2 ''\n"
		"M 3200 100 0x7f0000000000-0x7f0000010000 pgoff=0 prot=3 flags=2 ''\n"
		"M 3200 100 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"F 3200 100/100 0x7f0000000040 ip=0x400010 minor lat=0 acc=0\n"
		"END faults=5 minor=5 major=0 lost=0/0 duration=4000 counted=0 0/0\n");
}

/* mremap(): the mapping that held the old address, moved, its file
 * offset along, read-write; faults there need no /proc read; a failed
 * call, or a return without its call, places nothing; a mapping pfx did
 * not know is taken as anonymous.  A child's mremap() before its first
 * fault moves its parent's memory (300); what a child knows before it
 * takes its parent's mappings stays over them, in order (400). */
static void test_mremap(void)
{
	struct pfx_recorder *r;
	struct fake_proc *p;

	fake_reset();
	p = fake_app();
	fake_map(p, 0x7f5000000000, 0x7f5000004000, 0x1000, R, MAP_SHARED, "/data/f");
	p = fake_add(400, "app", "/user.slice", 0);
	fake_map(p, 0x7e8000000000, 0x7e8000001000, 0, RW, MAP_PRIVATE, "/x");
	r = start(PFX_REC_PER_SPACE);
	CHECK_EQ(pfx_recorder_snapshot(r, 100), 0);
	CHECK_CALLS("maps 100; tids 100; comm 100/100; ");
	SEND(r, .type = PFX_SAMPLE_MREMAP_ENTER, .time = T0 + 1000, .pid = 100, .tid = 100,
	     .addr = 0x7f5000002000, .len = 0x2000, .pgoff = 0x4000);
	SEND(r, .type = PFX_SAMPLE_MREMAP_EXIT, .time = T0 + 1100, .pid = 100, .tid = 100,
	     .addr = 0x7f6000000000);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 1200, .pid = 100, .tid = 100, .addr = 0x7f6000003000,
	     .ip = 0x400100);
	SEND(r, .type = PFX_SAMPLE_MREMAP_ENTER, .time = T0 + 1300, .pid = 100, .tid = 100,
	     .addr = 0x7f6000000000, .len = 0x4000, .pgoff = 0x8000);
	SEND(r, .type = PFX_SAMPLE_MREMAP_EXIT, .time = T0 + 1400, .pid = 100, .tid = 100,
	     .addr = (uint64_t)-ENOMEM);
	SEND(r, .type = PFX_SAMPLE_MREMAP_EXIT, .time = T0 + 1500, .pid = 100, .tid = 100,
	     .addr = 0x7f7000000000);
	SEND(r, .type = PFX_SAMPLE_MREMAP_ENTER, .time = T0 + 1600, .pid = 100, .tid = 100, .addr = 0x10000,
	     .len = 0x1000, .pgoff = 0x2000);
	SEND(r, .type = PFX_SAMPLE_MREMAP_EXIT, .time = T0 + 1700, .pid = 100, .tid = 100,
	     .addr = 0x7f7000000000);
	CHECK_CALLS("");
	SEND(r, .type = PFX_SAMPLE_FORK, .time = T0 + 1800, .pid = 300, .tid = 300, .ppid = 100);
	SEND(r, .type = PFX_SAMPLE_MREMAP_ENTER, .time = T0 + 1900, .pid = 300, .tid = 300,
	     .addr = 0x7f5000001000, .len = 0x1000, .pgoff = 0x1000);
	SEND(r, .type = PFX_SAMPLE_MREMAP_EXIT, .time = T0 + 1950, .pid = 300, .tid = 300,
	     .addr = 0x7e0000000000);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2000, .pid = 300, .tid = 300, .addr = 0x7e0000000800,
	     .ip = 0x400100);
	CHECK_CALLS("");
	SEND(r, .type = PFX_SAMPLE_FORK, .time = T0 + 2100, .pid = 400, .tid = 400, .ppid = 100);
	SEND(r, .type = PFX_SAMPLE_MAPS_NOW, .time = T0 + 2200, .pid = 400, .tid = 400);
	CHECK_CALLS("maps 400; ");
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2300, .pid = 400, .tid = 400, .addr = 0x7e8000000010,
	     .ip = 0x400100);
	CHECK_CALLS("");
	CHECK_EQ(pfx_recorder_stats(r)->remaps, 3);
	finish_and_expect(r, 3000,
		"M 0 100 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"M 0 100 0x7f0000000000-0x7f0000010000 pgoff=0 prot=3 flags=2 ''\n"
		"M 0 100 0x7f5000000000-0x7f5000004000 pgoff=0x1000 prot=1 flags=1 '/data/f'\n"
		"T 0 100/100 'app'\n"
		"M 1100 100 0x7f6000000000-0x7f6000004000 pgoff=0x3000 prot=3 flags=1 '/data/f'\n"
		"F 1200 100/100 0x7f6000003000 ip=0x400100 minor lat=0 acc=0\n"
		"M 1700 100 0x7f7000000000-0x7f7000002000 pgoff=0 prot=3 flags=2 ''\n"
		"S 1800 300\n"
		"T 1800 300/300 'app'\n"
		"M 1950 300 0x7e0000000000-0x7e0000001000 pgoff=0x2000 prot=3 flags=1 '/data/f'\n"
		"M 2000 300 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"F 2000 300/300 0x7e0000000800 ip=0x400100 minor lat=0 acc=0\n"
		"S 2100 400\n"
		"T 2100 400/400 'app'\n"
		"M 2300 400 0x7e8000000000-0x7e8000001000 pgoff=0 prot=3 flags=2 '/x'\n"
		"M 2300 400 0x400000-0x401000 pgoff=0 prot=5 flags=2 '/usr/bin/app'\n"
		"F 2300 400/400 0x7e8000000010 ip=0x400100 minor lat=0 acc=0\n"
		"END faults=3 minor=3 major=0 lost=0/0 duration=3000 counted=0 0/0\n");
}

/* Host-wide: at a process's first fault its cgroup, its main thread and
 * the faulting thread (from the probe), then its mappings read and
 * written as faults reach them; a child forked in the recording takes its
 * parent's cgroup when the probe has none for it, and its parent's
 * mappings; a process the probe does not know gets empty names and is
 * read once; a thread announced by COMM is not described again. */
static void test_host_wide(void)
{
	struct pfx_recorder *r;
	struct fake_proc *web;

	fake_reset();
	web = fake_add(500, "web", "/system.slice/web.service", 0);
	fake_thread(web, 501, "web-io");
	fake_map(web, 0x400000, 0x480000, 0, RX, MAP_PRIVATE, "/usr/sbin/web");
	fake_map(web, 0x1000000, 0x1100000, 0, RW, MAP_PRIVATE, "[heap]");
	r = start(PFX_REC_HOST_WIDE);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 1000, .pid = 500, .tid = 501, .addr = 0x1000040,
	     .ip = 0x400100);
	CHECK_CALLS("cgroup 500; comm 500/0; comm 500/501; maps 500; ");
	SEND(r, .type = PFX_SAMPLE_FORK, .time = T0 + 2000, .pid = 600, .tid = 600, .ppid = 500);
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 2100, .pid = 600, .tid = 600, .addr = 0x1000080,
	     .ip = 0x400100);
	CHECK_CALLS("cgroup 600; ");
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 3000, .pid = 700, .tid = 701, .addr = 0x2000,
	     .ip = 0x3000);
	CHECK_CALLS("cgroup 700; comm 700/0; comm 700/701; maps 700; ");
	SEND(r, .type = PFX_SAMPLE_COMM, .time = T0 + 4000, .pid = 500, .tid = 502, .name = "web-new");
	SEND(r, .type = PFX_SAMPLE_FAULT, .time = T0 + 4100, .pid = 500, .tid = 502, .addr = 0x1000100,
	     .ip = 0x400100);
	CHECK_CALLS("");
	CHECK_EQ(pfx_recorder_stats(r)->gone_processes, 1);
	finish_and_expect(r, 5000,
		"C 1000 500 '/system.slice/web.service'\n"
		"T 1000 500/500 'web'\n"
		"T 1000 500/501 'web-io'\n"
		"M 1000 500 0x1000000-0x1100000 pgoff=0 prot=3 flags=2 '[heap]'\n"
		"M 1000 500 0x400000-0x480000 pgoff=0 prot=5 flags=2 '/usr/sbin/web'\n"
		"F 1000 500/501 0x1000040 ip=0x400100 minor lat=0 acc=0\n"
		"S 2000 600\n"
		"T 2000 600/600 'web'\n"
		"C 2100 600 '/system.slice/web.service'\n"
		"M 2100 600 0x1000000-0x1100000 pgoff=0 prot=3 flags=2 '[heap]'\n"
		"M 2100 600 0x400000-0x480000 pgoff=0 prot=5 flags=2 '/usr/sbin/web'\n"
		"F 2100 600/600 0x1000080 ip=0x400100 minor lat=0 acc=0\n"
		"C 3000 700 ''\n"
		"T 3000 700/700 ''\n"
		"T 3000 700/701 ''\n"
		"F 3000 700/701 0x2000 ip=0x3000 minor lat=0 acc=0\n"
		"T 4000 500/502 'web-new'\n"
		"F 4100 500/502 0x1000100 ip=0x400100 minor lat=0 acc=0\n"
		"END faults=4 minor=4 major=0 lost=0/0 duration=5000 counted=0 0/0\n");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[1024];

	snprintf(dir, sizeof(dir), "%s/pfx-test-recorder.XXXXXX", tmp);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/pfx.data", dir);
	test_events_to_items();
	test_sw_entry();
	test_sampled_entries();
	test_fault_before_mapping();
	test_fork_and_cut();
	test_exec();
	test_mremap();
	test_host_wide();
	rmdir(dir);
	return test_exit();
}
