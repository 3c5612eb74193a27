#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/uffd: the cost of serving faults in user space (table in
# doc/uffd.md, a row in README).  Fault-phase time per page, as pfx-load
# measures it (seconds=, the touch phase only), median of interleaved runs:
#   zero       pfx-load seq -s 256M --uffd zero   (recorder on, file written)
#   kernel     pfx-load seq -s 256M               (the kernel's first touch)
#   the same two pinned to one CPU (taskset -c 0): handler and workload
#     then hand over without a cross-CPU wake-up
#   file       pfx-load seq -s 64M --uffd file    (lazy load: pread + UFFDIO_COPY)
#   mmap       pfx-load file -s 64M               (a plain mmap of a file)
#     both cold (evicted) and without read-ahead: one read per page
# Ratios are taken per interleaved pair, then their median.  Also the
# recorder's own service latency (median over the last recording of each).
. "$top_srcdir/tests/bench/lib.sh"

SIZE=${BENCH_UFFD_SIZE:-256M}
FSIZE=${BENCH_UFFD_FILE_SIZE:-64M}
D=$BENCH_TMP

# us_per_page CMD...: the phase's microseconds per page
us_per_page() {
	"$@" 2>/dev/null | awk '/^pfx-load: / {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%.4f\n", v["seconds"] * 1e6 / v["pages"] }'
}

# pair NAME 'CMD A' 'CMD B': interleaved runs; medians in $D/NAME.{a,b,r}
pair() {
	name=$1 a=$2 b=$3
	: >"$D/$name.a"; : >"$D/$name.b"; : >"$D/$name.r"
	us_per_page $a >/dev/null; us_per_page $b >/dev/null	# warm-up
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		x=$(us_per_page $a); y=$(us_per_page $b)
		[ -n "$x" ] && [ -n "$y" ] || { echo "bench/uffd: a run failed: $a / $b" >&2; exit 1; }
		echo "$x" >>"$D/$name.a"; echo "$y" >>"$D/$name.b"
		awk -v x="$x" -v y="$y" 'BEGIN { printf "%.4f\n", x / y }' >>"$D/$name.r"
		i=$((i + 1))
	done
}
med() { median <"$D/$1" | awk '{ printf "%.2f", $1 }'; }

"$PFX_LOAD" seq -s 4K --uffd zero --uffd-out "$D/probe.data" >/dev/null 2>&1 ||
	{ echo "bench/uffd: userfaultfd unavailable here"; exit 77; }
pair zero "$PFX_LOAD seq -s $SIZE --uffd zero --uffd-out $D/zero.data" "$PFX_LOAD seq -s $SIZE"
pinned=false
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -gt 1 ]; then
	pinned=true
	pair pin "taskset -c 0 $PFX_LOAD seq -s $SIZE --uffd zero --uffd-out $D/pin.data" \
		"taskset -c 0 $PFX_LOAD seq -s $SIZE"
fi
pair file "$PFX_LOAD seq -s $FSIZE --uffd file --uffd-out $D/file.data" "$PFX_LOAD file -s $FSIZE"
# p50 FILE: the median recorded latency in µs, exact (report's are buckets)
p50() {
	"$PFX" report -i "$D/$1" --dump | sed -n 's/.* fault .*latency=\([0-9]*\)$/\1/p' |
		median | awk '{ printf "%.1f", $1 / 1000 }'
}

echo "Fault phase per page (pfx-load seconds / pages), $BENCH_RUNS interleaved runs, medians; $(date -u +%Y-%m-%d), $(nproc) CPUs, kernel $(uname -r)"
echo
echo "| measure | uffd | kernel | uffd / kernel | recorded service latency p50 |"
echo "|---|---|---|---|---|"
echo "| zero policy vs anonymous first touch, $SIZE | $(med zero.a) µs | $(med zero.b) µs | $(med zero.r) | $(p50 zero.data) µs |"
$pinned && echo "| the same, both on one CPU (taskset -c 0) | $(med pin.a) µs | $(med pin.b) µs | $(med pin.r) | $(p50 pin.data) µs |"
echo "| file policy (pread + UFFDIO_COPY) vs mmap of a file, cold, $FSIZE | $(med file.a) µs | $(med file.b) µs | $(med file.r) | $(p50 file.data) µs |"
