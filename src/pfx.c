/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pfx: the Linux page-fault explorer.  This file only dispatches to the
 * subcommands (cmd_*.c); see pfx(1). */
#include "config.h"
#include "cmd.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "stat",   cmd_stat,   "count minor/major faults of a process, live" },
	{ "record", cmd_record, "record every fault (address, ip, thread, time) to a file" },
	{ "report", cmd_report, "explain a recording: regions, patterns, threads, latency" },
	{ "advise", cmd_advise, "what costs faults in a recording, and what to do about it" },
	{ "diff",   cmd_diff,   "the change between two recordings: totals, regions, functions" },
	{ "wss",    cmd_wss,    "estimate the working-set size over time, against RSS" },
	{ "maps",   cmd_maps,   "show the state of every page of a process, per mapping" },
	{ "plot",   cmd_plot,   "gnuplot charts of recordings and of stat, thp, maps, wss, top JSON" },
	{ "thp",    cmd_thp,    "THP and NUMA fault behaviour of a process over time" },
	{ "top",    cmd_top,    "every process's fault rates, RSS and swap, live (like top)" },
	{ "serve",  cmd_serve,  "fault counters for Prometheus: /metrics over HTTP, or a textfile" },
	{ "try",    cmd_try,    "run a command with and without a remedy, and measure the change" },
	{ "list",   cmd_list,   "show the events pfx uses and whether this kernel has them" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: pfx [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < PFX_ARRAY_SIZE(subcommands); i++)
		fprintf(fp, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(fp, "\n'pfx COMMAND --help' shows a command's options; see pfx(1).\n");
}

/* The optional libraries this pfx was built with (+) or without (-): what
 * a packager or a bug report needs to know (doc/packaging.md); the tests
 * read it to expect a feature or its "built without" error. */
static void print_features(void)
{
	static const struct { const char *name; bool with; } features[] = {
#ifdef PFX_WITH_LIBDW
		{ "libdw", true },
#else
		{ "libdw", false },
#endif
#ifdef PFX_WITH_ZLIB
		{ "zlib", true },
#else
		{ "zlib", false },
#endif
#ifdef PFX_WITH_LIBPFM
		{ "libpfm4", true },
#else
		{ "libpfm4", false },
#endif
#ifdef PFX_WITH_DEMANGLE
		{ "demangle", true },
#else
		{ "demangle", false },
#endif
	};

	printf("features:");
	for (size_t i = 0; i < PFX_ARRAY_SIZE(features); i++)
		printf(" %c%s", features[i].with ? '+' : '-', features[i].name);
	printf("\n");
}

static const struct subcommand *find(const char *name)
{
	for (size_t i = 0; i < PFX_ARRAY_SIZE(subcommands); i++)
		if (strcmp(name, subcommands[i].name) == 0)
			return &subcommands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name) {
		usage(stderr);
		return PFX_EXIT_USAGE;
	}
	/* 'pfx help COMMAND' is 'pfx COMMAND --help', as git and perf do it. */
	if (strcmp(name, "help") == 0 && argc > 2) {
		char help[] = "--help";
		char *help_argv[] = { argv[2], help, NULL };

		if (!find(argv[2])) {
			pfx_err("no command '%s' to help with; run 'pfx --help' for the list", argv[2]);
			return PFX_EXIT_USAGE;
		}
		return find(argv[2])->run(2, help_argv);
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
		usage(stdout);
		return PFX_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0) {
		printf("pfx %s\n", PACKAGE_VERSION);
		print_features();
		return PFX_EXIT_OK;
	}
	if (find(name))
		return find(name)->run(argc - 1, argv + 1);
	pfx_err("unknown command '%s'; run 'pfx --help' for the list", name);
	return PFX_EXIT_USAGE;
}
