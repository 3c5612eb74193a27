/* SPDX-License-Identifier: GPL-2.0-or-later */
/* replay: main() of a fuzz harness built without libFuzzer: feeds
 * every file of the seed corpus (PFX_FUZZ_CORPUS, or argv[1]) to
 * LLVMFuzzerTestOneInput once, so 'make check' runs the harness.  Include
 * it at the end of the harness after defining PFX_FUZZ_NAME. */
#ifndef PFX_FUZZ_REPLAY_H
#define PFX_FUZZ_REPLAY_H

#ifndef PFX_LIBFUZZER
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int replay(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!fp)
		return -1;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || n < 0 || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : PFX_FUZZ_CORPUS;
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);
	int files = 0;

	if (!d) {
		fprintf(stderr, "%s: cannot open corpus %s\n", PFX_FUZZ_NAME, dir);
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (replay(path) < 0) {
			fprintf(stderr, "%s: cannot read %s\n", PFX_FUZZ_NAME, path);
			closedir(d);
			return 1;
		}
		files++;
	}
	closedir(d);
	printf("%s: %d corpus files replayed\n", PFX_FUZZ_NAME, files);
	return files > 0 ? 0 : 1;
}
#endif

#endif
