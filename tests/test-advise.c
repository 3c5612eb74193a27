/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-advise: the rules of pfx advise on synthetic models: each fires on
 * the region made to show it and stays silent just under its threshold,
 * hugepage only with THP madvise and a 2 MiB-aligned region (with the
 * expected faults), findings ordered by cost, and the THP mode parser. */
#include "advise.h"
#include "test.h"

#include <errno.h>
#include <string.h>

#define MIB (1ull << 20)

static struct pfx_region regions[8];
static struct pfx_region_stats stats[8];
static struct pfx_region_row rows[8];
static struct pfx_analysis rep;

/* Region i: kind, [start, start + size), path. */
static struct pfx_region_stats *region(size_t i, enum pfx_map_kind kind, uint64_t start, uint64_t size,
				       const char *path, enum pfx_pattern pattern)
{
	regions[i] = (struct pfx_region){ .start = start, .end = start + size, .kind = kind, .path = path,
					  .pid = 42 };
	memset(&stats[i], 0, sizeof(stats[i]));
	rows[i] = (struct pfx_region_row){ .region = &regions[i], .s = &stats[i], .pattern = pattern,
					   .start = start, .end = start + size, .pid = 42 };
	if (rep.nrows < i + 1)
		rep.nrows = i + 1;
	return &stats[i];
}

static void reset(void)
{
	memset(&rep, 0, sizeof(rep));
	rep.rows = rows;
	rep.header.page_size = 4096;
	rep.duration_ns = 1000000000;
}

/* The rule of the only finding, or "none" ("many" for more). */
static const char *only(const struct pfx_advise_host *host, struct pfx_advise_result *res)
{
	CHECK_EQ(pfx_advise_run(&rep, host, res), 0);
	return res->n == 0 ? "none" : res->n > 1 ? "many" : res->findings[0].rule->name;
}

static void first_touch(void)
{
	struct pfx_advise_host never = { .thp = PFX_ADVISE_THP_NEVER }, madv = { .thp = PFX_ADVISE_THP_MADVISE };
	struct pfx_advise_result res;

	reset();
	struct pfx_region_stats *s = region(0, PFX_MAP_ANON, 64 * MIB, 64 * MIB, "", PFX_PATTERN_SEQUENTIAL);
	s->c.faults = s->c.minor = s->c.write = s->pages = 16384;
	s->c.latency_sum_ns = 20000000;
	CHECK(strcmp(only(&never, &res), "first-touch") == 0);
	CHECK(strcmp(res.findings[0].try_name, "populate") == 0);
	CHECK_EQ(res.findings[0].faults, 16384);
	CHECK_EQ(res.findings[0].latency_ns, 20000000);
	CHECK_EQ(res.findings[0].sure, PFX_ADVISE_MEDIUM);	/* 2% of the run */
	pfx_advise_free(&res);
	CHECK(strcmp(only(&madv, &res), "first-touch") == 0);
	CHECK(strcmp(res.findings[0].try_name, "hugepage") == 0);
	CHECK(strstr(res.findings[0].remedy, "about 32 (32 huge pages + 0 small)") != NULL,
	      " %s", res.findings[0].remedy);
	pfx_advise_free(&res);
	/* a 3 MiB region at 1 MiB holds one aligned 2 MiB: hugepage; 2 MiB + 8 KiB at 1 MiB + 4 KiB none */
	s = region(0, PFX_MAP_ANON, 1 * MIB, 3 * MIB, "", PFX_PATTERN_SEQUENTIAL);
	s->c.faults = s->c.minor = s->pages = 4096 + 100;
	CHECK(strcmp(only(&madv, &res), "first-touch") == 0);
	CHECK(strcmp(res.findings[0].try_name, "hugepage") == 0);	/* 2 of 3 MiB aligned */
	pfx_advise_free(&res);
	s = region(0, PFX_MAP_ANON, 1 * MIB + 4096, 2 * MIB + 8192, "", PFX_PATTERN_SEQUENTIAL);
	s->c.faults = s->c.minor = s->pages = 5000;
	CHECK(strcmp(only(&madv, &res), "first-touch") == 0);
	CHECK(strcmp(res.findings[0].try_name, "populate") == 0);	/* no aligned 2 MiB */
	pfx_advise_free(&res);
	/* silent: under 4096 faults; a file; refaults over 10% */
	s->c.faults = s->c.minor = s->pages = 4095;
	CHECK(strcmp(only(&madv, &res), "none") == 0);
	pfx_advise_free(&res);
	s = region(0, PFX_MAP_FILE, 64 * MIB, 64 * MIB, "/data", PFX_PATTERN_SEQUENTIAL);
	s->c.faults = s->c.minor = s->pages = 16384;
	CHECK(strcmp(only(&madv, &res), "none") == 0);
	pfx_advise_free(&res);
	s = region(0, PFX_MAP_HEAP, 64 * MIB, 64 * MIB, "[heap]", PFX_PATTERN_MIXED);
	s->c.faults = s->c.minor = 16384;
	s->pages = 14000;
	s->refaults = 2384;
	CHECK(strcmp(only(&madv, &res), "none") == 0);	/* 14.5% refaults, under a third */
	pfx_advise_free(&res);
}

static void refault_cow_file_code(void)
{
	struct pfx_advise_host host = { .thp = PFX_ADVISE_THP_NEVER };
	struct pfx_advise_result res;

	reset();
	struct pfx_region_stats *s = region(0, PFX_MAP_ANON, 64 * MIB, 16 * MIB, "", PFX_PATTERN_REPEAT);
	s->c.faults = s->c.minor = 20480;
	s->pages = 4096;
	s->refaults = 16384;
	CHECK(strcmp(only(&host, &res), "refault") == 0);
	CHECK(strcmp(res.findings[0].try_name, "malloc-trim") == 0);
	CHECK(strstr(res.findings[0].saw, "most from") == NULL);	/* no ip voted */
	pfx_advise_free(&res);
	/* the refaults' call site, named where the analysis named the ip */
	struct pfx_ip_row ip = { .code = { .ip = 0x401234, .function = "churn", .function_offset = 0x10 } };

	rep.ips = &ip;
	rep.nips = 1;
	s->refault_ip = 0x401234;
	s->refault_ip_votes = 5;
	CHECK(strcmp(only(&host, &res), "refault") == 0);
	CHECK(strstr(res.findings[0].saw, "most from churn+0x10") != NULL, " %s", res.findings[0].saw);
	pfx_advise_free(&res);
	rep.ips = NULL;
	rep.nips = 0;
	s->refaults = 1023;
	s->c.faults = 3000;
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);

	/* swap-ins are refaults, the swap rule's, not given back */
	reset();
	s = region(0, PFX_MAP_ANON, 64 * MIB, 32 * MIB, "", PFX_PATTERN_REPEAT);
	s->c.faults = 16384;
	s->c.major = s->pages = s->refaults = 8192;
	CHECK(strcmp(only(&host, &res), "swap") == 0);
	CHECK(strcmp(res.findings[0].try_name, "mlock") == 0);
	pfx_advise_free(&res);
	s->c.major = 255;
	CHECK(strcmp(only(&host, &res), "refault") == 0);
	pfx_advise_free(&res);

	reset();
	s = region(0, PFX_MAP_ANON, 64 * MIB, 64 * MIB, "", PFX_PATTERN_SEQUENTIAL);
	s->c.faults = s->c.minor = s->c.write = s->c.prot = s->pages = 16384;
	CHECK(strcmp(only(&host, &res), "cow") == 0);
	CHECK(res.findings[0].try_name == NULL);
	pfx_advise_free(&res);
	s->c.prot = 8000;	/* under half */
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);

	reset();
	s = region(0, PFX_MAP_FILE, 64 * MIB, 64 * MIB, "/db", PFX_PATTERN_RANDOM);
	s->c.faults = s->c.major = s->pages = 300;
	CHECK(strcmp(only(&host, &res), "file-major") == 0);
	CHECK(strcmp(res.findings[0].try_name, "willneed") == 0);
	CHECK(strstr(res.findings[0].saw, "/db") != NULL);
	pfx_advise_free(&res);
	rows[0].pattern = PFX_PATTERN_SEQUENTIAL;
	CHECK(strcmp(only(&host, &res), "file-major") == 0);
	CHECK(strcmp(res.findings[0].try_name, "sequential") == 0);
	pfx_advise_free(&res);
	s->c.major = 255;
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
	/* minor faults that waited for storage (readahead's neighbours):
	 * slow on average; a page-cache hit is not */
	s->c.major = 23;
	s->c.latency_count = 300;
	s->c.latency_sum_ns = 300 * 48000ull;
	CHECK(strcmp(only(&host, &res), "file-major") == 0);
	pfx_advise_free(&res);
	s->c.latency_sum_ns = 300 * 2000ull;
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
	/* slow, but nothing read: a loaded host, not storage */
	s->c.major = 0;
	s->c.latency_sum_ns = 300 * 18000ull;
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
	/* a warm file on a loaded host: 3 slow majors of 1,020 faults (a
	 * stray few reclaimed pages), not a cold file; 1 in 200 is */
	s->c.faults = s->c.latency_count = s->pages = 1020;
	s->c.major = 3;
	s->c.latency_sum_ns = 1020 * 34700ull;
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
	s->c.major = 6;
	CHECK(strcmp(only(&host, &res), "file-major") == 0);
	pfx_advise_free(&res);
	s->c.major = 5;
	CHECK(strcmp(only(&host, &res), "none") == 0);	/* 5 * 200 < 1020 */
	pfx_advise_free(&res);
	/* the cold python3 read: 10 major of 1,018, 48 us each */
	s->c.faults = s->c.latency_count = s->pages = 1018;
	s->c.major = 10;
	s->c.latency_sum_ns = 1018 * 48000ull;
	CHECK(strcmp(only(&host, &res), "file-major") == 0);
	pfx_advise_free(&res);
	/* code: 300 exec faults read from storage; cached and cheap, silent */
	s->c.exec = s->c.faults = 300;
	s->c.major = 100;
	s->c.latency_sum_ns = 0;
	CHECK(strcmp(only(&host, &res), "code") == 0);
	pfx_advise_free(&res);
	s->c.major = 0;
	s->c.latency_sum_ns = 1000000;	/* 0.1% of the run */
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
	s->c.latency_sum_ns = 30000000;	/* 3% */
	CHECK(strcmp(only(&host, &res), "code") == 0);
	pfx_advise_free(&res);
	s->c.exec = 255;
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
}

/* Three mappings of one anonymous extent: one remap finding, the cost
 * of all three; two are two first touches. */
static void remap(void)
{
	struct pfx_advise_host host = { .thp = PFX_ADVISE_THP_NEVER };
	struct pfx_advise_result res;

	reset();
	for (size_t i = 0; i < 3; i++) {
		struct pfx_region_stats *s = region(i, PFX_MAP_ANON, 64 * MIB, 40 * MIB, "", PFX_PATTERN_SEQUENTIAL);

		s->c.faults = s->c.minor = s->pages = 10240 - i;
		s->c.latency_sum_ns = 10000000;
	}
	CHECK(strcmp(only(&host, &res), "remap") == 0);
	CHECK_EQ(res.findings[0].nregions, 3);
	CHECK_EQ(res.findings[0].faults, 3 * 10240 - 3);
	CHECK_EQ(res.findings[0].latency_ns, 30000000);
	CHECK(res.findings[0].row == &rows[0]);
	CHECK(strcmp(res.findings[0].try_name, "malloc-trim") == 0);
	pfx_advise_free(&res);
	rep.nrows = 2;
	CHECK_EQ(pfx_advise_run(&rep, &host, &res), 0);
	CHECK_EQ(res.n, 2);
	CHECK(res.n == 2 && strcmp(res.findings[0].rule->name, "first-touch") == 0);
	pfx_advise_free(&res);
	/* another process's mapping at the same address is not a remap */
	rep.nrows = 3;
	regions[2].pid = 43;
	CHECK_EQ(pfx_advise_run(&rep, &host, &res), 0);
	CHECK_EQ(res.n, 3);
	pfx_advise_free(&res);
}

/* Slow anonymous faults one per huge page: thp-latency, with the
 * defrag mode; 4 KiB faults at 1 us: silent. */
static void thp_latency(void)
{
	struct pfx_advise_host host = { .thp = PFX_ADVISE_THP_MADVISE, .defrag = "madvise" };
	struct pfx_advise_result res;

	reset();
	struct pfx_region_stats *s = region(0, PFX_MAP_ANON, 64 * MIB, 256 * MIB, "", PFX_PATTERN_STRIDED);

	s->c.faults = s->c.minor = s->pages = s->c.latency_count = 128;
	s->c.latency_sum_ns = 128 * 100000ull;
	CHECK(strcmp(only(&host, &res), "thp-latency") == 0);
	CHECK(strstr(res.findings[0].remedy, "defrag is 'madvise'") != NULL, " %s", res.findings[0].remedy);
	CHECK_EQ(res.findings[0].sure, PFX_ADVISE_MEDIUM);	/* 1.3% of the run */
	pfx_advise_free(&res);
	s->c.latency_sum_ns = 128 * 1000ull;
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
	s->c.latency_sum_ns = 128 * 100000ull;
	s->c.faults = s->c.minor = s->c.latency_count = 31;
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
}

/* Findings come biggest cost first: time in faults, then faults. */
static void order(void)
{
	struct pfx_advise_host host = { .thp = PFX_ADVISE_THP_NEVER };
	struct pfx_advise_result res;

	reset();
	struct pfx_region_stats *a = region(0, PFX_MAP_ANON, 64 * MIB, 64 * MIB, "", PFX_PATTERN_SEQUENTIAL);
	struct pfx_region_stats *b = region(1, PFX_MAP_FILE, 256 * MIB, 64 * MIB, "/f", PFX_PATTERN_RANDOM);

	a->c.faults = a->c.minor = a->pages = 16384;
	a->c.latency_sum_ns = 18000000;
	b->c.faults = b->c.major = b->pages = 1000;
	b->c.latency_sum_ns = 57000000;
	CHECK_EQ(pfx_advise_run(&rep, &host, &res), 0);
	CHECK_EQ(res.n, 2);
	CHECK(strcmp(res.findings[0].rule->name, "file-major") == 0);
	CHECK(strcmp(res.findings[1].rule->name, "first-touch") == 0);
	CHECK_EQ(res.findings[0].sure, PFX_ADVISE_HIGH);	/* 5.7% */
	pfx_advise_free(&res);
}

static void thp_parse(void)
{
	enum pfx_advise_thp t;

	CHECK_EQ(pfx_advise_thp_parse("always [madvise] never\n", &t), 0);
	CHECK_EQ(t, PFX_ADVISE_THP_MADVISE);
	CHECK_EQ(pfx_advise_thp_parse("[always] madvise never\n", &t), 0);
	CHECK_EQ(t, PFX_ADVISE_THP_ALWAYS);
	CHECK_EQ(pfx_advise_thp_parse("always madvise [never]\n", &t), 0);
	CHECK_EQ(t, PFX_ADVISE_THP_NEVER);
	CHECK(pfx_advise_thp_parse("always madvise never\n", &t) < 0);
	CHECK(pfx_advise_thp_parse("[alwaysx] madvise\n", &t) < 0);
	CHECK_EQ(t, PFX_ADVISE_THP_UNKNOWN);

	char mode[8];

	CHECK_EQ(pfx_advise_sysfs_mode("always defer [defer+madvise] madvise never\n", mode, sizeof(mode)), -EINVAL);
	CHECK_EQ(mode[0], 0);	/* too long for 8 */
	CHECK_EQ(pfx_advise_sysfs_mode("always [defer] never\n", mode, sizeof(mode)), 0);
	CHECK(strcmp(mode, "defer") == 0);
	CHECK(pfx_advise_sysfs_mode("always [] never", mode, sizeof(mode)) < 0);
	CHECK(pfx_advise_sysfs_mode("always [defer", mode, sizeof(mode)) < 0);
}

/* A fake cgroup limit: 32 MiB, or 1 GiB for "/big". */
static int fake_limit(const char *cgroup, uint64_t *bytes)
{
	*bytes = strcmp(cgroup, "/big") == 0 ? 1024 * MIB : 32 * MIB;
	return 0;
}

/* A 96 MiB file read three times in a 32 MiB cgroup: pages reclaimed and
 * read again; silent when the pages touched fit the limit, or when few
 * pages were read twice. */
static void over_limit(void)
{
	struct pfx_advise_host host = { .thp = PFX_ADVISE_THP_NEVER, .memory_limit = fake_limit, .cgroup = "/cg" };
	struct pfx_advise_result res;
	struct pfx_region_stats *s;

	reset();
	s = region(0, PFX_MAP_FILE, 64 * MIB, 96 * MIB, "/data", PFX_PATTERN_REPEAT);
	s->pages = 24576;
	s->c.faults = s->c.major = 3 * 24576;
	s->refaults = 2 * 24576;
	CHECK(strcmp(only(&host, &res), "over-limit") == 0);
	CHECK_EQ(res.findings[0].wss_bytes, 96 * MIB);
	CHECK_EQ(res.findings[0].limit_bytes, 32 * MIB);
	CHECK(strcmp(res.findings[0].cgroup, "/cg") == 0);
	CHECK(strstr(res.findings[0].saw, "limit is 32.0 MiB") != NULL);
	/* the region is larger than the limit: mlock cannot keep it */
	CHECK(res.findings[0].try_name == NULL);
	pfx_advise_free(&res);
	host.cgroup = "/big";
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
	/* no limit known: said so */
	host.cgroup = NULL;
	CHECK(strcmp(only(&host, &res), "over-limit") == 0);
	CHECK(strstr(res.findings[0].saw, "limit is unknown") != NULL);
	pfx_advise_free(&res);
	host.cgroup = "/cg";
	/* read at random too: file-major fires as well, over-limit (the
	 * cause) comes first at equal cost */
	rows[0].pattern = PFX_PATTERN_RANDOM;
	CHECK_EQ(pfx_advise_run(&rep, &host, &res), 0);
	CHECK_EQ(res.n, 2);
	CHECK(strcmp(res.findings[0].rule->name, "over-limit") == 0);
	CHECK(strcmp(res.findings[1].rule->name, "file-major") == 0);
	pfx_advise_free(&res);
	rows[0].pattern = PFX_PATTERN_REPEAT;
	s->c.faults = s->c.major = 24576 + 1023;
	CHECK(strcmp(only(&host, &res), "none") == 0);
	pfx_advise_free(&res);
}

int main(void)
{
	first_touch();
	refault_cow_file_code();
	remap();
	thp_latency();
	over_limit();
	order();
	thp_parse();
	return test_exit();
}
