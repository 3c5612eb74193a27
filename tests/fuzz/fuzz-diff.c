/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-diff: pfx diff's reader and comparison must survive any two
 * recordings: the input is split in two (its first 4 bytes, little
 * endian, modulo the rest's size, are the first recording's length), each
 * half read with valid checksums (so mutations reach the decoder), both
 * analysed by the one pass, compared (compare.h) and printed as text and
 * JSON (diff_output.h); never a crash, hang or out-of-bounds read.  A
 * half that does not open is skipped, as pfx diff refuses it.
 *
 * With --enable-fuzzer (clang) this is a libFuzzer target:
 *   ./tests/fuzz/fuzz-diff tests/fuzz/corpus/diff
 * Without it, main() replays the seed corpus (a 'make check' test): each
 * seed is two small real recordings joined, the first's length before it
 * (pfx record -- true, pfx-load seq -s 256K and -s 512K: 'same' is one of
 * them twice), and the record corpus's truncated file. */
#include "config.h"
#include "recfile.h"
#include "analysis.h"
#include "compare.h"
#include "diff_output.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One half, fixed, opened and analysed; NULL when it does not open. */
static struct pfx_analysis *analyse(const uint8_t *data, size_t size, uint8_t **copy)
{
	struct pfx_rec_reader *r;
	struct pfx_analysis *rep = NULL;

	*copy = malloc(size ? size : 1);
	if (!*copy)
		return NULL;
	memcpy(*copy, data, size);
	pfx_rec_fix_checksums(*copy, size);
	if (pfx_rec_reader_open_mem(&r, *copy, size) < 0)
		return NULL;
	if (pfx_analysis_run(r, &(struct pfx_analysis_opts){ .code_names = true }, &rep) < 0)
		rep = NULL;
	pfx_rec_reader_close(r);
	return rep;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct pfx_analysis *a, *b = NULL;
	struct pfx_compare *c;
	uint8_t *ca, *cb = NULL;
	size_t na;

	if (size < 4)
		return 0;
	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	na = ((size_t)data[0] | (size_t)data[1] << 8 | (size_t)data[2] << 16 | (size_t)data[3] << 24) %
	     (size - 4 + 1);
	a = analyse(data + 4, na, &ca);
	if (a)
		b = analyse(data + 4 + na, size - 4 - na, &cb);
	if (a && b && pfx_compare_run(a, b, &c) == 0) {
		if (c->nregions > a->nrows + b->nrows || c->nlatency > PFX_COL_COUNT * PFX_CMP_PCTS)
			abort();
		/* a recording against itself is no change */
		pfx_diff_print(sink, c, "a", "b", PFX_FORMAT_TEXT, 0);
		pfx_diff_print(sink, c, "a", "b", PFX_FORMAT_JSON, 5);
		pfx_compare_free(c);
		if (pfx_compare_run(a, a, &c) == 0) {
			if (!c->same)
				abort();
			pfx_compare_free(c);
		}
	}
	pfx_analysis_free(a);
	pfx_analysis_free(b);
	free(ca);
	free(cb);
	return 0;
}

#define PFX_FUZZ_NAME "fuzz-diff"
#include "replay.h"
