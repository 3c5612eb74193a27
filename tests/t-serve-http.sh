# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-http: the HTTP side of 'pfx serve'.  Unknown paths get 404,
# other methods 405 with Allow, junk 400, an oversized head 431; requests
# pipelined on one connection are answered in turn.  Clients that connect
# and send nothing, send half a request, or crowd every slot do not delay
# other scrapes; a silent client is dropped after --client-timeout.
# SIGTERM and SIGINT end it with exit 0 even with clients connected; with
# no --listen it binds to loopback.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"

serve_start -p $$ --client-timeout 2
host=${SERVE_ADDR%:*} port=${SERVE_ADDR##*:}
raw() { $CLIENT raw "$host" "$port" "$1"; }
status_of() { raw "$1" | head -n 1 | tr -d '\r'; }

[ "$($CLIENT get "http://$SERVE_ADDR/nope")" = "404" ] || fail "GET /nope is not 404"
[ "$($CLIENT get "http://$SERVE_ADDR/metrics/x")" = "404" ] || fail "GET /metrics/x is not 404"
[ "$($CLIENT get "http://$SERVE_ADDR/metrics" -X POST -o "$TMP/post")" = "405" ] || fail "POST /metrics is not 405"
grep -qi '^Allow: GET, HEAD' "$TMP/post.headers" || fail "405 without Allow: GET, HEAD"
[ "$($CLIENT get "http://$SERVE_ADDR/metrics" -X DELETE)" = "405" ] || fail "DELETE /metrics is not 405"
[ "$($CLIENT get "http://$SERVE_ADDR/" -X PUT)" = "405" ] || fail "PUT / is not 405"
[ "$($CLIENT get "http://$SERVE_ADDR/" -o "$TMP/root")" = "200" ] && grep -q /metrics "$TMP/root" || fail "GET / does not point to /metrics"
[ "$($CLIENT get "http://$SERVE_ADDR/metrics?x=1")" = "200" ] || fail "a query string is not ignored"
[ "$(status_of 'garbage\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ] || fail "junk is not 400"
[ "$(status_of 'GET /metrics HTTP/9.9\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ] || fail "HTTP/9.9 is not 400"
[ "$(status_of 'GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ] || fail "a header without colon is not 400"
[ "$(status_of "GET /metrics HTTP/1.1\\r\\nX: $(head -c 9000 /dev/zero | tr '\0' a)\\r\\n\\r\\n")" = \
	"HTTP/1.1 431 Request Header Fields Too Large" ] || fail "a 9000-byte head is not 431"
[ "$(status_of 'GET /metrics HTTP/1.0\r\n\r\n')" = "HTTP/1.1 200 OK" ] || fail "HTTP/1.0 GET is not 200"
# two requests in one write, one connection: two answers, in turn
raw 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >"$TMP/pipe"
[ "$(grep -c '^HTTP/1.1 ' "$TMP/pipe")" -eq 2 ] && grep '^HTTP/1.1 ' "$TMP/pipe" | tail -n 1 | grep -q 404 ||
	fail "pipelined requests: $(grep '^HTTP/1.1 ' "$TMP/pipe" | tr '\r\n' '  ')"

# Slow clients: one silent, one with half a request, one that never reads
$CLIENT hold "$host" "$port" 6 >"$TMP/silent" & SIL=$!
$CLIENT hold "$host" "$port" 6 'GET /metr' >"$TMP/half" & HALF=$!
$CLIENT hold "$host" "$port" 6 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n' >"$TMP/noread" & NOREAD=$!
started $SIL; started $HALF; started $NOREAD
sleep 0.3
# timed from each connection (a Python start on a loaded host is not the
# server's): a whole answer within 1 s, 5-50 ms of it the client's own wait
$CLIENT late "$host" "$port" 5 >"$TMP/late"
note "5 scrapes next to 3 slow clients: $(tr '\n' ',' <"$TMP/late")"
[ "$(grep -c '^ok ' "$TMP/late")" -eq 5 ] || fail "a scrape next to slow clients failed or took over 1 s"
# --client-timeout 2: the silent and half-request clients are dropped
wait $SIL $HALF $NOREAD
note "silent client: $(cat "$TMP/silent"); half request: $(cat "$TMP/half")"
grep -q '^closed after [123]\.' "$TMP/silent" || fail "silent client not dropped after ~2 s: $(cat "$TMP/silent")"
grep -q '^closed after [123]\.' "$TMP/half" || fail "half-request client not dropped after ~2 s: $(cat "$TMP/half")"

# A crowd: more idle connections than slots; scrapes still get through
python3 - "$host" "$port" "$TMP" <<'EOF' &
import socket, sys, time
socks = [socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5) for _ in range(200)]
open(sys.argv[3] + "/crowd.ready", "w").close()
time.sleep(4)
EOF
CROWD=$!
started $CROWD
i=0; while [ ! -e "$TMP/crowd.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
for i in 1 2 3; do
	[ "$(scrape)" = 200 ] || fail "scrape $i with 200 idle connections open failed"
done
note "3 scrapes with 200 idle connections open: 200"
kill $CROWD 2>/dev/null

# SIGTERM with a client connected: exit 0, promptly
$CLIENT hold "$host" "$port" 5 >/dev/null & H=$!
started $H
sleep 0.3
t0=$(date +%s%N)
kill -TERM $SERVE_PID
wait $SERVE_PID; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $rc -eq 0 ] || fail "SIGTERM: exit $rc"
note "SIGTERM: exit 0 after $ms ms"
[ $ms -lt 2000 ] || fail "SIGTERM took $ms ms"
tail -n 1 "$TMP/serve.err"
grep -q '^pfx serve: stopped; ' "$TMP/serve.err" || fail "no summary line at exit"
grep -q 'idle clients dropped for new ones' "$TMP/serve.err" && ! grep -q ' 0 idle clients dropped' "$TMP/serve.err" ||
	fail "the crowd did not make pfx drop idle clients"
serve_start -p $$
kill -INT $SERVE_PID; wait $SERVE_PID || fail "SIGINT: exit $?"

# No --listen: loopback, port 9456 (unless taken, by another test or pfx)
"$PFX" serve -p $$ 2>"$TMP/default.err" & D=$!
started $D
sleep 0.5
if kill -0 $D 2>/dev/null; then
	head -n 1 "$TMP/default.err"
	grep -qx 'pfx serve: serving http://127.0.0.1:9456/metrics' "$TMP/default.err" || fail "default: $(cat "$TMP/default.err")"
	# the socket itself: 127.0.0.1 (0100007F) port 9456 (24F0), listening (0A)
	grep -q ' 0100007F:24F0 00000000:0000 0A ' /proc/net/tcp || fail "no listening socket on 127.0.0.1:9456"
	kill $D; wait $D || fail "default: exit $? on SIGTERM"
else
	grep -q 'in use' "$TMP/default.err" || fail "default listen failed: $(cat "$TMP/default.err")"
	note "port 9456 is taken here: loopback default not checked on it"
fi
echo ok
