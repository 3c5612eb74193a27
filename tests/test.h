/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test.h: the checks every C test of pfx uses (tests/test-*.c).
 *
 *   CHECK(cond[, fmt, ...])  a failed check prints
 *                            "FAIL file:line: cond: message", is counted in
 *                            failures, and the test goes on
 *   CHECK_EQ(got, want)      equality of two integers (as unsigned 64-bit);
 *                            a failure prints what was expected and what came
 *   TEST_SKIP(fmt, ...)      print "SKIP: why" and exit 77 (the harness's skip)
 *   test_exit()              main's return: 0, or 1 after saying how many
 *                            checks failed
 *
 * A test whose later checks need the earlier ones defines
 * TEST_STOP_AT_FAILURE before including this: it then exits 1 at the first
 * failed check.  Exit status: 0 pass, 77 skip, anything else fail. */
#ifndef PFX_TEST_H
#define PFX_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;

/* fmt starts with a space (the macros add it), then the message if any. */
__attribute__((format(printf, 4, 5)))
static inline void test_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s:%d: %s", file, line, cond);
	if (fmt[1]) {
		putchar(':');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
	fflush(stdout);
	failures++;
#ifdef TEST_STOP_AT_FAILURE
	exit(1);
#endif
}

#define CHECK(cond, ...) do { \
	if (!(cond)) \
		test_fail(__FILE__, __LINE__, #cond, " " __VA_ARGS__); \
} while (0)

#define CHECK_EQ(got, want) do { \
	unsigned long long got_ = (unsigned long long)(got); \
	unsigned long long want_ = (unsigned long long)(want); \
	if (got_ != want_) \
		test_fail(__FILE__, __LINE__, #got " == " #want, \
			  " got %llu, expected %llu", got_, want_); \
} while (0)

#define TEST_SKIP(...) do { \
	printf("SKIP: " __VA_ARGS__); \
	putchar('\n'); \
	exit(77); \
} while (0)

static inline int test_exit(void)
{
	if (!failures)
		return 0;
	printf("%d check(s) failed\n", failures);
	return 1;
}

#endif
