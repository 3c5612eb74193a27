/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wssfile: the samples file of 'pfx wss --format json', both ends: the
 * writer (pfx wss) and the reader ('pfx plot --chart wss'), one JSON
 * object per line:
 *   {"time": 1.25, "wss_bytes": 67108864, "rss_bytes": 70254592, "method": "...", ...}
 * plus a first {"type":"header", "comm": ..., "pid": ..., "interval_s": ...}
 * line.  Other keys are ignored, and so is a sample's "mappings" array
 * (--by-mapping); other lines without "wss_bytes" (summaries) are skipped.
 * Only what 'pfx plot --chart wss' needs is decoded; the writer writes
 * every field of a reading (wss_reading.h). */
#ifndef PFX_WSSFILE_H
#define PFX_WSSFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wss_reading.h"

/* What the header line says about the run, as 'pfx wss' chose it. */
struct pfx_wssfile_run {
	int pid;
	const char *comm;
	const char *method, *method_reason;
	const char *mode;		/* "interval", "cumulative", "profile" */
	double interval_s;
	bool flush, softdirty, write_protects, lower_bound, perturbs_reclaim;
	unsigned profile_steps;		/* --profile's steps; 0: not a profile */
	uint64_t start_ns;		/* CLOCK_MONOTONIC at time 0; 0: not said */
	const char *note;		/* the notes joined; NULL: none */
};

/* The header line, first in the file. */
void pfx_wssfile_write_header(FILE *fp, const struct pfx_wssfile_run *run);
/* One sample line: r at time_s (seconds since sampling began), taken by
 * method; its mappings too when by_mapping, each with its PSS when
 * mapping_pss. */
void pfx_wssfile_write_sample(FILE *fp, const struct pfx_wss_reading *r, double time_s,
			      const char *method, bool by_mapping, bool mapping_pss);

struct pfx_wssfile_sample {
	double time_s;		/* since sampling started */
	uint64_t wss_bytes;
	uint64_t rss_bytes;
	bool has_rss;
	char method[32];	/* "" if the line names none */
};

/* What the header line says about the run ("" / 0 when not given). */
struct pfx_wssfile_header {
	char comm[32];
	uint32_t pid;
	double interval_s;
};

/* Next sample from fp: 1 = *sample filled, 0 = end of file, -EBADMSG =
 * a line that is not a sample object (*line_no says which line).
 * *line_no counts lines read so far; start it at 0.  A header line met on
 * the way fills *header (zero it first). */
int pfx_wssfile_next(FILE *fp, struct pfx_wssfile_sample *sample,
		     struct pfx_wssfile_header *header, unsigned long *line_no);

#endif
