#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/plot: how long 'pfx plot' takes to draw each chart of a fault-heavy
# recording (table in doc/plot.md), against the hand-rolled way to get a
# fault-rate chart: 'perf script' over a perf.data of the same workload,
# binned with awk, drawn by gnuplot.  Interleaved pairs, medians.
. "$top_srcdir/tests/bench/lib.sh"

command -v perf >/dev/null 2>&1 || { echo "bench/plot: perf not installed"; exit 77; }
command -v gnuplot >/dev/null 2>&1 || { echo "bench/plot: gnuplot not installed"; exit 77; }
export PFX_PLOT_DIR="${PFX_PLOT_DIR:-$top_srcdir/plot}"
WORK="$PFX_LOAD repeat -s ${BENCH_SIZE:-256M} --rounds ${BENCH_ROUNDS:-3}"
D=$BENCH_TMP

"$PFX" record -o "$D/pfx.data" -- $WORK >/dev/null 2>"$D/rec.err" || { cat "$D/rec.err"; exit 1; }
perf record -q -c 1 -d -e minor-faults -e major-faults -o "$D/perf.data" -- $WORK >/dev/null 2>&1
faults=$(sed -n 's/^pfx record: \([0-9]*\) faults.*/\1/p' "$D/rec.err")

# the hand-rolled timeline: 5 ms bins of faults/s, drawn as boxes
HAND="perf script -i $D/perf.data -F time 2>/dev/null |
 awk '{ t = \$1 + 0; if (!s) s = t; c[int((t - s) / 0.005)]++ } END { for (k in c) print k * 0.005, c[k] / 0.005 }' |
 sort -g >$D/hand.dat &&
 gnuplot -e \"set terminal pngcairo size 900,500; set output '$D/hand.png'; plot '$D/hand.dat' with boxes\""

echo "$faults faults ($WORK), $BENCH_RUNS interleaved runs, $(date -u +%Y-%m-%d), $(nproc) CPUs, $(uname -r)"
echo
echo "| chart | pfx plot (s) | perf script + awk + gnuplot timeline (s) | ratio |"
echo "| --- | --- | --- | --- |"
for chart in timeline heatmap regions latency; do
	bench_pair "$BENCH_RUNS" pfx "$PFX plot -i $D/pfx.data -c $chart -o $D/$chart.png" hand "$HAND"
	echo "| $chart | $BENCH_MED_A | $BENCH_MED_B | $BENCH_RATIO |"
done
