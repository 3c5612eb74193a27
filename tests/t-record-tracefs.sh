# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-tracefs: where perf_event_open is denied (seccomp, as in a
# container), pfx record falls back to tracefs: it says so, the file is
# complete, the workload's region is found with its faults, and no
# tracefs instance is left behind.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
need_root

deny="$top_builddir/tests/deny-perf"
[ -x "$deny" ] || fail "$deny is not built"
[ -d /sys/kernel/tracing/events/exceptions/page_fault_user ] || skip "no exceptions:page_fault_user tracepoint"
# --pause-end: tracefs has no mmap records; /proc is read at each drain (doc/record.md)
"$deny" "$PFX" record -o "$TMP/r.data" -- "$PFX_LOAD" seq -s 16M --pause-end 300 >"$TMP/load.out" 2>"$TMP/rec.err" &
rpid=$!	# deny-perf execs pfx: the instance is named pfx-$rpid-N
wait "$rpid" || { cat "$TMP/rec.err"; fail "pfx record under deny-perf failed"; }
grep -q 'warning: record: perf events are denied.*tracefs' "$TMP/rec.err" || fail "no fallback warning: $(cat "$TMP/rec.err")"
report_json
[ "$(jqr .source)" = tracefs ] || fail "source $(jqr .source), expected tracefs"
[ "$(jqr .complete)" = true ] || fail "file incomplete"
addr=$(kv addr "$TMP/load.out"); pages=$(kv pages "$TMP/load.out")
[ "$(region_field "$addr" kind)" = anon ] || fail "kind $(region_field "$addr" kind)"
[ "$(region_field "$addr" faults)" -ge "$pages" ] || fail "$(region_field "$addr" faults) faults for $pages pages"
[ "$(region_field "$addr" pattern)" = sequential ] || fail "pattern $(region_field "$addr" pattern)"
ls /sys/kernel/tracing/instances/ | grep -q "^pfx-$rpid-" && fail "tracefs instance left: $(ls /sys/kernel/tracing/instances/)"
echo ok
