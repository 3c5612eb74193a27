/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss_reading: one window's working-set result, which every method
 * (wss_idle, wss_refs, wss_softdirty) fills and wss.h's pfx_wss_read()
 * returns.  Its own header so the methods need not include wss.h, which
 * includes them. */
#ifndef PFX_WSS_READING_H
#define PFX_WSS_READING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Byte counts of one scope (the process, or one mapping). */
struct pfx_wss_bytes {
	uint64_t wss;		/* referenced during the window */
	uint64_t wss_anon;	/* of which anonymous (incl. private COW copies) */
	uint64_t wss_file;	/* of which file-backed or shared memory */
	uint64_t rss;		/* resident at the end of the window */
	uint64_t pss;		/* proportional share of rss (has_pss) */
	uint64_t written;	/* soft-dirty: written in the window (has_written) */
};

struct pfx_wss_mapping {
	uint64_t start, end;	/* virtual address range */
	char *name;		/* path, [heap], [stack], or "" for anonymous */
	struct pfx_wss_bytes bytes;
};

/* One window's result. */
struct pfx_wss_reading {
	struct pfx_wss_bytes total;
	struct pfx_wss_mapping *mappings;	/* with by_mapping only */
	size_t n_mappings, mappings_cap;
	uint64_t faults;	/* the target's minor + major faults in the window */
	bool has_pss;		/* pss filled (per mapping too with refs) */
	bool has_written;	/* written filled: soft-dirty was read */
	bool has_faults;	/* faults filled */
	/* CLOCK_MONOTONIC (pfx_now_ns) */
	uint64_t reset_start_ns, reset_end_ns;
	uint64_t read_start_ns, read_end_ns;
};

/* The window a typical page saw: from the middle of the reset to the
 * middle of the read (both walks visit pages in address order). */
double pfx_wss_window_s(const struct pfx_wss_reading *r);
/* Free the mappings and zero the reading. */
void pfx_wss_reading_clear(struct pfx_wss_reading *r);
/* Free the mappings and zero the results, keeping the reset times (a
 * cumulative reading reads again from the same reset). */
void pfx_wss_reading_clear_results(struct pfx_wss_reading *r);
/* Append one mapping (name copied).  0 or -ENOMEM. */
int pfx_wss_reading_add_mapping(struct pfx_wss_reading *r, uint64_t start, uint64_t end,
				const char *name, const struct pfx_wss_bytes *bytes);

#endif
