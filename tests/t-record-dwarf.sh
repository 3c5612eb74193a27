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

# top_chain FILE: the frame names of the chain with most faults, one a line
top_chain() {
	"$PFX" report -i "$1" --format json --top 5 >"$TMP/rep.json" 2>"$TMP/rep.err" ||
		{ cat "$TMP/rep.err"; fail "report of $1 failed"; }
	jq -r '.callers[0].frames[].name' "$TMP/rep.json"
}

expect_exit 0 "$PFX" record --call-graph=dwarf -o "$TMP/dw.data" -- "$PFX_LOAD" seq -s 32M
cat "$TMP/err"
top_chain "$TMP/dw.data" >"$TMP/dw.chain"
cat "$TMP/dw.chain"
head -n 1 "$TMP/dw.chain" | grep -q '^touch_slice+0x[0-9a-f]* (pfx-load)$' || fail "dwarf: innermost frame is not touch_slice"
grep -q '^main+0x[0-9a-f]* (pfx-load)$' "$TMP/dw.chain" || fail "dwarf: the chain does not reach main"
grep -q '^__libc_start_main+0x[0-9a-f]* (libc.so.6)$' "$TMP/dw.chain" || fail "dwarf: the chain does not reach __libc_start_main"
faults=$(jq -r '.callers[0].faults' "$TMP/rep.json")
[ "$faults" -ge 8000 ] || fail "dwarf: the touch_slice chain has $faults faults of 8192 pages"

expect_exit 0 "$PFX" record --call-graph=fp -o "$TMP/fp.data" -- "$PFX_LOAD" seq -s 32M
top_chain "$TMP/fp.data" >"$TMP/fp.chain"
note "frames: dwarf $(wc -l <"$TMP/dw.chain"), frame pointers $(wc -l <"$TMP/fp.chain") ($(tr '\n' ' ' <"$TMP/fp.chain"))"
[ "$(wc -l <"$TMP/dw.chain")" -ge "$(wc -l <"$TMP/fp.chain")" ] || fail "dwarf chain shorter than the frame-pointer one"

if command -v python3 >/dev/null; then
	expect_exit 0 "$PFX" record --call-graph=dwarf -o "$TMP/py.data" -- python3 -c 'b = b"x" * (64 << 20)'
	top_chain "$TMP/py.data" >"$TMP/py.chain"
	cat "$TMP/py.chain"
	head -n 1 "$TMP/py.chain" | grep -q 'libc\.so\.6' || fail "python: the top chain does not start in libc"
	[ "$(wc -l <"$TMP/py.chain")" -ge 5 ] || fail "python: $(wc -l <"$TMP/py.chain") frames"
	grep -q '^__libc_start_main+0x[0-9a-f]* (libc.so.6)$' "$TMP/py.chain" ||
		fail "python: the chain from libc does not go through the interpreter to __libc_start_main"
	note "python: $(jq -r '.callers[0].faults' "$TMP/rep.json") faults in the top chain, $(wc -l <"$TMP/py.chain") frames; lost: $(jq -r '.totals.lost' "$TMP/rep.json")"
else
	note "python3 not installed: the real-program part not run"
fi
echo ok
