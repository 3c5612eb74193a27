/* SPDX-License-Identifier: GPL-2.0-or-later */
/* analysis_counts: the fault counts the analysis keeps per region and per
 * thread; shared by analysis and its process tallies (analysis_procs), which
 * analysis.h includes, so the types live apart from both. */
#ifndef PFX_ANALYSIS_COUNTS_H
#define PFX_ANALYSIS_COUNTS_H

#include <stdint.h>

struct pfx_analysis_counts {
	uint64_t faults, minor, major;
	uint64_t read, write, exec;	/* faults with known access */
	uint64_t prot;			/* protection faults (page present) */
	uint64_t latency_sum_ns, latency_count;
};

struct pfx_thread_stats {
	uint32_t pid, tid;
	char comm[16];
	struct pfx_analysis_counts c;
	uint64_t refaults;
	uint64_t first_ns, last_ns;
};

#endif
