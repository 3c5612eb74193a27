/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thp_stats: what the kernel says about transparent huge pages, read
 * from files.  No printing.
 *
 *   the target's   /proc/PID/smaps_rollup: AnonHugePages (anonymous memory
 *                  mapped by PMD-sized huge pages), Anonymous, Rss,
 *                  ShmemPmdMapped, FilePmdMapped; and /proc/PID/numa_maps
 *                  (numa_maps.h)
 *   system-wide    /proc/vmstat thp_*, numa_* and pgmigrate_* counters:
 *                  events of every process and of khugepaged
 *   the policy     /sys/kernel/mm/transparent_hugepage/{enabled,defrag,
 *                  hpage_pmd_size}
 *
 * Lines a kernel does not have are reported absent, never as zero (older
 * kernels lack ShmemPmdMapped or thp_fault_fallback_charge; a kernel
 * without CONFIG_NUMA_BALANCING has no numa_hint_faults).  Every path
 * goes under a root prefix ("" for the real system) so tests can use
 * fixture trees. */
#ifndef PFX_THP_STATS_H
#define PFX_THP_STATS_H

#include "numa_maps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* --- /proc/PID/smaps_rollup --- */
struct pfx_thp_rollup {
	uint64_t rss_kb, anon_kb, anon_huge_kb, shmem_pmd_kb, file_pmd_kb;
	bool has_anon_huge, has_shmem_pmd, has_file_pmd;	/* the line was there */
	size_t processes;	/* how many processes' rollups are summed here */
};

/* Parse smaps_rollup text.  0, or -EINVAL without an Rss: line. */
int pfx_thp_parse_rollup(const char *text, struct pfx_thp_rollup *out);

/* --- /proc/vmstat: the counters pfx thp reports, in output order --- */
enum pfx_vm_counter {
	PFX_VM_THP_FAULT_ALLOC,
	PFX_VM_THP_FAULT_FALLBACK,
	PFX_VM_THP_FAULT_FALLBACK_CHARGE,
	PFX_VM_THP_COLLAPSE_ALLOC,
	PFX_VM_THP_COLLAPSE_ALLOC_FAILED,
	PFX_VM_THP_SPLIT_PAGE,
	PFX_VM_THP_DEFERRED_SPLIT_PAGE,
	PFX_VM_NUMA_HINT_FAULTS,
	PFX_VM_NUMA_HINT_FAULTS_LOCAL,
	PFX_VM_NUMA_PAGES_MIGRATED,
	PFX_VM_PGMIGRATE_SUCCESS,
	PFX_VM_PGMIGRATE_FAIL,
	PFX_VM_COUNT
};

/* The counter's name in /proc/vmstat ("thp_fault_alloc"). */
const char *pfx_vm_counter_name(enum pfx_vm_counter c);

struct pfx_vmstat {
	uint64_t value[PFX_VM_COUNT];
	bool present[PFX_VM_COUNT];
};

/* Parse /proc/vmstat text (counters not there stay absent).  0, or
 * -EINVAL when no line is "name number". */
int pfx_thp_parse_vmstat(const char *text, struct pfx_vmstat *out);
/* out = cur - prev where both have the counter; absent otherwise. */
void pfx_vmstat_delta(const struct pfx_vmstat *prev, const struct pfx_vmstat *cur,
		      struct pfx_vmstat *out);

/* --- the policy in sysfs --- */
struct pfx_thp_policy {
	bool available;		/* the kernel has THP (the sysfs directory) */
	char enabled[32];	/* the [selected] word: always, madvise, never */
	char defrag[32];	/* always, defer, defer+madvise, madvise, never */
	uint64_t huge_page_kb;	/* hpage_pmd_size, 2048 on x86-64 */
};

/* Read the policy under root.  Always fills *out (available false, and
 * huge_page_kb 2048, when the kernel has no THP).  0 or -errno for a file
 * that is there but cannot be read or parsed. */
int pfx_thp_read_policy(const char *root, struct pfx_thp_policy *out);
/* The [selected] word of a sysfs choice line ("always [madvise] never").
 * 0 or -EINVAL. */
int pfx_thp_parse_choice(const char *text, char *out, size_t size);
/* What the enabled mode means for a process, one line. */
const char *pfx_thp_policy_note(const struct pfx_thp_policy *p);

/* --- reading a process and the system, again and again --- */
struct pfx_thp_source;

/* Open the system's vmstat under root.  *out is set even on failure
 * (for pfx_thp_source_missing; close it).  0 or -errno (-ENOENT: no
 * vmstat under root). */
int pfx_thp_source_open(const char *root, struct pfx_thp_source **out);
/* Open pid's smaps_rollup and numa_maps.  They are kept open (each read
 * walks the target's page tables again) and hold on to the address space
 * they were opened on: a launched command's must be opened after its
 * exec.  0 or -errno: -ESRCH no such process, -ENOENT the kernel has no
 * smaps_rollup (4.14+), -EACCES/-EPERM not allowed. */
int pfx_thp_source_open_target(struct pfx_thp_source *s, pid_t pid);
/* Which file an -ENOENT was about ("/proc/vmstat"). */
const char *pfx_thp_source_missing(const struct pfx_thp_source *s);
/* Whether pid's numa_maps could be opened (kernels without CONFIG_NUMA
 * have none: NUMA placement is then absent, not an error). */
bool pfx_thp_source_has_numa(const struct pfx_thp_source *s);
/* Sum the target's descendants into every pfx_thp_read_target() too (a
 * launched command's children: what its fault counters count). */
void pfx_thp_source_follow_children(struct pfx_thp_source *s);
/* The target's THP use and node placement (numa untouched without
 * numa_maps), with its descendants' when followed; a descendant that exits
 * while it is read is left out.  0, -ESRCH once it has exited (the files read empty), -EINVAL for text that is not what was asked
 * for, -errno. */
int pfx_thp_read_target(struct pfx_thp_source *s, struct pfx_thp_rollup *rollup,
			struct pfx_numa_usage *numa);
/* The system's counters.  0 or -errno. */
int pfx_thp_read_vmstat(struct pfx_thp_source *s, struct pfx_vmstat *out);
void pfx_thp_source_close(struct pfx_thp_source *s);

#endif
