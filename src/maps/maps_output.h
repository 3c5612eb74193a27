/* SPDX-License-Identifier: GPL-2.0-or-later */
/* maps_output: the tables of 'pfx maps' (one row per mapping and a total)
 * as text, JSON or CSV.  Sizes are KiB, as in pmap -X and smaps; a state
 * that could not be read prints as '-' (JSON null, CSV empty). */
#ifndef PFX_MAPS_OUTPUT_H
#define PFX_MAPS_OUTPUT_H

#include "maps.h"
#include "output.h"
#include "page_states.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct pfx_maps_table {
	pid_t pid;
	const char *comm;
	uint64_t page_size;
	const struct pfx_map_entry *maps;	/* n mappings, address order */
	const struct pfx_page_states *states;	/* states[i] of maps[i] */
	size_t n;
	struct pfx_page_states total;
};

void pfx_maps_print(FILE *fp, enum pfx_format format, const struct pfx_maps_table *t);

#endif
