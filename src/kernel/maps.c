/* SPDX-License-Identifier: GPL-2.0-or-later */
/* maps: /proc/PID/maps parsing and mapping classification. */
#include "config.h"
#include "maps.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The kernel writes a newline in a path as "\012" (and nothing else so):
 * back to the newline, so a name read here is the one perf's mmap events
 * give (the recorder matches the two; a report shows both the same, as
 * \x0a).  A path that holds the four characters itself reads as a newline
 * too: the kernel's text cannot tell them apart. */
static void unescape_newlines(char *path)
{
	char *r = strstr(path, "\\012"), *w = r;

	if (!r)
		return;
	while (*r) {
		if (strncmp(r, "\\012", 4) == 0) {
			*w++ = '\n';
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

int pfx_maps_parse_line(const char *line, struct pfx_map_entry *e)
{
	char perms[8];
	unsigned long long start, end, off, inode;
	unsigned dev_major, dev_minor;
	int n = 0;
	const char *path;
	size_t len;

	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu%n", &start, &end, perms, &off,
		   &dev_major, &dev_minor, &inode, &n) != 7 || n == 0)
		return -EINVAL;
	if (end < start || strlen(perms) != 4)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	e->start = start;
	e->end = end;
	e->pgoff = off;
	e->inode = inode;
	e->prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
		  (perms[2] == 'x' ? PROT_EXEC : 0);
	e->flags = perms[3] == 's' ? MAP_SHARED : MAP_PRIVATE;
	for (path = line + n; *path == ' ' || *path == '\t'; path++)
		;
	len = strcspn(path, "\n");
	if (len >= sizeof(e->path))
		len = sizeof(e->path) - 1;
	memcpy(e->path, path, len);
	e->path[len] = '\0';
	unescape_newlines(e->path);
	return 0;
}

int pfx_maps_read(pid_t pid, struct pfx_map_entry **entries, size_t *count)
{
	char name[64];
	int err;

	snprintf(name, sizeof(name), "/proc/%d/maps", (int)pid);
	err = pfx_maps_read_file(name, entries, count);
	return err == -ENOENT ? -ESRCH : err;
}

int pfx_maps_read_file(const char *name, struct pfx_map_entry **entries, size_t *count)
{
	char *line = NULL;
	size_t cap = 0, n = 0, line_cap = 0;
	struct pfx_map_entry *v = NULL;
	FILE *fp;
	int err = 0;

	fp = fopen(name, "re");
	if (!fp)
		return -errno;
	while (getline(&line, &line_cap, fp) > 0) {
		if (PFX_GROW(v, cap, n + 1, 64)) {
			err = -ENOMEM;
			break;
		}
		if (pfx_maps_parse_line(line, &v[n]) == 0)
			n++;
	}
	if (!err && ferror(fp))
		err = errno ? -errno : -EIO;
	free(line);
	fclose(fp);
	if (err) {
		free(v);
		return err;
	}
	*entries = v;
	*count = n;
	return 0;
}

bool pfx_map_path_is_file(const char *path)
{
	return path[0] == '/' && path[1] != '/';	/* "//anon" is perf's anonymous */
}

enum pfx_map_kind pfx_map_classify(const char *path, uint32_t flags)
{
	bool shared = flags & MAP_SHARED;

	if (!path || !path[0] || strcmp(path, "//anon") == 0)
		return shared ? PFX_MAP_SHM : PFX_MAP_ANON;
	if (path[0] == '[') {
		if (strcmp(path, "[heap]") == 0)
			return PFX_MAP_HEAP;
		if (strcmp(path, "[stack]") == 0 || strncmp(path, "[stack:", 7) == 0)
			return PFX_MAP_STACK;
		if (strcmp(path, "[vdso]") == 0 || strcmp(path, "[vvar]") == 0 ||
		    strcmp(path, "[vvar_vclock]") == 0 || strcmp(path, "[vsyscall]") == 0)
			return PFX_MAP_VDSO;
		if (strncmp(path, "[anon:", 6) == 0)
			return PFX_MAP_ANON;
		if (strncmp(path, "[anon_shmem:", 12) == 0)
			return PFX_MAP_SHM;
		return PFX_MAP_OTHER;
	}
	/* Shared anonymous memory is backed by shmem files with these names. */
	if (strncmp(path, "/dev/zero", 9) == 0 || strncmp(path, "/SYSV", 5) == 0 ||
	    strncmp(path, "/dev/shm/", 9) == 0 || strncmp(path, "/memfd:", 7) == 0)
		return PFX_MAP_SHM;
	if (path[0] == '/')
		return PFX_MAP_FILE;
	return PFX_MAP_OTHER;
}

const char *pfx_map_kind_name(enum pfx_map_kind kind)
{
	static const char *const names[PFX_MAP_KIND_COUNT] = {
		[PFX_MAP_HEAP] = "heap", [PFX_MAP_STACK] = "stack", [PFX_MAP_ANON] = "anon",
		[PFX_MAP_FILE] = "file", [PFX_MAP_SHM] = "shm", [PFX_MAP_VDSO] = "vdso",
		[PFX_MAP_OTHER] = "other",
	};

	return (unsigned)kind < PFX_MAP_KIND_COUNT ? names[kind] : "other";
}
