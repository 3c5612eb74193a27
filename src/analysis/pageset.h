/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pageset: the pages of one region that have faulted, for the report's
 * distinct pages and refaults.  One set per region (or unknown space), so
 * a page is told new or seen without a key of its process and region,
 * and the pages of a region are 64 to a word: bit (page & 63) of the
 * word of page >> 6.  A recording of a 1 GiB region read again and again
 * needs 4,096 words (128 KiB with the table's room), where a map of
 * (process, page) to counts needed 8 MiB, missed by every fault.
 *
 * A region's first word stays inline (most regions of a crafted file
 * hold a fault or two and allocate nothing: 24 bytes a region); the
 * others go to an open-addressing table of (word number + 1, bits)
 * pairs after a header (slots, words), Fibonacci-hashed, linear probing,
 * grown at 3/4: 16 bytes a word, as the map's 16 bytes a page at worst
 * (one page a word). */
#ifndef PFX_PAGESET_H
#define PFX_PAGESET_H

#include <stdint.h>

struct pfx_pageset {
	uint64_t *table;	/* NULL: the inline word only; else {slots (a
				 * power of 2), words}, then the pairs */
	uint64_t one_key;	/* the inline word's number + 1 (0: none) */
	uint64_t one_bits;
};

/* The bits of word key (page >> 6), added (0) if absent; NULL when out
 * of memory.  Valid until the next call on the set. */
uint64_t *pfx_pageset_word_slow(struct pfx_pageset *s, uint64_t key);
static inline uint64_t *pfx_pageset_word(struct pfx_pageset *s, uint64_t key)
{
	if (s->one_key == key + 1)
		return &s->one_bits;
	return pfx_pageset_word_slow(s, key);
}

void pfx_pageset_free(struct pfx_pageset *s);

#endif
