/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strset: a set of strings, each stored once (interned): mapping paths
 * and cgroup names repeat across the regions and processes of a
 * recording, and a recording of many small things must not cost a
 * malloc'd copy per item.  Strings live in 64 KiB chunks (no per-string
 * malloc overhead) and never move, so the pointers handed out stay valid
 * until pfx_strset_free(); each has an index (0, 1, ... in the order
 * added).  Found by a hash (FNV-1a; strings with one hash go on to the
 * next key), so adding is O(length) whatever the set holds. */
#ifndef PFX_STRSET_H
#define PFX_STRSET_H

#include <stddef.h>

#include "u64map.h"

struct pfx_strset {
	struct pfx_u64map at;		/* key -> index + 1 */
	const char **strs;		/* by index */
	size_t n, cap;
	char *chunk;			/* the chunk strings are added to */
	size_t chunk_used, chunk_size;
	void **chunks;			/* every chunk (and big string), to free */
	size_t nchunks, cap_chunks;
};

/* 0 or -ENOMEM. */
int pfx_strset_init(struct pfx_strset *s);
void pfx_strset_free(struct pfx_strset *s);
/* The set's copy of str, added if new; *index (if not NULL) its index.
 * NULL when out of memory, or frozen. */
const char *pfx_strset_add(struct pfx_strset *s, const char *str, size_t *index);
/* No more adding: the hash goes, the strings and strs stay. */
void pfx_strset_freeze(struct pfx_strset *s);

#endif
