/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page_states: how the pages of one address range of a process stand,
 * counted from /proc/PID/pagemap and, for what only the physical page can
 * tell, /proc/kpageflags (bit layouts in pagemap.h).  No printing.
 *
 * What is counted, per virtual page of the range:
 *   rss     present, and not the shared zero page (as smaps Rss)
 *   swap    a swap entry (pagemap SWAPPED, not present, not a guard
 *           marker): as smaps Swap for private memory
 *   dirty   resident with kpageflags DIRTY or ANON: the kernel keeps a
 *           written anonymous page's dirtiness in the page-table entry,
 *           which pagemap does not show, so every anonymous page counts
 *           as dirty (smaps Private_Dirty + Shared_Dirty do the same for
 *           anonymous pages written since they were last swapped in)
 *   thp     resident in a transparent huge page (kpageflags THP: any large
 *           anonymous or page-cache folio, not only PMD-mapped ones)
 *   locked  resident and mlocked (kpageflags MLOCKED, bit 33)
 *   zero    mapped to the shared zero page or the huge zero page
 *
 * dirty, thp, locked and zero need PFNs, which pagemap shows only to
 * CAP_SYS_ADMIN, and /proc/kpageflags (root).  Without them they are
 * unknown.  rss stays exact where the kernel has PAGEMAP_SCAN (6.7+),
 * which tells zero-page runs to anyone; elsewhere it then also counts
 * zero-page mappings.
 *
 * All paths go under a root prefix ("" for the real system) so tests can
 * use fixture trees. */
#ifndef PFX_PAGE_STATES_H
#define PFX_PAGE_STATES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Page counts (not bytes) of one range, or of a sum of ranges. */
struct pfx_page_states {
	uint64_t pages;		/* virtual pages in the range */
	uint64_t rss, swap;
	uint64_t dirty, thp, locked, zero;	/* only when physical */
	/* Of rss (from pagemap alone): file pages or shared memory
	 * (PM_FILE), soft-dirty pages (bit 55: written since the last
	 * clear_refs "4", or in a mapping created since), and both. */
	uint64_t file, softdirty, softdirty_file;
	bool physical;		/* PFNs and kpageflags were readable */
};

/* Why physical states are unknown. */
enum pfx_page_physical {
	PFX_PHYSICAL_KNOWN,
	PFX_PHYSICAL_NO_KPAGEFLAGS,	/* no /proc/kpageflags */
	PFX_PHYSICAL_DENIED,		/* PFNs hidden or kpageflags refused: not CAP_SYS_ADMIN */
	PFX_PHYSICAL_SKIPPED,		/* pfx_page_reader_virtual_only(): not wanted */
};

struct pfx_page_reader;

/* Open pid's pagemap and /proc/kpageflags under root.  0 or -errno:
 * -ESRCH no such process, -ENOENT the process exists but has no pagemap
 * (kernel without CONFIG_PROC_PAGE_MONITOR), -ENXIO the process has no
 * address space (a kernel thread), -EACCES/-EPERM not allowed to read it.  A missing or refused kpageflags is not an error: see
 * pfx_page_reader_physical(). */
int pfx_page_reader_open(const char *root, pid_t pid, struct pfx_page_reader **out);
void pfx_page_reader_close(struct pfx_page_reader *r);
/* Count only what pagemap tells (rss, swap, file, soft-dirty): no
 * kpageflags reads, for callers that need no physical states. */
void pfx_page_reader_virtual_only(struct pfx_page_reader *r);
/* Whether the physical states can be counted, as known at open. */
enum pfx_page_physical pfx_page_reader_physical(const struct pfx_page_reader *r);
uint64_t pfx_page_reader_page_size(const struct pfx_page_reader *r);

/* Count the pages of [start, end) into *out (overwritten).  out->physical
 * is false when the reader cannot see physical states, or PFNs turned out
 * hidden.  0 or -errno. */
int pfx_page_states_count(struct pfx_page_reader *r, uint64_t start, uint64_t end,
			  struct pfx_page_states *out);
/* Swapped-out pages of shared memory (shmem: MAP_SHARED anonymous, tmpfs,
 * SysV, memfd) live in the shmem file's page cache, not in the page
 * tables, so pagemap never shows them (smaps finds them through
 * shmem_partial_swap_usage()).  For every MAP_SHARED mapping of maps[n]
 * not wholly resident, set states[i].swap from the "Swap:" line of
 * ROOT/proc/PID/smaps (one read, only when such a mapping exists; regular
 * files never swap, so their 0 is right too).  0 or -errno. */
struct pfx_map_entry;
int pfx_page_states_shared_swap(const char *root, pid_t pid, const struct pfx_map_entry *maps, size_t n,
				uint64_t page_size, struct pfx_page_states *states);
/* sum += s; sum->physical stays true only while every part has it. */
void pfx_page_states_add(struct pfx_page_states *sum, const struct pfx_page_states *s);

#endif
