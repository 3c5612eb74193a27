/* SPDX-License-Identifier: GPL-2.0-or-later */
/* safetext: strings from outside pfx made safe for a terminal; see safetext.h. */
#include "config.h"
#include "safetext.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The length of the valid UTF-8 sequence at s (of at most n bytes) that is
 * safe to show, or 0 when the byte at s must be escaped: a control, DEL, a
 * C1 control (U+0080-U+009F), an overlong form, a surrogate, a code point
 * past U+10FFFF or a cut sequence. */
static size_t safe_char(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	uint32_t cp;
	size_t len, i;

	if (c < 0x20 || c == 0x7f)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return len;
}

size_t pfx_safetext_char(const char *s, size_t n)
{
	return n ? safe_char((const unsigned char *)s, n) : 0;
}

size_t pfx_safetext_n(char *buf, size_t size, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t out = 0, kept = 0, i = 0, len, w;
	bool cut = false;

	while (i < n) {
		char esc[PFX_SAFETEXT_MAX_EXPAND];
		const char *piece = (const char *)p + i;

		if (p[i] >= 0x20 && p[i] < 0x7f) {
			/* printable ASCII, most of any name: copied a run at a
			 * time (the same bytes and cut as one by one) */
			size_t run = 1, take = 0;

			while (i + run < n && p[i + run] >= 0x20 && p[i + run] < 0x7f)
				run++;
			if (!cut) {
				take = size > out + 1 ? size - out - 1 : 0;
				if (take > run)
					take = run;
				memcpy(buf + out, piece, take);
				kept = out + take;
				cut = take < run;
			}
			out += run;
			i += run;
			continue;
		}
		len = safe_char(p + i, n - i);
		w = len;
		if (!len) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[p[i] >> 4];
			esc[3] = hex[p[i] & 15];
			piece = esc;
			w = sizeof(esc);
		}
		/* a piece is copied whole or not at all, and nothing after a cut */
		if (!cut && out + w < size) {
			memcpy(buf + out, piece, w);
			kept = out + w;
		} else {
			cut = true;
		}
		out += w;
		i += len ? len : 1;
	}
	if (size)
		buf[kept] = '\0';
	return out;
}

size_t pfx_safetext(char *buf, size_t size, const char *s)
{
	return pfx_safetext_n(buf, size, s ? s : "", s ? strlen(s) : 0);
}

const char *pfx_safetext_str(char *buf, size_t size, const char *s)
{
	pfx_safetext(buf, size, s);
	return buf;
}

void pfx_safetext_fputs(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, len;

	while (i < n) {
		len = safe_char(p + i, n - i);
		if (len) {
			/* runs of safe characters in one write */
			size_t run = len;

			while (i + run < n && (len = safe_char(p + i + run, n - i - run)))
				run += len;
			fwrite(p + i, 1, run, fp);
			i += run;
		} else {
			fprintf(fp, "\\x%02x", p[i]);
			i++;
		}
	}
}
