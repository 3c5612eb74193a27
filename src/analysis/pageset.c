/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pageset: a region's faulted pages, 64 to a word; see pageset.h. */
#include "config.h"
#include "pageset.h"

#include <stdlib.h>

#define MIN_LOG2 1	/* 2 slots: a region of two words (48 bytes), then 4 */

/* The pair of key in a table of 2^log2 slots: its own or the empty one
 * where it goes. */
static uint64_t *slot_of(uint64_t *pairs, unsigned log2, uint64_t key)
{
	size_t mask = ((size_t)1 << log2) - 1;
	size_t i = (size_t)(((key + 1) * 0x9e3779b97f4a7c15ull) >> (64 - log2));

	while (pairs[2 * i] && pairs[2 * i] != key + 1)
		i = (i + 1) & mask;
	return &pairs[2 * i];
}

/* A table of 2^log2 slots with every word of s's table; 0 or -1. */
static int regrow(struct pfx_pageset *s, unsigned log2)
{
	uint64_t *t = calloc(2 + ((size_t)2 << log2), sizeof(*t)), *old = s->table;

	if (!t)
		return -1;
	t[0] = log2;
	if (old) {
		for (size_t i = 0; i < ((size_t)1 << old[0]); i++) {
			const uint64_t *p = &old[2 + 2 * i];

			if (p[0]) {
				uint64_t *q = slot_of(t + 2, log2, p[0] - 1);

				q[0] = p[0];
				q[1] = p[1];
			}
		}
		t[1] = old[1];
		free(old);
	}
	s->table = t;
	return 0;
}

uint64_t *pfx_pageset_word_slow(struct pfx_pageset *s, uint64_t key)
{
	uint64_t *p;

	if (!s->one_key) {	/* the first word */
		s->one_key = key + 1;
		s->one_bits = 0;
		return &s->one_bits;
	}
	if (s->table) {
		p = slot_of(s->table + 2, (unsigned)s->table[0], key);
		if (p[0])
			return &p[1];
	}
	if ((!s->table && regrow(s, MIN_LOG2) < 0) ||
	    ((s->table[1] + 1) * 4 > ((uint64_t)3 << s->table[0]) && regrow(s, (unsigned)s->table[0] + 1) < 0))
		return NULL;
	p = slot_of(s->table + 2, (unsigned)s->table[0], key);
	p[0] = key + 1;
	p[1] = 0;
	s->table[1]++;
	return &p[1];
}

void pfx_pageset_free(struct pfx_pageset *s)
{
	free(s->table);
	s->table = NULL;
	s->one_key = 0;
}
