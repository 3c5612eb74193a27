# SPDX-License-Identifier: GPL-2.0-or-later
# top.gp: the busiest processes' page faults over time ('pfx plot --chart
# top', from 'pfx top -b --format json').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot top.gp'.  Variables read here:
#   data      table: time_s interval_s, minor/s of each process, major/s of
#             each ('?' in a frame the process was not in)
#   out, term, title, subtitle
#   series, series_name[i]   the processes ("comm (pid)"), busiest first
#   shown_major              major faults of those processes (0: one panel)

if (!exists('data')) data = 'top.dat'
if (!exists('out')) out = 'top.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = "Busiest processes' page faults (pfx top)"
if (!exists('subtitle')) subtitle = ''
if (!exists('series')) { series = 1; array series_name[1] = ['process'] }
if (!exists('shown_major')) shown_major = 0

set terminal @term
set output out
set encoding utf8

array color[9] = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f']
panels = shown_major > 0 ? 2 : 1
# text from the input is shown as it is (no enhanced-text markup)
set multiplot layout panels, 1 title title."\n".subtitle noenhanced
set key outside right top vertical Left reverse noopaque box lc rgb '#bbbbbb' font ',9'
set rmargin 26
set lmargin 11
set grid ytics xtics lc rgb '#dddddd'
set xrange [0:*]
set yrange [0:*]
set border 3
set xtics nomirror
set ytics nomirror
set datafile missing '?'
yfmt(max) = max >= 10000 ? '%.1s%c' : '%g'
style = 'linespoints pt 7 ps 0.5 lw 2'

do for [p = 1:panels] {
	first = p == 1 ? 3 : 3 + series
	kind = p == 1 ? 'minor' : 'major'
	set ylabel sprintf('%s faults/s', kind)
	max = 0
	do for [k = 1:series] {
		undefine STATS_max
		stats data using (column(first + k - 1)) nooutput
		stat_max = exists('STATS_max') ? STATS_max : 0
		if (stat_max > max) { max = stat_max }
	}
	set format y yfmt(max)
	if (p == panels) {
		set xlabel 'time (s)'
		set format x '%g'
	} else {
		unset xlabel
		set format x ''
	}
	plot for [k = 1:series] data using 1:(column(first + k - 1)) with @style \
		lc rgb color[(k - 1) % 9 + 1] title series_name[k] noenhanced
}
unset multiplot
