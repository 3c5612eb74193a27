/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-regions: the mapping timeline (regions.c, a treap since issue #10)
 * answers every lookup as a naive page-array model of its rules does, on
 * random overlapping, nested, continued, grown and re-announced mappings,
 * with the same extents and the same regions gone, and the regions still
 * mapped never overlap (issue #12); a library's reservation and segments
 * end as pmap shows them; SPACE items; 20,000 mappings are applied in
 * well under a second. */
#include "config.h"
#include "regions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define TEST_STOP_AT_FAILURE
#include "test.h"

/* The reference: one region index per page of a small address space,
 * with the rules of regions.h applied naively: a region is one span of
 * pages; a mapping continues the region of a page it covers when that
 * region's span has the same name and the same start or end (anonymous:
 * it grew, one end shared); what it leaves of any other region are new
 * regions (the part before, then the part after), and those are gone. */
#define PAGES 512
struct ref {
	long page[PAGES];
	struct { uint64_t start, end; char path[16]; bool gone; } reg[100000];
	long n;
};

static void ref_span(const struct ref *ref, long r, uint64_t *s, uint64_t *e)
{
	*s = PAGES;
	*e = 0;
	for (uint64_t p = 0; p < PAGES; p++)
		if (ref->page[p] == r) {
			if (p < *s)
				*s = p;
			*e = p + 1;
		}
}

static long ref_new(struct ref *ref, uint64_t s, uint64_t e, const char *name)
{
	long region = ref->n++;
	char path[16];

	snprintf(path, sizeof(path), "%s", name);	/* name may be another region's */
	ref->reg[region].start = s;
	ref->reg[region].end = e;
	ref->reg[region].gone = false;
	snprintf(ref->reg[region].path, sizeof(ref->reg[region].path), "%s", path);
	return region;
}

static void ref_add(struct ref *ref, uint64_t s, uint64_t e, const char *path)
{
	long region = -1, head = -1, tail = -1, left = s > 0 ? ref->page[s - 1] : -1;
	long right = e < PAGES ? ref->page[e] : -1;
	uint64_t cs, ce, hs = 0, te = 0;

	/* the region of a span reaching in from the left first, then by address */
	for (uint64_t p = s; p < e && region < 0; p++) {
		long r = p == s && left >= 0 && left == ref->page[s] ? left : ref->page[p];
		uint64_t rs, re;

		if (r < 0 || strcmp(ref->reg[r].path, path) != 0)
			continue;
		ref_span(ref, r, &rs, &re);
		if (path[0] ? rs == s || re == e : (rs == s) != (re == e) && s <= rs && re <= e)
			region = r;
	}
	if (region < 0) {
		region = ref_new(ref, s, e, path);
		cs = s;
		ce = e;
	} else {
		if (e > ref->reg[region].end)
			ref->reg[region].end = e;
		if (s < ref->reg[region].start)
			ref->reg[region].start = s;
		ref_span(ref, region, &cs, &ce);
		cs = cs < s ? cs : s;
		ce = ce > e ? ce : e;
	}
	/* what is left of others: before the mapping, after it */
	if (left >= 0 && left != region && left == ref->page[s]) {
		uint64_t ls, le;

		ref_span(ref, left, &ls, &le);
		hs = ls;
		head = ref_new(ref, ls, s, ref->reg[left].path);
	}
	if (right >= 0 && right != region && e > 0 && right == ref->page[e - 1]) {
		uint64_t rs, re;

		ref_span(ref, right, &rs, &re);
		te = re;
		tail = ref_new(ref, e, re, ref->reg[right].path);
	}
	for (uint64_t p = s; p < e; p++)
		if (ref->page[p] >= 0 && ref->page[p] != region)
			ref->reg[ref->page[p]].gone = true;
	if (head >= 0)
		for (uint64_t p = hs; p < s; p++)
			ref->page[p] = head;
	if (tail >= 0)
		for (uint64_t p = e; p < te; p++)
			ref->page[p] = tail;
	for (uint64_t p = cs; p < ce; p++)
		ref->page[p] = region;
}

int main(void)
{
	static struct ref ref;
	static const char *const paths[] = { "", "", "/lib/a.so", "/lib/b.so", "[heap]", "[stack]" };
	struct pfx_regions *rs;
	uint64_t rng = 12345;
	struct timespec t0, t1;
	double secs;

	for (int round = 0; round < 50; round++) {
		CHECK(pfx_regions_new(&rs) == 0);
		memset(ref.page, 0xff, sizeof(ref.page));
		ref.n = 0;
		for (int i = 0; i < 400; i++) {
			uint64_t s, len;
			const char *path;
			struct pfx_mapping m = { 0 };

			rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
			s = rng % PAGES;
			len = 1 + (rng >> 20) % (i % 10 == 0 ? 200 : 16);
			if (s + len > PAGES)
				len = PAGES - s;
			path = paths[(rng >> 40) % 6];
			m.start = s * 4096;
			m.end = (s + len) * 4096;
			m.path = path;
			m.flags = MAP_PRIVATE;
			CHECK(pfx_regions_add(rs, &m) == 0);
			ref_add(&ref, s, s + len, path);
			CHECK((long)pfx_regions_count(rs) == ref.n);
			for (uint64_t p = 0; p < PAGES; p++) {
				long got = pfx_regions_find(rs, p * 4096 + (rng & 4095));

				if (got != ref.page[p])
					fprintf(stderr, "round %d step %d page %llu: %ld, want %ld\n", round, i,
						(unsigned long long)p, got, ref.page[p]);
				CHECK(got == ref.page[p]);
			}
		}
		for (long r = 0; r < ref.n; r++) {
			const struct pfx_region *reg = pfx_regions_get(rs, (size_t)r);

			CHECK(reg->start == ref.reg[r].start * 4096 && reg->end == ref.reg[r].end * 4096);
			CHECK(reg->gone == ref.reg[r].gone);
		}
		/* Regions still mapped never overlap, and each is where its pages are. */
		for (long r = 0; r < ref.n; r++) {
			const struct pfx_region *a = pfx_regions_get(rs, (size_t)r);

			for (long q = r + 1; q < ref.n && !a->gone; q++) {
				const struct pfx_region *b = pfx_regions_get(rs, (size_t)q);

				CHECK(b->gone || b->end <= a->start || a->end <= b->start);
			}
		}
		pfx_regions_free(rs);
	}

	/* 20,000 mappings in an order unlike the address order. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(pfx_regions_new(&rs) == 0);
	for (uint64_t i = 0; i < 20000; i++) {
		char path[32];
		struct pfx_mapping m = { .flags = MAP_PRIVATE, .path = path };

		snprintf(path, sizeof(path), "/lib/%llu.so", (unsigned long long)i);
		m.start = 0x10000000000ull + ((i * 7919) % 20000) * 3 * 4096;
		m.end = m.start + 4096;
		CHECK(pfx_regions_add(rs, &m) == 0);
		CHECK(pfx_regions_find(rs, m.start) == (long)i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pfx_regions_free(rs);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("20000 mappings: %.3f s\n", secs);
	CHECK(secs < 1.0);

	/* Per address space (host-wide files): the same addresses in three
	 * processes are three regions; a mapping of one never covers
	 * another's; pid 0 of a shared timeline sees them all as one. */
	CHECK(pfx_regions_new(&rs) == 0);
	pfx_regions_per_space(rs);
	for (uint32_t pid = 3; pid >= 1; pid--) {
		struct pfx_mapping m = { .start = 0x400000, .end = 0x800000, .pid = pid, .flags = MAP_PRIVATE,
					 .path = pid == 2 ? "/bin/b" : "/bin/a" };

		CHECK(pfx_regions_add(rs, &m) == 0);
	}
	{
		struct pfx_mapping inner = { .start = 0x500000, .end = 0x600000, .pid = 2, .flags = MAP_PRIVATE,
					     .path = "" };

		CHECK(pfx_regions_add(rs, &inner) == 0);
	}
	CHECK(pfx_regions_count(rs) == 6);	/* pid 2's /bin/b cut in two */
	for (uint32_t pid = 1; pid <= 3; pid++) {
		long r = pfx_regions_find_in(rs, pid, 0x400000), t = pfx_regions_find_in(rs, pid, 0x7fffff);

		CHECK(r >= 0 && pfx_regions_get(rs, (size_t)r)->pid == pid);
		CHECK(t >= 0 && pfx_regions_get(rs, (size_t)t)->pid == pid);
		CHECK(pid == 2 ? t != r : t == r);
		CHECK(pfx_regions_find_in(rs, pid, 0x800000) == -1);
		r = pfx_regions_find_in(rs, pid, 0x500000);
		CHECK(r >= 0 && pfx_regions_get(rs, (size_t)r)->pid == pid);
		CHECK(strcmp(pfx_regions_get(rs, (size_t)r)->path, pid == 2 ? "" : "/bin/a") == 0);
	}
	CHECK(pfx_regions_find_in(rs, 4, 0x400000) == -1);
	CHECK(pfx_regions_find_in(rs, 0, 0x400000) == -1);
	/* pid 2 execs: its mappings are gone, the others' stay. */
	{
		struct pfx_space sp = { .time_ns = 9, .pid = 2 };
		long r1 = pfx_regions_find_in(rs, 1, 0x400000), r2 = pfx_regions_find_in(rs, 2, 0x400000);

		CHECK(pfx_regions_new_space(rs, &sp) == 0);
		CHECK(pfx_regions_find_in(rs, 2, 0x400000) == -1 && pfx_regions_find_in(rs, 2, 0x500000) == -1);
		CHECK(pfx_regions_get(rs, (size_t)r2)->gone && pfx_regions_get(rs, (size_t)r2)->gone_ns == 9);
		CHECK(pfx_regions_find_in(rs, 1, 0x400000) == r1 && !pfx_regions_get(rs, (size_t)r1)->gone);
		CHECK(pfx_regions_find_in(rs, 3, 0x7fffff) >= 0);
	}
	pfx_regions_free(rs);

	/* ld.so loading libc: a read-only reservation of the whole file, then
	 * the segments mapped over it, then mprotect() of the relro part:
	 * the rows pmap shows (r--, r-x, r--, rw-), none overlapping. */
	CHECK(pfx_regions_new(&rs) == 0);
	{
		static const struct { uint64_t s, e, off; uint32_t prot; } seq[] = {
			{ 0x1000000, 0x11e2000, 0, PROT_READ },			/* reservation */
			{ 0x1026000, 0x117c000, 0x26000, PROT_READ | PROT_EXEC },	/* text */
			{ 0x117c000, 0x11e2000, 0x17c000, PROT_READ },		/* rodata */
			{ 0x11cf000, 0x11d5000, 0x1cf000, PROT_READ | PROT_WRITE },	/* data */
			{ 0x11cf000, 0x11d3000, 0x1cf000, PROT_READ },		/* relro */
		};
		static const struct { uint64_t s, e, off; } want[] = {
			{ 0x1000000, 0x1026000, 0 }, { 0x1026000, 0x117c000, 0x26000 },
			{ 0x117c000, 0x11cf000, 0x17c000 }, { 0x11cf000, 0x11d5000, 0x1cf000 },
		};

		for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
			struct pfx_mapping m = { .time_ns = i, .start = seq[i].s, .end = seq[i].e,
						 .pgoff = seq[i].off, .prot = seq[i].prot, .flags = MAP_PRIVATE,
						 .path = "/lib/libc.so.6" };

			CHECK(pfx_regions_add(rs, &m) == 0);
		}
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			long r = pfx_regions_find(rs, want[i].s);
			const struct pfx_region *reg = r >= 0 ? pfx_regions_get(rs, (size_t)r) : NULL;

			CHECK(reg && !reg->gone && reg->start == want[i].s && reg->end == want[i].e &&
			      reg->pgoff == want[i].off, "row %zu", i);
			CHECK(pfx_regions_find(rs, want[i].e - 1) == r);
		}
		CHECK(pfx_regions_get(rs, 0)->gone);	/* the reservation as a whole */
	}
	pfx_regions_free(rs);

	/* Anonymous: grown (the kernel merged a neighbour in) is the same
	 * region; mapped again at the same place is a new one. */
	CHECK(pfx_regions_new(&rs) == 0);
	{
		struct pfx_mapping m = { .start = 0x2000000, .end = 0x2100000, .flags = MAP_PRIVATE, .path = "" };
		long a;

		CHECK(pfx_regions_add(rs, &m) == 0);
		a = pfx_regions_find(rs, 0x2000000);
		m.start = 0x1f00000;
		CHECK(pfx_regions_add(rs, &m) == 0);
		CHECK(pfx_regions_find(rs, 0x1f00000) == a && pfx_regions_find(rs, 0x20fffff) == a);
		CHECK(pfx_regions_get(rs, (size_t)a)->start == 0x1f00000);
		CHECK(pfx_regions_add(rs, &m) == 0);
		CHECK(pfx_regions_find(rs, 0x2000000) != a && pfx_regions_get(rs, (size_t)a)->gone);
	}
	pfx_regions_free(rs);
	/* Growth and faults (issue 20): a region keeps one extent for its
	 * life, so it grows only over addresses no other region with faults
	 * held since it began; the rows with faults of one space then never
	 * overlap at one time. */
	CHECK(pfx_regions_new(&rs) == 0);
	{
		struct pfx_mapping m = { .flags = MAP_PRIVATE, .path = "", .prot = PROT_READ | PROT_WRITE };
		long r1, r2, r3, q, r, x, piece;

		/* gcc's cc1: two anonymous mappings with faults, the gap between
		 * them filled: the kernel's one merged mapping is a new region. */
		m.time_ns = 1; m.start = 0x10000; m.end = 0x20000;
		CHECK(pfx_regions_add(rs, &m) == 0);
		r1 = pfx_regions_find(rs, 0x10000);
		pfx_regions_faulted(rs, r1);
		m.time_ns = 2; m.start = 0x22000; m.end = 0x30000;
		CHECK(pfx_regions_add(rs, &m) == 0);
		r2 = pfx_regions_find(rs, 0x22000);
		pfx_regions_faulted(rs, r2);
		m.time_ns = 3; m.start = 0x10000; m.end = 0x30000;
		CHECK(pfx_regions_add(rs, &m) == 0);
		r3 = pfx_regions_find(rs, 0x10000);
		CHECK(r3 != r1 && r3 != r2 && pfx_regions_find(rs, 0x2f000) == r3);
		CHECK(pfx_regions_get(rs, (size_t)r1)->gone && pfx_regions_get(rs, (size_t)r1)->gone_ns == 3);
		CHECK(pfx_regions_get(rs, (size_t)r2)->gone && pfx_regions_get(rs, (size_t)r2)->gone_ns == 3);
		CHECK(pfx_regions_get(rs, (size_t)r1)->end == 0x20000);

		/* An arena grown by mprotect() into its PROT_NONE reservation:
		 * the reservation's pieces had no faults, the arena stays one. */
		m.time_ns = 4; m.start = 0x100000; m.end = 0x200000; m.prot = PROT_NONE;
		CHECK(pfx_regions_add(rs, &m) == 0);
		q = pfx_regions_find(rs, 0x100000);
		m.time_ns = 5; m.end = 0x110000; m.prot = PROT_READ | PROT_WRITE;
		CHECK(pfx_regions_add(rs, &m) == 0);
		r = pfx_regions_find(rs, 0x100000);
		CHECK(r != q);
		pfx_regions_faulted(rs, r);
		for (uint64_t end = 0x120000; end <= 0x180000; end += 0x10000) {
			m.time_ns++;
			m.end = end;
			CHECK(pfx_regions_add(rs, &m) == 0);
			CHECK(pfx_regions_find(rs, end - 1) == r);
		}
		CHECK(pfx_regions_get(rs, (size_t)r)->end == 0x180000 && !pfx_regions_get(rs, (size_t)r)->gone);

		/* A region with faults cut while R lived leaves a piece without
		 * faults; R growing over that piece would overlap the region cut,
		 * so the grown mapping is a new region. */
		m.time_ns = 20; m.start = 0x300000; m.end = 0x340000;
		CHECK(pfx_regions_add(rs, &m) == 0);
		x = pfx_regions_find(rs, 0x300000);
		pfx_regions_faulted(rs, x);
		m.time_ns = 21; m.start = 0x350000; m.end = 0x360000;
		CHECK(pfx_regions_add(rs, &m) == 0);
		r = pfx_regions_find(rs, 0x350000);
		pfx_regions_faulted(rs, r);
		m.time_ns = 22; m.start = 0x2f0000; m.end = 0x320000; m.path = "/lib/c.so";
		CHECK(pfx_regions_add(rs, &m) == 0);
		piece = pfx_regions_find(rs, 0x330000);
		CHECK(piece != x && pfx_regions_get(rs, (size_t)x)->gone);
		m.time_ns = 23; m.start = 0x320000; m.end = 0x360000; m.path = "";
		CHECK(pfx_regions_add(rs, &m) == 0);
		CHECK(pfx_regions_find(rs, 0x350000) != r);
		CHECK(pfx_regions_get(rs, (size_t)r)->gone && pfx_regions_get(rs, (size_t)r)->end == 0x360000 &&
		      pfx_regions_get(rs, (size_t)r)->start == 0x350000);
		/* The same growth over a piece cut before R began continues R. */
		m.time_ns = 30; m.start = 0x400000; m.end = 0x440000;
		CHECK(pfx_regions_add(rs, &m) == 0);
		x = pfx_regions_find(rs, 0x400000);
		pfx_regions_faulted(rs, x);
		m.time_ns = 31; m.start = 0x3f0000; m.end = 0x420000; m.path = "/lib/d.so";
		CHECK(pfx_regions_add(rs, &m) == 0);
		m.time_ns = 32; m.start = 0x450000; m.end = 0x460000; m.path = "";
		CHECK(pfx_regions_add(rs, &m) == 0);
		r = pfx_regions_find(rs, 0x450000);
		pfx_regions_faulted(rs, r);
		m.time_ns = 33; m.start = 0x420000; m.end = 0x460000;
		CHECK(pfx_regions_add(rs, &m) == 0);
		CHECK(pfx_regions_find(rs, 0x420000) == r && !pfx_regions_get(rs, (size_t)r)->gone);
	}
	/* No two regions with faults overlap while both are mapped. */
	for (size_t a = 0; a < pfx_regions_count(rs); a++) {
		const struct pfx_region *ra = pfx_regions_get(rs, a);

		for (size_t b = a + 1; b < pfx_regions_count(rs) && ra->faulted; b++) {
			const struct pfx_region *rb = pfx_regions_get(rs, b);
			uint64_t ea = ra->gone ? ra->gone_ns : UINT64_MAX, eb = rb->gone ? rb->gone_ns : UINT64_MAX;

			if (!rb->faulted || rb->end <= ra->start || ra->end <= rb->start)
				continue;
			CHECK(!(ra->time_ns < eb && rb->time_ns < ea), "regions %zu and %zu overlap at one time", a, b);
		}
	}
	pfx_regions_free(rs);

	printf("ok\n");
	return 0;
}
