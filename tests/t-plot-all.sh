# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-all: 'pfx plot --all -i FILE -o DIR' writes every chart that
# applies (SVG and PNG) and an index.html showing them with the command,
# kernel and totals; headless chromium renders the page to a screenshot
# that is not blank; strings from the recording are HTML-escaped; DIR is
# never a symbolic link.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/plot-lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot is not installed (package gnuplot-nox)"
command -v python3 >/dev/null || skip "python3 is not installed"
CHROMIUM=$(command -v chromium || command -v chromium-browser) || skip "chromium is not installed (package chromium)"
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR"

# a recording whose command line holds HTML: the page must show it as text
"$PFX" record -o "$TMP/file.data" -- "$PFX_LOAD" file -s 8M --dir "$TMP" --pause-end 1 \
	>"$TMP/file.out" 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "pfx record failed"; }
"$PFX" record -o "$TMP/html.data" -- sh -c ': "<b>bold</b> & \"q\" '"'"'s'"'"'"; exec "$0" seq -s 4M' "$PFX_LOAD" \
	>/dev/null 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "pfx record of sh failed"; }

# without latency (a user at perf_event_paranoid 0 or more) --all leaves
# the latency chart out
charts="timeline heatmap regions latency" n=4
has_latency "$TMP/file.data" || { charts="timeline heatmap regions" n=3; note "no latency recorded: 3 charts"; }
expect_exit 0 "$PFX" plot --all -i "$TMP/file.data" -o "$TMP/charts"
grep -q "^all charts: $TMP/charts/index.html ($n charts, SVG and PNG)\$" "$TMP/out" || fail "unexpected output: $(cat "$TMP/out")"
for chart in $charts; do
	png_ok "$TMP/charts/$chart.png" 900 500
	svg_ok "$TMP/charts/$chart.svg" "Page fault"
	grep -q "<img src=\"$chart.svg\"" "$TMP/charts/index.html" || fail "index.html does not show $chart.svg"
	grep -q "<a href=\"$chart.png\">" "$TMP/charts/index.html" || fail "index.html does not link $chart.png"
done
kernel=$(uname -r)
grep -qF "<td>$kernel</td>" "$TMP/charts/index.html" || fail "index.html does not name the kernel $kernel"
grep -qF "$PFX_LOAD file -s 8M" "$TMP/charts/index.html" || fail "index.html does not show the command"
grep -q "[0-9][0-9]* faults via" "$TMP/charts/index.html" || fail "index.html does not give the totals"

# the page renders: a screenshot with more than a background colour
(cd "$TMP" && timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
	--user-data-dir="$TMP/chromium" --screenshot="$TMP/shot.png" --window-size=1200,2000 \
	"file://$TMP/charts/index.html") >"$TMP/chromium.out" 2>&1 || { tail -n 5 "$TMP/chromium.out"; fail "chromium failed"; }
png_ok "$TMP/shot.png" 1200 2000
png_not_blank "$TMP/shot.png"
# and the charts are in it: far more than the text of the page alone
size=$(wc -c <"$TMP/shot.png")
[ "$size" -gt 60000 ] || fail "the screenshot is only $size bytes: the charts did not load"
note "screenshot: $size bytes"

# strings from the recording are escaped
expect_exit 0 "$PFX" plot --all -i "$TMP/html.data" -o "$TMP/html"
grep -qF '&lt;b&gt;bold&lt;/b&gt; &amp; \&quot;q\&quot; &#39;s&#39;' "$TMP/html/index.html" ||
	{ grep -i 'bold' "$TMP/html/index.html"; fail "the command line is not HTML-escaped"; }
! grep -q '<b>bold' "$TMP/html/index.html" || fail "raw HTML from the recording reached the page"
python3 -c 'import html.parser, sys; html.parser.HTMLParser().feed(open(sys.argv[1]).read())' "$TMP/html/index.html" ||
	fail "index.html does not parse"

# a JSON input: its chart
"$PFX" stat -I 50 --format json -o "$TMP/stat.json" -- "$PFX_LOAD" seq -s 64M >/dev/null 2>&1 || fail "pfx stat failed"
expect_exit 0 "$PFX" plot --all -i "$TMP/stat.json" -o "$TMP/stat"
grep -q "^all charts: $TMP/stat/index.html (1 chart, SVG and PNG)\$" "$TMP/out" || fail "one chart: $(cat "$TMP/out")"
png_ok "$TMP/stat/stat.png"
svg_ok "$TMP/stat/stat.svg" "Page faults per interval (pfx stat)"
grep -q "pfx stat -I MSEC --format json" "$TMP/stat/index.html" || fail "the page does not say what the input is"

# DIR: never through a symbolic link; -o required; no --chart with it
mkdir "$TMP/elsewhere"
ln -s "$TMP/elsewhere" "$TMP/link"
expect_exit 1 "$PFX" plot --all -i "$TMP/file.data" -o "$TMP/link"
one_line_error
grep -q "is a symbolic link" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
[ -z "$(ls -A "$TMP/elsewhere")" ] || fail "--all wrote through a symbolic link"
expect_exit 2 "$PFX" plot --all -i "$TMP/file.data"
grep -q "give -o DIR" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
expect_exit 2 "$PFX" plot --all -c timeline -i "$TMP/file.data" -o "$TMP/x"
printf 'hello\n' >"$TMP/text"
expect_exit 1 "$PFX" plot --all -i "$TMP/text" -o "$TMP/x"
one_line_error
grep -q "neither a recording (pfx record) nor the JSON of pfx stat, thp, maps, top or wss" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"

left=$(ls -A "$TMPDIR")
[ -z "$left" ] || fail "pfx plot left scratch files behind: $left"
echo ok
