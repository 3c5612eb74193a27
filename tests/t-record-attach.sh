# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-attach: -p PID records a running process (all its threads)
# until it exits, with its existing mappings from /proc.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

"$PFX_LOAD" seq -s 32M -t 2 --wait-start >"$TMP/load.out" 2>&1 &
lpid=$!
i=0
while ! grep -q 'ready' "$TMP/load.out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
grep -q 'ready' "$TMP/load.out" || fail "pfx-load did not get ready: $(cat "$TMP/load.out")"
"$PFX" record -o "$TMP/r.data" -p "$lpid" 2>"$TMP/err" &
rpid=$!
sleep 0.5
kill -USR1 "$lpid"
wait "$rpid" || { cat "$TMP/err"; fail "pfx record -p exited $?"; }
wait "$lpid"
report_json
addr=$(kv addr "$TMP/load.out"); pages=$(kv pages "$TMP/load.out")
[ "$(jqr .command)" = "pid $lpid" ] || fail "command '$(jqr .command)', expected 'pid $lpid'"
[ "$(region_field "$addr" kind)" = anon ] || fail "kind $(region_field "$addr" kind)"
got=$(region_field "$addr" minor)
phase=$(phase_faults "$addr")
within_pct "$phase" "$(kv rusage_minor "$TMP/load.out")" 1 || fail "$phase faults in the phase vs rusage $(kv rusage_minor "$TMP/load.out")"
[ "$got" -ge "$pages" ] || fail "$got faults for $pages pages"
[ "$(region_field "$addr" pattern)" = sequential ] || fail "pattern $(region_field "$addr" pattern)"

# -p PID DURATION: stop after DURATION seconds (as perf record -p PID --
# sleep DURATION), the process still running, the file complete.
"$PFX_LOAD" steady -s 64M --rate 2000 --seconds 6 >"$TMP/steady.out" 2>&1 &
spid=$!
sleep 0.3
start=$(date +%s%N)
expect_exit 0 "$PFX" record -o "$TMP/d.data" -p "$spid" 1.5
took=$(( ($(date +%s%N) - start) / 1000000 ))
kill -0 "$spid" 2>/dev/null || fail "the process exited before the duration ended"
kill "$spid"; wait "$spid" 2>/dev/null
[ "$took" -ge 1400 ] && [ "$took" -le 3000 ] || fail "record -p PID 1.5 took $took ms"
report_json "$TMP/d.data"
faults=$(jqr .totals.faults)
note "-p PID 1.5: $faults faults in $took ms at 2000 faults/s"
[ "$faults" -ge 2000 ] && [ "$faults" -le 4000 ] || fail "$faults faults in 1.5 s at 2000/s"
echo ok
