# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-dwarf: --call-graph=dwarf unwinds a copy of the user stack with
# the DWARF unwind tables of the mapped files, through code without frame
# pointers (Debian's libc, pfx-load built with -O2).
#   pfx-load seq: the faulting touch_slice's chain reaches main and libc's
#     __libc_start_main; the frame-pointer chain of the same run is never
#     deeper (it skips main where main keeps no frame pointer).
#   python3 (a real program): bytes * N faults in libc's memset; the chain
#     goes on through the interpreter to __libc_start_main.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

if ! built_with libdw; then
	without_feature libdw record --call-graph=dwarf -o "$TMP/dw.data" -- "$PFX_LOAD" seq -s 1M
	skip "pfx is built without libdw: --call-graph=dwarf says so ($(cat "$TMP/err"))"
fi

# top_chain FILE: the frame names of the chain with most faults, one a line
top_chain() {
	"$PFX" report -i "$1" --format json --top 5 >"$TMP/rep.json" 2>"$TMP/rep.err" ||
		{ cat "$TMP/rep.err"; fail "report of $1 failed"; }
	jq -r '.callers[0].frames[].name' "$TMP/rep.json"
}

# A ring that holds the whole run (8192 faults, 8 KiB of stack each): on a
# busy machine pfx unwinds slower than the faults come, and a smaller ring
# loses samples (counted, but then not here to check).
RING="-m 32768"
# shellcheck disable=SC2086
need_perf_sampling $RING
# A sanitizer build's frames are larger (ASan's redzones: over 8 KiB in
# main with GCC, more with clang): the largest copy perf allows.
DWARF=dwarf
if sanitized "$PFX_LOAD"; then
	DWARF=dwarf,65528
	note "pfx-load is built with ASan: --call-graph=$DWARF"
fi
expect_exit 0 "$PFX" record --call-graph=$DWARF $RING -o "$TMP/dw.data" -- "$PFX_LOAD" seq -s 32M
cat "$TMP/err"
top_chain "$TMP/dw.data" >"$TMP/dw.chain"
cat "$TMP/dw.chain"
head -n 1 "$TMP/dw.chain" | grep -q '^touch_slice+0x[0-9a-f]* (pfx-load)$' || fail "dwarf: innermost frame is not touch_slice"
if sanitized "$PFX_LOAD"; then
	# A sanitizer build unwinds 64 KiB copies slower than its faults come
	# (most are lost, counted), and clang's ASan frames are so large that
	# whether main's return address lies within the largest copy perf
	# allows (65528 bytes) depends on where ASLR put the stack: the
	# chain must leave touch_slice through pfx_load_run_mode (unwound by DWARF);
	# main and __libc_start_main are checked in a plain build.
	sed -n 2p "$TMP/dw.chain" | grep -q '^pfx_load_run_mode+0x[0-9a-f]* (pfx-load)$' ||
		fail "dwarf: the frame after touch_slice is not pfx_load_run_mode"
	note "dwarf (sanitized): the busiest chain has $(wc -l <"$TMP/dw.chain") frames"
else
grep -q '^main+0x[0-9a-f]* (pfx-load)$' "$TMP/dw.chain" || fail "dwarf: the chain does not reach main"
grep -q '^__libc_start_main+0x[0-9a-f]* (libc.so.6)$' "$TMP/dw.chain" || fail "dwarf: the chain does not reach __libc_start_main"
fi
faults=$(jq -r '.callers[0].faults' "$TMP/rep.json") lost=$(jq -r '.totals.lost_faults // 0' "$TMP/rep.json")
# every page's fault is in the chain or counted as lost (a sanitizer
# build unwinds slower than its faults come, even into a 128 MiB ring:
# on a loaded host 84% were lost and the chain kept 950 of 8192)
[ "$faults" -ge 256 ] && [ $((faults + lost)) -ge 8000 ] ||
	fail "dwarf: the touch_slice chain has $faults faults of 8192 pages ($lost lost)"
[ "$lost" -eq 0 ] || note "dwarf: $lost faults lost (counted): pfx unwound slower than pfx-load faulted"

expect_exit 0 "$PFX" record --call-graph=fp -o "$TMP/fp.data" -- "$PFX_LOAD" seq -s 32M
top_chain "$TMP/fp.data" >"$TMP/fp.chain"
note "frames: dwarf $(wc -l <"$TMP/dw.chain"), frame pointers $(wc -l <"$TMP/fp.chain") ($(tr '\n' ' ' <"$TMP/fp.chain"))"
# (not in a sanitized build: its copy of the stack may stop short of main, see above)
sanitized "$PFX_LOAD" || [ "$(wc -l <"$TMP/dw.chain")" -ge "$(wc -l <"$TMP/fp.chain")" ] ||
	fail "dwarf chain shorter than the frame-pointer one"

if command -v python3 >/dev/null; then
	# 16 MiB: 4096 faults in memset.  The faulting instruction varies inside
	# memset, so the faults spread over several chains: count every chain
	# that starts in libc and reaches __libc_start_main through python.
	expect_exit 0 "$PFX" record --call-graph=dwarf $RING -o "$TMP/py.data" -- python3 -c 'b = b"x" * (16 << 20)'
	"$PFX" report -i "$TMP/py.data" --format json --top 1000000 >"$TMP/rep.json" 2>"$TMP/rep.err" ||
		{ cat "$TMP/rep.err"; fail "report of the python recording failed"; }
	through=$(jq '[.callers[] | select((.frames[0].name | test("libc\\.so\\.6")) and (.frames | length) >= 5
		and any(.frames[]; .name | startswith("__libc_start_main+")))] | map(.faults) | add // 0' "$TMP/rep.json")
	jq -r '.callers[0].frames[].name' "$TMP/rep.json"
	note "python: $through faults in chains from libc through the interpreter to __libc_start_main; lost: $(jq -r '.totals.lost' "$TMP/rep.json")"
	[ "$through" -ge 2048 ] || fail "python: only $through of ~4096 memset faults unwound from libc to __libc_start_main"
else
	note "python3 not installed: the real-program part not run"
fi
for bad in dwarf,100000 dwarf,x dwarfs lbr; do
	expect_exit 2 "$PFX" record --call-graph=$bad -o "$TMP/bad.data" -- /bin/true
	one_line_error
	grep -q "unknown call-graph mode '$bad'; use --call-graph=fp or --call-graph=dwarf\[,SIZE\]" "$TMP/err" ||
		fail "--call-graph=$bad: $(cat "$TMP/err")"
done
echo ok
