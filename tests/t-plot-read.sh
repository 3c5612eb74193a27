# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-read: the recording charts read as 'pfx report' does: the axis
# titles with units, the report's p50/p99 (same text) in the latency
# chart, the report's busiest regions by the same names in the regions
# chart and the heatmap, the few major faults of a file read visible
# (log scale) next to the minor ones; the rate axis in plain numbers with
# k/M (no milli-faults); recordings of the bundled workload and of
# python3, as PNG and SVG.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/plot-lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot is not installed (package gnuplot-nox)"
command -v python3 >/dev/null || skip "python3 is not installed"
command -v jq >/dev/null || skip "jq is not installed"
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR"

"$PFX" record -o "$TMP/file.data" -- "$PFX_LOAD" file -s 8M --dir "$TMP" >"$TMP/file.out" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "pfx record of pfx-load file failed"; }
"$PFX" record -o "$TMP/py.data" -- python3 -c 'b = bytearray(32 << 20)
for i in range(0, len(b), 4096): b[i] = 1' 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "pfx record of python3 failed"; }

# region_name START PATH KIND: the name a chart gives a report region
region_name() {
	case $2 in
	'') echo "$3" ;;
	*) basename "$2" ;;
	esac
}

for rec in file py; do
	data=$TMP/$rec.data
	# no latency chart without latency (a user at perf_event_paranoid >= 0)
	charts="timeline heatmap regions latency"
	has_latency "$data" || { charts="timeline heatmap regions"; note "$rec: no latency recorded"; }
	for chart in $charts; do
		expect_exit 0 "$PFX" plot -i "$data" -c "$chart" -o "$TMP/$rec-$chart.png"
		png_ok "$TMP/$rec-$chart.png" 900 500
		expect_exit 0 "$PFX" plot -i "$data" -c "$chart" -o "$TMP/$rec-$chart.svg"
		svg_ok "$TMP/$rec-$chart.svg" "Page fault"
	done
	svg_says "$TMP/$rec-timeline.svg" "time (s); bins of" "faults per" "faults/s" "minor faults ("
	svg_says "$TMP/$rec-heatmap.svg" "time (s); bins of" "address (the faulted part of each region)" "faults per cell"
	svg_says "$TMP/$rec-regions.svg" "faults (log scale)" "memory region (name and start address"
	[ -e "$TMP/$rec-latency.svg" ] &&
		svg_says "$TMP/$rec-latency.svg" "fault latency (µs, log scale" "faults per bin (log scale)"

	# the report's numbers and names, in the charts' text
	"$PFX" report -i "$data" --format json >"$TMP/rep.json" || fail "pfx report of $rec failed"
	"$PFX" report -i "$data" >"$TMP/rep.txt" || fail "pfx report of $rec failed"
	for kind in minor major; do
		line=$(grep "^Latency of $kind faults" "$TMP/rep.txt") || continue
		p50=$(printf '%s\n' "$line" | sed -n 's/.*p50 \([^,]*\),.*/\1/p')
		p99=$(printf '%s\n' "$line" | sed -n 's/.*p99 \([^,]*\),.*/\1/p')
		svg_says "$TMP/$rec-latency.svg" "p50 $p50" "p99 $p99"
		note "$rec: $kind p50 $p50, p99 $p99 in the report and the latency chart"
	done
	top=$(jq -r '.regions[0] | [.path, .kind] | @tsv' "$TMP/rep.json")
	name=$(region_name x "$(printf '%s' "$top" | cut -f1)" "$(printf '%s' "$top" | cut -f2)")
	svg_says "$TMP/$rec-regions.svg" "$name"
	svg_says "$TMP/$rec-heatmap.svg" "$name"
	note "$rec: busiest region '$name' in the report, the regions chart and the heatmap"
done

# the file read: 2048 major faults, drawn and counted next to the minor ones
majors=$(kv expect_major "$TMP/file.out")
svg_says "$TMP/file-regions.svg" "major ($majors)" "$majors"
svg_says "$TMP/file-timeline.svg" "major faults ($majors in all)"
# faults per bin are whole numbers: no tick between 0 and 1
# the rate axis (right: numbers anchored at their start) in plain numbers
# with k/M: no "500.0m" (milli-faults) or "1.0" on a recording of long bins
# (plot-mkrec: a last fault at 2000 s, 20 s bins, 0.05 faults/s)
"$top_builddir/tests/plot-mkrec" "$TMP/long.data" --late 2000000000000 || fail "plot-mkrec failed"
for f in long file py; do
	data=$TMP/$f.data
	expect_exit 0 "$PFX" plot -i "$data" -c timeline -o "$TMP/$f-rate.svg"
	svg_labels "$TMP/$f-rate.svg" start | awk '$3 ~ /^[0-9]/ { print $3 }' >"$TMP/rates"
	[ -s "$TMP/rates" ] || fail "$f: no rate axis labels"
	grep -v '^[0-9]*\(\.[0-9]*[1-9]\)\{0,1\}[kM]\{0,1\}$' "$TMP/rates" >"$TMP/bad" &&
		fail "$f: rate labels not plain: $(tr '\n' ' ' <"$TMP/bad")"
	note "$f: rate axis $(tr '\n' ' ' <"$TMP/rates")"
done
expect_exit 0 "$PFX" plot -i "$TMP/file.data" -c timeline --script "$TMP/s-tl"
awk '!/^#/ && ($5 != int($5) || $6 != int($6)) { exit 1 }' "$TMP/s-tl/timeline.dat" || fail "timeline counts are not whole numbers"

# the heatmap folds a gap without faults out of a region: a 1 GiB mapping
# with its first 16 MiB written and one page at 512 MiB and one at the end
"$PFX" record -o "$TMP/stray.data" -- python3 -c 'import mmap
m = mmap.mmap(-1, 1 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
for i in range(0, 16 << 20, 4096): m[i] = 1
m[512 << 20] = 1
m[(1 << 30) - 1] = 1' 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "pfx record of the stray faults failed"; }
expect_exit 0 "$PFX" plot -i "$TMP/stray.data" -c heatmap --script "$TMP/s-hm"
grep -q "^region_name\[[0-9]*\] = 'anon'; region_addr\[[0-9]*\] = '0x[0-9a-f]* +1 GiB'" "$TMP/s-hm/heatmap.gp" ||
	{ grep region_addr "$TMP/s-hm/heatmap.gp"; fail "the heatmap does not show the 1 GiB mapping"; }
grep -q "^break_row\[[0-9]*\] = [0-9]*; break_label\[[0-9]*\] = '2 gaps without faults folded, 1008 MiB'" "$TMP/s-hm/heatmap.gp" ||
	{ grep break "$TMP/s-hm/heatmap.gp"; fail "the gaps of the 1 GiB mapping were not folded"; }
expect_exit 0 "$PFX" plot -i "$TMP/stray.data" -c heatmap -o "$TMP/stray.svg"
svg_says "$TMP/stray.svg" "2 gaps without faults folded, 1008 MiB"

left=$(ls -A "$TMPDIR")
[ -z "$left" ] || fail "pfx plot left scratch files behind: $left"
echo ok
