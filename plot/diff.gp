# SPDX-License-Identifier: GPL-2.0-or-later
# diff.gp: two recordings side by side ('pfx plot --diff A B').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot diff.gp'.  Variables read here:
#   data      table: label a_faults b_faults, one row per region (matched
#             by kind and path as 'pfx diff' matches them), largest
#             change in faults first
#   region_label[label]  each row's label: kind, then path (or process/path)
#   lat_data  table: label a_us b_us, p50/p90/p99 of each fault kind
#   lat_label[label]     kind and percentile
#   out, term, title (A vs B, the totals and their change as 'pfx diff'
#   prints them), subtitle (minor and major), file_a, file_b,
#   regions, lat_rows (rows of each table)

if (!exists('data')) data = 'diff.dat'
if (!exists('lat_data')) lat_data = 'diff-latency.dat'
if (!exists('out')) out = 'diff.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'A vs B'
if (!exists('subtitle')) subtitle = ''
if (!exists('file_a')) file_a = 'A'
if (!exists('file_b')) file_b = 'B'
if (!exists('regions')) regions = 1
if (!exists('lat_rows')) lat_rows = 0

set terminal @term
set output out
set encoding utf8

# Two panels: faults per region (left, wider) and the latency percentiles
# (right); one when neither recording measured latency.
panels = lat_rows > 0 ? 2 : 1
# text from the recordings is shown as it is (no enhanced-text markup)
set multiplot layout 1, panels title title."\n".subtitle noenhanced
if (panels == 2) { set size 0.64, 0.9; set origin 0, 0 }

# Side by side on a log scale: a region that shrank from 100k faults to
# 12 stays visible next to one that did not change.
bar(v) = v > 0 ? v : NaN
set logscale y 10
set format y '%.0s%c'
set ytics 10 nomirror
set mytics 10
set grid ytics lc rgb '#dddddd'
set key below horizontal noopaque
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb '#ffffff'
set boxwidth 0.9
set xtics nomirror scale 0 font ',8' rotate by 25 right offset 1.5, 0 noenhanced
set border 3

set ylabel 'faults (log scale)'
set xlabel 'region (kind, path; largest change first)'
stats data using ($2 > $3 ? $2 : $3) nooutput
set yrange [0.7:STATS_max * 4]
plot data using (bar($2)):xtic(region_label[int($1)]) title 'A: '.file_a lc rgb '#4e79a7' noenhanced, \
	'' using (bar($3)) title 'B: '.file_b lc rgb '#f28e2b' noenhanced

if (panels == 2) {
	set size 0.36, 0.9
	set origin 0.64, 0
	set ylabel 'fault latency (µs, log scale)'
	set xlabel 'kind and percentile'
	set format y '%g'
	set mytics 10
	set yrange [*:*]
	set autoscale y
	plot lat_data using (bar($2)):xtic(lat_label[int($1)]) title 'A' lc rgb '#4e79a7', \
		'' using (bar($3)) title 'B' lc rgb '#f28e2b'
}
unset multiplot
