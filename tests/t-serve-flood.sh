# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-flood: another local user's connection flood cannot lock root's
# scraper out of 'pfx serve'.  As nobody, one process keeps opening
# connections that send nothing (the last 500 kept open) and another
# connects and closes at once, both as fast as they can; meanwhile root
# scrapes 10 times, each waiting 5-50 ms between connecting and sending
# its request (a slow scraper, or a loaded host): every scrape must get
# its whole 200 answer within 1 s of connecting.  Loopback only; the
# flood lasts at most 30 s.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"

need_nobody

serve_start -p $$
host=${SERVE_ADDR%:*} port=${SERVE_ADDR##*:}

nobody_client flood "$host" "$port" 30 500 >"$TMP/hold.n" 2>"$TMP/hold.err" & HOLD=$!
nobody_client flood "$host" "$port" 30 0 >"$TMP/churn.n" 2>"$TMP/churn.err" & CHURN=$!
started $HOLD; started $CHURN
sleep 2	# the flood at full speed, every slot taken
kill -0 $HOLD && kill -0 $CHURN || fail "the flood did not start: $(cat "$TMP/hold.err" "$TMP/churn.err")"
t0=$(date +%s.%N)
$CLIENT late "$host" "$port" 10 >"$TMP/late" 2>&1
t1=$(date +%s.%N)
kill -INT $HOLD $CHURN 2>/dev/null
wait $HOLD $CHURN
made=$(( $(cat "$TMP/hold.n" 2>/dev/null || echo 0) + $(cat "$TMP/churn.n" 2>/dev/null || echo 0) ))
note "flood: $made connections in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a + 2 }') s ($(cat "$TMP/hold.n" 2>/dev/null) held, $(cat "$TMP/churn.n" 2>/dev/null) churned)"
note "scrapes: $(tr '\n' ',' <"$TMP/late")"
[ "$(grep -c '^ok ' "$TMP/late")" -eq 10 ] || fail "$(grep -vc '^ok ' "$TMP/late") of 10 scrapes failed under the flood"
kill $SERVE_PID; wait $SERVE_PID || fail "exit $? on SIGTERM"
tail -n 1 "$TMP/serve.err"
echo ok
