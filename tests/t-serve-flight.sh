# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-flight: pfx serve --flight (doc/serve.md, "Flight recorder"):
#   - flight options: bad values, without --flight, without
#     --flight-output, with -p: one line, exit 2;
#   - serve -a --flight 5 while pfx-load faults: POST /flight answers 200
#     naming FILE.1, which pfx report reads as a flight window (complete
#     false) holding pfx-load's faults; a second POST writes FILE.2;
#     /metrics answers while a dump is asked for; two POSTs at once are
#     each 200 or 429 (with Retry-After); GET and HEAD /flight are 405
#     with Allow: POST;
#   - from an address of this host that is not loopback (serve on every
#     address): 403; skipped with a note where the host has none;
#   - serve without --flight: /flight is 404.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"
. "$top_srcdir/tests/record-lib.sh"
command -v curl >/dev/null || skip "needs curl"

usage_error_of serve "is not a number of seconds" --flight 0
usage_error_of serve "is not a condition" --flight 5 --flight-output "$TMP/x" --trigger 'stalls>1'
usage_error_of serve "is not a size of 1M or more" --flight 5 --flight-output "$TMP/x" --flight-size 10
usage_error_of serve "add --flight SECONDS" --flight-output "$TMP/x"
usage_error_of serve "needs --flight-output FILE" --flight 5
usage_error_of serve "not -p's processes" --flight 5 --flight-output "$TMP/x" -p $$

need_root
"$PFX" record -a --duration 0.1 -o "$TMP/probe.data" >/dev/null 2>"$TMP/probe" ||
	skip "host-wide recording denied here: $(head -n 1 "$TMP/probe")"

# post URL: POST with no body; status on stdout, body in $TMP/post, head in $TMP/post.h
post() { curl -s -X POST -o "$TMP/post" -D "$TMP/post.h" -w '%{http_code}' "$1"; }

serve_start -a --flight 5 --flight-output "$TMP/f"
"$PFX_LOAD" steady -s 64M --rate 20000 --seconds 60 >"$TMP/load.out" 2>&1 &
started $!
sleep 1

code=$(post "http://$SERVE_ADDR/flight")
[ "$code" = 200 ] || { cat "$TMP/post" "$TMP/serve.err"; fail "POST /flight: $code, not 200"; }
note "$(cat "$TMP/post")"
grep -q "^$TMP/f.1: the last [0-9.]* s, [1-9][0-9]* faults ([0-9]* major)\$" "$TMP/post" ||
	fail "the answer does not name FILE.1 and its faults: $(cat "$TMP/post")"
[ "$(wc -l <"$TMP/post")" = 1 ] || fail "the answer is not one line"
grep -qi '^Content-Type: text/plain' "$TMP/post.h" || fail "not text/plain: $(cat "$TMP/post.h")"
grep -q "flight recorder: wrote $TMP/f.1 (request)" "$TMP/serve.err" || fail "serve did not say the dump"
report_json "$TMP/f.1"
[ "$(jqr .complete)" = false ] || fail "the dump reported complete"
jqr .warning | grep -q "flight recorder" || fail "report does not say it is a flight window: $(jqr .warning)"
[ "$(jqr '[.threads[] | select(.comm == "pfx-load")] | length')" -gt 0 ] ||
	fail "no pfx-load thread in the dump"
[ "$(jqr '.totals.faults')" -gt 0 ] || fail "no faults in the dump"

# /metrics while a dump is asked for; then the dump, FILE.2
post "http://$SERVE_ADDR/flight" >"$TMP/code2" &
P=$!
[ "$(scrape)" = 200 ] || fail "/metrics while a dump is asked for: not 200"
wait $P
[ "$(cat "$TMP/code2")" = 200 ] || fail "a second POST /flight: $(cat "$TMP/code2")"
grep -q "^$TMP/f.2: " "$TMP/post" || fail "the second dump is not FILE.2: $(cat "$TMP/post")"
"$PFX" report -i "$TMP/f.2" --format json >/dev/null 2>&1 || fail "pfx report cannot read FILE.2"

# two at once: one dump at a time, the other 429 (or 200 if it came after)
for i in 1 2; do
	curl -s -X POST -o "$TMP/b$i" -D "$TMP/b$i.h" -w '%{http_code}' "http://$SERVE_ADDR/flight" >"$TMP/c$i" &
	eval "B$i=\$!"
done
wait $B1 $B2
for i in 1 2; do
	case $(cat "$TMP/c$i") in
	200) ;;
	429) grep -qi '^Retry-After: [1-9]' "$TMP/b$i.h" || fail "429 without Retry-After"
	     note "two POSTs at once: one was 429" ;;
	*) fail "two POSTs at once: $(cat "$TMP/c$i")" ;;
	esac
done

code=$(curl -s -o /dev/null -D "$TMP/get.h" -w '%{http_code}' "http://$SERVE_ADDR/flight")
[ "$code" = 405 ] || fail "GET /flight: $code, not 405"
grep -qi '^Allow: POST' "$TMP/get.h" || fail "405 without Allow: POST: $(cat "$TMP/get.h")"
code=$(curl -s -I -o /dev/null -w '%{http_code}' "http://$SERVE_ADDR/flight")
[ "$code" = 405 ] || fail "HEAD /flight: $code, not 405"
# a HEAD's 405 has no body (the connection closes after it)
python3 -c 'import socket, sys
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)), timeout=10)
s.sendall(b"HEAD /flight HTTP/1.1\r\nHost: x\r\n\r\n")
d = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    d += b
head, _, rest = d.partition(b"\r\n\r\n")
sys.exit(0 if head.startswith(b"HTTP/1.1 405") and rest == b"" else 1)' "$SERVE_ADDR" ||
	fail "HEAD /flight: not a 405 without a body"
code=$(curl -s -X POST -o /dev/null -w '%{http_code}' "http://$SERVE_ADDR/metrics")
[ "$code" = 405 ] || fail "POST /metrics: $code, not 405"
kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve --flight: exit $? on SIGTERM"

# a peer that is not loopback: 403, where the host has an address for it
ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub("/.*", "", $4); print $4; exit }')
if [ -n "$ip" ]; then
	mkdir "$TMP/any"
	serve_start -l ":0" --flight 5 --flight-output "$TMP/any/f"
	port=${SERVE_ADDR##*:}
	code=$(post "http://$ip:$port/flight")
	[ "$code" = 403 ] || fail "POST /flight from $ip: $code, not 403"
	[ ! -e "$TMP/any/f.1" ] || fail "a refused POST wrote a dump"
	code=$(post "http://127.0.0.1:$port/flight")
	[ "$code" = 200 ] || fail "POST /flight from 127.0.0.1 on every address: $code"
	kill $SERVE_PID; wait $SERVE_PID
else
	note "no global IPv4 address here: the 403 to a peer not on loopback is not tested"
fi

serve_start
code=$(post "http://$SERVE_ADDR/flight")
[ "$code" = 404 ] || fail "without --flight, POST /flight: $code, not 404"
echo ok
