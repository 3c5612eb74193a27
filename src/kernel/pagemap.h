/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pagemap: the kernel's per-page views, /proc/PID/pagemap and
 * /proc/kpageflags, and THE place their bit layouts are written down.
 *
 * Reference: Documentation/admin-guide/mm/pagemap.rst in the kernel tree
 * (https://docs.kernel.org/admin-guide/mm/pagemap.html) and
 * include/uapi/linux/kernel-page-flags.h.
 *
 * /proc/PID/pagemap holds one 64-bit entry per virtual page, at file
 * offset (vaddr / page_size) * 8.  /proc/kpageflags holds one 64-bit word
 * of flags per physical page frame, at offset pfn * 8.  Both are read
 * with pread(); the readers below read whole ranges with few, large
 * system calls because every call costs far more than the bytes. */
#ifndef PFX_PAGEMAP_H
#define PFX_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* Idle page tracking (Documentation/admin-guide/mm/idle_page_tracking.rst):
 * one bit per page frame, set by writing, cleared by any access. */
#define PFX_PAGE_IDLE_BITMAP "/sys/kernel/mm/page_idle/bitmap"

/* --- /proc/PID/pagemap entry --- */
/* Bits 0-54: page frame number when present.  Reads as 0 without
 * CAP_SYS_ADMIN (since 4.2), which is how pfx tells it lacks the right. */
#define PFX_PM_PFN_MASK		((UINT64_C(1) << 55) - 1)
#define PFX_PM_SOFT_DIRTY	(UINT64_C(1) << 55)	/* written since clear_refs "4" */
#define PFX_PM_EXCLUSIVE	(UINT64_C(1) << 56)	/* mapped by this process only (4.2+) */
#define PFX_PM_UFFD_WP		(UINT64_C(1) << 57)	/* userfaultfd write-protected (5.13+) */
#define PFX_PM_GUARD		(UINT64_C(1) << 58)	/* guard region (6.15+) */
#define PFX_PM_FILE		(UINT64_C(1) << 61)	/* file page or shared anon (3.5+) */
#define PFX_PM_SWAPPED		(UINT64_C(1) << 62)
#define PFX_PM_PRESENT		(UINT64_C(1) << 63)

static inline uint64_t pfx_pm_pfn(uint64_t entry)
{
	return entry & PFX_PM_PFN_MASK;
}

/* --- /proc/kpageflags word (bit numbers, include/uapi/linux/kernel-page-flags.h) --- */
enum {
	PFX_KPF_LOCKED = 0,
	PFX_KPF_ERROR = 1,
	PFX_KPF_REFERENCED = 2,
	PFX_KPF_UPTODATE = 3,
	PFX_KPF_DIRTY = 4,
	PFX_KPF_LRU = 5,		/* on an LRU list: only these can be idle-tracked */
	PFX_KPF_ACTIVE = 6,
	PFX_KPF_SLAB = 7,
	PFX_KPF_WRITEBACK = 8,
	PFX_KPF_RECLAIM = 9,
	PFX_KPF_BUDDY = 10,
	PFX_KPF_MMAP = 11,
	PFX_KPF_ANON = 12,
	PFX_KPF_SWAPCACHE = 13,
	PFX_KPF_SWAPBACKED = 14,
	PFX_KPF_COMPOUND_HEAD = 15,	/* first page of a large folio (THP, mTHP, hugetlb) */
	PFX_KPF_COMPOUND_TAIL = 16,	/* any other page of one */
	PFX_KPF_HUGE = 17,		/* hugetlbfs page */
	PFX_KPF_UNEVICTABLE = 18,
	PFX_KPF_HWPOISON = 19,
	PFX_KPF_NOPAGE = 20,
	PFX_KPF_KSM = 21,
	PFX_KPF_THP = 22,		/* transparent huge page (head and tails) */
	PFX_KPF_OFFLINE = 23,
	PFX_KPF_ZERO_PAGE = 24,
	PFX_KPF_IDLE = 25,		/* the page_idle flag (CONFIG_IDLE_PAGE_TRACKING) */
	PFX_KPF_PGTABLE = 26,
	/* Bits 32 and up are the kernel's own page flags, exported by
	 * fs/proc/page.c (kpf_copy_bit) but left out of the uapi header
	 * ("kernel hacking assistances"); the kernel's tools/mm/page-types.c
	 * reads them.  Only the one pfx needs is named here. */
	PFX_KPF_MLOCKED = 33,		/* PG_mlocked: mlock()ed, or in a VM_LOCKED mapping */
};

/* --- PAGEMAP_SCAN: ioctl on an open /proc/PID/pagemap (Linux 6.7+,
 * include/uapi/linux/fs.h; Debian 12's headers predate it) --- */
/* The kernel walks the page tables for us and returns ranges of pages
 * whose categories match, skipping what is not populated at the cost of
 * the page-table walk alone: reading entries of a huge sparse mapping (a
 * sanitizer's 16 TiB shadow) one by one would take minutes. */
#define PFX_PAGE_IS_PRESENT	(UINT64_C(1) << 3)
#define PFX_PAGE_IS_SWAPPED	(UINT64_C(1) << 4)	/* also set on guard markers */
#define PFX_PAGE_IS_PFNZERO	(UINT64_C(1) << 5)	/* the zero page or the huge zero page,
							 * told even to those who see no PFNs */

struct pfx_page_region {	/* struct page_region */
	uint64_t start, end;	/* [start, end) */
	uint64_t categories;	/* PFX_PAGE_IS_*, masked by return_mask */
};

struct pfx_pm_scan_arg {	/* struct pm_scan_arg */
	uint64_t size;		/* sizeof(struct pfx_pm_scan_arg) */
	uint64_t flags;		/* 0: only report, never write-protect */
	uint64_t start, end;	/* page-aligned range to walk */
	uint64_t walk_end;	/* out: where the walk stopped (== end: all done) */
	uint64_t vec;		/* struct pfx_page_region array */
	uint64_t vec_len;
	uint64_t max_pages;	/* 0: no limit */
	uint64_t category_inverted;
	uint64_t category_mask;		/* all of these */
	uint64_t category_anyof_mask;	/* at least one of these */
	uint64_t return_mask;		/* categories reported (regions split on them) */
};

#define PFX_PAGEMAP_SCAN _IOWR('f', 16, struct pfx_pm_scan_arg)

static inline int pfx_kpf_test(uint64_t flags, int bit)
{
	return (int)((flags >> bit) & 1);
}

/* Read count consecutive 64-bit entries starting at entry index first
 * (a virtual page number for pagemap, a PFN for kpageflags) from fd into
 * out, with as few preads as the kernel allows.  Entries past the end of
 * the file read as 0.  0 or -errno. */
int pfx_pagemap_read_entries(int fd, uint64_t first, size_t count, uint64_t *out);

/* The PFN of the shared zero page, which read-only touched anonymous
 * memory maps everywhere (smaps does not count it in Rss).  Found by
 * reading a never-written page of our own through /proc/self/pagemap.
 * 0 or -errno (-EPERM: PFNs hidden without CAP_SYS_ADMIN). */
int pfx_pagemap_zero_pfn(uint64_t *pfn);

/* Does the kernel keep soft-dirty bits (CONFIG_MEM_SOFT_DIRTY)?  A new
 * mapping is soft-dirty as a whole (VM_SOFTDIRTY, mm/vma.c) and a written
 * page gets the PTE bit; without the option bit 55 always reads 0.  So a
 * page of our own, mapped and written just now, answers it.  Under a
 * fixture ROOT, entry 0 of ROOT/proc/self/pagemap answers instead.
 * 1 yes, 0 no, -errno. */
int pfx_pagemap_softdirty_probe(const char *root);

#endif
