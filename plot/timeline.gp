# SPDX-License-Identifier: GPL-2.0-or-later
# timeline.gp: page-fault rates over time ('pfx plot --chart timeline').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot timeline.gp'.  Variables read here:
#   data      table: time_s minor/s major/s unknown/s minor major unknown
#             (one row per time bin, time_s = the bin's middle)
#   out, term           image file and gnuplot terminal
#   title, subtitle     chart title, and what was recorded
#   bin_s, bin_label    bin width in seconds, and as text ("5 ms")
#   total_minor, total_major, total_unknown   faults of each kind
# One panel per kind of fault that occurred, sharing the time axis, so a
# handful of major faults is not flattened under thousands of minor ones.
# The bars are faults per bin (whole numbers: a bin with 2 faults reads
# as 2, not as a rate of 400/s); the right axis gives the same as a rate.
# A panel whose bins span more than two decades is drawn on a log scale.

if (!exists('data')) data = 'timeline.dat'
if (!exists('out')) out = 'timeline.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'Page faults over time'
if (!exists('subtitle')) subtitle = ''
if (!exists('bin_s')) bin_s = 0.001
if (!exists('bin_label')) bin_label = sprintf('%g s', bin_s)
if (!exists('total_minor')) total_minor = 1
if (!exists('total_major')) total_major = 0
if (!exists('total_unknown')) total_unknown = 0

set terminal @term
set output out
set encoding utf8

# the panels: data column (faults per bin), name, colour, total
array kind_col[3] = [5, 6, 7]
array kind_name[3] = ['minor faults', 'major faults', 'unclassified faults']
array kind_color[3] = ['#4e79a7', '#e15759', '#9c755f']
array kind_total[3] = [total_minor, total_major, total_unknown]
panels = (total_minor > 0) + (total_major > 0) + (total_unknown > 0)
if (panels == 0) panels = 1

# text from the input is shown as it is (no enhanced-text markup)
set multiplot layout panels, 1 title title."\n".subtitle noenhanced
set grid ytics xtics lc rgb '#dddddd'
# the legend above each panel, outside the data (the right margin holds
# the rate axis)
set key outside top right horizontal Left reverse noopaque font ',9' samplen 2
# tic labels: whole numbers, or 12.5k / 1.2M once they grow long
yfmt(max) = max >= 10000 ? '%.1s%c' : '%.0f'
# The rate axis (faults/s) is labelled by hand: plain numbers, k and M
# (gnuplot's %c gives "500.0m", milli-faults, and "1.0" for 1).
rate_label(v) = v >= 1e6 ? sprintf('%gM', v / 1e6) : v >= 1e3 ? sprintf('%gk', v / 1e3) : sprintf('%g', v)
nice(x) = x <= 0 ? 1 : 10.0**floor(log10(x)) * (x / 10.0**floor(log10(x)) >= 5 ? 5 : x / 10.0**floor(log10(x)) >= 2 ? 2 : 1)
set style fill solid 0.6 noborder
set lmargin 11
set rmargin 11
set xrange [0:*]
set autoscale xfixmax

drawn = 0
do for [k = 1:3] {
	if (kind_total[k] > 0 || (k == 1 && panels == 1 && drawn == 0)) {
		drawn = drawn + 1
		set ylabel sprintf('faults per %s bin', bin_label)
		stats data using (column(kind_col[k]) > 0 ? column(kind_col[k]) : NaN) nooutput
		peak = STATS_records > 0 ? STATS_max : 1
		low = STATS_records > 0 ? STATS_min : 1
		# the same bars as a rate, on the right (faults/s = faults / bin)
		set y2label 'faults/s'
		set ytics nomirror
		if (peak / low > 100) {
			set logscale y 10
			set logscale y2 10
			set yrange [0.7:peak * 2]
			set y2range [0.7 / bin_s:peak * 2 / bin_s]
			# a tick per decade of the rate
			set y2tics nomirror ()
			do for [e = ceil(log10(0.7 / bin_s)):floor(log10(peak * 2 / bin_s))] {
				set y2tics add (rate_label(10.0**e) 10.0**e)
			}
			set format y '%.0s%c'
			set ytics 10
			set mytics 10
			set ylabel sprintf('faults per %s bin (log scale)', bin_label)
		} else {
			unset logscale y
			unset logscale y2
			set yrange [0:peak * 1.05]
			set y2range [0:peak * 1.05 / bin_s]
			step = nice(peak * 1.05 / bin_s / 5)
			set y2tics nomirror (rate_label(0) 0)
			do for [i = 1:int(peak * 1.05 / bin_s / step)] {
				set y2tics add (rate_label(i * step) i * step)
			}
			set format y yfmt(peak)
			# whole faults: no tick between 0 and 1
			if (peak < 10) { set ytics 1 } else { set ytics autofreq }
			set mytics default
		}
		# only the bottom panel names the time axis
		if (drawn == panels) {
			set xlabel sprintf('time (s); bins of %s', bin_label)
			set format x '%g'
		} else {
			unset xlabel
			set format x ''
		}
		plot data using 1:(column(kind_col[k]) > 0 ? column(kind_col[k]) : NaN):(bin_s) with boxes lc rgb kind_color[k] \
			title sprintf('%s (%d in all)', kind_name[k], kind_total[k])
	}
}
unset multiplot
