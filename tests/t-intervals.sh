# SPDX-License-Identifier: GPL-2.0-or-later
# t-intervals: one range for every sampling interval (stat, thp, top, wss):
# 0.01 s to 86400 s; below or above is one usage line (exit 2); wss also
# takes 0 (back-to-back windows).  And the options they share (#21):
# -I MSEC, --interval-count N and --duration S give the rows they say,
# against a real process, serve's textfile included.
. "$top_srcdir/tests/lib.sh"
for bad in 0.001 1e-9 86401 1e30; do
	for cmd in "stat -p $$ $bad 1" "thp -p $$ $bad 1" "top -b -n 1 -d $bad" "wss -p $$ $bad 1"; do
		# shellcheck disable=SC2086
		expect_exit 2 "$PFX" $cmd
		one_line_error
	done
done
for ok in 0.01 86400; do
	# the parse only: a PID that is gone ends each at run time (exit 1), not as usage (2)
	sh -c 'exit 0' & gone=$!; wait $gone
	for cmd in "stat -p $gone $ok 1" "thp -p $gone $ok 1" "wss -p $gone $ok 1"; do
		# shellcheck disable=SC2086
		"$PFX" $cmd >/dev/null 2>&1
		[ $? -ne 2 ] || fail "pfx $cmd: $ok refused as usage"
	done
done
expect_exit 1 "$PFX" wss -p "$gone" 0 1

# The interval options every sampling command shares (#21, pfx(1) COMMON
# OPTIONS): -I MSEC and --interval-count N give exactly N rows of MSEC,
# against a real process; -I has the same bounds in milliseconds.
sleep 60 & sp=$!
rows() { grep -c "\"type\":\"$1\"" "$2"; }
t0=$(date +%s%N)
"$PFX" stat -p $sp -I 500 --interval-count 2 --format json -o "$TMP/stat.json" || fail "stat -I: exit $?"
"$PFX" wss -p $sp -I 500 --interval-count 2 --format json -o "$TMP/wss.json" || fail "wss -I: exit $?"
"$PFX" thp -p $sp -I 500 --interval-count 2 --format json -o "$TMP/thp.json" || fail "thp -I: exit $?"
"$PFX" top -b -p $sp -I 500 --interval-count 2 --format json -o "$TMP/top.json" || fail "top -I: exit $?"
[ "$(rows interval "$TMP/stat.json")" -eq 2 ] || fail "stat: $(cat "$TMP/stat.json")"
for c in wss thp top; do
	[ "$(rows sample "$TMP/$c.json")" -eq 2 ] || fail "$c: $(cat "$TMP/$c.json")"
	# the rows are 0.5 s apart (loaded machine: within 0.4-1.5 s)
	awk -F'"time":' '/"type":"sample"/ { split($2, a, ","); t[n++] = a[1] }
		END { d = t[1] - t[0]; exit !(n == 2 && d > 0.4 && d < 1.5) }' "$TMP/$c.json" ||
		fail "$c -I 500: rows not 0.5 s apart: $(cat "$TMP/$c.json")"
done
grep -q '"seconds":0.5' "$TMP/stat.json" || fail "stat -I 500: rows not of 0.5 s: $(cat "$TMP/stat.json")"
kill -0 $sp 2>/dev/null || fail "an attached process was stopped"
# serve's textfile: written once at the start; --interval-count 1 ends there
# (--budget 0: no fault timing, whose warning a user denied perf would get)
"$PFX" serve -p $sp --textfile "$TMP/m.prom" -I 5000 --interval-count 1 --budget 0 2>"$TMP/serve.err" ||
	fail "serve -I: exit $?: $(cat "$TMP/serve.err")"
[ -s "$TMP/serve.err" ] && fail "serve -I printed: $(cat "$TMP/serve.err")"
grep -q "^pfx_page_faults_total{pid=\"$sp\"" "$TMP/m.prom" || fail "serve: no series for $sp: $(cat "$TMP/m.prom")"
# --duration S: what it bounds, and -I's bounds (milliseconds)
"$PFX" stat -p $sp -I 200 --duration 1 --format json -o "$TMP/d.json" || fail "stat --duration: exit $?"
n=$(rows interval "$TMP/d.json"); [ "$n" -ge 5 ] && [ "$n" -le 6 ] || fail "stat --duration 1 -I 200: $n rows"
"$PFX" top -b -p $sp -I 200 --duration 1 --format json -o "$TMP/d.json" || fail "top --duration: exit $?"
[ "$(rows sample "$TMP/d.json")" -eq 5 ] || fail "top --duration 1 -I 200: $(rows sample "$TMP/d.json") frames"
"$PFX" wss -p $sp -I 200 --duration 1 --format json -o "$TMP/d.json" || fail "wss --duration: exit $?"
# each wss window begins when the last reset ended: 4 or 5 windows end within 1 s
n=$(rows sample "$TMP/d.json"); [ "$n" -ge 4 ] && [ "$n" -le 5 ] || fail "wss --duration 1 -I 200: $n samples"
"$PFX" thp -p $sp -I 200 --duration 1 --format json -o "$TMP/d.json" || fail "thp --duration: exit $?"
[ "$(rows sample "$TMP/d.json")" -eq 5 ] || fail "thp --duration 1 -I 200: $(rows sample "$TMP/d.json") rows"
t1=$(date +%s%N)
note "the interval runs took $(( (t1 - t0) / 1000000 )) ms"
for cmd in "stat -p $sp" "wss -p $sp" "thp -p $sp" "top -b"; do
	for bad in 5 -5 0.5 86400001; do
		# shellcheck disable=SC2086
		expect_exit 2 "$PFX" $cmd -I $bad --interval-count 1
		one_line_error
	done
	# shellcheck disable=SC2086
	expect_exit 2 "$PFX" $cmd -I 100 --interval-count 0
	one_line_error
	# shellcheck disable=SC2086
	expect_exit 2 "$PFX" $cmd --duration 0
	one_line_error
done
expect_exit 2 "$PFX" serve --textfile "$TMP/m.prom" -I 5
one_line_error
# wss, as its INTERVAL, takes 0 (back to back); the others do not
expect_exit 2 "$PFX" wss -p $sp -I 100 0.5
one_line_error
grep -q "given twice" "$TMP/err" || fail "wss -I and INTERVAL: $(cat "$TMP/err")"
"$PFX" wss -p $sp -I 0 --interval-count 2 --format json -o "$TMP/z.json" || fail "wss -I 0: exit $?"
[ "$(rows sample "$TMP/z.json")" -eq 2 ] || fail "wss -I 0: $(cat "$TMP/z.json")"
echo ok
