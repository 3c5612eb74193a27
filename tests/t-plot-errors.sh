# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-errors: every way 'pfx plot' can be misused or meet bad input
# gives one clear line (exit 2 for the command line, 1 for the rest), and
# never leaves an image, or half of one, under the output name.
. "$top_srcdir/tests/lib.sh"

MKREC=$top_builddir/tests/plot-mkrec
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR"
"$MKREC" "$TMP/good.data" || fail "plot-mkrec failed"
"$MKREC" "$TMP/nolat.data" --no-latency || fail "plot-mkrec --no-latency failed"
"$MKREC" "$TMP/empty.data" --no-faults || fail "plot-mkrec --no-faults failed"

# error CODE PATTERN CMD...: exits CODE with one 'pfx: ' line matching PATTERN
error() {
	code=$1 pattern=$2; shift 2
	expect_exit "$code" "$@"
	one_line_error
	grep -q -- "$pattern" "$TMP/err" || fail "'$*': unclear error: $(cat "$TMP/err")"
}

# --- the command line ---
error 2 "unknown chart 'pie'; charts: timeline, heatmap, regions, wss, latency" \
	"$PFX" plot -c pie -i "$TMP/good.data"
error 2 "give --chart CHART" "$PFX" plot -i "$TMP/good.data"
error 2 "name it OUT.png or OUT.svg" "$PFX" plot -c timeline -i "$TMP/good.data" -o "$TMP/x.jpg"
error 2 "name it OUT.png or OUT.svg" "$PFX" plot -c timeline -i "$TMP/good.data" -o "$TMP/png"
error 2 "bad --size '12'" "$PFX" plot -c timeline -i "$TMP/good.data" --size 12
error 2 "bad --size '50x50'" "$PFX" plot -c timeline -i "$TMP/good.data" --size 50x50
error 2 "unknown option '--frob'" "$PFX" plot -c timeline --frob
error 2 "needs a value" "$PFX" plot -c
error 2 "unexpected argument 'extra'" "$PFX" plot -c timeline extra
error 2 "the wss chart needs -i FILE" "$PFX" plot -c wss
expect_exit 0 "$PFX" plot --help
grep -q -- '--script DIR' "$TMP/out" || fail "--help does not document --script"

# --- input files ---
error 1 "cannot read $TMP/none.data: No such file or directory; record one with 'pfx record" \
	"$PFX" plot -c timeline -i "$TMP/none.data" -o "$TMP/x.png"
(cd "$TMP" && "$PFX" plot -c regions >out 2>err; echo $? >rc)
[ "$(cat "$TMP/rc")" -eq 1 ] && grep -q 'cannot read pfx.data' "$TMP/err" ||
	fail "without -i, plot does not look for pfx.data: $(cat "$TMP/err")"
printf 'hello, not a recording\n' >"$TMP/text.data"
error 1 "not a pfx record file" "$PFX" plot -c heatmap -i "$TMP/text.data" -o "$TMP/x.png"
error 1 "holds no faults" "$PFX" plot -c timeline -i "$TMP/empty.data" -o "$TMP/x.png"
error 1 "this recording has no latency data; record it with perf events and --entry auto" \
	"$PFX" plot -c latency -i "$TMP/nolat.data" -o "$TMP/x.png"
head -c 100 "$TMP/good.data" >"$TMP/cut.data"
error 1 "truncated" "$PFX" plot -c regions -i "$TMP/cut.data" -o "$TMP/x.png"
# the wss chart reads 'pfx wss --format json' lines, nothing else
error 1 "is the output of 'pfx record', not of 'pfx wss --format json'; chart it with --chart timeline" "$PFX" plot -c wss -i "$TMP/good.data" -o "$TMP/x.png"
: >"$TMP/empty.json"
error 1 "holds no WSS samples" "$PFX" plot -c wss -i "$TMP/empty.json" -o "$TMP/x.png"
printf '{"type":"sample","time":0.5,"wss_bytes":1048576,"rss_bytes":2097152}\n{"time": oops, "wss_bytes": 1}\n' >"$TMP/bad.json"
error 1 "line 2 is not" "$PFX" plot -c wss -i "$TMP/bad.json" -o "$TMP/x.png"
[ ! -e "$TMP/x.png" ] || fail "a failed plot left $TMP/x.png"

# --- output ---
error 1 "cannot create $TMP/no/such/dir/x.png" "$PFX" plot -c timeline -i "$TMP/good.data" -o "$TMP/no/such/dir/x.png"
error 1 "cannot create the script directory $TMP/no/dir" "$PFX" plot -c timeline -i "$TMP/good.data" --script "$TMP/no/dir"

# --- no gnuplot: a clear error naming the package, and --script still works ---
mkdir -p "$TMP/bin"	# a PATH without gnuplot
error 1 "gnuplot is not installed; install the gnuplot-nox package, or use --script DIR to write the script only" \
	env PATH="$TMP/bin" "$PFX" plot -c timeline -i "$TMP/good.data" -o "$TMP/x.png"
[ ! -e "$TMP/x.png" ] || fail "plot without gnuplot left $TMP/x.png"
expect_exit 0 env PATH="$TMP/bin" "$PFX" plot -c timeline -i "$TMP/good.data" --script "$TMP/nognuplot"
[ -s "$TMP/nognuplot/timeline.gp" ] && [ -s "$TMP/nognuplot/timeline.dat" ] ||
	fail "--script without gnuplot did not write the script and data"

if command -v gnuplot >/dev/null; then
	# ...and that script draws the chart where gnuplot is
	(cd "$TMP/nognuplot" && gnuplot timeline.gp) 2>"$TMP/gp.err" || { cat "$TMP/gp.err"; fail "gnuplot on the script failed"; }
	[ -s "$TMP/nognuplot/timeline.png" ] || fail "the script drew no timeline.png"

	# a truncated recording: a warning, and the chart of what was read
	head -c 100000 "$TMP/good.data" >"$TMP/half.data"
	expect_exit 0 "$PFX" plot -c timeline -i "$TMP/half.data" -o "$TMP/half.png"
	grep -q '^pfx: warning: .*truncated.*; the chart shows the [0-9]* faults read before that' "$TMP/err" ||
		fail "no warning for a truncated recording: $(cat "$TMP/err")"
	[ -s "$TMP/half.png" ] || fail "no chart of the readable part"

	# gnuplot failing (a broken template): one line with gnuplot's complaint, no image left
	mkdir -p "$TMP/broken"
	cp "$top_srcdir"/plot/*.gp "$TMP/broken/"
	echo 'plot nosuchvariable' >>"$TMP/broken/regions.gp"
	error 1 "gnuplot failed on the regions chart: .*undefined variable" \
		env PFX_PLOT_DIR="$TMP/broken" "$PFX" plot -c regions -i "$TMP/good.data" -o "$TMP/broken.png"
	[ -z "$(ls "$TMP" | grep broken.png)" ] || fail "a failed gnuplot run left $(ls "$TMP" | grep broken.png)"
	# an existing image is left alone when a new one fails
	echo old >"$TMP/keep.png"
	expect_exit 1 env PFX_PLOT_DIR="$TMP/broken" "$PFX" plot -c regions -i "$TMP/good.data" -o "$TMP/keep.png"
	[ "$(cat "$TMP/keep.png")" = old ] || fail "a failed run replaced keep.png"
else
	note "gnuplot not installed: skipping the parts that draw"
fi

# a template directory without the template
error 1 "cannot read the chart template $TMP/nowhere/timeline.gp" \
	env PFX_PLOT_DIR="$TMP/nowhere" "$PFX" plot -c timeline -i "$TMP/good.data" -o "$TMP/x.png"

left=$(ls -A "$TMPDIR")
[ -z "$left" ] || fail "pfx plot left scratch files behind: $left"
echo ok
