/* SPDX-License-Identifier: GPL-2.0-or-later */
/* advise: 'pfx advise' - rules over one analysis of a recording (and what
 * the host says of the process, THP's mode) that name what costs faults
 * and what to do about it.  One function per rule in a table (name, a
 * line saying what it finds, the remedy); each looks at one region row
 * of the model and fills a finding.  The findings come back ordered by
 * cost (time in faults, then faults), the biggest first; none at all is
 * "nothing to do".  Rules and thresholds: doc/advise.md. */
#ifndef PFX_ADVISE_H
#define PFX_ADVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

/* /sys/kernel/mm/transparent_hugepage/enabled */
enum pfx_advise_thp { PFX_ADVISE_THP_UNKNOWN, PFX_ADVISE_THP_ALWAYS, PFX_ADVISE_THP_MADVISE,
		      PFX_ADVISE_THP_NEVER };

/* What the recording does not hold of the host. */
struct pfx_advise_host {
	enum pfx_advise_thp thp;
	bool thp_now;		/* read at advise time (not from the recording) */
	char defrag[24];	/* .../transparent_hugepage/defrag's mode, read
				 * then too ("": unknown) */
	/* The memory limit of a cgroup as the recording names it, read now
	 * (the command's: hostscope): 0 with *bytes (UINT64_MAX: no limit),
	 * or -errno (gone, no memory controller).  NULL: none read. */
	int (*memory_limit)(const char *cgroup, uint64_t *bytes);
	const char *cgroup;	/* the command's cgroup where the recording names
				 * none ('pfx advise -- CMD': the one pfx ran it in);
				 * NULL: unknown */
};

enum pfx_advise_sure { PFX_ADVISE_LOW, PFX_ADVISE_MEDIUM, PFX_ADVISE_HIGH };

struct pfx_advise_rule;

struct pfx_advise_finding {
	const struct pfx_advise_rule *rule;
	const struct pfx_region_row *row;	/* the region it saw (of several: the
						 * one with most faults) */
	size_t nregions;			/* 1, or the regions mapped again and
						 * again at one address (rule remap) */
	uint64_t faults;			/* its cost: the regions' faults, */
	uint64_t latency_ns;			/* ... their recorded latency summed */
	char saw[768];				/* what it saw, with the numbers */
	char remedy[400];			/* code or a command */
	const char *try_name;			/* 'pfx try --remedy NAME' (NULL: none) */
	const char *cgroup;			/* swap, over-limit: the process's
						 * cgroup as the recording names it, or
						 * the host's cgroup (NULL: none) */
	uint64_t wss_bytes;			/* over-limit: the pages the process
						 * touched in the recording, in bytes */
	uint64_t limit_bytes;			/* ... its cgroup's memory limit, read
						 * now (UINT64_MAX: none; 0: unknown) */
	enum pfx_advise_sure sure;
	char why[200];				/* why that sure */
};

struct pfx_advise_result {
	struct pfx_advise_finding *findings;	/* biggest cost first */
	size_t n, cap;
};

struct pfx_advise_rule {
	const char *name;
	const char *about;			/* one line: what it finds */
	/* a rule of one row: true when the row shows it, f filled (rule,
	 * row and cost already set); NULL for a rule of several rows (scan) */
	bool (*check)(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
		      const struct pfx_region_row *row, struct pfx_advise_finding *f);
	const char *remedy;			/* one line: the remedy in general */
	/* a rule of several rows together, run first: adds its findings to
	 * out and marks the rows it took (taken[i]), which the row rules
	 * then skip.  0 or -ENOMEM. */
	int (*scan)(const struct pfx_advise_rule *self, const struct pfx_analysis *rep, bool *taken,
		    struct pfx_advise_result *out);
};

/* The rules, in priority order, ended by a NULL name. */
extern const struct pfx_advise_rule pfx_advise_rules[];


/* Run every rule over every region row of rep.  0 or -ENOMEM. */
int pfx_advise_run(const struct pfx_analysis *rep, const struct pfx_advise_host *host,
		   struct pfx_advise_result *out);
void pfx_advise_free(struct pfx_advise_result *res);
/* "high", "medium", "low" */
const char *pfx_advise_sure_name(enum pfx_advise_sure s);
/* "always", "madvise", "never", "unknown"; and back (-EINVAL). */
const char *pfx_advise_thp_name(enum pfx_advise_thp t);
int pfx_advise_thp_parse(const char *sysfs_text, enum pfx_advise_thp *out);
/* The bracketed word of a sysfs mode list ("always [madvise] never")
 * into buf.  0 or -EINVAL (none, or longer than size - 1). */
int pfx_advise_sysfs_mode(const char *sysfs_text, char *buf, size_t size);

#endif
