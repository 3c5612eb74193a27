# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-signal: SIGINT (Ctrl-C) or SIGTERM to pfx mid-record leaves a
# complete, valid file; the launched command is stopped too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

for sig in INT TERM; do
	rm -f "$TMP/r.data"
	"$PFX" record -o "$TMP/r.data" -- "$PFX_LOAD" steady --rate 20000 --seconds 30 >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	sleep 1
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" -eq 0 ] || { cat "$TMP/err"; fail "pfx record exited $rc after SIG$sig"; }
	[ -s "$TMP/r.data" ] || fail "no file after SIG$sig"
	report_json
	[ "$(jqr .complete)" = true ] || fail "file after SIG$sig is not complete: $(cat "$TMP/rep.err")"
	n=$(jqr .totals.faults)
	[ "$n" -ge 5000 ] || fail "only $n faults recorded in ~1 s of 20000/s"
	[ "$(jqr .totals.lost)" = 0 ] || fail "lost $(jqr .totals.lost)"
	ls "$TMP" | grep -q 'r.data.tmp' && fail "temporary file left behind"
	pgrep -f "pfx-load steady --rate 20000 --seconds 30" >/dev/null && fail "the workload still runs after SIG$sig"
done
echo ok
