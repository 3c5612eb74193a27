/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss_idle: the working set from idle page tracking
 * (Documentation/admin-guide/mm/idle_page_tracking.rst).
 *
 * mark: collect the PFNs of the target's present pages from
 * /proc/PID/pagemap and set their bits in /sys/kernel/mm/page_idle/bitmap
 * (one bit per PFN, 64-bit words, 8-byte aligned I/O only).  read: after
 * the wait, read those words back; a page still idle was not accessed.
 * Only the bitmap words holding the target's PFNs are written and read,
 * in large chunks, never the whole machine's bitmap.
 *
 * Large folios (THP, mTHP, large page-cache folios): the kernel tracks the
 * idle state of a folio on its head page and ignores tail PFNs (they read
 * as 0, i.e. "not idle").  So each mapped page is attributed to its
 * folio's head, found through /proc/kpageflags (COMPOUND_HEAD/TAIL), and
 * a PMD-mapped THP counts its whole size when its head was accessed.
 * kpageflags is read only for runs of physically contiguous pages (one
 * pread per run): an isolated page is taken as a small page.
 *
 * Unlike clear_refs, the idle flag is separate from the bits reclaim
 * uses, so this method does not change the target's reclaim.  Needs
 * CONFIG_IDLE_PAGE_TRACKING and root (PFNs, kpageflags, the bitmap). */
#ifndef PFX_WSS_IDLE_H
#define PFX_WSS_IDLE_H

#include "wss_reading.h"

#include <stdbool.h>
#include <sys/types.h>

struct pfx_wss_idle;

/* Open the bitmap, kpageflags and pid's pagemap under root.  0 or -errno:
 * -ENOENT no page_idle bitmap (kernel without idle tracking), -ESRCH no
 * such process, -EACCES/-EPERM not root. */
int pfx_wss_idle_open(const char *root, pid_t pid, struct pfx_wss_idle **out);
/* Mark the target's pages idle (the start of a window).  0 or -errno;
 * -EPERM when pagemap hides PFNs (no CAP_SYS_ADMIN). */
int pfx_wss_idle_mark(struct pfx_wss_idle *w);
/* Count the pages accessed since the mark.  Pages that appeared after the
 * mark count as accessed.  0 or -errno. */
int pfx_wss_idle_read(struct pfx_wss_idle *w, bool by_mapping, struct pfx_wss_reading *r);
void pfx_wss_idle_close(struct pfx_wss_idle *w);

#endif
