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
#   region_tic[i]  name and range as a tic label: gnuplot reads explicit
#             tic labels as printf formats, so its '%' are doubled
#   hidden_regions, hidden_faults   regions with fewer faults, not shown
#   breaks, break_row[i], break_label[i]   gaps without faults folded out
#             of a region: the first row after each, and its size
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
if (!exists('breaks')) breaks = 0

set terminal @term
set output out
set encoding utf8

note = hidden_regions > 0 ? sprintf("\n(%d smaller regions with %d faults not shown)", \
	hidden_regions, hidden_faults) : ''
# text from the recording is shown as it is (no enhanced-text markup)
set title title."\n".subtitle.note noenhanced
set xlabel sprintf('time (s); bins of %s', bin_label)
# the address axis title at the left edge: the region labels fill the margin
set label 'address (the faulted part of each region)' at screen 0.012, screen 0.46 center rotate by 90
# Fixed margins so the colour bar sits beside the data with its title
# above it: a cblabel beside the bar collides with its tick labels.
set lmargin at screen 0.23
set rmargin at screen 0.84
set tmargin at screen 0.80
set bmargin at screen 0.12
set colorbox user origin screen 0.87, screen 0.12 size screen 0.022, screen 0.68
set label 'faults per cell' at screen 0.881, screen 0.835 center font ',9'
set logscale cb
# ticks at 1, 10, 100 ..., and at the top of the scale (the busiest
# cell) its own value, dropping a decade tick too close under it
stats data using ($3 > 0 ? $3 : NaN) nooutput
cb_max = STATS_records > 0 && STATS_max > 1 ? STATS_max : 2
set cbrange [1:cb_max]
set cbtics ('1' 1)
do for [e = 1:ceil(log10(cb_max))] {
	if (10**e * 1.6 < cb_max) { set cbtics add (gprintf('%.0s%c', 10**e) 10**e) }
}
set cbtics add (sprintf('%d', cb_max) cb_max)
set palette defined (0 '#fde0c5', 1 '#f59e72', 2 '#e0524a', 3 '#9a1b4f', 4 '#3b0f4f')
set yrange [-0.5:rows - 0.5]
set xrange [0:*]
set autoscale xfixmax
set ytics nomirror scale 0 font ',8' noenhanced
set xtics nomirror out
set grid xtics lc rgb '#eeeeee'
set border 3

set ytics ()
do for [i = 1:regions] {
	set ytics add (region_tic[i] region_row0[i] + (region_rows[i] - 1) / 2.0)
}
# a dashed line between neighbouring regions
do for [i = 2:regions] {
	set arrow from graph 0, first region_row0[i] - 0.5 to graph 1, first region_row0[i] - 0.5 \
		nohead dt 2 lc rgb '#666666' front
}

# a dotted line where a gap without faults was folded out, and its size
do for [i = 1:breaks] {
	set arrow from graph 0, first break_row[i] - 0.5 to graph 1, first break_row[i] - 0.5 \
		nohead dt 3 lc rgb '#999999' front
	if (strlen(break_label[i]) > 0) {
		set label break_label[i] at graph 0.995, first break_row[i] - 0.5 right offset 0, 0.45 \
			font ',7' tc rgb '#666666' front noenhanced
	}
}

# empty cells are left blank (NaN) rather than painted as the lowest colour
plot data using 1:2:($3 > 0 ? $3 : NaN) with image notitle
