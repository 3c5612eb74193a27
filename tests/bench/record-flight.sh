#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/record-flight: the memory of 'pfx record -a --flight' over a long
# run (table in doc/record.md, "Flight recorder").  pfx-load steady faults
# at BENCH_FLIGHT_RATE (50000/s) for BENCH_FLIGHT_SECONDS (600) while
# 'pfx record -a --flight BENCH_FLIGHT_WINDOW (30) --flight-size
# BENCH_FLIGHT_SIZE (64M)' records the host; every BENCH_FLIGHT_EVERY (60)
# s it prints pfx's VmRSS and VmHWM (/proc/PID/status), then sends
# SIGUSR1 near the end and reports the dump (faults, window, pfx report's
# reading of it).  The bound holds when VmHWM levels off at about the ring
# size plus pfx's own (the perf rings: -m 1024 pages per CPU), not growing
# with time.  Needs root (-a); the host's other faults are recorded too.
. "$top_srcdir/tests/bench/lib.sh"

RATE=${BENCH_FLIGHT_RATE:-50000}
SECS=${BENCH_FLIGHT_SECONDS:-600}
WIN=${BENCH_FLIGHT_WINDOW:-30}
SIZE=${BENCH_FLIGHT_SIZE:-64M}
EVERY=${BENCH_FLIGHT_EVERY:-60}
D=$BENCH_TMP
[ "$(id -u)" -eq 0 ] || { echo "bench/record-flight: needs root (-a)"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "bench/record-flight: needs jq"; exit 77; }

"$PFX" record -a --flight "$WIN" --flight-size "$SIZE" -o "$D/fl" -- \
	"$PFX_LOAD" steady --rate "$RATE" --seconds "$SECS" -s 256M >"$D/load.out" 2>"$D/rec.err" &
pfx=$!
kb() { awk -v k="$1:" '$1 == k { print $2 }' /proc/$pfx/status 2>/dev/null; }
cpu() { awk '{ print ($14 + $15) / 100 }' /proc/$pfx/stat 2>/dev/null; }
echo "pfx record -a --flight $WIN --flight-size $SIZE, pfx-load steady --rate $RATE for $SECS s"
echo
echo "| seconds | VmRSS MiB | VmHWM MiB | pfx CPU s |"
echo "| ---: | ---: | ---: | ---: |"
t=0
while [ $t -lt $((SECS - 5)) ]; do
	step=$EVERY; [ $((t + step)) -gt $((SECS - 5)) ] && step=$((SECS - 5 - t))
	sleep "$step"; t=$((t + step))
	kill -0 $pfx 2>/dev/null || break
	awk -v t="$t" -v r="$(kb VmRSS)" -v h="$(kb VmHWM)" -v c="$(cpu)" \
		'BEGIN { printf "| %d | %.1f | %.1f | %.1f |\n", t, r / 1024, h / 1024, c }'
done
kill -USR1 $pfx 2>/dev/null
wait $pfx
echo
grep 'flight recorder' "$D/rec.err" | sed 's/^/    /'
grep '^pfx-load' "$D/load.out" | sed 's/^/    /'
if [ -s "$D/fl.1" ]; then
	"$PFX" report -i "$D/fl.1" --format json |
		jq -r '"    dump: \(.totals.faults) faults over \(.duration_ns / 1e9) s, \(.regions | length) regions; \(.warning)"'
	echo "    dump file: $(stat -c %s "$D/fl.1") bytes"
fi
