# SPDX-License-Identifier: GPL-2.0-or-later
# stat.gp: page faults per interval ('pfx plot --chart stat', from
# 'pfx stat -I MSEC --format json').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot stat.gp'.  Variables read here:
#   data      table: time_s (end of the interval) width_s, then minor/s of
#             each series as running sums (stacked), then major/s the same
#   out, term, title, subtitle
#   series, series_name[i]   threads, processes, CPUs or cgroups, busiest
#             first (the last may be the sum of the others)
#   total_minor, total_major  faults of each kind
#   alert_minor, alert_major  the --alert-minor/--alert-major rates (< 0: none)

if (!exists('data')) data = 'stat.dat'
if (!exists('out')) out = 'stat.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'Page faults per interval (pfx stat)'
if (!exists('subtitle')) subtitle = ''
if (!exists('series')) { series = 1; array series_name[1] = ['all'] }
if (!exists('total_minor')) total_minor = 1
if (!exists('total_major')) total_major = 0
if (!exists('alert_minor')) alert_minor = -1
if (!exists('alert_major')) alert_major = -1

set terminal @term
set output out
set encoding utf8

array color[9] = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac']
panels = total_major > 0 || alert_major >= 0 ? 2 : 1
# text from the input is shown as it is (no enhanced-text markup)
set multiplot layout panels, 1 title title."\n".subtitle."\n" noenhanced
# the legend above the bars, never over them (beside them, long thread
# names left the bars half the width)
set key outside top center horizontal Left reverse noopaque font ',9' width -6
# no fixed right margin: gnuplot makes room for the legend however long its names
set lmargin 11
set rmargin 4
set grid ytics xtics lc rgb '#dddddd'
set style fill solid 0.8 noborder
set xrange [0:*]
set yrange [0:*]
set border 3
set xtics nomirror
set ytics nomirror
yfmt(max) = max >= 10000 ? '%.1s%c' : '%g'

do for [p = 1:panels] {
	first = p == 1 ? 3 : 3 + series
	rate = p == 1 ? alert_minor : alert_major
	kind = p == 1 ? 'minor' : 'major'
	undefine STATS_max
	stats data using (column(first + series - 1)) nooutput
	stat_max = exists('STATS_max') ? STATS_max : 0
	set format y yfmt(rate > stat_max ? rate : stat_max)
	set ylabel sprintf('%s faults/s', kind)
	if (p == panels) {
		set xlabel 'time (s); each bar one interval'
		set format x '%g'
	} else {
		unset xlabel
		set format x ''
	}
	# stacked: the running sums drawn from the top down
	plot for [k = series:1:-1] data using ($1 - $2 / 2):(column(first + k - 1)):2 with boxes \
		lc rgb color[(k - 1) % 9 + 1] title sprintf('%s (%s)', series_name[k], kind) noenhanced, \
		(rate >= 0 ? rate : NaN) with lines dt 2 lw 2 lc rgb '#d62728' \
		title (rate >= 0 ? sprintf('--alert-%s %g/s', kind, rate) : '')
}
unset multiplot
