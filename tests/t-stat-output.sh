# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-output: the text layout perf stat users expect, CSV, -o FILE,
# COUNT, exit status, and stopping on Ctrl-C (launched and attached).
. "$top_srcdir/tests/lib.sh"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Text on stderr (like perf stat), so the command's stdout stays its own.
"$PFX" stat -I 100 -- "$PFX_LOAD" seq -s 64M >"$TMP/cmd.out" 2>"$TMP/text" || fail "text run failed"
grep -q '^pfx-load: mode=seq' "$TMP/cmd.out" || fail "the command's stdout is not its own"
cat "$TMP/text"
head -n 1 "$TMP/text" | grep -q '^# source: perf (software counters' || fail "first line does not name the source"
grep -q '^# *time  *minor-faults  *major-faults  *page-faults  *minor/s  *major/s$' "$TMP/text" ||
	fail "no column header"
grep -Eq '^ +[0-9]+,[0-9]{3} +minor-faults +# +[0-9,]+\.[0-9] /sec$' "$TMP/text" ||
	fail "total minor-faults line is not grouped like perf stat"
grep -q 'seconds time elapsed' "$TMP/text" || fail "no elapsed time"
grep -q 'wait4() rusage' "$TMP/text" || fail "no rusage line for a launched command"

# CSV: a header, interval rows, a total row naming the source.
"$PFX" stat -I 100 --format csv -o "$TMP/s.csv" -- "$PFX_LOAD" seq -s 16M >/dev/null || fail "csv run failed"
head -n 1 "$TMP/s.csv" | grep -q '^type,time,pid,tid,minor,major,faults,minor_per_s,major_per_s,alerts,source$' ||
	fail "csv header: $(head -n 1 "$TMP/s.csv")"
tail -n 1 "$TMP/s.csv" | grep -Eq '^total,[0-9.]+,,,[0-9]+,[0-9]+,[0-9]+,[0-9.]+,[0-9.]+,,perf$' ||
	fail "csv total row: $(tail -n 1 "$TMP/s.csv")"
awk -F, 'NR > 1 && NF != 11 { exit 1 }' "$TMP/s.csv" || fail "csv rows do not all have 11 fields"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary file left next to the output"

# Every JSON line is valid JSON (checked with a real parser when there is one).
"$PFX" stat --per-thread -I 20 --alert-minor 1 --format json -o "$TMP/v.json" -- \
	"$PFX_LOAD" seq -t 3 -s 32M >/dev/null || fail "json run failed"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    try:
        json.loads(line)
    except ValueError as e:
        sys.exit("line %d: %s: %s" % (n, e, line))' "$TMP/v.json" || fail "invalid JSON line"
elif command -v jq >/dev/null 2>&1; then
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" | jq -e . >/dev/null 2>&1 || fail "line $n is not valid JSON: $line"
	done <"$TMP/v.json"
else
	fail "neither python3 nor jq to parse the JSON lines (./bootstrap.sh installs jq)"
fi

# -o on something that is not a regular file (a FIFO here; /dev/null the
# same way) is written in place, never replaced by a renamed temp file.
mkfifo "$TMP/fifo" || fail "mkfifo failed"
cat "$TMP/fifo" >"$TMP/from-fifo" &
reader=$!
"$PFX" stat --format csv -o "$TMP/fifo" -- true || fail "-o FIFO failed"
wait "$reader"
[ -p "$TMP/fifo" ] || fail "-o replaced the FIFO with a file"
grep -q '^total,' "$TMP/from-fifo" || fail "nothing came through the FIFO"

# The command's exit status is pfx's (perf stat does the same).
expect_exit 3 "$PFX" stat -o "$TMP/x" -- sh -c 'exit 3'
[ -s "$TMP/x" ] || fail "no output for a command that exits 3"

# COUNT rows, then the launched command is stopped (SIGTERM).
t0=$(now_ms)
"$PFX" stat -I 100 --interval-count 3 --format json -o "$TMP/c.json" -- \
	"$PFX_LOAD" steady --seconds 20 --rate 1000 >/dev/null || fail "--interval-count run failed"
[ $(( $(now_ms) - t0 )) -lt 3000 ] || fail "--interval-count 3 did not stop the command"
[ "$(grep -c '"type":"interval"' "$TMP/c.json")" -eq 3 ] || fail "expected exactly 3 rows"

# Ctrl-C on a launched command: forwarded, the command is reaped, the
# total is printed and marked interrupted.
"$PFX" stat --format json -o "$TMP/i.json" -- "$PFX_LOAD" steady --seconds 20 --rate 1000 \
	>"$TMP/load.out" 2>"$TMP/i.err" &
pfx=$!
sleep 0.5
t0=$(now_ms)
kill -INT "$pfx"
wait "$pfx"; rc=$?
[ $(( $(now_ms) - t0 )) -lt 2000 ] || fail "pfx stat took too long to stop on SIGINT"
[ "$rc" -eq 0 ] || { cat "$TMP/i.err"; fail "pfx stat exited $rc after SIGINT"; }
grep -q '"type":"total".*"interrupted":true' "$TMP/i.json" || fail "no interrupted total: $(cat "$TMP/i.json")"
[ "$(json_field minor "$TMP/i.json")" -ge 300 ] || fail "total too small for 0.5 s at 1000/s"
pgrep -f 'pfx-load steady --seconds 20' >/dev/null && fail "the launched command is still running"

# Ctrl-C while attached: the total is printed, the target is left alone.
"$PFX_LOAD" steady --seconds 20 --rate 1000 >/dev/null &
load=$!
sleep 0.2
"$PFX" stat --format json -o "$TMP/p.json" -p "$load" 2>"$TMP/p.err" &
pfx=$!
sleep 0.5
kill -INT "$pfx"
wait "$pfx" || { cat "$TMP/p.err"; fail "attached pfx stat failed on SIGINT"; }
kill -0 "$load" 2>/dev/null || fail "the attached process was stopped"
kill "$load"; wait "$load" 2>/dev/null
grep -q '"type":"total".*"interrupted":true' "$TMP/p.json" || fail "no interrupted total when attached"
echo ok
