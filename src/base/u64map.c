/* SPDX-License-Identifier: GPL-2.0-or-later */
/* u64map: growth of the hash map; lookups are inline in u64map.h. */
#include "config.h"
#include "u64map.h"

#include <errno.h>
#include <stdlib.h>

#define INITIAL_LOG2 8

static int alloc_slots(struct pfx_u64map *m, unsigned log2)
{
	size_t cap = (size_t)1 << log2;

	m->slots = calloc(cap, m->slot_size);
	if (!m->slots)
		return -ENOMEM;
	m->mask = cap - 1;
	m->shift = 64 - log2;
	m->count = 0;
	return 0;
}

int pfx_u64map_init(struct pfx_u64map *m, size_t value_size)
{
	m->slot_size = 8 + ((value_size + 3) & ~(size_t)3);
	return alloc_slots(m, INITIAL_LOG2);
}

void pfx_u64map_free(struct pfx_u64map *m)
{
	free(m->slots);
	m->slots = NULL;
}

int pfx_u64map_grow(struct pfx_u64map *m)
{
	struct pfx_u64map old = *m;
	unsigned log2 = 64 - m->shift + 1;

	if (alloc_slots(m, log2) < 0) {
		*m = old;
		return -ENOMEM;
	}
	for (size_t i = 0; i <= old.mask; i++) {
		uint8_t *slot = pfx_u64map_slot(&old, i);
		uint64_t k = pfx_u64map_stored(slot);
		bool is_new;
		void *v;

		if (!k)
			continue;
		v = pfx_u64map_upsert(m, k - 1, &is_new);
		memcpy(v, slot + 8, m->slot_size - 8);
	}
	free(old.slots);
	return 0;
}
