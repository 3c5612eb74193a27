/* SPDX-License-Identifier: GPL-2.0-or-later */
/* u64map: an open-addressing hash map from a 64-bit key to a small
 * fixed-size value, for the per-fault hot paths (pages, ips and threads
 * in the report; threads in the record file and the recorder).
 * Groups of 8 neighbouring keys (pages faulted in order) land in
 * neighbouring slots and share cache lines; groups are spread by
 * Fibonacci hashing; linear probing; grows at 3/4 load; values are
 * zeroed when inserted; no deletion.  The key UINT64_MAX cannot be stored
 * (slots hold key + 1, 0 meaning empty).  Values are rounded up to 4
 * bytes, not 8: a map of 4-byte indexes has 12-byte slots (keys are read
 * unaligned), a quarter less for the maps with one entry per process. */
#ifndef PFX_U64MAP_H
#define PFX_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct pfx_u64map {
	uint8_t *slots;		/* each: uint64_t key + 1, then the value */
	size_t slot_size;
	size_t mask;		/* capacity - 1 */
	unsigned shift;		/* 64 - log2(capacity) */
	size_t count;
};

/* value_size: bytes of each value (rounded up to 4: a value whose size is
 * no multiple of 8 is only 4-aligned, as its type needs).  0 or -ENOMEM. */
int pfx_u64map_init(struct pfx_u64map *m, size_t value_size);
void pfx_u64map_free(struct pfx_u64map *m);
int pfx_u64map_grow(struct pfx_u64map *m);

static inline uint8_t *pfx_u64map_slot(const struct pfx_u64map *m, size_t i)
{
	return m->slots + i * m->slot_size;
}

/* The stored key (key + 1, 0: empty) of a slot, which may be unaligned. */
static inline uint64_t pfx_u64map_stored(const uint8_t *slot)
{
	uint64_t k;

	memcpy(&k, slot, sizeof(k));
	return k;
}

static inline size_t pfx_u64map_hash(const struct pfx_u64map *m, uint64_t key)
{
	/* Groups of 8 neighbouring keys share 8 neighbouring slots; groups
	 * are spread by a Fibonacci hash (capacity >= 256, so shift + 3 < 64). */
	uint64_t group = ((key >> 3) * 0x9e3779b97f4a7c15ull) >> (m->shift + 3);

	return (size_t)((group << 3) | (key & 7));
}

/* The value of key, inserted (zeroed) if absent; *is_new says which.
 * NULL when out of memory.  Pointers stay valid until the next insert. */
static inline void *pfx_u64map_upsert(struct pfx_u64map *m, uint64_t key, bool *is_new)
{
	uint64_t stored = key + 1;
	size_t i;

	if ((m->count + 1) * 4 > (m->mask + 1) * 3 && pfx_u64map_grow(m) < 0)
		return NULL;
	for (i = pfx_u64map_hash(m, key);; i = (i + 1) & m->mask) {
		uint8_t *slot = pfx_u64map_slot(m, i);
		uint64_t k = pfx_u64map_stored(slot);

		if (k == stored) {
			*is_new = false;
			return slot + 8;
		}
		if (k == 0) {
			memcpy(slot, &stored, sizeof(stored));
			memset(slot + 8, 0, m->slot_size - 8);
			m->count++;
			*is_new = true;
			return slot + 8;
		}
	}
}

/* Visit every entry: i from 0 while pfx_u64map_next() returns true. */
static inline bool pfx_u64map_next(const struct pfx_u64map *m, size_t *i, uint64_t *key,
				   void **value)
{
	for (; *i <= m->mask; (*i)++) {
		uint8_t *slot = pfx_u64map_slot(m, *i);
		uint64_t k = pfx_u64map_stored(slot);

		if (k) {
			*key = k - 1;
			*value = slot + 8;
			(*i)++;
			return true;
		}
	}
	return false;
}

#endif
