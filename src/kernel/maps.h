/* SPDX-License-Identifier: GPL-2.0-or-later */
/* maps: the mappings of a process from /proc/PID/maps, and the kind of
 * each mapping (heap, stack, anon, file, shm, vdso/vvar, other) as pfx
 * reports it.  The classifier also serves names from perf MMAP2 records
 * ("//anon", "[heap]", "/path"), so kinds match whatever their source. */
#ifndef PFX_MAPS_H
#define PFX_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pfx_map_kind {
	PFX_MAP_HEAP,	/* [heap]: the brk area (malloc's small-block arena) */
	PFX_MAP_STACK,	/* [stack] of the main thread ([stack:TID] on old kernels) */
	PFX_MAP_ANON,	/* private anonymous memory: mmap'ed malloc, thread stacks, [anon:name] */
	PFX_MAP_FILE,	/* a file mapping (private or shared) */
	PFX_MAP_SHM,	/* shared anonymous, SysV shm, /dev/shm, memfd */
	PFX_MAP_VDSO,	/* [vdso], [vvar], [vvar_vclock], [vsyscall] */
	PFX_MAP_OTHER,	/* anything else the kernel names in brackets */
	PFX_MAP_KIND_COUNT
};

/* mapping flags, as in struct pfx_mapping (recfile.h): MAP_SHARED or MAP_PRIVATE */

struct pfx_map_entry {
	uint64_t start, end;	/* [start, end) */
	uint64_t pgoff;		/* file offset in bytes */
	uint32_t prot;		/* PROT_READ | PROT_WRITE | PROT_EXEC */
	uint32_t flags;		/* MAP_SHARED or MAP_PRIVATE */
	uint64_t inode;
	char path[4096];	/* "" for anonymous */
};

/* Parse one line of /proc/PID/maps.  0 or -EINVAL. */
int pfx_maps_parse_line(const char *line, struct pfx_map_entry *out);
/* All mappings of pid, in address order.  *entries is malloc'ed.
 * 0, -ESRCH if the process is gone, -errno otherwise. */
int pfx_maps_read(pid_t pid, struct pfx_map_entry **entries, size_t *count);
/* The same from a maps-format file (e.g. a test fixture).  0 or -errno. */
int pfx_maps_read_file(const char *path, struct pfx_map_entry **entries, size_t *count);

/* The kind of a mapping named path (as in maps, or from an MMAP2 record)
 * with MAP_SHARED/MAP_PRIVATE flags. */
enum pfx_map_kind pfx_map_classify(const char *path, uint32_t flags);
/* "heap", "stack", "anon", "file", "shm", "vdso", "other". */
const char *pfx_map_kind_name(enum pfx_map_kind kind);
/* Does a path name a file, i.e. should reports show it as a path? */
bool pfx_map_path_is_file(const char *path);

#endif
