# SPDX-License-Identifier: GPL-2.0-or-later
# t-top-alert-pid: an --alert-exec hook is never handed a PID that may be
# another process's without being told: it gets the process's start time
# (PFX_ALERT_START_TIME, /proc/PID/stat field 22), PFX_ALERT_PID_GONE (1
# once the process exited or its PID was reused) and, while the process is
# there, a pidfd to it (PFX_ALERT_PIDFD).  The process here exits right
# after crossing the threshold; a reused PID is test-top's (top_alert_pin).
. "$top_srcdir/tests/lib.sh"

cat >"$TMP/hook" <<'HOOK'
#!/bin/sh
{
	env | grep '^PFX_ALERT_' | sort
	# what the pidfd names now (-1 once the process has been reaped)
	[ -n "$PFX_ALERT_PIDFD" ] && sed -n 's/^Pid:[[:space:]]*/fdinfo_pid=/p' "/proc/$$/fdinfo/$PFX_ALERT_PIDFD"
} >"$HOOK_DIR/$PFX_ALERT_STATE.tmp"
mv "$HOOK_DIR/$PFX_ALERT_STATE.tmp" "$HOOK_DIR/$PFX_ALERT_STATE"
HOOK
chmod +x "$TMP/hook"
mkdir "$TMP/hook.d"
export HOOK_DIR="$TMP/hook.d"

: >"$TMP/load"
"$PFX_LOAD" --wait-start steady -s 64M --rate 4000 --seconds 0.8 >"$TMP/load" &
i=0
while ! grep -q ready "$TMP/load" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
LPID=$(sed -n 's/.*ready pid=\([0-9]*\).*/\1/p' "$TMP/load")
[ -n "$LPID" ] || fail "pfx-load did not start"
start=$(sed 's/.*) //' "/proc/$LPID/stat" | awk '{ print $20 }')
"$PFX" top -b -d 0.25 -n 8 --format json -p "$LPID" --alert-minor 1000 \
	--alert-exec "$TMP/hook" >"$TMP/a.json" & TPID=$!
sleep 0.4; kill -USR1 "$LPID"
wait $TPID || fail "pfx top failed"
wait
i=0
while [ ! -e "$HOOK_DIR/cleared" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
for f in firing cleared; do
	[ -e "$HOOK_DIR/$f" ] || { cat "$TMP/a.json"; fail "the hook did not run for '$f'"; }
	note "$f: $(tr '\n' ' ' <"$HOOK_DIR/$f")"
	grep -qx "PFX_ALERT_PID=$LPID" "$HOOK_DIR/$f" || fail "$f: PFX_ALERT_PID is not $LPID"
	grep -qx "PFX_ALERT_START_TIME=$start" "$HOOK_DIR/$f" ||
		fail "$f: PFX_ALERT_START_TIME is not the process's start time $start"
done
# Fired while it ran: it was there when the hook started (a pidfd naming
# it, or, had it exited in between, told gone).
if grep -qx PFX_ALERT_PID_GONE=0 "$HOOK_DIR/firing"; then
	grep -q '^PFX_ALERT_PIDFD=[0-9]' "$HOOK_DIR/firing" || fail "firing: no pidfd for a process said to be there"
	grep -Eqx "fdinfo_pid=($LPID|-1)" "$HOOK_DIR/firing" || fail "firing: the pidfd names another process"
else
	grep -qx PFX_ALERT_PID_GONE=1 "$HOOK_DIR/firing" || fail "firing: no PFX_ALERT_PID_GONE"
	grep -q '^PFX_ALERT_PIDFD=' "$HOOK_DIR/firing" && fail "firing: a pidfd for a process said to be gone"
fi
# Cleared because it exited: gone, and no pidfd.
grep -qx PFX_ALERT_REASON=exited "$HOOK_DIR/cleared" || fail "cleared: the reason is not 'exited'"
grep -qx PFX_ALERT_PID_GONE=1 "$HOOK_DIR/cleared" || fail "cleared after the exit: not said to be gone"
grep -q '^PFX_ALERT_PIDFD=' "$HOOK_DIR/cleared" && fail "cleared after the exit: a pidfd was handed over"
echo ok
