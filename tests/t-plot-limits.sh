#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-limits: gnuplot always runs under pfx's memory and CPU limits
# (2 GiB of address space, 60 s of CPU; doc/plot.md), and a gnuplot that
# runs out of them, or fails, is reported: one line naming the chart and
# the limit, exit 1, no image, no scratch or half-written file left.  With
# --all, a chart that fails is named on stderr, the run exits 1, and
# index.html says it failed instead of showing a missing image.  gnuplot
# is stood in for by scripts first in PATH (pfx looks gnuplot up there).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/plot-lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot is not installed (package gnuplot-nox)"
GNUPLOT=$(command -v gnuplot)
PY=$(command -v python3) || fail "python3 is missing"
MKREC=$top_builddir/tests/plot-mkrec
"$MKREC" "$TMP/rec.data" || fail "plot-mkrec failed"
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR" "$TMP/bin" "$TMP/outdir"

# nothing_left: no scratch directory, no image, no temporary output file
nothing_left() {
	[ -z "$(ls -A "$TMPDIR")" ] || fail "pfx plot left $(ls -A "$TMPDIR") in TMPDIR"
	[ -z "$(ls -A "$TMP/outdir")" ] || fail "pfx plot left $(ls -A "$TMP/outdir") in the output directory"
}

# --- the limits gnuplot runs under, as gnuplot sees them ---
cat >"$TMP/bin/gnuplot" <<EOF
#!/bin/sh
echo "as \$(ulimit -v) cpu \$(ulimit -t)" >>"$TMP/limits"
exec "$GNUPLOT" "\$@"
EOF
chmod 755 "$TMP/bin/gnuplot"
expect_exit 0 env PATH="$TMP/bin:$PATH" "$PFX" plot -c timeline -i "$TMP/rec.data" -o "$TMP/t.png"
png_ok "$TMP/t.png"
# ulimit -v counts KiB: 2 GiB
[ "$(cat "$TMP/limits")" = "as 2097152 cpu 60" ] || fail "gnuplot ran with limits $(cat "$TMP/limits"), expected as 2097152 cpu 60"
note "gnuplot's limits: $(cat "$TMP/limits")"
rm -f "$TMP/t.png"

# --- a gnuplot that allocates without end: stopped by the limit, reported ---
# bytes(n) takes its memory from calloc: address space, untouched pages, so
# a build without the limit does not fill the machine's memory either
cat >"$TMP/bin/gnuplot" <<EOF
#!/bin/sh
exec "$PY" -c 'a = []
while True:
    a.append(bytes(64 << 20))'
EOF
start=$(date +%s)
expect_exit 1 env PATH="$TMP/bin:$PATH" timeout 120 "$PFX" plot -c heatmap -i "$TMP/rec.data" -o "$TMP/outdir/h.png"
took=$(($(date +%s) - start))
one_line_error
grep -q "^pfx: gnuplot ran out of memory on the heatmap chart (its limit is 2048 MiB): MemoryError; " "$TMP/err" ||
	fail "unclear message: $(cat "$TMP/err")"
[ "$took" -le 30 ] || fail "the memory limit took $took s to stop gnuplot"
nothing_left
note "$(cat "$TMP/err")"

# --- --all: a chart that fails is named, marked on the page, exit 1 ---
cat >"$TMP/bin/gnuplot" <<EOF
#!/bin/sh
case "\$1" in
*/heatmap.gp) echo '"heatmap.gp" line 7: all out of ink' >&2; exit 1 ;;
esac
exec "$GNUPLOT" "\$@"
EOF
expect_exit 1 env PATH="$TMP/bin:$PATH" "$PFX" plot --all -i "$TMP/rec.data" -o "$TMP/all"
grep -q '^pfx: gnuplot failed on the heatmap chart: "heatmap.gp" line 7: all out of ink; ' "$TMP/err" ||
	{ cat "$TMP/err"; fail "--all did not say why the heatmap failed"; }
grep -q '^pfx: 1 of 4 charts failed (heatmap), each said why above; .*index.html shows the 3 drawn and marks the rest$' "$TMP/err" ||
	{ cat "$TMP/err"; fail "--all did not sum up the failed chart"; }
[ "$(wc -l <"$TMP/err")" -eq 2 ] || { cat "$TMP/err"; fail "--all printed more than the two lines"; }
! grep -q 'src="heatmap' "$TMP/all/index.html" || fail "index.html shows the heatmap that failed"
grep -q '<p class="failed">Drawing it failed: gnuplot failed on the heatmap chart: &quot;heatmap.gp&quot; line 7: all out of ink' \
	"$TMP/all/index.html" || fail "index.html does not say the heatmap failed: $(grep -A3 '<h2>heatmap' "$TMP/all/index.html")"
for chart in timeline regions latency; do
	grep -q "<img src=\"$chart.svg\"" "$TMP/all/index.html" || fail "index.html lost the $chart chart"
	png_ok "$TMP/all/$chart.png"
done
[ ! -e "$TMP/all/heatmap.png" ] || fail "--all left a heatmap.png"
[ -z "$(ls -A "$TMPDIR")" ] || fail "--all left $(ls -A "$TMPDIR") in TMPDIR"
exit 0
