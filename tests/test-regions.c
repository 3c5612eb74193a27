/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-regions: the mapping timeline (regions.c, a treap since issue #10)
 * answers every lookup as the plain sorted-array version did, on random
 * overlapping, nested, continued and re-announced mappings; and 20,000
 * mappings are applied in well under a second. */
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
 * with the rules of regions.h applied naively. */
#define PAGES 512
struct ref {
	long page[PAGES];
	struct { uint64_t start, end; char path[16]; } reg[100000];
	long n;
};

static void ref_add(struct ref *ref, uint64_t s, uint64_t e, const char *path)
{
	long region = -1;

	for (uint64_t p = s; p < e && region < 0; p++) {
		long r = ref->page[p];

		if (r >= 0 && path[0] && (ref->reg[r].start == s || ref->reg[r].end == e) &&
		    strcmp(ref->reg[r].path, path) == 0)
			region = r;
	}
	if (region < 0) {
		region = ref->n++;
		ref->reg[region].start = s;
		ref->reg[region].end = e;
		snprintf(ref->reg[region].path, sizeof(ref->reg[region].path), "%s", path);
	} else {
		if (e > ref->reg[region].end)
			ref->reg[region].end = e;
		if (s < ref->reg[region].start)
			ref->reg[region].start = s;
	}
	for (uint64_t p = s; p < e; p++)
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
	CHECK(pfx_regions_count(rs) == 4);
	for (uint32_t pid = 1; pid <= 3; pid++) {
		long r = pfx_regions_find_in(rs, pid, 0x400000);

		CHECK(r >= 0 && pfx_regions_get(rs, (size_t)r)->pid == pid);
		CHECK(pfx_regions_find_in(rs, pid, 0x7fffff) == r);
		CHECK(pfx_regions_find_in(rs, pid, 0x800000) == -1);
		r = pfx_regions_find_in(rs, pid, 0x500000);
		CHECK(r >= 0 && pfx_regions_get(rs, (size_t)r)->pid == pid);
		CHECK(strcmp(pfx_regions_get(rs, (size_t)r)->path, pid == 2 ? "" : "/bin/a") == 0);
	}
	CHECK(pfx_regions_find_in(rs, 4, 0x400000) == -1);
	CHECK(pfx_regions_find_in(rs, 0, 0x400000) == -1);
	pfx_regions_free(rs);
	printf("ok\n");
	return 0;
}
