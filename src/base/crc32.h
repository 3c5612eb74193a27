/* SPDX-License-Identifier: GPL-2.0-or-later */
/* crc32: the CRC-32 of IEEE 802.3 (reflected polynomial 0xedb88320, as
 * zlib's crc32() and gzip), the record file's checksum of every block.
 * The reader checks every byte of a file: by carry-less multiplication
 * (PCLMULQDQ, 16 bytes a step, where the x86-64 processor has it: asked
 * once at start-up), else 8 bytes a step from tables.  Either gives the
 * same value. */
#ifndef PFX_CRC32_H
#define PFX_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of what crc was the CRC of (0 for nothing) followed by the n
 * bytes at p, as zlib's crc32(crc, p, n). */
uint32_t pfx_crc32(uint32_t crc, const void *p, size_t n);

#endif
