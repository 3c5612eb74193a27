/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-crc32: pfx_crc32 is the CRC-32 of IEEE 802.3 (zlib's), by folding
 * where the processor has it and by tables elsewhere: the check value of
 * "123456789", and against the CRC worked out a bit at a time over every
 * length from 0 to 600 bytes at 16 alignments (the folded part, its
 * 16-byte steps and the tail), 64 KiB blocks as the record file's, and in
 * parts (the CRC so far given back). */
#include "config.h"
#include "crc32.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

/* The definition: one bit at a time. */
static uint32_t crc_bits(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

int main(void)
{
	size_t size = 65536 + 16;
	uint8_t *buf = malloc(size);
	uint64_t x = 0x9e3779b97f4a7c15ull;

	CHECK(buf != NULL);
	for (size_t i = 0; i < size; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	CHECK_EQ(pfx_crc32(0, "123456789", 9), 0xcbf43926u);
	CHECK_EQ(pfx_crc32(0, buf, 0), 0);
	for (size_t off = 0; off < 16; off++)
		for (size_t n = 0; n <= 600; n++)
			CHECK(pfx_crc32(0, buf + off, n) == crc_bits(buf + off, n), "%zu bytes at +%zu", n, off);
	CHECK_EQ(pfx_crc32(0, buf + 3, 65536), crc_bits(buf + 3, 65536));
	/* in parts: the CRC so far goes on */
	CHECK_EQ(pfx_crc32(pfx_crc32(pfx_crc32(0, buf, 100), buf + 100, 1), buf + 101, 900),
		 crc_bits(buf, 1001));
	memset(buf, 0xff, size);
	CHECK_EQ(pfx_crc32(0, buf, 4096), crc_bits(buf, 4096));
	free(buf);
	return test_exit();
}
