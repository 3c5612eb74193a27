# SPDX-License-Identifier: GPL-2.0-or-later
# regions.gp: page faults per memory region ('pfx plot --chart regions').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot regions.gp'.  Variables read here:
#   data      table: label minor major unknown, one row per region,
#             busiest first; small regions are summed into a last row
#   region_label[label]  each row's label: region name and start address
#   out, term, title, subtitle
#   total_minor, total_major, total_unknown, regions (regions with faults)

if (!exists('data')) data = 'regions.dat'
if (!exists('out')) out = 'regions.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'Page faults per memory region'
if (!exists('subtitle')) subtitle = ''
if (!exists('total_minor')) total_minor = 1
if (!exists('total_major')) total_major = 0
if (!exists('total_unknown')) total_unknown = 0

set terminal @term
set output out
set encoding utf8

# text from the recording is shown as it is (no enhanced-text markup)
set title title."\n".subtitle noenhanced
# Side by side on a log scale: 12 major faults stay visible next to 100k
# minor ones (stacked on a linear scale they would be a hairline).
set ylabel 'faults (log scale)'
set logscale y 10
set format y '%.0s%c'
set ytics 10 nomirror
set mytics 10
stats data using ($2 + $3 + $4) nooutput
set yrange [0.7:STATS_max * 4]
set grid ytics lc rgb '#dddddd'
# the legend under the axis, outside the data
set key below horizontal noopaque
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border rgb '#ffffff'
set boxwidth 0.9
set xtics nomirror scale 0 font ',8' rotate by 25 right offset 1.5, 0 noenhanced
set xlabel 'memory region (name and start address; unknown: no mapping known)'
set border 3

# a bar per kind that occurred (0 is left out: log scale); each region's
# total is printed over its bars
bar(v) = v > 0 ? v : NaN
kinds = 1 + (total_major > 0) + (total_unknown > 0)
major = total_major > 0 ? "'' using (bar($3)) title sprintf('major (%d)', total_major) lc rgb '#e15759'," : ''
unknown = total_unknown > 0 ? "'' using (bar($4)) title sprintf('unclassified (%d)', total_unknown) lc rgb '#9c755f'," : ''
plot data using (bar($2)):xtic(region_label[int($1)]) title sprintf('minor (%d)', total_minor) lc rgb '#4e79a7', \
	@major @unknown \
	'' using 0:(($2 > $3 ? ($2 > $4 ? $2 : $4) : ($3 > $4 ? $3 : $4)) * 1.6):(sprintf('%d', $2 + $3 + $4)) \
	with labels font ',8' notitle
