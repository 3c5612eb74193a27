/* SPDX-License-Identifier: GPL-2.0-or-later */
/* crc32: CRC-32 by folding or tables; see crc32.h. */
#include "config.h"
#include "crc32.h"

#include <stdbool.h>

static uint32_t table[8][256];	/* table[k][b]: byte b followed by k zero bytes */

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FOLD 1

static bool have_fold;		/* the processor multiplies carry-less */

/* a times b's low (sel 0x00) or high (0x11) half, folded onto next */
#define FOLD16(a, k, next) \
	_mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(a, k, 0x00), _mm_clmulepi64_si128(a, k, 0x11)), next)
#define LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))

/* The CRC register (not inverted) after the n bytes at p (n >= 64, a
 * multiple of 16), by folding 128-bit lanes with carry-less multiplies
 * (Gopal et al., "Fast CRC Computation for Generic Polynomials Using
 * PCLMULQDQ Instruction", Intel, 2009), in the bit-reflected domain: four
 * lanes 512 bits apart while 64 bytes are left, then one, then 128 bits to
 * 64 and 32, and the Barrett reduction.  The constants are powers of x
 * modulo the polynomial P: x^(512+32) and x^(512-32) mod P (four lanes),
 * x^(128+32) and x^(128-32) mod P (one), x^64 mod P, and Barrett's
 * floor(x^64 / P) with P itself, each bit-reflected (and shifted by one). */
__attribute__((target("pclmul,sse4.1")))
static uint32_t fold(uint32_t reg, const uint8_t *p, size_t n)
{
	const __m128i k4 = _mm_set_epi64x(0x01c6e41596ll, 0x0154442bd4ll);
	const __m128i k1 = _mm_set_epi64x(0x00ccaa009ell, 0x01751997d0ll);
	const __m128i k64 = _mm_set_epi64x(0, 0x0163cd6124ll);
	const __m128i barrett = _mm_set_epi64x(0x01f7011641ll, 0x01db710641ll);
	const __m128i low32 = _mm_setr_epi32(-1, 0, -1, 0);
	__m128i a = _mm_xor_si128(LOAD(p), _mm_cvtsi32_si128((int)reg));
	__m128i b = LOAD(p + 16), c = LOAD(p + 32), d = LOAD(p + 48), t;

	for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
		a = FOLD16(a, k4, LOAD(p));
		b = FOLD16(b, k4, LOAD(p + 16));
		c = FOLD16(c, k4, LOAD(p + 32));
		d = FOLD16(d, k4, LOAD(p + 48));
	}
	a = FOLD16(a, k1, b);
	a = FOLD16(a, k1, c);
	a = FOLD16(a, k1, d);
	for (; n >= 16; p += 16, n -= 16)
		a = FOLD16(a, k1, LOAD(p));
	/* 128 bits to 96, to 64 */
	a = _mm_xor_si128(_mm_srli_si128(a, 8), _mm_clmulepi64_si128(a, k1, 0x10));
	a = _mm_xor_si128(_mm_srli_si128(a, 4), _mm_clmulepi64_si128(_mm_and_si128(a, low32), k64, 0x00));
	/* Barrett: 64 bits to the 32 of the register */
	t = _mm_clmulepi64_si128(_mm_and_si128(a, low32), barrett, 0x10);
	t = _mm_clmulepi64_si128(_mm_and_si128(t, low32), barrett, 0x00);
	return (uint32_t)_mm_extract_epi32(_mm_xor_si128(a, t), 1);
}
#endif

/* Made before main (and before any thread): nothing to lock. */
__attribute__((constructor)) static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
#ifdef FOLD
	__builtin_cpu_init();	/* asked before main */
	have_fold = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
#endif
}

uint32_t pfx_crc32(uint32_t crc, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint32_t c = ~crc;

#ifdef FOLD
	if (have_fold && n >= 64) {
		size_t whole = n & ~(size_t)15;

		c = fold(c, p, whole);
		p += whole;
		n -= whole;
	}
#endif
	for (; n >= 8; p += 8, n -= 8) {	/* slicing by 8 */
		uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				   (uint32_t)p[3] << 24);
		uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
			      (uint32_t)p[7] << 24;

		c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^
		    table[4][lo >> 24] ^ table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
		    table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
	}
	while (n--)
		c = table[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}
