/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss_refs: the working set from referenced bits, the wss.pl method.
 *
 * reset (done by wss.c, with the TLB flush it needs, see wss.h): write
 * "1" to /proc/PID/clear_refs, which clears the accessed (young) bit of
 * every page table entry of the process and the PG_referenced flag of its
 * pages.  read: /proc/PID/smaps, whose "Referenced:" line counts the pages
 * whose bits are set again, i.e. touched since the reset; "Pss:" gives
 * the PSS next to the RSS.
 *
 * Those bits are what the kernel's LRU reads to decide which pages stay
 * in memory, so clearing them makes recently used pages of the target
 * look cold to reclaim: this method perturbs the target under memory
 * pressure.  Callers must say so in their output.
 *
 * Anon/file split per mapping: the referenced bytes up to the mapping's
 * "Anonymous:" bytes count as anonymous, the rest as file.  Exact for
 * anonymous and for file mappings; for a private file mapping with
 * copy-on-write pages it assumes the referenced pages are the copies. */
#ifndef PFX_WSS_REFS_H
#define PFX_WSS_REFS_H

#include "wss_reading.h"

#include <stdbool.h>
#include <sys/types.h>

struct pfx_wss_refs;

/* Open ROOT/proc/PID/smaps; root (NULL for none) must stay valid while
 * open: smaps is opened again after an execve of the target.  0 or -errno:
 * -ESRCH no such process, -EACCES not allowed. */
int pfx_wss_refs_open(const char *root, pid_t pid, struct pfx_wss_refs **out);
/* Read smaps into r->total (and r->mappings with by_mapping).
 * 0 or -errno (-ESRCH: the process exited). */
int pfx_wss_refs_read(struct pfx_wss_refs *refs, bool by_mapping, struct pfx_wss_reading *r);
void pfx_wss_refs_close(struct pfx_wss_refs *refs);

/* Sum the text of a smaps file (exposed for tests).  0, -EINVAL for text
 * that is not smaps, -ENOMEM. */
int pfx_wss_refs_parse_smaps(const char *text, bool by_mapping, struct pfx_wss_reading *r);

#endif
