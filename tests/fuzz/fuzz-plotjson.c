/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-plotjson: the chart readers of other commands' JSON (stat, thp,
 * maps, wss --profile, top; src/plot/plot_json.c, on jsonline.c) must
 * survive any bytes: each input is written to a file and given to every
 * reader, which returns 0 or one of its documented errors, with a line
 * number when it names a bad line; never a crash, hang or out-of-bounds
 * read.  Kind detection runs on it too.
 *
 * With --enable-fuzzer (clang) this is a libFuzzer target:
 *   ./tests/fuzz/fuzz-plotjson tests/fuzz/corpus/plotjson
 * Without it, main() replays the seed corpus (a 'make check' test). */
#include "config.h"
#include "plot_data.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pfx_plot_data_fn *const readers[] = {
	pfx_plot_data_stat, pfx_plot_data_thp, pfx_plot_data_maps,
	pfx_plot_data_wss_profile, pfx_plot_data_top,
};

static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

static bool documented(int err)
{
	switch (err) {
	case 0: case -ENOMSG: case -EBADMSG: case -ERANGE: case -EFBIG: case -E2BIG:
	case -EMEDIUMTYPE: case -ENOMEM:
		return true;
	}
	return false;
}

static char scratch[] = "/tmp/fuzz-plotjson.XXXXXX";

static void remove_dir(void)
{
	empty_dir(scratch);
	rmdir(scratch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool made;
	char input[sizeof(scratch) + 16];
	enum pfx_plot_input kind;
	FILE *fp;

	if (!made) {
		if (!mkdtemp(scratch))
			return 0;
		made = true;
		atexit(remove_dir);
	}
	snprintf(input, sizeof(input), "%s/in", scratch);
	fp = fopen(input, "w");
	if (!fp)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	if (pfx_plot_input_kind(input, &kind) != 0 || kind > PFX_PLOT_FROM_TOP)
		abort();
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
		struct pfx_plot_notes notes;
		char *vars = NULL;
		size_t len;
		FILE *v = open_memstream(&vars, &len);
		int err;

		if (!v)
			break;
		err = readers[i](input, scratch, v, &notes);
		fclose(v);
		free(vars);
		if (!documented(err))
			abort();
		if ((err == -EBADMSG || err == -ERANGE) && notes.bad_line == 0)
			abort();
		if (strnlen(notes.subtitle, sizeof(notes.subtitle)) == sizeof(notes.subtitle))
			abort();
		empty_dir(scratch);
		/* keep the input */
		fp = fopen(input, "w");
		if (fp) {
			fwrite(data, 1, size, fp);
			fclose(fp);
		}
	}
	return 0;
}

#define PFX_FUZZ_NAME "fuzz-plotjson"
#include "replay.h"
