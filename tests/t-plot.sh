# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot: pfx plot draws every chart, as PNG and SVG, from real recordings
# of the bundled workload and from real 'pfx wss' samples; the data behind
# the charts matches what the workload did; an emitted --script runs
# through gnuplot by hand, from anywhere, and after editing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/plot-lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot is not installed (package gnuplot-nox)"
# every scratch directory pfx makes must be gone afterwards
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR"

# --- real recordings: a sequential pass (minor faults) and a cold file read (major) ---
"$PFX" record -o "$TMP/seq.data" -- "$PFX_LOAD" seq -s 32M >"$TMP/seq.out" 2>"$TMP/seq.err" ||
	{ cat "$TMP/seq.err"; fail "pfx record of pfx-load seq failed"; }
"$PFX" record -o "$TMP/file.data" -- "$PFX_LOAD" file -s 8M --dir "$TMP" >"$TMP/file.out" 2>"$TMP/file.err" ||
	{ cat "$TMP/file.err"; fail "pfx record of pfx-load file failed"; }
pages=$(kv pages "$TMP/seq.out")
majors=$(kv expect_major "$TMP/file.out")
note "seq: $pages pages; file: $majors major faults expected"

title_of() {
	case $1 in
	timeline) echo "Page faults over time" ;;
	heatmap) echo "Page faults by address and time" ;;
	regions) echo "Page faults per memory region" ;;
	latency) echo "Page fault latency" ;;
	esac
}
for rec in seq file; do
	# the latency chart needs exceptions:page_fault_user, which a user at
	# perf_event_paranoid 0 or more may not sample (a package build)
	charts="timeline heatmap regions latency"
	has_latency "$TMP/$rec.data" ||
		{ charts="timeline heatmap regions"; note "$rec: no latency recorded, no latency chart"; }
	for chart in $charts; do
		title=$(title_of "$chart")
		expect_exit 0 "$PFX" plot -i "$TMP/$rec.data" --chart "$chart" -o "$TMP/$rec-$chart.png"
		grep -q "^$chart chart: $TMP/$rec-$chart.png\$" "$TMP/out" ||
			fail "plot did not say where the chart is: $(cat "$TMP/out")"
		# (a busy machine may make the kernel drop samples: that warning is fine)
		! grep -v '^pfx: warning: the kernel dropped' "$TMP/err" ||
			fail "$chart of $rec printed messages"
		png_ok "$TMP/$rec-$chart.png" 900 500
		expect_exit 0 "$PFX" plot -i "$TMP/$rec.data" -c "$chart" -o "$TMP/$rec-$chart.svg"
		svg_ok "$TMP/$rec-$chart.svg" "$title"
	done
done

# --- the numbers behind the charts are the recording's ---
expect_exit 0 "$PFX" plot -i "$TMP/seq.data" -c regions --script "$TMP/s-regions"
# the busiest region is the workload's anonymous buffer, with one minor fault per page
# (labels are in the script, region_label[N]; the table holds N and numbers)
top=$(grep -v '^#' "$TMP/s-regions/regions.dat" | head -n 1)
grep -q "^region_label\[${top%% *}\] = 'anon'" "$TMP/s-regions/regions.gp" ||
	fail "busiest region is not the anon buffer: $top, $(grep '^region_label' "$TMP/s-regions/regions.gp" | head -n 1)"
top_minor=$(printf "%s\n" "$top" | awk '{ print $(NF-2) }')
[ "$top_minor" -ge "$pages" ] && [ "$top_minor" -le $((pages + 64)) ] ||
	fail "anon region has $top_minor minor faults, pfx-load touched $pages pages"
expect_exit 0 "$PFX" plot -i "$TMP/file.data" -c timeline --script "$TMP/s-timeline"
sum_major=$(awk '!/^#/ { n += $6 } END { print n }' "$TMP/s-timeline/timeline.dat")
[ "$sum_major" -eq "$majors" ] || fail "timeline holds $sum_major major faults, pfx-load made $majors"
grep -q "^total_major = $majors\$" "$TMP/s-timeline/timeline.gp" || fail "timeline header lacks total_major = $majors"
expect_exit 0 "$PFX" plot -i "$TMP/seq.data" -c heatmap --script "$TMP/s-heatmap"
cells=$(awk '!/^#/ && NF == 3 { n += $3 } END { print n }' "$TMP/s-heatmap/heatmap.dat")
[ "$cells" -ge "$pages" ] || fail "heatmap cells hold $cells faults, fewer than the $pages pages touched"
grep -q "^region_name\[1\] = 'anon'" "$TMP/s-heatmap/heatmap.gp" ||
	{ grep region_name "$TMP/s-heatmap/heatmap.gp"; fail "heatmap does not label the anon buffer"; }

# --- an emitted script runs by hand, from another directory and after a move ---
expect_exit 0 "$PFX" plot -i "$TMP/seq.data" -c timeline --script "$TMP/s1"
grep -q "gnuplot $TMP/s1/timeline.gp" "$TMP/out" || fail "--script did not say how to run it: $(cat "$TMP/out")"
[ ! -e "$TMP/s1/timeline.png" ] || fail "--script ran gnuplot"
(cd / && gnuplot "$TMP/s1/timeline.gp") 2>"$TMP/gp.err" || { cat "$TMP/gp.err"; fail "gnuplot on the emitted script failed"; }
png_ok "$TMP/s1/timeline.png" 900 500
mv "$TMP/s1" "$TMP/moved"
rm "$TMP/moved/timeline.png"
sed -i "s/^title = .*/title = 'Edited by hand'/" "$TMP/moved/timeline.gp"
sed -i "s/^out = .*/out = pfx_dir.'edited.svg'/; s/^term = .*/term = 'svg size 640,400'/; /^  'p/d" "$TMP/moved/timeline.gp"
(cd "$TMP/moved" && gnuplot timeline.gp) 2>"$TMP/gp.err" || { cat "$TMP/gp.err"; fail "the edited, moved script failed"; }
svg_ok "$TMP/moved/edited.svg" "Edited by hand"

# --- options: size, title, svg script ---
expect_exit 0 "$PFX" plot -i "$TMP/seq.data" -c heatmap --size 1200x700 -t "My heatmap" -o "$TMP/big.png"
png_ok "$TMP/big.png" 1200 700
expect_exit 0 "$PFX" plot -i "$TMP/seq.data" -c regions -t "Regions, 'quoted' title" -o "$TMP/t.svg"
svg_ok "$TMP/t.svg" "Regions, 'quoted' title"
expect_exit 0 "$PFX" plot --list
[ "$(wc -l <"$TMP/out")" -eq 11 ] || fail "--list does not list 11 charts"
grep -q "^diff  *two recordings side by side" "$TMP/out" || fail "--list does not list the diff chart"

# --- wss, from real 'pfx wss --format json' samples ---
"$PFX" wss --format json -o "$TMP/wss.json" 0.2 -- "$PFX_LOAD" steady -s 32M --seconds 1.5 \
	>"$TMP/wss.out" 2>"$TMP/wss.err" || { cat "$TMP/wss.err"; fail "pfx wss failed"; }
samples=$(grep -c '"wss_bytes"' "$TMP/wss.json")
[ "$samples" -ge 3 ] || fail "pfx wss wrote only $samples samples"
expect_exit 0 "$PFX" plot -c wss -i "$TMP/wss.json" -o "$TMP/wss.png"
png_ok "$TMP/wss.png" 900 500
expect_exit 0 "$PFX" plot -c wss -i "$TMP/wss.json" -o "$TMP/wss.svg"
svg_ok "$TMP/wss.svg" "Working-set size and RSS over time"
expect_exit 0 "$PFX" plot -c wss -i "$TMP/wss.json" --script "$TMP/s-wss"
rows=$(grep -vc '^#' "$TMP/s-wss/wss.dat")
[ "$rows" -eq "$samples" ] || fail "wss.dat has $rows rows for $samples samples"
(cd "$TMP/s-wss" && gnuplot wss.gp) 2>"$TMP/gp.err" || { cat "$TMP/gp.err"; fail "gnuplot on wss.gp failed"; }
png_ok "$TMP/s-wss/wss.png" 900 500

left=$(ls -A "$TMPDIR")
[ -z "$left" ] || fail "pfx plot left scratch files behind: $left"
echo ok
