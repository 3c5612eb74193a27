/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-demangle: the demangler must survive any name a symbol table can
 * hold (ELF files named by recordings are anyone's): each line of the
 * input is one name, demangled alone and through a demangler cache.
 * A result is NULL or a non-empty string; never a crash, hang, or a
 * result past the demangler's caps.
 *
 * With --enable-fuzzer (clang) this is a libFuzzer target:
 *   ./tests/fuzz/fuzz-demangle tests/fuzz/corpus/demangle
 * Without it, main() replays the seed corpus (a 'make check' test). */
#include "config.h"
#include "demangle.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pfx_demangler *d = pfx_demangle_new();
	char *copy = malloc(size + 1);
	char *line, *save = NULL;

	if (!d || !copy) {
		free(copy);
		pfx_demangle_free(d);
		return 0;
	}
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *out = pfx_demangle(line);
		const char *shown = pfx_demangle_name(d, d, line);

		/* 64 MiB: above every cap (the Itanium printer's 4 MiB, v0's 1 MiB) */
		if (out && (!*out || strlen(out) > (64u << 20)))
			abort();
		/* the cache shows the same, or the name itself past its total cap */
		if (!shown || (out && shown != line && strcmp(shown, out) != 0) || (!out && shown != line))
			abort();
		free(out);
	}
	free(copy);
	pfx_demangle_free(d);
	return 0;
}

#define PFX_FUZZ_NAME "fuzz-demangle"
#include "replay.h"
