# SPDX-License-Identifier: GPL-2.0-or-later
# bench/maps: wall time of 'pfx maps -p PID' against 'pmap -X PID' (the
# reference: smaps, one page walk per mapping in the kernel) on a 1 GiB
# touched pfx-load.  Median of interleaved runs of each and the median of
# the per-pair ratios.  Table goes to doc/maps.md.
#
# pfx maps reads 2 MiB of pagemap per GiB and then the kpageflags of every
# resident page (sorted, in spans); as root both columns sets are read, so
# the first row is what a root user pays.  The second row, without
# kpageflags (as a user without CAP_SYS_ADMIN: RSS and SWAP only), is
# pagemap alone.
. "$top_srcdir/tests/bench/lib.sh"

SIZE=${BENCH_MAPS_SIZE:-1G}
RUNS=${BENCH_MAPS_RUNS:-5}
command -v pmap >/dev/null || { echo "bench: pmap (procps) not installed" >&2; exit 1; }

"$PFX_LOAD" seq -s "$SIZE" --pause-end 3600000 >"$BENCH_TMP/load.out" &
load=$!
trap 'kill $load 2>/dev/null; rm -rf "$BENCH_TMP"' EXIT
until grep -q '^pfx-load: ' "$BENCH_TMP/load.out"; do
	kill -0 $load 2>/dev/null || { echo "bench: pfx-load died" >&2; exit 1; }
	sleep 0.2
done
rss_kb=$(awk '/^VmRSS/ { print $2 }' /proc/$load/status)
gib=$(awk -v k="$rss_kb" 'BEGIN { printf "%.3f", k / 1048576 }')

echo "maps cost, $(date -u +%Y-%m-%d), $(uname -r), $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), uid $(id -u)"
echo "target: pfx-load seq -s $SIZE, RSS $gib GiB (4 KiB pages); median of $RUNS interleaved runs"
echo
echo "| command | median ms | pmap -X median ms | ratio to pmap -X (median of pairs) |"
echo "|---|---|---|---|"
row() { # WHAT
	awk -v w="$1" -v a="$BENCH_MED_A" -v b="$BENCH_MED_B" -v r="$BENCH_RATIO" \
		'BEGIN { printf "| %s | %.1f | %.1f | %.2f |\n", w, a * 1000, b * 1000, r }'
}
bench_pair "$RUNS" pfx "'$PFX' maps -p $load" pmap "pmap -X $load"
row "\`pfx maps -p PID\` (all columns)"
# A fixture-free way to drop kpageflags: a root with the real /proc/PID but
# no kpageflags, so RSS and SWAP come from pagemap alone.
mkdir -p "$BENCH_TMP/root/proc"
ln -s /proc/$load "$BENCH_TMP/root/proc/$load"
bench_pair "$RUNS" pfx "'$PFX' maps --root '$BENCH_TMP/root' -p $load" pmap "pmap -X $load"
row "\`pfx maps\` without kpageflags (RSS, SWAP only)"
