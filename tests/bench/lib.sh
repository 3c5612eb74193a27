# SPDX-License-Identifier: GPL-2.0-or-later
# bench/lib.sh: interleaved wall-clock timing for the benchmarks.
#
# bench_pair RUNS NAME_A 'CMD A' NAME_B 'CMD B'
#   runs A and B alternately RUNS times (after one warm-up each), each as
#   'sh -c CMD' with output discarded, and sets:
#     BENCH_MED_A, BENCH_MED_B  median wall seconds
#     BENCH_RATIO               median of the per-pair ratios A/B
#   Pairing each A with the B run next to it keeps machine drift out of
#   the ratio.

now_ns() { date +%s%N; }

wall_of() {
	t0=$(now_ns)
	sh -c "$1" >/dev/null 2>&1 || echo "bench: command failed: $1" >&2
	t1=$(now_ns)
	echo $(( t1 - t0 ))
}

# ratio A B: A / B with 4 decimals (a line for median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f\n", a / b }'; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

bench_pair() {
	runs=$1 name_a=$2 cmd_a=$3 name_b=$4 cmd_b=$5
	wall_of "$cmd_a" >/dev/null; wall_of "$cmd_b" >/dev/null
	: >"$BENCH_TMP/a"; : >"$BENCH_TMP/b"; : >"$BENCH_TMP/r"
	i=0
	while [ "$i" -lt "$runs" ]; do
		a=$(wall_of "$cmd_a"); b=$(wall_of "$cmd_b")
		echo "$a" >>"$BENCH_TMP/a"; echo "$b" >>"$BENCH_TMP/b"
		awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }' >>"$BENCH_TMP/r"
		i=$((i + 1))
	done
	BENCH_MED_A=$(median <"$BENCH_TMP/a" | awk '{ printf "%.3f", $1 / 1e9 }')
	BENCH_MED_B=$(median <"$BENCH_TMP/b" | awk '{ printf "%.3f", $1 / 1e9 }')
	BENCH_RATIO=$(median <"$BENCH_TMP/r" | awk '{ printf "%.3f", $1 }')
}

# bench_procs N: spawn idle sleeps (their PIDs in $BENCH_TMP/sleeps, which
# the caller's trap kills) until about N processes are listed in /proc;
# 1 with a message when pid_max or the process limit is too low.  The
# count is taken once it holds still (processes just killed are listed
# until reaped).
bench_procs() {
	want=$1 have=0 j=0
	while [ $j -lt 20 ]; do
		now=$(ls /proc | grep -c '^[0-9]')
		[ "$now" -eq "$have" ] && break
		have=$now j=$((j + 1))
		sleep 0.5
	done
	[ "$want" -le "$have" ] && return 0
	maxu=$(awk '/^Max processes/ { print $3 }' /proc/self/limits)
	if [ "$want" -ge "$(cat /proc/sys/kernel/pid_max)" ] ||
	   { [ "$maxu" != unlimited ] && [ "$want" -ge "$maxu" ]; }; then
		echo "bench: $want processes need kernel.pid_max and the process limit above that" >&2
		return 1
	fi
	i=$have
	while [ "$i" -lt "$want" ]; do sleep 3600 & echo $! >>"$BENCH_TMP/sleeps"; i=$((i + 1)); done
	sleep 1
}

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pfx-bench.XXXXXX")
trap 'rm -rf "$BENCH_TMP"' EXIT
BENCH_RUNS=${BENCH_RUNS:-7}
