# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve: what 'pfx serve' exposes.  promtool passes the text format
# with a process whose comm holds a quote, a backslash, a newline and a
# byte that is not UTF-8; OpenMetrics is given when asked for (families
# without _total, # EOF); -p gives exactly those processes with their
# counts, RSS and start time; --top bounds the series and pid="other"
# never goes back while processes come and go; -G gives a cgroup's
# processes and its memory.stat totals.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"
command -v promtool >/dev/null || skip "needs promtool (Debian package prometheus)"

# the odd comm: set by the shell itself (printf is a builtin, /proc/$$ is it)
sh -c 'printf "a\"b\\\\c\nd\377" >/proc/$$/comm; while :; do sleep 0.2; done' & WPID=$!
started $WPID
"$PFX_LOAD" steady -s 64M --rate 2000 --seconds 30 >/dev/null & LPID=$!
started $LPID
sleep 0.5
serve_start -p "$WPID,$LPID"
[ "$(scrape)" = 200 ] || fail "GET /metrics did not give 200"
head -c 1500 "$TMP/metrics"; echo
grep -qi '^Content-Type: text/plain; version=0.0.4; charset=utf-8' "$TMP/metrics.headers" ||
	fail "content type: $(grep -i content-type "$TMP/metrics.headers")"
promtool check metrics <"$TMP/metrics" >"$TMP/promtool.out" 2>&1 || { cat "$TMP/promtool.out"; fail "promtool check metrics failed"; }
note "promtool check metrics: passed ($(wc -l <"$TMP/metrics") lines)"
want=$(printf 'pid="%s",comm="a\\"b\\\\c\\nd\\\\xff"' "$WPID")
grep -qF "$want" "$TMP/metrics" || fail "the odd comm is not escaped as: $want"
# -p: exactly these two, no "other"
[ "$(sed -n 's/^pfx_page_faults_total{pid="\([^"]*\)".*/\1/p' "$TMP/metrics" | sort -u | tr '\n' ' ')" = \
	"$(printf '%s\n' "$WPID" "$LPID" | sort | tr '\n' ' ')" ] || fail "-p series: $(grep '^pfx_page_faults_total' "$TMP/metrics")"
m=$(minflt $LPID)
got=$(sed -n "s/^pfx_page_faults_total{pid=\"$LPID\",comm=\"pfx-load\",cgroup=\"[^\"]*\",type=\"minor\"} //p" "$TMP/metrics")
note "load minor: served $got, /proc just after $m"
[ -n "$got" ] && [ "$got" -le "$m" ] && [ "$got" -ge $((m - 10000)) ] || fail "served minor $got, /proc $m"
rss=$(sed -n "s/^pfx_process_resident_memory_bytes{pid=\"$LPID\".*} //p" "$TMP/metrics")
[ "${rss:-0}" -gt 1000000 ] || fail "load RSS $rss bytes"
start=$(sed -n "s/^pfx_process_start_time_seconds{pid=\"$LPID\".*} //p" "$TMP/metrics")
now=$(date +%s)
awk -v s="$start" -v n="$now" 'BEGIN { exit !(s > n - 10 && s <= n + 1) }' || fail "start time $start, now $now"
for f in pfx_system_page_faults_total pfx_watched_processes pfx_scrape_duration_seconds pfx_build_info; do
	grep -q "^$f" "$TMP/metrics" || fail "no $f"
done
[ "$(sed -n 's/^pfx_watched_processes //p' "$TMP/metrics")" -eq 2 ] || fail "pfx_watched_processes is not 2"

# OpenMetrics when asked for, as Prometheus asks
[ "$(scrape -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5')" = 200 ] || fail "OpenMetrics GET"
grep -qi '^Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8' "$TMP/metrics.headers" || fail "OpenMetrics content type"
[ "$(tail -n 1 "$TMP/metrics")" = "# EOF" ] || fail "OpenMetrics: no # EOF at the end"
grep -q '^# TYPE pfx_page_faults counter$' "$TMP/metrics" || fail "OpenMetrics: counter family not named pfx_page_faults"
grep -q '^# TYPE pfx_build info$' "$TMP/metrics" || fail "OpenMetrics: no info family"
grep -q "^pfx_page_faults_total{pid=\"$LPID\"" "$TMP/metrics" || fail "OpenMetrics: no _total samples"
[ "$(grep -c '^# EOF' "$TMP/metrics")" -eq 1 ] || fail "OpenMetrics: # EOF more than once"
# HEAD: the head only
$CLIENT raw "${SERVE_ADDR%:*}" "${SERVE_ADDR##*:}" 'HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >"$TMP/head"
grep -q '^HTTP/1.1 200' "$TMP/head" && ! grep -q '^pfx_' "$TMP/head" || fail "HEAD: $(head -c 300 "$TMP/head")"
kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve -p: exit $? on SIGTERM"

# --top 3: at most 3 processes and "other", which never goes back while
# short processes come and go
serve_start -a --top 3
prev=0
for i in 1 2 3 4 5 6; do
	for j in 1 2 3 4 5; do "$PFX_LOAD" seq -s 4M >/dev/null & done
	[ "$(scrape)" = 200 ] || fail "--top 3: GET failed"
	n=$(sed -n 's/^pfx_page_faults_total{pid="\([^"]*\)".*/\1/p' "$TMP/metrics" | sort -u | wc -l)
	[ "$n" -le 4 ] || fail "--top 3 gave $n pids"
	other=$(sed -n 's/^pfx_page_faults_total{pid="other",comm="other",cgroup="",type="minor"} //p' "$TMP/metrics")
	[ -n "$other" ] && [ "$other" -ge "$prev" ] || fail "other went from $prev to '$other'"
	prev=$other
	sleep 0.3
done
note "--top 3: pid=\"other\" minor at $prev, never back"
promtool check metrics <"$TMP/metrics" >/dev/null 2>&1 || fail "promtool check metrics failed on -a --top 3"
kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve -a: exit $? on SIGTERM"

# -G: a cgroup made for the test, the memory controller's hierarchy first
if [ "$(id -u)" -eq 0 ]; then
	name=pfx-serve-$$
	CG=
	for base in /sys/fs/cgroup/memory /sys/fs/cgroup /sys/fs/cgroup/unified; do
		[ -e "$base/cgroup.procs" ] || continue
		if mkdir "$base/$name" 2>/dev/null; then CG=$base/$name; break; fi
	done
	if [ -n "$CG" ]; then
		on_exit 'sleep 0.3; rmdir "$CG" 2>/dev/null'
		sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" steady -s 64M --rate 2000 --seconds 8' sh "$CG" "$PFX_LOAD" >/dev/null & GPID=$!
		started $GPID
		sleep 0.5
		serve_start -G "/$name"
		[ "$(scrape)" = 200 ] || fail "-G: GET failed"
		grep '^pfx_page_faults_total\|^pfx_cgroup' "$TMP/metrics"
		[ "$(sed -n 's/^pfx_page_faults_total{pid="\([0-9]*\)".*/\1/p' "$TMP/metrics" | sort -u)" = "$GPID" ] ||
			fail "-G /$name: not exactly the process in it"
		if [ -e "$CG/memory.stat" ]; then
			# over one second, the cgroup's faults are its one process's (the
			# totals differ by what the process took before it moved in)
			total0=$(sed -n "s|^pfx_cgroup_page_faults_total{cgroup=\"/$name\",type=\"minor\"} ||p" "$TMP/metrics")
			own0=$(sed -n "s/^pfx_page_faults_total{pid=\"$GPID\".*type=\"minor\"} //p" "$TMP/metrics")
			sleep 1
			[ "$(scrape)" = 200 ] || fail "-G: GET failed"
			total=$(sed -n "s|^pfx_cgroup_page_faults_total{cgroup=\"/$name\",type=\"minor\"} ||p" "$TMP/metrics")
			own=$(sed -n "s/^pfx_page_faults_total{pid=\"$GPID\".*type=\"minor\"} //p" "$TMP/metrics")
			note "-G /$name over 1 s: cgroup total $total0 -> $total, its process $own0 -> $own"
			[ -n "$total" ] && within_pct $((total - total0)) $((own - own0)) 10 ||
				fail "cgroup faults $((total - total0)) not within 10% of its process's $((own - own0))"
		else
			grep -q "has no memory.stat" "$TMP/serve.err" || fail "-G without memory.stat: no warning"
			note "$CG has no memory.stat: only the processes exported (warned)"
		fi
		promtool check metrics <"$TMP/metrics" >/dev/null 2>&1 || fail "promtool check metrics failed on -G"
		kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve -G: exit $? on SIGTERM"
	else
		note "cannot make a cgroup: -G with a test cgroup not exercised"
	fi
else
	note "not root: -G with a test cgroup not exercised"
fi
echo ok
