/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-flight: the flight recorder (record/flight.c) fed with synthetic
 * items, its dumps read back with the record file reader.
 *
 *  - the memory bound: a million faults (with call chains, paths and
 *    thread names among them) through a 1 MiB ring; its bytes never pass
 *    the cap, items are dropped for room, the newest are kept;
 *  - the time bound: a dump holds the last SECONDS only, times from the
 *    window's start, header flagged PFX_REC_FLIGHT and its clock moved;
 *  - a mapping, thread and cgroup written long before the window (their
 *    items dropped) are in the dump, before the window's faults; a SPACE
 *    dropped forgets the mappings before it; a process without faults in
 *    the window is not in the dump; nor is the mapping of a process
 *    that exited, when its pid is used again;
 *  - triggers: parse strictly; major-stall fires per cgroup over one
 *    second, waits --post, holds off; the names. */
#include "config.h"
#include "flight.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#define S 1000000000ull
#define T0 5000000000ull

static struct pfx_rec_header header(uint32_t flags)
{
	struct pfx_rec_header h = { .page_size = 4096, .flags = flags, .start_realtime_ns = 100 * S };

	snprintf(h.source, sizeof(h.source), "perf");
	snprintf(h.command, sizeof(h.command), "test");
	return h;
}

static void put_fault(struct pfx_flight *f, uint64_t t, uint32_t pid, uint64_t addr, uint8_t kind,
		      uint32_t lat, uint16_t chain)
{
	static const uint64_t cc[8] = { 0x401000, 0x401100, 0x401200, 0x401300,
					0x401400, 0x401500, 0x401600, 0x401700 };
	struct pfx_rec_item it = { .type = PFX_REC_FAULT };

	it.fault = (struct pfx_fault){ .time_ns = t, .addr = addr, .ip = 0x401000, .pid = pid, .tid = pid,
				       .kind = kind, .latency_ns = lat, .callchain_len = chain,
				       .callchain = chain ? cc : NULL };
	CHECK_EQ(pfx_flight_put(f, &it), 0);
}

static void put_mapping(struct pfx_flight *f, uint64_t t, uint32_t pid, uint64_t start, uint64_t end,
			const char *path)
{
	struct pfx_rec_item it = { .type = PFX_REC_MAPPING };

	it.mapping = (struct pfx_mapping){ .time_ns = t, .pid = pid, .start = start, .end = end,
					   .prot = 3, .flags = 2, .path = path };
	CHECK_EQ(pfx_flight_put(f, &it), 0);
}

static void put_thread(struct pfx_flight *f, uint64_t t, uint32_t pid, const char *comm)
{
	struct pfx_rec_item it = { .type = PFX_REC_THREAD };

	it.thread = (struct pfx_thread){ .time_ns = t, .pid = pid, .tid = pid, .comm = comm };
	CHECK_EQ(pfx_flight_put(f, &it), 0);
}

static void put_cgroup(struct pfx_flight *f, uint64_t t, uint32_t pid, const char *path)
{
	struct pfx_rec_item it = { .type = PFX_REC_CGROUP };

	it.cgroup = (struct pfx_proc_cgroup){ .time_ns = t, .pid = pid, .path = path };
	CHECK_EQ(pfx_flight_put(f, &it), 0);
}

static void put_space(struct pfx_flight *f, uint64_t t, uint32_t pid)
{
	struct pfx_rec_item it = { .type = PFX_REC_SPACE };

	it.space = (struct pfx_space){ .time_ns = t, .pid = pid };
	CHECK_EQ(pfx_flight_put(f, &it), 0);
}

/* The cap holds whatever comes: a million faults, some with chains,
 * and mappings with long paths among them. */
static void test_memory_bound(void)
{
	struct pfx_flight_opts o = { .seconds = 1e6, .max_bytes = 1 << 20 };
	struct pfx_rec_header h = header(PFX_REC_HAS_LATENCY | PFX_REC_HOST_WIDE);
	struct pfx_flight *f;
	char path[300];
	uint64_t most = 0;

	CHECK_EQ(pfx_flight_open(&f, &o, &h, T0), 0);
	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	for (uint64_t i = 0; i < 1000000; i++) {
		if (i % 1000 == 0)
			put_mapping(f, i * 1000, 7, 0x10000 + i * 4096, 0x20000 + i * 4096, path + i % 299);
		if (i % 777 == 0)
			put_thread(f, i * 1000, (uint32_t)(i % 50), "worker");
		put_fault(f, i * 1000, 7, 0x10000 + i * 4096, PFX_FAULT_MINOR, 900, (uint16_t)(i % 9));
		if (pfx_flight_stats(f)->ring_bytes > most)
			most = pfx_flight_stats(f)->ring_bytes;
	}
	CHECK(most <= o.max_bytes, "the ring held %llu bytes, above its cap %llu",
	      (unsigned long long)most, (unsigned long long)o.max_bytes);
	CHECK(most > o.max_bytes / 2, "the ring filled only %llu of %llu bytes",
	      (unsigned long long)most, (unsigned long long)o.max_bytes);
	CHECK(pfx_flight_stats(f)->dropped_size > 900000);
	CHECK_EQ(pfx_flight_stats(f)->dropped_time, 0);
	pfx_flight_close(f);
}

struct readback {
	uint64_t faults, first_fault_ns, last_fault_ns;
	uint64_t mappings_before_faults;
	bool old_mapping, forgotten_mapping, thread, cgroup, other_pid, exited_mapping;
	struct pfx_rec_header h;
	struct pfx_rec_totals totals;
};

static int read_back(const char *path, struct readback *rb)
{
	struct pfx_rec_reader *r;
	struct pfx_rec_item it;
	int ret;

	memset(rb, 0, sizeof(*rb));
	if (pfx_rec_reader_open(&r, path) < 0)
		return -1;
	rb->h = *pfx_rec_reader_header(r);
	while ((ret = pfx_rec_next(r, &it)) == 1) {
		switch (it.type) {
		case PFX_REC_FAULT:
			if (!rb->faults++)
				rb->first_fault_ns = it.fault.time_ns;
			rb->last_fault_ns = it.fault.time_ns;
			rb->other_pid |= it.fault.pid != 7 && it.fault.pid != 11;
			break;
		case PFX_REC_MAPPING:
			if (!rb->faults)
				rb->mappings_before_faults++;
			rb->old_mapping |= strcmp(it.mapping.path, "/old/lib.so") == 0 &&
					   it.mapping.time_ns == 0 && !rb->faults;
			rb->forgotten_mapping |= strcmp(it.mapping.path, "/before/space") == 0;
			rb->exited_mapping |= strcmp(it.mapping.path, "/eleven/old") == 0;
			rb->other_pid |= it.mapping.pid != 7 && it.mapping.pid != 11;
			break;
		case PFX_REC_THREAD:
			rb->thread |= it.thread.pid == 7 && strcmp(it.thread.comm, "sevens") == 0 && !rb->faults;
			rb->other_pid |= it.thread.pid != 7 && it.thread.pid != 11;
			break;
		case PFX_REC_CGROUP:
			rb->cgroup |= it.cgroup.pid == 7 && strcmp(it.cgroup.path, "/svc/a") == 0;
			rb->other_pid |= it.cgroup.pid != 7;
			break;
		default:
			break;
		}
	}
	if (ret == 0)
		pfx_rec_reader_totals(r, &rb->totals);
	pfx_rec_reader_close(r);
	return ret;
}

/* A 5 s window after 60 s: what came before it, as state only. */
static void test_window(const char *dir)
{
	struct pfx_flight_opts o = { .seconds = 5, .max_bytes = 64 << 20 };
	struct pfx_rec_header h = header(PFX_REC_HAS_LATENCY | PFX_REC_HOST_WIDE);
	struct pfx_flight_dump_info info;
	struct pfx_flight *f;
	struct readback rb;
	char path[600];

	CHECK_EQ(pfx_flight_open(&f, &o, &h, T0), 0);
	/* pid 9: mappings, then a new space: only what follows it counts */
	put_mapping(f, 0, 9, 0x1000, 0x2000, "/before/space");
	put_space(f, S, 9);
	put_mapping(f, S, 9, 0x5000, 0x6000, "/nine");
	/* pid 7 described at 1 s, faulting now and then */
	put_cgroup(f, S, 7, "/svc/a");
	put_thread(f, S, 7, "sevens");
	put_mapping(f, S, 7, 0x400000, 0x500000, "/old/lib.so");
	/* pid 11 exits at 1.5 s; a new process of that pid faults at 58 s */
	put_mapping(f, S, 11, 0x7000, 0x8000, "/eleven/old");
	CHECK_EQ(pfx_flight_exit(f, 11, S + S / 2), 0);
	/* pid 8 faults only long ago */
	put_thread(f, S, 8, "eights");
	put_fault(f, 2 * S, 8, 0x5000, PFX_FAULT_MINOR, 100, 0);
	put_fault(f, 2 * S, 9, 0x5000, PFX_FAULT_MINOR, 100, 0);
	for (uint64_t t = 2 * S; t <= 60 * S; t += S / 100) {
		put_fault(f, t, 7, 0x400000 + (t / (S / 100)) % 256 * 4096,
			  t % S == 0 ? PFX_FAULT_MAJOR : PFX_FAULT_MINOR, 1000, 2);
		if (t == 58 * S)
			put_fault(f, t, 11, 0x7000, PFX_FAULT_MINOR, 1000, 0);
	}
	CHECK(pfx_flight_stats(f)->dropped_time > 5000);
	snprintf(path, sizeof(path), "%s/w.1", dir);
	CHECK_EQ(pfx_flight_dump(f, path, T0 + 60 * S, &info), 0);
	CHECK_EQ(info.window_ns, 5 * S);
	CHECK_EQ(info.faults, 502);	/* 55 s to 60 s, both ends; pid 11's */
	CHECK_EQ(info.major, 6);
	CHECK(!info.cut_by_size);
	CHECK_EQ(read_back(path, &rb), 0);
	CHECK(rb.h.flags & PFX_REC_FLIGHT);
	CHECK_EQ(rb.h.start_realtime_ns, 100 * S + 55 * S);
	CHECK_EQ(rb.faults, 502);
	CHECK_EQ(rb.first_fault_ns, 0);
	CHECK_EQ(rb.last_fault_ns, 5 * S);
	CHECK_EQ(rb.totals.faults, 502);
	CHECK_EQ(rb.totals.major, 6);
	CHECK_EQ(rb.totals.duration_ns, 5 * S);
	CHECK(!rb.totals.has_counted);
	CHECK(rb.old_mapping, "the mapping from 1 s is not in the dump before its faults");
	CHECK(rb.thread, "the thread's name from 1 s is not in the dump");
	CHECK(rb.cgroup, "the cgroup from 1 s is not in the dump");
	CHECK(!rb.other_pid, "a process without faults in the window is in the dump");
	CHECK(!rb.forgotten_mapping);
	CHECK(!rb.exited_mapping, "an exited process's mapping is given to a later one of its pid");
	/* A second dump, a second later: the ring was kept. */
	snprintf(path, sizeof(path), "%s/w.2", dir);
	CHECK_EQ(pfx_flight_dump(f, path, T0 + 61 * S, &info), 0);
	CHECK_EQ(info.faults, 402);	/* nothing came after 60 s */
	CHECK_EQ(pfx_flight_stats(f)->dumps, 2);
	/* The ring's bytes cut the window: said so. */
	pfx_flight_close(f);
	o.max_bytes = 1 << 20;
	CHECK_EQ(pfx_flight_open(&f, &o, &h, T0), 0);
	for (uint64_t t = 0; t <= 5 * S; t += S / 10000)
		put_fault(f, t, 7, 0x400000, PFX_FAULT_MINOR, 1000, 0);
	snprintf(path, sizeof(path), "%s/w.3", dir);
	CHECK_EQ(pfx_flight_dump(f, path, T0 + 5 * S, &info), 0);
	CHECK(info.cut_by_size);
	CHECK(info.window_ns < 5 * S && info.window_ns > S / 2, "window %llu ns",
	      (unsigned long long)info.window_ns);
	CHECK_EQ(read_back(path, &rb), 0);
	CHECK_EQ(rb.faults, info.faults);
	pfx_flight_close(f);
}

static void test_trigger(void)
{
	struct pfx_flight_trigger trig;
	struct pfx_flight_opts o = { .seconds = 10, .max_bytes = 1 << 20, .post_s = 1, .holdoff_s = 10 };
	struct pfx_rec_header h = header(PFX_REC_HAS_LATENCY | PFX_REC_HOST_WIDE);
	struct pfx_flight *f;
	char what[256];
	bool fired_early = false;

	CHECK_EQ(pfx_flight_trigger_parse("major-stall>0.05", &trig), 0);
	CHECK_EQ(trig.metric, PFX_FLIGHT_MAJOR_STALL);
	CHECK(trig.threshold == 0.05);
	CHECK_EQ(pfx_flight_trigger_parse("major-rate>100", &trig), 0);
	CHECK_EQ(trig.metric, PFX_FLIGHT_MAJOR_RATE);
	CHECK_EQ(pfx_flight_trigger_parse("stall>1", &trig), 0);
	CHECK_EQ(trig.metric, PFX_FLIGHT_STALL);
	static const char *const bad[] = { "", "stall", "stall>", "stall>x", "stall<1", "major-stall >1",
					   "stall>1s", "Stall>1", "stall>>1", "stall>-1", "rate>1",
					   "stall>0x10", "stall>1e3", "stall>inf", "stall>1..2" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(pfx_flight_trigger_parse(bad[i], &trig), -EINVAL);
	CHECK(strcmp(pfx_flight_metric_name(PFX_FLIGHT_MAJOR_STALL), "major-stall") == 0);

	/* latency needed for a stall trigger */
	CHECK_EQ(pfx_flight_trigger_parse("major-stall>0.05", &o.trigger), 0);
	h.flags &= ~(uint32_t)PFX_REC_HAS_LATENCY;
	CHECK_EQ(pfx_flight_open(&f, &o, &h, T0), -EINVAL);
	h.flags |= PFX_REC_HAS_LATENCY;
	CHECK_EQ(pfx_flight_open(&f, &o, &h, T0), 0);
	put_cgroup(f, 0, 7, "/svc/quiet");
	put_cgroup(f, 0, 8, "/svc/slow");
	/* seconds 0-2: quiet; second 3: /svc/slow waits 0.1 s in major
	 * faults (100 faults of 1 ms); /svc/quiet 0.01 s */
	for (uint64_t t = 0; t < 3 * S; t += S / 100)
		put_fault(f, t, 7, 0x1000, PFX_FAULT_MAJOR, 100000, 0);
	for (uint64_t t = 0; t < 3 * S; t += S / 2)
		fired_early |= pfx_flight_due(f, T0 + t, what, sizeof(what));
	CHECK(!fired_early);
	for (uint64_t t = 3 * S; t < 4 * S; t += S / 100)
		put_fault(f, t, 8, 0x1000, PFX_FAULT_MAJOR, 1000000, 0);
	/* closed by the next second's first fault, due after --post */
	put_fault(f, 4 * S, 7, 0x1000, PFX_FAULT_MINOR, 100, 0);
	CHECK(!pfx_flight_due(f, T0 + 4 * S + S / 2, what, sizeof(what)), "due before --post");
	CHECK(pfx_flight_due(f, T0 + 5 * S, what, sizeof(what)));
	CHECK(strcmp(what, "major-stall 0.1 > 0.05 in cgroup /svc/slow") == 0, "what: %s", what);
	CHECK(!pfx_flight_due(f, T0 + 5 * S, what, sizeof(what)), "due twice");
	/* the storm goes on: held off for 10 s after the dump */
	for (uint64_t t = 5 * S; t < 20 * S; t += S / 100)
		put_fault(f, t, 8, 0x1000, PFX_FAULT_MAJOR, 1000000, 0);
	CHECK(!pfx_flight_due(f, T0 + 14 * S, what, sizeof(what)), "a trigger inside the hold-off");
	CHECK(pfx_flight_due(f, T0 + 20 * S + S / 2, what, sizeof(what)));
	CHECK_EQ(pfx_flight_stats(f)->triggers, 2);
	pfx_flight_close(f);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char dir[512], path[600];

	snprintf(dir, sizeof(dir), "%s/pfx-test-flight.XXXXXX", tmp);
	if (!mkdtemp(dir))
		TEST_SKIP("cannot make a directory in %s", tmp);
	test_memory_bound();
	test_window(dir);
	test_trigger();
	for (int i = 1; i <= 3; i++) {
		snprintf(path, sizeof(path), "%s/w.%d", dir, i);
		unlink(path);
	}
	rmdir(dir);
	return test_exit();
}
