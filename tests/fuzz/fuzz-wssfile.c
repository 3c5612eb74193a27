/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-wssfile: the reader of 'pfx wss --format json' output must survive
 * any bytes: every line is a sample, skipped, or an error code; samples
 * hold what the reader promises (finite non-negative time, at most 64 PiB,
 * terminated strings); never a crash, hang or out-of-bounds read.
 *
 * With --enable-fuzzer (clang) this is a libFuzzer target:
 *   ./tests/fuzz/fuzz-wssfile tests/fuzz/corpus/wssfile
 * Without it, main() replays the seed corpus (a 'make check' test). */
#include "config.h"
#include "wssfile.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WSS_MAX_BYTES (UINT64_C(1) << 56)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pfx_wssfile_header header;
	unsigned long line_no = 0, prev_line = 0;
	char *copy;
	FILE *fp;
	int ret;

	if (size == 0)
		return 0;	/* fmemopen needs a buffer */
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	fp = fmemopen(copy, size, "r");
	if (!fp) {
		free(copy);
		return 0;
	}
	memset(&header, 0, sizeof(header));
	/* read on past bad lines too (the reader resumes at the next line),
	 * so mutations after the first error still count */
	for (;;) {
		struct pfx_wssfile_sample s;

		memset(&s, 0xa5, sizeof(s));
		ret = pfx_wssfile_next(fp, &s, &header, &line_no);
		if (ret == 0)
			break;
		if (line_no <= prev_line)
			abort();	/* no progress */
		prev_line = line_no;
		if (ret < 0)
			continue;
		if (ret != 1)
			abort();
		if (!isfinite(s.time_s) || s.time_s < 0 || s.wss_bytes > WSS_MAX_BYTES ||
		    s.rss_bytes > WSS_MAX_BYTES || (!s.has_rss && s.rss_bytes) ||
		    strnlen(s.method, sizeof(s.method)) == sizeof(s.method))
			abort();
	}
	if (strnlen(header.comm, sizeof(header.comm)) == sizeof(header.comm) ||
	    !isfinite(header.interval_s) || header.interval_s < 0)
		abort();
	/* without a header to fill */
	rewind(fp);
	line_no = 0;
	for (;;) {
		struct pfx_wssfile_sample s;

		ret = pfx_wssfile_next(fp, &s, NULL, &line_no);
		if (ret == 0)
			break;
	}
	fclose(fp);
	free(copy);
	return 0;
}

#define PFX_FUZZ_NAME "fuzz-wssfile"
#include "replay.h"
