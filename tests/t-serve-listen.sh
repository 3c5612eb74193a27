# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-listen: 'pfx serve -l :PORT' listens on every address of the
# host, and says so: each address bound is printed ("serving http://...",
# one line each, checked against the kernel's listening sockets), with a
# warning that whoever can reach the host reads the metrics.  Loopback
# (the default, or 127.0.0.1:PORT) gets no warning.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"

# listening HEXADDR HEXPORT FILE: a listening socket (state 0A) there
listening() { grep -q "^ *[0-9]*: $1:$2 [0-9A-F:]* 0A " "$3"; }

"$PFX" serve -p $$ -l :0 2>"$TMP/any.err" & S=$!
started $S
i=0
until grep -q 'serving http' "$TMP/any.err" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3	# every line of the start is out
cat "$TMP/any.err"
port=$(sed -n 's|^pfx serve: serving http://.*:\([0-9]*\)/metrics$|\1|p' "$TMP/any.err" | head -n 1)
[ -n "$port" ] || fail "-l :0 printed no address: $(cat "$TMP/any.err")"
hexport=$(printf '%04X' "$port")
grep -qx "pfx serve: serving http://0.0.0.0:$port/metrics" "$TMP/any.err" ||
	fail "-l :0 does not name 0.0.0.0:$port: $(cat "$TMP/any.err")"
listening 00000000 "$hexport" /proc/net/tcp || fail "no socket listening on 0.0.0.0:$port"
# IPv6 where the host has it: printed exactly when bound
if listening 00000000000000000000000000000000 "$hexport" /proc/net/tcp6; then
	grep -qx "pfx serve: serving http://\[::\]:$port/metrics" "$TMP/any.err" ||
		fail "listening on [::]:$port without saying so: $(cat "$TMP/any.err")"
else
	! grep -q '\[::\]' "$TMP/any.err" || fail "[::] printed, not bound"
	note "no IPv6 here: 0.0.0.0 only"
fi
grep -q "^pfx: warning: listening on every address of this host: .*-l 127.0.0.1:PORT" "$TMP/any.err" ||
	fail "no warning that -l :PORT listens on every address: $(cat "$TMP/any.err")"
[ "$($CLIENT get "http://127.0.0.1:$port/metrics")" = 200 ] || fail "-l :$port: no answer on loopback"
kill $S; wait $S || fail "-l :0: exit $? on SIGTERM"

# 0.0.0.0: the same warning
"$PFX" serve -p $$ -l 0.0.0.0:0 2>"$TMP/zero.err" & S=$!
started $S
i=0
until grep -q 'serving http' "$TMP/zero.err" || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
grep -q "^pfx: warning: listening on every address" "$TMP/zero.err" || fail "-l 0.0.0.0:0: no warning: $(cat "$TMP/zero.err")"
kill $S; wait $S

# loopback: one address, no warning (--budget 0: nor the one a user
# denied perf gets for fault timing, t-serve-stall's)
serve_start -p $$ --budget 0
[ "$(grep -c . "$TMP/serve.err")" -eq 1 ] || fail "loopback: $(cat "$TMP/serve.err")"
kill $SERVE_PID; wait $SERVE_PID
echo ok
