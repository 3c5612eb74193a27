#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/record-host: the cost of 'pfx record -a' (every fault of the host)
# next to 'perf record -a' with the same events (table in doc/record.md).
# One interleaved run over a fault-heavy pfx-load workload (repeat: every
# page faults again after MADV_DONTNEED), each recorder started with the
# workload as its command (-a -- W: the host is recorded while W runs):
#   bare            the workload alone
#   pfx record -a   (default events: minor/major samples + page_fault_user)
#   pfx record -a --no-entry
#   perf record -a  -c 1 -d -e minor-faults -e major-faults
# Ratios are taken per loop and their median printed; then bytes per fault
# and what each recorder kept of the faults its events counted.  Needs root
# (CPU-wide events); the host's other work is recorded too, as it would be.
. "$top_srcdir/tests/bench/lib.sh"

WORK="$PFX_LOAD repeat -s ${BENCH_SIZE:-256M} --rounds ${BENCH_ROUNDS:-3}"
D=$BENCH_TMP
command -v perf >/dev/null 2>&1 || { echo "bench/record-host: perf not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "bench/record-host: needs root (CPU-wide events)"; exit 77; }

for f in bare pfx noentry perf r_bare r_noentry r_perf r_noentry_perf r_perf_bare; do : >"$D/$f"; done
wall_of "$WORK" >/dev/null	# warm-up
for i in $(seq "$BENCH_RUNS"); do
	b=$(wall_of "$WORK")
	p=$(wall_of "$PFX record -a -o $D/pfx.data -- $WORK")
	n=$(wall_of "$PFX record -a --no-entry -o $D/noentry.data -- $WORK")
	q=$(wall_of "perf record -q -a -c 1 -d -e minor-faults -e major-faults -o $D/perf.data -- $WORK")
	printf '%s\n' "$b" >>"$D/bare"; printf '%s\n' "$p" >>"$D/pfx"
	printf '%s\n' "$n" >>"$D/noentry"; printf '%s\n' "$q" >>"$D/perf"
	ratio "$p" "$b" >>"$D/r_bare"; ratio "$n" "$b" >>"$D/r_noentry"; ratio "$q" "$b" >>"$D/r_perf_bare"
	ratio "$p" "$q" >>"$D/r_perf"; ratio "$n" "$q" >>"$D/r_noentry_perf"
done
med() { median <"$D/$1" | awk -v s="${2:-1e9}" '{ printf "%.3f", $1 / s }'; }

# What each kept, on the last files: pfx's own count of its events against
# the faults in its file; perf's samples (perf report's header count).
tot() { "$PFX" report -i "$1" --format json | jq -r "$2"; }
pfx_faults=$(tot "$D/pfx.data" .totals.recorded); pfx_counted=$(tot "$D/pfx.data" .totals.counted)
perf_samples=$(perf script -i "$D/perf.data" -F event 2>/dev/null | wc -l)
perf_lost=$(perf report -i "$D/perf.data" --stats 2>/dev/null | awk '/LOST/ { s += $NF } END { print s + 0 }')

echo "Workload: \`pfx-load repeat -s ${BENCH_SIZE:-256M} --rounds ${BENCH_ROUNDS:-3}\` under each recorder with \`-a\`, $BENCH_RUNS interleaved runs, medians; $(date -u +%Y-%m-%d), $(nproc) CPUs, kernel $(uname -r)"
echo
echo "| measure | value |"
echo "|---|---|"
echo "| bare workload wall | $(med bare) s |"
echo "| \`pfx record -a\` wall | $(med pfx) s |"
echo "| \`pfx record -a --no-entry\` wall | $(med noentry) s |"
echo "| \`perf record -a -c 1 -d -e minor-faults -e major-faults\` wall | $(med perf) s |"
echo "| \`pfx record -a\` / bare | $(med r_bare 1) |"
echo "| \`pfx record -a --no-entry\` / bare | $(med r_noentry 1) |"
echo "| \`perf record -a\` / bare | $(med r_perf_bare 1) |"
echo "| \`pfx record -a\` / \`perf record -a\` | $(med r_perf 1) |"
echo "| \`pfx record -a --no-entry\` / \`perf record -a\` | $(med r_noentry_perf 1) |"
echo "| faults in pfx.data / counted by its events | $pfx_faults / $pfx_counted |"
echo "| samples in perf.data (lost records) | $perf_samples ($perf_lost) |"
echo "| bytes per fault: pfx.data, perf.data | $(awk -v b="$(wc -c <"$D/pfx.data")" -v f="$pfx_faults" 'BEGIN { printf "%.2f", b / f }'), $(awk -v b="$(wc -c <"$D/perf.data")" -v f="$perf_samples" 'BEGIN { printf "%.1f", b / (f ? f : 1) }') |"
