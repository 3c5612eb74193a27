# SPDX-License-Identifier: GPL-2.0-or-later
# thp.gp: transparent huge pages and NUMA placement over time ('pfx plot
# --chart thp', from 'pfx thp --format json').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot thp.gp'.  Variables read here:
#   data      table: time_s faults huge_pages_gained huge_pages_lost
#             thp_share_pct, then MiB on each NUMA node ('?': not known)
#   out, term, title, subtitle
#   nodes, node_name[i]   the NUMA node columns
#   huge_page_kb, total_gained, total_faults
#   known     samples with the memory figures (0: the target exited before
#             the first sample; those panels then say so)

if (!exists('data')) data = 'thp.dat'
if (!exists('out')) out = 'thp.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'Transparent huge pages and NUMA placement (pfx thp)'
if (!exists('subtitle')) subtitle = ''
if (!exists('nodes')) { nodes = 1; array node_name[1] = ['node 0'] }
if (!exists('huge_page_kb')) huge_page_kb = 2048
if (!exists('known')) known = 1
unknown_note = 'not known: the process exited before the first sample'


set terminal @term
set output out
set encoding utf8

array color[9] = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f']
# text from the input is shown as it is (no enhanced-text markup)
set multiplot layout 3, 1 title title."\n".subtitle noenhanced
set key outside right top vertical Left reverse noopaque font ',9' width 2
set rmargin 36
set lmargin 11
set grid ytics xtics lc rgb '#dddddd'
# one time axis for the three panels (a sample after the target exited
# has faults but no memory figures)
undefine STATS_max
stats data using 1 nooutput
stat_max = exists('STATS_max') ? STATS_max : 0
set xrange [0:stat_max > 0 ? stat_max * 1.02 : 1]
# about four labelled steps on a short panel's y axis
nice(x) = x <= 0 ? 1 : 10**floor(log10(x)) * (x / 10**floor(log10(x)) >= 5 ? 5 : x / 10**floor(log10(x)) >= 2 ? 2 : 1)
set border 3
set xtics nomirror
set ytics nomirror
set datafile missing '?'
set format x ''
yfmt(max) = max >= 10000 ? '%.1s%c' : '%g'

# 1: faults against the huge pages they brought, per sample
undefine STATS_max
stats data using 2 nooutput
stat_max = exists('STATS_max') ? STATS_max : 0
set format y yfmt(stat_max)
set ytics nice(stat_max / 3)
set yrange [0:*]
set ylabel 'faults'
# short: '(2048 KiB)' ran into the title
set y2label huge_page_kb % 1024 == 0 ? sprintf('huge pages (%d MiB)', huge_page_kb / 1024) : sprintf('huge pages (%d KiB)', huge_page_kb)
# whole huge pages: integer ticks (0.2 steps on a chart of one page gained)
undefine STATS_max
stats data using ($3 > $4 ? $3 : $4) nooutput
stat_max = exists('STATS_max') ? STATS_max : 0
if (stat_max > 0) { set y2range [0:*] } else { set y2range [0:1] }
hp_step = nice(stat_max / 3) < 1 ? 1 : nice(stat_max / 3)
set y2tics nomirror 0, hp_step
set format y2 '%.0f'
set style fill solid 0.5 noborder
plot data using 1:2 with impulses lw 6 lc rgb '#bab0ac' title 'faults per sample', \
	'' using 1:3 axes x1y2 with linespoints pt 7 ps 0.6 lw 2 lc rgb '#59a14f' title 'huge pages gained', \
	'' using 1:4 axes x1y2 with linespoints pt 6 ps 0.6 lw 1 lc rgb '#e15759' title 'huge pages lost'
unset y2label
unset y2tics

# 2: the share of anonymous memory in huge pages
set ylabel 'THP share (%)'
set yrange [0:100]
set ytics 25
set format y '%g'
if (known > 0) {
	plot data using 1:5 with linespoints pt 7 ps 0.5 lw 2 lc rgb '#59a14f' title 'anon memory in THP'
} else {
	set label 1 unknown_note at graph 0.5, graph 0.5 center
	plot -1 notitle
	unset label 1
}

# 3: memory per NUMA node
set ylabel 'MiB per node'
set yrange [0:*]
undefine STATS_max
stats data using 6 nooutput
stat_max = exists('STATS_max') ? STATS_max : 0
set ytics nice(stat_max / 3)
set xlabel 'time (s)'
set format x '%g'
if (known > 0 && nodes > 0) {
	plot for [n = 1:nodes] data using 1:(column(5 + n)) with lines lw 2 lc rgb color[(n - 1) % 9 + 1] title node_name[n]
} else {
	set label 1 unknown_note at graph 0.5, graph 0.5 center
	set yrange [0:1]
	plot -1 notitle
}
unset multiplot
