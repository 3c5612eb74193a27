/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-proc: the parsers of the /proc (and sysfs) text pfx reads about
 * other processes must survive any bytes: a process can put anything in
 * its comm, its mapped paths or its cgroup name, and the kernel's formats
 * change.  The first input byte picks the parser; the rest, NUL-terminated,
 * is the file's text.  Every parse either fails with an error code or
 * fills its output; never a crash, hang or out-of-bounds read.
 *
 *   'm' /proc/PID/maps, line by line     pfx_maps_parse_line
 *   's' /proc/PID/stat                   pfx_proc_parse_stat
 *   'r' /proc/PID/smaps_rollup           pfx_thp_parse_rollup
 *   'v' /proc/vmstat                     pfx_thp_parse_vmstat
 *   'n' /proc/PID/numa_maps              pfx_numa_maps_parse
 *   'S' /proc/PID/smaps                  pfx_wss_refs_parse_smaps
 *   't' /proc/PID/stat (pfx top)         pfx_top_parse_stat
 *   'u' /proc/PID/status (pfx top)       pfx_top_parse_status
 *   'c' /proc/PID/cgroup (pfx top)       pfx_cgroup_parse
 *   'h' a sysfs THP choice line          pfx_thp_parse_choice
 *   'k' a cgroup path's pod, container   pfx_cgname_parse, pfx_cgname_short
 *       and service names
 * Any other first byte picks parser (byte % 11) of that list.
 *
 * With --enable-fuzzer (clang) this is a libFuzzer target:
 *   ./tests/fuzz/fuzz-proc tests/fuzz/corpus/proc
 * Without it, main() replays the seed corpus (a 'make check' test). */
#include "config.h"
#include "maps.h"
#include "numa_maps.h"
#include "procstat.h"
#include "thp_stats.h"
#include "hostscope.h"
#include "cgname.h"
#include "top.h"
#include "wss.h"
#include "wss_refs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s, size_t size)
{
	if (strnlen(s, size) == size)
		abort();	/* not terminated */
}

static void parse_maps(const char *text)
{
	struct pfx_map_entry *e = malloc(sizeof(*e));
	const char *line = text;

	if (!e)
		return;
	/* each line as the reader hands it over (newline included) */
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
		char *copy = malloc(len + 1);

		if (!copy)
			break;
		memcpy(copy, line, len);
		copy[len] = '\0';
		if (pfx_maps_parse_line(copy, e) == 0) {
			check_str(e->path, sizeof(e->path));
			(void)pfx_map_kind_name(pfx_map_classify(e->path, e->flags));
			(void)pfx_map_path_is_file(e->path);
		}
		free(copy);
		line += len;
	}
	free(e);
}

static void parse_stat(const char *text)
{
	struct pfx_proc_faults f;
	char comm[64];

	if (pfx_proc_parse_stat(text, &f, comm, sizeof(comm)) == 0)
		check_str(comm, sizeof(comm));
	/* a comm buffer too small for any name */
	if (pfx_proc_parse_stat(text, &f, comm, 1) == 0)
		check_str(comm, 1);
}

static void parse_rollup(const char *text)
{
	struct pfx_thp_rollup r;

	memset(&r, 0, sizeof(r));
	(void)pfx_thp_parse_rollup(text, &r);
}

static void parse_vmstat(const char *text)
{
	struct pfx_vmstat v, prev, d;

	memset(&v, 0, sizeof(v));
	if (pfx_thp_parse_vmstat(text, &v) == 0) {
		memset(&prev, 0, sizeof(prev));
		prev.present[PFX_VM_THP_FAULT_ALLOC] = true;
		pfx_vmstat_delta(&prev, &v, &d);
	}
}

static void parse_numa(const char *text)
{
	struct pfx_numa_usage *u = calloc(2, sizeof(*u));

	if (!u)
		return;
	if (pfx_numa_maps_parse(text, &u[0]) == 0) {
		if (u[0].n_nodes > PFX_NUMA_MAX_NODES)
			abort();
		pfx_numa_usage_add(&u[1], &u[0]);
	}
	free(u);
}

static void parse_smaps(const char *text)
{
	struct pfx_wss_reading r;

	for (int by_mapping = 0; by_mapping <= 1; by_mapping++) {
		memset(&r, 0, sizeof(r));
		if (pfx_wss_refs_parse_smaps(text, by_mapping, &r) == 0) {
			for (size_t i = 0; i < r.n_mappings; i++)
				if (r.mappings[i].name)
					(void)strlen(r.mappings[i].name);
		}
		pfx_wss_reading_clear(&r);
	}
}

static void parse_top_stat(const char *text)
{
	struct top_proc p;

	memset(&p, 0, sizeof(p));
	if (pfx_top_parse_stat(text, &p) == 0)
		check_str(p.comm, sizeof(p.comm));
}

static void parse_top_status(const char *text)
{
	struct top_proc p;

	memset(&p, 0, sizeof(p));
	(void)pfx_top_parse_status(text, &p);
}

static void parse_cgroup(const char *text)
{
	char out[TOP_CGROUP_MAX], small[4];

	pfx_cgroup_parse(text, out, sizeof(out));
	check_str(out, sizeof(out));
	pfx_cgroup_parse(text, small, sizeof(small));
	check_str(small, sizeof(small));
}

static void parse_choice(const char *text)
{
	char out[32], small[2];

	if (pfx_thp_parse_choice(text, out, sizeof(out)) == 0)
		check_str(out, sizeof(out));
	if (pfx_thp_parse_choice(text, small, sizeof(small)) == 0)
		check_str(small, sizeof(small));
}

static void parse_cgname(const char *text)
{
	struct pfx_cgname n;
	char out[160], small[8];

	if (!pfx_cgname_parse(text, &n))
		return;
	check_str(n.pod_uid, sizeof(n.pod_uid));
	check_str(n.container_id, sizeof(n.container_id));
	check_str(n.service, sizeof(n.service));
	/* a QoS class only with a pod */
	if (n.qos_class && !n.pod_uid[0])
		abort();
	pfx_cgname_short(&n, out, sizeof(out));
	check_str(out, sizeof(out));
	pfx_cgname_short(&n, small, sizeof(small));
	check_str(small, sizeof(small));
}

static const struct {
	char sel;
	void (*parse)(const char *text);
} parsers[] = {
	{ 'm', parse_maps },	{ 's', parse_stat },	  { 'r', parse_rollup },
	{ 'v', parse_vmstat },	{ 'n', parse_numa },	  { 'S', parse_smaps },
	{ 't', parse_top_stat }, { 'u', parse_top_status }, { 'c', parse_cgroup },
	{ 'h', parse_choice },	{ 'k', parse_cgname },
};
#define N_PARSERS (sizeof(parsers) / sizeof(parsers[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t which = N_PARSERS;
	char *text;

	if (size == 0)
		return 0;
	for (size_t i = 0; i < N_PARSERS; i++)
		if (parsers[i].sel == (char)data[0])
			which = i;
	if (which == N_PARSERS)
		which = data[0] % N_PARSERS;
	/* exactly size - 1 bytes and a NUL: reads past it are ASan's */
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	parsers[which].parse(text);
	free(text);
	return 0;
}

#define PFX_FUZZ_NAME "fuzz-proc"
#include "replay.h"
