/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uffd_recorder: intercept the page faults of registered memory ranges in
 * user space (userfaultfd), serve each missing page by a per-range policy
 * and record every fault into a pfx record file (source "uffd"), which
 * 'pfx report' and 'pfx plot' read like any recording.
 *
 * Installed with libpfxuffd (shared and static; build flags from
 * 'pkg-config --cflags --libs libpfxuffd'); doc/uffd.md and libpfxuffd(3)
 * have an example.  The use:
 *
 *     pfx_uffd_open(&u, "pfx.data", "my program");
 *     pfx_uffd_register(u, &range);        // any number of ranges
 *     pfx_uffd_start(u);                   // the handler thread
 *     ... touch the memory ...
 *     pfx_uffd_finish(u, &stats);          // stop, unregister, complete the file
 *
 * Only missing-page faults of registered private anonymous ranges are
 * intercepted (the kernel serves everything else as usual); one handler
 * thread serves them, in the order the kernel queues them.  Functions
 * return 0 or -errno and print nothing.  Not async-signal-safe. */
#ifndef PFX_UFFD_RECORDER_H
#define PFX_UFFD_RECORDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library exports these functions only: it is built with hidden
 * visibility, and its internal helpers are local to it. */
#if defined(__GNUC__)
#define PFX_UFFD_API __attribute__((visibility("default")))
#else
#define PFX_UFFD_API
#endif

/* How a missing page of a range is filled. */
enum pfx_uffd_policy {
	/* Zeros: a read maps the shared zero page (UFFDIO_ZEROPAGE), a write
	 * gets a private zeroed page (UFFDIO_COPY) because a write to the zero
	 * page would fault again at once. */
	PFX_UFFD_ZERO,
	/* The page at the same offset of the caller's buffer (a snapshot). */
	PFX_UFFD_COPY,
	/* Lazy load: pread() of the page from fd at offset, then UFFDIO_COPY;
	 * bytes past the end of the file are zeros.  Recorded as major faults
	 * (the page came from a file). */
	PFX_UFFD_FILE,
};

struct pfx_uffd_range {
	void *addr;			/* page-aligned start */
	size_t len;			/* bytes, a multiple of the page size */
	enum pfx_uffd_policy policy;
	const void *src;		/* COPY: len bytes, read while the range is registered */
	int fd;				/* FILE: readable with pread() */
	off_t offset;			/* FILE: file offset of addr */
};

/* Counted by the handler thread; read them from pfx_uffd_finish(). */
struct pfx_uffd_stats {
	uint64_t faults;		/* served and recorded */
	uint64_t zero, copy, file;	/* ... by policy */
	uint64_t writes;		/* ... of them write faults */
	uint64_t raced;			/* EEXIST: the page was already there; thread woken */
	uint64_t retried;		/* EAGAIN: mapping changing; thread woken to fault again */
	uint64_t gone;			/* ENOENT/ESRCH: range or process went away */
	uint64_t outside;		/* fault outside every range (woken, not served) */
	uint64_t read_errors;		/* FILE pages whose pread() failed: served as zeros */
	uint64_t threads;		/* distinct faulting thread ids */
	uint64_t latency_max_ns;
	uint64_t latency_sum_ns;
};

/* The kernel features the recorder got (UFFD_FEATURE_* bits). */
#define PFX_UFFD_HAS_THREAD_ID (1u << 0)	/* tids recorded (Linux 4.14+) */
#define PFX_UFFD_USER_MODE_ONLY (1u << 1)	/* opened user-mode-only (Linux 5.11+) */

/* Most ranges one recorder serves. */
#define PFX_UFFD_MAX_RANGES 64

struct pfx_uffd;

/* Open a userfaultfd and create the record file (under a temporary name
 * until pfx_uffd_finish()).  command goes into the file's header (NULL:
 * "").  -ENOSYS no userfaultfd in this kernel, -EPERM not allowed
 * (vm.unprivileged_userfaultfd=0 and no user-mode-only support), or an
 * error creating the file. */
PFX_UFFD_API int pfx_uffd_open(struct pfx_uffd **u, const char *record_path, const char *command);
/* Register a range (before or after pfx_uffd_start()).  -EINVAL
 * misaligned, empty or missing src/fd, -ENOSPC too many ranges,
 * -EOPNOTSUPP the kernel cannot serve this policy there, or the
 * UFFDIO_REGISTER error (-EBUSY already registered elsewhere...). */
PFX_UFFD_API int pfx_uffd_register(struct pfx_uffd *u, const struct pfx_uffd_range *range);
/* Start the handler thread (it blocks every signal). */
PFX_UFFD_API int pfx_uffd_start(struct pfx_uffd *u);
/* Stop the thread, unregister every range (faults from then on are the
 * kernel's), write the totals and move the file into place; free u.
 * stats (may be NULL) gets the final counts.  0, or the first -errno of
 * recording (then no file is left under its name). */
PFX_UFFD_API int pfx_uffd_finish(struct pfx_uffd *u, struct pfx_uffd_stats *stats);
/* The same, but drop the file. */
PFX_UFFD_API void pfx_uffd_abort(struct pfx_uffd *u);
PFX_UFFD_API unsigned pfx_uffd_features(const struct pfx_uffd *u);
/* "zero", "copy", "file". */
PFX_UFFD_API const char *pfx_uffd_policy_name(enum pfx_uffd_policy policy);

#ifdef __cplusplus
}
#endif

#endif
