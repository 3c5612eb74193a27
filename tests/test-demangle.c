/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-demangle: C++ names as c++filt shows them, Rust legacy names
 * without their hash and escapes, Rust v0 paths, and anything else
 * (C names, broken or overlong mangled names) left as it is; equal
 * results of one symbol table are one pointer, of two tables two. */
#include "config.h"
#include "demangle.h"

#include <stdlib.h>
#include <string.h>

#include "test.h"

static void expect(const char *mangled, const char *want)
{
	char *got = pfx_demangle(mangled);

	/* at most 200 bytes of a result in a message: a crafted name's is 436 MB */
	if (!want)
		CHECK(!got, "%.200s -> '%.200s' (%zu bytes), expected no demangling", mangled, got, strlen(got));
	else
		CHECK(got && strcmp(got, want) == 0, "%s -> '%.200s', expected '%s'", mangled, got ? got : "(null)",
		      want);
	free(got);
}

int main(void)
{
	static char long_name[8192];
	struct pfx_demangler *d;
	/* two tables' copies of one name: distinct storage, as two files' strings are */
	static const char c1[] = "_ZN2ns7TouchprC1Ev", c2[] = "_ZN2ns7TouchprC2Ev";
	static const char other_c1[] = "_ZN2ns7TouchprC1Ev";
	int scope_a, scope_b;

	/* Rust v0 and the non-mangled cases need no demangler */
	expect("_RNvNtCsjrHSEGnQ3l9_3std2rt19lang_start_internal", "std::rt::lang_start_internal");
	expect("_RNCNvCs1234_1r4main0B3_", "r::main::{closure#0}");
	expect("_RINvCs1234_1r3fooiEB2_", NULL);	/* generics: left mangled */
	expect("main", NULL);
	expect("_R", NULL);
	expect("_RNvC", NULL);
	expect("_RNvCs1234_1r99toolong", NULL);
	memset(long_name, 'a', sizeof(long_name) - 1);
	memcpy(long_name, "_ZN", 3);
	expect(long_name, NULL);
	if (!pfx_demangle_available()) {
		printf("# libstdc++'s __cxa_demangle not found: C++ names stay mangled\n");
		expect("_Z20sbitmap_vector_allocjj", NULL);
		return test_exit();
	}
	expect("_Z20sbitmap_vector_allocjj", "sbitmap_vector_alloc(unsigned int, unsigned int)");
	expect("_ZN2ns7Toucher6methodEi", "ns::Toucher::method(int)");
	expect("_Z3runRN2ns7ToucherE", "run(ns::Toucher&)");
	expect("_ZN1r5Pages5touch17h6cc9831be4646c9fE", "r::Pages::touch");
	expect("_ZN5alloc3vec16Vec$LT$T$C$A$GT$4push17h1a2b3c4d5e6f7a8bE", "alloc::vec::Vec<T,A>::push");
	expect("_ZN3std2rt10lang_start28_$u7b$$u7b$closure$u7d$$u7d$17h0123456789abcdefE",
	       "std::rt::lang_start::{{closure}}");
	expect("_ZN4core3ptr56drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$$GT$17h0123456789abcdefE",
	       "core::ptr::drop_in_place<std::rt::lang_start<()>>");
	expect("_Zx", NULL);
	/* A name whose back references double the text at each step: 24
	 * steps printed 436 MB in 5 s; it stays mangled, at once. */
	{
		char bomb[1024] = "_Z1f1A";
		size_t n = strlen(bomb);

		for (int i = 0; i < 24; i++) {
			static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
			char ref[16];
			int seq = 2 * i - 1;	/* S_ is 0, S0_ 1, ... S<base-36 seq>_ seq + 1 */

			if (i == 0)
				snprintf(ref, sizeof(ref), "S_");
			else if (seq < 36)
				snprintf(ref, sizeof(ref), "S%c_", digits[seq]);
			else
				snprintf(ref, sizeof(ref), "S%c%c_", digits[seq / 36], digits[seq % 36]);
			n += (size_t)snprintf(bomb + n, sizeof(bomb) - n, "PFv%s%sE", ref, ref);
		}
		expect(bomb, NULL);
	}
	/* a template-heavy real name with many back references still reads */
	expect("_ZNSt6vectorIiSaIiEE17_M_realloc_insertIJRKiEEEvN9__gnu_cxx17__normal_iteratorIPiS1_EEDpOT_",
	       "void std::vector<int, std::allocator<int> >::_M_realloc_insert<int const&>("
	       "__gnu_cxx::__normal_iterator<int*, std::vector<int, std::allocator<int> > >, int const&)");
	expect("_ZN2ns", NULL);

	d = pfx_demangle_new();
	CHECK(d != NULL);
	if (d) {
		const char *a1 = pfx_demangle_name(d, &scope_a, c1), *a2 = pfx_demangle_name(d, &scope_a, c2);
		const char *b1 = pfx_demangle_name(d, &scope_b, other_c1);
		const char *plain = "plain_c_function";

		CHECK(strcmp(a1, "ns::Touchpr::Touchpr()") == 0, "C1: '%s'", a1);
		CHECK(a1 == a2, "C1 and C2 of one table are two strings");
		CHECK(a1 == pfx_demangle_name(d, &scope_a, c1), "a second lookup gives another string");
		CHECK(b1 != a1 && strcmp(b1, a1) == 0, "two tables' equal names are one string");
		CHECK(pfx_demangle_name(d, &scope_a, plain) == plain);
		pfx_demangle_free(d);
	}
	return test_exit();
}
