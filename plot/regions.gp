# SPDX-License-Identifier: GPL-2.0-or-later
# regions.gp: page faults per memory region ('pfx plot --chart regions').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot regions.gp'.  Variables read here:
#   data      table: "label" minor major unknown, one row per region,
#             busiest first; small regions are summed into a last row
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

set title title."\n".subtitle
set ylabel 'faults'
# tic labels: plain numbers, or 12.5k / 1.2M once they grow long
stats data using ($2 + $3 + $4) nooutput
set format y STATS_max >= 10000 ? '%.1s%c' : '%g'
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set grid ytics lc rgb '#dddddd'
set key top right opaque box lc rgb '#bbbbbb'
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border rgb '#ffffff'
set boxwidth 0.7
set ytics nomirror
set xtics nomirror scale 0 font ',8' rotate by 25 right offset 1.5, 0
set border 3

# stack only the kinds that occurred; the total is printed over each bar
major = total_major > 0 ? "'' using 3 title sprintf('major (%d)', total_major) lc rgb '#e15759'," : ''
unknown = total_unknown > 0 ? "'' using 4 title sprintf('unclassified (%d)', total_unknown) lc rgb '#9c755f'," : ''
plot data using 2:xtic(1) title sprintf('minor (%d)', total_minor) lc rgb '#4e79a7', \
	@major @unknown \
	'' using 0:($2 + $3 + $4):(sprintf('%d', $2 + $3 + $4)) with labels offset 0, 0.7 font ',8' notitle
