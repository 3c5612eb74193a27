#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-names: names another user gives files reach root's charts as they
# are, and cannot hurt gnuplot.  As nobody, tests/plot-names.py makes files
# named x%.2147483647f (gnuplot read tic labels as printf formats: this one
# took 5.9 GB), y%n%n%n (failed the heatmap, which --all then dropped
# silently), q'uote"d, <script>alert(1)</script>, an OSC escape, a newline
# and %s%s%s, maps and faults on them while root records it (pfx record)
# and reads its mappings (pfx maps).  pfx plot --all of both must finish in
# seconds with every chart, gnuplot small, each name in the SVG text
# literally ('%' as '%', control characters as \xNN), no <script> element
# in any SVG or in index.html, and no name in a data file (where a quote,
# '#' or newline would cut the columns).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/plot-lib.sh"

need_root
command -v gnuplot >/dev/null || skip "gnuplot is not installed (package gnuplot-nox)"
command -v setpriv >/dev/null || fail "setpriv (util-linux) is missing: the attacker runs as nobody"
GNUPLOT=$(command -v gnuplot)
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
# a python3 nobody can run (root's may be a shim under /root)
PY=
for p in /usr/bin/python3 /usr/local/bin/python3 $(command -v python3); do
	as_nobody "$p" -c pass 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || fail "no python3 that nobody can run"

SHARED=$TMP/shared
mkdir -p "$SHARED" && chmod 1777 "$SHARED" && chmod 755 "$TMP" || fail "cannot make the shared directory"
cp "$top_srcdir/tests/plot-names.py" "$TMP/plot-names.py" && chmod 644 "$TMP/plot-names.py" ||
	fail "cannot copy plot-names.py"
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR"

esc=$(printf '\033]0;t\007')
nl='
'
set -- 'x%.2147483647f' 'y%n%n%n' "q'uote\"d" '<script>alert(1)</script>' "$esc" "nl${nl}name" '%s%s%s'
# as the charts label regions: a file's base name, made safe
shown_x='x%.2147483647f' shown_y='y%n%n%n' shown_q="q'uote\"d" shown_script='script>'
shown_esc='\x1b]0;t\x07' shown_nl='nl\x0aname' shown_s='%s%s%s'

# gnuplot as pfx runs it, its peak resident size logged.  A build without
# pfx's limits gets 3 GB of address space here, so that it fails rather
# than take the machine (root may raise a limit: only set it when none).
mkdir -p "$TMP/bin"
cat >"$TMP/bin/gnuplot" <<EOF
#!/bin/sh
[ "\$(ulimit -v)" = unlimited ] && ulimit -v 3000000
if [ -x /usr/bin/time ]; then
	exec /usr/bin/time -a -o "$TMP/gnuplot.log" -f '%M' "$GNUPLOT" "\$@"
fi
exec "$GNUPLOT" "\$@"
EOF
chmod 755 "$TMP/bin/gnuplot"

# plot_all INPUT DIR: pfx plot --all, in seconds, without a word on stderr
plot_all() {
	start=$(date +%s)
	PATH="$TMP/bin:$PATH" timeout 300 "$PFX" plot --all -i "$1" -o "$2" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	took=$(($(date +%s) - start))
	[ "$rc" -eq 0 ] || { cat "$TMP/out" "$TMP/err"; fail "pfx plot --all of $1 exited $rc after $took s"; }
	[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "pfx plot --all of $1 printed messages"; }
	[ "$took" -le 30 ] || fail "pfx plot --all of $1 took $took s"
	note "--all of $(basename "$1"): $took s"
}

# no_script_element FILE: the document holds no <script element
no_script_element() {
	! grep -qi '<script' "$1" || fail "$1 holds a <script> element: $(grep -i '<script' "$1" | head -n 2)"
}

# --- a recording of nobody's program faulting on the files ---
"$PFX" record -o "$TMP/rec.data" -- setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$PY" "$TMP/plot-names.py" "$SHARED/rec" 10 0 "$@" >"$TMP/rec.out" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "pfx record of nobody's program failed"; }
plot_all "$TMP/rec.data" "$TMP/all"
for chart in timeline heatmap regions latency; do
	svg_ok "$TMP/all/$chart.svg" "setpriv"
	png_ok "$TMP/all/$chart.png"
	no_script_element "$TMP/all/$chart.svg"
	grep -q "<img src=\"$chart.svg\"" "$TMP/all/index.html" || fail "index.html does not show the $chart chart"
done
# the regions as tic labels (the heatmap's are formats to gnuplot)
svg_says "$TMP/all/heatmap.svg" "$shown_x" "$shown_y" "$shown_q" "$shown_script" "$shown_esc" "$shown_nl" "$shown_s"
svg_says "$TMP/all/regions.svg" "$shown_x" "$shown_y" "$shown_q" "$shown_script" "$shown_esc" "$shown_nl" "$shown_s"
# the command line in every title: shortened in the middle (longer than 64
# characters, #21), its ends literal, a control character escaped whole
for chart in timeline heatmap regions latency; do
	svg_says "$TMP/all/$chart.svg" "setpriv --reuid=nobody" " … " "t\\x07 nl\\x0aname %s%s%s   ("
done
no_script_element "$TMP/all/index.html"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; \x1b]0;t\x07 nl\x0aname %s%s%s' "$TMP/all/index.html" ||
	fail "index.html does not show the command escaped: $(grep -F 'alert' "$TMP/all/index.html" | head -n 1)"
! grep -q "$(printf '\033')" "$TMP/all/index.html" || fail "index.html holds an escape character"
! grep -q 'Drawing it failed' "$TMP/all/index.html" || fail "index.html says a chart failed"
# gnuplot stayed small (its charts need ~25 MB)
if [ -s "$TMP/gnuplot.log" ]; then
	peak=$(grep -E '^[0-9]+$' "$TMP/gnuplot.log" | sort -n | tail -n 1)
	[ "$peak" -lt 204800 ] || fail "gnuplot grew to $peak KiB resident"
	note "gnuplot's peak resident size: $peak KiB over $(grep -cE '^[0-9]+$' "$TMP/gnuplot.log") runs"
fi
# the data files hold numbers only: the names are in the scripts, quoted
for chart in heatmap regions; do
	expect_exit 0 "$PFX" plot -c "$chart" -i "$TMP/rec.data" --script "$TMP/s-$chart"
	! grep -q 'x%\|y%n\|uote\|alert\|%s%s' "$TMP/s-$chart/$chart.dat" ||
		fail "$chart.dat holds a name: $(grep 'x%\|y%n\|uote\|alert\|%s%s' "$TMP/s-$chart/$chart.dat" | head -n 2)"
done
grep -qF "'x%%.2147483647f'" "$TMP/s-heatmap/heatmap.gp" || fail "heatmap.gp's tic labels do not double the '%'"
[ -z "$(ls -A "$TMPDIR")" ] || fail "pfx plot left $(ls -A "$TMPDIR") in TMPDIR"

# --- pfx maps of nobody's program with the files mapped ---
# setpriv execs python3: $! is its pid (a function would fork a subshell)
setpriv --reuid=nobody --regid=nogroup --clear-groups "$PY" "$TMP/plot-names.py" "$SHARED/held" 0 60 "$@" \
	>"$TMP/held.out" 2>"$TMP/held.err" &
held=$!
for i in $(seq 100); do
	grep -q ready "$TMP/held.out" && break
	sleep 0.1
done
grep -q ready "$TMP/held.out" || { kill "$held"; cat "$TMP/held.err"; fail "nobody's program did not map its files"; }
"$PFX" maps --format json -o "$TMP/maps.json" -p "$held" 2>"$TMP/maps.err" ||
	{ kill "$held"; cat "$TMP/maps.err"; fail "pfx maps failed"; }
kill "$held"
wait "$held" 2>/dev/null
plot_all "$TMP/maps.json" "$TMP/maps-all"
svg_ok "$TMP/maps-all/maps.svg" "Largest mappings"
no_script_element "$TMP/maps-all/maps.svg"
svg_says "$TMP/maps-all/maps.svg" "$shown_x" "$shown_y" "$shown_q" "$shown_script" "$shown_s"
# the JSON reader (base/jsonline.c) shows a \u escape as '?': the escape
# name as '?]0;t?', never its control characters
svg_says "$TMP/maps-all/maps.svg" "]0;t"
! grep -q "$(printf '[\001-\010\013-\037]')" "$TMP/maps-all/maps.svg" || fail "maps.svg holds a control character"
exit 0
