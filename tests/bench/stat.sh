# bench/stat: what 'pfx stat' costs the command it counts.  Each row is
# the median over interleaved runs (tests/bench/lib.sh) of the wall time
# of the command under the counter divided by the bare command, on
# fault-heavy pfx-load runs (262,144 faults for 1 GiB).  Goal for the
# default ('pfx stat -- W'): at most 1.02.  perf stat is timed the same
# way for reference.  Table goes to doc/stat.md.
. "$top_srcdir/tests/bench/lib.sh"

SIZE=${BENCH_STAT_SIZE:-1G}
RUNS=${BENCH_RUNS:-7}

echo "$(date -u +%Y-%m-%d), $(uname -r), $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); $RUNS interleaved runs each"
echo
echo "| workload | counter | bare median (s) | counted median (s) | ratio (median of pairs) |"
echo "|---|---|---|---|---|"
row() { # WORKLOAD COUNTER 'COUNTER PREFIX'
	w="$PFX_LOAD $1"
	bench_pair "$RUNS" counted "$3 $w" bare "$w"
	echo "| \`pfx-load $1\` | $2 | $BENCH_MED_B | $BENCH_MED_A | $BENCH_RATIO |"
}
row "seq -s $SIZE" "\`pfx stat --\`" "$PFX stat -o /dev/null --"
row "random -s $SIZE" "\`pfx stat --\`" "$PFX stat -o /dev/null --"
row "seq -s $SIZE -t 2" "\`pfx stat --\`" "$PFX stat -o /dev/null --"
row "seq -s $SIZE" "\`pfx stat -I 100 --\`" "$PFX stat -I 100 -o /dev/null --"
row "seq -s $SIZE -t 2" "\`pfx stat --per-thread --\`" "$PFX stat --per-thread -o /dev/null --"
row "seq -s $SIZE" "\`pfx stat --source proc --\`" "$PFX stat --source proc -o /dev/null --"
if command -v perf >/dev/null 2>&1; then
	row "seq -s $SIZE" "\`perf stat -e minor-faults,major-faults\` (reference)" \
		"perf stat -e minor-faults,major-faults -o /dev/null --"
fi
