/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_export: a recording in the formats profilers and trace viewers
 * read, so pfx's faults go where a fleet already looks.
 *
 *   folded    FlameGraph's collapsed stacks (stackcollapse-perf.pl output):
 *             "outer;...;inner COUNT" per distinct call chain, the count
 *             being faults, or summed fault latency in ns (weight latency).
 *             A fault without a recorded chain is its faulting function.
 *   pprof     google/pprof's profile.proto, gzip'd: sample types
 *             faults/count and fault_time/nanoseconds; one location per
 *             code address (mapping, function); one sample per chain and
 *             fault kind, labelled type=minor|major.  go tool pprof,
 *             Pyroscope and Parca read it.
 *   perfetto  Chrome Trace Event JSON (Perfetto UI, chrome://tracing): a
 *             track per thread, named; a minor fault is an instant event,
 *             a major fault a slice as long as its latency (an instant where
 *             none was measured).  One event per recorded fault.
 *
 * folded and pprof read a report built with code_names and every_chain
 * (analysis.h); perfetto reads the file itself, in one pass.  Writes to a
 * stdio stream; -errno (-EIO for a write error). */
#ifndef PFX_REPORT_EXPORT_H
#define PFX_REPORT_EXPORT_H

#include <stdio.h>

#include "recfile.h"
#include "analysis.h"

enum pfx_export { PFX_EXPORT_NONE, PFX_EXPORT_FOLDED, PFX_EXPORT_PPROF, PFX_EXPORT_PERFETTO };
enum pfx_export_weight { PFX_WEIGHT_FAULTS, PFX_WEIGHT_LATENCY };

/* "folded", "pprof", "perfetto".  0 or -EINVAL. */
int pfx_export_parse(const char *name, enum pfx_export *out);

int pfx_export_folded(FILE *fp, const struct pfx_analysis *rep, enum pfx_export_weight weight);
/* weight: the profile's default sample type (faults, or fault_time). */
int pfx_export_pprof(FILE *fp, const struct pfx_analysis *rep, enum pfx_export_weight weight);
/* The trace of r's items, formatted as the one analysis pass reads them
 * (a lean one); *out is that analysis (its read_error: a damaged file's
 * trace holds the events before the damage), to free. */
int pfx_export_perfetto(FILE *fp, struct pfx_rec_reader *r, struct pfx_analysis **out);

#endif
