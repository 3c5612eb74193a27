# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-demangle: C++ and Rust function names are shown demangled, as
# perf shows them, in every view and export of one recording: a C++
# program (tests/demangle-prog.cc, built here with g++) recorded with
# --call-graph names ns::Toucher::method(int) called from
# run(ns::Toucher&) in --by function, --by caller, JSON, folded and pprof,
# and no view holds a mangled _Z name of it.  The Rust counterpart
# (tests/demangle-prog.rs) where rustc is installed: r::Pages::touch,
# without the legacy hash.  A crafted name that would demangle to 436 MB
# stays mangled, and the report quick.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

CXX=${CXX_FOR_TEST:-g++}
command -v "$CXX" >/dev/null || skip "no C++ compiler (g++, Debian build-essential) to build the program"
"$CXX" -O1 -g -fno-omit-frame-pointer -o "$TMP/prog" "$top_srcdir/tests/demangle-prog.cc" 2>"$TMP/cc.err" ||
	{ cat "$TMP/cc.err"; fail "g++ cannot build tests/demangle-prog.cc"; }
nm "$TMP/prog" | grep -q '_ZN2ns7Toucher6methodEi' || fail "the program has no mangled ns::Toucher::method"
expect_exit 0 "$PFX" record --call-graph -o "$TMP/r.data" -- "$TMP/prog"

METHOD='ns::Toucher::method(int)' RUN='run(ns::Toucher&)'
# views NAME CMD...: the output of a view of the recording, for the checks
views() {
	what=$1; shift
	expect_exit 0 "$@"
	cp "$TMP/out" "$TMP/view.$what"
	grep -q '_ZN2ns\|_Z3run' "$TMP/view.$what" && fail "$what: a mangled name: $(grep -m 1 '_ZN2ns\|_Z3run' "$TMP/view.$what")"
	:
}
views function "$PFX" report -i "$TMP/r.data" --by function
grep -qF "$METHOD (prog)" "$TMP/view.function" || { cat "$TMP/view.function"; fail "--by function does not name $METHOD"; }
views caller "$PFX" report -i "$TMP/r.data" --by caller
grep -qF "$METHOD+0x" "$TMP/view.caller" && grep -qF "<- $RUN+0x" "$TMP/view.caller" ||
	{ cat "$TMP/view.caller"; fail "--by caller does not show $METHOD called from $RUN"; }
views json "$PFX" report -i "$TMP/r.data" --format json --top 100000
jq -e --arg m "$METHOD" '.functions[0].function == $m' "$TMP/view.json" >/dev/null ||
	fail "JSON: the top function is $(jq -r '.functions[0].function' "$TMP/view.json"), not $METHOD"
views folded "$PFX" report -i "$TMP/r.data" --format folded
grep -qF "main;$RUN;$METHOD " "$TMP/view.folded" || { head "$TMP/view.folded"; fail "folded: no stack main;$RUN;$METHOD"; }
if built_with zlib; then
expect_exit 0 "$PFX" report -i "$TMP/r.data" --format pprof -o "$TMP/p.pb.gz"
gzip -dc "$TMP/p.pb.gz" >"$TMP/p.pb" || fail "pprof: not gzip"
grep -aqF "$METHOD" "$TMP/p.pb" || fail "pprof: no string $METHOD"
grep -aq '_ZN2ns' "$TMP/p.pb" && fail "pprof: a mangled name"
if command -v go >/dev/null; then
	HOME=$TMP GOCACHE=$TMP/go-cache go tool pprof -raw "$TMP/p.pb.gz" >"$TMP/raw" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "go tool pprof cannot read the profile"; }
	grep -qF "$METHOD" "$TMP/raw" || { head -n 40 "$TMP/raw"; fail "go tool pprof -raw does not name $METHOD"; }
fi
fi
note "C++: $METHOD from $RUN in --by function, --by caller, JSON, folded and pprof"

# A crafted name whose back references double the text at each of 24
# steps (__cxa_demangle prints 436 MB of it in 5 s): the report stays
# quick and shows it mangled.  The program's faulting function carries it.
bomb=$(awk 'BEGIN { d = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"; s = "_Z1f1A"
	for (i = 0; i < 24; i++) {
		q = 2 * i - 1
		r = i == 0 ? "S_" : q < 36 ? "S" substr(d, q + 1, 1) "_" : "S" substr(d, int(q / 36) + 1, 1) substr(d, q % 36 + 1, 1) "_"
		s = s "PFv" r r "E"
	}
	print s }')
cat >"$TMP/bomb.c" <<EOF
#include <stdlib.h>
__attribute__((noinline)) long touch(char *p, long n) __asm__("$bomb");
__attribute__((noinline)) long touch(char *p, long n)
{
	long s = 0;
	for (long i = 0; i < n; i += 4096) { p[i] = 1; s += p[i]; }
	return s;
}
int main(void) { long n = 8l << 20; return touch(malloc(n), n) > 0 ? 0 : 1; }
EOF
cc -O1 -o "$TMP/bomb" "$TMP/bomb.c" 2>"$TMP/cc.err" || { cat "$TMP/cc.err"; fail "cannot build the crafted-name program"; }
expect_exit 0 "$PFX" record -o "$TMP/bomb.data" -- "$TMP/bomb"
start=$(date +%s)
expect_exit 0 timeout 60 "$PFX" report -i "$TMP/bomb.data" --by function
secs=$(($(date +%s) - start))
grep -qF "$bomb" "$TMP/out" || { cat "$TMP/out"; fail "the crafted name is not shown as it is"; }
[ "$secs" -le 5 ] || fail "the report of a crafted C++ name took $secs s"
note "a crafted name (${#bomb} bytes, 436 MB demangled): shown mangled, report in $secs s"

if command -v rustc >/dev/null; then
	if rustc -O -g -C force-frame-pointers=yes -o "$TMP/rprog" "$top_srcdir/tests/demangle-prog.rs" 2>"$TMP/rc.err"; then
		expect_exit 0 "$PFX" record --call-graph -o "$TMP/rs.data" -- "$TMP/rprog"
		views rfunction "$PFX" report -i "$TMP/rs.data" --by function
		grep -qF 'r::Pages::touch (rprog)' "$TMP/view.rfunction" ||
			grep -qF 'demangle_prog::Pages::touch (rprog)' "$TMP/view.rfunction" ||
			{ cat "$TMP/view.rfunction"; fail "Rust: --by function does not name Pages::touch"; }
		grep -q '::h[0-9a-f]\{16\}' "$TMP/view.rfunction" && fail "Rust: a name keeps its hash"
		views rfolded "$PFX" report -i "$TMP/rs.data" --format folded
		grep -q '_ZN\|_RN' "$TMP/view.rfolded" && fail "Rust folded: a mangled name: $(grep -o '[^;]*_[ZR]N[^;]*' "$TMP/view.rfolded" | head -n 1)"
		note "Rust: $(grep -m 1 -o '[a-z_]*::Pages::touch' "$TMP/view.rfunction")"
		# v0 mangling: the method of an inherent impl reads <Type>::method
		if rustc -O -g -C force-frame-pointers=yes -C symbol-mangling-version=v0 -o "$TMP/rprog0" \
			"$top_srcdir/tests/demangle-prog.rs" 2>"$TMP/rc.err"; then
			nm "$TMP/rprog0" | grep -q ' _RNvM.*5touch$' || fail "Rust v0: rustc did not name touch in v0"
			expect_exit 0 "$PFX" record --call-graph -o "$TMP/rs0.data" -- "$TMP/rprog0"
			views r0function "$PFX" report -i "$TMP/rs0.data" --by function
			grep -qF '<demangle_prog::Pages>::touch (rprog0)' "$TMP/view.r0function" ||
				{ cat "$TMP/view.r0function"; fail "Rust v0: --by function does not name <demangle_prog::Pages>::touch"; }
			views r0folded "$PFX" report -i "$TMP/rs0.data" --format folded
			grep -q '_RN\|_RI\|_RM' "$TMP/view.r0folded" &&
				fail "Rust v0 folded: a mangled name: $(grep -o '[^;]*_R[NIM][^;]*' "$TMP/view.r0folded" | head -n 1)"
			note "Rust v0: <demangle_prog::Pages>::touch"
		else
			note "rustc has no -C symbol-mangling-version=v0 ($(head -n 1 "$TMP/rc.err")): v0 not checked"
		fi
	else
		note "rustc cannot build tests/demangle-prog.rs ($(head -n 1 "$TMP/rc.err")): Rust not checked"
	fi
else
	note "rustc not installed: Rust names not checked (test-demangle checks the demangler on them)"
fi
echo ok
