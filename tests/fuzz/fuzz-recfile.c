/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-recfile: the record-file reader must survive any bytes: every
 * input either opens with an error code or yields items until a clean
 * end or an error code; never a crash, hang or out-of-bounds read.
 * Also builds the report views from the input (the report's consumer
 * code runs on whatever the reader hands out), with what plot and the
 * code views ask and with what pfx report's region view asks.
 *
 * With --enable-fuzzer (clang) this is a libFuzzer target:
 *   ./tests/fuzz/fuzz-recfile tests/fuzz/corpus/recfile
 * Without it, main() replays the seed corpus (a 'make check' test). */
#include "config.h"
#include "recfile.h"
#include "analysis.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const uint8_t *data, size_t size)
{
	struct pfx_rec_reader *r;
	struct pfx_analysis *rep;
	struct pfx_rec_item it;
	struct pfx_rec_totals t;
	int ret;

	if (pfx_rec_reader_open_mem(&r, data, size) < 0)
		return;
	while ((ret = pfx_rec_next(r, &it)) == 1) {
		if (it.type == PFX_REC_MAPPING && strlen(it.mapping.path) > 4096)
			abort();
		if (it.type == PFX_REC_FAULT && it.fault.callchain_len > PFX_REC_MAX_CALLCHAIN)
			abort();
	}
	if (ret == 0 && pfx_rec_reader_totals(r, &t) != 0)
		abort();	/* a clean end always has totals */
	pfx_rec_reader_close(r);

	if (pfx_rec_reader_open_mem(&r, data, size) < 0)
		abort();	/* opened once, must open again */
	/* code names on: chains and functions are aggregated too (the ELF
	 * reader opens the mapped paths read-only and non-blocking; its own
	 * damage test is test-symbols); and what plot asks of the same pass:
	 * region groups, every fault kept, the time bins */
	if (pfx_analysis_run(r, &(struct pfx_analysis_opts){ .top = 5, .code_names = true,
							     .groups = true, .keep_faults = true,
							     .timeline = true }, &rep) == 0)
		pfx_analysis_free(rep);
	pfx_rec_reader_close(r);

	/* and pfx report's own pass (its region view: the heat grids, the
	 * plain way of analysis.c's count_fault) */
	if (pfx_rec_reader_open_mem(&r, data, size) < 0)
		abort();
	if (pfx_analysis_run(r, &(struct pfx_analysis_opts){ .heat = true }, &rep) == 0)
		pfx_analysis_free(rep);
	pfx_rec_reader_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *fixed;

	read_all(data, size);
	/* Again with valid checksums, so mutations reach the decoder. */
	fixed = malloc(size ? size : 1);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	pfx_rec_fix_checksums(fixed, size);
	read_all(fixed, size);
	free(fixed);
	return 0;
}

#ifndef PFX_LIBFUZZER
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
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
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
		fprintf(stderr, "fuzz-recfile: cannot open corpus %s\n", dir);
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (replay(path) < 0) {
			fprintf(stderr, "fuzz-recfile: cannot read %s\n", path);
			closedir(d);
			return 1;
		}
		files++;
	}
	closedir(d);
	printf("fuzz-recfile: %d corpus files replayed\n", files);
	return files > 0 ? 0 : 1;
}
#endif
