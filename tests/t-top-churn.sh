# SPDX-License-Identifier: GPL-2.0-or-later
# t-top-churn: processes that come and go.  While 'pfx top -b' refreshes
# every 0.1 s (until Ctrl-C after the churn), a load exits mid-run and 1,000 short-lived processes start
# and end (500 /bin/true, 500 brief sleeps); pfx must not fail or warn,
# must give every frame, never a negative rate or a rate above what a
# row's own total allows (a reused PID is a new row), and drop the
# exited load.  Then the same under a descriptor limit smaller than the
# process count (pfx stops keeping files open and still sees every row).
. "$top_srcdir/tests/lib.sh"
command -v jq >/dev/null || skip "needs jq"

"$PFX_LOAD" steady -s 64M --rate 2000 --seconds 0.6 >/dev/null & LPID=$!
(
	i=0
	while [ $i -lt 500 ]; do /bin/true; i=$((i + 1)); done
	i=0
	while [ $i -lt 500 ]; do
		sleep 0.3 & sleep 0.3 & sleep 0.3 & sleep 0.3 & sleep 0.3 &
		i=$((i + 5)); sleep 0.02
	done
	wait
) & CPID=$!
# top runs until the churn is over (a loaded machine starts the sleeps
# slowly: a fixed count of frames could end first), then Ctrl-C.
"$PFX" top -b -d 0.1 -n 100000 --format json -o "$TMP/c.json" 2>"$TMP/err" & TPID=$!
wait $CPID; wait $LPID
sleep 0.3
kill -INT $TPID
wait $TPID || fail "pfx top exited $? on Ctrl-C: $(cat "$TMP/err")"
[ -s "$TMP/err" ] && { cat "$TMP/err"; fail "pfx top wrote to stderr"; }
frames=$(wc -l <"$TMP/c.json")
[ "$frames" -ge 10 ] || fail "expected at least 10 frames, got $frames"
jq -e . "$TMP/c.json" >/dev/null || fail "not JSON"
jq -c '{processes, vanished, rows: (.rows | length)}' "$TMP/c.json" | head -n 40
# A rate over an interval can never exceed the row's total / interval.
bad=$(jq -c '.interval as $i | .rows[] | select(.minor_per_s < 0 or .major_per_s < 0 or
	.minor_per_s * $i > .minor * 1.01 + 1 or .major_per_s * $i > .major * 1.01 + 1)' "$TMP/c.json" | head -n 3)
[ -z "$bad" ] || fail "impossible rates: $bad"
seen=$(jq -r '.rows[] | select(.command == "sleep") | .pid' "$TMP/c.json" | sort -u | wc -l)
note "distinct short-lived sleeps seen: $seen"
[ "$seen" -ge 100 ] || fail "only $seen of 500 short-lived sleeps seen"
jq -r '.rows[].pid' "$TMP/c.json" | grep -qx "$LPID" || fail "the load $LPID never shown"
tail -n 1 "$TMP/c.json" | jq -r '.rows[].pid' | grep -qx "$LPID" && fail "the exited load $LPID still shown"
# Born between two refreshes: its faults are all in the interval, so it
# has a rate at once (pfx-load faults 2000/s; it is seen at least once).
jq -r --argjson p "$LPID" '.rows[] | select(.pid == $p) | .rate_known' "$TMP/c.json" | grep -q true ||
	fail "the load never had a rate"

# Fewer descriptors than two per process: every process is still read.
n=$(ls /proc | grep -c '^[0-9]')
(ulimit -n 40 && "$PFX" top -b -d 0.1 -n 2 --format json >"$TMP/l.json") || fail "under ulimit -n 40"
rows=$(tail -n 1 "$TMP/l.json" | jq '.rows | length')
note "ulimit -n 40: $rows rows, $n processes in /proc"
[ "$rows" -ge $((n * 9 / 10)) ] && [ "$rows" -gt 40 ] || fail "ulimit -n 40: $rows rows for $n processes"
echo ok
