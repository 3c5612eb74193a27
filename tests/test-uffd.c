/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-uffd: the edges of the userfaultfd recorder on the real kernel:
 * ranges it must refuse, two threads faulting the same page (one served,
 * one EEXIST race woken), a lazy-loaded file shorter than its range (zeros
 * past its end) and one that cannot be read (zeros, counted), and the
 * record file: source, mapping, one fault per served page with its thread,
 * access and a latency.  Exit 77 where the kernel has no userfaultfd. */
#include "config.h"
#include <pfx/uffd_recorder.h>
#include "recfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

static size_t page_size;
static char tmpdir[] = "/tmp/test-uffd.XXXXXX";

static char *map_pages(size_t n)
{
	void *p = mmap(NULL, n * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(99);
	}
	return p;
}

static struct pfx_uffd *open_recorder(const char *path)
{
	struct pfx_uffd *u;
	int err = pfx_uffd_open(&u, path, "test-uffd");

	if (err == -ENOSYS || err == -EPERM) {
		printf("SKIP: userfaultfd unavailable: %s\n", strerror(-err));
		exit(77);
	}
	if (err) {
		printf("FAIL: pfx_uffd_open: %s\n", strerror(-err));
		exit(1);
	}
	return u;
}

static void test_refused_ranges(void)
{
	char path[64];
	char *mem = map_pages(2);
	struct pfx_uffd *u;
	struct pfx_uffd_range r = { .addr = mem, .len = page_size, .policy = PFX_UFFD_ZERO, .fd = -1 };

	snprintf(path, sizeof(path), "%s/refused.data", tmpdir);
	u = open_recorder(path);
	r.addr = mem + 1;
	CHECK(pfx_uffd_register(u, &r) == -EINVAL, "misaligned start accepted");
	r.addr = mem;
	r.len = page_size + 1;
	CHECK(pfx_uffd_register(u, &r) == -EINVAL, "length not a page multiple accepted");
	r.len = 0;
	CHECK(pfx_uffd_register(u, &r) == -EINVAL, "empty range accepted");
	r.len = page_size;
	r.policy = PFX_UFFD_COPY;
	CHECK(pfx_uffd_register(u, &r) == -EINVAL, "copy without a source accepted");
	r.policy = PFX_UFFD_FILE;
	CHECK(pfx_uffd_register(u, &r) == -EINVAL, "file without a descriptor accepted");
	munmap(mem, 2 * page_size);
	r.policy = PFX_UFFD_ZERO;
	CHECK(pfx_uffd_register(u, &r) < 0, "unmapped range accepted");
	pfx_uffd_abort(u);
	CHECK(access(path, F_OK) != 0, "abort left %s behind", path);
}

/* ---- two threads, one page -------------------------------------------------- */

struct reader {
	pthread_t thread;
	volatile const char *page;
	volatile int *go;
	pid_t tid;
	char seen;
};

static void *read_page(void *arg)
{
	struct reader *rd = arg;

	rd->tid = (pid_t)syscall(SYS_gettid);
	while (!*rd->go)
		;	/* spinning, not sleeping: asleep then means in the fault */
	rd->seen = rd->page[10];
	return NULL;
}

static char thread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Both threads wait in the fault before the handler starts, so two
 * messages for one page are queued: the second fill finds it there. */
static void test_race(void)
{
	char path[64];
	char *mem = map_pages(1);
	struct pfx_uffd_range r = { .addr = mem, .len = page_size, .policy = PFX_UFFD_ZERO, .fd = -1 };
	struct reader rd[2];
	struct pfx_uffd_stats st;
	struct pfx_uffd *u;
	volatile int go = 0;
	int waiting = 0;

	snprintf(path, sizeof(path), "%s/race.data", tmpdir);
	u = open_recorder(path);
	CHECK(pfx_uffd_register(u, &r) == 0, "register");
	for (int i = 0; i < 2; i++) {
		rd[i] = (struct reader){ .page = mem, .go = &go };
		pthread_create(&rd[i].thread, NULL, read_page, &rd[i]);
	}
	while (!rd[0].tid || !rd[1].tid)
		sched_yield();
	go = 1;
	for (int tries = 0; tries < 5000 && waiting < 2; tries++) {
		struct timespec ms = { 0, 1000000 };

		nanosleep(&ms, NULL);
		waiting = (thread_state(rd[0].tid) == 'S') + (thread_state(rd[1].tid) == 'S');
	}
	CHECK(waiting == 2, "both readers should wait in the fault; %d do", waiting);
	CHECK(pfx_uffd_start(u) == 0, "start");
	for (int i = 0; i < 2; i++) {
		pthread_join(rd[i].thread, NULL);
		CHECK(rd[i].seen == 0, "reader %d saw %d in a zero page", i, rd[i].seen);
	}
	CHECK(pfx_uffd_finish(u, &st) == 0, "finish");
	CHECK(st.faults == 1 && st.raced == 1, "one page, two faults: %llu served, %llu raced (1 and 1)",
	      (unsigned long long)st.faults, (unsigned long long)st.raced);
	CHECK(st.zero == 1 && st.writes == 0, "a read of a zero range: zero %llu, writes %llu",
	      (unsigned long long)st.zero, (unsigned long long)st.writes);
	munmap(mem, page_size);
}

/* ---- lazy load ---------------------------------------------------------------- */

static int temp_file(const char *name, size_t bytes, char fill, char *path, size_t size)
{
	char *buf = malloc(bytes);
	int fd;

	snprintf(path, size, "%s/%s", tmpdir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	memset(buf, fill, bytes);
	if (fd < 0 || write(fd, buf, bytes) != (ssize_t)bytes) {
		perror(path);
		exit(99);
	}
	free(buf);
	return fd;
}

/* Two pages from a file of 1.5 pages at offset 0x10: data, then zeros. */
static void test_short_file(void)
{
	char path[64], data[64];
	char *mem = map_pages(2);
	int fd = temp_file("short", page_size * 3 / 2 + 0x10, 'L', data, sizeof(data));
	struct pfx_uffd_range r = { .addr = mem, .len = 2 * page_size, .policy = PFX_UFFD_FILE,
				    .fd = fd, .offset = 0x10 };
	struct pfx_uffd_stats st;
	struct pfx_uffd *u;
	volatile char *v = mem;
	char sum;

	snprintf(path, sizeof(path), "%s/short.data", tmpdir);
	u = open_recorder(path);
	CHECK(pfx_uffd_register(u, &r) == 0 && pfx_uffd_start(u) == 0, "register, start");
	v[0] = 'W';			/* a write fault */
	sum = v[page_size];		/* a read fault */
	(void)sum;
	CHECK(pfx_uffd_finish(u, &st) == 0, "finish");
	CHECK(mem[0] == 'W' && mem[1] == 'L' && mem[page_size - 1] == 'L', "page 0 is the file's");
	CHECK(mem[page_size] == 'L' && mem[page_size * 3 / 2 - 1] == 'L', "page 1 starts with the file's tail");
	CHECK(mem[page_size * 3 / 2] == 0 && mem[2 * page_size - 1] == 0, "past the file's end: zeros");
	CHECK(st.file == 2 && st.writes == 1 && st.read_errors == 0, "file %llu writes %llu errors %llu",
	      (unsigned long long)st.file, (unsigned long long)st.writes,
	      (unsigned long long)st.read_errors);
	close(fd);
	munmap(mem, 2 * page_size);
}

/* A descriptor pread() refuses: the page is served as zeros and counted. */
static void test_unreadable_file(void)
{
	char path[64], data[64];
	char *mem = map_pages(1);
	int fd = temp_file("unreadable", page_size, 'L', data, sizeof(data));
	int wfd = open(data, O_WRONLY | O_CLOEXEC);
	struct pfx_uffd_range r = { .addr = mem, .len = page_size, .policy = PFX_UFFD_FILE, .fd = wfd };
	struct pfx_uffd_stats st;
	struct pfx_uffd *u;
	volatile char *v = mem;

	snprintf(path, sizeof(path), "%s/unreadable.data", tmpdir);
	u = open_recorder(path);
	CHECK(pfx_uffd_register(u, &r) == 0 && pfx_uffd_start(u) == 0, "register, start");
	CHECK(v[5] == 0, "an unreadable page reads as zeros");
	CHECK(pfx_uffd_finish(u, &st) == 0, "finish");
	CHECK(st.read_errors == 1 && st.file == 1, "read errors %llu, file faults %llu (1, 1)",
	      (unsigned long long)st.read_errors, (unsigned long long)st.file);
	close(fd);
	close(wfd);
	munmap(mem, page_size);
}

/* ---- the record file ---------------------------------------------------------- */

static void check_recording(const char *path, const char *mem, size_t pages, pid_t tid)
{
	struct pfx_rec_reader *rd;
	struct pfx_rec_item it;
	struct pfx_rec_totals t;
	size_t faults = 0, mappings = 0, threads = 0, bad = 0;
	int rc;

	if (pfx_rec_reader_open(&rd, path)) {
		CHECK(0, "cannot read %s", path);
		return;
	}
	CHECK(strcmp(pfx_rec_reader_header(rd)->source, "uffd") == 0, "source %s",
	      pfx_rec_reader_header(rd)->source);
	CHECK(pfx_rec_reader_header(rd)->flags & PFX_REC_HAS_LATENCY, "latency flag");
	while ((rc = pfx_rec_next(rd, &it)) == 1) {
		if (it.type == PFX_REC_MAPPING)
			mappings += it.mapping.start == (uintptr_t)mem &&
				    it.mapping.end == (uintptr_t)mem + pages * page_size &&
				    it.mapping.path[0] == '\0';
		if (it.type == PFX_REC_THREAD)
			threads += it.thread.tid == (uint32_t)tid;
		if (it.type != PFX_REC_FAULT)
			continue;
		bad += it.fault.addr != (uintptr_t)mem + faults * page_size ||
		       it.fault.latency_ns == 0 || it.fault.tid != (uint32_t)tid ||
		       it.fault.kind != PFX_FAULT_MINOR ||
		       it.fault.access != (PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE);
		faults++;
	}
	CHECK(rc == 0, "file ends cleanly (%d)", rc);
	CHECK(pfx_rec_reader_totals(rd, &t) == 0 && t.faults == pages && t.minor == pages,
	      "totals: %llu faults", (unsigned long long)t.faults);
	CHECK(faults == pages && bad == 0, "%zu faults (want %zu), %zu not as written", faults, pages, bad);
	CHECK(mappings == 1 && threads == 1, "mapping items %zu, thread items %zu (1, 1)", mappings, threads);
	pfx_rec_reader_close(rd);
}

static void test_recording(void)
{
	enum { PAGES = 8 };
	char path[64];
	char *mem = map_pages(PAGES), *snap = malloc(PAGES * page_size);
	struct pfx_uffd_range r = { .addr = mem, .len = PAGES * page_size, .policy = PFX_UFFD_COPY,
				    .src = snap, .fd = -1 };
	struct pfx_uffd_stats st;
	struct pfx_uffd *u;
	bool tids;

	for (size_t i = 0; i < PAGES * page_size; i++)
		snap[i] = (char)(i / page_size + 'a');
	snprintf(path, sizeof(path), "%s/rec.data", tmpdir);
	u = open_recorder(path);
	tids = pfx_uffd_features(u) & PFX_UFFD_HAS_THREAD_ID;
	CHECK(pfx_uffd_register(u, &r) == 0 && pfx_uffd_start(u) == 0, "register, start");
	for (size_t p = 0; p < PAGES; p++)
		((volatile char *)mem)[p * page_size] = 'W';
	CHECK(pfx_uffd_finish(u, &st) == 0, "finish");
	for (size_t p = 0; p < PAGES; p++)
		CHECK(mem[p * page_size + 1] == (char)(p + 'a'), "page %zu holds its snapshot page", p);
	if (tids)
		check_recording(path, mem, PAGES, (pid_t)syscall(SYS_gettid));
	else
		printf("# no UFFD_FEATURE_THREAD_ID: the file's checks skipped\n");
	munmap(mem, PAGES * page_size);
	free(snap);
}

int main(void)
{
	char cmd[128];

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 99;
	}
	test_refused_ranges();
	test_race();
	test_short_file();
	test_unreadable_file();
	test_recording();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmpdir);
	if (failures)
		return 1;
	printf("ok\n");
	return 0;
}
