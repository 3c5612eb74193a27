# SPDX-License-Identifier: GPL-2.0-or-later
# maps.gp: the largest mappings' page states ('pfx plot --chart maps', from
# 'pfx maps --format json').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot maps.gp'.  Variables read here:
#   data      table: label y dirty_mib clean_mib swap_mib thp_mib
#             locked_mib size_mib, one row per mapping, largest at the top
#             (y = rows - 1); a last row may sum the others
#   map_label[label]  each row's label: mapping name, permissions, start
#   out, term, title, subtitle
#   rows       rows in the table
#   physical   1 when dirty, THP and locked are known (pfx maps as root)

if (!exists('data')) data = 'maps.dat'
if (!exists('out')) out = 'maps.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'Largest mappings by resident and swapped memory (pfx maps)'
if (!exists('subtitle')) subtitle = ''
if (!exists('rows')) rows = 1
if (!exists('physical')) physical = 1

set terminal @term
set output out
set encoding utf8

# text from the input is shown as it is (no enhanced-text markup)
set title title."\n".subtitle.(physical ? '' : "\n(dirty, THP and locked need root: not known here)") noenhanced
set xlabel 'resident (MiB) and swapped (MiB); beside each bar: of the mapping size'
set xrange [0:*]
set yrange [-0.6:rows - 0.4]
set offsets 0, graph 0.05, 0, 0
set ytics nomirror scale 0 font ',8' noenhanced
set xtics nomirror
set grid xtics lc rgb '#dddddd'
set key below
set border 3
set lmargin 34
set style fill solid 0.85 noborder

# stacked segments: dirty, clean resident, swapped; thin bars inside:
# THP, locked (parts of the resident memory)
h = 0.35
plot data using (($3) / 2):2:(0):($3):($2 - h):($2 + h):ytic(map_label[int($1)]) with boxxyerror lc rgb '#e15759' title 'resident, dirty', \
	'' using ($3 + $4 / 2):2:($3):($3 + $4):($2 - h):($2 + h) with boxxyerror lc rgb '#4e79a7' title 'resident, clean', \
	'' using ($3 + $4 + $5 / 2):2:($3 + $4):($3 + $4 + $5):($2 - h):($2 + h) with boxxyerror lc rgb '#bab0ac' title 'swapped', \
	'' using ($6 / 2):2:(0):6:($2 - 0.08):($2 + 0.08) with boxxyerror lc rgb '#59a14f' title 'in huge pages (THP)', \
	'' using ($7 / 2):($2 - 0.22):(0):7:($2 - 0.27):($2 - 0.17) with boxxyerror lc rgb '#b07aa1' title 'locked', \
	'' using ($3 + $4 + $5):2:(sprintf(' %.1f of %.1f MiB', $3 + $4 + $5, $8)) with labels left font ',8' notitle
