/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page_states: one pass over a range's pagemap entries, then one lookup
 * of the resident pages' kpageflags.  Where the kernel has PAGEMAP_SCAN,
 * it first names the populated parts of the range, and only their entries
 * are read.
 *
 * The counts do not depend on page order, so the PFNs of each pagemap
 * chunk are sorted and their kpageflags read in spans: a few large preads
 * instead of one per page, with short gaps between needed PFNs read along
 * (cheaper than another system call). */
#include "config.h"
#include "page_states.h"
#include "maps.h"
#include "pagemap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* pagemap entries per pread (512 KiB). */
#define PAGEMAP_CHUNK 65536
/* Needed PFNs at most this far apart share one kpageflags read. */
#define SPAN_MERGE_GAP 64
/* A span's largest read (entries). */
#define SPAN_MAX 65536
/* Populated ranges asked for per PAGEMAP_SCAN call. */
#define SCAN_REGIONS 512

struct pfx_page_reader {
	int pagemap_fd;
	int kpageflags_fd;		/* -1 when physical states are unknown */
	enum pfx_page_physical physical;
	uint64_t zero_pfn;		/* UINT64_MAX when not known */
	uint64_t page_size;
	uint64_t *entries;		/* one pagemap chunk */
	uint64_t *pfns;			/* the chunk's resident PFNs */
	uint64_t *flags;		/* one span of kpageflags */
	bool no_scan;			/* PAGEMAP_SCAN refused: read every entry */
};

int pfx_page_reader_open(const char *root, pid_t pid, struct pfx_page_reader **out)
{
	struct pfx_page_reader *r = calloc(1, sizeof(*r));
	bool real = !root || !*root;
	int err = 0;

	if (!r)
		return -ENOMEM;
	r->kpageflags_fd = -1;
	r->zero_pfn = UINT64_MAX;
	r->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	r->pagemap_fd = pfx_open_under_root(root, O_RDONLY, "/proc/%d/pagemap", (int)pid);
	if (r->pagemap_fd == -ENOENT || r->pagemap_fd == -ESRCH) {
		/* Without the process its directory is gone too.  With it, a
		 * missing pagemap is the kernel's lack, and ESRCH is a process
		 * without an mm (a kernel thread). */
		int dir = pfx_open_under_root(root, O_RDONLY | O_DIRECTORY, "/proc/%d", (int)pid);

		if (dir < 0)
			r->pagemap_fd = -ESRCH;
		else if (r->pagemap_fd == -ESRCH)
			r->pagemap_fd = -ENXIO;
		if (dir >= 0)
			close(dir);
	}
	if (r->pagemap_fd < 0)
		err = r->pagemap_fd;
	r->entries = malloc(PAGEMAP_CHUNK * sizeof(uint64_t));
	r->pfns = malloc(PAGEMAP_CHUNK * sizeof(uint64_t));
	r->flags = malloc(SPAN_MAX * sizeof(uint64_t));
	if (!err && (!r->entries || !r->pfns || !r->flags))
		err = -ENOMEM;
	if (err) {
		pfx_page_reader_close(r);
		return err;
	}
	r->kpageflags_fd = pfx_open_under_root(root, O_RDONLY, "/proc/kpageflags");
	if (r->kpageflags_fd == -ENOENT)
		r->physical = PFX_PHYSICAL_NO_KPAGEFLAGS;
	else if (r->kpageflags_fd < 0)
		r->physical = PFX_PHYSICAL_DENIED;
	/* Only the real system has a zero page to find; our own pagemap also
	 * says whether PFNs are shown to us at all. */
	else if (real && pfx_pagemap_zero_pfn(&r->zero_pfn) == -EPERM)
		r->physical = PFX_PHYSICAL_DENIED;
	if (r->physical != PFX_PHYSICAL_KNOWN && r->kpageflags_fd >= 0) {
		close(r->kpageflags_fd);
		r->kpageflags_fd = -1;
	}
	*out = r;
	return 0;
}

void pfx_page_reader_close(struct pfx_page_reader *r)
{
	if (!r)
		return;
	if (r->pagemap_fd >= 0)
		close(r->pagemap_fd);
	if (r->kpageflags_fd >= 0)
		close(r->kpageflags_fd);
	free(r->entries);
	free(r->pfns);
	free(r->flags);
	free(r);
}

void pfx_page_reader_virtual_only(struct pfx_page_reader *r)
{
	if (r->kpageflags_fd >= 0)
		close(r->kpageflags_fd);
	r->kpageflags_fd = -1;
	r->physical = PFX_PHYSICAL_SKIPPED;
}

enum pfx_page_physical pfx_page_reader_physical(const struct pfx_page_reader *r)
{
	return r->physical;
}

uint64_t pfx_page_reader_page_size(const struct pfx_page_reader *r)
{
	return r->page_size;
}

/* --- physical states of the resident pages --- */

static void account_flags(struct pfx_page_states *s, uint64_t flags)
{
	if (pfx_kpf_test(flags, PFX_KPF_ZERO_PAGE)) {
		/* The huge zero page (or the small one where its PFN was not
		 * known up front): a mapping, but not memory of this process. */
		s->zero++;
		s->rss--;
		return;
	}
	if (pfx_kpf_test(flags, PFX_KPF_DIRTY) || pfx_kpf_test(flags, PFX_KPF_ANON))
		s->dirty++;
	if (pfx_kpf_test(flags, PFX_KPF_THP))
		s->thp++;
	if (pfx_kpf_test(flags, PFX_KPF_MLOCKED))
		s->locked++;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Read the kpageflags of pfns[0..n) (any order; sorted here) in spans. */
static int account_pfns(struct pfx_page_reader *r, uint64_t *pfns, size_t n, struct pfx_page_states *s)
{
	size_t i = 0;

	qsort(pfns, n, sizeof(*pfns), cmp_u64);
	while (i < n) {
		uint64_t first = pfns[i];
		size_t end = i + 1, len;
		int err;

		while (end < n && pfns[end] - pfns[end - 1] <= SPAN_MERGE_GAP && pfns[end] - first < SPAN_MAX)
			end++;
		len = (size_t)(pfns[end - 1] - first + 1);
		err = pfx_pagemap_read_entries(r->kpageflags_fd, first, len, r->flags);
		if (err)
			return err;
		for (; i < end; i++)
			account_flags(s, r->flags[pfns[i] - first]);
	}
	return 0;
}

/* --- the virtual side --- */

/* Count the pages [vpn, end_vpn) from their pagemap entries.  *physical
 * turns false when PFNs turn out hidden. */
static int count_entries(struct pfx_page_reader *r, uint64_t vpn, uint64_t end_vpn,
			 struct pfx_page_states *out, bool *physical)
{
	int err = 0;

	for (; vpn < end_vpn && !err; vpn += PAGEMAP_CHUNK) {
		size_t count = end_vpn - vpn < PAGEMAP_CHUNK ? (size_t)(end_vpn - vpn) : PAGEMAP_CHUNK;
		size_t n_pfns = 0;

		err = pfx_pagemap_read_entries(r->pagemap_fd, vpn, count, r->entries);
		if (err)
			break;
		for (size_t i = 0; i < count; i++) {
			uint64_t e = r->entries[i], pfn = pfx_pm_pfn(e);

			if (!(e & PFX_PM_PRESENT)) {
				if ((e & PFX_PM_SWAPPED) && !(e & PFX_PM_GUARD))
					out->swap++;
				continue;
			}
			/* zero_pfn is only known where PFNs are shown to us. */
			if (pfn == r->zero_pfn) {
				out->zero++;
				continue;
			}
			out->rss++;
			out->file += (e & PFX_PM_FILE) != 0;
			out->softdirty += (e & PFX_PM_SOFT_DIRTY) != 0;
			out->softdirty_file += (e & PFX_PM_SOFT_DIRTY) && (e & PFX_PM_FILE);
			/* A present page without a PFN: they are hidden from us. */
			if (pfn == 0)
				*physical = false;
			else
				r->pfns[n_pfns++] = pfn;
		}
		if (*physical && n_pfns)
			err = account_pfns(r, r->pfns, n_pfns, out);
	}
	return err;
}

/* Read the entries of the populated parts of [start, end) only, as
 * PAGEMAP_SCAN finds them.  1 when the kernel cannot scan this range (no
 * ioctl before 6.7, a fixture file, [vsyscall] above the user address
 * space): then every entry must be read. */
static int count_populated(struct pfx_page_reader *r, uint64_t start, uint64_t end,
			   struct pfx_page_states *out, bool *physical)
{
	struct pfx_page_region regions[SCAN_REGIONS];
	uint64_t at = start;
	int err = 0;

	if (r->no_scan)
		return 1;
	while (at < end && !err) {
		struct pfx_pm_scan_arg arg = {
			.size = sizeof(arg),
			.start = at,
			.end = end,
			.vec = (uintptr_t)regions,
			.vec_len = SCAN_REGIONS,
			.category_anyof_mask = PFX_PAGE_IS_PRESENT | PFX_PAGE_IS_SWAPPED,
			.return_mask = PFX_PAGE_IS_PFNZERO,
		};
		int n = ioctl(r->pagemap_fd, PFX_PAGEMAP_SCAN, &arg);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && at == start && (errno == ENOTTY || errno == EINVAL || errno == EFAULT)) {
			r->no_scan = errno == ENOTTY;
			return 1;
		}
		if (n < 0)
			return -errno;
		for (int i = 0; i < n && !err; i++) {
			uint64_t first = regions[i].start / r->page_size, last = regions[i].end / r->page_size;

			/* Zero-page runs come apart from the rest: no entries
			 * to read, and RSS stays right without PFNs too. */
			if (regions[i].categories & PFX_PAGE_IS_PFNZERO)
				out->zero += last - first;
			else
				err = count_entries(r, first, last, out, physical);
		}
		/* No progress would loop for ever: a kernel bug, not ours to hide. */
		if (arg.walk_end <= at)
			return -EIO;
		at = arg.walk_end;
	}
	return err;
}

int pfx_page_states_count(struct pfx_page_reader *r, uint64_t start, uint64_t end,
			  struct pfx_page_states *out)
{
	uint64_t vpn = start / r->page_size, end_vpn = (end + r->page_size - 1) / r->page_size;
	bool physical = r->physical == PFX_PHYSICAL_KNOWN;
	int err;

	memset(out, 0, sizeof(*out));
	out->pages = end_vpn - vpn;
	err = count_populated(r, vpn * r->page_size, end_vpn * r->page_size, out, &physical);
	if (err == 1)
		err = count_entries(r, vpn, end_vpn, out, &physical);
	out->physical = physical;
	if (!physical)
		out->dirty = out->thp = out->locked = out->zero = 0;
	return err;
}

/* smaps in reads of at most half a page: see wss_refs.c (SMAPS_READ_SIZE). */
#define SMAPS_CHUNK 2048

static bool needs_smaps_swap(const struct pfx_map_entry *maps, size_t n, const struct pfx_page_states *states)
{
	for (size_t i = 0; i < n; i++)
		if ((maps[i].flags & MAP_SHARED) && states[i].rss < states[i].pages)
			return true;
	return false;
}

/* The index of the mapping starting at start, from *at on (both lists are
 * in address order), or n. */
static size_t mapping_at(const struct pfx_map_entry *maps, size_t n, size_t *at, uint64_t start)
{
	while (*at < n && maps[*at].start < start)
		(*at)++;
	return *at < n && maps[*at].start == start ? *at : n;
}

int pfx_page_states_shared_swap(const char *root, pid_t pid, const struct pfx_map_entry *maps, size_t n,
				uint64_t page_size, struct pfx_page_states *states)
{
	size_t at = 0, cur = n, cap = 0;
	char *text = NULL;
	ssize_t len;
	int fd;

	if (!needs_smaps_swap(maps, n, states))
		return 0;
	fd = pfx_proc_open(root, pid, "smaps", O_RDONLY);
	if (fd < 0)
		return fd;
	len = pfx_read_fd_grow(fd, SMAPS_CHUNK, &text, &cap);
	close(fd);
	if (len < 0)
		return (int)len;
	for (const char *line = text; *line;) {
		const char *next = strchr(line, '\n');
		unsigned long long start, kib;
		char dash;

		next = next ? next + 1 : line + strlen(line);
		if (sscanf(line, "%llx%c", &start, &dash) == 2 && dash == '-')
			cur = mapping_at(maps, n, &at, start);
		else if (cur < n && (maps[cur].flags & MAP_SHARED) && sscanf(line, "Swap: %llu kB", &kib) == 1)
			states[cur].swap = kib * 1024 / page_size;
		line = next;
	}
	free(text);
	return 0;
}

void pfx_page_states_add(struct pfx_page_states *sum, const struct pfx_page_states *s)
{
	sum->pages += s->pages;
	sum->rss += s->rss;
	sum->swap += s->swap;
	sum->dirty += s->dirty;
	sum->thp += s->thp;
	sum->locked += s->locked;
	sum->zero += s->zero;
	sum->file += s->file;
	sum->softdirty += s->softdirty;
	sum->softdirty_file += s->softdirty_file;
	sum->physical = sum->physical && s->physical;
}
