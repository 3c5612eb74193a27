# SPDX-License-Identifier: GPL-2.0-or-later
# wss.gp: working-set size and RSS over time ('pfx plot --chart wss').
#
# pfx writes a header of variables above this template; edit either and
# rerun 'gnuplot wss.gp'.  Variables read here:
#   data      table: time_s wss_mib rss_mib ('?' when a sample has no RSS)
#   out, term, title, subtitle (the WSS method)
#   has_rss, samples, peak_wss_mib, last_time_s

if (!exists('data')) data = 'wss.dat'
if (!exists('out')) out = 'wss.png'
if (!exists('term')) term = 'pngcairo size 900,500 noenhanced'
if (!exists('title')) title = 'Working-set size and RSS over time'
if (!exists('subtitle')) subtitle = ''
if (!exists('has_rss')) has_rss = 1
if (!exists('samples')) samples = 0
if (!exists('peak_wss_mib')) peak_wss_mib = 0

set terminal @term
set output out
set encoding utf8

# text from the input is shown as it is (no enhanced-text markup)
set title title."\n".sprintf('%s; %d samples, peak WSS %.1f MiB', subtitle, samples, peak_wss_mib) noenhanced
set xlabel 'time (s)'
set ylabel 'MiB'
set yrange [0:*]
set xrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid ytics xtics lc rgb '#dddddd'
set key top left opaque box lc rgb '#bbbbbb'
set border 3
set xtics nomirror
set ytics nomirror

# marks on the samples while they are few enough to tell apart
style = samples <= 60 ? 'linespoints pt 7 ps 0.6' : 'lines'
rss = has_rss ? "'' using 1:3 with @style lw 2 dt 2 lc rgb '#f28e2b' title 'RSS (resident)'," : ''
plot data using 1:2 with @style lw 2 lc rgb '#4e79a7' title 'WSS (referenced in each interval)', @rss
