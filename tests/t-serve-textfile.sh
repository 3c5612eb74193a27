# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-textfile: 'pfx serve --textfile' for node_exporter's textfile
# collector.  Debian's prometheus-node-exporter (textfile collector only,
# loopback) reads the file pfx rewrites every 0.25 s, a real Prometheus
# (1 s scrapes) scrapes node_exporter, and the load's rate read back
# through the query API is within 10% of its /proc delta; node_exporter
# never saw a bad file; no temporary file is left; -n 1 writes once and
# exits; --textfile with --listen does both.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"
command -v prometheus >/dev/null || skip "needs prometheus (Debian package prometheus)"
command -v prometheus-node-exporter >/dev/null || skip "needs prometheus-node-exporter"

mkdir "$TMP/tf"
"$PFX" serve -a --textfile "$TMP/tf/pfx.prom" -I 250 2>"$TMP/serve.err" & SPID=$!
started $SPID
start_on_free_port node_exporter "prometheus-node-exporter --web.listen-address=127.0.0.1:@PORT@ \
	--collector.disable-defaults --collector.textfile --collector.textfile.directory=$TMP/tf" /metrics
NODE=127.0.0.1:$PORT
note "node_exporter at $NODE"
$CLIENT get "http://$NODE/metrics" -o "$TMP/node.metrics" >/dev/null
grep -q '^pfx_system_page_faults_total{type="minor"}' "$TMP/node.metrics" || fail "node_exporter does not show pfx's metrics"
grep -q '^node_textfile_scrape_error 0' "$TMP/node.metrics" || fail "node_exporter: $(grep textfile "$TMP/node.metrics")"

prometheus_start node "$NODE"
steady_window
check_load_rate
bad=$(q "max_over_time(node_textfile_scrape_error[${WIN}s])" | awk '{ print $NF }')
[ "$bad" = 0 ] || fail "node_exporter's textfile scrape error was $bad in the window"

kill $SPID; wait $SPID || fail "pfx serve --textfile: exit $? on SIGTERM"
[ "$(ls -A "$TMP/tf")" = pfx.prom ] || fail "left in the textfile directory: $(ls -A "$TMP/tf")"
promtool check metrics <"$TMP/tf/pfx.prom" >"$TMP/promtool.out" 2>&1 || { cat "$TMP/promtool.out"; fail "promtool: the textfile"; }

# -n 1: once, then exit 0 (cron); the file appears whole
rm -f "$TMP/tf/pfx.prom"
"$PFX" serve -p $$ --textfile "$TMP/tf/once.prom" --interval-count 1 || fail "--interval-count 1: exit $?"
grep -q "^pfx_page_faults_total{pid=\"$$\"" "$TMP/tf/once.prom" || fail "-n 1: no series for pid $$"
[ "$(ls -A "$TMP/tf")" = once.prom ] || fail "-n 1 left: $(ls -A "$TMP/tf")"

# --textfile and --listen: both
mkdir "$TMP/both"
serve_start -p $$ --textfile "$TMP/both/pfx.prom" -I 200
[ "$(scrape)" = 200 ] || fail "--textfile --listen: GET failed"
sleep 0.5
grep -q '^pfx_build_info' "$TMP/both/pfx.prom" || fail "--textfile --listen: no file"
kill $SERVE_PID; wait $SERVE_PID || fail "--textfile --listen: exit $?"
echo ok
