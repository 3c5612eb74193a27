# SPDX-License-Identifier: GPL-2.0-or-later
# wss-profile.gp: working-set size against the window length ('pfx plot
# --chart wss-profile', from 'pfx wss --profile STEPS --format json').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot wss-profile.gp'.  Variables read here:
#   data      table: window_s wss_mib rss_mib ('?' without RSS)
#   out, term, title, subtitle, has_rss

if (!exists('data')) data = 'wss-profile.dat'
if (!exists('out')) out = 'wss-profile.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'Working-set size against window length (pfx wss --profile)'
if (!exists('subtitle')) subtitle = ''
if (!exists('has_rss')) has_rss = 1

set terminal @term
set output out
set encoding utf8

# text from the input is shown as it is (no enhanced-text markup)
set title title."\n".subtitle noenhanced
set xlabel 'window length (s, log scale)'
set ylabel 'MiB'
set logscale x 10
# a tick at each window measured (the windows double: on a log axis of
# 0.2-3.2 s a decade's ticks left one label, "1")
set xtics nomirror () font ',9'
set yrange [0:*]
# half a step of the doubling windows either side
stats data using 1 nooutput
set xrange [STATS_min / 1.4:STATS_max * 1.4]
set offsets 0, 0, graph 0.1, 0
set grid ytics xtics lc rgb '#dddddd'
set key below
set border 3
set ytics nomirror
set datafile missing '?'

rss = has_rss ? "'' using 1:3 with linespoints pt 6 ps 0.8 lw 2 dt 2 lc rgb '#f28e2b' title 'RSS at the end of the window'," : ''
plot data using 1:2:xtic(sprintf('%.2g', $1)) with linespoints pt 7 ps 0.8 lw 2 lc rgb '#4e79a7' title 'WSS: pages referenced within the window', @rss
