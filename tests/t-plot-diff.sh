# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-diff: pfx plot --diff A B, the diff chart of two recordings.
#   - pfx-load seq -s 64M against seq -s 16M: PNG and SVG written, the SVG
#     parses as XML and shows the region labels and the totals and their
#     change that 'pfx diff --format json' gives;
#   - --script DIR: diff.gp, diff.dat and diff-latency.dat, the per-region
#     A/B faults and the latency percentiles those of pfx diff's JSON;
#   - a recording with itself: equal bars;
#   - a mapping named with a quote, %s and a newline is drawn as safe text
#     and never reaches a data file;
#   - bad input (one file, a missing file, a non-recording, --chart diff):
#     one line, non-zero exit.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/plot-lib.sh"
. "$top_srcdir/tests/record-lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot is not installed (package gnuplot-nox)"

# rec NAME CMD...: pfx record CMD into $TMP/NAME.data
rec() {
	name=$1; shift
	"$PFX" record $RECORD_RING -o "$TMP/$name.data" -- "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" ||
		{ cat "$TMP/$name.out" "$TMP/$name.err"; fail "pfx record -- $* failed"; }
}
rec a "$PFX_LOAD" seq -s 64M
rec b "$PFX_LOAD" seq -s 16M
cd "$TMP" || fail "cannot enter $TMP"

"$PFX" diff --top 12 --format json a.data b.data >d.json 2>d.err || { cat d.err; fail "pfx diff failed"; }
fa=$(jq -r .totals.faults.a d.json) fb=$(jq -r .totals.faults.b d.json)
pct=$(jq -r '.totals.faults.change_pct | if . >= 0 then "+\(.)" else "\(.)" end' d.json)
title="a.data vs b.data: faults $fa -> $fb ($pct%)"

# --- images ---
for ext in png svg; do
	"$PFX" plot --diff -o "d.$ext" a.data b.data >p.out 2>p.err || { cat p.err; fail "pfx plot --diff -o d.$ext failed"; }
	[ -s p.err ] && fail "pfx plot --diff warned: $(cat p.err)"
	grep -qx "diff chart: d.$ext" p.out || fail "pfx plot --diff said: $(cat p.out)"
done
png_ok d.png 900 500
svg_ok d.svg "$title"
svg_text d.svg >d.txt
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' d.svg || fail "d.svg does not parse (xml.etree)"
# each region's label as pfx diff names it: kind, then [process/]path (a
# path over 30 characters by its base name)
jq -r '.per_process as $pp | .regions[] |
	(if (.path | length) > 30 and (.path | test("/[^/]+$")) then ".../" + (.path | sub(".*/"; "")) else .path end) as $p |
	.kind, (if $pp then (.process // "") + "/" else "" end) + $p' d.json | grep . >labels
[ "$(wc -l <labels)" -ge 3 ] || fail "pfx diff's JSON names too few regions: $(cat labels)"
while IFS= read -r label; do
	grep -qxF -- "$label" d.txt || fail "d.svg does not show the label '$label'"
done <labels
for label in minor p99; do
	grep -qxF -- "$label" d.txt || fail "d.svg does not show the latency label '$label'"
done
grep -qF "minor $(jq -r .totals.minor.a d.json) -> $(jq -r .totals.minor.b d.json)" d.txt ||
	fail "d.svg does not show the minor totals of pfx diff"

# --- the script and its data: pfx diff's numbers ---
"$PFX" plot --diff --script s -o x.svg a.data b.data >p.out 2>p.err || { cat p.err; fail "pfx plot --diff --script failed"; }
for f in diff.gp diff.dat diff-latency.dat; do [ -s "s/$f" ] || fail "--script did not write $f"; done
grep -q "^out = 'x.svg'" s/diff.gp || fail "diff.gp does not write x.svg"
grep -v '^#' s/diff.dat | awk '{ print $2, $3 }' >dat.rows
jq -r '.regions[] | "\(.faults.a) \(.faults.b)"' d.json >json.rows
cmp -s dat.rows json.rows || { diff dat.rows json.rows | head; fail "diff.dat's A/B faults are not pfx diff's"; }
grep -v '^#' s/diff-latency.dat | awk '{ printf "%.0f %.0f\n", $2 * 1000, $3 * 1000 }' >dat.rows
jq -r '.latency_ns[] | select(.pct != "max") | "\(.value.a) \(.value.b)"' d.json >json.rows
cmp -s dat.rows json.rows || { diff dat.rows json.rows | head; fail "diff-latency.dat is not pfx diff's latency"; }
(cd s && gnuplot diff.gp) 2>g.err || { cat g.err; fail "gnuplot diff.gp failed"; }
svg_ok s/x.svg "a.data vs b.data"

# --- a recording with itself: equal bars ---
"$PFX" plot --diff --script same a.data a.data >/dev/null 2>p.err || { cat p.err; fail "pfx plot --diff a a failed"; }
[ "$(grep -v '^#' same/diff.dat | awk '$2 != $3' | wc -l)" -eq 0 ] ||
	fail "a recording with itself draws unequal bars: $(grep -v '^#' same/diff.dat | awk '$2 != $3' | head -n 2)"
grep -q "(+0.0%)" same/diff.gp || fail "a recording with itself: the title does not say +0.0%"
"$PFX" plot --diff -o same.svg a.data a.data >/dev/null 2>p.err || { cat p.err; fail "pfx plot --diff -o same.svg failed"; }
svg_ok same.svg "a.data vs a.data: faults $fa -> $fa (+0.0%)"

# --- a hostile mapping name ---
# python3 touching 1024 and 4096 pages of a file with such a name: its row
# carries the largest change (root's python3 may be a shim under /root
# that starts other processes: the system's is taken first)
PY=
for p in /usr/bin/python3 $(command -v python3); do [ -x "$p" ] && { PY=$p; break; }; done
[ -n "$PY" ] || fail "no python3"
nl='
'
hostile="q\"uote%s${nl}x"
"$PY" -c 'import sys; open(sys.argv[1], "wb").write(b"\1" * 4096 * 4096)' "$TMP/$hostile" ||
	fail "cannot make the hostile file"
touch_prog='import mmap, sys
f = open(sys.argv[1], "rb")
m = mmap.mmap(f.fileno(), 4096 * 4096, access=mmap.ACCESS_COPY)
for i in range(int(sys.argv[2])): m[i * 4096] = 2'
rec h1 "$PY" -c "$touch_prog" "$TMP/$hostile" 1024
rec h2 "$PY" -c "$touch_prog" "$TMP/$hostile" 4096
"$PFX" plot --diff --script hs h1.data h2.data >/dev/null 2>p.err || { cat p.err; fail "pfx plot --diff of a hostile name failed"; }
grep -qF "q\"uote%s\\x0ax'" hs/diff.gp || fail "diff.gp does not hold the name as safe text: $(grep uote hs/diff.gp)"
! grep -q 'uote' hs/diff.dat || fail "diff.dat holds a name"
"$PFX" plot --diff -o h.svg h1.data h2.data >/dev/null 2>p.err || { cat p.err; fail "pfx plot --diff -o h.svg failed"; }
svg_ok h.svg "h1.data vs h2.data"
svg_text h.svg | grep -qF 'q"uote%s\x0ax' || fail "h.svg does not show the hostile name as safe text"

# --- bad input: one line, non-zero exit ---
# bad WHAT ARGS...: pfx plot ARGS fails with one line on stderr
bad() {
	what=$1; shift
	"$PFX" plot "$@" >b.out 2>b.err && fail "$what: pfx plot $* succeeded"
	[ "$(wc -l <b.err)" -eq 1 ] || fail "$what: not one line: $(cat b.err)"
	[ -s b.out ] && fail "$what: wrote to stdout: $(cat b.out)"
	return 0
}
bad "one file" --diff a.data
grep -q "two recordings" b.err || fail "one file: $(cat b.err)"
bad "three files" --diff a.data b.data a.data
bad "a missing file" --diff a.data nothere.data
grep -q "nothere.data" b.err || fail "a missing file: $(cat b.err)"
echo '{"not": "a recording"}' >x.json
bad "a non-recording" --diff x.json a.data
grep -q "not a pfx record file" b.err || fail "a non-recording: $(cat b.err)"
bad "a directory" --diff a.data s
bad "--chart diff" --chart diff -i a.data
grep -q -- "--diff" b.err || fail "--chart diff: $(cat b.err)"
bad "--diff with --all" --diff --all -o all a.data b.data
bad "--diff with a bad format" --diff -o d.jpg a.data b.data
echo ok
