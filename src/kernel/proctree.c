/* SPDX-License-Identifier: GPL-2.0-or-later */
/* proctree: descendants through task/TID/children, else by parent field. */
#include "config.h"
#include "proctree.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pid_list {
	pid_t *v;
	size_t n, cap;
};

static int push(struct pid_list *l, pid_t pid)
{
	if (l->n == PFX_PROCTREE_MAX)
		return 0;
	if (PFX_GROW(l->v, l->cap, l->n + 1, 16))
		return -ENOMEM;
	l->v[l->n++] = pid;
	return 0;
}

/* Append the PIDs listed in a children file ("12 34 ").  0 or -errno. */
static int add_listed(const char *text, struct pid_list *l)
{
	int err = 0;

	for (const char *p = text; *p && !err;) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (v > 0 && v <= INT_MAX)
			err = push(l, (pid_t)v);
		p = end;
	}
	return err;
}

/* Append the children of every thread of pid (none once it is gone).
 * 0 or -errno. */
static int children_of(const char *root, pid_t pid, struct pid_list *l)
{
	char path[PATH_MAX], text[4096];
	struct dirent *de;
	int err = 0;
	DIR *dir;

	if (snprintf(path, sizeof(path), "%s/proc/%d/task", root, (int)pid) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!err && (de = readdir(dir))) {
		ssize_t len;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		fd = pfx_open_under_root(root, O_RDONLY, "/proc/%d/task/%s/children", (int)pid, de->d_name);
		if (fd < 0)
			continue;
		/* A list longer than this is cut: such a tree is beyond
		 * what a per-process view follows anyway. */
		len = read(fd, text, sizeof(text) - 1);
		close(fd);
		text[len > 0 ? len : 0] = '\0';
		err = add_listed(text, l);
	}
	closedir(dir);
	return err;
}

/* Does the kernel have task/TID/children?  Asked of pid's main thread,
 * which exists as long as the process does. */
static bool has_children_files(const char *root, pid_t pid)
{
	int fd = pfx_open_under_root(root, O_RDONLY, "/proc/%d/task/%d/children", (int)pid, (int)pid);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	if (fd != -ENOENT)
		return true;
	fd = pfx_open_under_root(root, O_RDONLY | O_DIRECTORY, "/proc/%d/task/%d", (int)pid, (int)pid);
	if (fd < 0)
		return true;	/* the process is gone: nothing to find either way */
	close(fd);
	return false;
}

/* The parent field of /proc/N/stat (after the last ')'), or -1. */
static pid_t parent_of(const char *root, const char *name)
{
	char text[512], *p;
	int fd = pfx_open_under_root(root, O_RDONLY, "/proc/%s/stat", name), ppid;
	ssize_t len;

	if (fd < 0)
		return -1;
	len = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[len > 0 ? len : 0] = '\0';
	p = strrchr(text, ')');
	return p && sscanf(p + 1, " %*c %d", &ppid) == 1 ? (pid_t)ppid : -1;
}

/* Without children files: every process's parent, then a walk down. */
static int by_parent_field(const char *root, pid_t pid, struct pid_list *l)
{
	struct pid_list all = { 0 }, parents = { 0 };
	char path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/proc", root);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while (!err && (de = readdir(dir))) {
		pid_t ppid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		ppid = parent_of(root, de->d_name);
		if (ppid >= 0 && !(err = push(&all, (pid_t)atoi(de->d_name))))
			err = push(&parents, ppid);
	}
	closedir(dir);
	/* Breadth first: l grows while it is walked; entry 0 is pid. */
	for (size_t from = 0; !err && from <= l->n; from++) {
		pid_t parent = from == 0 ? pid : l->v[from - 1];

		for (size_t i = 0; i < all.n && !err; i++)
			if (parents.v[i] == parent)
				err = push(l, all.v[i]);
	}
	free(all.v);
	free(parents.v);
	return err;
}

int pfx_proc_descendants(const char *root, pid_t pid, pid_t **out, size_t *n)
{
	struct pid_list l = { 0 };
	int err;

	root = root ? root : "";
	if (!has_children_files(root, pid)) {
		err = by_parent_field(root, pid, &l);
	} else {
		/* Breadth first: l grows while it is walked. */
		err = children_of(root, pid, &l);
		for (size_t i = 0; !err && i < l.n && l.n < PFX_PROCTREE_MAX; i++)
			err = children_of(root, l.v[i], &l);
	}
	if (err) {
		free(l.v);
		return err;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}
