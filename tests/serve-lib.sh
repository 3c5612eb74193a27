# SPDX-License-Identifier: GPL-2.0-or-later
# serve-lib.sh: helpers of the 'pfx serve' tests, sourced after lib.sh.
# Every server a test starts (pfx serve, prometheus, node_exporter, loads)
# is recorded and killed when the test exits, whatever way it exits; all
# listen on loopback only.

command -v python3 >/dev/null || skip "needs python3"
CLIENT="python3 $top_srcdir/tests/serve-client.py"
: >"$TMP/pids"
# (lib.sh's end_test reaps this shell's children first; this is for the
# rest, and for a test's failure before its own kill and wait)
on_exit 'for p in $(cat "$TMP/pids" 2>/dev/null); do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in $(cat "$TMP/pids" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	for d in $(tac "$TMP/cgroups" 2>/dev/null); do rmdir "$d" 2>/dev/null; done'

# started PID: kill it when the test exits
started() { echo "$1" >>"$TMP/pids"; }

# serve_start ARGS...: 'pfx serve -l 127.0.0.1:0 ARGS' in the background;
# sets SERVE_PID and SERVE_ADDR (host:port) once it serves, its stderr in
# $TMP/serve.err.  Fails the test if it does not start within 10 s.
serve_start() {
	# emptied here, not by the background job's redirection: that may run
	# after the first read below, which would find the last server's address
	: >"$TMP/serve.err"
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

# prometheus_start JOB TARGET: a Prometheus of the test's own (config and
# data in $TMP, loopback, 1 s scrapes of TARGET as job JOB) on a free
# port; returns once it has scraped TARGET (its discovery hands targets to
# the scrapers a few seconds after start).  Sets PROM (its URL).
prometheus_start() {
	printf '%s\n' 'global:' '  scrape_interval: 1s' '  scrape_timeout: 1s' 'scrape_configs:' \
		"  - job_name: $1" '    static_configs:' "      - targets: ['$2']" >"$TMP/prometheus.yml"
	start_on_free_port prometheus "prometheus --config.file=$TMP/prometheus.yml \
		--storage.tsdb.path=$TMP/prom-data --web.listen-address=127.0.0.1:@PORT@ \
		--log.level=warn" /-/ready
	PROM=http://127.0.0.1:$PORT
	note "prometheus at $PROM"
	i=0
	until $CLIENT query "$PROM" "up{job=\"$1\"} == 1" | grep -q .; do
		i=$((i + 1)); [ $i -lt 300 ] || fail "prometheus did not scrape $2 in 30 s"
		sleep 0.1
	done
}

# steady_window: pfx-load steady at 5000 minor faults/s; after a few
# scrapes with it, a 10 s window measured on its /proc/PID/stat.  Sets
# LPID, T1 (the window's end, s since the epoch), WIN (its length, whole
# s) and TRUTH (the load's minor faults per second in it).
steady_window() {
	"$PFX_LOAD" steady -s 256M --rate 5000 --seconds 20 >/dev/null &
	LPID=$!
	started $LPID
	sleep 2.5
	m0=$(minflt $LPID); t0=$(date +%s.%N)
	sleep 10
	m1=$(minflt $LPID); T1=$(date +%s.%N)
	sleep 2	# the scrape after the window is in before asking
	WIN=$(awk -v a="$t0" -v b="$T1" 'BEGIN { printf "%d", b - a + 0.5 }')
	TRUTH=$(awk -v a="$m0" -v b="$m1" -v t0="$t0" -v t1="$T1" 'BEGIN { printf "%.1f", (b - a) / (t1 - t0) }')
}

# q EXPR: a query at the window's end
q() { $CLIENT query "$PROM" "$1" "$T1"; }

# check_load_rate: Prometheus's rate of the load's minor faults over the
# window is within 10% of the truth; sets GOT (the series and its value)
check_load_rate() {
	GOT=$(q "rate(pfx_page_faults_total{pid=\"$LPID\",type=\"minor\"}[${WIN}s])")
	note "prometheus: $GOT"
	rate=$(echo "$GOT" | awk '{ print $NF }')
	[ -n "$rate" ] || fail "no series for the load (pid $LPID) in Prometheus"
	note "load's minor faults: /proc delta $TRUTH/s, Prometheus rate over ${WIN}s $rate/s"
	within_pct "$rate" "$TRUTH" 10 || fail "rate $rate/s not within 10% of the /proc delta $TRUTH/s"
}

# minflt PID: field 10 of /proc/PID/stat
minflt() { awk '{ sub(/.*\) /, ""); print $8 }' "/proc/$1/stat"; }

# need_nobody: the attacker's cases run as nobody (65534); skips without
# root, setpriv or that user.  Sets NOBODY_PY, a python3 that nobody can
# run (the first in PATH may be a shim under root's home).
need_nobody() {
	need_root
	command -v setpriv >/dev/null || skip "no setpriv (util-linux) to run as an unprivileged user"
	id -u 65534 >/dev/null 2>&1 || skip "no user 65534 to attack as"
	NOBODY_PY=
	for py in $(which -a python3 2>/dev/null) /usr/bin/python3; do
		as_nobody "$py" -c pass 2>/dev/null </dev/null && { NOBODY_PY=$py; break; }
	done
	[ -n "$NOBODY_PY" ] || skip "no python3 that user 65534 can run"
}
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# nobody_client_bg OUT ARGS...: serve-client.py ARGS as nobody in the
# background, its output in OUT; BG_PID is its own PID (a simple command,
# not a subshell, so that killing it stops it).  The script is read
# through stdin: nobody need not reach this tree.
nobody_client_bg() {
	out=$1; shift
	setpriv --reuid=65534 --regid=65534 --clear-groups "$NOBODY_PY" - "$@" \
		<"$top_srcdir/tests/serve-client.py" >"$out" 2>&1 &
	BG_PID=$!
	started $BG_PID
}

# share_full: until the pfx serve started times all the time (its share
# starts at 0.1 and doubles each second), so that a load is timed throughout
share_full() {
	i=0
	until [ "$(scrape)" = 200 ] && awk '$1 == "pfx_fault_latency_sample_ratio" { f = $2 >= 0.999 } END { exit !f }' "$TMP/metrics"; do
		i=$((i + 1)); [ $i -lt 300 ] || fail "serve's share did not reach 1 in 30 s: $(grep sample_ratio "$TMP/metrics")"
		sleep 0.1
	done
}

# kube_cgroup: a cgroup named as kubelet (cgroupfs driver) names a
# burstable pod's container, kubepods/burstable/pod<uid>/<64 hex>, made in
# cgroup2 and in the v1 memory hierarchy where they are mounted (removed
# when the test exits).  Sets KCG (its path as /proc/PID/cgroup shows it),
# KPOD (the pod uid), KCG_DIRS (its directories, to join: echo PID into
# each DIR/cgroup.procs).  Skips where no cgroup can be made.
kube_cgroup() {
	need_root
	KPOD=$(cat /proc/sys/kernel/random/uuid)
	cid=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	KCID=$cid
	KCG=/kubepods/burstable/pod$KPOD/$cid
	KCG_DIRS=
	for root in $(awk '$3 == "cgroup2" { print $2 } $3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2 }' /proc/mounts); do
		d=$root
		for part in kubepods burstable "pod$KPOD" "$cid"; do
			d=$d/$part
			[ -d "$d" ] && continue
			mkdir "$d" 2>/dev/null || break
			echo "$d" >>"$TMP/cgroups"
		done
		[ -d "$root$KCG" ] && KCG_DIRS="$KCG_DIRS $root$KCG"
	done
	[ -n "$KCG_DIRS" ] || skip "cannot make a cgroup $KCG"
	note "cgroup $KCG in:$KCG_DIRS"
}
