# SPDX-License-Identifier: GPL-2.0-or-later
# bench/thp: what one 'pfx thp' sample costs in CPU time, against reading
# the same three files with cat (smaps_rollup, vmstat, numa_maps: what a
# user watching them by hand pays), on a 1 GiB pfx-load of 4 KiB pages and
# one of huge pages.  Table goes to doc/thp.md.
#
# CPU time is perf stat's task-clock of the whole command (cat's
# children included, to the microsecond), so the kernel's page-table
# walks count: they are most of it.  Each command runs at 1 and at 1+N samples and the
# difference is divided by N, so process start-up and pfx's set-up (perf
# counters on every CPU) drop out.  Per run the two per-sample costs give
# a ratio; the table has the medians.
. "$top_srcdir/tests/bench/lib.sh"

SIZE=${BENCH_THP_SIZE:-1G}
N=${BENCH_THP_SAMPLES:-20}
RUNS=${BENCH_THP_RUNS:-5}
command -v perf >/dev/null || { echo "bench: perf (linux-perf) not installed" >&2; exit 1; }

# cpu_of CMD: CPU ms (task-clock) of sh -c CMD and everything it runs
cpu_of() {
	perf stat -x, -e task-clock -o "$BENCH_TMP/stat" sh -c "$1" >/dev/null 2>&1 ||
		echo "bench: command failed: $1" >&2
	awk -F, '$3 == "task-clock" { print $1 }' "$BENCH_TMP/stat"
}
# per_sample 'CMD with @N@': CPU ms of one sample
per_sample() {
	many=$(cpu_of "$(echo "$1" | sed "s/@N@/$((N + 1))/g")")
	one=$(cpu_of "$(echo "$1" | sed "s/@N@/1/g")")
	awk -v a="$many" -v b="$one" -v n="$N" 'BEGIN { printf "%.3f\n", (a - b) / n }'
}

# start_load MODE: a paused 1 GiB pfx-load; sets load, gib, thp_gib
start_load() {
	"$PFX_LOAD" "$1" -s "$SIZE" --pause-end 3600000 >"$BENCH_TMP/load.out" 2>"$BENCH_TMP/load.err" &
	load=$!
	until grep -q '^pfx-load: mode' "$BENCH_TMP/load.out"; do
		kill -0 $load 2>/dev/null || return 1
		sleep 0.2
	done
	gib=$(awk '/^Rss:/ { printf "%.2f", $2 / 1048576 }' /proc/$load/smaps_rollup)
	thp_gib=$(awk '/^AnonHugePages:/ { printf "%.2f", $2 / 1048576 }' /proc/$load/smaps_rollup)
}

row() { # MODE
	: >"$BENCH_TMP/p"; : >"$BENCH_TMP/c"; : >"$BENCH_TMP/r"
	pfx_cmd="'$PFX' thp -p $load 0.1 @N@"
	cat_cmd="for i in \$(seq @N@); do cat /proc/$load/smaps_rollup /proc/vmstat /proc/$load/numa_maps; done"
	per_sample "$pfx_cmd" >/dev/null	# warm-up
	i=0
	while [ $i -lt "$RUNS" ]; do
		p=$(per_sample "$pfx_cmd"); c=$(per_sample "$cat_cmd")
		echo "$p" >>"$BENCH_TMP/p"; echo "$c" >>"$BENCH_TMP/c"
		awk -v p="$p" -v c="$c" 'BEGIN { printf "%.4f\n", (c + 0 > 0) ? p / c : 0 }' >>"$BENCH_TMP/r"
		i=$((i + 1))
	done
	awk -v m="$1" -v g="$gib" -v t="$thp_gib" -v p="$(median <"$BENCH_TMP/p")" -v c="$(median <"$BENCH_TMP/c")" \
		-v r="$(median <"$BENCH_TMP/r")" \
		'BEGIN { printf "| pfx-load %s, RSS %s GiB (%s GiB in huge pages) | %.2f | %.2f | %.2f |\n", m, g, t, p, c, r }'
}

echo "thp sampling cost, $(date -u +%Y-%m-%d), $(uname -r), $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), uid $(id -u)"
echo "per sample: CPU ms (perf stat task-clock) of 'pfx thp -p PID 0.1' and of 'cat smaps_rollup vmstat numa_maps'; median of $RUNS runs of $N samples"
echo
echo "| target | pfx thp ms/sample | cat ms/sample | ratio (median of runs) |"
echo "|---|---|---|---|"
trap 'kill $load 2>/dev/null; rm -rf "$BENCH_TMP"' EXIT
start_load seq || { echo "bench: pfx-load seq died: $(cat "$BENCH_TMP/load.err")" >&2; exit 1; }
row seq
kill $load; wait $load 2>/dev/null || true	# 143: killed, as asked
if start_load thp; then
	row thp
	kill $load; wait $load 2>/dev/null || true
else
	echo "| pfx-load thp | skipped: $(cat "$BENCH_TMP/load.err") | | |"
fi
