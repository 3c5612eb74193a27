/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_maps: 'pfx maps', the state of every page of a running process, per
 * mapping (like pmap -X): resident, swapped, dirty, in a THP, mlocked, the
 * zero page.  Parses options, counts each mapping (page_states.h) and
 * prints the table (maps_output.h). */
#include "config.h"
#include "cmd.h"
#include "maps.h"
#include "maps_output.h"
#include "opts.h"
#include "output.h"
#include "page_states.h"
#include "procstat.h"
#include "target.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct maps_opts {
	pid_t pid;
	enum pfx_format format;
	const char *output;
	const char *root;		/* --root / PFX_ROOT: fixture tree, "" = real */
};

enum { OPT_FORMAT = PFX_OPT_ID_LONG, OPT_ROOT };

static const struct pfx_opt maps_options[] = {
	PFX_OPT('p', "pid", "PID", "the process to inspect"),
	PFX_OPT_LONG(OPT_FORMAT, "format", "F", "text (default), json or csv"),
	PFX_OPT('o', "output", "FILE", "write there (complete or not at all) instead of stdout"),
	PFX_OPT_SECRET(OPT_ROOT, "root", "DIR"),	/* a fixture tree, for tests */
	PFX_OPT('h', "help", NULL, "this text"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx maps -p PID [--format text|json|csv] [-o FILE]\n"
		"\n"
		"Show every mapping of a running process with the state of its pages, in KiB:\n"
		"SIZE, RSS (resident), SWAP, DIRTY, THP (in transparent huge pages), LOCKED\n"
		"(mlocked) and ZERO (mapped to the shared zero page), and a total.\n"
		"DIRTY, THP, LOCKED and ZERO need root (page frame numbers and\n"
		"/proc/kpageflags); without it they print as '-'.\n"
		"\n");
	pfx_opts_help(fp, maps_options, 23);
	fprintf(fp, "\nSee pfx-maps(1).\n");
}

static int parse_options(int argc, char **argv, struct maps_opts *o)
{
	struct pfx_opts p;
	int c;

	o->root = getenv("PFX_ROOT") ? getenv("PFX_ROOT") : "";
	pfx_opts_begin(&p, "maps", maps_options, "", argc, argv);
	while ((c = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;
		int err = 0;

		if (c == 'p') {
			err = pfx_target_pid_option(arg, &o->pid);
		} else if (c == 'o') {
			o->output = arg;
		} else if (c == OPT_FORMAT) {
			err = pfx_format_option(arg, &o->format);
		} else if (c == OPT_ROOT) {
			o->root = arg;
		} else if (c == 'h') {
			usage(stdout);
			exit(PFX_EXIT_OK);
		} else {	/* ':' (missing value) or '?' */
			pfx_opts_refused(&p, c);
			err = -EINVAL;
		}
		if (err)
			return err;
	}
	/* A launched command would be inspected only after it ran to its end,
	 * when it has no memory left: only running processes. */
	if (optind > 1 && strcmp(argv[optind - 1], "--") == 0) {
		pfx_err("pfx maps does not run commands; start the command, then give its PID with -p");
		return -EINVAL;
	}
	if (optind < argc) {
		pfx_err("unexpected argument '%s'; pfx maps inspects a running process: give -p PID",
			argv[optind]);
		return -EINVAL;
	}
	if (!o->pid) {
		pfx_err("which process? give -p PID");
		return -EINVAL;
	}
	return 0;
}

static void report_open_error(const struct maps_opts *o, int err)
{
	int pid = (int)o->pid;

	if (err == -ESRCH)
		pfx_err("process %d does not exist (or exited); check the PID", pid);
	else if (err == -ENXIO)
		pfx_err("process %d has no user address space (a kernel thread?); give a user process", pid);
	else if (err == -ENOENT)
		pfx_err("no %s/proc/%d/pagemap: the kernel lacks CONFIG_PROC_PAGE_MONITOR; use a kernel with it",
			o->root, pid);
	else if (err == -EACCES || err == -EPERM)
		pfx_err("not allowed to read /proc/%d/pagemap (%s); run pfx as root or as the owner of process %d",
			pid, strerror(-err), pid);
	else
		pfx_err("cannot read the pages of process %d: %s", pid, strerror(-err));
}

static void warn_physical(const struct maps_opts *o, enum pfx_page_physical why)
{
	if (why == PFX_PHYSICAL_NO_KPAGEFLAGS)
		pfx_warn("DIRTY, THP, LOCKED and ZERO are unknown ('-'): no %s/proc/kpageflags on this kernel",
			 o->root);
	else
		pfx_warn("DIRTY, THP, LOCKED and ZERO are unknown ('-'): page frame numbers and "
			 "/proc/kpageflags need CAP_SYS_ADMIN; run pfx as root for them");
}

static int read_maps(const struct maps_opts *o, struct pfx_map_entry **maps, size_t *n)
{
	char path[PATH_MAX];
	int err;

	if (!*o->root)
		return pfx_maps_read(o->pid, maps, n);
	if (snprintf(path, sizeof(path), "%s/proc/%d/maps", o->root, (int)o->pid) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	err = pfx_maps_read_file(path, maps, n);
	return err == -ENOENT ? -ESRCH : err;
}

static bool still_mapped(pid_t pid)
{
	struct pfx_map_entry *maps = NULL;
	size_t n = 0;
	bool mapped = pfx_maps_read(pid, &maps, &n) == 0 && n > 0;

	free(maps);
	return mapped;
}

/* Count every mapping into table (states allocated here).  0 or -errno
 * (reported). */
static int count_all(const struct maps_opts *o, struct pfx_page_reader *r, struct pfx_maps_table *t)
{
	struct pfx_page_states *states;
	int err = 0;

	t->total = (struct pfx_page_states){ .physical = true };
	states = calloc(t->n ? t->n : 1, sizeof(*states));
	if (!states) {
		pfx_err("out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->n && !err; i++)
		err = pfx_page_states_count(r, t->maps[i].start, t->maps[i].end, &states[i]);
	if (!err)
		err = pfx_page_states_shared_swap(o->root, o->pid, t->maps, t->n, t->page_size, states);
	for (size_t i = 0; i < t->n && !err; i++)
		pfx_page_states_add(&t->total, &states[i]);
	/* A process that exits while being read leaves an empty pagemap
	 * behind, which reads as pages not present: not a result.  Its maps
	 * are empty from then on (a zombie still exists, but has no mm). */
	if (!err && !*o->root && !still_mapped(o->pid))
		err = -ESRCH;
	if (err == -ESRCH)
		pfx_err("process %d exited while pfx read it; inspect a process that keeps running", (int)o->pid);
	else if (err)
		report_open_error(o, err);
	t->states = states;
	return err;
}

int cmd_maps(int argc, char **argv)
{
	struct maps_opts o = { .format = PFX_FORMAT_TEXT };
	struct pfx_maps_table t = { 0 };
	struct pfx_map_entry *maps = NULL;
	struct pfx_page_reader *r = NULL;
	struct pfx_outfile out;
	char comm[64];
	int err;

	if (parse_options(argc, argv, &o))
		return PFX_EXIT_USAGE;
	if (!*o.root && pfx_refuse_kernel_thread_option(o.pid))
		return PFX_EXIT_ERROR;
	err = pfx_page_reader_open(o.root, o.pid, &r);
	if (!err)
		err = read_maps(&o, &maps, &t.n);
	if (err) {
		report_open_error(&o, err);
		pfx_page_reader_close(r);
		return PFX_EXIT_ERROR;
	}
	if (t.n == 0) {
		/* No mappings: a kernel thread, or a process exiting right now
		 * (it drops its memory before it is a zombie). */
		err = pfx_proc_is_kernel_thread(o.pid) == 1 ? -ENXIO : -ESRCH;
		report_open_error(&o, err);
	}
	t.pid = o.pid;
	t.maps = maps;
	t.page_size = pfx_page_reader_page_size(r);
	if (!err)
		err = count_all(&o, r, &t);
	if (!err && pfx_page_reader_physical(r) != PFX_PHYSICAL_KNOWN)
		warn_physical(&o, pfx_page_reader_physical(r));
	else if (!err && !t.total.physical)
		warn_physical(&o, PFX_PHYSICAL_DENIED);
	pfx_page_reader_close(r);
	if (!err && (err = pfx_outfile_open(&out, o.output)))
		pfx_err("cannot create '%s': %s", o.output, pfx_outfile_strerror(err));
	if (err) {
		free(maps);
		free((void *)t.states);
		return PFX_EXIT_ERROR;
	}
	if (*o.root || pfx_proc_read_comm(o.pid, 0, comm, sizeof(comm)))
		snprintf(comm, sizeof(comm), "?");
	t.comm = comm;
	pfx_maps_print(out.fp, o.format, &t);
	free(maps);
	free((void *)t.states);
	err = pfx_outfile_commit(&out);
	/* A closed pipe (pfx maps | head) is the reader's choice, not an error. */
	if (err && !(err == -EPIPE && !o.output)) {
		pfx_err("cannot write '%s': %s", o.output ? o.output : "standard output", strerror(-err));
		return PFX_EXIT_ERROR;
	}
	return PFX_EXIT_OK;
}
