# SPDX-License-Identifier: GPL-2.0-or-later
# bench/serve: CPU per scrape of 'pfx serve -a' next to node_exporter's
# (Debian's prometheus-node-exporter, its default collectors) in the same
# run, with ~1,000 and ~10,000 processes (idle sleeps spawned for it;
# BENCH_SERVE_PROCS: the counts).  Table goes to doc/serve.md.  The issue's
# goal: at most 5 ms per scrape at 1,000 processes, linear to 10,000.
#
# CPU is the server's own utime + stime (/proc/PID/stat) over SCRAPES
# GET /metrics from one client, 0.15 s apart (pfx shares one reading
# among scrapes within 0.1 s: each scrape here makes its own), divided by
# SCRAPES; the servers are on loopback ports of their own, started and
# killed here.  pfx serve runs with --budget 0 there (no fault timing):
# the scrape's own cost.
#
# Then fault timing (BENCH_SERVE_ONLY=stall runs only this part): pfx
# serve -a (--budget 1%, the default) while pfx-load steady takes
# STALL_RATE minor faults/s for STALL_S s in a cgroup made for it, with
# 'pfx record -G --entry sw' of that cgroup at the same time (the full
# recording, timing faults from the same page-faults event as serve: the
# same stamps, doc/serve.md), serve's events opened first, then after the
# recording's.  Serve is scraped only before and after (a 15 s Prometheus
# interval costs it little; doc/serve.md).  Per run: serve's CPU share
# (utime + stime of /proc/PID/stat over the load's wall time), the sample
# ratio, and its stall seconds for the cgroup against the recording's sum
# of latencies (pfx report --format folded --weight latency), and the
# records serve lost.  Then once each way with --budget 100 (every fault
# timed): what timing costs per fault, the floor.  BENCH_SERVE_RUNS runs
# of each (3).  BENCH_STALL_BUDGETS=1 or =100 runs only those rows.
. "$top_srcdir/tests/bench/lib.sh"

PROCS=${BENCH_SERVE_PROCS:-1000 10000}
SCRAPES=${BENCH_SERVE_SCRAPES:-50}
RUNS=${BENCH_SERVE_RUNS:-3}
command -v python3 >/dev/null || { echo "bench: python3 not installed" >&2; exit 1; }
command -v prometheus-node-exporter >/dev/null || { echo "bench: prometheus-node-exporter not installed" >&2; exit 1; }
CLIENT="python3 $top_srcdir/tests/serve-client.py"

trap 'kill $(cat "$BENCH_TMP/sleeps" "$BENCH_TMP/pids" 2>/dev/null) 2>/dev/null; rm -rf "$BENCH_TMP"' EXIT
: >"$BENCH_TMP/pids"

cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

STALL_RATE=${BENCH_STALL_RATE:-50000}
STALL_S=${BENCH_STALL_SECONDS:-20}
# the load: a shell that joins the cgroup ($1: its directories) and runs
# pfx-load steady ($2) at $3 faults/s for $4 s
LOAD='for d in $1; do echo $$ >"$d/cgroup.procs"; done; exec "$2" steady -s 1G --rate "$3" --seconds "$4"'
# stall_run BUDGET [after]: one run; prints "cpu_share ratio serve_s
# record_s faults timed lost".  after: serve opens its events after the
# recording (which waits 3 s before the load).
stall_run() {
	if [ "${2:-}" = after ]; then
		"$PFX" record -G "$KCG" --entry sw -o "$BENCH_TMP/g.data" -- sh -c "sleep 3; $LOAD" sh "$KCG_DIRS" "$PFX_LOAD" \
			"$STALL_RATE" "$STALL_S" >"$BENCH_TMP/load.out" 2>"$BENCH_TMP/rec.err" & rp=$!
		sleep 0.3
	fi
	"$PFX" serve -a -l 127.0.0.1:0 --budget "$1" 2>"$BENCH_TMP/st.err" & sp=$!
	echo $sp >>"$BENCH_TMP/pids"
	sleep 0.5
	sa=$(sed -n 's|^pfx serve: serving http://\(.*\)/metrics$|\1|p' "$BENCH_TMP/st.err")
	sleep 2	# the first collection and the share settle
	$CLIENT get "http://$sa/metrics" -o "$BENCH_TMP/s0" >/dev/null
	c0=$(cpu_ticks $sp); t0=$(now_ns)
	if [ "${2:-}" = after ]; then
		wait $rp	# serve's CPU share then counts the ~0.5 s before the load too
	else
		"$PFX" record -G "$KCG" --entry sw -o "$BENCH_TMP/g.data" -- sh -c "$LOAD" sh "$KCG_DIRS" "$PFX_LOAD" \
			"$STALL_RATE" "$STALL_S" >"$BENCH_TMP/load.out" 2>"$BENCH_TMP/rec.err"
	fi
	c1=$(cpu_ticks $sp); t1=$(now_ns)
	sleep 1
	$CLIENT get "http://$sa/metrics" -o "$BENCH_TMP/s1" >/dev/null
	kill $sp; wait $sp 2>/dev/null
	# the cgroup's minor series: its path, kubelet's names (pod_uid, ...), type
	v0=$(minor_of pfx_fault_stall_seconds_total "$BENCH_TMP/s0")
	v1=$(minor_of pfx_fault_stall_seconds_total "$BENCH_TMP/s1")
	timed=$(minor_of pfx_fault_latency_seconds_count "$BENCH_TMP/s1")
	ratio=$(sed -n 's/^pfx_fault_latency_sample_ratio //p' "$BENCH_TMP/s1")
	lost0=$(sed -n 's/^pfx_fault_latency_lost_records_total //p' "$BENCH_TMP/s0")
	lost1=$(sed -n 's/^pfx_fault_latency_lost_records_total //p' "$BENCH_TMP/s1")
	truth=$("$PFX" report -i "$BENCH_TMP/g.data" --format folded --weight latency | awk '{ s += $NF } END { printf "%.6f", s / 1e9 }')
	faults=$(sed -n 's/.*rusage_minor=\([0-9]*\).*/\1/p' "$BENCH_TMP/load.out")
	awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" -v r="$ratio" \
		-v a="${v0:-0}" -v b="${v1:-0}" -v t="$truth" -v f="$faults" -v n="${timed:-0}" \
		-v l="$(( ${lost1:-0} - ${lost0:-0} ))" \
		'BEGIN { printf "%.4f %s %.6f %s %s %s %s\n", (c1 - c0) / hz / ((t1 - t0) / 1e9), r, b - a, t, f, n, l }'
}

# minor_of FAMILY FILE: the value of FAMILY{cgroup="$KCG",...,type="minor"}
minor_of() {
	grep -F "$1{cgroup=\"$KCG\"," "$2" | grep -F 'type="minor"}' | awk '{ print $NF }'
}

# The cgroup, named as kubelet names a burstable pod's container; the
# directories made are removed in reverse by stall_cgroup_remove
stall_cgroup() {
	pod=pod$(cat /proc/sys/kernel/random/uuid)
	cid=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
	KCG=/kubepods/burstable/$pod/$cid
	KCG_DIRS=
	: >"$BENCH_TMP/cgroups"
	for root in $(awk '$3 == "cgroup2" { print $2 } $3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2 }' /proc/mounts); do
		d=$root
		for part in kubepods burstable "$pod" "$cid"; do
			d=$d/$part
			[ -d "$d" ] || { mkdir "$d" && echo "$d" >>"$BENCH_TMP/cgroups"; }
		done
		KCG_DIRS="$KCG_DIRS $d"
	done
}
stall_cgroup_remove() { for d in $(tac "$BENCH_TMP/cgroups"); do rmdir "$d"; done; }

stall_bench() {
	if [ "$(id -u)" != 0 ] || ! "$PFX" record -a --duration 0.1 -o "$BENCH_TMP/probe.data" >/dev/null 2>&1; then
		echo "(fault timing not measured: needs root, for the cgroup, and host-wide perf events)"
		return 0
	fi
	stall_cgroup
	: >"$BENCH_TMP/st"
	for mode in first after; do
		i=0
		[ "${BENCH_STALL_BUDGETS:-1 100}" = 100 ] && break
		while [ $i -lt "$RUNS" ]; do echo "1 $mode $(stall_run 1 $mode)" >>"$BENCH_TMP/st"; i=$((i + 1)); done
	done
	for mode in first after; do
		[ "${BENCH_STALL_BUDGETS:-1 100}" = 1 ] && break
		echo "100 $mode $(stall_run 100 $mode)" >>"$BENCH_TMP/st"
	done
	stall_cgroup_remove
	echo "| pfx serve -a, pfx-load steady $STALL_RATE/s for $STALL_S s in a cgroup, pfx record -G --entry sw beside | serve CPU (share of one core) | sample ratio | serve's stall s | recording's sum of latencies s | error | faults | faults timed | records lost |"
	echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
	while read -r b m c r v t f n l; do
		awk -v b="$b" -v m="$m" -v c="$c" -v r="$r" -v v="$v" -v t="$t" -v f="$f" -v n="$n" -v l="$l" \
			'BEGIN { all = (b == 100) ? " (every fault timed)" : ""; who = (m == "first") ? "first" : "after the recording"
				e = (t > 0) ? (v - t) / t * 100 : 0
				printf "| --budget %s%s, serve %s | %.2f%% | %s | %.4f | %.4f | %+.1f%% | %s | %s | %s |\n", b, all, who,
					c * 100, r, v, t, e, f, n, l }'
	done <"$BENCH_TMP/st"
	grep '^100 ' "$BENCH_TMP/st" | awk -v s="$STALL_S" '{ if ($8 > 0) printf "(every fault timed, serve %s: %.2f us of serve CPU per fault timed, %.0f faults timed/s)\n", $2, $3 * s / $8 * 1e6, $8 / s }'
}
if [ "${BENCH_SERVE_ONLY:-}" = stall ]; then
	stall_bench
	exit 0
fi

# scrape_cpu PID ADDR: ms of the server's CPU per scrape, and bytes per answer
scrape_cpu() {
	c0=$(cpu_ticks "$1")
	python3 - "$2" "$SCRAPES" >"$BENCH_TMP/bytes" <<'EOF'
import sys, time, urllib.request
n = 0
for _ in range(int(sys.argv[2])):
    with urllib.request.urlopen("http://%s/metrics" % sys.argv[1], timeout=30) as r:
        n = len(r.read())
    time.sleep(0.15)
print(n)
EOF
	c1=$(cpu_ticks "$1")
	awk -v a="$c0" -v b="$c1" -v n="$SCRAPES" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f\n", (b - a) * 1000 / hz / n }'
}

"$PFX" serve -a -l 127.0.0.1:0 --budget 0 2>"$BENCH_TMP/serve.err" & SPID=$!
echo $SPID >>"$BENCH_TMP/pids"
sleep 0.5
PADDR=$(sed -n 's|^pfx serve: serving http://\(.*\)/metrics$|\1|p' "$BENCH_TMP/serve.err")
NPORT=$($CLIENT freeport)
prometheus-node-exporter --web.listen-address=127.0.0.1:$NPORT >"$BENCH_TMP/node.log" 2>&1 & NPID=$!
echo $NPID >>"$BENCH_TMP/pids"
sleep 1
echo "| processes | measure ($SCRAPES scrapes, median of $RUNS runs) | pfx serve -a | node_exporter (default collectors) | ratio |"
echo "| --- | --- | --- | --- | --- |"
for procs in $PROCS; do
	bench_procs "$procs" || continue
	nprocs=$(ls /proc | grep -c '^[0-9]')
	scrape_cpu $SPID "$PADDR" >/dev/null; scrape_cpu $NPID "127.0.0.1:$NPORT" >/dev/null	# warm-up
	: >"$BENCH_TMP/p"; : >"$BENCH_TMP/n"; : >"$BENCH_TMP/r"
	i=0
	while [ $i -lt "$RUNS" ]; do
		p=$(scrape_cpu $SPID "$PADDR"); pbytes=$(cat "$BENCH_TMP/bytes")
		n=$(scrape_cpu $NPID "127.0.0.1:$NPORT"); nbytes=$(cat "$BENCH_TMP/bytes")
		echo "$p" >>"$BENCH_TMP/p"; echo "$n" >>"$BENCH_TMP/n"
		awk -v p="$p" -v n="$n" 'BEGIN { printf "%.3f\n", (n > 0) ? p / n : 0 }' >>"$BENCH_TMP/r"
		i=$((i + 1))
	done
	dur=$($CLIENT get "http://$PADDR/metrics" -o "$BENCH_TMP/m" >/dev/null; sed -n 's/^pfx_scrape_duration_seconds //p' "$BENCH_TMP/m")
	echo "| $nprocs | server CPU per scrape (ms) | $(median <"$BENCH_TMP/p") | $(median <"$BENCH_TMP/n") | $(median <"$BENCH_TMP/r") |"
	echo "| $nprocs | answer size (bytes) | $pbytes | $nbytes | |"
	echo "| $nprocs | pfx_scrape_duration_seconds of one more scrape (wall, the /proc and cgroup reads) | $dur s | | |"
done
stall_bench
