/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_list: 'pfx list' shows each event pfx uses and whether this kernel
 * has it, so users see up front what will work (like 'perf list'). */
#include "config.h"
#include "cmd.h"
#include "events.h"
#include "perf.h"
#include "tracefs_src.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* The longest event name: the first column fits it. */
static int name_width(void)
{
	int width = 5;	/* "EVENT" */

	for (unsigned i = 0; i < PFX_EV_COUNT; i++) {
		int len = (int)strlen(pfx_event_info((enum pfx_event_id)i)->name);

		width = len > width ? len : width;
	}
	return width;
}

static void print_event(enum pfx_event_id id, bool perf_ok, int width)
{
	const struct pfx_event_info *info = pfx_event_info(id);
	char why[160] = "";
	bool have = pfx_event_available(id, why, sizeof(why));
	const char *state = !have ? "missing" : perf_ok ? "yes" : "tracefs";

	printf("  %-*s %-10s %-8s %s%s%s\n", width, info->name,
	       info->kind == PFX_EVENT_SOFTWARE ? "software" : "tracepoint", state,
	       info->description, have ? "" : " -- ", have ? "" : why);
}

int cmd_list(int argc, char **argv)
{
	int perf_err, width = name_width();

	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
			printf("usage: pfx list\n");
			return PFX_EXIT_OK;
		}
		pfx_err("'pfx list' takes no arguments (got '%s')", argv[1]);
		return PFX_EXIT_USAGE;
	}
	{
		unsigned removed = 0;

		if (pfx_tfs_clean_stale(&removed) == 0 && removed)
			printf("removed %u stale pfx tracefs instance%s (left by a pfx that was killed)\n\n", removed,
			       removed == 1 ? "" : "s");
	}
	perf_err = pfx_perf_probe();
	printf("  %-*s %-10s %-8s %s\n", width, "EVENT", "TYPE", "HAVE", "DESCRIPTION");
	for (unsigned i = 0; i < PFX_EV_COUNT; i++)
		print_event((enum pfx_event_id)i, perf_err == 0, width);
	if (perf_err) {
		char hint[160];

		pfx_perf_denied_hint(hint, sizeof(hint));
		printf("\nperf_event_open: %s (%s): pfx stat falls back to /proc, record to tracefs\n",
		       strerror(-perf_err), hint);
	}
	return PFX_EXIT_OK;
}
