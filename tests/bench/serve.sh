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
# killed here.
. "$top_srcdir/tests/bench/lib.sh"

PROCS=${BENCH_SERVE_PROCS:-1000 10000}
SCRAPES=${BENCH_SERVE_SCRAPES:-50}
RUNS=${BENCH_SERVE_RUNS:-3}
command -v python3 >/dev/null || { echo "bench: python3 not installed" >&2; exit 1; }
command -v prometheus-node-exporter >/dev/null || { echo "bench: prometheus-node-exporter not installed" >&2; exit 1; }
CLIENT="python3 $top_srcdir/tests/serve-client.py"

trap 'kill $(cat "$BENCH_TMP/sleeps" "$BENCH_TMP/pids" 2>/dev/null) 2>/dev/null; rm -rf "$BENCH_TMP"' EXIT

cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

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

"$PFX" serve -a -l 127.0.0.1:0 2>"$BENCH_TMP/serve.err" & SPID=$!
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
