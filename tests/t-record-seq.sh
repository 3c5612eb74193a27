# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-seq: every fault of a sequential anonymous workload is recorded
# (region total within 1% of pfx-load's rusage for its fault phase, at
# least one fault per page), nothing is lost, and the region is anon and
# sequential.  Also: the file is compact and report's totals match record's.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

record_load seq -s 64M
report_json
addr=$(kv addr "$TMP/load.out"); pages=$(kv pages "$TMP/load.out")
rminor=$(kv rusage_minor "$TMP/load.out")
[ "$(jqr .complete)" = true ] || fail "report says the file is incomplete"
[ "$(jqr .totals.lost)" = 0 ] || fail "lost = $(jqr .totals.lost), expected 0"
[ "$(region_field "$addr" kind)" = anon ] || fail "region kind $(region_field "$addr" kind), expected anon"
[ "$(region_field "$addr" pattern)" = sequential ] || fail "pattern $(region_field "$addr" pattern), expected sequential"
got=$(region_field "$addr" minor)
[ "$got" -ge "$pages" ] || fail "region has $got minor faults, fewer than its $pages pages"
phase=$(phase_faults "$addr")
within_pct "$phase" "$rminor" 1 || fail "$phase faults recorded in the fault phase, its rusage says $rminor (> 1% apart)"
# every page of the buffer once; where the kernel merged the buffer with an
# anonymous neighbour of the same protection (one VMA in /proc/PID/maps,
# as the report names it then), the neighbour's pages may add to it, but
# never more than the region holds
rpages=$(region_field "$addr" pages)
rsize=$(jq -r --arg a "$(region_field "$addr" start)" '[.regions[] | select(.start == $a)][0]
	| ((.end | ltrimstr("0x") | ascii_downcase) as $e | (.start | ltrimstr("0x") | ascii_downcase) as $s
	| [$e, $s] | map(explode | reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end))))
	| (.[0] - .[1]) / 4096' "$TMP/rep.json")
if [ "$rsize" -eq "$pages" ]; then
	[ "$rpages" -eq "$pages" ] || fail "distinct pages $rpages, expected $pages"
else
	note "the buffer's region is $rsize pages (merged with a neighbour by the kernel)"
	[ "$rpages" -ge "$pages" ] && [ "$rpages" -le "$rsize" ] ||
		fail "distinct pages $rpages, expected $pages to $rsize (the merged region)"
fi
# record's own summary line agrees with the file's totals
total=$(jqr .totals.faults)
grep -q "pfx record: $total faults" "$TMP/rec.err" || fail "record said: $(cat "$TMP/rec.err"); report says $total"
bytes=$(wc -c <"$TMP/r.data")
[ $((bytes / total)) -le 16 ] || fail "$bytes bytes for $total faults: more than 16 per fault"
# access bits and latency come from exceptions:page_fault_user where it exists
if jqr .events | grep -q page_fault_user; then
	[ "$(jqr .latency.minor.count)" -ge "$pages" ] || fail "latency measured for $(jqr .latency.minor.count) faults"
	[ "$(region_field "$addr" write)" -ge "$pages" ] || fail "seq writes every page; write = $(region_field "$addr" write)"
fi
echo ok
