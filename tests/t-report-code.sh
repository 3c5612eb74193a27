# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-code: report names the faulting code.  The fault phase of a
# sequential workload is pinned on pfx-load's touch_slice (the function
# binutils' nm places at that address), faults per function and the call
# chains of --call-graph add up, a file without chains says how to get
# them, and code whose file is gone is shown by mapping, not by a guess.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

hex() { printf '%d' "$1"; }

"$PFX" record --call-graph -o "$TMP/r.data" -- "$PFX_LOAD" seq -s 16M >"$TMP/load.out" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "record --call-graph failed"; }
pages=$(kv pages "$TMP/load.out")
report_json
total=$(jqr .totals.faults)

# faults per function: touch_slice first, with the fault phase's faults
# (each page once; sanitizer builds add shadow-memory faults, < 1 per page)
fn=$(jqr '.functions[0].function')
fn_faults=$(jqr '.functions[0].faults')
note "top function $fn: $fn_faults faults of $total; $pages pages touched"
[ "$fn" = touch_slice ] || fail "top function is $fn, expected touch_slice"
jqr '.functions[0].path' | grep -q '/pfx-load$' || fail "touch_slice's path: $(jqr '.functions[0].path')"
[ "$fn_faults" -ge "$pages" ] && [ "$fn_faults" -lt $((2 * pages)) ] ||
	fail "touch_slice has $fn_faults faults for $pages pages"
sum=$(jq '[.functions[].faults] | add' "$TMP/rep.json")
[ "$sum" -eq "$total" ] || fail "faults per function add up to $sum, totals say $total"

# the top ip is named inside touch_slice, and binutils agrees: nm's
# touch_slice [start, start + size) holds the ip's image address
ipfn=$(jqr '.ips[0].function')
where=$(jqr '.ips[0].where')
case "$ipfn" in touch_slice+0x*) ;; *) fail "top ip named $ipfn, expected touch_slice+0x..." ;; esac
file=${where%+0x*}; off=$(hex "0x${where##*+0x}")
if command -v nm >/dev/null && command -v readelf >/dev/null; then
	vaddr=$(readelf -lW "$file" | awk '$1 == "LOAD" { print $2, $3, $5 }' | while read -r o v s; do
		o=$(hex "$o"); v=$(hex "$v"); s=$(hex "$s")
		[ "$off" -ge "$o" ] && [ "$off" -lt $((o + s)) ] && echo $((off - o + v))
	done)
	set -- $(nm -S --defined-only "$file" | awk '$4 == "touch_slice" { print $1, $2 }')
	[ $# -eq 2 ] || fail "nm does not list touch_slice in $file"
	start=$(hex "0x$1"); size=$(hex "0x$2")
	[ -n "$vaddr" ] && [ "$vaddr" -ge "$start" ] && [ "$vaddr" -lt $((start + size)) ] ||
		fail "ip at image address $vaddr is outside nm's touch_slice [$start, +$size)"
	[ "$ipfn" = "$(printf 'touch_slice+0x%x' $((vaddr - start)))" ] ||
		fail "ip named $ipfn, nm puts it at touch_slice+$((vaddr - start))"
fi

# call chains: the busiest starts in touch_slice; all chains add up
c0=$(jqr '.callers[0].frames[0].function')
case "$c0" in touch_slice+0x*) ;; *) fail "busiest chain starts in $c0" ;; esac
[ "$(jqr '.callers[0].faults')" -ge "$pages" ] || fail "busiest chain has $(jqr '.callers[0].faults') faults"
csum=$(jq '[.callers[].faults] | add' "$TMP/rep.json")
[ "$csum" -ge "$pages" ] && [ "$csum" -le "$total" ] || fail "chains hold $csum faults of $total"

# the text views
"$PFX" report -i "$TMP/r.data" --by function >"$TMP/fn.txt" || fail "report --by function failed"
grep -Eq "^ +$fn_faults +[0-9]+ +[0-9.]+%  touch_slice \(pfx-load\)$" "$TMP/fn.txt" ||
	{ cat "$TMP/fn.txt"; fail "text function view lacks touch_slice's row"; }
"$PFX" report -i "$TMP/r.data" --by caller >"$TMP/cl.txt" || fail "report --by caller failed"
grep -q "^ *touch_slice+0x[0-9a-f]* (pfx-load)$" "$TMP/cl.txt" ||
	{ cat "$TMP/cl.txt"; fail "text caller view lacks touch_slice"; }
"$PFX" report -i "$TMP/r.data" --by ip >"$TMP/ip.txt" || fail "report --by ip failed"
grep -q "touch_slice+0x[0-9a-f]* (pfx-load)$" "$TMP/ip.txt" || { cat "$TMP/ip.txt"; fail "ip view unnamed"; }

# no chains recorded: the caller view says how to get them
"$PFX" record -o "$TMP/n.data" -- "$PFX_LOAD" seq -s 4M >/dev/null 2>&1 || fail "record failed"
expect_exit 0 "$PFX" report -i "$TMP/n.data" --by caller
grep -q "No call chains in this file: record with 'pfx record --call-graph'" "$TMP/out" ||
	fail "no-chain caller view says: $(cat "$TMP/out")"
report_json "$TMP/n.data"
[ "$(jqr '.callers | length')" = 0 ] || fail "callers listed without chains"
# (sanitizer runtimes fault more than a 4 MiB phase: look touch_slice up)
n=$(jq '[.functions[] | select(.function == "touch_slice") | .faults] | add // 0' "$TMP/rep.json")
[ "$n" -ge 1024 ] || fail "without chains touch_slice has $n faults for 1024 pages"

# the program's file is gone by report time: its code is shown by mapping
cp "$PFX_LOAD" "$TMP/gone-load" || fail "cannot copy pfx-load"
"$PFX" record -o "$TMP/g.data" -- "$TMP/gone-load" seq -s 4M >/dev/null 2>&1 || fail "record of the copy failed"
rm -f "$TMP/gone-load"
expect_exit 0 "$PFX" report -i "$TMP/g.data" --by function
grep -Eq "^ +[0-9]+ +[0-9]+ +[0-9.]+%  gone-load$" "$TMP/out" || { cat "$TMP/out"; fail "gone file not shown by mapping"; }
! grep -q touch_slice "$TMP/out" || fail "names from a file that is gone"

expect_exit 2 "$PFX" report -i "$TMP/r.data" --by stack
one_line_error
grep -q "function or caller" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
echo ok
