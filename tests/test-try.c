/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-try: try.h's pure parts: the remedy names, the command's
 * environment (LD_PRELOAD and GLIBC_TUNABLES appended to, the old value
 * handed to the preload, pfx's own array untouched), the medians and the
 * verdict rule. */
#include "config.h"
#include "test.h"
#include "try.h"

#include <errno.h>
#include <string.h>

static const char *get(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (; *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static void test_parse(void)
{
	unsigned m[PFX_TRY_MAX_REMEDIES];
	const char *bad = NULL;
	size_t n = 0, badlen = 0;
	char buf[128];

	CHECK_EQ(pfx_try_remedy_parse("populate,hugepage+mlock,malloc-trim", m, PFX_TRY_MAX_REMEDIES, &n, &bad,
				      &badlen), 0);
	CHECK_EQ(n, 3);
	CHECK_EQ(m[0], PFX_TRY_POPULATE);
	CHECK_EQ(m[1], PFX_TRY_HUGEPAGE | PFX_TRY_MLOCK);
	CHECK_EQ(m[2], PFX_TRY_MALLOC_TRIM);
	CHECK(strcmp(pfx_try_remedy_label(m[1], buf, sizeof(buf)), "hugepage+mlock") == 0, " %s", buf);
	CHECK_EQ(pfx_try_remedy_parse("populate,thp", m, PFX_TRY_MAX_REMEDIES, &n, &bad, &badlen), (uint64_t)-EINVAL);
	CHECK(badlen == 3 && strncmp(bad, "thp", 3) == 0);
	CHECK_EQ(pfx_try_remedy_parse("mlock,", m, PFX_TRY_MAX_REMEDIES, &n, &bad, &badlen), (uint64_t)-EINVAL);
	CHECK_EQ(badlen, 0);
	CHECK_EQ(pfx_try_remedy_parse("mlock,mlock,mlock", m, 2, &n, &bad, &badlen), (uint64_t)-E2BIG);
}

static void test_env(void)
{
	char *base[] = { "PATH=/bin", "LD_PRELOAD=/x.so", "GLIBC_TUNABLES=glibc.malloc.perturb=1", NULL };
	char *plain[] = { "PATH=/bin", NULL };
	char **e = NULL;

	CHECK_EQ(pfx_try_env_build(&e, base, PFX_TRY_HUGEPAGE, "/p/pfx-try-preload.so", 4096), 0);
	CHECK(strcmp(get(e, "LD_PRELOAD"), "/p/pfx-try-preload.so:/x.so") == 0, " %s", get(e, "LD_PRELOAD"));
	CHECK(strcmp(get(e, "GLIBC_TUNABLES"), "glibc.malloc.perturb=1:glibc.malloc.hugetlb=1") == 0);
	CHECK(strcmp(get(e, "PFX_TRY_TUNABLES"), "glibc.malloc.perturb=1") == 0);
	CHECK(strcmp(get(e, "PFX_TRY_REMEDY"), "hugepage") == 0);
	CHECK(strcmp(get(e, "PFX_TRY_MIN_SIZE"), "4096") == 0);
	CHECK(strcmp(get(e, "PATH"), "/bin") == 0);
	CHECK(strcmp(base[1], "LD_PRELOAD=/x.so") == 0);	/* pfx's own untouched */
	pfx_try_env_free(e);

	/* the tunables alone: the preload still goes in, to take them out of
	 * the command's children ("-": there were none) */
	CHECK_EQ(pfx_try_env_build(&e, plain, PFX_TRY_MALLOC_TRIM, "/p.so", 1), 0);
	CHECK(get(e, "GLIBC_TUNABLES") && strstr(get(e, "GLIBC_TUNABLES"), "glibc.malloc.trim_threshold="));
	CHECK(get(e, "PFX_TRY_TUNABLES") && strcmp(get(e, "PFX_TRY_TUNABLES"), "-") == 0);
	CHECK(get(e, "LD_PRELOAD") != NULL);
	pfx_try_env_free(e);
}

static void test_spread(void)
{
	double base_v[] = { 10, 12, 11, 30, 9 }, rem_v[] = { 5, 6, 4, 5, 5 }, same_v[] = { 11, 10, 12, 9, 10 };
	struct pfx_try_spread b, r, s;

	pfx_try_spread(base_v, 5, &b);
	CHECK(b.median == 11 && b.min == 9 && b.max == 30);
	pfx_try_spread(rem_v, 5, &r);
	CHECK(r.median == 5 && r.min == 4 && r.max == 6);
	CHECK_EQ(pfx_try_compare(&b, &r), PFX_TRY_LOWER);
	CHECK_EQ(pfx_try_compare(&r, &b), PFX_TRY_HIGHER);
	pfx_try_spread(same_v, 5, &s);
	CHECK_EQ(pfx_try_compare(&b, &s), PFX_TRY_SAME);	/* overlap */
	/* apart, but by less than PFX_TRY_MIN_CHANGE_PCT: the same */
	b = (struct pfx_try_spread){ .median = 1000, .min = 1000, .max = 1001 };
	r = (struct pfx_try_spread){ .median = 1009, .min = 1009, .max = 1010 };
	CHECK_EQ(pfx_try_compare(&b, &r), PFX_TRY_SAME);
	CHECK(pfx_try_change(&b, &r) > 0.89 && pfx_try_change(&b, &r) < 0.91);
}

int main(void)
{
	test_parse();
	test_env();
	test_spread();
	return test_exit();
}
