/* SPDX-License-Identifier: GPL-2.0-or-later */
/* compare: the change between two recordings (pfx diff), from the two
 * models of the one analysis pass (analysis.h); it reads no file itself.
 *
 * Regions are matched by what a user calls them, not by address (ASLR
 * moves them between runs): their kind and path, and the process name
 * when both recordings hold several processes.  Regions of one recording
 * with the same key (two anonymous mappings) are summed; the access
 * pattern shown is that of the key's busiest region.  Functions are
 * matched by their formatted name (pfx_function_row_format), and the
 * latency by kind column and percentile.  A row found on one side only
 * is "new" (only in B) or "gone" (only in A).
 *
 * Rows come sorted by the absolute change in faults, largest first, then
 * by B's faults and by name (an order that does not depend on the order
 * of either file's rows). */
#ifndef PFX_COMPARE_H
#define PFX_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "pattern.h"

/* index of each side's numbers: [PFX_CMP_A] the before, [PFX_CMP_B] after */
enum { PFX_CMP_A, PFX_CMP_B, PFX_CMP_SIDES };

enum pfx_compare_total {
	PFX_CMP_FAULTS, PFX_CMP_MINOR, PFX_CMP_MAJOR, PFX_CMP_UNKNOWN, PFX_CMP_LOST,
	PFX_CMP_TOTALS
};

struct pfx_compare_region {
	const char *kind;		/* "anon", "file", ..., "unknown" */
	const char *path;		/* "" for anonymous and unknown */
	const char *process;		/* NULL unless matched per process */
	bool in[PFX_CMP_SIDES];		/* present on that side */
	uint64_t faults[PFX_CMP_SIDES], minor[PFX_CMP_SIDES], major[PFX_CMP_SIDES];
	uint64_t pages[PFX_CMP_SIDES];
	enum pfx_pattern pattern[PFX_CMP_SIDES];
};

struct pfx_compare_function {
	char *name;			/* "touch_pages (pfx-load)", "[kernel]", "?" */
	bool in[PFX_CMP_SIDES];
	uint64_t faults[PFX_CMP_SIDES], major[PFX_CMP_SIDES];
};

/* p50, p90, p99 and the max of each kind column (fault_kind.h) */
#define PFX_CMP_PCTS 4
struct pfx_compare_latency {
	int col;			/* PFX_COL_MINOR ... */
	const char *pct;		/* "p50", "p90", "p99", "max" */
	uint64_t ns[PFX_CMP_SIDES];
	uint64_t count[PFX_CMP_SIDES];	/* faults with a latency of that kind */
};

struct pfx_compare {
	uint64_t totals[PFX_CMP_TOTALS][PFX_CMP_SIDES];
	bool per_process;		/* regions matched per process name */
	struct pfx_compare_region *regions;
	size_t nregions;
	struct pfx_compare_function *functions;
	size_t nfunctions;
	bool functions_named[PFX_CMP_SIDES];	/* the side was analysed with code names */
	struct pfx_compare_latency latency[PFX_COL_COUNT * PFX_CMP_PCTS];
	size_t nlatency;		/* rows of kinds with latency on a side */
	bool same;			/* every number and pattern equal */
};

/* Compare a (before) with b (after); both from pfx_analysis_run() with
 * code_names for the function rows.  The region rows point into a and b
 * (paths, process names): free them after *out.  0 or -ENOMEM. */
int pfx_compare_run(const struct pfx_analysis *a, const struct pfx_analysis *b,
		    struct pfx_compare **out);
void pfx_compare_free(struct pfx_compare *c);
/* The name of a totals row: "faults", "minor", ... */
const char *pfx_compare_total_name(enum pfx_compare_total t);
/* The change of a pair: b - a, signed, clamped to int64. */
int64_t pfx_compare_delta(const uint64_t v[PFX_CMP_SIDES]);
/* The change in percent of A (v[A] > 0), to one decimal, never -0.0: the
 * figure pfx diff's text and JSON and pfx plot --diff all print. */
double pfx_compare_change_pct(const uint64_t v[PFX_CMP_SIDES]);
/* The change as text into buf: "new" (B only), "gone" (A only; in: NULL
 * for a total), "+12.5%", "-" (nothing before); buf or a constant. */
const char *pfx_compare_change_text(char *buf, size_t size, const uint64_t v[PFX_CMP_SIDES],
				    const bool in[PFX_CMP_SIDES]);

#endif
