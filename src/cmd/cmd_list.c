/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_list: 'pfx list' shows each event pfx uses and whether this kernel
 * has it, so users see up front what will work (like 'perf list'). */
#include "config.h"
#include "cmd.h"
#include "events.h"
#include "fault_source.h"
#include "opts.h"
#include "perf.h"
#include "util.h"

#include <errno.h>
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
	int err = pfx_event_check(id, why, sizeof(why));
	bool have = err == 0;
	/* A user who cannot read tracefs cannot tell whether the kernel has
	 * the tracepoint: "no access", not "missing". */
	const char *state = have ? (perf_ok ? "yes" : "tracefs") :
			    err == -EACCES || err == -EPERM ? "no access" :
			    err == -ENOENT ? "missing" : "unknown";

	printf("  %-*s %-10s %-9s %s%s%s\n", width, info->name,
	       info->kind == PFX_EVENT_SOFTWARE ? "software" : "tracepoint", state,
	       info->description, have ? "" : " -- ", have ? "" : why);
}

static const struct pfx_opt list_options[] = {
	PFX_OPT('h', "help", NULL, "show this help"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx list\n"
		"Show each event pfx uses, its type (software counter or tracepoint)\n"
		"and whether it can be used here:\n"
		"  yes        it can\n"
		"  tracefs    perf events are denied: pfx falls back to tracefs\n"
		"  missing    this kernel has no such tracepoint\n"
		"  no access  this user cannot read tracefs, so cannot tell (run as root)\n"
		"  unknown    tracefs is not mounted\n"
		"Also removes the tracefs instances a killed pfx left.\n");
	pfx_opts_help(fp, list_options, 14);
	fprintf(fp, "See pfx-list(1).\n");
}

/* 0: run; -1: help printed; else the exit code of a usage error. */
static int parse_options(int argc, char **argv)
{
	struct pfx_opts p;
	int c;

	pfx_opts_begin(&p, "list", list_options, "", argc, argv);
	while ((c = pfx_opts_next(&p)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		pfx_opts_refused(&p, c);
		return PFX_EXIT_USAGE;
	}
	if (optind < argc)
		return pfx_usage_error("'pfx list' takes no arguments (got '%s')", argv[optind]);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	int perf_err, rc, width = name_width();

	rc = parse_options(argc, argv);
	if (rc)
		return rc < 0 ? PFX_EXIT_OK : rc;
	{
		unsigned removed = 0;

		if (pfx_source_clean_stale(&removed) == 0 && removed)
			printf("removed %u stale pfx tracefs instance%s (left by a pfx that was killed)\n\n", removed,
			       removed == 1 ? "" : "s");
	}
	perf_err = pfx_perf_probe();
	printf("  %-*s %-10s %-9s %s\n", width, "EVENT", "TYPE", "HAVE", "DESCRIPTION");
	for (unsigned i = 0; i < PFX_EV_COUNT; i++)
		print_event((enum pfx_event_id)i, perf_err == 0, width);
	if (perf_err) {
		char hint[256];

		const struct pfx_perf_request own = { 0 };	/* the probe's */

		pfx_perf_denied_hint(perf_err, &own, hint, sizeof(hint));
		printf("\nperf_event_open: %s (%s): pfx stat falls back to /proc, record to tracefs\n",
		       strerror(-perf_err), hint);
	}
	return PFX_EXIT_OK;
}
