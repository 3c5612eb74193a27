/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lat_hist: see lat_hist.h. */
#include "config.h"
#include "lat_hist.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

double pfx_lat_hist_pct_ns(const struct pfx_lat_hist *h, double pct)
{
	uint64_t want = (uint64_t)ceil(pct / 100.0 * (double)h->count), seen = 0;

	if (!h->count)
		return 0;
	if (want < 1)
		want = 1;
	for (unsigned i = 0; i < PFX_LAT_OCTAVES * PFX_LAT_SUB; i++) {
		seen += h->bins[i];
		if (seen >= want && h->bins[i]) {
			double lo = ldexp(1.0 + (i % PFX_LAT_SUB) / (double)PFX_LAT_SUB, (int)(i / PFX_LAT_SUB));
			double mid = lo + ldexp(0.5 / PFX_LAT_SUB, (int)(i / PFX_LAT_SUB));

			return mid < h->max_ns ? mid : h->max_ns;
		}
	}
	return h->max_ns;
}

uint64_t pfx_lat_hist_octave(const struct pfx_lat_hist *h, unsigned octave)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < PFX_LAT_SUB && octave < PFX_LAT_OCTAVES; i++)
		n += h->bins[octave * PFX_LAT_SUB + i];
	return n;
}

const char *pfx_lat_fmt_ns(char *buf, size_t size, uint64_t ns)
{
	if (!ns)
		snprintf(buf, size, "-");
	else if (ns < 10000)
		snprintf(buf, size, "%" PRIu64 "ns", ns);
	else if (ns < 10000000)
		snprintf(buf, size, "%.1fus", (double)ns / 1e3);
	else
		snprintf(buf, size, "%.1fms", (double)ns / 1e6);
	return buf;
}
