/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-maps-states: the page-state counts of page_states.h against a
 * generated fixture tree (proc/PID/{maps,pagemap}, proc/kpageflags as
 * regular files), where every pagemap bit and kpageflags flag pfx decodes
 * is set on purpose: small anonymous pages, the zero page, a swap entry, a
 * guard marker, dirty and clean file pages, a THP with mlocked head and
 * tails, mlocked pages with PFNs far apart (several kpageflags spans), the
 * huge zero page; then the same without kpageflags and with hidden PFNs.
 *
 *   test-maps-states                         run the tests
 *   test-maps-states --make-fixture DIR PID  write the fixture for PID
 *       under DIR, for t-maps-fixture.sh (expected counts in that test) */
#include "config.h"
#include "page_states.h"
#include "pagemap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THP_PAGES 512

#include "test.h"

static uint64_t page_size;

static void die(const char *what)
{
	perror(what);
	exit(99);
}

/* Write len bytes at offset of DIR/REL, creating it (and no directories). */
static void put_bytes(const char *dir, const char *rel, uint64_t offset, const void *buf, size_t len)
{
	char path[1024];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || pwrite(fd, buf, len, (off_t)offset) != (ssize_t)len)
		die(path);
	close(fd);
}

/* entry index (a VPN for pagemap, a PFN for kpageflags) := value */
static void put_entry(const char *dir, const char *rel, uint64_t index, uint64_t value)
{
	put_bytes(dir, rel, index * 8, &value, sizeof(value));
}

static uint64_t kpf(int bit)
{
	return UINT64_C(1) << bit;
}

/* The fake process's mappings. */
#define A_START 0x10000000ull	/* anon, 8 pages: 4 resident, zero page, swap, guard, none */
#define B_START 0x11000000ull	/* file, 4 pages: 2 resident (one dirty) */
#define C_START 0x20000000ull	/* anon, one mlocked THP */
#define D_START 0x30000000ull	/* anon, 4 mlocked pages with PFNs far apart */
#define E_START 0x40000000ull	/* anon, 2 pages of the huge zero page */
#define A_PFN 100000ull
#define B_PFN 200000ull
#define C_HEAD 300032ull	/* 586 * 512 */
#define ZERO_PFN 4242ull
#define HUGE_ZERO 409600ull	/* 800 * 512 */

static const uint64_t d_pfns[4] = { 1000000, 10, 500000, 1000001 };

static void map_page(const char *dir, const char *pagemap, uint64_t start, uint64_t page, uint64_t entry)
{
	put_entry(dir, pagemap, start / page_size + page, entry);
}

static void make_fixture(const char *dir, pid_t pid, bool with_kpageflags)
{
	char pid_dir[1024], pagemap[64], maps_rel[64], maps[1024];
	uint64_t anon = kpf(PFX_KPF_ANON) | kpf(PFX_KPF_LRU) | kpf(PFX_KPF_MMAP);
	uint64_t thp = anon | kpf(PFX_KPF_THP) | kpf(PFX_KPF_MLOCKED);
	const char *kpageflags = with_kpageflags ? "proc/kpageflags" : "proc/kpageflags.absent";

	snprintf(pid_dir, sizeof(pid_dir), "%s/proc", dir);
	if ((mkdir(dir, 0755) && errno != EEXIST) || (mkdir(pid_dir, 0755) && errno != EEXIST))
		die(pid_dir);
	snprintf(pid_dir, sizeof(pid_dir), "%s/proc/%d", dir, (int)pid);
	if (mkdir(pid_dir, 0755) && errno != EEXIST)
		die(pid_dir);
	snprintf(pagemap, sizeof(pagemap), "proc/%d/pagemap", (int)pid);
	snprintf(maps_rel, sizeof(maps_rel), "proc/%d/maps", (int)pid);
	snprintf(maps, sizeof(maps),
		 "%llx-%llx rw-p 00000000 00:00 0 \n"
		 "%llx-%llx r--p 00000000 fe:00 1234                       /usr/lib/fake, lib.so\n"
		 "%llx-%llx rw-p 00000000 00:00 0 \n"
		 "%llx-%llx rw-p 00000000 00:00 0 \n"
		 "%llx-%llx r--p 00000000 00:00 0 \n",
		 A_START, A_START + 8 * page_size, B_START, B_START + 4 * page_size,
		 C_START, C_START + THP_PAGES * page_size, D_START, D_START + 4 * page_size,
		 E_START, E_START + 2 * page_size);
	put_bytes(dir, maps_rel, 0, maps, strlen(maps));

	for (uint64_t i = 0; i < 4; i++) {
		map_page(dir, pagemap, A_START, i, PFX_PM_PRESENT | PFX_PM_EXCLUSIVE | (A_PFN + 3 * i));
		put_entry(dir, kpageflags, A_PFN + 3 * i, anon);
	}
	map_page(dir, pagemap, A_START, 4, PFX_PM_PRESENT | ZERO_PFN);
	put_entry(dir, kpageflags, ZERO_PFN, kpf(PFX_KPF_ZERO_PAGE));
	map_page(dir, pagemap, A_START, 5, PFX_PM_SWAPPED | 0x4321);
	map_page(dir, pagemap, A_START, 6, PFX_PM_SWAPPED | PFX_PM_GUARD);

	map_page(dir, pagemap, B_START, 0, PFX_PM_PRESENT | PFX_PM_FILE | B_PFN);
	put_entry(dir, kpageflags, B_PFN, kpf(PFX_KPF_LRU) | kpf(PFX_KPF_MMAP) | kpf(PFX_KPF_DIRTY));
	map_page(dir, pagemap, B_START, 1, PFX_PM_PRESENT | PFX_PM_FILE | (B_PFN + 1));
	put_entry(dir, kpageflags, B_PFN + 1, kpf(PFX_KPF_LRU) | kpf(PFX_KPF_MMAP));

	for (uint64_t i = 0; i < THP_PAGES; i++) {
		map_page(dir, pagemap, C_START, i, PFX_PM_PRESENT | PFX_PM_EXCLUSIVE | (C_HEAD + i));
		put_entry(dir, kpageflags, C_HEAD + i,
			  thp | kpf(i ? PFX_KPF_COMPOUND_TAIL : PFX_KPF_COMPOUND_HEAD));
	}
	for (uint64_t i = 0; i < 4; i++) {
		map_page(dir, pagemap, D_START, i, PFX_PM_PRESENT | d_pfns[i]);
		put_entry(dir, kpageflags, d_pfns[i], anon | kpf(PFX_KPF_MLOCKED));
	}
	for (uint64_t i = 0; i < 2; i++)
		map_page(dir, pagemap, E_START, i, PFX_PM_PRESENT | (HUGE_ZERO + i));
	for (uint64_t i = 0; i < THP_PAGES; i++)
		put_entry(dir, kpageflags, HUGE_ZERO + i, kpf(PFX_KPF_ZERO_PAGE) | kpf(PFX_KPF_THP) |
			  kpf(i ? PFX_KPF_COMPOUND_TAIL : PFX_KPF_COMPOUND_HEAD));
}

/* --- the tests --- */

struct expect {
	uint64_t start, end;
	uint64_t pages, rss, swap, dirty, thp, locked, zero;
};

static void check_range(struct pfx_page_reader *r, const struct expect *e, bool physical)
{
	struct pfx_page_states s;

	CHECK_EQ(pfx_page_states_count(r, e->start, e->end, &s), 0);
	printf("# %llx: pages %llu rss %llu swap %llu dirty %llu thp %llu locked %llu zero %llu\n",
	       (unsigned long long)e->start, (unsigned long long)s.pages, (unsigned long long)s.rss,
	       (unsigned long long)s.swap, (unsigned long long)s.dirty, (unsigned long long)s.thp,
	       (unsigned long long)s.locked, (unsigned long long)s.zero);
	CHECK_EQ(s.physical, physical);
	CHECK_EQ(s.pages, e->pages);
	CHECK_EQ(s.rss, e->rss);
	CHECK_EQ(s.swap, e->swap);
	CHECK_EQ(s.dirty, e->dirty);
	CHECK_EQ(s.thp, e->thp);
	CHECK_EQ(s.locked, e->locked);
	CHECK_EQ(s.zero, e->zero);
}

static void test_decoding(const char *dir)
{
	const struct expect known[] = {
		{ A_START, A_START + 8 * page_size, 8, 4, 1, 4, 0, 0, 1 },
		{ B_START, B_START + 4 * page_size, 4, 2, 0, 1, 0, 0, 0 },
		{ C_START, C_START + THP_PAGES * page_size, THP_PAGES, THP_PAGES, 0, THP_PAGES, THP_PAGES, THP_PAGES, 0 },
		{ D_START, D_START + 4 * page_size, 4, 4, 0, 4, 0, 4, 0 },
		{ E_START, E_START + 2 * page_size, 2, 0, 0, 0, 0, 0, 2 },
	};
	struct pfx_page_states sum = { .physical = true }, s;
	struct pfx_page_reader *r;

	make_fixture(dir, 4242, true);
	CHECK_EQ(pfx_page_reader_open(dir, 4242, &r), 0);
	CHECK_EQ(pfx_page_reader_physical(r), PFX_PHYSICAL_KNOWN);
	for (size_t i = 0; i < PFX_ARRAY_SIZE(known); i++) {
		check_range(r, &known[i], true);
		CHECK_EQ(pfx_page_states_count(r, known[i].start, known[i].end, &s), 0);
		pfx_page_states_add(&sum, &s);
	}
	CHECK_EQ(sum.pages, 530);
	CHECK_EQ(sum.rss, 522);
	CHECK_EQ(sum.zero, 3);
	CHECK_EQ(sum.physical, 1);
	pfx_page_reader_close(r);
}

static void test_no_kpageflags(const char *dir)
{
	/* Without kpageflags the zero pages cannot be told apart: resident. */
	const struct expect a = { A_START, A_START + 8 * page_size, 8, 5, 1, 0, 0, 0, 0 };
	const struct expect e = { E_START, E_START + 2 * page_size, 2, 2, 0, 0, 0, 0, 0 };
	struct pfx_page_reader *r;

	make_fixture(dir, 4343, false);
	CHECK_EQ(pfx_page_reader_open(dir, 4343, &r), 0);
	CHECK_EQ(pfx_page_reader_physical(r), PFX_PHYSICAL_NO_KPAGEFLAGS);
	check_range(r, &a, false);
	check_range(r, &e, false);
	pfx_page_reader_close(r);
}

static void test_hidden_pfns(const char *dir)
{
	/* Present without a PFN: what pagemap shows without CAP_SYS_ADMIN. */
	const struct expect a = { A_START, A_START + 8 * page_size, 8, 5, 1, 0, 0, 0, 0 };
	char pagemap[64];
	struct pfx_page_reader *r;

	make_fixture(dir, 4444, true);
	snprintf(pagemap, sizeof(pagemap), "proc/%d/pagemap", 4444);
	for (uint64_t i = 0; i < 5; i++)
		map_page(dir, pagemap, A_START, i, PFX_PM_PRESENT);
	CHECK_EQ(pfx_page_reader_open(dir, 4444, &r), 0);
	check_range(r, &a, false);
	pfx_page_reader_close(r);
}

static void test_open_errors(const char *dir)
{
	char path[1024];
	struct pfx_page_reader *r = NULL;

	CHECK_EQ(pfx_page_reader_open(dir, 999999, &r), (uint64_t)-ESRCH);
	make_fixture(dir, 4545, true);
	snprintf(path, sizeof(path), "%s/proc/5555", dir);
	if (mkdir(path, 0755))
		die(path);
	CHECK_EQ(pfx_page_reader_open(dir, 5555, &r), (uint64_t)-ENOENT);
}

static const char *subdir(const char *dir, const char *name)
{
	static char path[4][1024];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/pfx-test-maps-states.XXXXXX";
	char cmd[64];

	page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	if (argc == 4 && strcmp(argv[1], "--make-fixture") == 0) {
		make_fixture(argv[2], (pid_t)atoi(argv[3]), true);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: test-maps-states [--make-fixture DIR PID]\n");
		return 2;
	}
	if (!mkdtemp(dir))
		die("mkdtemp");
	/* A tree each: kpageflags is machine-wide. */
	test_decoding(subdir(dir, "known"));
	test_no_kpageflags(subdir(dir, "no-kpageflags"));
	test_hidden_pfns(subdir(dir, "hidden"));
	test_open_errors(subdir(dir, "errors"));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		failures++;
	printf("%s: %d failures\n", argv[0], failures);
	return failures ? 1 : 0;
}
