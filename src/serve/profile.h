/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile: the fault profiles of 'pfx serve' on demand, GET
 * /debug/pprof/faults?seconds=N, as Go's net/http/pprof serves CPU
 * profiles: N seconds of host-wide (or -G) faults with call chains,
 * recorded by the record session (session.h) into a file in a private
 * directory (mkdtemp, 0700; removed after), analysed once
 * (pfx_analysis_run) and exported as gzip'd pprof (report_export.h).
 *
 * The recording runs in a thread of its own, so the server's loop goes
 * on answering /metrics; one profile at a time.  The caller starts one,
 * then polls for its end.  Errors are -errno. */
#ifndef PFX_PROFILE_H
#define PFX_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ?seconds= bounds and default (Go's is 30); macros, for messages */
#define PFX_PROFILE_SECONDS_MAX 60
#define PFX_PROFILE_SECONDS_DEFAULT 30

struct pfx_profile;

/* cgroups: -G's list ("CG[,CG...]"), or NULL for the host.  0 or -ENOMEM. */
int pfx_profile_new(struct pfx_profile **out, const char *cgroups);
/* Start seconds of recording, samples weighted by latency (pprof's
 * default sample type fault_time) or counted (faults).  0, -EBUSY (one
 * is under way: *left gets its seconds left, at least 1), or -errno of
 * starting the thread. */
int pfx_profile_start(struct pfx_profile *p, unsigned seconds, bool latency, unsigned *left);
/* 1: the profile is done: *data (malloc'ed, the caller's) and *len, or
 * *err (-errno; *why: the step that failed, and why); 0: still
 * recording; -ENOENT: none was started. */
int pfx_profile_poll(struct pfx_profile *p, char **data, size_t *len, int *err, const char **why);
/* Waits for a profile under way. */
void pfx_profile_free(struct pfx_profile *p);

#endif
