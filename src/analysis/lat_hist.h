/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lat_hist: the fault-latency histogram behind every percentile pfx
 * prints (report's text and JSON, plot's latency chart), so one file
 * gives one set of numbers.  16 bins per power of two (~4% wide): a
 * percentile is the middle of the bin where the cumulative count crosses
 * it, capped by the largest latency seen. */
#ifndef PFX_LAT_HIST_H
#define PFX_LAT_HIST_H

#include <stddef.h>
#include <stdint.h>

#define PFX_LAT_OCTAVES 32	/* latencies are u32 ns */
#define PFX_LAT_SUB 16

struct pfx_lat_hist {
	uint64_t bins[PFX_LAT_OCTAVES * PFX_LAT_SUB];
	uint64_t count;
	uint32_t max_ns;
};

/* The bin of latency ns (> 0). */
static inline unsigned pfx_lat_hist_bin(uint32_t ns)
{
	unsigned oct = 31u - (unsigned)__builtin_clz(ns), sub;

	/* the PFX_LAT_SUB-th parts of the octave, from the bits below the top one */
	sub = oct >= 4 ? (ns >> (oct - 4)) & (PFX_LAT_SUB - 1)
		       : (unsigned)((ns - (1u << oct)) * PFX_LAT_SUB >> oct);
	return oct * PFX_LAT_SUB + sub;
}

/* Count one latency (0: not measured, not counted).  Inline: once per
 * fault in the report's pass. */
static inline void pfx_lat_hist_add(struct pfx_lat_hist *h, uint32_t ns)
{
	if (!ns)
		return;
	h->bins[pfx_lat_hist_bin(ns)]++;
	h->count++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}
/* The latency (ns) below which pct percent (0-100) of the counted faults
 * completed; 0 when none was counted. */
double pfx_lat_hist_pct_ns(const struct pfx_lat_hist *h, double pct);
/* The latencies counted in [2^octave, 2^(octave + 1)) ns: the histogram
 * bins views show (octave < PFX_LAT_OCTAVES). */
uint64_t pfx_lat_hist_octave(const struct pfx_lat_hist *h, unsigned octave);
/* A latency as report and charts print it: "3264ns", "48.1us", "1.2ms";
 * "-" for 0.  Returns buf. */
const char *pfx_lat_fmt_ns(char *buf, size_t size, uint64_t ns);

#endif
