# SPDX-License-Identifier: GPL-2.0-or-later
# bench/stat: what 'pfx stat' costs the command it counts.  Each row is
# the median over interleaved runs (tests/bench/lib.sh) of the wall time
# of the command under the counter divided by the bare command, on
# fault-heavy pfx-load runs (262,144 faults for 1 GiB).  Goal for the
# default ('pfx stat -- W'): at most 1.02.  perf stat with the same
# events is timed the same way for reference: the per-fault cost of
# software counters is the kernel's, whoever opens them.  The last column
# is pfx-load's own timing of its fault loop (median of interleaved
# pairs, counted / bare), which leaves process start-up and teardown out.
# The first row times the bare command against itself: its distance from
# 1.000 is the noise of the machine at the time.  Table goes to
# doc/stat.md.
. "$top_srcdir/tests/bench/lib.sh"

SIZE=${BENCH_STAT_SIZE:-1G}
RUNS=${BENCH_RUNS:-7}

echo "$(date -u +%Y-%m-%d), $(uname -r), $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); $RUNS interleaved runs each"
echo
echo "| workload | counter | bare median (s) | counted median (s) | wall ratio (median of pairs) | fault-loop ratio |"
echo "|---|---|---|---|---|---|"
out="$BENCH_TMP/stat.out"
# Median over RUNS interleaved pairs of pfx-load's own seconds= (its
# fault loop) under CMD_A over under CMD_B.
loop_ratio() {
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		a=$(sh -c "$1" 2>/dev/null | sed -n 's/.* seconds=\([0-9.]*\).*/\1/p')
		b=$(sh -c "$2" 2>/dev/null | sed -n 's/.* seconds=\([0-9.]*\).*/\1/p')
		awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }'
		i=$((i + 1))
	done | median | awk '{ printf "%.3f", $1 }'
}
row() { # WORKLOAD COUNTER 'COUNTER PREFIX'
	w="$PFX_LOAD $1"
	bench_pair "$RUNS" counted "$3 $w" bare "$w"
	echo "| \`pfx-load $1\` | $2 | $BENCH_MED_B | $BENCH_MED_A | $BENCH_RATIO | $(loop_ratio "$3 $w" "$w") |"
}
# Control: the bare command against itself shows the noise floor.
row "seq -s $SIZE" "none (control: bare vs bare)" ""
row "seq -s $SIZE" "\`pfx stat --\`" "$PFX stat -o $out --"
row "random -s $SIZE" "\`pfx stat --\`" "$PFX stat -o $out --"
row "seq -s $SIZE -t 2" "\`pfx stat --\`" "$PFX stat -o $out --"
row "seq -s $SIZE" "\`pfx stat -I 100 --\`" "$PFX stat -I 100 -o $out --"
row "seq -s $SIZE -t 2" "\`pfx stat --per-thread --\`" "$PFX stat --per-thread -o $out --"
row "seq -s $SIZE" "\`pfx stat --source proc --\`" "$PFX stat --source proc -o $out --"
if [ "$(id -u)" -eq 0 ]; then	# tracefs instances need root
	row "seq -s $SIZE" "\`pfx stat --source tracefs --\`" "$PFX stat --source tracefs -o $out --"
fi
if command -v perf >/dev/null 2>&1; then
	row "seq -s $SIZE" "\`perf stat -e page-faults,minor-faults,major-faults\` (reference)" \
		"perf stat -e page-faults,minor-faults,major-faults -o $out --"
	row "seq -s $SIZE" "\`perf stat -e minor-faults,major-faults\` (reference)" \
		"perf stat -e minor-faults,major-faults -o $out --"
fi
