# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-stall: pfx serve's fault stall time against a full recording.
# A cgroup named as kubelet names a burstable pod's container
# (serve-lib.sh kube_cgroup); 'pfx record -G' of it runs a shell that
# joins it, waits 3 s (its cgroup's series appear, near zero) and runs
# pfx-load steady at 20,000 minor faults/s for 6 s.  Meanwhile 'pfx serve
# -a' (fault timing on, --budget 1%: duty-cycled windows, scaled) is
# scraped by a real Prometheus (1 s) where the package is installed.
#   - serve's pfx_fault_stall_seconds_total{cgroup=KCG,pod_uid=...,
#     container_id=...,qos_class="burstable",type="minor"} (kubelet's
#     names, kernel/cgname.c) rose,
#     from before the load to after it, by the sum of the recording's
#     fault latencies (pfx report --format folded --weight latency) within
#     30% (doc/serve.md has the measured error, tests/bench/serve.sh);
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
"$PFX" record -a --duration 0.1 -o "$TMP/probe.data" >/dev/null 2>"$TMP/probe" ||
	skip "host-wide recording denied here: $(head -n 1 "$TMP/probe")"
has_latency "$TMP/probe.data" || skip "no fault latency here (no fault entry event)"
kube_cgroup
# the labels of the cgroup's series: its path, then the names kubelet's gave it
LBL="cgroup=\"$KCG\",pod_uid=\"$KPOD\",container_id=\"$KCID\",qos_class=\"burstable\""

# stall: the minor stall seconds serve exports for the cgroup (0: none)
stall() {
	[ "$(scrape)" = 200 ] || fail "scrape failed"
	v=$(grep -F "pfx_fault_stall_seconds_total{$LBL,type=\"minor\"}" "$TMP/metrics" | awk '{ print $NF }')
	echo "${v:-0}"
}

serve_start -a
note "pfx serve at $SERVE_ADDR"
PROM=
if command -v prometheus >/dev/null; then
	prometheus_start pfx "$SERVE_ADDR"
else
	note "no prometheus: the Prometheus part is not exercised"
fi
s0=$(stall)
"$PFX" record -G "$KCG" -o "$TMP/g.data" -- sh -c 'for d in $1; do echo $$ >"$d/cgroup.procs"; done
	sleep 3; exec "$2" steady -s 256M --rate 20000 --seconds 6' sh "$KCG_DIRS" "$PFX_LOAD" \
	>"$TMP/load.out" 2>"$TMP/rec.err" &
RPID=$!
sleep 2.5
T0=$(date +%s.%N)
wait $RPID || { cat "$TMP/rec.err"; fail "pfx record -G failed"; }
sleep 2	# serve folds a window at the next one's start; Prometheus scrapes
T1=$(date +%s.%N)
s1=$(stall)
cp "$TMP/metrics" "$TMP/after.prom"

truth=$("$PFX" report -i "$TMP/g.data" --format folded --weight latency | awk '{ s += $NF } END { printf "%.6f", s / 1e9 }')
got=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.6f", b - a }')
ratio=$(sed -n 's/^pfx_fault_latency_sample_ratio //p' "$TMP/after.prom")
note "recording's sum of latencies ${truth}s; serve's stall seconds rose ${got}s (sample ratio $ratio)"
awk -v t="$truth" 'BEGIN { exit !(t > 0) }' || fail "the recording has no latency"
within_pct "$got" "$truth" 30 || fail "serve's ${got}s not within 30% of the recording's ${truth}s"

# the histogram and the rest
count=$(grep -F "pfx_fault_latency_seconds_count{$LBL,type=\"minor\"}" "$TMP/after.prom" | awk '{ print $NF }')
inf=$(grep -F "pfx_fault_latency_seconds_bucket{$LBL,type=\"minor\",le=\"+Inf\"}" "$TMP/after.prom" | awk '{ print $NF }')
note "histogram: $count faults timed"
[ -n "$count" ] && [ "$count" -gt 0 ] || fail "no faults timed in the histogram"
[ "$inf" = "$count" ] || fail "+Inf bucket $inf is not the count $count"
grep -q '^pfx_serve_cpu_seconds_total [0-9]' "$TMP/after.prom" || fail "no pfx_serve_cpu_seconds_total"
awk -v r="$ratio" 'BEGIN { exit !(r > 0 && r <= 1) }' || fail "sample ratio '$ratio' not in (0, 1]"
grep -q '^pfx_fault_latency_enabled{reason=""} 1$' "$TMP/after.prom" || fail "timing not said to be on"

if [ -n "$PROM" ]; then
	sel="pfx_fault_stall_seconds_total{pod_uid=\"$KPOD\",container_id=\"$KCID\",type=\"minor\"}"
	p0=$($CLIENT query "$PROM" "$sel" "$T0" | awk '{ print $NF }')
	p1=$($CLIENT query "$PROM" "$sel" "$T1" | awk '{ print $NF }')
	win=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%d", b - a + 0.5 }')
	rate=$($CLIENT query "$PROM" "rate($sel[${win}s])" "$T1")
	note "prometheus: $sel ${p0:-none} at the start, ${p1:-none} at the end; rate over ${win}s: $rate"
	[ -n "$p1" ] || fail "no series for the cgroup in Prometheus"
	pgot=$(awk -v a="${p0:-0}" -v b="$p1" 'BEGIN { printf "%.6f", b - a }')
	within_pct "$pgot" "$truth" 30 || fail "Prometheus's ${pgot}s not within 30% of the recording's ${truth}s"
fi
kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve: exit $? on SIGTERM"

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
