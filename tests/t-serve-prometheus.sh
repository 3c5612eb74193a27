# t-serve-prometheus: a real Prometheus (Debian's prometheus package, its
# own config and data in the test's directory, loopback only, 1 s scrape
# interval) scrapes 'pfx serve -a' while pfx-load faults at a steady 5000
# minor faults/s.  Read back through Prometheus's query API, the load's
# rate(pfx_page_faults_total{type="minor"}) is within 10% of its own
# /proc/PID/stat delta over the same window; the target is up, the
# system and cgroup counters rise at least as fast, and the rest of the
# processes are in the pid="other" series.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"
command -v prometheus >/dev/null || skip "needs prometheus (Debian package prometheus)"

serve_start -a
note "pfx serve at $SERVE_ADDR"
cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: pfx
    static_configs:
      - targets: ['$SERVE_ADDR']
EOF
start_on_free_port prometheus "prometheus --config.file=$TMP/prometheus.yml \
	--storage.tsdb.path=$TMP/prom-data --web.listen-address=127.0.0.1:@PORT@ \
	--log.level=warn" /-/ready
PROM=http://127.0.0.1:$PORT
note "prometheus at $PROM"
# its discovery hands targets to the scrapers a few seconds after start:
# the window starts once pfx is scraped
i=0
until $CLIENT query "$PROM" 'up{job="pfx"} == 1' | grep -q .; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "prometheus did not scrape pfx serve in 30 s"
	sleep 0.1
done

"$PFX_LOAD" steady -s 256M --rate 5000 --seconds 20 >"$TMP/load" &
LPID=$!
started $LPID
# a few scrapes with the load in them before the window starts
sleep 2.5
m0=$(minflt $LPID); t0=$(date +%s.%N)
sleep 10
m1=$(minflt $LPID); t1=$(date +%s.%N)
# the scrape after t1 is in before asking
sleep 2
win=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", b - a + 0.5 }')
truth=$(awk -v a="$m0" -v b="$m1" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.1f", (b - a) / (t1 - t0) }')
q() { $CLIENT query "$PROM" "$1" "$t1"; }

up=$(q 'up{job="pfx"}')
note "up: $up"
echo "$up" | grep -q ' 1$' || fail "the pfx target is not up: $up"
got=$(q "rate(pfx_page_faults_total{pid=\"$LPID\",type=\"minor\"}[${win}s])")
note "prometheus: $got"
rate=$(echo "$got" | awk '{ print $NF }')
[ -n "$rate" ] || fail "no series for the load (pid $LPID) in Prometheus"
note "load's minor faults: /proc delta $truth/s, Prometheus rate over ${win}s $rate/s"
within_pct "$rate" "$truth" 10 || fail "rate $rate/s not within 10% of the /proc delta $truth/s"
echo "$got" | grep -q 'comm=pfx-load' || fail "the load's series has no comm=pfx-load"

# the system and the load's cgroup take at least the load's faults
sys=$(q "rate(pfx_system_page_faults_total{type=\"minor\"}[${win}s])" | awk '{ print $NF }')
note "system minor rate $sys/s"
awk -v s="$sys" -v t="$truth" 'BEGIN { exit !(s >= 0.9 * t) }' || fail "system rate $sys/s below the load's $truth/s"
cg=$(echo "$got" | sed -n 's/.*cgroup=\([^,]*\),.*/\1/p')
if [ -n "$cg" ] && [ "$cg" != "-" ]; then
	cgr=$(q "rate(pfx_cgroup_page_faults_total{cgroup=\"$cg\",type=\"minor\"}[${win}s])" | awk '{ print $NF }')
	note "cgroup $cg minor rate: ${cgr:-no series}"
	if [ -n "$cgr" ]; then
		awk -v s="$cgr" -v t="$truth" 'BEGIN { exit !(s >= 0.9 * t) }' ||
			fail "cgroup rate $cgr/s below the load's $truth/s"
	fi
fi
q 'pfx_page_faults_total{pid="other",type="minor"}' | grep -q . || fail "no pid=\"other\" series"
q 'pfx_build_info' | grep -q 'version=' || fail "no pfx_build_info"
n=$(q 'count(pfx_page_faults_total{type="minor"})' | awk '{ print $NF }')
note "process series: $n (--top 20 and other)"
[ "$n" -le 21 ] || fail "$n minor series: more than --top 20 and other"
kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve: exit $? on SIGTERM"
echo ok
