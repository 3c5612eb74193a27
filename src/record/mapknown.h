/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mapknown: what a recording knows of each process's mappings, and
 * which of them its file holds already.
 *
 * Per process (pid), the mappings as pfx last knew them (a /proc
 * snapshot and the MMAP2 records and mremap() returns since), in start
 * order, never overlapping: a mapping replaces what it covers of older
 * ones (an older one around it keeps its head and its tail, the tail's
 * file offset moved along).  A child seen forking takes its parent's at
 * its first fault or mmap (pfx_mapknown_inherit), none of them in the
 * file under its pid yet: each is written when a fault first reaches it
 * (pfx_mapknown_claim).  The recorder (recorder.c) decides when to read
 * /proc and writes the items; this module only keeps the model. */
#ifndef PFX_MAPKNOWN_H
#define PFX_MAPKNOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps.h"
#include "u64map.h"

struct pfx_mapknown_map {
	uint64_t start, end, pgoff;
	uint32_t flags, prot;
	char *path;		/* as the source named it ("//anon" from MMAP2) */
	bool unwritten;		/* known, not in the file until a fault reaches it */
};

/* One process as the recording knows it.  Its entry stays at the same
 * address until pfx_mapknown_free(). */
struct pfx_mapknown_proc {
	uint32_t pid;
	struct pfx_mapknown_map *v;	/* in start order, apart */
	size_t n, cap;
	uint64_t gen;		/* changes whenever v does */
	uint32_t ppid;		/* from its FORK record: whose mappings it starts with */
	bool inherit;		/* forked, its parent's mappings not taken yet */
	/* the recorder's notes: its /proc re-reads ... */
	uint64_t last_read_ns;	/* the probe's clock at the last /proc read */
	unsigned reads;
	bool gone;		/* /proc has it no more: nothing to re-read */
	/* ... and, host-wide, what it wrote of the process */
	uint32_t cgroup;	/* index + 1 into the recorder's cgroup names; 0: unknown */
	bool described;		/* its cgroup (and main thread) items are written */
};

/* Where the last lookup of a process's address landed: most faults fall
 * where the previous one did (its data, its code), and need no lookup
 * while the process's mappings are unchanged.  Zeroed: empty. */
struct pfx_mapknown_hint {
	const struct pfx_mapknown_proc *proc;
	uint64_t gen;
	uint64_t lo, hi;
};

struct pfx_mapknown {
	struct pfx_u64map index;	/* pid -> struct pfx_mapknown_proc * */
};

/* 0 or -ENOMEM. */
int pfx_mapknown_init(struct pfx_mapknown *m);
void pfx_mapknown_free(struct pfx_mapknown *m);
/* pid's entry, added (knowing nothing) if new; NULL when out of memory. */
struct pfx_mapknown_proc *pfx_mapknown_proc(struct pfx_mapknown *m, uint32_t pid);

/* The known mapping of p that holds addr, or NULL. */
struct pfx_mapknown_map *pfx_mapknown_find(const struct pfx_mapknown_proc *p, uint64_t addr);
/* The known mapping of p that is exactly e (extent, offset, flags and
 * path; not prot), or NULL. */
const struct pfx_mapknown_map *pfx_mapknown_exactly(const struct pfx_mapknown_proc *p,
						    const struct pfx_map_entry *e);
/* Add a mapping (path copied), in the file already; what it covers of
 * older ones is gone.  0 or -ENOMEM. */
int pfx_mapknown_insert(struct pfx_mapknown_proc *p, uint64_t start, uint64_t end, uint64_t pgoff,
			uint32_t flags, uint32_t prot, const char *path);
/* Forget every mapping of p. */
void pfx_mapknown_clear(struct pfx_mapknown_proc *p);
/* The same, and give back the room they took: p exited (a host's
 * processes come and go; what is left of one is its small entry). */
void pfx_mapknown_release(struct pfx_mapknown_proc *p);
/* p knows maps[0..n) (a /proc read: sorted, apart) and nothing else;
 * maps[i] is in the file when written[i], every one when written is
 * NULL.  0 or -ENOMEM. */
int pfx_mapknown_replace(struct pfx_mapknown_proc *p, const struct pfx_map_entry *maps, size_t n,
			 const bool *written);
/* A forked child that has not yet (child->inherit) takes what is known of
 * its parent's mappings, none of them in the file under its pid, beneath
 * the ones it knows itself.  0 (also when there is nothing to take) or
 * -ENOMEM. */
int pfx_mapknown_inherit(struct pfx_mapknown *m, struct pfx_mapknown_proc *child);

/* Is addr of pid in the mapping h remembers, unchanged since? */
static inline bool pfx_mapknown_hint_hit(const struct pfx_mapknown_hint *h, uint32_t pid, uint64_t addr)
{
	return h->proc && h->proc->pid == pid && addr - h->lo < h->hi - h->lo && h->proc->gen == h->gen;
}

/* The mapping of p that holds addr if the file does not have it yet,
 * marked as in the file now (the caller writes it before it looks up
 * anything else); NULL if the file has it or none holds addr.  hint, if
 * not NULL, remembers the mapping holding addr. */
const struct pfx_mapknown_map *pfx_mapknown_claim(struct pfx_mapknown_proc *p, uint64_t addr,
						  struct pfx_mapknown_hint *hint);

#endif
