/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault_kind: the one classification of a fault's kind every view uses:
 * minor, major, or unknown (a source that could not tell: some tracefs
 * cases).  Tallies by kind (region groups, latency, the time bins, the
 * profile exports) are indexed by these columns, and named by them. */
#ifndef PFX_FAULT_KIND_H
#define PFX_FAULT_KIND_H

#include <stdint.h>

#include "recfile.h"

enum pfx_kind_col { PFX_COL_MINOR, PFX_COL_MAJOR, PFX_COL_UNKNOWN, PFX_COL_COUNT };

/* The column of a fault kind (enum pfx_fault_kind). */
static inline int pfx_kind_col(uint8_t kind)
{
	return kind == PFX_FAULT_MINOR ? PFX_COL_MINOR : kind == PFX_FAULT_MAJOR ? PFX_COL_MAJOR
										  : PFX_COL_UNKNOWN;
}

/* "minor", "major", "unknown". */
static inline const char *pfx_kind_col_name(int col)
{
	static const char *const names[PFX_COL_COUNT] = { "minor", "major", "unknown" };

	return col >= 0 && col < PFX_COL_COUNT ? names[col] : "unknown";
}

#endif
