# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-threads: threads are followed and the by-thread view splits
# the faults between them.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

record_load random -s 32M -t 4
report_json
pages=$(kv pages "$TMP/load.out")
busy=$(jqr "[.threads[] | select(.faults >= ($pages / 4 * 0.9))] | length")
[ "$busy" -ge 4 ] || fail "expected 4 threads with about $((pages / 4)) faults each: $(jqr '[.threads[] | .faults]')"
sum=$(jqr '[.threads[] | .faults] | add')
[ "$sum" -eq "$(jqr .totals.faults)" ] || fail "threads add up to $sum, totals say $(jqr .totals.faults)"
"$PFX" report -i "$TMP/r.data" --by thread >"$TMP/txt" || fail "report --by thread failed"
grep -q '^Threads by faults' "$TMP/txt" || fail "no thread table: $(head "$TMP/txt")"
[ "$(grep -c ' pfx-load ' "$TMP/txt")" -ge 4 ] || fail "thread table lacks the workers: $(cat "$TMP/txt")"
echo ok
