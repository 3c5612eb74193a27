/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss_softdirty: soft-dirty pages per mapping, counted by page_states
 * (pagemap alone: no kpageflags, PAGEMAP_SCAN where the kernel has it). */
#include "config.h"
#include "wss_softdirty.h"
#include "maps.h"
#include "page_states.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pfx_wss_softdirty {
	struct pfx_page_reader *pages;
	char maps_path[PATH_MAX];
	uint64_t page_size;
};

int pfx_wss_softdirty_open(const char *root, pid_t pid, struct pfx_wss_softdirty **out)
{
	struct pfx_wss_softdirty *sd = calloc(1, sizeof(*sd));
	int err;

	if (!sd)
		return -ENOMEM;
	if (snprintf(sd->maps_path, sizeof(sd->maps_path), "%s/proc/%d/maps", root ? root : "", (int)pid) >=
	    (int)sizeof(sd->maps_path)) {
		free(sd);
		return -ENAMETOOLONG;
	}
	err = pfx_page_reader_open(root, pid, &sd->pages);
	if (err) {
		free(sd);
		return err == -ENXIO ? -ESRCH : err;
	}
	pfx_page_reader_virtual_only(sd->pages);
	sd->page_size = pfx_page_reader_page_size(sd->pages);
	*out = sd;
	return 0;
}

void pfx_wss_softdirty_close(struct pfx_wss_softdirty *sd)
{
	if (!sd)
		return;
	pfx_page_reader_close(sd->pages);
	free(sd);
}

static void to_bytes(const struct pfx_page_states *s, uint64_t page_size, struct pfx_wss_bytes *b)
{
	b->written = s->softdirty * page_size;
	b->wss = b->written;
	b->wss_file = s->softdirty_file * page_size;
	b->wss_anon = b->wss - b->wss_file;
	b->rss = s->rss * page_size;
}

/* Another method's mapping with this start, or NULL (the address space
 * changed between the two reads). */
static struct pfx_wss_mapping *find_mapping(struct pfx_wss_reading *r, uint64_t start, size_t *hint)
{
	for (size_t n = 0; n < r->n_mappings; n++) {
		size_t i = (*hint + n) % r->n_mappings;

		if (r->mappings[i].start == start) {
			*hint = i + 1;
			return &r->mappings[i];
		}
	}
	return NULL;
}

int pfx_wss_softdirty_read(struct pfx_wss_softdirty *sd, bool by_mapping, bool as_wss,
			   struct pfx_wss_reading *r)
{
	struct pfx_map_entry *maps = NULL;
	size_t n_maps = 0, hint = 0;
	int err;

	err = pfx_maps_read_file(sd->maps_path, &maps, &n_maps);
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	/* A process that exited but is not reaped yet has no mappings. */
	if (n_maps == 0)
		err = -ESRCH;
	for (size_t i = 0; i < n_maps && !err; i++) {
		struct pfx_page_states s;
		struct pfx_wss_bytes b = { 0 };

		err = pfx_page_states_count(sd->pages, maps[i].start, maps[i].end, &s);
		if (err)
			break;
		to_bytes(&s, sd->page_size, &b);
		r->total.written += b.written;
		if (as_wss) {
			r->total.wss += b.wss;
			r->total.wss_anon += b.wss_anon;
			r->total.wss_file += b.wss_file;
			r->total.rss += b.rss;
			if (by_mapping)
				err = pfx_wss_reading_add_mapping(r, maps[i].start, maps[i].end, maps[i].path, &b);
		} else if (by_mapping) {
			struct pfx_wss_mapping *m = find_mapping(r, maps[i].start, &hint);

			if (m)
				m->bytes.written = b.written;
		}
	}
	free(maps);
	if (!err)
		r->has_written = true;
	return err;
}
