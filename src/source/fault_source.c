/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault_source: the registry of fault sources by name (fault_source.h),
 * so that choosing, hinting and cleaning up after a source happen through
 * one interface, not through each module's own functions. */
#include "config.h"
#include "fault_source.h"
#include "util.h"

#include <string.h>

static const struct pfx_source_ops *const sources[] = {
	&pfx_perf_source,
	&pfx_tracefs_source,
};

const struct pfx_source_ops *pfx_source_find(const char *name)
{
	for (size_t i = 0; i < PFX_ARRAY_SIZE(sources); i++)
		if (strcmp(sources[i]->name, name) == 0)
			return sources[i];
	return NULL;
}

int pfx_source_clean_stale(unsigned *removed)
{
	unsigned total = 0;
	int first = 0;

	for (size_t i = 0; i < PFX_ARRAY_SIZE(sources); i++) {
		unsigned n = 0;
		int err;

		if (!sources[i]->clean_stale)
			continue;
		err = sources[i]->clean_stale(&n);
		total += n;
		if (err && !first)
			first = err;
	}
	if (removed)
		*removed = total;
	return first;
}
