/* SPDX-License-Identifier: GPL-2.0-or-later */
/* advise: the rules of 'pfx advise' over one analysis (advise.h); each
 * threshold and why it is that: doc/advise.md. */
#include "advise.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define HUGE_2M (2ull << 20)
/* A region below this many faults is not worth a remedy: 4096 faults cost
 * ~4-8 ms at the ~1-2 us a minor fault takes here (doc/advise.md). */
#define MIN_FAULTS 4096
/* major faults of a file worth naming: 256 reads of storage */
#define MIN_MAJOR 256
/* refaults worth naming, and their share of the region's faults (the
 * report's "repeat" pattern: R >= F/3) */
#define MIN_REFAULTS 1024
/* huge-page faults: this many, averaging this long (a 2 MiB zero fill
 * takes 50 us or more; a 4 KiB one ~1 us) */
#define MIN_THP_FAULTS 32
#define SLOW_ANON_NS 20000
/* code: exec faults, and major ones among them (doc/advise.md) */
#define MIN_CODE 256
#define MIN_CODE_MAJOR 64
/* a file fault this slow on average waited for storage: a page-cache hit
 * takes 1-3 us here, a read 50 us or more (doc/advise.md) */
#define SLOW_FILE_NS 10000
/* ... if 1 in this many of the region's faults is major: a cold file read
 * at random has ~1 in 100 (each major's readahead serves the faults after
 * it: 10 of 1,018 python3, 12-15 of ~1,150 sqlite3, quiet or with two CPU
 * hogs); a warm one at most a stray few (3 of 1,020 once: a page
 * reclaimed since, or a fault retried after waiting for a locked page,
 * which the kernel counts as major) whose average a loaded host inflates
 * (34.7 us there).  Measured: doc/advise.md. */
#define SLOW_FILE_MAJOR_SHARE 200

static const char *path_of(const struct pfx_region_row *row)
{
	return row->region && row->region->path[0] ? row->region->path : "";
}

static bool anon_kind(const struct pfx_region_row *row)
{
	return row->region && (row->region->kind == PFX_MAP_ANON || row->region->kind == PFX_MAP_HEAP);
}

/* "heap region 0x...-0x... (64.0 MiB)" */
static void name_region(const struct pfx_region_row *row, char *buf, size_t size)
{
	const char *path = path_of(row);
	double mib = (double)(row->end - row->start) / (1 << 20);

	snprintf(buf, size, "%s region 0x%" PRIx64 "-0x%" PRIx64 " (%.1f MiB%s%s)",
		 row->region ? pfx_map_kind_name(row->region->kind) : "unknown", row->start, row->end, mib,
		 path[0] ? ", " : "", path);
}

/* Is the region's cost worth a remedy?  medium below 1% of the run's
 * time in faults, high from 5% (with latency recorded). */
static enum pfx_advise_sure sure_of_cost(const struct pfx_analysis *rep, const struct pfx_advise_finding *f,
					 char *why, size_t size)
{
	if (!f->latency_ns || !rep->duration_ns) {
		snprintf(why, size, "no fault latency recorded: its time cannot be weighed");
		return PFX_ADVISE_MEDIUM;
	}
	double share = 100.0 * (double)f->latency_ns / (double)rep->duration_ns;

	if (share >= 5) {
		snprintf(why, size, "its faults took %.1f%% of the run's wall time", share);
		return PFX_ADVISE_HIGH;
	}
	snprintf(why, size, "its faults took only %.1f%% of the run's wall time", share);
	return share >= 1 ? PFX_ADVISE_MEDIUM : PFX_ADVISE_LOW;
}

/* 1. First touch: a large anonymous region whose faults are almost all
 * the first of their page (zero fill), so prefaulting it at once does
 * the same work in one system call, or huge pages do it 512 times less. */
static bool rule_first_touch(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
			     const struct pfx_region_row *row, struct pfx_advise_finding *f)
{
	const struct pfx_region_stats *s = row->s;
	char where[200];

	/* Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, shown as
	 * "/dev/zero (deleted)"; memfd, /dev/shm) is zero-filled on first
	 * touch too, and MAP_POPULATE / MADV_POPULATE_WRITE fill it alike;
	 * its huge pages follow shmem_enabled, not the THP mode read here. */
	bool shm = row->region && row->region->kind == PFX_MAP_SHM;

	if ((!anon_kind(row) && !shm) || s->c.faults < MIN_FAULTS || s->c.major * 10 > s->c.faults)
		return false;
	/* first touches: 90% or more of the faults are a page's first */
	if (s->refaults * 10 > s->c.faults || s->c.prot * 10 > s->c.faults)
		return false;
	name_region(row, where, sizeof(where));
	snprintf(f->saw, sizeof(f->saw), "%s: %" PRIu64 " faults on %" PRIu64 " pages, %" PRIu64
		 " refaults, %" PRIu64 " writes, pattern %s: each page faulted in on first touch",
		 where, s->c.faults, s->pages, s->refaults, s->c.write, pfx_pattern_name(row->pattern));
	/* huge pages: the 2 MiB-aligned part of the region */
	uint64_t lo = (row->start + HUGE_2M - 1) & ~(HUGE_2M - 1), hi = row->end & ~(HUGE_2M - 1);
	uint64_t huge = hi > lo ? (hi - lo) / HUGE_2M : 0;
	uint64_t page = rep->header.page_size ? rep->header.page_size : 4096;
	uint64_t small = (row->end - row->start - huge * HUGE_2M) / page;

	if (!shm && host->thp == PFX_ADVISE_THP_MADVISE && huge * HUGE_2M * 2 >= row->end - row->start) {
		f->try_name = "hugepage";
		snprintf(f->remedy, sizeof(f->remedy),
			 "madvise(addr, len, MADV_HUGEPAGE) after mapping it (THP is 'madvise'%s); for malloc'd "
			 "memory: GLIBC_TUNABLES=glibc.malloc.hugetlb=1; expected faults: about %" PRIu64
			 " (%" PRIu64 " huge pages + %" PRIu64 " small) instead of %" PRIu64,
			 host->thp_now ? ", read now" : "", huge + small, huge, small, s->pages);
	} else {
		/* pfx try's preload prefaults anonymous mmaps; a shm file
		 * (memfd, /dev/shm) is the program's own to populate */
		f->try_name = !shm || !strcmp(path_of(row), "/dev/zero (deleted)") ? "populate" : NULL;
		snprintf(f->remedy, sizeof(f->remedy),
			 "prefault it once: mmap(..., MAP_POPULATE) or madvise(addr, len, MADV_POPULATE_WRITE) "
			 "at start-up (Linux 5.14+); the %" PRIu64 " faults become one call", s->c.faults);
	}
	f->sure = sure_of_cost(rep, f, f->why, sizeof(f->why));
	return true;
}

/* " (most from FUNCTION+0xOFF)" for the region's refaults' call site,
 * where the vote found one and the analysis named its code; else "". */
static void refault_site(const struct pfx_analysis *rep, const struct pfx_region_row *row, char *buf,
			 size_t size)
{
	const struct pfx_region_stats *s = row->s;

	buf[0] = 0;
	if (!s->refault_ip_votes)
		return;
	for (size_t i = 0; i < rep->nips; i++) {
		const struct pfx_code_frame *c = &rep->ips[i].code;

		if (c->ip != s->refault_ip || (c->pid && row->region && c->pid != row->region->pid))
			continue;
		if (c->function)
			snprintf(buf, size, ", most from %s+0x%" PRIx64, c->function, c->function_offset);
		else
			snprintf(buf, size, ", most from ip 0x%" PRIx64 "%s%s", c->ip,
				 c->region && c->region->path[0] ? " in " : "", c->region ? c->region->path : "");
		return;
	}
}

/* 2. Refaults: the same pages faulted in again after being given back
 * (MADV_DONTNEED, munmap, glibc's heap trim). */
static bool rule_refault(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
			 const struct pfx_region_row *row, struct pfx_advise_finding *f)
{
	const struct pfx_region_stats *s = row->s;
	char where[200];

	/* a swap-in (major) is a refault too, but the swap rule's */
	uint64_t given_back = s->refaults - (s->c.major < s->refaults ? s->c.major : s->refaults);

	(void)host;
	if (!anon_kind(row) || given_back < MIN_REFAULTS || given_back * 3 < s->c.faults || !s->pages)
		return false;
	char site[160];

	name_region(row, where, sizeof(where));
	refault_site(rep, row, site, sizeof(site));
	snprintf(f->saw, sizeof(f->saw), "%s: %" PRIu64 " faults on %" PRIu64 " pages, %" PRIu64
		 " of them refaults (%.1f per page%s): the pages are given back and faulted in again",
		 where, s->c.faults, s->pages, s->refaults, (double)s->refaults / (double)s->pages, site);
	f->try_name = "malloc-trim";
	snprintf(f->remedy, sizeof(f->remedy),
		 "keep the buffer instead of freeing it each round; for glibc malloc: "
		 "GLIBC_TUNABLES=glibc.malloc.trim_threshold=%" PRIu64 ":glibc.malloc.mmap_threshold=%" PRIu64
		 ":glibc.malloc.top_pad=%" PRIu64 " (no trim or unmap below the region's size)",
		 (row->end - row->start) * 2, (row->end - row->start) * 2, row->end - row->start);
	f->sure = sure_of_cost(rep, f, f->why, sizeof(f->why));
	return true;
}

/* 3. Major faults on a file: read in random order (readahead cannot
 * help) or in order with readahead off. */
static bool rule_file_major(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
			    const struct pfx_region_row *row, struct pfx_advise_finding *f)
{
	const struct pfx_region_stats *s = row->s;
	char where[200];

	(void)host;
	/* code read from storage is the code rule's */
	if (!row->region || row->region->kind != PFX_MAP_FILE || s->c.exec * 2 >= s->c.faults)
		return false;
	/* reads from storage: major faults, or faults that waited for one
	 * (a page readahead had begun to read counts as minor, yet takes
	 * the read's time: python3 reading a cold file at random through
	 * mmap, 2033 faults, 23 major, 48 us each on average); reads must
	 * have happened, more than a stray few (a loaded host slows
	 * page-cache hits too: 18 us on average, none major; 34.7 us, 3
	 * major of 1,020, a warm file) */
	uint64_t avg = s->c.latency_count ? s->c.latency_sum_ns / s->c.latency_count : 0;

	if (s->c.major < MIN_MAJOR && (s->c.faults < MIN_MAJOR || avg < SLOW_FILE_NS || !s->c.major ||
				       s->c.major * SLOW_FILE_MAJOR_SHARE < s->c.faults))
		return false;
	if (row->pattern != PFX_PATTERN_RANDOM && row->pattern != PFX_PATTERN_SEQUENTIAL &&
	    row->pattern != PFX_PATTERN_MIXED && row->pattern != PFX_PATTERN_STRIDED)
		return false;
	name_region(row, where, sizeof(where));
	snprintf(f->saw, sizeof(f->saw), "%s: %" PRIu64 " faults on %" PRIu64 " pages, %" PRIu64
		 " major (reads from storage), %.1f us each on average, pattern %s",
		 where, s->c.faults, s->pages, s->c.major, (double)avg / 1000, pfx_pattern_name(row->pattern));
	if (row->pattern == PFX_PATTERN_SEQUENTIAL) {
		f->try_name = "sequential";
		snprintf(f->remedy, sizeof(f->remedy),
			 "read in order page by page: readahead is off or too small; madvise(addr, len, "
			 "MADV_SEQUENTIAL) on the mapping, or posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)");
	} else {
		f->try_name = "willneed";
		snprintf(f->remedy, sizeof(f->remedy),
			 "read at random: one read per fault; load it at once with madvise(addr, len, "
			 "MADV_WILLNEED) or posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED) (or MADV_POPULATE_READ), "
			 "or keep the file cached (vmtouch -t FILE)");
	}
	f->sure = row->pattern == PFX_PATTERN_MIXED ? PFX_ADVISE_LOW : sure_of_cost(rep, f, f->why, sizeof(f->why));
	if (row->pattern == PFX_PATTERN_MIXED)
		snprintf(f->why, sizeof(f->why), "the order is mixed: neither readahead nor a prefetch clearly wins");
	return true;
}

/* The cgroup the recording names for pid, or NULL. */
static const char *cgroup_of(const struct pfx_analysis *rep, uint32_t pid)
{
	for (size_t i = 0; i < rep->procs.nprocs; i++)
		if (rep->procs.procs[i].pid == pid)
			return rep->procs.procs[i].cgroup && rep->procs.procs[i].cgroup[0] ? rep->procs.procs[i].cgroup
											    : NULL;
	return NULL;
}

/* The pages pid touched in the recording, in bytes: the sum of its
 * regions' pages (a working set seen through its faults). */
static uint64_t touched_bytes(const struct pfx_analysis *rep, uint32_t pid)
{
	uint64_t pages = 0, page = rep->header.page_size ? rep->header.page_size : 4096;

	for (size_t i = 0; i < rep->nrows; i++)
		if (rep->rows[i].s && (rep->rows[i].region ? rep->rows[i].region->pid : rep->rows[i].pid) == pid)
			pages += rep->rows[i].s->pages;
	return pages * page;
}

/* The working set of pid (f->wss_bytes) and its cgroup's limit
 * (f->cgroup, f->limit_bytes, returned), and a clause saying the limit
 * in text. */
static uint64_t working_set(const struct pfx_analysis *rep, const struct pfx_advise_host *host, uint32_t pid,
			    struct pfx_advise_finding *f, char *text, size_t size)
{
	uint64_t lim = 0;

	f->cgroup = cgroup_of(rep, pid);
	if (!f->cgroup)
		f->cgroup = host->cgroup;
	if (f->cgroup && host->memory_limit && host->memory_limit(f->cgroup, &lim) < 0)
		lim = 0;
	f->wss_bytes = touched_bytes(rep, pid);
	f->limit_bytes = lim;
	if (!lim)
		snprintf(text, size, "its cgroup's limit is unknown (%s)",
			 f->cgroup ? "unreadable now" : "the recording does not name its cgroup");
	else if (lim == UINT64_MAX)
		snprintf(text, size, "its cgroup sets no limit: the host's memory did not hold it");
	else
		snprintf(text, size, "its cgroup's limit is %.1f MiB (read now)", (double)lim / (1 << 20));
	return lim;
}

/* 3c. Over the limit: file pages read from storage again after the
 * kernel reclaimed them (more major faults than pages: each extra one is
 * a page read twice), while the process's cgroup gives it less memory
 * than the pages it touched.  Reclaim of a file page it still uses means
 * its working set did not fit what it was given. */
static bool rule_over_limit(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
			    const struct pfx_region_row *row, struct pfx_advise_finding *f)
{
	const struct pfx_region_stats *s = row->s;
	char where[200], limit[160];
	uint64_t lim = 0;

	if (!row->region || row->region->kind != PFX_MAP_FILE || s->c.major < s->pages + MIN_REFAULTS ||
	    s->c.major < MIN_MAJOR)
		return false;
	lim = working_set(rep, host, row->region->pid, f, limit, sizeof(limit));
	/* the pages touched fit the limit: they went for another reason
	 * (a drop of the cache); not this rule's */
	if (lim && lim != UINT64_MAX && f->wss_bytes <= lim)
		return false;
	name_region(row, where, sizeof(where));
	snprintf(f->saw, sizeof(f->saw), "%s of process %u: %" PRIu64 " major faults on %" PRIu64
		 " pages, %" PRIu64 " refaults: %" PRIu64 " times a page was read from storage again after "
		 "being reclaimed; the process touched %.1f MiB in the recording, %s",
		 where, row->region->pid, s->c.major, s->pages, s->refaults, s->c.major - s->pages,
		 (double)f->wss_bytes / (1 << 20), limit);
	/* mlock of more than the limit cannot be kept either */
	f->try_name = lim && lim != UINT64_MAX && row->end - row->start >= lim ? NULL : "mlock";
	snprintf(f->remedy, sizeof(f->remedy),
		 "raise the cgroup's limit to at least the working set (%.0f MiB touched here; cgroup2 "
		 "memory.max, v1 memory.limit_in_bytes; measure it over time with pfx wss -p PID), or "
		 "keep the hot part of this region resident with mlock(addr, len) (locked pages count "
		 "against the limit too), or read less of the file at once", (double)f->wss_bytes / (1 << 20));
	f->sure = sure_of_cost(rep, f, f->why, sizeof(f->why));
	return true;
}

/* 3b. Swap: anonymous pages read back from swap (major faults of anon
 * memory): the working set did not fit what the host or the cgroup's
 * memory.max gave, or something paged it out. */
static bool rule_swap(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
		      const struct pfx_region_row *row, struct pfx_advise_finding *f)
{
	const struct pfx_region_stats *s = row->s;
	char where[200], limit[160];

	if (!anon_kind(row) || s->c.major < MIN_MAJOR)
		return false;
	working_set(rep, host, row->region->pid, f, limit, sizeof(limit));
	name_region(row, where, sizeof(where));
	snprintf(f->saw, sizeof(f->saw), "%s of process %u: %" PRIu64 " major faults (read back from swap) of %"
		 PRIu64 " faults on %" PRIu64 " pages, %" PRIu64 " refaults: its pages were swapped out and "
		 "needed again; the process touched %.1f MiB in the recording, %s", where, row->region->pid,
		 s->c.major, s->c.faults, s->pages, s->refaults, (double)f->wss_bytes / (1 << 20), limit);
	f->try_name = "mlock";
	snprintf(f->remedy, sizeof(f->remedy),
		 "the working set did not fit: compare it (pfx wss -p PID) with the memory given (the cgroup's "
		 "memory.max, or the host's); raise the limit, or keep this region resident with "
		 "mlock(addr, len) (or mlockall(MCL_CURRENT|MCL_FUTURE); needs RLIMIT_MEMLOCK)");
	f->sure = sure_of_cost(rep, f, f->why, sizeof(f->why));
	return true;
}

/* 6. Huge-page fault latency: anonymous faults that take far longer
 * than a 4 KiB zero fill (~1 us here): huge pages zeroed, or memory
 * compacted to find them, in the fault. */
static bool rule_thp_latency(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
			     const struct pfx_region_row *row, struct pfx_advise_finding *f)
{
	const struct pfx_region_stats *s = row->s;
	uint64_t avg = s->c.latency_count ? s->c.latency_sum_ns / s->c.latency_count : 0;
	char where[200], stride[64] = "";

	if (!anon_kind(row) || s->c.minor < MIN_THP_FAULTS || avg < SLOW_ANON_NS ||
	    s->c.major * 10 > s->c.faults)
		return false;
	name_region(row, where, sizeof(where));
	if (row->pattern == PFX_PATTERN_STRIDED)
		snprintf(stride, sizeof(stride), ", a stride of %" PRId64 " pages",
			 pfx_pattern_stride(&s->pattern));
	snprintf(f->saw, sizeof(f->saw), "%s: %" PRIu64 " faults taking %.1f us each on average (a 4 KiB "
		 "zero fill takes ~1 us; the run's minor-fault p99: %.1f us), pattern %s%s: huge pages "
		 "zeroed or compacted for in the fault", where, s->c.faults, (double)avg / 1000,
		 (double)pfx_analysis_latency_pct(rep, PFX_COL_MINOR, 99) / 1000, pfx_pattern_name(row->pattern),
		 stride);
	f->try_name = NULL;
	snprintf(f->remedy, sizeof(f->remedy),
		 "THP defrag is '%s' (read now): let faults take a small page and khugepaged collapse later: "
		 "echo defer+madvise > /sys/kernel/mm/transparent_hugepage/defrag (or defer); or fault the "
		 "region in at start-up, off the latency path (MADV_POPULATE_WRITE)",
		 host->defrag[0] ? host->defrag : "unknown");
	f->sure = sure_of_cost(rep, f, f->why, sizeof(f->why));
	if (f->sure == PFX_ADVISE_HIGH && row->pattern != PFX_PATTERN_STRIDED) {
		f->sure = PFX_ADVISE_MEDIUM;
		snprintf(f->why, sizeof(f->why), "slow, but not one fault per huge page: something else may "
			 "slow these faults (a loaded host, memory pressure)");
	}
	return true;
}

/* 4. Copy-on-write: writes to present pages of a private mapping, the
 * pages a fork shares until one side writes them. */
static bool rule_cow(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
		     const struct pfx_region_row *row, struct pfx_advise_finding *f)
{
	const struct pfx_region_stats *s = row->s;
	char where[200];

	(void)host;
	if (!anon_kind(row) || s->c.prot < MIN_FAULTS || s->c.prot * 2 < s->c.faults)
		return false;
	name_region(row, where, sizeof(where));
	snprintf(f->saw, sizeof(f->saw), "%s of process %u: %" PRIu64 " of its %" PRIu64
		 " faults are writes to present pages (copy-on-write after fork)",
		 where, row->region->pid, s->c.prot, s->c.faults);
	f->try_name = NULL;
	snprintf(f->remedy, sizeof(f->remedy),
		 "start children with posix_spawn() (or vfork+exec) instead of fork; keep big buffers out "
		 "of the child with madvise(addr, len, MADV_DONTFORK); or fork before filling them");
	f->sure = sure_of_cost(rep, f, f->why, sizeof(f->why));
	return true;
}

/* 5. Code faults: a binary's text faulted in page by page at start-up. */
static bool rule_code(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
		      const struct pfx_region_row *row, struct pfx_advise_finding *f)
{
	const struct pfx_region_stats *s = row->s;
	char where[200];

	(void)host;
	/* 256 exec faults (fault-around maps 16 cached pages a fault: gcc's
	 * cc1 takes ~265 compiling a 2,000-line file), and worth it: read
	 * from storage (64 major) or 2% of the run in them (cc1 cached:
	 * 1 ms of 0.6 s, nothing to do) */
	if (!row->region || row->region->kind != PFX_MAP_FILE || s->c.exec < MIN_CODE)
		return false;
	if (s->c.major < MIN_CODE_MAJOR && s->c.latency_sum_ns * 50 < rep->duration_ns)
		return false;
	name_region(row, where, sizeof(where));
	snprintf(f->saw, sizeof(f->saw), "%s: %" PRIu64 " faults executing its code (%" PRIu64
		 " major) on %" PRIu64 " pages", where, s->c.exec, s->c.major, s->pages);
	f->try_name = NULL;
	snprintf(f->remedy, sizeof(f->remedy),
		 "map the text with huge pages (CONFIG_READ_ONLY_THP_FOR_FS and MADV_HUGEPAGE on it, or "
		 "link with -Wl,-zcommon-page-size=2097152 -Wl,-zmax-page-size=2097152), or prefault it "
		 "(MADV_POPULATE_READ on the text at start); a persistent server pays this once");
	f->sure = sure_of_cost(rep, f, f->why, sizeof(f->why));
	if (f->sure == PFX_ADVISE_HIGH)
		f->sure = PFX_ADVISE_MEDIUM, snprintf(f->why, sizeof(f->why),
						      "text faults are in the page cache mostly; the remedies "
						      "depend on the kernel's and the linker's options");
	return true;
}


/* 2b. Remapped: one process maps an anonymous buffer of one size at one
 * address again and again (glibc's malloc above its mmap threshold:
 * munmap at free, mmap at the next malloc), each time faulting it in
 * anew.  rows[0..n) are those regions, most faults first. */
static void remap_finding(const struct pfx_analysis *rep, const struct pfx_region_row *const *rows, size_t n,
			  struct pfx_advise_finding *f)
{
	const struct pfx_region_row *row = rows[0];
	uint64_t size = row->end - row->start;
	char where[200];

	f->row = row;
	f->nregions = n;
	for (size_t i = 0; i < n; i++)
		f->faults += rows[i]->s->c.faults, f->latency_ns += rows[i]->s->c.latency_sum_ns;
	name_region(row, where, sizeof(where));
	snprintf(f->saw, sizeof(f->saw), "%s of process %u mapped %zu times at that address: %" PRIu64
		 " faults in all, %" PRIu64 " in the busiest mapping on %" PRIu64
		 " pages: the buffer is unmapped and mapped again, its pages faulted in each time",
		 where, row->region->pid, n, f->faults, row->s->c.faults, row->s->pages);
	f->try_name = "malloc-trim";
	snprintf(f->remedy, sizeof(f->remedy),
		 "keep the buffer instead of freeing it each round; for glibc malloc, serve it from the "
		 "heap and keep it: GLIBC_TUNABLES=glibc.malloc.mmap_threshold=%" PRIu64
		 ":glibc.malloc.trim_threshold=%" PRIu64 " (above the buffer's %" PRIu64 " bytes)",
		 size + (1 << 20), 2 * size + (2 << 20), size);
	f->sure = sure_of_cost(rep, f, f->why, sizeof(f->why));
}

/* The same anonymous extent of one process: pid, start, end, then the
 * row's place (most faults first). */
static int by_extent(const void *a, const void *b)
{
	const struct pfx_region_row *x = *(const struct pfx_region_row *const *)a;
	const struct pfx_region_row *y = *(const struct pfx_region_row *const *)b;

	if (x->region->pid != y->region->pid)
		return x->region->pid < y->region->pid ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return (x > y) - (x < y);
}

/* 3 mappings or more of one extent, 4096 faults in all */
#define MIN_REMAPS 3

static int add_finding(struct pfx_advise_result *out, const struct pfx_advise_finding *f)
{
	if (PFX_GROW(out->findings, out->cap, out->n + 1, 8))
		return -ENOMEM;
	out->findings[out->n++] = *f;
	return 0;
}

/* The remap findings; taken[i]: row i is in one (the row rules skip it). */
static int scan_remap(const struct pfx_advise_rule *self, const struct pfx_analysis *rep, bool *taken,
		      struct pfx_advise_result *out)
{
	const struct pfx_region_row **v = malloc((rep->nrows ? rep->nrows : 1) * sizeof(*v));
	size_t n = 0;
	int err = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < rep->nrows; i++)
		if (rep->rows[i].s && anon_kind(&rep->rows[i]))
			v[n++] = &rep->rows[i];
	qsort(v, n, sizeof(*v), by_extent);
	for (size_t i = 0, j; i < n && !err; i = j) {
		uint64_t faults = 0;

		for (j = i; j < n && by_extent(&v[i], &v[j]) <= 0 && v[j]->region->pid == v[i]->region->pid &&
			    v[j]->start == v[i]->start && v[j]->end == v[i]->end; j++)
			faults += v[j]->s->c.faults;
		if (j - i < MIN_REMAPS || faults < MIN_FAULTS)
			continue;
		struct pfx_advise_finding f = { .rule = self };

		remap_finding(rep, v + i, j - i, &f);
		err = add_finding(out, &f);
		for (size_t k = i; k < j; k++)
			taken[v[k] - rep->rows] = true;
	}
	free(v);
	return err;
}

const struct pfx_advise_rule pfx_advise_rules[] = {
	{ .name = "first-touch", .about = "large anonymous regions faulted in page by page on first touch",
	  .check = rule_first_touch,
	  .remedy = "prefault (MAP_POPULATE, MADV_POPULATE_WRITE) or huge pages (MADV_HUGEPAGE)" },
	{ .name = "refault", .about = "the same anonymous pages faulted again after being given back",
	  .check = rule_refault, .remedy = "keep the buffer; glibc.malloc.trim_threshold/mmap_threshold/top_pad" },
	{ .name = "remap", .about = "an anonymous buffer unmapped and mapped again, faulted in each time",
	  .scan = scan_remap, .remedy = "keep the buffer; glibc.malloc.mmap_threshold/trim_threshold above its size" },
	/* before file-major: of a file read again and again in a cgroup too
	 * small for it, the limit is the cause, the order of reads not */
	{ .name = "over-limit", .about = "working set exceeds the cgroup's limit: file pages reclaimed and read again",
	  .check = rule_over_limit, .remedy = "raise the limit to the WSS, mlock the hot region, pfx wss" },
	{ .name = "file-major", .about = "faults reading a mapped file from storage, at random or with readahead off",
	  .check = rule_file_major, .remedy = "MADV_WILLNEED/MADV_SEQUENTIAL or posix_fadvise on the file" },
	{ .name = "swap", .about = "anonymous pages read back from swap: the working set does not fit",
	  .check = rule_swap, .remedy = "the WSS against memory.max; raise it, or mlock the hot region" },
	{ .name = "thp-latency", .about = "slow anonymous faults: huge pages zeroed or compacted for in the fault",
	  .check = rule_thp_latency, .remedy = "THP defrag defer+madvise, or prefault off the latency path" },
	{ .name = "cow", .about = "copy-on-write faults after fork", .check = rule_cow,
	  .remedy = "posix_spawn/vfork, MADV_DONTFORK" },
	{ .name = "code", .about = "a binary's code faulted in page by page", .check = rule_code,
	  .remedy = "huge-page text, or prefault the text" },
	{ .name = NULL },
};

static int by_cost(const void *a, const void *b)
{
	const struct pfx_advise_finding *x = a, *y = b;

	if (x->latency_ns != y->latency_ns)
		return x->latency_ns > y->latency_ns ? -1 : 1;
	if (x->faults != y->faults)
		return x->faults > y->faults ? -1 : 1;
	return (x->rule > y->rule) - (x->rule < y->rule);	/* rule priority */
}

int pfx_advise_run(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
		   struct pfx_advise_result *out)
{
	bool *taken = calloc(rep->nrows ? rep->nrows : 1, sizeof(*taken));
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!taken)
		return -ENOMEM;
	for (const struct pfx_advise_rule *r = pfx_advise_rules; r->name && !err; r++)
		if (r->scan)
			err = r->scan(r, rep, taken, out);
	for (size_t i = 0; i < rep->nrows && !err; i++) {
		const struct pfx_region_row *row = &rep->rows[i];

		if (!row->s || taken[i])
			continue;
		for (const struct pfx_advise_rule *r = pfx_advise_rules; r->name && !err; r++) {
			if (!r->check)
				continue;
			struct pfx_advise_finding f = {
				.rule = r, .row = row, .nregions = 1, .faults = row->s->c.faults,
				.latency_ns = row->s->c.latency_sum_ns,
			};

			if (r->check(rep, host, row, &f))
				err = add_finding(out, &f);
		}
	}
	free(taken);
	if (err) {
		pfx_advise_free(out);
		return err;
	}
	if (out->n > 1)
		qsort(out->findings, out->n, sizeof(*out->findings), by_cost);
	return 0;
}

void pfx_advise_free(struct pfx_advise_result *res)
{
	free(res->findings);
	memset(res, 0, sizeof(*res));
}

const char *pfx_advise_sure_name(enum pfx_advise_sure s)
{
	return s == PFX_ADVISE_HIGH ? "high" : s == PFX_ADVISE_MEDIUM ? "medium" : "low";
}

const char *pfx_advise_thp_name(enum pfx_advise_thp t)
{
	static const char *const names[] = { "unknown", "always", "madvise", "never" };

	return names[t <= PFX_ADVISE_THP_NEVER ? t : 0];
}

int pfx_advise_sysfs_mode(const char *text, char *buf, size_t size)
{
	const char *b = strchr(text, '['), *e = b ? strchr(b, ']') : NULL;

	if (size)
		buf[0] = 0;
	if (!e || e == b + 1 || (size_t)(e - b - 1) >= size)
		return -EINVAL;
	memcpy(buf, b + 1, (size_t)(e - b - 1));
	buf[e - b - 1] = 0;
	return 0;
}

int pfx_advise_thp_parse(const char *text, enum pfx_advise_thp *out)
{
	char mode[16];

	*out = PFX_ADVISE_THP_UNKNOWN;
	if (pfx_advise_sysfs_mode(text, mode, sizeof(mode)) < 0)
		return -EINVAL;
	for (enum pfx_advise_thp t = PFX_ADVISE_THP_ALWAYS; t <= PFX_ADVISE_THP_NEVER; t++)
		if (strcmp(mode, pfx_advise_thp_name(t)) == 0) {
			*out = t;
			return 0;
		}
	return -EINVAL;
}
