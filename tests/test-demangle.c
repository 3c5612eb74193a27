/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-demangle: C++ names as c++filt shows them, Rust legacy names
 * without their hash and escapes, Rust v0 names whole (as
 * rustc-demangle's {:#} and c++filt show them), and anything else
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

/* "_RINvC1a1fh" and then steps generic arguments, each the tuple of two
 * back references to the one before: (u8, u8), ((u8, u8), (u8, u8)), ... */
static const char *doubling(int steps)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static char name[4096];
	size_t n = (size_t)snprintf(name, sizeof(name), "_RINvC1a1fh");
	size_t prev = n - 1 - 2;	/* back references count from after "_R" */

	for (int k = 0; k < steps; k++) {
		char ref[16], rev[8];
		size_t r = 0, m = 0, x = prev - 1;

		/* B<position - 1 in base 62>_, or B_ for position 0 */
		ref[r++] = 'B';
		if (prev) {
			do
				rev[m++] = digits[x % 62];
			while ((x /= 62));
		}
		while (m)
			ref[r++] = rev[--m];
		ref[r++] = '_';
		ref[r] = '\0';
		prev = n - 2;
		n += (size_t)snprintf(name + n, sizeof(name) - n, "T%s%sE", ref, ref);
	}
	snprintf(name + n, sizeof(name) - n, "E");
	return name;
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
	expect("_RINvCs1234_1r3fooiEB2_", "r::foo::<isize>");
	/* a closure's disambiguator counts from 1 (s_ is #1), as rustc-demangle */
	expect("_RNCNvCs1234_1r4mains_0B3_", "r::main::{closure#1}");
	/* the name CI met in a fault's call chain (std's exit path): impl,
	 * generic argument, back references, instantiating crate */
	expect("_RNCINvMs0_NtNtCsjrHSEGnQ3l9_3std4sync4onceNtB8_4Once9call_onceNCNvNtBc_2rt7cleanup0E0Bc_",
	       "<std::sync::once::Once>::call_once::<std::rt::cleanup::{closure#0}>::{closure#0}");
	expect("_RNCINkXs25_NgCsbmNqQUJIY6D_4core5sliceINyB9_4IterhENuNgNoBb_4iter8iterator8Iterator9rposition"
	       "NCNgNpB9_6memchr7memrchrs_0E0Bb_",
	       "<core::slice::Iter<u8> as core::iter::iterator::Iterator>::rposition::"
	       "<core::slice::memchr::memrchr::{closure#1}>::{closure#0}");
	expect("_RINbNbCskIICzLVDPPb_5alloc5alloc8box_freeDINbNiB4_5boxed5FnBoxuEp6OutputuEL_ECs1iopQbuBiw2_3std",
	       "alloc::alloc::box_free::<dyn alloc::boxed::FnBox<(), Output = ()>>");
	/* constants: integers (no type suffix, rustc-demangle's {:#}), bool, char, _ */
	expect("_RMC0INtC8arrayvec8ArrayVechKj7b_E", "<arrayvec::ArrayVec<u8, 123>>");
	expect("_RMCs4fqI2P2rA04_13const_genericINtB0_6SignedKanb_E", "<const_generic::Signed<-11>>");
	expect("_RMCs4fqI2P2rA04_13const_genericINtB0_4BoolKb1_E", "<const_generic::Bool<true>>");
	expect("_RMCs4fqI2P2rA04_13const_genericINtB0_4CharKc76_E", "<const_generic::Char<'v'>>");
	expect("_RNvNvMCs4fqI2P2rA04_13const_genericINtB4_3FooKpE3foo3FOO", "<const_generic::Foo<_>>::foo::FOO");
	/* types: references, slices, arrays, tuples, pointers, fn pointers with
	 * a binder and an ABI, dyn with a lifetime */
	expect("_RINvC1a1fRL_eQShAhj4_TmEPuOaE", "a::f::<&str, &mut [u8], [u8; 4], (u32,), *const (), *mut i8>");
	expect("_RINvC1a1fFG_UKCRL0_hEuE", "a::f::<for<'a> unsafe extern \"C\" fn(&'a u8)>");
	expect("_RINvC1a1fDNtC1b1TEL_E", "a::f::<dyn b::T>");
	expect("_RINvC1a1fFKu12system_unwindEyE", NULL);	/* an ABI in punycode: refused, as rustc-demangle */
	expect("_RINvC1a1fFK13system_unwindEyE", "a::f::<extern \"system-unwind\" fn() -> u64>");
	/* punycode identifiers (RFC 3492's samples) */
	expect("_RNvC1au9bcher_kva", "a::b\xc3\xbc" "cher");
	expect("_RNvC1au24ihqwcrb4cv8a8dqg056pqjye",
	       "a::\xe4\xbb\x96\xe4\xbb\xac\xe4\xb8\xba\xe4\xbb\x80\xe4\xb9\x88\xe4\xb8\x8d\xe8\xaf\xb4\xe4\xb8\xad\xe6\x96\x87");
	/* a vendor suffix is not part of the name */
	expect("_RNvC1a1f.llvm.123", "a::f");
	/* broken: a back reference forward or to itself, an unknown tag, trailing bytes */
	expect("_RNvB0_1f", NULL);
	expect("_RINvC1a1fB5_E", NULL);
	expect("_RNvC1a1fZ", NULL);
	expect("_RINvC1a1fLs_E", NULL);	/* a lifetime with no binder open */
	/* nesting past the cap: many generic levels stay mangled, at once */
	{
		static char deep[4096];
		size_t n = 0;

		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "_R");
		for (int i = 0; i < 400; i++)
			n += (size_t)snprintf(deep + n, sizeof(deep) - n, "I");
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "C1a");
		for (int i = 0; i < 400; i++)
			n += (size_t)snprintf(deep + n, sizeof(deep) - n, "E");
		expect(deep, NULL);
	}
	/* back references that double the text at each step: 40 steps would
	 * print 2^40 "u8"s; capped at 1 MiB, the name stays mangled */
	expect(doubling(2), "a::f::<u8, (u8, u8), ((u8, u8), (u8, u8))>");
	expect(doubling(40), NULL);
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
