/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss_softdirty: the written set of a process from the soft-dirty bits of
 * /proc/PID/pagemap (bit 55, Documentation/admin-guide/mm/soft-dirty.rst).
 *
 * After clear_refs "4" (written by wss.c) every PTE is write-protected and
 * its soft-dirty bit clear; the first write to a page then faults, and the
 * fault sets the bit again.  Reading the bits at the end of a window gives
 * the pages written in it, and the target's fault counter the faults that
 * cost.  A mapping created in the window is soft-dirty as a whole
 * (VM_SOFTDIRTY): new memory counts as written, as it is.
 *
 * Only present pages count (a soft-dirty VMA also marks its holes), and
 * never the shared zero page.  Needs CONFIG_MEM_SOFT_DIRTY
 * (pfx_pagemap_softdirty_probe()); not root: no PFNs are needed. */
#ifndef PFX_WSS_SOFTDIRTY_H
#define PFX_WSS_SOFTDIRTY_H

#include "wss_reading.h"

#include <stdbool.h>
#include <sys/types.h>

struct pfx_wss_softdirty;

/* Open ROOT/proc/PID/pagemap and remember maps' path.  0 or -errno:
 * -ESRCH no such process, -EACCES not allowed. */
int pfx_wss_softdirty_open(const char *root, pid_t pid, struct pfx_wss_softdirty **out);
/* Count the soft-dirty pages of every mapping.  as_wss: they are the
 * working set (r->total and mappings filled: wss, anon/file split, rss,
 * written).  Otherwise only the written counts are added to what another
 * method filled (mappings matched by start address).  Sets r->has_written.
 * 0 or -errno (-ESRCH: the process exited). */
int pfx_wss_softdirty_read(struct pfx_wss_softdirty *sd, bool by_mapping, bool as_wss,
			   struct pfx_wss_reading *r);
void pfx_wss_softdirty_close(struct pfx_wss_softdirty *sd);

#endif
