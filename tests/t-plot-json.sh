# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-json: the charts of other commands' JSON (stat, thp, maps,
# wss-profile, top), each from the real output of that command on the
# bundled workload and on python3, as PNG and SVG: valid files, the axis
# titles with their units, the numbers behind them; a file of the wrong
# kind is told apart with one line naming what it is.  What a reader
# trips on (#21): a long command is shortened with an ellipsis and the
# stat legend is above the bars, not over them; thp's huge-page axis has
# whole-number ticks; wss-profile has a tick label at each window.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/plot-lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot is not installed (package gnuplot-nox)"
command -v python3 >/dev/null || skip "python3 is not installed (the SVG checks parse XML with it)"
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR"
PY_ALLOC='import time
b = bytearray(48 << 20)
for i in range(0, len(b), 4096): b[i] = 1
time.sleep(0.6)'

# chart_ok CHART INPUT NAME TITLE TEXT...: PNG and SVG of CHART from INPUT;
# the SVG shows TITLE and each TEXT (axis titles, legends)
chart_ok() {
	chart=$1 input=$2 name=$3 title=$4
	shift 4
	expect_exit 0 "$PFX" plot -c "$chart" -i "$input" -o "$TMP/$name.png"
	grep -q "^$chart chart: $TMP/$name.png\$" "$TMP/out" || fail "plot did not say where the chart is: $(cat "$TMP/out")"
	[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "$chart of $input printed messages"; }
	png_ok "$TMP/$name.png" 900 500
	expect_exit 0 "$PFX" plot -c "$chart" -i "$input" -o "$TMP/$name.svg"
	svg_ok "$TMP/$name.svg" "$title"
	svg_says "$TMP/$name.svg" "$@"
}

# --- stat: per thread with an alert rate, and python3 as a whole ---
"$PFX" stat -I 50 --per-thread --alert-minor 20000 --format json -o "$TMP/stat.json" -- \
	"$PFX_LOAD" seq -s 256M -t 2 >"$TMP/stat.out" 2>"$TMP/stat.err" || { cat "$TMP/stat.err"; fail "pfx stat failed"; }
grep -q '"alert_minor_per_s":20000' "$TMP/stat.json" || fail "the stat header does not carry the alert rate"
tid=$(sed -n 's/.*"type":"thread","pid":[0-9]*,"tid":\([0-9]*\).*/\1/p' "$TMP/stat.json" | head -n 1)
[ -n "$tid" ] || fail "pfx stat --per-thread wrote no thread"
chart_ok stat "$TMP/stat.json" stat "Page faults per interval (pfx stat)" \
	"minor faults/s" "time (s)" "--alert-minor 20000/s" "thread " "per thread"
expect_exit 0 "$PFX" plot -c stat -i "$TMP/stat.json" --script "$TMP/s-stat"
# the stacked columns add up to the counted minor faults (rate x seconds)
minor=$(sed -n 's/.*"type":"total","minor":\([0-9]*\).*/\1/p' "$TMP/stat.json")
series=$(sed -n 's/^series = //p' "$TMP/s-stat/stat.gp")
charted=$(awk -v c=$((2 + series)) '!/^#/ { n += $c * $2 } END { printf "%.0f", n }' "$TMP/s-stat/stat.dat")
within_pct "$charted" "$minor" 2 || fail "the stat chart holds $charted minor faults, pfx stat counted $minor"
note "stat: $series series, $charted of $minor minor faults charted"
"$PFX" stat -I 100 --format json -o "$TMP/stat-py.json" -- python3 -c "$PY_ALLOC" 2>"$TMP/stat.err" ||
	{ cat "$TMP/stat.err"; fail "pfx stat of python3 failed"; }
chart_ok stat "$TMP/stat-py.json" stat-py "Page faults per interval (pfx stat)" "minor faults/s" "python3"
# a command line longer than the chart is wide: cut in the middle, the
# subtitle short enough to fit; the legend above the bars (its entries
# higher than the top tick label of the y axis), never over them
"$PFX" stat -I 50 --format json -o "$TMP/stat-long.json" -- sh -c ': a command line with many words that would run off both edges of the chart; exec "$0" seq -s 64M' "$PFX_LOAD" \
	>/dev/null 2>"$TMP/stat.err" || { cat "$TMP/stat.err"; fail "pfx stat of a long command failed"; }
chart_ok stat "$TMP/stat-long.json" stat-long "Page faults per interval (pfx stat)" "sh -c : a command line" " … " "pfx-load"
svg_text "$TMP/stat-long.svg" | grep 'intervals, counted by' >"$TMP/sub"
len=$(python3 -c 'import sys; print(len(sys.stdin.read().strip()))' <"$TMP/sub")
[ "$len" -le 120 ] || fail "the stat subtitle is $len characters: $(cat "$TMP/sub")"
for f in stat stat-long; do
	svg_labels "$TMP/$f.svg" end | awk '$3 ~ /^[0-9.]+k?$/ { print $2 }' | sort -n | head -n 1 >"$TMP/ytop"
	svg_labels "$TMP/$f.svg" start | awk '/\(minor\)/ { print $2 }' | sort -n | tail -n 1 >"$TMP/keylow"
	[ -s "$TMP/ytop" ] && [ -s "$TMP/keylow" ] || fail "$f: no y tick labels or legend in the SVG"
	awk -v k="$(cat "$TMP/keylow")" -v y="$(cat "$TMP/ytop")" 'BEGIN { exit !(k < y) }' ||
		fail "$f: the legend (lowest entry at y=$(cat "$TMP/keylow")) reaches into the bars (top tick at y=$(cat "$TMP/ytop"))"
done

# --- thp: huge pages of pfx-load thp, and python3 ---
"$PFX" thp --format json -o "$TMP/thp.json" 0.1 -- "$PFX_LOAD" thp -s 64M --pause-end 500 >"$TMP/thp.out" 2>"$TMP/thp.err" ||
	{ cat "$TMP/thp.err"; fail "pfx thp failed"; }
chart_ok thp "$TMP/thp.json" thp "Transparent huge pages and NUMA placement (pfx thp)" \
	"THP share (%)" "MiB per node" "huge pages (2 MiB)" "faults" "time (s)" "node 0"
"$PFX" thp --format json -o "$TMP/thp-py.json" 0.1 -- python3 -c "$PY_ALLOC" 2>"$TMP/thp.err" ||
	{ cat "$TMP/thp.err"; fail "pfx thp of python3 failed"; }
chart_ok thp "$TMP/thp-py.json" thp-py "Transparent huge pages" "THP share (%)" "MiB per node"
# the huge-page axis (right, the only numbers drawn anchored at their
# start) counts whole pages, also when only one or two are gained
"$PFX" thp --format json -o "$TMP/thp-few.json" 0.1 -- "$PFX_LOAD" thp -s 4M --pause-end 300 >/dev/null 2>"$TMP/thp.err" ||
	{ cat "$TMP/thp.err"; fail "pfx thp of a 4 MiB buffer failed"; }
for f in thp thp-py thp-few; do
	[ -f "$TMP/$f.svg" ] || expect_exit 0 "$PFX" plot -c thp -i "$TMP/$f.json" -o "$TMP/$f.svg"
	svg_labels "$TMP/$f.svg" start | awk '$3 ~ /^[0-9.]+$/ { print $3 }' >"$TMP/y2"
	[ -s "$TMP/y2" ] || fail "$f: no huge-page axis labels"
	grep -q '\.' "$TMP/y2" && fail "$f: fractional huge-page ticks: $(tr '\n' ' ' <"$TMP/y2")"
	note "$f: huge-page ticks $(tr '\n' ' ' <"$TMP/y2")"
done

# --- maps: a running pfx-load and a running python3 ---
"$PFX_LOAD" steady -s 32M --seconds 3 >/dev/null &
load=$!
python3 -c "$PY_ALLOC
time.sleep(3)" &
py=$!
sleep 1
"$PFX" maps -p "$load" --format json -o "$TMP/maps.json" || fail "pfx maps of pfx-load failed"
"$PFX" maps -p "$py" --format json -o "$TMP/maps-py.json" || fail "pfx maps of python3 failed"
kill "$load" "$py" 2>/dev/null
wait
chart_ok maps "$TMP/maps.json" maps "Largest mappings by resident and swapped memory (pfx maps)" \
	"resident (MiB)" "resident, dirty" "resident, clean" "swapped" "anon rw-p" "pfx-load"
chart_ok maps "$TMP/maps-py.json" maps-py "Largest mappings" "resident (MiB)" "python3"
expect_exit 0 "$PFX" plot -c maps -i "$TMP/maps-py.json" --script "$TMP/s-maps"
# the biggest bar is python3's 48 MiB buffer: its resident MiB, dirty plus
# clean (columns 3 and 4: "label y dirty_mib clean_mib ..."; a user's pfx
# maps knows no dirty pages, so all of it is clean there)
top=$(grep -v '^#' "$TMP/s-maps/maps.dat" | head -n 1)
printf '%s\n' "$top" | awk '{ if ($3 + $4 < 47) exit 1 }' || fail "the largest mapping is not the 48 MiB buffer: $top"

# --- wss --profile: pfx-load hotcold and python3 ---
"$PFX" wss --profile 4 --format json -o "$TMP/prof.json" 0.05 -- "$PFX_LOAD" hotcold -s 64M --hot 8M --seconds 2 \
	>"$TMP/prof.out" 2>"$TMP/prof.err" || { cat "$TMP/prof.err"; fail "pfx wss --profile failed"; }
chart_ok wss-profile "$TMP/prof.json" prof "Working-set size against window length" \
	"window length (s, log scale)" "MiB" "WSS: pages referenced within the window"
expect_exit 0 "$PFX" plot -c wss-profile -i "$TMP/prof.json" --script "$TMP/s-prof"
rows=$(grep -vc '^#' "$TMP/s-prof/wss-profile.dat")
[ "$rows" -eq "$(grep -c '"wss_bytes"' "$TMP/prof.json")" ] || fail "wss-profile.dat has $rows rows"
# a tick label at each window (the windows double; a log axis of 0.05-0.4 s
# had one label or none)
svg_labels "$TMP/prof.svg" middle | awk '$3 ~ /^[0-9.]+$/' >"$TMP/xt"
[ "$(wc -l <"$TMP/xt")" -eq "$rows" ] || fail "wss-profile: $(wc -l <"$TMP/xt") window labels for $rows windows: $(awk '{ print $3 }' "$TMP/xt" | tr '\n' ' ')"
"$PFX" wss --profile 3 --format json -o "$TMP/prof-py.json" 0.05 -- python3 -c "$PY_ALLOC" 2>"$TMP/prof.err" ||
	{ cat "$TMP/prof.err"; fail "pfx wss --profile of python3 failed"; }
chart_ok wss-profile "$TMP/prof-py.json" prof-py "Working-set size against window length" "window length (s, log scale)"

# --- top: frames while pfx-load and python3 fault ---
"$PFX_LOAD" steady -s 64M --seconds 2 --rate 20000 >/dev/null &
load=$!
python3 -c 'import time
end = time.time() + 2
while time.time() < end:
    b = bytearray(8 << 20)
    for i in range(0, len(b), 4096): b[i] = 1' &
py=$!
"$PFX" top -b -d 0.2 -n 6 --format json -o "$TMP/top.json" || fail "pfx top failed"
wait
chart_ok top "$TMP/top.json" top "Busiest processes' page faults (pfx top)" \
	"minor faults/s" "time (s)" "pfx-load ($load)" "python3 ($py)"

# --- kinds told apart ---
expect_exit 1 "$PFX" plot -c stat -i "$TMP/thp.json" -o "$TMP/x.png"
one_line_error
grep -q "is the output of 'pfx thp --format json', not of 'pfx stat" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
grep -q "chart it with --chart thp" "$TMP/err" || fail "the error does not name the chart: $(cat "$TMP/err")"
expect_exit 1 "$PFX" plot -c timeline -i "$TMP/maps.json" -o "$TMP/x.png"
one_line_error
grep -q "chart it with --chart maps" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
printf '{"hello": 1}\n' >"$TMP/other.json"
expect_exit 1 "$PFX" plot -c top -i "$TMP/other.json" -o "$TMP/x.png"
one_line_error
grep -q "not the output of 'pfx top -b --format json'; pfx plot takes a recording (pfx record) or the JSON of pfx stat, thp, maps, top or wss" "$TMP/err" ||
	fail "unclear error: $(cat "$TMP/err")"
expect_exit 2 "$PFX" plot -c thp -o "$TMP/x.png"
grep -q "the thp chart needs -i FILE: the output of 'pfx thp --format json -o FILE'" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
# a damaged line is named
sed '3s/"time":[0-9.]*/"time":"soon"/' "$TMP/stat.json" >"$TMP/bad.json"
expect_exit 1 "$PFX" plot -c stat -i "$TMP/bad.json" -o "$TMP/x.png"
one_line_error
grep -q "bad.json line 3 is not what 'pfx stat -I MSEC --format json' writes" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
[ ! -e "$TMP/x.png" ] || fail "a failed chart left an image"

left=$(ls -A "$TMPDIR")
[ -z "$left" ] || fail "pfx plot left scratch files behind: $left"
echo ok
