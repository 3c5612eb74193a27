# serve-lib.sh: helpers of the 'pfx serve' tests, sourced after lib.sh.
# Every server a test starts (pfx serve, prometheus, node_exporter, loads)
# is recorded and killed when the test exits, whatever way it exits; all
# listen on loopback only.

command -v python3 >/dev/null || skip "needs python3"
CLIENT="python3 $top_srcdir/tests/serve-client.py"
: >"$TMP/pids"
trap 'for p in $(cat "$TMP/pids" 2>/dev/null); do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in $(cat "$TMP/pids" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	rm -rf "$TMP"' EXIT

# started PID: kill it when the test exits
started() { echo "$1" >>"$TMP/pids"; }

# serve_start ARGS...: 'pfx serve -l 127.0.0.1:0 ARGS' in the background;
# sets SERVE_PID and SERVE_ADDR (host:port) once it serves, its stderr in
# $TMP/serve.err.  Fails the test if it does not start within 10 s.
serve_start() {
	"$PFX" serve -l 127.0.0.1:0 "$@" 2>"$TMP/serve.err" &
	SERVE_PID=$!
	started $SERVE_PID
	i=0
	while [ $i -lt 100 ]; do
		SERVE_ADDR=$(sed -n 's|^pfx serve: serving http://\(.*\)/metrics$|\1|p' "$TMP/serve.err")
		[ -n "$SERVE_ADDR" ] && return 0
		kill -0 $SERVE_PID 2>/dev/null || { cat "$TMP/serve.err"; fail "pfx serve $* exited at start"; }
		sleep 0.1; i=$((i + 1))
	done
	cat "$TMP/serve.err"; fail "pfx serve $* did not start serving in 10 s"
}

# scrape [get args...]: GET /metrics of the server started; status on
# stdout, body in $TMP/metrics
scrape() { $CLIENT get "http://$SERVE_ADDR/metrics" -o "$TMP/metrics" "$@"; }

# wait_http HOST:PORT PATH SECONDS: until it answers 200 (a server start)
wait_http() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		[ "$($CLIENT get "http://$1$2" -o "$TMP/wait.out" 2>/dev/null)" = 200 ] && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# start_on_free_port NAME 'CMD' PATH: run CMD (words, no quoting) with
# @PORT@ replaced by a free loopback port until PATH answers 200 there,
# retrying on another port if it does not (another program took the port
# meanwhile); sets PORT and BG_PID, its output in $TMP/NAME.log.
start_on_free_port() {
	tries=0
	while [ $tries -lt 5 ]; do
		PORT=$($CLIENT freeport)
		$(echo "$2" | sed "s/@PORT@/$PORT/g") >"$TMP/$1.log" 2>&1 &
		BG_PID=$!
		started $BG_PID
		wait_http "127.0.0.1:$PORT" "$3" 30 && kill -0 $BG_PID 2>/dev/null && return 0
		kill $BG_PID 2>/dev/null
		tries=$((tries + 1))
	done
	tail -n 20 "$TMP/$1.log"
	fail "$1 did not start on a free port in 5 tries"
}

# minflt PID: field 10 of /proc/PID/stat
minflt() { awk '{ sub(/.*\) /, ""); print $8 }' "/proc/$1/stat"; }
