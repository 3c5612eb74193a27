/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-wss-idle: the idle page tracking method (wss_idle.h) against a
 * generated fixture tree, since this kernel has no page_idle.
 *
 * The fixture is a fake root: proc/PID/{maps,pagemap}, proc/kpageflags
 * and sys/kernel/mm/page_idle/bitmap as regular files.  Between the mark
 * and the read the test plays the kernel: it clears the idle bits of the
 * pages it "touches" and changes the page tables.  It covers scattered
 * small pages, a contiguous run of small file pages, a PMD-mapped THP
 * (head + tails), the second half of a THP whose head is not mapped, a
 * page faulted in during the window, a page unmapped during it, swapped
 * entries, and hidden PFNs.
 *
 * It also covers the soft-dirty side of wss.c on fixtures (this kernel
 * has no soft-dirty): the inject method's written set and fault count,
 * the written set that refs gets where the flush write-protects, the
 * clear_refs writes of each method, and inject refused without
 * soft-dirty.
 *
 *   test-wss-idle                        run the tests
 *   test-wss-idle --make-fixture DIR PID MIB [--all-accessed] [--softdirty N]
 *       write a fixture of one anonymous mapping of MIB MiB with scattered
 *       PFNs for the shell test and the benchmark (with proc/PID/clear_refs,
 *       stat and smaps_rollup); --all-accessed links the bitmap to
 *       /dev/zero so every page reads as accessed; --softdirty N makes it
 *       a soft-dirty kernel whose every N-th page of the mapping is
 *       soft-dirty. */
#include "config.h"
#include "pagemap.h"
#include "util.h"
#include "wss.h"
#include "wss_idle.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THP_PAGES 512
#define PID 4242

#include "test.h"

static uint64_t page_size;
static char root[256];

static void die(const char *what)
{
	perror(what);
	exit(99);
}

static void mkdirs(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		die(buf);
}

static int open_in_root(const char *rel, int flags)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fd = open(path, flags, 0644);
	if (fd < 0)
		die(path);
	return fd;
}

static void put_u64(const char *rel, uint64_t index, uint64_t value)
{
	int fd = open_in_root(rel, O_WRONLY | O_CREAT);

	if (pwrite(fd, &value, sizeof(value), (off_t)(index * 8)) != sizeof(value))
		die("pwrite");
	close(fd);
}

static uint64_t get_u64(const char *rel, uint64_t index)
{
	int fd = open_in_root(rel, O_RDONLY);
	uint64_t value = 0;

	if (pread(fd, &value, sizeof(value), (off_t)(index * 8)) < 0)
		die("pread");
	close(fd);
	return value;
}

static char pagemap_rel[64], maps_rel[64], clear_refs_rel[64], stat_rel[64];
static const char bitmap_rel[] = PFX_PAGE_IDLE_BITMAP;
static const char kpageflags_rel[] = "/proc/kpageflags";

static void write_file(const char *rel, const char *text)
{
	int fd = open_in_root(rel, O_WRONLY | O_CREAT | O_TRUNC);

	if (pfx_write_all(fd, text, strlen(text)))
		die("write");
	close(fd);
}

/* The fake process's fault counters: minflt = minor, majflt = 0. */
static void set_faults(pid_t pid, uint64_t minor)
{
	char text[256];

	snprintf(text, sizeof(text), "%d (fake proc) S 1 %d %d 0 -1 4194304 %llu 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n",
		 (int)pid, (int)pid, (int)pid, (unsigned long long)minor);
	write_file(stat_rel, text);
}

static void read_file(const char *rel, char *buf, size_t size)
{
	int fd = open_in_root(rel, O_RDONLY);
	ssize_t n = read(fd, buf, size - 1);

	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* A soft-dirty kernel, to pfx_pagemap_softdirty_probe(). */
static void make_softdirty_kernel(void)
{
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/proc/self", root);
	mkdirs(dir);
	put_u64("/proc/self/pagemap", 0, PFX_PM_PRESENT | PFX_PM_SOFT_DIRTY | 1);
}

static void make_tree(pid_t pid)
{
	char dir[512];

	snprintf(pagemap_rel, sizeof(pagemap_rel), "/proc/%d/pagemap", (int)pid);
	snprintf(maps_rel, sizeof(maps_rel), "/proc/%d/maps", (int)pid);
	snprintf(dir, sizeof(dir), "%s/proc/%d", root, (int)pid);
	mkdirs(dir);
	snprintf(dir, sizeof(dir), "%s/sys/kernel/mm/page_idle", root);
	mkdirs(dir);
	close(open_in_root(pagemap_rel, O_WRONLY | O_CREAT | O_TRUNC));
	close(open_in_root(kpageflags_rel, O_WRONLY | O_CREAT | O_TRUNC));
	snprintf(clear_refs_rel, sizeof(clear_refs_rel), "/proc/%d/clear_refs", (int)pid);
	snprintf(stat_rel, sizeof(stat_rel), "/proc/%d/stat", (int)pid);
	snprintf(dir, sizeof(dir), "/proc/%d/smaps_rollup", (int)pid);
	close(open_in_root(clear_refs_rel, O_WRONLY | O_CREAT | O_TRUNC));
	write_file(dir, "10000000-7fff00000000 ---p 00000000 00:00 0 [rollup]\nRss: 4096 kB\nPss: 2048 kB\n");
	set_faults(pid, 1000);
}

/* --- the page tables of the fake process --- */

#define A_START 0x10000000ull	/* anon, 64 pages, 0..47 present, scattered */
#define B_START 0x11000000ull	/* file, 16 contiguous small pages */
#define C_START 0x20000000ull	/* anon, one PMD-mapped THP */
#define D_START 0x30000000ull	/* anon, second half of a THP */
#define A_PFN(i) (100000 + 7 * (uint64_t)(i))
#define B_PFN 200000ull
#define C_HEAD 300032ull	/* 586 * 512 */
#define D_HEAD 400384ull	/* 782 * 512 */
#define NEW_PFN 500000ull

static uint64_t vpn(uint64_t addr, uint64_t page)
{
	return addr / page_size + page;
}

static void map_page(uint64_t addr, uint64_t page, uint64_t pfn, uint64_t extra)
{
	put_u64(pagemap_rel, vpn(addr, page), PFX_PM_PRESENT | pfn | extra);
}

static uint64_t kpf(int bit)
{
	return UINT64_C(1) << bit;
}

static void make_thp_flags(uint64_t head)
{
	uint64_t common = kpf(PFX_KPF_THP) | kpf(PFX_KPF_ANON) | kpf(PFX_KPF_MMAP);

	put_u64(kpageflags_rel, head, common | kpf(PFX_KPF_COMPOUND_HEAD) | kpf(PFX_KPF_LRU));
	for (uint64_t i = 1; i < THP_PAGES; i++)
		put_u64(kpageflags_rel, head + i, common | kpf(PFX_KPF_COMPOUND_TAIL));
}

static void make_process(void)
{
	char maps[1024];

	snprintf(maps, sizeof(maps),
		 "%llx-%llx rw-p 00000000 00:00 0 \n"
		 "%llx-%llx r--p 00000000 fe:00 1234                       /usr/lib/fake.so\n"
		 "%llx-%llx rw-p 00000000 00:00 0 \n"
		 "%llx-%llx rw-p 00000000 00:00 0 \n",
		 A_START, A_START + 64 * page_size, B_START, B_START + 16 * page_size,
		 C_START, C_START + THP_PAGES * page_size, D_START, D_START + 256 * page_size);
	write_file(maps_rel, maps);
	for (int i = 0; i < 48; i++)
		map_page(A_START, (uint64_t)i, A_PFN(i), PFX_PM_EXCLUSIVE);
	put_u64(pagemap_rel, vpn(A_START, 50), PFX_PM_SWAPPED | 0x1234);	/* swapped: not resident */
	for (int i = 0; i < 16; i++) {
		map_page(B_START, (uint64_t)i, B_PFN + (uint64_t)i, PFX_PM_FILE);
		put_u64(kpageflags_rel, B_PFN + (uint64_t)i, kpf(PFX_KPF_LRU) | kpf(PFX_KPF_MMAP));
	}
	make_thp_flags(C_HEAD);
	for (int i = 0; i < THP_PAGES; i++)
		map_page(C_START, (uint64_t)i, C_HEAD + (uint64_t)i, PFX_PM_EXCLUSIVE);
	make_thp_flags(D_HEAD);
	for (int i = 0; i < 256; i++)
		map_page(D_START, (uint64_t)i, D_HEAD + 256 + (uint64_t)i, PFX_PM_EXCLUSIVE);
}

/* --- the "kernel" side of the bitmap --- */

static bool bit_is_set(uint64_t pfn)
{
	return (get_u64(bitmap_rel, pfn / 64) >> (pfn % 64)) & 1;
}

static void touch(uint64_t pfn)
{
	uint64_t word = get_u64(bitmap_rel, pfn / 64);

	put_u64(bitmap_rel, pfn / 64, word & ~(UINT64_C(1) << (pfn % 64)));
}

/* After a mark, exactly the heads and small pages have their bit set. */
static void check_marked_bits(void)
{
	size_t set = 0;
	int fd = open_in_root(bitmap_rel, O_RDONLY);
	uint64_t word;

	for (off_t off = 0; pread(fd, &word, 8, off) == 8; off += 8)
		set += (size_t)__builtin_popcountll(word);
	close(fd);
	CHECK(set == 48 + 16 + 2, "%zu bits set, expected 66 (48 + 16 small pages, 2 THP heads)", set);
	CHECK(bit_is_set(A_PFN(0)) && bit_is_set(A_PFN(47)), "small anon pages not marked");
	CHECK(bit_is_set(B_PFN + 15), "small file page not marked");
	CHECK(bit_is_set(C_HEAD), "THP head not marked");
	CHECK(!bit_is_set(C_HEAD + 1) && !bit_is_set(C_HEAD + 511), "a THP tail was marked");
	CHECK(bit_is_set(D_HEAD), "the head of a half-mapped THP was not marked");
	CHECK(!bit_is_set(D_HEAD + 256), "a tail of the half-mapped THP was marked");
}

static const struct pfx_wss_mapping *find_mapping(const struct pfx_wss_reading *r, uint64_t start)
{
	for (size_t i = 0; i < r->n_mappings; i++)
		if (r->mappings[i].start == start)
			return &r->mappings[i];
	return NULL;
}

static void expect_pages(const char *what, uint64_t got_bytes, uint64_t pages)
{
	CHECK(got_bytes == pages * page_size, "%s: %llu pages, expected %llu", what,
	      (unsigned long long)(got_bytes / page_size), (unsigned long long)pages);
}

static void test_windows(void)
{
	struct pfx_wss_reading r = { 0 };
	const struct pfx_wss_mapping *c, *d;
	struct pfx_wss_idle *w;
	char path[512];
	int err;

	make_process();
	err = pfx_wss_idle_open(root, PID, &w);
	CHECK(err == 0, "open: %s", strerror(-err));
	if (err)
		return;

	/* Window 1: touch 10 scattered anon pages, one file page, the THP
	 * head; fault in a new page; unmap one. */
	CHECK(pfx_wss_idle_mark(w) == 0, "mark 1");
	check_marked_bits();
	for (int i = 0; i < 10; i++)
		touch(A_PFN(i));
	touch(B_PFN + 3);
	touch(C_HEAD);
	map_page(A_START, 60, NEW_PFN, 0);
	put_u64(pagemap_rel, vpn(A_START, 47), 0);
	err = pfx_wss_idle_read(w, true, &r);
	CHECK(err == 0, "read 1: %s", strerror(-err));
	expect_pages("rss", r.total.rss, 48 + 16 + THP_PAGES + 256);
	expect_pages("wss", r.total.wss, 10 + 1 + 1 + THP_PAGES);
	expect_pages("wss anon", r.total.wss_anon, 10 + 1 + THP_PAGES);
	expect_pages("wss file", r.total.wss_file, 1);
	CHECK(r.n_mappings == 4, "%zu mappings, expected 4", r.n_mappings);
	c = find_mapping(&r, C_START);
	d = find_mapping(&r, D_START);
	CHECK(c && d, "THP mappings missing from the breakdown");
	if (c && d) {
		expect_pages("THP mapping wss (a touched head counts the whole THP)", c->bytes.wss, THP_PAGES);
		expect_pages("half-THP mapping wss", d->bytes.wss, 0);
		expect_pages("half-THP mapping rss", d->bytes.rss, 256);
	}
	pfx_wss_reading_clear(&r);

	/* Window 2: only the half-mapped THP's head (not mapped by us). */
	CHECK(pfx_wss_idle_mark(w) == 0, "mark 2");
	touch(D_HEAD);
	CHECK(pfx_wss_idle_read(w, false, &r) == 0, "read 2");
	expect_pages("wss 2", r.total.wss, 256);
	expect_pages("wss 2 anon", r.total.wss_anon, 256);
	CHECK(r.n_mappings == 0, "a breakdown without by_mapping");
	pfx_wss_reading_clear(&r);

	/* Window 3: nothing touched. */
	CHECK(pfx_wss_idle_mark(w) == 0, "mark 3");
	CHECK(pfx_wss_idle_read(w, false, &r) == 0, "read 3");
	expect_pages("wss 3", r.total.wss, 0);
	pfx_wss_reading_clear(&r);

	/* PFNs hidden (pagemap read without CAP_SYS_ADMIN): -EPERM. */
	for (int i = 0; i < 16; i++)
		map_page(B_START, (uint64_t)i, 0, PFX_PM_FILE);
	for (int i = 0; i < 64; i++)
		put_u64(pagemap_rel, vpn(A_START, (uint64_t)i), 0);
	for (int i = 0; i < THP_PAGES; i++)
		put_u64(pagemap_rel, vpn(C_START, (uint64_t)i), PFX_PM_PRESENT);
	for (int i = 0; i < 256; i++)
		put_u64(pagemap_rel, vpn(D_START, (uint64_t)i), PFX_PM_PRESENT);
	err = pfx_wss_idle_mark(w);
	CHECK(err == -EPERM, "hidden PFNs: %d, expected -EPERM", err);

	/* The process goes away. */
	snprintf(path, sizeof(path), "%s%s", root, maps_rel);
	unlink(path);
	err = pfx_wss_idle_mark(w);
	CHECK(err == -ESRCH, "no maps: %d, expected -ESRCH", err);
	pfx_wss_idle_close(w);
}

/* --- soft-dirty: inject, and refs's written set where the flush write-protects --- */

/* The kernel's side of a window: the pages written get their soft-dirty
 * bit back, each after one (write-protect) fault. */
static void write_pages(uint64_t addr, int first, int count, uint64_t faults_after)
{
	for (int i = first; i < first + count; i++)
		map_page(addr, (uint64_t)i, A_PFN(i), PFX_PM_EXCLUSIVE | PFX_PM_SOFT_DIRTY);
	set_faults(PID, faults_after);
}

static void test_softdirty(void)
{
	struct pfx_wss_config cfg = { .method = PFX_WSS_INJECT, .root = root, .pid = PID, .by_mapping = true };
	struct pfx_wss_reading r = { 0 };
	const struct pfx_wss_mapping *a;
	char text[64], path[512];
	struct pfx_wss w;
	int err;

	/* Without soft-dirty (no proc/self/pagemap in the tree): refused. */
	CHECK(pfx_wss_open(&w, &cfg) == -EOPNOTSUPP, "inject without soft-dirty was not refused");
	make_softdirty_kernel();
	write_file(maps_rel, "10000000-10040000 rw-p 00000000 00:00 0 \n"
			     "11000000-11010000 r--p 00000000 fe:00 1234                       /usr/lib/fake.so\n");
	for (int i = 0; i < 64; i++)
		map_page(A_START, (uint64_t)i, A_PFN(i), PFX_PM_EXCLUSIVE | PFX_PM_SOFT_DIRTY);
	for (int i = 0; i < 16; i++)
		map_page(B_START, (uint64_t)i, B_PFN + (uint64_t)i, PFX_PM_FILE);
	write_file(clear_refs_rel, "");
	set_faults(PID, 1000);

	err = pfx_wss_open(&w, &cfg);
	CHECK(err == 0, "open inject: %s", strerror(-err));
	if (err)
		return;
	CHECK(w.traits.softdirty && w.traits.flush && w.traits.write_protects && !w.traits.lower_bound &&
	      !w.traits.perturbs_reclaim, "inject traits");
	CHECK(pfx_wss_reset(&w, &r) == 0, "inject reset");
	read_file(clear_refs_rel, text, sizeof(text));
	CHECK(strcmp(text, "4") == 0, "inject reset wrote '%s' to clear_refs, expected '4'", text);
	/* The "kernel" clears every soft-dirty bit; then 10 anon pages and one
	 * file page are written, 11 faults. */
	for (int i = 0; i < 64; i++)
		map_page(A_START, (uint64_t)i, A_PFN(i), PFX_PM_EXCLUSIVE);
	write_pages(A_START, 5, 10, 1011);
	map_page(B_START, 2, B_PFN + 2, PFX_PM_FILE | PFX_PM_SOFT_DIRTY);
	CHECK(pfx_wss_read(&w, &r) == 0, "inject read");
	expect_pages("inject wss = written", r.total.wss, 11);
	expect_pages("inject written", r.total.written, 11);
	expect_pages("inject anon", r.total.wss_anon, 10);
	expect_pages("inject file", r.total.wss_file, 1);
	expect_pages("inject rss", r.total.rss, 64 + 16);
	CHECK(r.has_written && r.has_faults && r.faults == 11, "faults in the window: %llu, expected 11",
	      (unsigned long long)r.faults);
	CHECK(r.has_pss && r.total.pss == 2048 * 1024, "PSS from smaps_rollup");
	a = find_mapping(&r, A_START);
	CHECK(a && a->bytes.written == 10 * page_size, "anon mapping written");
	/* Read again without a reset: the same window, longer. */
	write_pages(A_START, 20, 1, 1012);
	CHECK(pfx_wss_read(&w, &r) == 0 && r.total.written == 12 * page_size && r.faults == 12,
	      "cumulative read: %llu bytes, %llu faults", (unsigned long long)r.total.written,
	      (unsigned long long)r.faults);
	pfx_wss_reading_clear(&r);
	pfx_wss_close(&w);

	/* refs on the soft-dirty kernel: "1" then "4" per reset, and the
	 * written set comes with the referenced one. */
	snprintf(path, sizeof(path), "/proc/%d/smaps", PID);
	write_file(path, "10000000-10040000 rw-p 00000000 00:00 0 \nRss: 256 kB\nPss: 128 kB\n"
			 "Referenced: 80 kB\nAnonymous: 256 kB\n");
	write_file(clear_refs_rel, "");
	cfg.method = PFX_WSS_REFS;
	err = pfx_wss_open(&w, &cfg);
	CHECK(err == 0, "open refs: %s", strerror(-err));
	if (err)
		return;
	CHECK(w.traits.write_protects && w.traits.perturbs_reclaim, "refs traits on a soft-dirty kernel");
	CHECK(pfx_wss_reset(&w, &r) == 0 && pfx_wss_reset(&w, &r) == 0, "refs resets");
	read_file(clear_refs_rel, text, sizeof(text));
	CHECK(strcmp(text, "1414") == 0, "refs resets wrote '%s', expected '1414'", text);
	CHECK(pfx_wss_read(&w, &r) == 0, "refs read");
	expect_pages("refs wss", r.total.wss, 20);
	expect_pages("refs written (soft-dirty)", r.total.written, 12);
	CHECK(r.has_pss && r.total.pss == 128 * 1024, "refs PSS from smaps");
	a = find_mapping(&r, A_START);
	CHECK(a && a->bytes.written == 11 * page_size && a->bytes.pss == 128 * 1024, "refs mapping written/PSS");
	pfx_wss_reading_clear(&r);
	pfx_wss_close(&w);

	/* --no-flush: "1" only, a lower bound, no soft-dirty reading. */
	write_file(clear_refs_rel, "");
	cfg.no_flush = true;
	CHECK(pfx_wss_open(&w, &cfg) == 0, "open refs --no-flush");
	CHECK(w.traits.lower_bound && !w.traits.flush && !w.traits.write_protects && !w.sd, "no-flush traits");
	CHECK(pfx_wss_reset(&w, &r) == 0 && pfx_wss_read(&w, &r) == 0 && !r.has_written, "no-flush window");
	read_file(clear_refs_rel, text, sizeof(text));
	CHECK(strcmp(text, "1") == 0, "no-flush reset wrote '%s', expected '1'", text);
	pfx_wss_reading_clear(&r);
	pfx_wss_close(&w);
	snprintf(path, sizeof(path), "%s/proc/self/pagemap", root);
	unlink(path);
}

static void test_open_errors(void)
{
	struct pfx_wss_idle *w = NULL;
	char path[512];
	int err;

	err = pfx_wss_idle_open(root, 999999, &w);
	CHECK(err == -ESRCH, "missing process: %d, expected -ESRCH", err);
	snprintf(path, sizeof(path), "%s%s", root, bitmap_rel);
	unlink(path);
	err = pfx_wss_idle_open(root, PID, &w);
	CHECK(err == -ENOENT, "missing bitmap: %d, expected -ENOENT", err);
	CHECK(pfx_wss_idle_probe(root) == -ENOENT, "probe without bitmap");
}

/* --- fixture maker --- */

static int make_fixture(const char *dir, pid_t pid, uint64_t mib, bool all_accessed, uint64_t softdirty_every)
{
	uint64_t pages = (mib << 20) / page_size, space = 1;
	uint64_t *entries;
	char maps[256], path[512];
	int fd;

	snprintf(root, sizeof(root), "%s", dir);
	make_tree(pid);
	snprintf(maps, sizeof(maps), "%llx-%llx rw-p 00000000 00:00 0 \n", A_START,
		 A_START + pages * page_size);
	write_file(maps_rel, maps);
	/* Scatter the PFNs over four times the space, as a real process's
	 * pages are spread over memory: an odd multiplier permutes [0, space). */
	while (space < 4 * pages)
		space <<= 1;
	entries = malloc(pages * sizeof(*entries));
	if (!entries)
		die("malloc");
	for (uint64_t i = 0; i < pages; i++)
		entries[i] = PFX_PM_PRESENT | PFX_PM_EXCLUSIVE | (0x100000 + (i * 2654435761u) % space) |
			     (softdirty_every && i % softdirty_every == 0 ? PFX_PM_SOFT_DIRTY : 0);
	if (softdirty_every)
		make_softdirty_kernel();
	fd = open_in_root(pagemap_rel, O_WRONLY);
	if (pwrite(fd, entries, pages * 8, (off_t)(vpn(A_START, 0) * 8)) != (ssize_t)(pages * 8))
		die("pwrite pagemap");
	close(fd);
	free(entries);
	snprintf(path, sizeof(path), "%s%s", root, bitmap_rel);
	unlink(path);
	if (all_accessed ? symlink("/dev/zero", path) : close(open_in_root(bitmap_rel, O_WRONLY | O_CREAT)))
		die(path);
	return 0;
}

int main(int argc, char **argv)
{
	page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	if (argc >= 5 && strcmp(argv[1], "--make-fixture") == 0) {
		uint64_t mib, every = 0;
		bool all_accessed = false, bad = false;
		pid_t pid;

		for (int i = 5; i < argc && !bad; i++) {
			if (strcmp(argv[i], "--all-accessed") == 0)
				all_accessed = true;
			else if (strcmp(argv[i], "--softdirty") == 0 && i + 1 < argc)
				bad = pfx_parse_u64(argv[++i], &every) || every == 0;
			else
				bad = true;
		}
		if (bad || pfx_parse_pid(argv[3], &pid) || pfx_parse_u64(argv[4], &mib) || mib == 0) {
			fprintf(stderr, "usage: test-wss-idle --make-fixture DIR PID MIB [--all-accessed] [--softdirty N]\n");
			return 2;
		}
		return make_fixture(argv[2], pid, mib, all_accessed, every);
	}
	snprintf(root, sizeof(root), "%s/pfx-wss-idle.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		die("mkdtemp");
	make_tree(PID);
	close(open_in_root(bitmap_rel, O_WRONLY | O_CREAT));
	CHECK(pfx_wss_idle_probe(root) == 0, "probe with a bitmap");
	test_windows();
	test_softdirty();
	test_open_errors();
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			printf("note: could not remove %s\n", root);
	}
	if (failures) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
