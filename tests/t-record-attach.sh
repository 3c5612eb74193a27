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
echo ok
