# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-filter: report --pid, --tid and --region keep only those faults,
# on a real multi-process recording (a shell running ls ten times, then
# python3): per process, the filtered report's rows sum to that process's
# row of the unfiltered thread view; the pids' kept faults sum to the
# total; --region heap keeps exactly the heap rows' faults; the header
# and JSON say what was kept; bad values get one line.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip "no python3"

expect_exit 0 "$PFX" record -o "$TMP/r.data" -- sh -c \
	'for i in 1 2 3 4 5 6 7 8 9 10; do ls /usr/bin >/dev/null; done; python3 -c "b = bytearray(1 << 24)"'
"$PFX" report -i "$TMP/r.data" --format json --top 1000000 >"$TMP/all.json" || fail "report failed"
total=$(jq .totals.faults "$TMP/all.json")
sum=0 n=0
for pid in $(jq -r '[.threads[].pid] | unique | .[]' "$TMP/all.json"); do
	want=$(jq "[.threads[] | select(.pid == $pid) | .faults] | add" "$TMP/all.json")
	"$PFX" report -i "$TMP/r.data" --format json --top 1000000 --pid "$pid" >"$TMP/p.json" || fail "--pid $pid failed"
	kept=$(jq .filter.kept "$TMP/p.json")
	rows=$(jq '[.regions[].faults] | add // 0' "$TMP/p.json")
	others=$(jq "[.threads[] | select(.pid != $pid) | .faults] | add // 0" "$TMP/p.json")
	[ "$kept" = "$want" ] && [ "$rows" = "$want" ] && [ "$others" = 0 ] ||
		fail "--pid $pid: kept $kept, region rows $rows, other pids $others; its thread rows say $want"
	sum=$((sum + kept)) n=$((n + 1))
done
[ "$sum" = "$total" ] || fail "the $n pids' filtered faults sum to $sum, the file has $total"
[ "$n" -ge 11 ] || fail "only $n processes in a shell running 11 programs"
note "$n processes: each --pid report holds its own faults; together $sum = $total"

tid=$(jq '.threads[0].tid' "$TMP/all.json")
tfaults=$(jq ".threads[0].faults" "$TMP/all.json")
expect_exit 0 "$PFX" report -i "$TMP/r.data" --tid "$tid" --top 3
grep -qx "# filter --tid $tid: $tfaults of $total faults; every count below is of these" "$TMP/out" ||
	fail "--tid header (want $tfaults of $total): $(grep '^# filter' "$TMP/out")"

heap=$(jq '[.regions[] | select(.kind == "heap") | .faults] | add' "$TMP/all.json")
"$PFX" report -i "$TMP/r.data" --format json --top 1000000 --region heap >"$TMP/h.json" || fail "--region heap failed"
[ "$(jq .filter.kept "$TMP/h.json")" = "$heap" ] && [ "$(jq '[.regions[] | select(.kind != "heap") | .faults] | add // 0' "$TMP/h.json")" = 0 ] ||
	fail "--region heap kept $(jq .filter.kept "$TMP/h.json"), the heap rows hold $heap"

usage_error() { p=$1; shift; usage_error_of report "$p" -i "$TMP/r.data" "$@"; }
usage_error "--pid 'x' is not a process or thread id" --pid x
usage_error "--tid '0' is not a process or thread id" --tid 0
usage_error "--region needs a name" --region ''
echo ok
