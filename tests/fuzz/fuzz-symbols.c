/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-symbols: the ELF symbol reader must survive any file: the input is
 * written to a temporary file, which a fresh symbol cache then reads
 * through the public API, looking up offsets across the file (and past
 * it).  Every lookup either fails with an error code or names a function;
 * never a crash, hang or out-of-bounds read.
 *
 * With --enable-fuzzer (clang) this is a libFuzzer target:
 *   ./tests/fuzz/fuzz-symbols tests/fuzz/corpus/symbols
 * Without it, main() replays the seed corpus (a 'make check' test). */
#include "config.h"
#include "symbols.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tmp_path[4096];
static int tmp_fd = -1;

static void remove_tmp(void)
{
	if (tmp_fd >= 0)
		unlink(tmp_path);
}

/* One file for the whole run, rewritten per input (a fresh cache per
 * input, so its (dev, inode) memo never carries over). */
static int write_tmp(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (tmp_fd < 0) {
		const char *dir = getenv("TMPDIR");

		snprintf(tmp_path, sizeof(tmp_path), "%s/pfx-fuzz-symbols.XXXXXX",
			 dir && *dir ? dir : "/tmp");
		tmp_fd = mkstemp(tmp_path);
		if (tmp_fd < 0) {
			perror("fuzz-symbols: mkstemp");
			abort();
		}
		atexit(remove_tmp);
	}
	if (ftruncate(tmp_fd, 0) < 0)
		abort();
	while (done < size) {
		ssize_t n = pwrite(tmp_fd, data + done, size - done, (off_t)done);

		if (n <= 0)
			abort();
		done += (size_t)n;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t fixed[] = { 0, 0x40, 0x400, 0x1000, 0x1040, 0x1234, 0x2000,
					  0x3000, 0x10000, UINT64_C(1) << 63, UINT64_MAX };
	struct pfx_symbols *syms;
	const char *name;
	uint64_t off;
	int ret;

	write_tmp(data, size);
	syms = pfx_symbols_new();
	if (!syms)
		return 0;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		ret = pfx_symbols_lookup(syms, tmp_path, fixed[i], &name, &off);
		if (ret == 0 && strlen(name) > (size_t)1 << 24)
			abort();
		if (ret > 0)
			abort();
	}
	/* sixteen offsets spread over the file, and its end */
	for (uint64_t i = 0; i <= 16; i++) {
		ret = pfx_symbols_lookup(syms, tmp_path, size * i / 16, &name, &off);
		if (ret == 0 && (strlen(name) > (size_t)1 << 24))
			abort();
		if (ret > 0)
			abort();
	}
	/* an unreadable path next to it: an error, not a crash */
	if (pfx_symbols_lookup(syms, "/nonexistent/pfx-fuzz", 0, &name, &off) == 0)
		abort();
	pfx_symbols_free(syms);
	return 0;
}

#define PFX_FUZZ_NAME "fuzz-symbols"
#include "replay.h"
