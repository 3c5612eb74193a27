# SPDX-License-Identifier: GPL-2.0-or-later
# latency.gp: page-fault latency distribution ('pfx plot --chart latency').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot latency.gp'.  Variables read here:
#   data      table: low_us high_us minor major unknown, one row per
#             power-of-two latency bin [low, high)
#   out, term, title, subtitle
#   minor_p50_us, minor_p99_us, major_p50_us, major_p99_us,
#   unknown_p50_us, unknown_p99_us   median and 99th percentile of each
#             kind, the numbers 'pfx report' prints (src/lat_hist.h)
#   minor_p50_text ... unknown_p99_text  the same as 'pfx report' prints
#             them ("3264ns", "48.1us")
#   lat_lo_us, lat_hi_us  the range the bins cover
#   total_minor, total_major, total_unknown   measured faults of each kind

if (!exists('data')) data = 'latency.dat'
if (!exists('out')) out = 'latency.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'Page fault latency'
if (!exists('subtitle')) subtitle = ''
if (!exists('minor_p50_us')) minor_p50_us = 0
if (!exists('minor_p99_us')) minor_p99_us = 0
if (!exists('major_p50_us')) major_p50_us = 0
if (!exists('major_p99_us')) major_p99_us = 0
if (!exists('unknown_p50_us')) unknown_p50_us = 0
if (!exists('unknown_p99_us')) unknown_p99_us = 0
if (!exists('total_minor')) total_minor = 1
if (!exists('total_major')) total_major = 0
if (!exists('total_unknown')) total_unknown = 0
if (!exists('minor_p50_text')) minor_p50_text = sprintf('%.3gus', minor_p50_us)
if (!exists('minor_p99_text')) minor_p99_text = sprintf('%.3gus', minor_p99_us)
if (!exists('major_p50_text')) major_p50_text = sprintf('%.3gus', major_p50_us)
if (!exists('major_p99_text')) major_p99_text = sprintf('%.3gus', major_p99_us)
if (!exists('unknown_p50_text')) unknown_p50_text = sprintf('%.3gus', unknown_p50_us)
if (!exists('unknown_p99_text')) unknown_p99_text = sprintf('%.3gus', unknown_p99_us)
if (!exists('lat_lo_us')) lat_lo_us = 0.25
if (!exists('lat_hi_us')) lat_hi_us = 1e6

set terminal @term
set output out
set encoding utf8

# the panels: data column, name, colour, total
array kind_col[3] = [3, 4, 5]
array kind_name[3] = ['minor faults', 'major faults', 'unclassified faults']
array kind_color[3] = ['#4e79a7', '#e15759', '#9c755f']
array kind_total[3] = [total_minor, total_major, total_unknown]
panels = (total_minor > 0) + (total_major > 0) + (total_unknown > 0)
if (panels == 0) panels = 1

array kind_p50[3] = [minor_p50_us, major_p50_us, unknown_p50_us]
array kind_p99[3] = [minor_p99_us, major_p99_us, unknown_p99_us]
array kind_p50_text[3] = [minor_p50_text, major_p50_text, unknown_p50_text]
array kind_p99_text[3] = [minor_p99_text, major_p99_text, unknown_p99_text]
array kind_short[3] = ['minor', 'major', 'unclassified']
percentiles = ''
do for [k = 1:3] {
	if (kind_total[k] > 0) {
		percentiles = percentiles.(strlen(percentiles) ? '; ' : '').sprintf('%s (%d): p50 %s, p99 %s', \
			kind_short[k], kind_total[k], kind_p50_text[k], kind_p99_text[k])
	}
}
# text from the input is shown as it is (no enhanced-text markup)
set multiplot layout panels, 1 title title."\n".subtitle."\n".percentiles noenhanced
set ylabel 'faults per bin (log scale)'
set logscale x 2
set xrange [lat_lo_us:lat_hi_us]
# counts on a log scale, so the tail of a few slow faults shows next to
# the thousands of the peak; whole numbers only (1, 10, 100, 1k ...)
set logscale y 10
set format y '%.0s%c'
set ytics 10 nomirror
set mytics 10
set yrange [0.7:*]
set grid ytics xtics lc rgb '#dddddd'
# the legend beside the bars, never over them
set key outside right top vertical Left reverse noopaque box lc rgb '#bbbbbb' font ',9'
set style fill solid 0.85 border rgb '#ffffff'
set border 3
set xtics nomirror
set ytics nomirror
set lmargin 11
set rmargin 24

# One panel per kind of fault: major faults take ~100x longer and are
# ~100x fewer, so a shared axis would hide them.  Dashed lines: p50, p99.
drawn = 0
do for [k = 1:3] {
	if (kind_total[k] > 0 || (k == 1 && panels == 1 && drawn == 0)) {
		drawn = drawn + 1
		unset arrow
		if (kind_p50[k] > 0) { set arrow from kind_p50[k], graph 0 to kind_p50[k], graph 1 nohead dt 2 lc rgb '#555555' front }
		if (kind_p99[k] > 0) { set arrow from kind_p99[k], graph 0 to kind_p99[k], graph 1 nohead dt 3 lc rgb '#555555' front }
		if (drawn == panels) {
			set xlabel 'fault latency (µs, log scale; bins are powers of two)'
			set format x '%g'
		} else {
			unset xlabel
			set format x ''
		}
		# a bar from below 1 up to the count; empty bins are not drawn
		plot data using (sqrt($1 * $2)):(column(kind_col[k]) > 0 ? column(kind_col[k]) : NaN):1:2:(0.7):(column(kind_col[k])) \
			with boxxyerror lc rgb kind_color[k] \
			title sprintf('%s (%d)', kind_name[k], kind_total[k]), \
			NaN with lines dt 2 lc rgb '#555555' title sprintf('p50 %s', kind_p50_text[k]), \
			NaN with lines dt 3 lc rgb '#555555' title sprintf('p99 %s', kind_p99_text[k])
	}
}
unset multiplot
