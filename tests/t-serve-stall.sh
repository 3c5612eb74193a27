# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-stall: pfx serve's fault stall time against a full recording of
# the same faults, in both opening orders.  Per round, a cgroup named as
# kubelet names a burstable pod's container (serve-lib.sh kube_cgroup, a
# new pod each round); 'pfx record -G CG --entry sw' of it runs a shell
# that joins it and blocks on a FIFO (no faults meanwhile), then, once
# let go, runs pfx-load steady at 20,000 minor faults/s for 8 s.  'pfx
# serve -G CG --budget 100' (every fault of the cgroup timed: this checks
# accuracy, not cost; tests/bench/serve.sh measures -a at the default
# budget; -G, so that other work's faults on a busy host, 100,000s/s
# here, do not overflow serve's rings) is started before the recording
# in one round and after it in the other, and is scraped by a real
# Prometheus (1 s) where the package is installed.
# Serve times faults from the page-faults software event, as the
# recording here does: one software-event hit is stamped once for every
# perf event on it, so both tools see the same entry and completion
# stamps whichever opened first (with the tracepoint entry the tool
# opened first read ~16% low, the other ~16% high: doc/serve.md).
#   - serve's pfx_fault_stall_seconds_total{cgroup=KCG,pod_uid=...,
#     container_id=...,qos_class="burstable",type="minor"} (kubelet's
#     names, kernel/cgname.c) rose, from before the load to after it, by
#     the recording's sum of fault latencies (pfx report --format folded
#     --weight latency) within 10%;
#   - so did Prometheus's value of the pod's stall seconds, selected by
#     pod_uid and container_id (two instant queries), and rate(...[W])
#     over the load's window is reported;
#   - its histogram's +Inf bucket equals its count and holds faults;
#     pfx_serve_cpu_seconds_total, pfx_fault_latency_sample_ratio (0-1)
#     and pfx_fault_latency_enabled 1 are there.
#   - where perf_event_open is denied (tests/deny-perf), serve still
#     serves counts, says so once on stderr and in
#     pfx_fault_latency_enabled{reason=...} 0.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"
command -v jq >/dev/null || skip "needs jq"
need_root
"$PFX" record -a --entry sw --duration 0.1 -o "$TMP/probe.data" >/dev/null 2>"$TMP/probe" ||
	skip "host-wide recording denied here: $(head -n 1 "$TMP/probe")"
has_latency "$TMP/probe.data" || skip "no fault latency here (no fault entry event)"

# stall: the minor stall seconds serve exports for the cgroup (0: none)
stall() {
	[ "$(scrape)" = 200 ] || fail "scrape failed"
	v=$(grep -F "pfx_fault_stall_seconds_total{$LBL,type=\"minor\"}" "$TMP/metrics" | awk '{ print $NF }')
	echo "${v:-0}"
}

# serve_up: pfx serve -G timing every fault of the cgroup, and a
# Prometheus of its own scraping it (a new one each round, its data afresh)
serve_up() {
	serve_start -G "$KCG" --budget 100
	note "pfx serve at $SERVE_ADDR"
	PROM=
	if command -v prometheus >/dev/null; then
		rm -rf "$TMP/prom-data"
		prometheus_start pfx "$SERVE_ADDR"
		PROM_PID=$BG_PID
	fi
}

# round NAME FIRST: serve against the recording, FIRST (serve|recording)
# opening its events first.  Leaves serve's last scrape in $TMP/NAME.prom.
round() {
	name=$1
	kube_cgroup
	# the labels of the cgroup's series: its path, then the names kubelet's gave it
	LBL="cgroup=\"$KCG\",pod_uid=\"$KPOD\",container_id=\"$KCID\",qos_class=\"burstable\""
	[ "$2" = serve ] && serve_up
	mkfifo "$TMP/$name.go"
	"$PFX" record -G "$KCG" --entry sw -o "$TMP/$name.data" -- sh -c 'for d in $1; do echo $$ >"$d/cgroup.procs"; done
		read -r _ <"$3"; exec "$2" steady -s 256M --rate 20000 --seconds 8' sh "$KCG_DIRS" "$PFX_LOAD" "$TMP/$name.go" \
		>"$TMP/$name.load" 2>"$TMP/$name.rec" &
	RPID=$!
	started $RPID
	# the recording enables its events before its command runs
	i=0
	until grep -q . "${KCG_DIRS##* }/cgroup.procs" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 300 ] || { cat "$TMP/$name.rec"; fail "$name: the recording's command did not start"; }
		sleep 0.1
	done
	# killed if the test fails before letting it go (pfx record would not)
	cat "${KCG_DIRS##* }/cgroup.procs" >>"$TMP/pids"
	[ "$2" = recording ] && serve_up
	share_full
	[ -n "$PROM" ] && sleep 2	# Prometheus has the series before the load
	s0=$(stall)
	T0=$(date +%s.%N)
	echo go >"$TMP/$name.go"
	wait $RPID || { cat "$TMP/$name.rec"; fail "$name: pfx record -G failed"; }
	sleep 2	# serve folds a window at the next one's start; Prometheus scrapes
	T1=$(date +%s.%N)
	s1=$(stall)
	cp "$TMP/metrics" "$TMP/$name.prom"
	lost=$(sed -n 's/^pfx_fault_latency_lost_records_total //p' "$TMP/$name.prom")

	truth=$("$PFX" report -i "$TMP/$name.data" --format folded --weight latency |
		awk '{ s += $NF } END { printf "%.6f", s / 1e9 }')
	got=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.6f", b - a }')
	err=$(awk -v g="$got" -v t="$truth" 'BEGIN { if (t > 0) printf "%+.1f%%", (g - t) / t * 100 }')
	note "$name first: recording's sum of latencies ${truth}s; serve's stall seconds rose ${got}s ($err; lost records ${lost:-?})"
	awk -v t="$truth" 'BEGIN { exit !(t > 0) }' || fail "$name: the recording has no latency"
	within_pct "$got" "$truth" 10 || fail "$name first: serve's ${got}s not within 10% of the recording's ${truth}s"

	# the histogram and the rest
	count=$(grep -F "pfx_fault_latency_seconds_count{$LBL,type=\"minor\"}" "$TMP/$name.prom" | awk '{ print $NF }')
	inf=$(grep -F "pfx_fault_latency_seconds_bucket{$LBL,type=\"minor\",le=\"+Inf\"}" "$TMP/$name.prom" | awk '{ print $NF }')
	ratio=$(sed -n 's/^pfx_fault_latency_sample_ratio //p' "$TMP/$name.prom")
	note "histogram: $count faults timed, sample ratio $ratio"
	[ -n "$count" ] && [ "$count" -gt 0 ] || fail "$name: no faults timed in the histogram"
	[ "$inf" = "$count" ] || fail "$name: +Inf bucket $inf is not the count $count"
	grep -q '^pfx_serve_cpu_seconds_total [0-9]' "$TMP/$name.prom" || fail "no pfx_serve_cpu_seconds_total"
	awk -v r="$ratio" 'BEGIN { exit !(r > 0 && r <= 1) }' || fail "sample ratio '$ratio' not in (0, 1]"
	grep -q '^pfx_fault_latency_enabled{reason=""} 1$' "$TMP/$name.prom" || fail "timing not said to be on"

	if [ -n "$PROM" ]; then
		sel="pfx_fault_stall_seconds_total{pod_uid=\"$KPOD\",container_id=\"$KCID\",type=\"minor\"}"
		p0=$($CLIENT query "$PROM" "$sel" "$T0" | awk '{ print $NF }')
		p1=$($CLIENT query "$PROM" "$sel" "$T1" | awk '{ print $NF }')
		win=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%d", b - a + 0.5 }')
		rate=$($CLIENT query "$PROM" "rate($sel[${win}s])" "$T1")
		[ -n "$p1" ] || fail "$name: no series for the cgroup in Prometheus"
		pgot=$(awk -v a="${p0:-0}" -v b="$p1" 'BEGIN { printf "%.6f", b - a }')
		perr=$(awk -v g="$pgot" -v t="$truth" 'BEGIN { printf "%+.1f%%", (g - t) / t * 100 }')
		note "prometheus: $sel ${p0:-none} at the start, ${p1:-none} at the end: ${pgot}s ($perr); rate over ${win}s: $rate"
		within_pct "$pgot" "$truth" 10 || fail "$name first: Prometheus's ${pgot}s not within 10% of the recording's ${truth}s"
		kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null
	fi
	kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve: exit $? on SIGTERM"
}

round serve serve
round recording recording

# perf denied: counts only, said once
DENY=$top_builddir/tests/deny-perf
if [ -x "$DENY" ]; then
	: >"$TMP/serve.err"
	"$DENY" "$PFX" serve -l 127.0.0.1:0 2>"$TMP/serve.err" &
	SERVE_PID=$!
	started $SERVE_PID
	i=0
	until SERVE_ADDR=$(sed -n 's|^pfx serve: serving http://\(.*\)/metrics$|\1|p' "$TMP/serve.err") && [ -n "$SERVE_ADDR" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat "$TMP/serve.err"; fail "serve under deny-perf did not start"; }
		sleep 0.1
	done
	[ "$(scrape)" = 200 ] || fail "scrape under deny-perf failed"
	grep -q '^pfx_page_faults_total{' "$TMP/metrics" || fail "no counts under deny-perf"
	grep -q '^pfx_fault_latency_enabled{reason="perf .*"} 0$' "$TMP/metrics" ||
		fail "no pfx_fault_latency_enabled 0 with a reason: $(grep latency_enabled "$TMP/metrics")"
	grep -q '^pfx_fault_stall_seconds_total' "$TMP/metrics" && fail "stall series without perf"
	[ "$(grep -c 'no fault stall time' "$TMP/serve.err")" = 1 ] || fail "not said once: $(cat "$TMP/serve.err")"
	note "denied: $(grep 'no fault stall time' "$TMP/serve.err")"
	kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve under deny-perf: exit $? on SIGTERM"
else
	note "no tests/deny-perf: the perf-denied case is not exercised"
fi
echo ok
