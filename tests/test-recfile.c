/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-recfile: the record file round-trips every field, stays compact,
 * and reports truncation and corruption (never crashes on them): also a
 * file truncated by its owner while it is read (no SIGBUS), and times
 * outside the recording's duration (issue #10). */
#include "config.h"
#include "recfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TEST_STOP_AT_FAILURE
#include "test.h"

#define NFAULTS 200000
#define DURATION_NS (1000 + (uint64_t)NFAULTS * 900)	/* after every item */

static struct pfx_fault expected(unsigned i)
{
	struct pfx_fault f = { 0 };
	static const uint64_t chain[3] = { 0x401000, 0x401234, 0x7f0000001000 };

	f.time_ns = 1000 + (uint64_t)i * 900 + (i % 7 == 3 ? 0 : 50);	/* slightly unordered */
	f.tid = 100 + (i / 1000) % 3;
	f.pid = 100;
	f.addr = 0x7f0000000000ull + (uint64_t)i * 4096 + (i % 5) * 8;
	f.ip = 0x401000 + (i % 3) * 16;
	f.kind = i % 50 == 0 ? PFX_FAULT_MAJOR : PFX_FAULT_MINOR;
	f.access = PFX_ACCESS_KNOWN | (i & 1 ? PFX_ACCESS_WRITE : 0);
	/* version 6: ips by their place among a thread's last 32 (places
	 * past 14, ips falling out of them), far apart (a kernel ip, a
	 * delta over 2^63), instruction fetches at their ip or not, and the
	 * long form's (kind, access) pairs */
	if (i % 4 == 1)
		f.ip = 0x500000 + (i / 4 % 40) * 64;
	if (i % 101 == 5)
		f.ip = i % 2 ? 0xffffffff81000000ull : 0x8000000000001000ull;
	if (i % 13 == 2) {
		f.access = PFX_ACCESS_KNOWN | PFX_ACCESS_EXEC;
		f.addr = i % 26 == 2 ? f.ip : f.ip + 0x123456;
	}
	if (i % 17 == 4)
		f.access = i % 34 == 4 ? 0 : PFX_ACCESS_KNOWN | PFX_ACCESS_PROT;
	if (i % 19 == 6)
		f.kind = PFX_FAULT_UNKNOWN;
	f.latency_ns = 500 + i % 1000;
	if (i % 1000 == 7) {
		f.callchain = chain;
		f.callchain_len = 3;
	}
	return f;
}

static void write_file(const char *path, uint64_t *bytes)
{
	struct pfx_rec_header h = { .page_size = 4096,
				    .flags = PFX_REC_HAS_LATENCY | PFX_REC_HAS_ERROR_CODE | PFX_REC_HAS_CALLCHAIN,
				    .start_realtime_ns = 1700000000000000000ull };
	struct pfx_rec_writer *w;
	struct pfx_rec_item it;
	struct pfx_rec_totals t = { .faults = NFAULTS, .minor = 1, .major = 2, .lost_records = 3,
				    .lost_samples = 4, .duration_ns = DURATION_NS, .has_counted = true,
				    .counted_minor = NFAULTS + 5, .counted_major = 7 };

	strcpy(h.kernel, "6.18.0-test");
	strcpy(h.command, "pfx-load seq");
	strcpy(h.source, "perf");
	strcpy(h.events, "minor-faults,major-faults");
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	memset(&it, 0, sizeof(it));
	it.type = PFX_REC_MAPPING;
	it.mapping = (struct pfx_mapping){ .time_ns = 0, .start = 0x7f0000000000ull,
					   .end = 0x7f0010000000ull, .pgoff = 4096, .pid = 100,
					   .prot = 3, .flags = 2, .path = "/tmp/some file" };
	CHECK(pfx_rec_write(w, &it) == 0);
	it.type = PFX_REC_THREAD;
	it.thread = (struct pfx_thread){ .time_ns = 10, .pid = 100, .tid = 101, .comm = "worker" };
	CHECK(pfx_rec_write(w, &it) == 0);
	for (unsigned i = 0; i < NFAULTS; i++) {
		it.type = PFX_REC_FAULT;
		it.fault = expected(i);
		CHECK(pfx_rec_write(w, &it) == 0);
	}
	it.type = PFX_REC_LOST;
	it.lost = (struct pfx_lost){ .time_ns = 99, .records = 7, .samples = 8 };
	CHECK(pfx_rec_write(w, &it) == 0);
	*bytes = pfx_rec_writer_bytes(w);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
}

/* Read everything; returns the final pfx_rec_next() code, counts faults. */
static int read_all(struct pfx_rec_reader *r, unsigned *faults, bool verify)
{
	struct pfx_rec_item it;
	int ret;

	*faults = 0;
	while ((ret = pfx_rec_next(r, &it)) == 1) {
		if (it.type != PFX_REC_FAULT)
			continue;
		if (verify) {
			struct pfx_fault e = expected(*faults), *f = &it.fault;

			CHECK(f->time_ns == e.time_ns && f->addr == e.addr && f->ip == e.ip);
			CHECK(f->tid == e.tid && f->pid == e.pid && f->kind == e.kind);
			CHECK(f->access == e.access && f->latency_ns == e.latency_ns);
			CHECK(f->callchain_len == e.callchain_len);
			if (e.callchain_len)
				CHECK(memcmp(f->callchain, e.callchain, 3 * sizeof(uint64_t)) == 0);
		}
		(*faults)++;
	}
	return ret;
}

/* A small file with one fault at time_ns, closed with duration_ns. */
static void write_timed(const char *path, uint64_t time_ns, uint64_t duration_ns)
{
	struct pfx_rec_header h = { .page_size = 4096 };
	struct pfx_rec_totals t = { .faults = 1, .minor = 1, .duration_ns = duration_ns };
	struct pfx_rec_writer *w;
	struct pfx_rec_item it = { .type = PFX_REC_FAULT };

	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	it.fault = (struct pfx_fault){ .time_ns = time_ns, .tid = 1, .pid = 1, .addr = 0x1000 };
	CHECK(pfx_rec_write(w, &it) == 0);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
}

static int read_to_end(const char *path)
{
	struct pfx_rec_reader *r;
	unsigned faults;
	int ret = pfx_rec_reader_open(&r, path);

	if (ret < 0)
		return ret;
	ret = read_all(r, &faults, false);
	pfx_rec_reader_close(r);
	return ret;
}

/* Times: inside the duration reads; an item later than the duration the
 * caller measured (a stamp another tracer's clock made late, issue 20) is
 * covered by the writer, which stores the later of the two, so its own
 * reader never calls the file corrupted; near 2^64 is damage. */
static void check_times(const char *path)
{
	write_timed(path, 5000, 5000);
	CHECK(read_to_end(path) == 0);
	write_timed(path, 5001, 5000);
	CHECK(read_to_end(path) == 0);
	write_timed(path, 2000000, 1000);
	CHECK(read_to_end(path) == 0);
	write_timed(path, UINT64_MAX - 5, UINT64_MAX);
	CHECK(read_to_end(path) == -EBADMSG);
	unlink(path);
}

/* The file shrinks under the reader (its owner truncates it while root
 * reads it): the read ends in an error, the reader does not die. */
static void check_truncated_while_read(const char *path)
{
	struct pfx_rec_reader *r;
	struct pfx_rec_item it;
	unsigned n = 0;
	int ret;

	CHECK(pfx_rec_reader_open(&r, path) == 0);
	while ((ret = pfx_rec_next(r, &it)) == 1 && ++n < 1000)
		;
	CHECK(ret == 1);
	CHECK(truncate(path, 4096) == 0);
	while ((ret = pfx_rec_next(r, &it)) == 1)
		n++;
	CHECK(ret == -ENODATA);
	CHECK(n < NFAULTS);
	pfx_rec_reader_close(r);
}

/* pfx_rec_foreach: counts faults; stops with -ECANCELED after stop_at. */
struct foreach_count {
	unsigned faults, stop_at;
};

static int count_item(void *ctx, const struct pfx_rec_item *item)
{
	struct foreach_count *c = ctx;

	if (item->type == PFX_REC_FAULT && ++c->faults == c->stop_at)
		return -ECANCELED;
	return 0;
}

/* The one reading loop: a whole file ends with its totals, a cut one with
 * the faults before the cut, the error and where it stopped (no error
 * return: that is the one policy), and the callback can stop it. */
static void check_foreach(const uint8_t *data, size_t size)
{
	struct foreach_count c = { 0 };
	struct pfx_rec_reader *r;
	struct pfx_rec_end end;

	CHECK(pfx_rec_reader_open_mem(&r, data, size) == 0);
	CHECK(pfx_rec_foreach(r, count_item, &c, &end) == 0);
	CHECK_EQ(c.faults, NFAULTS);
	CHECK(end.error == 0 && end.totals.faults == NFAULTS && end.totals.has_counted);
	pfx_rec_reader_close(r);

	c = (struct foreach_count){ 0 };
	CHECK(pfx_rec_reader_open_mem(&r, data, size / 2) == 0);
	CHECK(pfx_rec_foreach(r, count_item, &c, &end) == 0);
	CHECK(end.error == -ENODATA && end.offset > 0 && end.offset <= size / 2);
	CHECK(c.faults > 0 && c.faults < NFAULTS);
	pfx_rec_reader_close(r);

	c = (struct foreach_count){ .stop_at = 10 };
	CHECK(pfx_rec_reader_open_mem(&r, data, size) == 0);
	CHECK(pfx_rec_foreach(r, count_item, &c, &end) == -ECANCELED);
	CHECK_EQ(c.faults, 10);
	pfx_rec_reader_close(r);
}

/* Host-wide files (record -a/-G) carry CGROUP items; the others refuse
 * them.  Every file written now is version 6. */
static void check_cgroups(const char *path)
{
	struct pfx_rec_header h = { .page_size = 4096, .flags = PFX_REC_HOST_WIDE };
	struct pfx_rec_totals t = { .faults = 1, .minor = 1, .duration_ns = 10 };
	struct pfx_rec_item it = { .type = PFX_REC_CGROUP };
	struct pfx_rec_writer *w;
	struct pfx_rec_reader *r;

	it.cgroup = (struct pfx_proc_cgroup){ .time_ns = 3, .pid = 42, .path = "/system.slice/a b" };
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	CHECK(pfx_rec_write(w, &it) == 0);
	it.type = PFX_REC_SPACE;
	it.space = (struct pfx_space){ .time_ns = 4, .pid = 42 };
	CHECK(pfx_rec_write(w, &it) == 0);
	it.type = PFX_REC_FAULT;
	it.fault = (struct pfx_fault){ .time_ns = 5, .tid = 43, .pid = 42, .addr = 0x1000 };
	CHECK(pfx_rec_write(w, &it) == 0);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	CHECK(pfx_rec_reader_open(&r, path) == 0);
	CHECK(pfx_rec_reader_header(r)->version == 7);
	CHECK(pfx_rec_reader_header(r)->flags & PFX_REC_HOST_WIDE);
	CHECK(pfx_rec_next(r, &it) == 1 && it.type == PFX_REC_CGROUP && it.cgroup.pid == 42 &&
	      it.cgroup.time_ns == 3 && strcmp(it.cgroup.path, "/system.slice/a b") == 0);
	CHECK(pfx_rec_next(r, &it) == 1 && it.type == PFX_REC_SPACE && it.space.pid == 42 &&
	      it.space.time_ns == 4);
	CHECK(pfx_rec_next(r, &it) == 1 && it.type == PFX_REC_FAULT && it.fault.pid == 42);
	CHECK(pfx_rec_next(r, &it) == 0);
	pfx_rec_reader_close(r);

	h.flags = 0;
	it.type = PFX_REC_CGROUP;
	it.cgroup = (struct pfx_proc_cgroup){ .time_ns = 3, .pid = 42, .path = "/x" };
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	CHECK(pfx_rec_write(w, &it) == -EINVAL);
	it.type = PFX_REC_SPACE;	/* nor a SPACE item */
	it.space = (struct pfx_space){ .time_ns = 4, .pid = 42 };
	CHECK(pfx_rec_write(w, &it) == -EINVAL);
	pfx_rec_writer_abort(w);

	/* A target's recording, its children apart: SPACE items, no CGROUP. */
	h.flags = PFX_REC_PER_SPACE;
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	CHECK(pfx_rec_write(w, &it) == 0);
	it.type = PFX_REC_CGROUP;
	CHECK(pfx_rec_write(w, &it) == -EINVAL);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	CHECK(pfx_rec_reader_open(&r, path) == 0);
	CHECK(pfx_rec_reader_header(r)->version == 7 && pfx_rec_per_space(pfx_rec_reader_header(r)));
	CHECK(pfx_rec_next(r, &it) == 1 && it.type == PFX_REC_SPACE && it.space.pid == 42);
	CHECK(pfx_rec_next(r, &it) == 0);
	pfx_rec_reader_close(r);
	unlink(path);
}

/* The whole file at path, malloc'd; its size in *size. */
static uint8_t *slurp(const char *path, long *size)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data;

	CHECK(fp != NULL);
	CHECK(fseek(fp, 0, SEEK_END) == 0);
	*size = ftell(fp);
	rewind(fp);
	data = malloc(*size > 0 ? (size_t)*size : 1);
	CHECK(data && fread(data, 1, (size_t)*size, fp) == (size_t)*size);
	fclose(fp);
	return data;
}

/* Mappings (version 5: a path by number after its first mapping, pid
 * and start from the mapping before) come back as written: paths that
 * repeat, the anonymous "", a path cut at 4096 bytes, pids and starts
 * going down as well as up; and the same mappings take fewer bytes than
 * their paths would.  A MAPREF item in a file of an older version, or
 * naming a path not given yet, is corruption. */
static void check_mapref(const char *path)
{
	static char long_path[5000];
	const struct pfx_mapping maps[] = {
		{ 1, 0x400000, 0x401000, 0, 9000, 5, 2, "/usr/bin/true" },
		{ 2, 0x401000, 0x420000, 0x1000, 9000, 5, 2, "/usr/bin/true" },
		{ 3, 0x7f0000000000ull, 0x7f0000200000ull, 0, 9000, 3, 2, "" },
		{ 4, 0x7e0000000000ull, 0x7e0000010000ull, 0, 9001, 1, 1, "/lib/libc.so.6" },
		{ 5, 0x400000, 0x401000, 0, 8999, 5, 2, "/usr/bin/true" },
		{ 6, 0x7e0000010000ull, 0x7e0000020000ull, 0x10000, 4000000, 7, 2, long_path },
		{ 7, 0x1000, 0x2000, UINT64_MAX - 4095, UINT32_MAX, 0, 0, "" },
		{ 8, 0x10000, 0x10000, 0, 1, 0, 0, long_path },
		/* what the short form cannot hold: an offset or a length not
		 * in 4 KiB, prot or flags past 7 */
		{ 9, 0x20000, 0x20800, 4097, 1, 3, 2, "/odd" },
		{ 10, 0x30000, 0x31000, 0, 1, 0x1000000, 2, "/odd" },
		{ 11, 0x30000, 0x31000, 0, 1, 1, 0x20, "/odd" },
		{ 12, 0x30000, 0x31000, 8192, 1, UINT32_MAX, UINT32_MAX, "/odd" },
		/* version 6: an offset that is the start (anonymous), and
		 * one that is the start but not in 4 KiB */
		{ 13, 0x7f0000200000ull, 0x7f0000300000ull, 0x7f0000200000ull, 9000, 3, 2, "" },
		{ 14, 0x7f0000300800ull, 0x7f0000301800ull, 0x7f0000300800ull, 9000, 3, 2, "" },
		/* a file's segments in a run (same pid and path, each offset
		 * the last one's end), one at an offset behind it, flags past
		 * 3 (the long form since version 6), and a long-form mapping
		 * of the same path */
		{ 15, 0x7e0000000000ull, 0x7e0000026000ull, 0, 9000, 1, 2, "/lib/libc.so.6" },
		{ 16, 0x7e0000026000ull, 0x7e000017c000ull, 0x26000, 9000, 5, 2, "/lib/libc.so.6" },
		{ 17, 0x7e000017c000ull, 0x7e00001cf000ull, 0x17c000, 9000, 1, 2, "/lib/libc.so.6" },
		{ 18, 0x7e00001cf000ull, 0x7e00001d3000ull, 0x1000, 9000, 3, 2, "/lib/libc.so.6" },
		{ 19, 0x7e00001d3000ull, 0x7e00001d4000ull, 0x1d3000, 9000, 3, 4, "/lib/libc.so.6" },
		{ 20, 0x7e00001d4000ull, 0x7e00001d5000ull, 0x1d4001, 9000, 3, 2, "/lib/libc.so.6" },
	};
	struct pfx_rec_header h = { .page_size = 4096 };
	struct pfx_rec_totals t = { .duration_ns = 10 };
	struct pfx_rec_item it = { .type = PFX_REC_MAPPING };
	struct pfx_rec_writer *w;
	struct pfx_rec_reader *r;
	size_t n = sizeof(maps) / sizeof(maps[0]), paths = 0;
	uint8_t *data;
	long size;

	memset(long_path, 'p', sizeof(long_path) - 1);
	long_path[0] = '/';
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	for (size_t i = 0; i < n; i++) {
		it.mapping = maps[i];
		CHECK(pfx_rec_write(w, &it) == 0);
	}
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	CHECK(pfx_rec_reader_open(&r, path) == 0);
	for (size_t i = 0; i < n; i++) {
		CHECK(pfx_rec_next(r, &it) == 1 && it.type == PFX_REC_MAPPING);
		CHECK(it.mapping.time_ns == maps[i].time_ns && it.mapping.pid == maps[i].pid);
		CHECK(it.mapping.start == maps[i].start && it.mapping.end == maps[i].end);
		CHECK(it.mapping.pgoff == maps[i].pgoff && it.mapping.prot == maps[i].prot &&
		      it.mapping.flags == maps[i].flags);
		CHECK(strncmp(it.mapping.path, maps[i].path, 4096) == 0 && strlen(it.mapping.path) <= 4096);
	}
	CHECK(pfx_rec_next(r, &it) == 0);
	pfx_rec_reader_close(r);
	for (size_t i = 0; i < n; i++)
		paths += strlen(maps[i].path) < 4096 ? strlen(maps[i].path) : 4096;

	data = slurp(path, &size);
	CHECK(size > 0 && (size_t)size < paths);	/* each path written once */
	/* the same bytes as a version 4 file: MAPREF is not one of its items */
	data[8] = 4;
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	CHECK(pfx_rec_next(r, &it) == -EBADMSG);
	pfx_rec_reader_close(r);
	free(data);

	/* version 6's shape byte saying "the previous mapping's path" in a
	 * file's first mapping: damage */
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	it.mapping = maps[0];
	CHECK(pfx_rec_write(w, &it) == 0);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	data = slurp(path, &size);
	{
		/* tag, time 1 (zigzag 2), then the shape: 1 | 5 << 1 | 2 << 4
		 * (version 6: before the pid) */
		long at = -1;

		for (long i = 16; i + 2 < size && at < 0; i++)
			if (data[i] == 0x08 && data[i + 1] == 2 && data[i + 2] == (1 | 5 << 1 | 2 << 4))
				at = i + 2;
		CHECK(at > 0);
		data[at] |= 0x80;	/* the same path as no mapping */
		pfx_rec_fix_checksums(data, (size_t)size);
	}
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	CHECK(pfx_rec_next(r, &it) == -EBADMSG);
	pfx_rec_reader_close(r);
	free(data);

	/* a path by a number not given yet */
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	it.mapping = maps[0];
	CHECK(pfx_rec_write(w, &it) == 0);
	it.mapping = maps[2];	/* path 2, "" */
	CHECK(pfx_rec_write(w, &it) == 0);
	it.mapping = maps[4];	/* another pid: not like a mapping before */
	CHECK(pfx_rec_write(w, &it) == 0);	/* path 1 by number: its last byte is 1 */
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	data = slurp(path, &size);
	{
		/* the third MAPREF's path number: the byte before the END tag */
		long at = -1;

		for (long i = size - 1; i > 40 && at < 0; i--)
			if (data[i] == 0x7f && data[i - 1] == 1)
				at = i - 1;
		CHECK(at > 0);
		data[at] = 3;
		pfx_rec_fix_checksums(data, (size_t)size);
	}
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	CHECK(pfx_rec_next(r, &it) == 1 && strcmp(it.mapping.path, "/usr/bin/true") == 0);
	CHECK(pfx_rec_next(r, &it) == 1 && strcmp(it.mapping.path, "") == 0);
	CHECK(pfx_rec_next(r, &it) == -EBADMSG);
	pfx_rec_reader_close(r);
	free(data);
	unlink(path);
}

/* --latency-sample: flag bit 7 and the header's latency_sample after the
 * events string, read back; a file without the flag reads 0. */
static void check_latency_sample(const char *path)
{
	struct pfx_rec_header h = { .page_size = 4096, .flags = PFX_REC_HAS_LATENCY | PFX_REC_LATENCY_SAMPLED,
				    .latency_sample = 100, .events = "minor-faults" };
	struct pfx_rec_totals t = { .duration_ns = 1 };
	struct pfx_rec_writer *w;
	struct pfx_rec_reader *r;

	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	CHECK(pfx_rec_reader_open(&r, path) == 0);
	CHECK(pfx_rec_reader_header(r)->flags & PFX_REC_LATENCY_SAMPLED);
	CHECK_EQ(pfx_rec_reader_header(r)->latency_sample, 100);
	CHECK(strcmp(pfx_rec_reader_header(r)->events, "minor-faults") == 0);
	pfx_rec_reader_close(r);
	h.flags = PFX_REC_HAS_LATENCY;
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	CHECK(pfx_rec_reader_open(&r, path) == 0);
	CHECK_EQ(pfx_rec_reader_header(r)->latency_sample, 0);
	pfx_rec_reader_close(r);
	unlink(path);
}

/* Version 6's short fault tags: a place among the thread's recent ips
 * that it has not got yet, or a short tag in a version 5 file, is
 * corruption. */
static void check_short_faults(const char *path)
{
	struct pfx_rec_header h = { .page_size = 4096 };
	struct pfx_rec_totals t = { .faults = 2, .minor = 2, .duration_ns = 100 };
	struct pfx_rec_item it = { .type = PFX_REC_FAULT };
	struct pfx_rec_writer *w;
	struct pfx_rec_reader *r;
	uint8_t *data;
	long size, at = -1;

	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	it.fault = (struct pfx_fault){ .time_ns = 10, .tid = 1, .pid = 1, .addr = 0x7f0000000000ull,
				       .ip = 0x401000, .kind = PFX_FAULT_MINOR,
				       .access = PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE };
	CHECK(pfx_rec_write(w, &it) == 0);
	it.fault.time_ns = 15;
	it.fault.addr += 0x1000;
	CHECK(pfx_rec_write(w, &it) == 0);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	data = slurp(path, &size);
	/* the second fault: short tag (class 1, the last ip: 0x20), time
	 * +5 (zigzag 10), address +0x1000 from the ip's last (zigzag) */
	for (long i = 16; i + 3 < size && at < 0; i++)
		if (data[i] == 0x20 && data[i + 1] == 10 && data[i + 2] == 0x80 && data[i + 3] == 0x40)
			at = i;
	CHECK(at > 0);
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	CHECK(pfx_rec_next(r, &it) == 1 && pfx_rec_next(r, &it) == 1);
	CHECK(it.fault.addr == 0x7f0000001000ull && it.fault.ip == 0x401000 && it.fault.tid == 1);
	CHECK(it.fault.access == (PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE) && it.fault.kind == PFX_FAULT_MINOR);
	CHECK(pfx_rec_next(r, &it) == 0);
	pfx_rec_reader_close(r);
	data[at] = 0x25;	/* the ip at place 5 of 1 */
	pfx_rec_fix_checksums(data, (size_t)size);
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	CHECK(pfx_rec_next(r, &it) == 1 && pfx_rec_next(r, &it) == -EBADMSG);
	pfx_rec_reader_close(r);
	data[at] = 0x20;
	data[8] = 5;
	pfx_rec_fix_checksums(data, (size_t)size);
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	while ((at = pfx_rec_next(r, &it)) == 1)
		;
	CHECK(at == -EBADMSG);
	pfx_rec_reader_close(r);
	free(data);
	unlink(path);
}

/* Version 7: a fault's ip by its place in its mapped file, and a
 * mapping like one of the last 64.  Two processes map one file at
 * different addresses and fault at the same offsets in it: the second's
 * faults name the first's file ips (IP_NEXT, IP_FILE and the long form's
 * file ref), its mappings the first's (MAPLIKE); everything comes back as
 * written.  A file ip not given yet or not mapped in the fault's
 * process, a MAPLIKE naming a mapping not seen, or in a version 6 file,
 * is corruption. */
static void check_file_ips(const char *path)
{
	static const uint64_t base[2] = { 0x555500000000ull, 0x5566aa000000ull };
	static const uint64_t offs[4] = { 0x1230, 0x2000, 0x1fff, 0x1240 };
	static const unsigned order[4] = { 0, 2, 1, 3 };	/* the second: IP_NEXT, IP_FILE */
	struct pfx_rec_header h = { .page_size = 4096, .flags = PFX_REC_PER_SPACE };
	struct pfx_rec_totals t = { .faults = 10, .minor = 10, .duration_ns = 1000 };
	struct pfx_rec_item it, got;
	struct pfx_rec_writer *w;
	struct pfx_rec_reader *r;
	struct pfx_rec_item items[32];
	size_t n = 0;
	uint8_t *data;
	long size, at = -1;
	int ret;

	for (unsigned p = 0; p < 2; p++) {
		uint32_t pid = 10 + p;

		items[n++] = (struct pfx_rec_item){ .type = PFX_REC_SPACE,
						    .space = { .time_ns = 100 * p + 1, .pid = pid } };
		items[n].type = PFX_REC_MAPPING;
		items[n++].mapping = (struct pfx_mapping){ 100 * p + 2, base[p], base[p] + 0x1000, 0, pid,
							   1, 2, "/bin/x" };
		items[n].type = PFX_REC_MAPPING;
		items[n++].mapping = (struct pfx_mapping){ 100 * p + 3, base[p] + 0x1000, base[p] + 0x3000,
							   0x1000, pid, 5, 2, "/bin/x" };
		items[n].type = PFX_REC_MAPPING;
		items[n++].mapping = (struct pfx_mapping){ 100 * p + 4, base[p] + 0x3000, base[p] + 0x5000,
							   base[p] + 0x3000, pid, 3, 2, "" };
		for (unsigned i = 0; i < 4; i++) {
			items[n].type = PFX_REC_FAULT;
			items[n++].fault = (struct pfx_fault){ .time_ns = 100 * p + 10 + i, .pid = pid,
							       .tid = pid, .ip = base[p] + offs[p ? order[i] : i],
							       .addr = base[p] + 0x3000 + i * 0x1000 / 2,
							       .kind = PFX_FAULT_MINOR,
							       .access = PFX_ACCESS_KNOWN };
		}
		/* another thread of the process, at the first ip: the long form */
		items[n].type = PFX_REC_FAULT;
		items[n++].fault = (struct pfx_fault){ .time_ns = 100 * p + 20, .pid = pid, .tid = 1000 + pid,
						       .ip = base[p] + offs[0], .addr = base[p] + 0x4100,
						       .kind = PFX_FAULT_MINOR, .access = PFX_ACCESS_KNOWN };
	}
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	for (size_t i = 0; i < n; i++)
		CHECK(pfx_rec_write(w, &items[i]) == 0);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	CHECK(pfx_rec_reader_open(&r, path) == 0);
	for (size_t i = 0; i < n; i++) {
		CHECK(pfx_rec_next(r, &got) == 1 && got.type == items[i].type);
		it = items[i];
		if (it.type == PFX_REC_FAULT) {
			CHECK(got.fault.ip == it.fault.ip && got.fault.addr == it.fault.addr);
			CHECK(got.fault.pid == it.fault.pid && got.fault.tid == it.fault.tid);
			CHECK(got.fault.time_ns == it.fault.time_ns && got.fault.access == it.fault.access);
		} else if (it.type == PFX_REC_MAPPING) {
			CHECK(got.mapping.start == it.mapping.start && got.mapping.end == it.mapping.end);
			CHECK(got.mapping.pgoff == it.mapping.pgoff && got.mapping.pid == it.mapping.pid);
			CHECK(got.mapping.prot == it.mapping.prot && got.mapping.flags == it.mapping.flags);
			CHECK(got.mapping.time_ns == it.mapping.time_ns);
			CHECK(strcmp(got.mapping.path, it.mapping.path) == 0);
		}
	}
	CHECK(pfx_rec_next(r, &got) == 0);
	pfx_rec_reader_close(r);
	data = slurp(path, &size);
	/* the second process's other thread: long tag (minor, read, new
	 * tid) 0xc5, tid 1011 (0xf3 0x07), pid 11, time +7 (zigzag 14),
	 * file ref 33 (REC_IPS + 1: its thread's next file ip, id 0) */
	for (long i = 16; i + 5 < size && at < 0; i++)
		if (data[i] == 0xc5 && data[i + 1] == 0xf3 && data[i + 2] == 0x07 && data[i + 3] == 11 &&
		    data[i + 4] == 14 && data[i + 5] == 33)
			at = i + 5;
	CHECK(at > 0);
	data[at] = 33 + 8;	/* id 4: not given yet */
	pfx_rec_fix_checksums(data, (size_t)size);
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	while ((ret = pfx_rec_next(r, &got)) == 1)
		;
	CHECK(ret == -EBADMSG);
	pfx_rec_reader_close(r);
	data[at] = 33;
	data[at - 2] = 12;	/* its pid 12: nothing mapped there */
	pfx_rec_fix_checksums(data, (size_t)size);
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	while ((ret = pfx_rec_next(r, &got)) == 1)
		;
	CHECK(ret == -EBADMSG);
	pfx_rec_reader_close(r);
	data[at - 2] = 11;
	/* the second process's second mapping: MAPLIKE 0x09, time +1
	 * (zigzag 2), like the mapping 3 before it at its distance (4) */
	at = -1;
	for (long i = 16; i + 2 < size && at < 0; i++)
		if (data[i] == 0x09 && data[i + 1] == 2 && data[i + 2] == 4)
			at = i + 2;
	CHECK(at > 0);
	data[at] = 10 << 1;	/* the mapping 11 before it: there were 4 */
	pfx_rec_fix_checksums(data, (size_t)size);
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	while ((ret = pfx_rec_next(r, &got)) == 1)
		;
	CHECK(ret == -EBADMSG);
	pfx_rec_reader_close(r);
	data[at] = 4;
	data[8] = 6;		/* MAPLIKE is not a version 6 item */
	pfx_rec_fix_checksums(data, (size_t)size);
	CHECK(pfx_rec_reader_open_mem(&r, data, (size_t)size) == 0);
	while ((ret = pfx_rec_next(r, &got)) == 1)
		;
	CHECK(ret == -EBADMSG);
	pfx_rec_reader_close(r);
	free(data);
	unlink(path);
}

/* Version 7 with many mappings: a process's 700 mappings (its list cut
 * to its latest 256, the rest given back), faults at ips in mappings
 * from just made to 350 back (beyond what is looked at: by value), a
 * SPACE item (the list given back, its entries made again), another
 * process at the same file offsets (file ips): every item comes back as
 * written. */
static void check_file_ips_many(const char *path)
{
	struct pfx_rec_header h = { .page_size = 4096, .flags = PFX_REC_PER_SPACE };
	struct pfx_rec_totals t = { .duration_ns = 100000 };
	struct pfx_rec_writer *w;
	struct pfx_rec_reader *r;
	struct pfx_rec_item it, got;
	unsigned n = 0, back = 0;
	uint64_t time = 0;

	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	for (unsigned pass = 0; pass < 3; pass++) {
		uint32_t pid = pass == 2 ? 2 : 1;
		uint64_t base = 0x500000000000ull + pass * 0x10000000000ull;
		unsigned maps = pass == 1 ? 20 : 700;

		it = (struct pfx_rec_item){ .type = PFX_REC_SPACE, .space = { ++time, pid } };
		CHECK(pfx_rec_write(w, &it) == 0);
		for (unsigned i = 0; i < maps; i++) {
			uint64_t ip;

			it.type = PFX_REC_MAPPING;
			it.mapping = (struct pfx_mapping){ ++time, base + i * 0x2000, base + i * 0x2000 + 0x1000,
							   i * 0x1000, pid, 5, 2, i % 2 ? "/lib/a" : "/lib/b" };
			CHECK(pfx_rec_write(w, &it) == 0);
			ip = base + (i - i / 2) * 0x2000 + (i * 16 & 0xfff);
			it.type = PFX_REC_FAULT;
			it.fault = (struct pfx_fault){ .time_ns = ++time, .pid = pid, .tid = pid, .ip = ip,
						       .addr = ip + 0x1000 + i, .kind = PFX_FAULT_MINOR,
						       .access = PFX_ACCESS_KNOWN };
			CHECK(pfx_rec_write(w, &it) == 0);
		}
	}
	t.faults = t.minor = 0;
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	/* again, reading: each item as the writer had it */
	CHECK(pfx_rec_reader_open(&r, path) == 0);
	time = 0;
	for (unsigned pass = 0; pass < 3; pass++) {
		uint32_t pid = pass == 2 ? 2 : 1;
		uint64_t base = 0x500000000000ull + pass * 0x10000000000ull;
		unsigned maps = pass == 1 ? 20 : 700;

		CHECK(pfx_rec_next(r, &got) == 1 && got.type == PFX_REC_SPACE && got.space.pid == pid);
		time++;
		for (unsigned i = 0; i < maps; i++) {
			uint64_t ip = base + (i - i / 2) * 0x2000 + (i * 16 & 0xfff);

			CHECK(pfx_rec_next(r, &got) == 1 && got.type == PFX_REC_MAPPING);
			CHECK(got.mapping.start == base + i * 0x2000 && got.mapping.pgoff == i * 0x1000);
			CHECK(got.mapping.time_ns == ++time && got.mapping.pid == pid);
			CHECK(strcmp(got.mapping.path, i % 2 ? "/lib/a" : "/lib/b") == 0);
			CHECK(pfx_rec_next(r, &got) == 1 && got.type == PFX_REC_FAULT);
			CHECK(got.fault.ip == ip && got.fault.addr == ip + 0x1000 + i);
			CHECK(got.fault.time_ns == ++time && got.fault.pid == pid);
			n++;
			back += i - i / 2 > 256;
		}
	}
	CHECK(n == 1420 && back > 100);
	CHECK(pfx_rec_next(r, &got) == 0);
	pfx_rec_reader_close(r);
	unlink(path);
}

int main(void)
{
	char path[] = "/tmp/pfx-test-recfile.XXXXXX";
	int fd = mkstemp(path);
	struct pfx_rec_reader *r;
	struct pfx_rec_item it;
	struct pfx_rec_totals t;
	uint64_t bytes;
	unsigned faults;
	FILE *fp;
	uint8_t *data, *copy;
	long size;

	CHECK(fd >= 0);
	close(fd);
	write_file(path, &bytes);

	/* Round trip. */
	CHECK(pfx_rec_reader_open(&r, path) == 0);
	CHECK(pfx_rec_reader_header(r)->version == 7);
	CHECK(strcmp(pfx_rec_reader_header(r)->command, "pfx-load seq") == 0);
	CHECK(pfx_rec_reader_header(r)->page_size == 4096);
	CHECK(pfx_rec_next(r, &it) == 1 && it.type == PFX_REC_MAPPING);
	CHECK(it.mapping.end == 0x7f0010000000ull && strcmp(it.mapping.path, "/tmp/some file") == 0);
	CHECK(it.mapping.pgoff == 4096 && it.mapping.prot == 3 && it.mapping.flags == 2);
	CHECK(pfx_rec_next(r, &it) == 1 && it.type == PFX_REC_THREAD && strcmp(it.thread.comm, "worker") == 0);
	CHECK(read_all(r, &faults, true) == 0);
	CHECK(faults == NFAULTS);
	CHECK(pfx_rec_reader_totals(r, &t) == 0 && t.faults == NFAULTS && t.lost_samples == 4 && t.duration_ns == DURATION_NS);
	/* The COUNTED item (version 2) comes back with the totals. */
	CHECK(t.has_counted && t.counted_minor == NFAULTS + 5 && t.counted_major == 7);
	pfx_rec_reader_close(r);
	printf("bytes per fault: %.2f\n", (double)bytes / NFAULTS);
	CHECK(bytes / NFAULTS <= 16);
	check_times(path);
	check_cgroups(path);
	check_latency_sample(path);
	check_mapref(path);
	check_short_faults(path);
	check_file_ips(path);
	check_file_ips_many(path);
	write_file(path, &bytes);
	check_truncated_while_read(path);
	write_file(path, &bytes);

	/* Load the file for damage tests. */
	fp = fopen(path, "rb");
	CHECK(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	data = malloc((size_t)size);
	copy = malloc((size_t)size);
	CHECK(fread(data, 1, (size_t)size, fp) == (size_t)size);
	fclose(fp);
	unlink(path);

	check_foreach(data, (size_t)size);
	/* Truncation anywhere: open fails with a code, or reading ends in -ENODATA. */
	for (long cut = 0; cut < size; cut += cut < 200 ? 1 : size / 300 + 1) {
		int ret = pfx_rec_reader_open_mem(&r, data, (size_t)cut);

		if (ret < 0) {
			CHECK(ret == -ENODATA || ret == -EPROTO);
			continue;
		}
		ret = read_all(r, &faults, true);
		CHECK(ret == -ENODATA);
		CHECK(pfx_rec_reader_totals(r, &t) == -ENODATA);
		pfx_rec_reader_close(r);
	}
	/* Flipped bytes: detected (CRC), never a crash, never a silent success. */
	for (long pos = 0; pos < size; pos += pos < 100 ? 1 : size / 300 + 1) {
		int ret;

		memcpy(copy, data, (size_t)size);
		copy[pos] ^= 0x5a;
		ret = pfx_rec_reader_open_mem(&r, copy, (size_t)size);
		if (ret < 0)
			continue;
		ret = read_all(r, &faults, false);
		CHECK(ret < 0);
		pfx_rec_reader_close(r);
	}
	/* Not a pfx file. */
	CHECK(pfx_rec_reader_open_mem(&r, "hello world, not pfx", 20) == -EPROTO);
	free(data);
	free(copy);
	printf("ok\n");
	return 0;
}
