/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thp_stats: smaps_rollup, vmstat and the sysfs THP policy, parsed
 * without allocating per line; the files stay open between samples. */
#include "config.h"
#include "thp_stats.h"
#include "proctree.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THP_SYSFS "/sys/kernel/mm/transparent_hugepage"
/* Half a page per read(): a numa_maps or smaps_rollup record that does
 * not fit a read is walked again by the next (see util.h). */
#define PROC_READ_CHUNK 2048

static const char *const vm_names[PFX_VM_COUNT] = {
	[PFX_VM_THP_FAULT_ALLOC] = "thp_fault_alloc",
	[PFX_VM_THP_FAULT_FALLBACK] = "thp_fault_fallback",
	[PFX_VM_THP_FAULT_FALLBACK_CHARGE] = "thp_fault_fallback_charge",
	[PFX_VM_THP_COLLAPSE_ALLOC] = "thp_collapse_alloc",
	[PFX_VM_THP_COLLAPSE_ALLOC_FAILED] = "thp_collapse_alloc_failed",
	[PFX_VM_THP_SPLIT_PAGE] = "thp_split_page",
	[PFX_VM_THP_DEFERRED_SPLIT_PAGE] = "thp_deferred_split_page",
	[PFX_VM_NUMA_HINT_FAULTS] = "numa_hint_faults",
	[PFX_VM_NUMA_HINT_FAULTS_LOCAL] = "numa_hint_faults_local",
	[PFX_VM_NUMA_PAGES_MIGRATED] = "numa_pages_migrated",
	[PFX_VM_PGMIGRATE_SUCCESS] = "pgmigrate_success",
	[PFX_VM_PGMIGRATE_FAIL] = "pgmigrate_fail",
};

const char *pfx_vm_counter_name(enum pfx_vm_counter c)
{
	return (unsigned)c < PFX_VM_COUNT ? vm_names[c] : "?";
}

/* A line "name[:] number[ kB]": the name (without the colon) and the
 * number.  false for anything else. */
static bool name_value(const char *line, const char **name, size_t *name_len, uint64_t *value)
{
	const char *p = line + strcspn(line, ": \n");

	if (p == line || (*p != ':' && *p != ' '))
		return false;
	*name = line;
	*name_len = (size_t)(p - line);
	if (*p == ':')
		p++;
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	for (*value = 0; *p >= '0' && *p <= '9'; p++)
		*value = *value * 10 + (uint64_t)(*p - '0');
	return true;
}

static bool same_name(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && memcmp(name, want, len) == 0;
}

static const char *next_line(const char *line)
{
	const char *nl = strchr(line, '\n');

	return nl ? nl + 1 : line + strlen(line);
}

/* Call fn for every "name[:] number" line of text; other lines (the
 * rollup's address line) are skipped.  How many lines fn saw. */
static size_t each_value(const char *text, void (*fn)(void *ctx, const char *name, size_t len, uint64_t v),
			 void *ctx)
{
	size_t n = 0;

	for (const char *line = text; *line; line = next_line(line)) {
		const char *name;
		size_t len;
		uint64_t v;

		if (name_value(line, &name, &len, &v)) {
			fn(ctx, name, len, v);
			n++;
		}
	}
	return n;
}

struct rollup_ctx {
	struct pfx_thp_rollup *r;
	bool has_rss;
};

static void rollup_value(void *ctx, const char *name, size_t len, uint64_t v)
{
	struct rollup_ctx *c = ctx;
	struct pfx_thp_rollup *r = c->r;
	const struct { const char *name; uint64_t *field; bool *has; } fields[] = {
		{ "Rss", &r->rss_kb, &c->has_rss },
		{ "Anonymous", &r->anon_kb, NULL },
		{ "AnonHugePages", &r->anon_huge_kb, &r->has_anon_huge },
		{ "ShmemPmdMapped", &r->shmem_pmd_kb, &r->has_shmem_pmd },
		{ "FilePmdMapped", &r->file_pmd_kb, &r->has_file_pmd },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!same_name(name, len, fields[i].name))
			continue;
		*fields[i].field = v;
		if (fields[i].has)
			*fields[i].has = true;
		return;
	}
}

int pfx_thp_parse_rollup(const char *text, struct pfx_thp_rollup *out)
{
	struct rollup_ctx ctx = { .r = out };

	memset(out, 0, sizeof(*out));
	out->processes = 1;
	each_value(text, rollup_value, &ctx);
	return ctx.has_rss ? 0 : -EINVAL;
}

static void vmstat_value(void *ctx, const char *name, size_t len, uint64_t v)
{
	struct pfx_vmstat *out = ctx;

	for (unsigned c = 0; c < PFX_VM_COUNT; c++) {
		if (same_name(name, len, vm_names[c])) {
			out->value[c] = v;
			out->present[c] = true;
			return;
		}
	}
}

int pfx_thp_parse_vmstat(const char *text, struct pfx_vmstat *out)
{
	memset(out, 0, sizeof(*out));
	return each_value(text, vmstat_value, out) ? 0 : -EINVAL;
}

void pfx_vmstat_delta(const struct pfx_vmstat *prev, const struct pfx_vmstat *cur,
		      struct pfx_vmstat *out)
{
	for (unsigned c = 0; c < PFX_VM_COUNT; c++) {
		out->present[c] = prev->present[c] && cur->present[c];
		/* Event counters only grow; per-CPU folding can show a
		 * momentary dip, which is no event. */
		out->value[c] = out->present[c] && cur->value[c] > prev->value[c]
					? cur->value[c] - prev->value[c] : 0;
	}
}

/* --- the policy --- */

int pfx_thp_parse_choice(const char *text, char *out, size_t size)
{
	const char *open = strchr(text, '['), *close = open ? strchr(open, ']') : NULL;
	size_t len;

	if (!close || size == 0)
		return -EINVAL;
	len = (size_t)(close - open - 1);
	if (len == 0 || len >= size)
		return -EINVAL;
	memcpy(out, open + 1, len);
	out[len] = '\0';
	return 0;
}

/* ROOT/sys/.../transparent_hugepage/name into buf.  Length or -errno. */
static ssize_t read_thp_file(const char *root, const char *name, char *buf, size_t size)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s" THP_SYSFS "/%s", root, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return pfx_read_file(path, buf, size);
}

static int read_choice(const char *root, const char *name, char *out, size_t size)
{
	char buf[256];
	ssize_t n = read_thp_file(root, name, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return pfx_thp_parse_choice(buf, out, size);
}

int pfx_thp_read_policy(const char *root, struct pfx_thp_policy *out)
{
	char buf[64];
	uint64_t bytes;
	ssize_t n;
	int err;

	memset(out, 0, sizeof(*out));
	out->huge_page_kb = 2048;
	err = read_choice(root, "enabled", out->enabled, sizeof(out->enabled));
	if (err == -ENOENT)
		return 0;	/* a kernel without THP: not an error */
	if (err)
		return err;
	out->available = true;
	err = read_choice(root, "defrag", out->defrag, sizeof(out->defrag));
	if (err == -ENOENT)
		snprintf(out->defrag, sizeof(out->defrag), "?");
	else if (err)
		return err;
	/* hpage_pmd_size came in 4.14; before, PMD huge pages were 2 MiB on x86. */
	n = read_thp_file(root, "hpage_pmd_size", buf, sizeof(buf));
	if (n >= 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (pfx_parse_u64(buf, &bytes) || bytes < 1024)
			return -EINVAL;
		out->huge_page_kb = bytes / 1024;
	} else if (n != -ENOENT) {
		return (int)n;
	}
	return 0;
}

const char *pfx_thp_policy_note(const struct pfx_thp_policy *p)
{
	if (!p->available)
		return "no transparent huge pages: the kernel has no " THP_SYSFS;
	if (strcmp(p->enabled, "madvise") == 0)
		return "madvise: only MADV_HUGEPAGE regions get huge pages";
	if (strcmp(p->enabled, "always") == 0)
		return "always: any large enough anonymous region may get huge pages";
	if (strcmp(p->enabled, "never") == 0)
		return "never: page faults and khugepaged make no huge pages";
	return "an enabled mode pfx does not know";
}

/* --- the source --- */

struct pfx_thp_source {
	const char *root;
	pid_t pid;		/* the target, for reopening after its execve */
	int rollup_fd, numa_fd, vmstat_fd;	/* in this order: close() walks them */
	const char *missing;	/* the file an -ENOENT was about */
	bool children;		/* sum the target's descendants too */
	char *buf;		/* the last file read, reused */
	size_t cap;
};

int pfx_thp_source_open(const char *root, struct pfx_thp_source **out)
{
	struct pfx_thp_source *s = calloc(1, sizeof(*s));

	*out = s;
	if (!s)
		return -ENOMEM;
	s->rollup_fd = s->numa_fd = -1;
	s->root = root;
	s->vmstat_fd = pfx_open_under_root(root, O_RDONLY, "/proc/vmstat");
	if (s->vmstat_fd == -ENOENT)
		s->missing = "/proc/vmstat";
	return s->vmstat_fd < 0 ? s->vmstat_fd : 0;
}

int pfx_thp_source_open_target(struct pfx_thp_source *s, pid_t pid)
{
	s->pid = pid;
	s->rollup_fd = pfx_proc_open(s->root, pid, "smaps_rollup", O_RDONLY);
	if (s->rollup_fd < 0) {
		s->missing = "/proc/PID/smaps_rollup";
		return s->rollup_fd;
	}
	s->numa_fd = pfx_proc_open(s->root, pid, "numa_maps", O_RDONLY);
	if (s->numa_fd == -ENOENT)
		return 0;	/* no CONFIG_NUMA: placement absent */
	return s->numa_fd < 0 ? s->numa_fd : 0;
}

const char *pfx_thp_source_missing(const struct pfx_thp_source *s)
{
	return s && s->missing ? s->missing : "?";
}

bool pfx_thp_source_has_numa(const struct pfx_thp_source *s)
{
	return s->numa_fd >= 0;
}

/* Read fd whole into s->buf.  0, -ESRCH when empty (a process without an
 * address space any more), -errno. */
static int read_whole(struct pfx_thp_source *s, int fd)
{
	ssize_t n = pfx_read_fd_grow(fd, PROC_READ_CHUNK, &s->buf, &s->cap);

	if (n < 0)
		return n == -ESRCH || n == -EIO ? -ESRCH : (int)n;
	return n == 0 ? -ESRCH : 0;
}

/* Empty files: the process exited, or it called execve (attached between
 * a fork and its exec): the new address space needs new opens. */
static int reopen_target(struct pfx_thp_source *s)
{
	int err = pfx_proc_reopen(&s->rollup_fd, s->root, s->pid, "smaps_rollup");

	if (!err && s->numa_fd >= 0)
		err = pfx_proc_reopen(&s->numa_fd, s->root, s->pid, "numa_maps");
	return err;
}

void pfx_thp_source_follow_children(struct pfx_thp_source *s)
{
	s->children = true;
}

static void rollup_add(struct pfx_thp_rollup *sum, const struct pfx_thp_rollup *r)
{
	sum->rss_kb += r->rss_kb;
	sum->anon_kb += r->anon_kb;
	sum->anon_huge_kb += r->anon_huge_kb;
	sum->shmem_pmd_kb += r->shmem_pmd_kb;
	sum->file_pmd_kb += r->file_pmd_kb;
	sum->processes += r->processes;
}

/* One file of another process, read whole into s->buf.  0 or -errno. */
static int read_other(struct pfx_thp_source *s, pid_t pid, const char *name)
{
	int fd = pfx_proc_open(s->root, pid, name, O_RDONLY), err;

	if (fd < 0)
		return fd;
	err = read_whole(s, fd);
	close(fd);
	return err;
}

/* Add every descendant's rollup (and numa placement) to the target's.
 * Children come and go: one that cannot be read is not there.  0 or
 * -ENOMEM. */
static int add_descendants(struct pfx_thp_source *s, struct pfx_thp_rollup *rollup,
			   struct pfx_numa_usage *numa)
{
	struct pfx_thp_rollup r;
	struct pfx_numa_usage u;
	pid_t *kids = NULL;
	size_t n = 0;
	int err = pfx_proc_descendants(s->root, s->pid, &kids, &n);

	for (size_t i = 0; i < n && !err; i++) {
		if (read_other(s, kids[i], "smaps_rollup") || pfx_thp_parse_rollup(s->buf, &r))
			continue;
		if (s->numa_fd >= 0 &&
		    (read_other(s, kids[i], "numa_maps") || pfx_numa_maps_parse(s->buf, &u)))
			continue;	/* both or neither: the sums must agree */
		rollup_add(rollup, &r);
		if (s->numa_fd >= 0)
			pfx_numa_usage_add(numa, &u);
	}
	free(kids);
	return err;
}

int pfx_thp_read_target(struct pfx_thp_source *s, struct pfx_thp_rollup *rollup,
			struct pfx_numa_usage *numa)
{
	int err = read_whole(s, s->rollup_fd);

	if (err == -ESRCH && reopen_target(s) == 0)
		err = read_whole(s, s->rollup_fd);

	if (!err)
		err = pfx_thp_parse_rollup(s->buf, rollup);
	if (!err && s->numa_fd >= 0) {
		err = read_whole(s, s->numa_fd);
		if (!err)
			err = pfx_numa_maps_parse(s->buf, numa);
	}
	if (!err && s->children)
		err = add_descendants(s, rollup, numa);
	return err;
}

int pfx_thp_read_vmstat(struct pfx_thp_source *s, struct pfx_vmstat *out)
{
	int err = read_whole(s, s->vmstat_fd);

	if (err == -ESRCH)
		return -EINVAL;	/* an empty vmstat is no system's */
	return err ? err : pfx_thp_parse_vmstat(s->buf, out);
}

void pfx_thp_source_close(struct pfx_thp_source *s)
{
	if (!s)
		return;
	for (int *fd = &s->rollup_fd; fd <= &s->vmstat_fd; fd++)
		if (*fd >= 0)
			close(*fd);
	free(s->buf);
	free(s);
}
