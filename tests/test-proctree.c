/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-proctree: pfx_proc_descendants() on fixture trees, with the
 * kernel's task/TID/children files and without them (the parent field of
 * every stat), and on the real kernel (a shell's child and grandchild). */
#include "config.h"
#include "proctree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static void put(const char *root, const char *rel, const char *text)
{
	char path[512], dir[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - path), path);
		mkdir(dir, 0755);
	}
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(99);
	}
}

/* "11 13 12": the descendants in the order found. */
static void expect(const char *root, pid_t pid, const char *want)
{
	char got[256] = "";
	pid_t *kids = NULL;
	size_t n = 0;
	int err = pfx_proc_descendants(root, pid, &kids, &n);

	for (size_t i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%d", i ? " " : "", (int)kids[i]);
	CHECK(err == 0 && strcmp(got, want) == 0, "%s: descendants of %d: '%s' (err %d), expected '%s'", root,
	      (int)pid, got, err, want);
	free(kids);
}

int main(void)
{
	char with[256], without[256], cmd[600];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	snprintf(with, sizeof(with), "%s/pfx-proctree.XXXXXX", tmp);
	snprintf(without, sizeof(without), "%s/pfx-proctree.XXXXXX", tmp);
	if (!mkdtemp(with) || !mkdtemp(without)) {
		perror("mkdtemp");
		return 99;
	}
	/* 10 -> 11 (threads 11, 14) -> 12 (a child of thread 14); 10 -> 13. */
	put(with, "/proc/10/task/10/children", "11 13 ");
	put(with, "/proc/11/task/11/children", "");
	put(with, "/proc/11/task/14/children", "12 ");
	put(with, "/proc/12/task/12/children", "");
	put(with, "/proc/13/task/13/children", "");
	expect(with, 10, "11 13 12");
	expect(with, 13, "");
	expect(with, 99, "");	/* gone */
	/* The same tree told by the parent fields only. */
	put(without, "/proc/10/stat", "10 (a) S 1 10 10 0 -1 0\n");
	put(without, "/proc/11/stat", "11 (b c) S 10 10 10 0 -1 0\n");
	put(without, "/proc/12/stat", "12 (x) y) R 11 10 10 0 -1 0\n");
	put(without, "/proc/13/stat", "13 (d) S 10 10 10 0 -1 0\n");
	put(without, "/proc/10/task/10/stat", "");
	{
		char got[256] = "";
		pid_t *kids = NULL;
		size_t n = 0;
		int err = pfx_proc_descendants(without, 10, &kids, &n);

		/* readdir order is the file system's: compare as a set. */
		for (size_t i = 0; i < n; i++)
			got[kids[i] - 10] = 'x';
		CHECK(err == 0 && n == 3 && got[1] && got[2] && got[3], "by parent field: %zu descendants (err %d)", n, err);
		free(kids);
	}
	/* The real kernel: sh -c 'sleep 5 & wait' has a child sh? no: a sleep. */
	{
		pid_t pid = fork();

		if (pid == 0) {
			execlp("sh", "sh", "-c", "sh -c 'sleep 3; true' & wait", (char *)NULL);
			_exit(127);
		}
		usleep(300000);
		{
			pid_t *kids = NULL;
			size_t n = 0;
			int err = pfx_proc_descendants("", pid, &kids, &n);

			CHECK(err == 0 && n == 2, "a shell's child and grandchild: %zu (err %d)", n, err);
			free(kids);
		}
		kill(pid, 15);
		waitpid(pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", with, without);
	if (system(cmd) != 0)
		printf("note: could not remove the fixtures\n");
	if (failures) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
