# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-framing: how 'pfx serve' frames requests, sent as raw bytes.
# No request smuggling: a request announcing a body (Content-Length other
# than 0, Transfer-Encoding) gets one refusal (413, or 400 when its
# framing is ambiguous) with "Connection: close", and what follows it is
# never answered as a next request, whatever Connection says; two
# Content-Length or Host fields, a bad Content-Length, obs-fold, a bare
# CR, a NUL, a space before a colon, HTTP/1.1 without Host: 400 and close
# (RFC 9112).  Pipelining: 50 GETs in one write get 50 answers, in turn.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"

serve_start -p $$ --client-timeout 3
host=${SERVE_ADDR%:*} port=${SERVE_ADDR##*:}
NEXT='GET /nope HTTP/1.1\r\nHost: x\r\n\r\n'

# refused REQUEST STATUS WHAT: one answer, STATUS, with Connection: close
refused() {
	$CLIENT raw "$host" "$port" "$1" | tr -d '\r' >"$TMP/reply"
	answers=$(grep -c '^HTTP/1.1 [0-9][0-9][0-9] ' "$TMP/reply")
	first=$(head -n 1 "$TMP/reply")
	[ "$answers" -eq 1 ] || fail "$3: $answers answers: $(grep '^HTTP/1.1 [0-9][0-9][0-9] ' "$TMP/reply" | tr '\n' ' ')"
	[ "${first#HTTP/1.1 }" != "$first" ] && [ "$(echo "$first" | cut -d' ' -f2)" = "$2" ] ||
		fail "$3: '$first', expected $2"
	grep -qi '^Connection: close$' "$TMP/reply" || fail "$3: the refusal does not close the connection"
	note "$3: $first"
}

# smuggling: the body is a request, and keep-alive comes after the length
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 30\\r\\nConnection: keep-alive\\r\\n\\r\\n$NEXT" 413 \
	"body (Content-Length) then keep-alive"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n$NEXT" 413 \
	"chunked body"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n$NEXT" 400 \
	"Transfer-Encoding with Content-Length"
refused "GET /metrics HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\nConnection: keep-alive\\r\\n\\r\\n0\\r\\n\\r\\n$NEXT" 400 \
	"Transfer-Encoding in HTTP/1.0"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0\\r\\nContent-Length: 30\\r\\n\\r\\n$NEXT" 400 \
	"two Content-Length"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 30, 30\\r\\n\\r\\n$NEXT" 400 \
	"a Content-Length list"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: +30\\r\\n\\r\\n$NEXT" 400 \
	"a signed Content-Length"
refused "POST /metrics HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 30\\r\\n\\r\\n$NEXT" 413 \
	"POST with a body"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nX-A: 1\\r\\n Content-Length: 30\\r\\n\\r\\n$NEXT" 400 \
	"obs-fold"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\rContent-Length: 30\\r\\n\\r\\n$NEXT" 400 \
	"bare CR"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nX-A: a\\x00b\\r\\n\\r\\n$NEXT" 400 \
	"NUL in a field"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nContent-Length : 30\\r\\n\\r\\n$NEXT" 400 \
	"space before the colon"
refused "GET /metrics HTTP/1.1\\r\\n\\r\\n$NEXT" 400 "HTTP/1.1 without Host"
refused "GET /metrics HTTP/1.1\\r\\nHost: x\\r\\nHost: y\\r\\n\\r\\n$NEXT" 400 "two Host fields"
refused "GET  /metrics HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n$NEXT" 400 "two spaces in the request line"

# what is allowed: Content-Length 0, empty lines before a request, LF
# alone; each request answered once, in turn
$CLIENT raw "$host" "$port" "\\r\\nGET /metrics HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 0\\r\\n\\r\\nGET /nope HTTP/1.1\\nHost: x\\nConnection: close\\n\\n" |
	tr -d '\r' | grep '^HTTP/1.1 [0-9][0-9][0-9] ' >"$TMP/ok"
[ "$(tr '\n' ' ' <"$TMP/ok")" = "HTTP/1.1 200 OK HTTP/1.1 404 Not Found " ] ||
	fail "Content-Length 0, a leading CR LF, LF alone: $(tr '\n' ' ' <"$TMP/ok")"

# pipelining: 50 GETs in one write
$CLIENT pipeline "$host" "$port" 50 >"$TMP/pipe"
note "50 pipelined GETs: $(grep -c '^200$' "$TMP/pipe") answered 200, $(wc -l <"$TMP/pipe") answers"
[ "$(grep -c '^200$' "$TMP/pipe")" -eq 50 ] || fail "50 pipelined GETs got $(wc -l <"$TMP/pipe") answers"
# ... and a server that still answers others after them
[ "$(scrape)" = 200 ] || fail "a scrape after the pipelined GETs failed"
kill $SERVE_PID; wait $SERVE_PID || fail "exit $? on SIGTERM"
echo ok
