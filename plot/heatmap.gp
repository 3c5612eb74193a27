# SPDX-License-Identifier: GPL-2.0-or-later
# heatmap.gp: page faults by address and time ('pfx plot --chart heatmap').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot heatmap.gp'.  Variables read here:
#   data      table: time_s row faults, one block per time bin
#   out, term, title, subtitle, bin_label (time bin width as text)
#   rows, regions        address rows in all, regions shown
#   region_name[i], region_addr[i], region_row0[i], region_rows[i]
#             each region's label, faulted address range (start +size),
#             and the rows it covers (row 0 is at the bottom)
#   hidden_regions, hidden_faults   regions with fewer faults, not shown
# The address axis is compressed: only the faulted part of each region
# with faults gets rows, regions stacked in address order.

if (!exists('data')) data = 'heatmap.dat'
if (!exists('out')) out = 'heatmap.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'Page faults by address and time'
if (!exists('subtitle')) subtitle = ''
if (!exists('bin_label')) bin_label = 'bin'
if (!exists('regions')) regions = 0
if (!exists('rows')) rows = 1
if (!exists('hidden_regions')) hidden_regions = 0
if (!exists('hidden_faults')) hidden_faults = 0

set terminal @term
set output out
set encoding utf8

note = hidden_regions > 0 ? sprintf("\n(%d smaller regions with %d faults not shown)", \
	hidden_regions, hidden_faults) : ''
set title title."\n".subtitle.note
set xlabel sprintf('time (s); bins of %s', bin_label)
set cblabel 'faults per cell'
set logscale cb
set format cb '%.0s%c'
set mcbtics 10
set palette defined (0 '#fde0c5', 1 '#f59e72', 2 '#e0524a', 3 '#9a1b4f', 4 '#3b0f4f')
set yrange [-0.5:rows - 0.5]
set xrange [0:*]
set autoscale xfixmax
set ytics nomirror scale 0 font ',8'
set xtics nomirror out
set grid xtics lc rgb '#eeeeee'
set border 3
set lmargin 24

set ytics ()
do for [i = 1:regions] {
	set ytics add (region_name[i]."\n".region_addr[i] region_row0[i] + (region_rows[i] - 1) / 2.0)
}
# a dashed line between neighbouring regions
do for [i = 2:regions] {
	set arrow from graph 0, first region_row0[i] - 0.5 to graph 1, first region_row0[i] - 0.5 \
		nohead dt 2 lc rgb '#666666' front
}

# empty cells are left blank (NaN) rather than painted as the lowest colour
plot data using 1:2:($3 > 0 ? $3 : NaN) with image notitle
