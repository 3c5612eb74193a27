/* SPDX-License-Identifier: GPL-2.0-or-later */
/* strset: interned strings; see strset.h. */
#include "config.h"
#include "strset.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES (64u << 10)

int pfx_strset_init(struct pfx_strset *s)
{
	memset(s, 0, sizeof(*s));
	return pfx_u64map_init(&s->at, sizeof(uint32_t));
}

void pfx_strset_free(struct pfx_strset *s)
{
	for (size_t i = 0; i < s->nchunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
	free(s->strs);
	pfx_u64map_free(&s->at);
	memset(s, 0, sizeof(*s));
}

/* Room for len bytes that never moves: in the current chunk, a new one,
 * or (a string larger than a quarter chunk) an allocation of its own. */
static char *room(struct pfx_strset *s, size_t len)
{
	char *p;

	if (len > s->chunk_size - s->chunk_used) {
		size_t size = len > CHUNK_BYTES / 4 ? len : CHUNK_BYTES;

		if (PFX_GROW(s->chunks, s->cap_chunks, s->nchunks + 1, 16) || !(p = malloc(size)))
			return NULL;
		s->chunks[s->nchunks++] = p;
		if (size != CHUNK_BYTES)
			return p;
		s->chunk = p;
		s->chunk_used = 0;
		s->chunk_size = size;
	}
	p = s->chunk + s->chunk_used;
	s->chunk_used += len;
	return p;
}

void pfx_strset_freeze(struct pfx_strset *s)
{
	pfx_u64map_free(&s->at);
}

const char *pfx_strset_add(struct pfx_strset *s, const char *str, size_t *index)
{
	uint64_t key = 0xcbf29ce484222325ull;
	size_t len = strlen(str) + 1;

	if (!s->at.slots)
		return NULL;	/* frozen */
	for (size_t i = 0; i + 1 < len; i++)
		key = (key ^ (unsigned char)str[i]) * 0x100000001b3ull;
	for (;; key = key * 0x9e3779b97f4a7c15ull + 1) {
		bool is_new;
		uint32_t *slot;
		char *copy;

		if (key == UINT64_MAX)
			continue;	/* not a valid u64map key */
		slot = pfx_u64map_upsert(&s->at, key, &is_new);
		if (!slot)
			return NULL;
		if (*slot && strcmp(s->strs[*slot - 1], str) != 0)
			continue;	/* another string with this key */
		if (!*slot) {
			if (s->n >= UINT32_MAX || PFX_GROW(s->strs, s->cap, s->n + 1, 64) ||
			    !(copy = room(s, len)))
				return NULL;	/* the slot stays 0: free for the next try */
			memcpy(copy, str, len);
			s->strs[s->n] = copy;
			*slot = (uint32_t)++s->n;
		}
		if (index)
			*index = *slot - 1;
		return s->strs[*slot - 1];
	}
}
