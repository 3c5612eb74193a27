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

/* Host-wide files (record -a/-G) are version 3 and carry CGROUP items;
 * the others stay version 2 and refuse them. */
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
	CHECK(pfx_rec_reader_header(r)->version == 4);
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

	/* A target's recording, its children apart: version 4, SPACE items, no CGROUP. */
	h.flags = PFX_REC_PER_SPACE;
	CHECK(pfx_rec_writer_open(&w, path, &h, true) == 0);
	CHECK(pfx_rec_write(w, &it) == 0);
	it.type = PFX_REC_CGROUP;
	CHECK(pfx_rec_write(w, &it) == -EINVAL);
	CHECK(pfx_rec_writer_close(w, &t) == 0);
	CHECK(pfx_rec_reader_open(&r, path) == 0);
	CHECK(pfx_rec_reader_header(r)->version == 4 && pfx_rec_per_space(pfx_rec_reader_header(r)));
	CHECK(pfx_rec_next(r, &it) == 1 && it.type == PFX_REC_SPACE && it.space.pid == 42);
	CHECK(pfx_rec_next(r, &it) == 0);
	pfx_rec_reader_close(r);
	unlink(path);
}

/* --latency-sample: flag bit 6 and the header's latency_sample after the
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
	CHECK(pfx_rec_reader_header(r)->version == 2);
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
