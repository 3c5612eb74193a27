#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# doc/img/make-images.sh: draws the README's and doc/plot.md's charts anew
# from pfx's own runs on the bundled workload (and python3 for top), so
# they show what the current pfx draws.  Run from the top of a built tree
# as root: sh doc/img/make-images.sh
set -e
[ -x src/pfx ] || { echo "make-images.sh: run from the top of a built tree" >&2; exit 1; }
PATH=$PWD/src:$PATH	# commands appear in titles as typed: pfx-load, not a build path
out=$PWD/doc/img
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
draw() { pfx plot -c "$1" -i "$2" -o "$out/$1.png" >/dev/null; }

# a recording of a cold file read (timeline, regions, latency)
pfx record -o "$T/file.data" -- pfx-load file -s 32M >/dev/null 2>&1
for c in timeline regions latency; do draw $c "$T/file.data"; done
# four threads each walking their slice (heatmap)
pfx record -o "$T/seq.data" -- pfx-load seq -s 128M -t 4 >/dev/null 2>&1
draw heatmap "$T/seq.data"
# pfx stat per thread, with an alert rate
pfx stat -I 50 --per-thread --alert-minor 200000 --format json -o "$T/stat.json" -- \
	pfx-load random -s 512M -t 3 >/dev/null 2>&1
draw stat "$T/stat.json"
# WSS over time and against window length
pfx wss --format json -o "$T/wss.json" 0.25 -- pfx-load hotcold -s 256M --hot 32M --seconds 3 >/dev/null 2>&1
draw wss "$T/wss.json"
# the profile of a process past its fill phase (the windows are taken one
# after another from the start: launched with --, they would measure the
# 256 MiB being filled, not the hot part)
pfx-load hotcold -s 256M --hot 32M --seconds 5 >/dev/null 2>&1 &
load=$!
sleep 1
pfx wss -p "$load" --profile 6 --format json -o "$T/prof.json" 0.05 >/dev/null 2>&1
wait "$load"
draw wss-profile "$T/prof.json"
# huge pages
pfx thp --format json -o "$T/thp.json" 0.2 -- pfx-load hotcold --thp -s 256M --hot 64M --seconds 2 >/dev/null 2>&1
draw thp "$T/thp.json"
# the mappings of a running workload
pfx-load hotcold -s 64M --hot 16M --seconds 3 >/dev/null 2>&1 &
load=$!
sleep 1
pfx maps -p "$load" --format json -o "$T/maps.json" >/dev/null 2>&1
wait "$load"
draw maps "$T/maps.json"
# the host's busiest processes while two workloads come and go
(pfx-load repeat -s 64M --rounds 40 >/dev/null 2>&1; sleep 0.3; python3 -c 'b = [bytearray(1 << 20) for i in range(300)]') &
(sleep 0.5; pfx-load random -s 256M >/dev/null 2>&1) &
pfx top -b -d 0.25 -n 10 --format json -o "$T/top.json" >/dev/null 2>&1
wait
draw top "$T/top.json"
# two runs of one program, the second touching a quarter of the memory (diff)
(cd "$T" && pfx record -o before.data -- pfx-load seq -s 64M >/dev/null 2>&1 &&
	pfx record -o after.data -- pfx-load seq -s 16M >/dev/null 2>&1 &&
	pfx plot --diff -o "$out/diff.png" before.data after.data >/dev/null)
ls -la "$out"/*.png
