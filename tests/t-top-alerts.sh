# SPDX-License-Identifier: GPL-2.0-or-later
# t-top-alerts: --alert-minor fires once, only after the rate held over
# the threshold for --alert-for, and clears once when it falls back;
# --alert-exec runs with the PFX_ALERT_* variables; a burst shorter than
# the hold never fires; an alert on a process that exits clears.
. "$top_srcdir/tests/lib.sh"
command -v jq >/dev/null || skip "needs jq"

cat >"$TMP/hook" <<'HOOK'
#!/bin/sh
env | grep '^PFX_ALERT_' | sort >"$HOOK_DIR/$PFX_ALERT_STATE.$PFX_ALERT_KIND.tmp"
mv "$HOOK_DIR/$PFX_ALERT_STATE.$PFX_ALERT_KIND.tmp" "$HOOK_DIR/$PFX_ALERT_STATE.$PFX_ALERT_KIND"
HOOK
chmod +x "$TMP/hook"
mkdir "$TMP/hook.d"
export HOOK_DIR="$TMP/hook.d"

start_load() {	# start_load ARGS...: pfx-load waiting for SIGUSR1; sets LPID
	: >"$TMP/load"
	"$PFX_LOAD" --wait-start "$@" >"$TMP/load" &
	i=0
	while ! grep -q ready "$TMP/load" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	LPID=$(sed -n 's/.*ready pid=\([0-9]*\).*/\1/p' "$TMP/load")
	[ -n "$LPID" ] || fail "pfx-load did not start"
}

# 4000 faults/s for 2.5 s, then 2.5 s quiet; hold 1 s, refresh 0.25 s.
start_load steady -s 256M --rate 4000 --seconds 2.5 --pause-end 2500
"$PFX" top -b -d 0.25 -n 22 --format json -p "$LPID" --alert-minor 1000 --alert-for 1 \
	--alert-exec "$TMP/hook" >"$TMP/a.json" & TPID=$!
sleep 0.5; kill -USR1 "$LPID"
wait $TPID || fail "pfx top failed"
wait
grep '"type":"alert"' "$TMP/a.json"
[ "$(grep -c '"type":"alert"' "$TMP/a.json")" -eq 2 ] || fail "expected exactly two alert lines"
jq -c 'select(.type == "sample") | [.time, (.rows[0].minor_per_s // 0)]' "$TMP/a.json" | tr '\n' ' '; echo
first_over=$(jq -r 'select(.type == "sample" and .rows[0].minor_per_s > 1000) | .time - .interval' "$TMP/a.json" | head -n 1)
last_over=$(jq -r 'select(.type == "sample" and .rows[0].minor_per_s > 1000) | .time' "$TMP/a.json" | tail -n 1)
fired=$(jq -r 'select(.type == "alert" and .state == "firing") | .time' "$TMP/a.json")
cleared=$(jq -r 'select(.type == "alert" and .state == "cleared") | .time' "$TMP/a.json")
note "over from $first_over to $last_over s; fired at $fired, cleared at $cleared"
[ -n "$fired" ] && [ -n "$cleared" ] || fail "no firing or no cleared line"
awk -v f="$fired" -v o="$first_over" 'BEGIN { exit !(f - o >= 0.99 && f - o <= 1.6) }' ||
	fail "fired $fired s, not 1 s after the rate went over at $first_over s"
awk -v c="$cleared" -v l="$last_over" 'BEGIN { exit !(c > l && c <= l + 0.6) }' ||
	fail "cleared at $cleared s, not at the first refresh after $last_over s"
jq -r --argjson p "$LPID" 'select(.type == "alert" and .state == "firing") |
	.pid == $p and .kind == "minor" and .command == "pfx-load" and .value > 1000 and .threshold == 1000 and .for >= 0.99' \
	"$TMP/a.json" | grep -qx true || fail "firing line's fields"

# The hook ran once for each, with the details (it may finish after pfx).
i=0
while [ ! -e "$HOOK_DIR/cleared.minor" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
cat "$HOOK_DIR"/*
for v in "PFX_ALERT_PID=$LPID" PFX_ALERT_COMM=pfx-load PFX_ALERT_KIND=minor PFX_ALERT_STATE=firing \
	PFX_ALERT_THRESHOLD=1000.0 PFX_ALERT_SCOPE=process; do
	grep -qx "$v" "$HOOK_DIR/firing.minor" || fail "hook (firing) lacks $v"
done
grep -q '^PFX_ALERT_RATE=[0-9]' "$HOOK_DIR/firing.minor" || fail "hook lacks PFX_ALERT_RATE"
rate=$(sed -n 's/^PFX_ALERT_RATE=//p' "$HOOK_DIR/firing.minor")
awk -v r="$rate" 'BEGIN { exit !(r > 1000) }' || fail "firing rate $rate"
grep -qx PFX_ALERT_STATE=cleared "$HOOK_DIR/cleared.minor" || fail "hook (cleared) lacks the state"
rate=$(sed -n 's/^PFX_ALERT_RATE=//p' "$HOOK_DIR/cleared.minor")
awk -v r="$rate" 'BEGIN { exit !(r <= 1000) }' || fail "cleared rate $rate"

# A burst shorter than the hold never fires (text output this time).
start_load steady -s 64M --rate 4000 --seconds 0.6 --pause-end 1000
"$PFX" top -b -d 0.25 -n 8 -p "$LPID" --alert-minor 1000 --alert-for 2 >"$TMP/s.txt" & TPID=$!
sleep 0.3; kill -USR1 "$LPID"; wait $TPID || fail "short burst run failed"; wait
grep -q ALERT "$TMP/s.txt" && { cat "$TMP/s.txt"; fail "a 0.6 s burst fired a 2 s alert"; }

# The process exits while its alert fires: the alert clears, saying so.
start_load steady -s 64M --rate 4000 --seconds 1.2
"$PFX" top -b -d 0.25 -n 8 -p "$LPID" --alert-minor 1000 >"$TMP/e.txt" & TPID=$!
sleep 0.3; kill -USR1 "$LPID"; wait $TPID || fail "exit run failed"; wait
grep ALERT "$TMP/e.txt"
[ "$(grep -c "ALERT firing pid $LPID (pfx-load): minor" "$TMP/e.txt")" -eq 1 ] || fail "text: expected one firing line"
[ "$(grep -c "ALERT cleared pid $LPID (pfx-load): minor gone" "$TMP/e.txt")" -eq 1 ] || fail "text: expected one cleared (gone) line"

# Swap and major faults, where a zram swap can be made: pfx-load pages its
# 32 MiB out and waits (VmSwap ~32 MiB: --alert-swap 16M fires after its
# 0.2 s hold), then reads it all back in (major faults: --alert-major
# fires; VmSwap falls: the swap alert clears), then sleeps (major clears).
# The hold is under one 0.25 s refresh: on a quiet host the whole read
# back fits in one refresh (32,693 major faults/s in one row), which a
# longer hold rightly never fires on.
if zram_swap_on 256M; then
	start_load swap -s 32M --pause-end 1500
	"$PFX" top -b -d 0.25 -n 12 --format json -p "$LPID" --alert-swap 16M --alert-for 0.2 \
		--alert-major 100 >"$TMP/w.json" & TPID=$!
	sleep 1.5; kill -USR1 "$LPID"; wait $TPID || fail "swap run failed"; wait
	grep '"type":"alert"' "$TMP/w.json"
	jq -c 'select(.type == "sample") | [.time, .rows[0].swap_kb, .rows[0].major_per_s]' "$TMP/w.json" | tr '\n' ' '; echo
	for k in swap major; do
		[ "$(grep -c "\"state\":\"firing\",\"kind\":\"$k\"" "$TMP/w.json")" -eq 1 ] || fail "$k: expected one firing line"
		[ "$(grep -c "\"state\":\"cleared\",\"kind\":\"$k\"" "$TMP/w.json")" -eq 1 ] || fail "$k: expected one cleared line"
	done
	jq -r 'select(.type == "alert" and .kind == "swap" and .state == "firing") | .value >= 16777216 and .for >= 0.2' \
		"$TMP/w.json" | grep -qx true || fail "swap alert's value or hold"
else
	note "no zram swap here (needs root and the zram module): swap and major alerts not exercised"
fi
echo ok
