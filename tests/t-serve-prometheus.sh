# SPDX-License-Identifier: GPL-2.0-or-later
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
prometheus_start pfx "$SERVE_ADDR"
steady_window
up=$(q 'up{job="pfx"}')
note "up: $up"
echo "$up" | grep -q ' 1$' || fail "the pfx target is not up: $up"
check_load_rate
echo "$GOT" | grep -q 'comm=pfx-load' || fail "the load's series has no comm=pfx-load"

# the system and the load's cgroup take at least the load's faults
sys=$(q "rate(pfx_system_page_faults_total{type=\"minor\"}[${WIN}s])" | awk '{ print $NF }')
note "system minor rate $sys/s"
awk -v s="$sys" -v t="$TRUTH" 'BEGIN { exit !(s >= 0.9 * t) }' || fail "system rate $sys/s below the load's $TRUTH/s"
cg=$(echo "$GOT" | sed -n 's/.*cgroup=\([^,]*\),.*/\1/p')
if [ -n "$cg" ] && [ "$cg" != "-" ]; then
	cgr=$(q "rate(pfx_cgroup_page_faults_total{cgroup=\"$cg\",type=\"minor\"}[${WIN}s])" | awk '{ print $NF }')
	note "cgroup $cg minor rate: ${cgr:-no series}"
	if [ -n "$cgr" ]; then
		awk -v s="$cgr" -v t="$TRUTH" 'BEGIN { exit !(s >= 0.9 * t) }' ||
			fail "cgroup rate $cgr/s below the load's $TRUTH/s"
	fi
fi
q 'pfx_page_faults_total{pid="other",type="minor"}' | grep -q . || fail "no pid=\"other\" series"
q 'pfx_build_info' | grep -q 'version=' || fail "no pfx_build_info"
n=$(q 'count(pfx_page_faults_total{type="minor"})' | awk '{ print $NF }')
note "process series: $n (--top 20 and other)"
[ "$n" -le 21 ] || fail "$n minor series: more than --top 20 and other"
kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve: exit $? on SIGTERM"
echo ok
