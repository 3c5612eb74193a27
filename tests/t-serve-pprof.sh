# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-pprof: fault profiles on demand from pfx serve, as Go's
# net/http/pprof serves CPU profiles.  pfx serve -G on a cgroup made for
# the test (named as kubelet names a pod's container) while pfx-load
# steady faults in it:
#   - 'go tool pprof -top http://ADDR/debug/pprof/faults?seconds=3' lists
#     first the function the load faults in (the first of 'pfx report'
#     JSON's functions for a recording of the same load);
#   - a second request while that one records is 429 with Retry-After,
#     and /metrics answers 200 meanwhile;
#   - seconds=0, abc, 100000 and weight=x are 400; the answer is gzip'd
#     (application/octet-stream, Content-Disposition as Go's);
#     ?weight=latency gives a profile whose default sample type is
#     fault_time;
#   - with -p there is no profile path (404).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"
command -v go >/dev/null || skip "needs go (golang-go) for go tool pprof"
command -v curl >/dev/null || skip "needs curl"
command -v jq >/dev/null || skip "needs jq"
need_root
"$PFX" record -a -g --duration 0.1 -o "$TMP/probe.data" >/dev/null 2>"$TMP/probe" ||
	skip "host-wide recording denied here: $(head -n 1 "$TMP/probe")"
"$PFX" --version | grep -q '^features:.* +zlib' || skip "pfx built without zlib (pprof is gzip'd)"
kube_cgroup
export HOME="$TMP" PPROF_TMPDIR="$TMP/pprof"	# go tool pprof keeps fetched profiles there

# the function the load faults in, from a recording of the same load
"$PFX" record -o "$TMP/l.data" -- "$PFX_LOAD" steady -s 64M --rate 20000 --seconds 0.5 >/dev/null 2>&1 ||
	fail "pfx record of the load failed"
want=$("$PFX" report -i "$TMP/l.data" --format json | jq -r '.functions[0].function')
note "the load faults in $want"
[ -n "$want" ] && [ "$want" != null ] || fail "no function in the load's recording"

serve_start -G "$KCG"
note "pfx serve at $SERVE_ADDR"
sh -c 'for d in $1; do echo $$ >"$d/cgroup.procs"; done
	exec "$2" steady -s 256M --rate 20000 --seconds 30' sh "$KCG_DIRS" "$PFX_LOAD" >/dev/null &
started $!
sleep 0.5

go tool pprof -top "http://$SERVE_ADDR/debug/pprof/faults?seconds=3" >"$TMP/top" 2>"$TMP/top.err" &
GPID=$!
started $GPID
sleep 1
code=$(curl -s -o "$TMP/busy" -D "$TMP/busy.h" -w '%{http_code}' "http://$SERVE_ADDR/debug/pprof/faults?seconds=1")
[ "$code" = 429 ] || fail "a second profile while one records: $code, not 429"
grep -qi '^Retry-After: [1-9]' "$TMP/busy.h" || fail "429 without Retry-After: $(cat "$TMP/busy.h")"
[ "$(scrape)" = 200 ] || fail "/metrics while a profile records: not 200"
wait $GPID || { cat "$TMP/top.err"; fail "go tool pprof failed"; }
sed -n '1,12p' "$TMP/top" | sed 's/^/# /'
first=$(awk '/flat%/ { getline; print $NF; exit }' "$TMP/top")
[ "$first" = "$want" ] || fail "go tool pprof -top lists $first first, not $want"

for q in seconds=0 seconds=abc seconds=100000 weight=x 'seconds=1&seconds=2'; do
	code=$(curl -s -o "$TMP/bad" -w '%{http_code}' "http://$SERVE_ADDR/debug/pprof/faults?$q")
	[ "$code" = 400 ] || fail "?$q: $code, not 400"
	grep -q . "$TMP/bad" || fail "?$q: 400 without a reason"
done

code=$(curl -s -o "$TMP/lat.pb.gz" -D "$TMP/lat.h" -w '%{http_code}' "http://$SERVE_ADDR/debug/pprof/faults?seconds=1&weight=latency")
[ "$code" = 200 ] || fail "?weight=latency: $code"
grep -qi '^Content-Type: application/octet-stream' "$TMP/lat.h" || fail "Content-Type: $(cat "$TMP/lat.h")"
grep -qi '^Content-Disposition: attachment; filename="profile"' "$TMP/lat.h" || fail "no Content-Disposition"
[ "$(od -An -tx1 -N2 "$TMP/lat.pb.gz" | tr -d ' ')" = 1f8b ] || fail "the profile is not gzip'd"
go tool pprof -raw "$TMP/lat.pb.gz" >"$TMP/raw" 2>&1 || fail "go tool pprof cannot read the latency profile"
go tool pprof -top "$TMP/lat.pb.gz" 2>/dev/null | grep -q '^Type: fault_time' ||
	fail "?weight=latency: default sample type is not fault_time"
kill $SERVE_PID; wait $SERVE_PID || fail "pfx serve: exit $? on SIGTERM"

serve_start -p $$
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$SERVE_ADDR/debug/pprof/faults?seconds=1")
[ "$code" = 404 ] || fail "-p: the profile path answered $code, not 404"
echo ok
