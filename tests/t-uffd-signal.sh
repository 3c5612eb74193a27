# SPDX-License-Identifier: GPL-2.0-or-later
# t-uffd-signal: SIGTERM or SIGINT in the middle of a --uffd fault phase
# leaves a complete recording of the faults served so far (report reads it
# to its end, no temporary file is left), and pfx-load exits as the signal
# would (128 + signal).  steady keeps faulting for 60 s at 2000/s.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

for sig in TERM INT; do
	rm -f "$TMP/r.data"
	"$PFX_LOAD" steady -s 4M --rate 2000 --seconds 60 --uffd zero --uffd-out "$TMP/r.data" \
		>"$TMP/load.out" 2>"$TMP/load.err" &
	pid=$!
	# wait for the recording to start (its temporary file), then for faults
	n=0
	while [ "$n" -lt 100 ] && ! ls "$TMP"/r.data.tmp.* >/dev/null 2>&1; do
		kill -0 $pid 2>/dev/null || break
		sleep 0.1; n=$((n + 1))
	done
	sleep 0.5
	kill -$sig $pid
	wait $pid
	rc=$?
	[ "$rc" -eq 77 ] && skip "$(cat "$TMP/load.err")"
	case $sig in TERM) want=143 ;; INT) want=130 ;; esac
	[ "$rc" -eq "$want" ] || { cat "$TMP/load.out" "$TMP/load.err"; fail "SIG$sig: pfx-load exited $rc, expected $want"; }
	[ -e "$TMP/r.data" ] || fail "SIG$sig: no recording left"
	ls "$TMP"/r.data.tmp.* >/dev/null 2>&1 && fail "SIG$sig: a temporary file was left: $(ls "$TMP")"
	report_json
	[ "$(jqr .complete)" = true ] || fail "SIG$sig: report says the file is incomplete"
	faults=$(jqr .totals.faults)
	[ "$faults" -gt 0 ] || fail "SIG$sig: no faults recorded in the first half second"
	grep -q "recording stopped after $faults faults" "$TMP/load.err" ||
		fail "SIG$sig: pfx-load said '$(cat "$TMP/load.err")', the file has $faults faults"
	note "SIG$sig: $faults faults recorded, file complete"
done
echo ok
