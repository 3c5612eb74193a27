/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report_counts: the fault counts a report keeps per region and per
 * thread; shared by report and its process view (report_procs), which
 * report.h includes, so the types live apart from both. */
#ifndef PFX_REPORT_COUNTS_H
#define PFX_REPORT_COUNTS_H

#include <stdint.h>

struct pfx_report_counts {
	uint64_t faults, minor, major;
	uint64_t read, write, exec;	/* faults with known access */
	uint64_t prot;			/* protection faults (page present) */
	uint64_t latency_sum_ns, latency_count;
};

struct pfx_thread_stats {
	uint32_t pid, tid;
	char comm[16];
	struct pfx_report_counts c;
	uint64_t refaults;
	uint64_t first_ns, last_ns;
};

#endif
