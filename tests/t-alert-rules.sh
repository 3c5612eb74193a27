# SPDX-License-Identifier: GPL-2.0-or-later
# t-alert-rules: the Prometheus rules pfx ships (prometheus/pfx.rules.yml,
# doc/alerts.md) pass 'promtool check rules', and 'promtool test rules'
# with tests/alert-rules.test.yml: each alert fires on the series where it
# must, with its annotations (the runbook's commands) as written, and stays
# silent on a stall under its threshold, a burst shorter than its 'for:',
# a storm of cheap major faults, a slow p99 of too few faults.
. "$top_srcdir/tests/lib.sh"
command -v promtool >/dev/null || skip "needs promtool (Debian package prometheus)"
rules=$top_srcdir/prometheus/pfx.rules.yml

promtool check rules "$rules" >"$TMP/check.out" 2>&1 || { cat "$TMP/check.out"; fail "promtool check rules failed"; }
cat "$TMP/check.out"
# promtool reads rule_files relative to the test file: run it where it is
promtool test rules "$top_srcdir/tests/alert-rules.test.yml" >"$TMP/test.out" 2>&1 ||
	{ cat "$TMP/test.out"; fail "promtool test rules failed"; }
cat "$TMP/test.out"
# the series names agreed with pfx serve (doc/alerts.md), spelled exactly
for m in 'pfx_fault_stall_seconds_total' 'pfx_fault_stall_seconds_total{type="major"}' \
	'pfx_fault_latency_seconds_bucket' 'pfx_fault_latency_seconds_count'; do
	grep -qF "rate($m[5m])" "$rules" || fail "the rules no longer read $m"
	grep -qF "$m" "$top_srcdir/doc/alerts.md" || fail "doc/alerts.md does not name $m"
done
# every alert has 'for:', a severity and a runbook naming pfx commands
n=$(grep -c '^      - alert:' "$rules")
[ "$n" -eq 3 ] || fail "$n alerts, expected 3"
[ "$(grep -c '^        for: ' "$rules")" -eq "$n" ] || fail "an alert without for:"
[ "$(grep -c '^          runbook: .*' "$rules")" -eq "$n" ] || fail "an alert without a runbook"
[ "$(grep -A3 '^          runbook:' "$rules" | grep -c 'pfx record -G')" -eq "$n" ] || fail "a runbook without pfx record -G"
echo ok
