/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss_idle: idle page tracking over the target's own PFNs only.
 *
 * Both steps first collect the present pages (mapping, head PFN, file
 * bit).  The mark builds a private copy of the bitmap words that hold the
 * target's head PFNs and writes just those words; the read reads the same
 * words back.  Working in PFN-word space avoids sorting page lists. */
#include "config.h"
#include "wss_idle.h"
#include "maps.h"
#include "pagemap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NO_PFN UINT64_MAX
/* pagemap entries read per pread (512 KiB). */
#define PAGEMAP_CHUNK 65536
/* kpageflags entries read per step when looking back for a folio's head. */
#define HEAD_SEARCH_STEP 512
/* Give up looking for a head this far back (1 GiB of 4 KiB pages). */
#define HEAD_SEARCH_MAX (1u << 18)
/* Bitmap I/O: zero words between two needed ones are cheaper to move than
 * another system call when writing (the kernel skips zero bits), but each
 * word read makes the kernel look up 64 pages, so reads merge less. */
#define WRITE_MERGE_GAP 8
#define READ_MERGE_GAP 1
#define BITMAP_MAX_IO (1u << 20)

struct page {
	uint64_t head;		/* PFN whose idle bit stands for this page */
	uint32_t mapping;	/* index into the maps of the same collection */
	uint32_t file;		/* pagemap says file page or shared memory */
};

struct page_list {
	struct page *v;
	size_t n, cap;
	struct pfx_map_entry *maps;
	size_t n_maps;
};

/* The bitmap words [first_word, first_word + n_words), in the kernel's
 * layout: bit (pfn % 64) of word (pfn / 64). */
struct pfn_words {
	uint64_t first_word;
	size_t n_words;
	uint64_t *w;
};

struct pfx_wss_idle {
	char maps_path[PATH_MAX];
	int pagemap_fd, kpageflags_fd, bitmap_fd;
	uint64_t zero_pfn;
	uint64_t page_size;
	struct pfn_words marked;	/* what the last mark wrote */
	uint64_t *entries;		/* pagemap / kpageflags buffer */
	size_t entries_cap;
};

static int open_or_esrch(const char *root, pid_t pid, const char *name)
{
	int fd = pfx_open_under_root(root, O_RDONLY, "/proc/%d/%s", (int)pid, name);

	return fd == -ENOENT ? -ESRCH : fd;
}

int pfx_wss_idle_open(const char *root, pid_t pid, struct pfx_wss_idle **out)
{
	struct pfx_wss_idle *w = calloc(1, sizeof(*w));
	int err = 0;

	if (!w)
		return -ENOMEM;
	w->pagemap_fd = w->kpageflags_fd = -1;
	w->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	w->zero_pfn = NO_PFN;
	/* The bitmap first: its absence is the answer "kernel lacks it". */
	w->bitmap_fd = pfx_open_under_root(root, O_RDWR, "%s", PFX_PAGE_IDLE_BITMAP);
	if (w->bitmap_fd < 0)
		err = w->bitmap_fd;
	if (!err) {
		w->pagemap_fd = open_or_esrch(root, pid, "pagemap");
		if (w->pagemap_fd < 0)
			err = w->pagemap_fd;
	}
	if (!err) {
		w->kpageflags_fd = pfx_open_under_root(root, O_RDONLY, "/proc/kpageflags");
		if (w->kpageflags_fd < 0)
			err = w->kpageflags_fd;
	}
	if (!err && snprintf(w->maps_path, sizeof(w->maps_path), "%s/proc/%d/maps", root ? root : "",
			     (int)pid) >= (int)sizeof(w->maps_path))
		err = -ENAMETOOLONG;
	/* Only the real system has a zero page to recognise. */
	if (!err && (!root || !*root))
		err = pfx_pagemap_zero_pfn(&w->zero_pfn);
	if (err) {
		pfx_wss_idle_close(w);
		return err;
	}
	*out = w;
	return 0;
}

void pfx_wss_idle_close(struct pfx_wss_idle *w)
{
	if (!w)
		return;
	if (w->bitmap_fd >= 0)
		close(w->bitmap_fd);
	if (w->pagemap_fd >= 0)
		close(w->pagemap_fd);
	if (w->kpageflags_fd >= 0)
		close(w->kpageflags_fd);
	free(w->marked.w);
	free(w->entries);
	free(w);
}

static int reserve_entries(struct pfx_wss_idle *w, size_t count)
{
	uint64_t *grown;

	if (count <= w->entries_cap)
		return 0;
	grown = realloc(w->entries, count * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	w->entries = grown;
	w->entries_cap = count;
	return 0;
}

/* --- collecting the present pages --- */

static int add_page(struct page_list *pl, uint64_t pfn, uint32_t mapping, bool file)
{
	if (PFX_GROW(pl->v, pl->cap, pl->n + 1, 4096))
		return -ENOMEM;
	pl->v[pl->n++] = (struct page){ .head = pfn, .mapping = mapping, .file = file };
	return 0;
}

/* The head of the folio that tail page pfn belongs to, looking back
 * through kpageflags; pfn itself if none is found (then the page reads as
 * accessed, the safe side). */
static uint64_t find_head_before(struct pfx_wss_idle *w, uint64_t pfn)
{
	uint64_t flags[HEAD_SEARCH_STEP];
	uint64_t end = pfn;

	while (end > 0 && pfn - end < HEAD_SEARCH_MAX) {
		uint64_t start = end > HEAD_SEARCH_STEP ? end - HEAD_SEARCH_STEP : 0;

		if (pfx_pagemap_read_entries(w->kpageflags_fd, start, (size_t)(end - start), flags))
			return pfn;
		for (uint64_t p = end; p-- > start;) {
			uint64_t f = flags[p - start];

			if (pfx_kpf_test(f, PFX_KPF_COMPOUND_HEAD))
				return p;
			if (!pfx_kpf_test(f, PFX_KPF_COMPOUND_TAIL))
				return pfn;
		}
		end = start;
	}
	return pfn;
}

/* pages[first, first + count) are virtually and physically contiguous,
 * starting at PFN pfn: the only places a large folio can show.  One
 * kpageflags read tells each page's folio head. */
static int resolve_heads(struct pfx_wss_idle *w, struct page *pages, size_t count, uint64_t pfn)
{
	uint64_t head = NO_PFN;
	uint64_t *flags;
	int err;

	err = reserve_entries(w, count);
	if (err)
		return err;
	flags = w->entries;
	err = pfx_pagemap_read_entries(w->kpageflags_fd, pfn, count, flags);
	if (err)
		return err;
	for (size_t i = 0; i < count; i++) {
		if (pfx_kpf_test(flags[i], PFX_KPF_COMPOUND_TAIL)) {
			if (head == NO_PFN)
				head = find_head_before(w, pfn + i);
			pages[i].head = head;
		} else {
			head = pfx_kpf_test(flags[i], PFX_KPF_COMPOUND_HEAD) ? pfn + i : NO_PFN;
		}
	}
	return 0;
}

/* Run tracking while scanning one mapping's pagemap. */
struct run {
	size_t first;		/* index in the page list */
	uint64_t first_pfn, next_pfn;
	uint64_t next_vpn;
};

static int end_run(struct pfx_wss_idle *w, struct page_list *pl, struct run *run)
{
	size_t count = pl->n - run->first;
	int err = 0;

	if (count >= 2)
		err = resolve_heads(w, pl->v + run->first, count, run->first_pfn);
	run->first = pl->n;
	run->next_vpn = NO_PFN;
	return err;
}

static int scan_mapping(struct pfx_wss_idle *w, struct page_list *pl, uint32_t index,
			bool *hidden_pfns)
{
	const struct pfx_map_entry *m = &pl->maps[index];
	uint64_t vpn = m->start / w->page_size, end_vpn = m->end / w->page_size;
	struct run run = { .first = pl->n, .next_vpn = NO_PFN };
	uint64_t *entries = malloc(PAGEMAP_CHUNK * sizeof(*entries));
	int err = 0;

	if (!entries)
		return -ENOMEM;
	for (; vpn < end_vpn && !err; vpn += PAGEMAP_CHUNK) {
		size_t count = end_vpn - vpn < PAGEMAP_CHUNK ? (size_t)(end_vpn - vpn) : PAGEMAP_CHUNK;

		err = pfx_pagemap_read_entries(w->pagemap_fd, vpn, count, entries);
		for (size_t i = 0; i < count && !err; i++) {
			uint64_t e = entries[i], pfn = pfx_pm_pfn(e);

			if (!(e & PFX_PM_PRESENT) || pfn == w->zero_pfn)
				continue;
			if (pfn == 0) {
				*hidden_pfns = true;
				continue;
			}
			if (vpn + i != run.next_vpn || pfn != run.next_pfn) {
				err = end_run(w, pl, &run);
				run.first_pfn = pfn;
			}
			if (!err)
				err = add_page(pl, pfn, index, e & PFX_PM_FILE);
			run.next_vpn = vpn + i + 1;
			run.next_pfn = pfn + 1;
		}
	}
	if (!err)
		err = end_run(w, pl, &run);
	free(entries);
	return err;
}

static void page_list_free(struct page_list *pl)
{
	free(pl->v);
	free(pl->maps);
	memset(pl, 0, sizeof(*pl));
}

static int collect_pages(struct pfx_wss_idle *w, struct page_list *pl)
{
	bool hidden_pfns = false;
	int err;

	memset(pl, 0, sizeof(*pl));
	err = pfx_maps_read_file(w->maps_path, &pl->maps, &pl->n_maps);
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	/* A process that exited but is not reaped yet has no mappings. */
	if (pl->n_maps == 0)
		err = -ESRCH;
	for (size_t i = 0; i < pl->n_maps && !err; i++)
		err = scan_mapping(w, pl, (uint32_t)i, &hidden_pfns);
	if (!err && hidden_pfns && pl->n == 0)
		err = -EPERM;
	if (err)
		page_list_free(pl);
	return err;
}

/* --- the bitmap words --- */

static bool words_test(const struct pfn_words *pw, const uint64_t *words, uint64_t pfn)
{
	uint64_t word = pfn / 64;

	if (word < pw->first_word || word - pw->first_word >= pw->n_words)
		return false;
	return (words[word - pw->first_word] >> (pfn % 64)) & 1;
}

static int words_build(struct pfn_words *pw, const struct page_list *pl)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	memset(pw, 0, sizeof(*pw));
	if (pl->n == 0)
		return 0;
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].head < lo)
			lo = pl->v[i].head;
		if (pl->v[i].head > hi)
			hi = pl->v[i].head;
	}
	pw->first_word = lo / 64;
	pw->n_words = (size_t)(hi / 64 - lo / 64 + 1);
	pw->w = calloc(pw->n_words, sizeof(uint64_t));
	if (!pw->w)
		return -ENOMEM;
	for (size_t i = 0; i < pl->n; i++) {
		uint64_t pfn = pl->v[i].head;

		pw->w[pfn / 64 - pw->first_word] |= UINT64_C(1) << (pfn % 64);
	}
	return 0;
}

/* Call io(buf, words, first_word) for each chunk of the nonzero words of
 * pw, merging chunks separated by at most gap zero words. */
typedef int chunk_io_fn(int fd, uint64_t *buf, size_t n_words, uint64_t first_word);

static int for_each_chunk(const struct pfn_words *pw, uint64_t *buf, size_t gap, int fd,
			  chunk_io_fn *io)
{
	size_t i = 0, max_words = BITMAP_MAX_IO / sizeof(uint64_t);

	while (i < pw->n_words) {
		size_t start, end, zeros = 0;
		int err;

		while (i < pw->n_words && pw->w[i] == 0)
			i++;
		if (i == pw->n_words)
			break;
		start = end = i;
		for (; i < pw->n_words && i - start < max_words && zeros <= gap; i++) {
			if (pw->w[i]) {
				end = i + 1;
				zeros = 0;
			} else {
				zeros++;
			}
		}
		err = io(fd, buf + start, end - start, pw->first_word + start);
		if (err)
			return err;
		i = end;
	}
	return 0;
}

static int write_chunk(int fd, uint64_t *buf, size_t n_words, uint64_t first_word)
{
	ssize_t n;

	do
		n = pwrite(fd, buf, n_words * sizeof(uint64_t), (off_t)(first_word * sizeof(uint64_t)));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* The kernel consumes whole words or fails; a short write means the
	 * PFNs past it do not exist (max_pfn): nothing to mark there. */
	return 0;
}

static int read_chunk(int fd, uint64_t *buf, size_t n_words, uint64_t first_word)
{
	return pfx_pagemap_read_entries(fd, first_word, n_words, buf);
}

int pfx_wss_idle_mark(struct pfx_wss_idle *w)
{
	struct page_list pl;
	int err;

	free(w->marked.w);
	memset(&w->marked, 0, sizeof(w->marked));
	err = collect_pages(w, &pl);
	if (err)
		return err;
	err = words_build(&w->marked, &pl);
	page_list_free(&pl);
	if (!err)
		err = for_each_chunk(&w->marked, w->marked.w, WRITE_MERGE_GAP, w->bitmap_fd, write_chunk);
	return err;
}

static void account(struct pfx_wss_bytes *b, uint64_t page_size, bool accessed, bool file)
{
	b->rss += page_size;
	if (!accessed)
		return;
	b->wss += page_size;
	if (file)
		b->wss_file += page_size;
	else
		b->wss_anon += page_size;
}

static int report_mappings(const struct page_list *pl, const struct pfx_wss_bytes *per_map,
			   struct pfx_wss_reading *r)
{
	int err = 0;

	for (size_t i = 0; i < pl->n_maps && !err; i++)
		err = pfx_wss_reading_add_mapping(r, pl->maps[i].start, pl->maps[i].end,
						  pl->maps[i].path, &per_map[i]);
	return err;
}

int pfx_wss_idle_read(struct pfx_wss_idle *w, bool by_mapping, struct pfx_wss_reading *r)
{
	const struct pfn_words *marked = &w->marked;
	struct pfx_wss_bytes *per_map = NULL;
	uint64_t *still_idle = NULL;
	struct page_list pl;
	int err;

	err = collect_pages(w, &pl);
	if (err)
		return err;
	if (marked->n_words) {
		still_idle = calloc(marked->n_words, sizeof(uint64_t));
		err = still_idle ? for_each_chunk(marked, still_idle, READ_MERGE_GAP, w->bitmap_fd, read_chunk)
				 : -ENOMEM;
	}
	if (!err && by_mapping && !(per_map = calloc(pl.n_maps ? pl.n_maps : 1, sizeof(*per_map))))
		err = -ENOMEM;
	for (size_t i = 0; i < pl.n && !err; i++) {
		const struct page *p = &pl.v[i];
		/* A bit we did not set reads as accessed too: the page is new
		 * since the mark, and new pages were touched in the window. */
		bool idle = still_idle && words_test(marked, marked->w, p->head) &&
			    words_test(marked, still_idle, p->head);

		account(&r->total, w->page_size, !idle, p->file);
		if (per_map)
			account(&per_map[p->mapping], w->page_size, !idle, p->file);
	}
	if (!err && per_map)
		err = report_mappings(&pl, per_map, r);
	free(per_map);
	free(still_idle);
	page_list_free(&pl);
	return err;
}
