/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-safetext: what other users write reaches a terminal as text only:
 * controls, DEL, C1 controls and bad UTF-8 as \xNN, valid UTF-8 kept, a
 * cut never inside a character or an escape, at every buffer size. */
#include "config.h"
#include "output.h"
#include "safetext.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

/* What writer(s) writes, against want. */
static void wrote(void (*writer)(FILE *, const char *), const char *s, const char *want)
{
	char *mem = NULL;
	size_t memlen = 0;
	FILE *fp = open_memstream(&mem, &memlen);

	writer(fp, s);
	fclose(fp);
	CHECK(!strcmp(mem, want), "'%s' written as '%s', want '%s'", s, mem, want);
	free(mem);
}

static void same(const char *in, const char *want)
{
	char buf[256];
	size_t n = pfx_safetext(buf, sizeof(buf), in);

	CHECK(!strcmp(buf, want), "'%s' gave '%s', want '%s'", in, buf, want);
	CHECK_EQ(n, strlen(want));
}

int main(void)
{
	char small[8], big[64];
	FILE *fp;
	char *mem = NULL;
	size_t memlen = 0;

	same("bash", "bash");
	same("", "");
	same(NULL, "");
	same("a\nb", "a\\x0ab");
	same("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07");	/* a title */
	same("\x1b]52;c;aGk=\x1b\\", "\\x1b]52;c;aGk=\\x1b\\");	/* OSC 52 */
	same("\x1b[8mhidden", "\\x1b[8mhidden");
	same("del\x7f", "del\\x7f");
	same("caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x98\x80", "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x98\x80");
	same("\xc2\x9b" "2J", "\\xc2\\x9b2J");			/* U+009B, a C1 CSI */
	same("\x9b" "2J", "\\x9b2J");				/* a bare 8-bit CSI */
	same("\xc0\xaf", "\\xc0\\xaf");				/* overlong '/' */
	same("\xed\xa0\x80", "\\xed\\xa0\\x80");		/* a surrogate */
	same("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* past U+10FFFF */
	same("cut\xe6\x97", "cut\\xe6\\x97");			/* a cut sequence */
	same("back\\slash %s", "back\\slash %s");

	/* cut at a whole escape: "ab" + "\x1b" needs 7 bytes and a NUL */
	CHECK_EQ(pfx_safetext(small, sizeof(small), "ab\x1b" "cdef"), 10);
	CHECK(!strcmp(small, "ab\\x1bc"), "got '%s'", small);
	CHECK_EQ(pfx_safetext(small, 5, "ab\x1b"), 6);
	CHECK(!strcmp(small, "ab"), "cut inside an escape: '%s'", small);
	CHECK_EQ(pfx_safetext(small, 4, "a\xe6\x97\xa5"), 4);
	CHECK(!strcmp(small, "a"), "cut inside a character: '%s'", small);
	CHECK_EQ(pfx_safetext_n(big, sizeof(big), "a\0b", 3), 6);
	CHECK(!strcmp(big, "a\\x00b"), "got '%s'", big);
	CHECK(!strcmp(pfx_safetext_str(big, sizeof(big), "x\ry"), "x\\x0dy"), "str");
	/* Runs of plain ASCII are copied at once: at every buffer size the
	 * same bytes as the whole safe string's longest prefix of whole
	 * pieces that fits (size 0: nothing written). */
	{
		static const char *const in[] = { "abcdef", "ab\x1b" "cdefgh", "caf\xc3\xa9 au lait\n",
						  "\xe6\x97\xa5x\x7fyz" };

		for (size_t k = 0; k < sizeof(in) / sizeof(in[0]); k++) {
			char whole[64], cut[64];
			size_t n = pfx_safetext(whole, sizeof(whole), in[k]);

			for (size_t size = 0; size <= n + 1; size++) {
				size_t keep = 0, at = 0;

				/* the longest prefix ending at a piece's end that leaves a byte for NUL */
				memset(cut, 'Z', sizeof(cut));
				while (at < n) {
					size_t w = whole[at] == '\\' && whole[at + 1] == 'x' ? 4 :
						   pfx_safetext_char(whole + at, n - at);

					if (at + w >= size)
						break;
					at += w;
					keep = at;
				}
				CHECK_EQ(pfx_safetext(cut, size, in[k]), n);
				CHECK(size == 0 ? cut[0] == 'Z' : (strlen(cut) == keep && !strncmp(cut, whole, keep)),
				      "'%s' in %zu bytes: '%.*s', want %zu bytes", whole, size,
				      size ? (int)strlen(cut) : 0, cut, keep);
			}
		}
	}

	fp = open_memstream(&mem, &memlen);
	pfx_safetext_fputs(fp, "ok \x1b[2J\xff caf\xc3\xa9\n");
	fclose(fp);
	CHECK(!strcmp(mem, "ok \\x1b[2J\\xff caf\xc3\xa9\\x0a"), "fputs gave '%s'", mem);
	free(mem);

	/* JSON: valid whatever the bytes, nothing a terminal obeys */
	wrote(pfx_json_string, "a\"b\\c\n\t", "\"a\\\"b\\\\c\\n\\t\"");
	wrote(pfx_json_string, "\x1b]0;t\x07\x7f", "\"\\u001b]0;t\\u0007\\u007f\"");
	wrote(pfx_json_string, "\xff\xc2\x9b" "caf\xc3\xa9", "\"\\u00ff\\u009bcaf\xc3\xa9\"");
	wrote(pfx_json_string, "cut\xe6\x97", "\"cut\\u00e6\\u0097\"");
	/* CSV: quoted for a comma or quote; controls as \xNN, on one line */
	wrote(pfx_csv_field, "plain", "plain");
	wrote(pfx_csv_field, "a,b\"c", "\"a,b\"\"c\"");
	wrote(pfx_csv_field, "x\ny\x1b[8m\xff", "x\\x0ay\\x1b[8m\\xff");
	return test_exit();
}
