# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-flood: another local user's connection flood cannot lock root's
# scraper out of 'pfx serve'.  As nobody, one process keeps opening
# connections that send nothing (the last 500 kept open) and another
# connects and closes at once, 1500 a second each (with 32 slots and the
# newest taking the oldest's, as before, a scraper was pushed out 11 ms
# after connecting; at full speed instead of 1500/s the flood's own CPU
# decides, on a loaded host, whether pfx accepts as fast as it connects:
# doc/serve.md has the figures); meanwhile root
# scrapes 10 times, each waiting 5-50 ms between connecting and sending
# its request (a slow scraper, or a loaded host): every scrape must get
# its whole 200 answer within 1 s of connecting.  Then nobody holds 300
# connections that each sent half a request (more than the 128 slots):
# one user's requests take at most half the slots, so 3 such scrapes
# succeed too.  Loopback only; the flood lasts at most 30 s.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"

need_nobody

serve_start -p $$
host=${SERVE_ADDR%:*} port=${SERVE_ADDR##*:}

nobody_client_bg "$TMP/hold.n" flood "$host" "$port" 30 500 1500; HOLD=$BG_PID
nobody_client_bg "$TMP/churn.n" flood "$host" "$port" 30 0 1500; CHURN=$BG_PID
sleep 2	# the flood going, every slot taken
kill -0 $HOLD && kill -0 $CHURN || fail "the flood did not start: $(cat "$TMP/hold.n" "$TMP/churn.n")"
t0=$(date +%s.%N)
$CLIENT late "$host" "$port" 10 >"$TMP/late" 2>&1
t1=$(date +%s.%N)
kill $HOLD $CHURN 2>/dev/null
wait $HOLD $CHURN
made=$(( $(cat "$TMP/hold.n" 2>/dev/null || echo 0) + $(cat "$TMP/churn.n" 2>/dev/null || echo 0) ))
note "flood: $made connections in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a + 2 }') s ($(cat "$TMP/hold.n" 2>/dev/null) held, $(cat "$TMP/churn.n" 2>/dev/null) churned)"
note "scrapes: $(tr '\n' ',' <"$TMP/late")"
[ "$(grep -c '^ok ' "$TMP/late")" -eq 10 ] || fail "$(grep -vc '^ok ' "$TMP/late") of 10 scrapes failed under the flood"

nobody_client_bg "$TMP/crowd" crowd "$host" "$port" 300 20 'GET /metrics HTTP/1.1\r\nX: '; CROWD=$BG_PID
i=0; until grep -q ready "$TMP/crowd" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
$CLIENT late "$host" "$port" 3 >"$TMP/late2" 2>&1
note "scrapes beside 300 half requests: $(tr '\n' ',' <"$TMP/late2")"
[ "$(grep -c '^ok ' "$TMP/late2")" -eq 3 ] || fail "scrapes failed beside 300 half requests"
kill $CROWD
kill $SERVE_PID; wait $SERVE_PID || fail "exit $? on SIGTERM"
tail -n 1 "$TMP/serve.err"
echo ok
