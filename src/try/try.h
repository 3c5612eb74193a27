/* SPDX-License-Identifier: GPL-2.0-or-later */
/* try: 'pfx try', a command run with and without a remedy.
 *
 *   remedies   the names (populate, hugepage, sequential, willneed, mlock,
 *              malloc-trim), parsed from "A,B+C" (each comma item one
 *              remedy, '+' joins several into one);
 *   program    can a remedy reach the command: a static ELF (no PT_INTERP)
 *              ignores LD_PRELOAD, a setuid/setgid one runs in secure-
 *              execution mode, which drops it;
 *   env        the command's exec environment for a remedy: LD_PRELOAD of
 *              pfx-try-preload.so (src/preload/) with its PFX_TRY_*
 *              settings, GLIBC_TUNABLES appended to; built as a new array,
 *              pfx's own environment is never changed;
 *   run        one run: the command launched held before exec, its faults
 *              counted by the perf counters as pfx stat counts them
 *              (counter.h), wall time from CLOCK_MONOTONIC, peak RSS and
 *              rusage minor faults from wait4(); and the time spent in
 *              faults: the perf source's fault entries paired with their
 *              completions (fault_source.h), summed in memory;
 *   spread     median, min and max of a metric over the runs, and the
 *              verdict: a change counts only when the remedy's range and
 *              the baseline's do not overlap and the medians differ by
 *              PFX_TRY_MIN_CHANGE_PCT or more.
 * Nothing here prints. */
#ifndef PFX_TRY_H
#define PFX_TRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counter.h"

enum {
	PFX_TRY_POPULATE = 1u << 0,
	PFX_TRY_HUGEPAGE = 1u << 1,
	PFX_TRY_SEQUENTIAL = 1u << 2,
	PFX_TRY_WILLNEED = 1u << 3,
	PFX_TRY_MLOCK = 1u << 4,
	PFX_TRY_MALLOC_TRIM = 1u << 5,
};
#define PFX_TRY_MAX_REMEDIES 8

/* "populate", ... : the comma-separated names, for messages. */
const char *pfx_try_remedy_names(void);
/* One line saying what a remedy set does ("MADV_HUGEPAGE on ..."), in buf. */
const char *pfx_try_remedy_describe(unsigned mask, char *buf, size_t size);
/* The name of a remedy set as given ("hugepage", "populate+mlock"), in buf. */
const char *pfx_try_remedy_label(unsigned mask, char *buf, size_t size);
/* Parse list into masks[] (at most max).  0, -EINVAL with *bad at the
 * unknown word (its length in *badlen), -E2BIG for too many. */
int pfx_try_remedy_parse(const char *list, unsigned *masks, size_t max, size_t *n,
			 const char **bad, size_t *badlen);

enum pfx_try_block {
	PFX_TRY_OK = 0,
	PFX_TRY_STATIC,		/* an ELF without PT_INTERP */
	PFX_TRY_SETUID,		/* set-user-ID or set-group-ID */
	PFX_TRY_SCRIPT,		/* not an ELF of this machine (a #! script): the
				 * remedies reach its interpreter, not what it runs */
};
/* Find cmd as execvp() would (in PATH unless it has a '/'), into path,
 * and say whether a preload can reach it.  A script runs (its
 * interpreter is what runs: PFX_TRY_SCRIPT).  0, or -ENOENT/-EACCES. */
int pfx_try_program_check(const char *cmd, char *path, size_t size, enum pfx_try_block *block);

/* The preload library: PFX_TRY_PRELOAD, else beside the executable (the
 * build tree's src/.libs/ too), else PFX_PKGLIBDIR.  0 or -ENOENT. */
int pfx_try_preload_find(char *path, size_t size);

/* The environment for mask over base (pfx's environ): a NULL-terminated
 * malloc'ed array whose strings are in it or base's; free it with
 * pfx_try_env_free.  mask 0: a copy of base.  0 or -ENOMEM. */
int pfx_try_env_build(char ***envp, char *const base[], unsigned mask, const char *preload,
		      uint64_t min_size);
void pfx_try_env_free(char **envp);

struct pfx_try_sample {
	enum pfx_count_source source;	/* what counted them (perf; proc where perf is denied) */
	struct pfx_live_counts counts;	/* perf's page-fault events */
	uint64_t rusage_minor;		/* wait4(): also faults the kernel took on its
					 * behalf (MAP_POPULATE, MADV_POPULATE_*, mlock) */
	uint64_t rusage_major;
	uint64_t wall_ns;
	uint64_t maxrss_kib;
	int wait_status;
	bool timed_out;			/* ended by pfx after the timeout */
	/* opts.fault_time: the time spent in faults, from perf's fault entries
	 * (exceptions:page_fault_user) paired with their completions */
	bool has_fault_time;
	int fault_time_err;		/* why not (-errno from opening the source) */
	uint64_t fault_ns;		/* the sum of the paired faults' latencies */
	uint64_t fault_paired;		/* faults with a latency */
	uint64_t fault_lost;		/* events the rings dropped */
};

struct pfx_try_run_opts {
	enum pfx_count_source source;	/* the fault counts (AUTO: perf, else proc) */
	double timeout_s;		/* 0: none */
	bool fault_time;		/* also sample every fault's entry and completion */
};

/* Run argv once with envp.  0, or -errno (exec failed: the errno of
 * execvp; counting could not start).  The fault time is optional: a
 * source that cannot be opened leaves has_fault_time false. */
int pfx_try_run(char *const argv[], char *const envp[], const struct pfx_try_run_opts *opts,
		struct pfx_try_sample *out);

struct pfx_try_spread {
	double median, min, max;
};
/* Of v[0..n-1] (n > 0; v is sorted in place). */
void pfx_try_spread(double *v, size_t n, struct pfx_try_spread *out);

/* The smallest change of the medians that counts, in percent. */
#define PFX_TRY_MIN_CHANGE_PCT 2.0

enum pfx_try_verdict {
	PFX_TRY_SAME = 0,	/* the ranges overlap, or the medians are within
				 * PFX_TRY_MIN_CHANGE_PCT: within the noise */
	PFX_TRY_LOWER,		/* remedy's max below baseline's min */
	PFX_TRY_HIGHER,		/* remedy's min above baseline's max */
};
enum pfx_try_verdict pfx_try_compare(const struct pfx_try_spread *base,
				     const struct pfx_try_spread *remedy);
/* The median's change in percent (0 when the baseline's is 0 and so is it). */
double pfx_try_change(const struct pfx_try_spread *base, const struct pfx_try_spread *remedy);

#endif
