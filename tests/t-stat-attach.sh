# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-attach: 'pfx stat -p PID INTERVAL' on a running pfx-load steady
# (5000 faults/s for 3 s): the interval rows show that rate, the rows add
# up to the total, the total matches pfx-load's own rusage of its fault
# phase, and pfx stops by itself when the target exits.
. "$top_srcdir/tests/lib.sh"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
wait_for_line() { # FILE PATTERN: up to 5 s
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1)); [ "$i" -le 100 ] || return 1; sleep 0.05
	done
}

# --wait-start: pfx-load maps its region, says ready, and faults on SIGUSR1,
# so pfx is attached before the first counted fault.
"$PFX_LOAD" steady --seconds 3 --rate 5000 --wait-start >"$TMP/load.out" 2>&1 &
load=$!
wait_for_line "$TMP/load.out" 'ready pid=' || fail "pfx-load did not start"
"$PFX" stat --format json -o - -p "$load" 0.5 >"$TMP/stat.json" 2>"$TMP/stat.err" &
stat=$!
wait_for_line "$TMP/stat.json" '"type":"header"' || { cat "$TMP/stat.err"; fail "pfx stat did not attach"; }
kill -USR1 "$load"
wait "$load" || fail "pfx-load failed: $(cat "$TMP/load.out")"
load_end=$(now_ms)
wait "$stat"; rc=$?
stat_end=$(now_ms)
[ "$rc" -eq 0 ] || { cat "$TMP/stat.err"; fail "pfx stat -p exited $rc"; }
note "pfx stat ended $((stat_end - load_end)) ms after the target"
[ $((stat_end - load_end)) -lt 1500 ] || fail "pfx stat did not stop when the target exited"
[ -s "$TMP/stat.err" ] && { cat "$TMP/stat.err"; fail "unexpected messages on stderr"; }
cat "$TMP/stat.json"

grep -q "\"pid\":$load" "$TMP/stat.json" || fail "rows do not name pid $load"
# Rows strictly inside the fault phase: all but the first (it holds the
# moment before SIGUSR1) and the last (partial, and pfx-load's exit).
rows=$(grep -c '"type":"interval"' "$TMP/stat.json")
[ "$rows" -ge 5 ] || fail "expected at least 5 interval rows in 3 s at 0.5 s, got $rows"
grep '"type":"interval"' "$TMP/stat.json" | sed -n "2,$((rows - 2))p" |
	sed 's/.*"minor_per_s":\([0-9.]*\).*/\1/' >"$TMP/rates"
[ -s "$TMP/rates" ] || fail "no full interval rows"
# The rate to expect is the one pfx-load measured for itself (getrusage
# over its fault phase): 5000/s, plus ~12% shadow-memory faults when the
# workload is built with sanitizers.
ref=$(awk -v m="$(kv rusage_minor "$TMP/load.out")" -v s="$(kv seconds "$TMP/load.out")" 'BEGIN { printf "%.1f", m / s }')
note "pfx-load's own rate: $ref/s"
awk -v r="$ref" 'BEGIN { exit !(r >= 4900 && r <= 5800) }' || fail "pfx-load's own rate $ref/s is not ~5000/s"
while read -r rate; do
	awk -v r="$rate" -v ref="$ref" 'BEGIN { exit !(r >= ref * 0.9 && r <= ref * 1.1) }' ||
		fail "interval rate $rate/s is not within 10% of $ref/s"
done <"$TMP/rates"
# Full intervals are 0.5 s long.
grep '"type":"interval"' "$TMP/stat.json" | sed -n "1,$((rows - 1))p" |
	sed 's/.*"seconds":\([0-9.]*\).*/\1/' | while read -r s; do
	awk -v s="$s" 'BEGIN { exit !(s >= 0.45 && s <= 0.6) }' || fail "interval of $s s, expected 0.5"
done || exit 1

# The rows add up to the total.
sum=$(grep '"type":"interval"' "$TMP/stat.json" | sed 's/.*"minor":\([0-9]*\).*/\1/' |
	awk '{ s += $1 } END { print s }')
total=$(json_field minor "$TMP/stat.json")
[ "$sum" -eq "$total" ] || fail "interval rows sum to $sum, total says $total"
# pfx-load's getrusage() of its fault phase lies inside what pfx counted;
# the rest is pfx-load's wake-up and exit (a few dozen faults).
phase=$(kv rusage_minor "$TMP/load.out")
note "total=$total pfx-load phase rusage=$phase"
[ "$total" -ge "$phase" ] || fail "total $total < pfx-load's rusage $phase"
if sanitized "$PFX_LOAD"; then
	# A sanitized pfx-load runs LeakSanitizer at exit: thousands more faults.
	note "pfx-load is built with sanitizers: not bounding its exit faults"
else
	awk -v t="$total" -v p="$phase" 'BEGIN { exit !(t - p <= p / 100.0 + 64) }' ||
		fail "total $total is more than 1% + 64 above pfx-load's rusage $phase"
fi
[ "$(json_field source "$TMP/stat.json")" = perf ] || fail "source is not perf"

# Two processes (-p A,B): rows and totals per pid, summed in the total,
# and pfx waits for the last one.
"$PFX_LOAD" steady --seconds 0.6 --rate 2000 --wait-start >"$TMP/a.out" 2>&1 &
a=$!
"$PFX_LOAD" steady --seconds 1.2 --rate 1000 --wait-start >"$TMP/b.out" 2>&1 &
b=$!
wait_for_line "$TMP/a.out" 'ready pid=' && wait_for_line "$TMP/b.out" 'ready pid=' || fail "pfx-load did not start"
"$PFX" stat --format json -o - -p "$a,$b" 0.25 >"$TMP/two.json" 2>"$TMP/two.err" &
stat=$!
wait_for_line "$TMP/two.json" '"type":"header"' || fail "pfx stat -p A,B did not attach"
kill -USR1 "$a" "$b"
wait "$a" && wait "$b" || fail "pfx-load failed"
wait "$stat" || { cat "$TMP/two.err"; fail "pfx stat -p A,B failed"; }
for p in "$a" "$b"; do
	grep -q "\"type\":\"interval\".*\"pid\":$p," "$TMP/two.json" || fail "no rows for pid $p"
	ptotal=$(grep "\"type\":\"process\",\"pid\":$p," "$TMP/two.json" | sed 's/.*"minor":\([0-9]*\).*/\1/')
	prows=$(grep "\"type\":\"interval\".*\"pid\":$p," "$TMP/two.json" | sed 's/.*"minor":\([0-9]*\).*/\1/' |
		awk '{ s += $1 } END { print s }')
	[ "$ptotal" = "$prows" ] || fail "pid $p: rows sum to $prows, its total is $ptotal"
done
[ "$(grep -c '"type":"process"' "$TMP/two.json")" -eq 2 ] || fail "expected 2 process totals"
[ "$(json_field minor "$TMP/two.json")" -ge $(( $(kv rusage_minor "$TMP/a.out") + $(kv rusage_minor "$TMP/b.out") )) ] ||
	fail "total below the two processes' own rusage"
echo ok
