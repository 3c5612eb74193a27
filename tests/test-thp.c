/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-thp: the parsers behind 'pfx thp' on the fixture files of
 * tests/fixtures/thp, value by value: a 2-node numa_maps with a THP
 * mapping, a hugetlbfs mapping and a mapping mixing file and anonymous
 * pages; smaps_rollup with and without the THP lines; vmstat with and
 * without the newer counters (absent, not zero); and damaged input. */
#include "config.h"
#include "numa_maps.h"
#include "thp_stats.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static char text[1 << 16];

/* The fixture file name, from $top_srcdir/tests/fixtures/thp. */
static const char *fixture(const char *name)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/thp/%s", top ? top : ".", name);
	n = pfx_read_file(path, text, sizeof(text));
	if (n <= 0) {
		printf("FAIL: cannot read %s (run through make check)\n", path);
		exit(1);
	}
	return text;
}

static void test_numa_maps(void)
{
	static struct pfx_numa_usage u;

	CHECK(pfx_numa_maps_parse(fixture("numa_maps"), &u) == 0, "numa_maps fixture parses");
	CHECK_EQ(u.n_nodes, 2);
	CHECK_EQ(u.mappings, 8);
	/* node 0: 10 file + 1 of the mixed + 60 heap + 512 THP + 2 interleaved + 5 stack pages */
	CHECK_EQ(u.node_kb[0], 2360);
	/* node 1: 2 mixed + 40 heap + 512 THP + one 2 MiB hugetlbfs page + 1 interleaved */
	CHECK_EQ(u.node_kb[1], 4268);
	CHECK_EQ(u.node_anon_kb[0], 2316);
	CHECK_EQ(u.node_anon_kb[1], 2212);
	CHECK_EQ(u.total_kb, 6628);
	CHECK_EQ(u.anon_kb, 4536);
	CHECK_EQ(u.anon_unplaced_kb, 8);
	CHECK_EQ(u.hugetlb_kb, 2048);
	/* What numa_maps.h promises: placed + unplaced = smaps_rollup Anonymous. */
	CHECK_EQ(u.node_anon_kb[0] + u.node_anon_kb[1] + u.anon_unplaced_kb, 4536);
	CHECK_EQ(u.node_kb[2], 0);

	CHECK(pfx_numa_maps_parse("", &u) == 0 && u.n_nodes == 1 && u.total_kb == 0, "empty file");
	CHECK(pfx_numa_maps_parse("not numa_maps\n", &u) == -EINVAL, "garbage line");
	CHECK(pfx_numa_maps_parse("7f00\n", &u) == -EINVAL, "line without a policy");
	CHECK(pfx_numa_maps_parse("7f00 default N5000=1 kernelpagesize_kB=4\n", &u) == -ERANGE,
	      "node past PFX_NUMA_MAX_NODES");
	/* A word that only looks like a node count is not one. */
	CHECK(pfx_numa_maps_parse("7f00 default N0x=3 N1=2 kernelpagesize_kB=4\n", &u) == 0 &&
	      u.node_kb[0] == 0 && u.node_kb[1] == 8 && u.n_nodes == 2, "N0x= ignored");
}

static void test_rollup(void)
{
	struct pfx_thp_rollup r;

	CHECK(pfx_thp_parse_rollup(fixture("smaps_rollup"), &r) == 0, "smaps_rollup parses");
	CHECK_EQ(r.rss_kb, 4580);
	CHECK_EQ(r.anon_kb, 4536);
	CHECK_EQ(r.anon_huge_kb, 4096);
	CHECK(r.has_anon_huge && r.has_shmem_pmd && r.has_file_pmd, "THP lines present");
	CHECK_EQ(r.shmem_pmd_kb, 0);
	CHECK_EQ(r.file_pmd_kb, 0);

	CHECK(pfx_thp_parse_rollup(fixture("smaps_rollup.nothp"), &r) == 0, "old smaps_rollup parses");
	CHECK_EQ(r.rss_kb, 1200);
	CHECK_EQ(r.anon_kb, 700);
	CHECK(!r.has_anon_huge && !r.has_shmem_pmd && !r.has_file_pmd, "no THP lines: absent");

	CHECK(pfx_thp_parse_rollup("Anonymous: 4 kB\n", &r) == -EINVAL, "no Rss line");
	CHECK(pfx_thp_parse_rollup("", &r) == -EINVAL, "empty");
}

static void test_vmstat(void)
{
	static const uint64_t want[PFX_VM_COUNT] = { 1234, 56, 7, 89, 3, 21, 34, 5000, 4500, 480, 900, 12 };
	struct pfx_vmstat v, old, d;

	CHECK(pfx_thp_parse_vmstat(fixture("vmstat"), &v) == 0, "vmstat parses");
	for (unsigned c = 0; c < PFX_VM_COUNT; c++) {
		CHECK(v.present[c], "%s present", pfx_vm_counter_name(c));
		CHECK(v.value[c] == want[c], "%s = %llu, expected %llu", pfx_vm_counter_name(c),
		      (unsigned long long)v.value[c], (unsigned long long)want[c]);
	}
	CHECK(pfx_thp_parse_vmstat(fixture("vmstat.old"), &old) == 0, "old vmstat parses");
	CHECK(!old.present[PFX_VM_THP_FAULT_FALLBACK_CHARGE], "thp_fault_fallback_charge absent");
	CHECK(!old.present[PFX_VM_NUMA_HINT_FAULTS] && !old.present[PFX_VM_NUMA_HINT_FAULTS_LOCAL] &&
	      !old.present[PFX_VM_NUMA_PAGES_MIGRATED], "numa balancing counters absent");
	CHECK(old.present[PFX_VM_THP_SPLIT_PAGE] && old.value[PFX_VM_THP_SPLIT_PAGE] == 5,
	      "thp_split_page 5, not thp_split_page_failed");
	CHECK_EQ(old.value[PFX_VM_PGMIGRATE_SUCCESS], 15);

	/* old -> new: deltas where both have the counter, absent elsewhere. */
	pfx_vmstat_delta(&old, &v, &d);
	CHECK(d.present[PFX_VM_THP_FAULT_ALLOC] && d.value[PFX_VM_THP_FAULT_ALLOC] == 934, "alloc delta");
	CHECK(!d.present[PFX_VM_THP_FAULT_FALLBACK_CHARGE], "delta of an absent counter is absent");
	pfx_vmstat_delta(&v, &old, &d);
	CHECK(d.present[PFX_VM_THP_FAULT_ALLOC] && d.value[PFX_VM_THP_FAULT_ALLOC] == 0,
	      "a counter going back is no events");

	CHECK(pfx_thp_parse_vmstat("garbage\n", &v) == -EINVAL, "vmstat garbage");
}

static void test_policy(void)
{
	char word[32];

	CHECK(pfx_thp_parse_choice(fixture("enabled"), word, sizeof(word)) == 0 &&
	      strcmp(word, "madvise") == 0, "enabled [madvise]");
	CHECK(pfx_thp_parse_choice("always defer [defer+madvise] madvise never\n", word, sizeof(word)) == 0 &&
	      strcmp(word, "defer+madvise") == 0, "defrag [defer+madvise]");
	CHECK(pfx_thp_parse_choice("always madvise never\n", word, sizeof(word)) == -EINVAL, "no selection");
	CHECK(pfx_thp_parse_choice("[]\n", word, sizeof(word)) == -EINVAL, "empty selection");
}

int main(void)
{
	test_numa_maps();
	test_rollup();
	test_vmstat();
	test_policy();
	if (failures) {
		printf("%d failures\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
