/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss: the working-set size of a process over a window of time, and the
 * choice between the ways Linux lets us measure it.
 *
 *   idle    idle page tracking (wss_idle.h): mark the target's pages idle in
 *           /sys/kernel/mm/page_idle/bitmap, wait, read back which are still
 *           idle.  Needs CONFIG_IDLE_PAGE_TRACKING and root; does not disturb
 *           the kernel's reclaim decisions (the idle flag is its own bit).
 *   refs    /proc/PID/clear_refs "1" + the Referenced lines of
 *           /proc/PID/smaps (wss_refs.h), the wss.pl method.  Needs only
 *           ownership of the process, but clearing the referenced bits also
 *           clears what the kernel's LRU uses to pick pages to reclaim: it
 *           perturbs the target.
 *   inject  page-fault injection through soft-dirty (wss_softdirty.h):
 *           clear_refs "4" write-protects every page, so each page written
 *           in the window faults once more and gets its soft-dirty bit back
 *           (pagemap bit 55).  The written set, and the faults it cost.
 *           Needs CONFIG_MEM_SOFT_DIRTY.
 *
 * The TLB flush (the one place the clear_refs ABI is written down).
 * fs/proc/task_mmu.c, clear_refs_write(): "1" walks the page tables and
 * clears each PTE's accessed bit with ptep_test_and_clear_young(), which on
 * x86 does not flush the TLB (ptep_clear_flush_young() flushes nothing
 * either: a stale TLB entry is taken to be harmless for reclaim), and the
 * function ends with flush_tlb_mm() only for "4" (CLEAR_REFS_SOFT_DIRTY).
 * idle page tracking is the same (mm/page_idle.c, ptep_clear_young_notify()).
 * A page whose translation stays in the TLB is then used without a page
 * walk, so its accessed bit stays clear: a hot set the TLB can hold (AMD's
 * large L2 TLB, or a small one on a quiet CPU) reads as not referenced.
 * So by default the reset writes "4" right after "1" (or after marking
 * idle): the walk clears soft-dirty bits (nothing where the kernel has no
 * soft-dirty) and flush_tlb_mm() drops every cached translation; the next
 * access of each page walks and sets its accessed bit.  Where the kernel
 * has soft-dirty, "4" also write-protects every PTE: each page written in
 * the window takes one extra minor fault, and the soft-dirty bits then give
 * the written set.  --no-flush keeps the old behaviour: a lower bound.
 *
 * A measurement is reset (start of the window) then read (end of it).
 * Both steps walk the target's pages and take time, so each page's window
 * starts when the reset reaches it and ends when the read reaches it; the
 * reading records both steps' start and end times and pfx_wss_window_s()
 * gives the window length a typical page saw.  The target's own fault
 * counters (/proc/PID/stat) are read at the start of the reset and the end
 * of the read: the faults of the window, the perturbation made visible.
 *
 * Every path goes under a root prefix ("" for the real system) so tests
 * can point the methods at generated fixture trees. */
#ifndef PFX_WSS_H
#define PFX_WSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wss_reading.h"

enum pfx_wss_method { PFX_WSS_AUTO, PFX_WSS_IDLE, PFX_WSS_REFS, PFX_WSS_INJECT };

/* "auto", "idle", "refs", "inject".  0 or -EINVAL. */
int pfx_wss_method_parse(const char *name, enum pfx_wss_method *out);
const char *pfx_wss_method_name(enum pfx_wss_method method);

/* Why a method was chosen, for the output header. */
struct pfx_wss_choice {
	enum pfx_wss_method method;	/* PFX_WSS_IDLE or PFX_WSS_REFS */
	const char *reason;		/* static text */
};

/* Does ROOT/sys/kernel/mm/page_idle/bitmap exist?  0 if usable, else
 * -ENOENT (kernel without it) or -EACCES (not root). */
int pfx_wss_idle_probe(const char *root);
/* Resolve auto (idle where the kernel has it and we may use it, else refs);
 * an explicit method is kept as is. */
void pfx_wss_choose(enum pfx_wss_method requested, const char *root, struct pfx_wss_choice *out);

struct pfx_wss_idle;
struct pfx_wss_refs;
struct pfx_wss_softdirty;

/* How a session was asked to measure. */
struct pfx_wss_config {
	enum pfx_wss_method method;	/* PFX_WSS_IDLE, _REFS or _INJECT */
	const char *root;		/* NULL or "" for the real system */
	pid_t pid;
	bool by_mapping;
	bool no_flush;			/* idle/refs without the TLB flush (a lower bound) */
};

/* What a session does to the target, for the output's notes. */
struct pfx_wss_traits {
	bool flush;		/* clear_refs "4" flushes the TLB at each reset */
	bool softdirty;		/* the kernel keeps soft-dirty bits */
	bool write_protects;	/* each written page faults once more per window */
	bool perturbs_reclaim;	/* referenced bits cleared (refs) */
	bool lower_bound;	/* no flush: TLB-cached pages can be missed */
};

/* A measurement session on one process with the chosen method. */
struct pfx_wss {
	struct pfx_wss_config cfg;
	struct pfx_wss_traits traits;
	int clear_fd;			/* /proc/PID/clear_refs, or -1 (idle without flush) */
	int stat_fd;			/* /proc/PID/stat: the window's faults, or -1 */
	int rollup_fd;			/* smaps_rollup: PSS for idle and inject, or -1 */
	uint64_t faults_at_reset;
	bool faults_known;
	struct pfx_wss_idle *idle;	/* idle method state */
	struct pfx_wss_refs *refs;	/* refs method state */
	struct pfx_wss_softdirty *sd;	/* inject, and the written set where soft-dirty exists */
};

/* Open the method's files for cfg->pid.  0 or -errno: -ENOENT for idle
 * without page_idle, -EOPNOTSUPP for inject without soft-dirty, -ESRCH
 * without the process, -EACCES/-EPERM. */
int pfx_wss_open(struct pfx_wss *w, const struct pfx_wss_config *cfg);
/* Start a window: records r->reset_*, the faults so far, resets the
 * method's bits and flushes.  0 or -errno (-ESRCH: target gone). */
int pfx_wss_reset(struct pfx_wss *w, struct pfx_wss_reading *r);
/* End the window started by the last reset and fill r (its results are
 * replaced; reading again without a reset reads the same, longer window).
 * 0 or -errno. */
int pfx_wss_read(struct pfx_wss *w, struct pfx_wss_reading *r);
void pfx_wss_close(struct pfx_wss *w);

#endif
