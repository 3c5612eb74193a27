# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-exec: pfx serve -a reads a process's cgroup again at its execve.
# A shell joins cgroup A, faults there (a 400 KB string) and waits 0.5 s,
# so that serve (timing every fault: --budget 100, its share at 1) reads
# its cgroup as A; then it joins cgroup B and execs (twice: sh, then
# pfx-load steady, 20,000 minor faults/s for 3 s), as runc and a shell's
# "echo $$ >cgroup.procs; exec" start a container's process.  The load's
# faults must count under B, not under A: B's faults timed are at least
# 10 times A's.  Before the re-reading at exec, A kept them until serve's
# 2 s re-reading (two thirds of the load; doc/serve.md "A process timed
# under the cgroup it left").  Two execs: either one's record suffices,
# should one fall between two windows or be lost.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"
need_root
"$PFX" record -a --entry sw --duration 0.1 -o "$TMP/probe.data" >/dev/null 2>"$TMP/probe" ||
	skip "host-wide recording denied here: $(head -n 1 "$TMP/probe")"
has_latency "$TMP/probe.data" || skip "no fault latency here (no fault entry event)"

kube_cgroup
A=$KCG A_DIRS=$KCG_DIRS
kube_cgroup
B=$KCG B_DIRS=$KCG_DIRS

serve_start -a --budget 100
share_full
sh -c 'for d in $1; do echo $$ >"$d/cgroup.procs"; done
	x=$(printf %0200000d 0); y=$x$x; sleep 0.5
	for d in $2; do echo $$ >"$d/cgroup.procs"; done
	exec sh -c "exec \"\$0\" steady -s 256M --rate 20000 --seconds 3" "$3"' sh "$A_DIRS" "$B_DIRS" "$PFX_LOAD" \
	>"$TMP/load" 2>&1 || { cat "$TMP/load"; fail "the load failed"; }
# the last windows are folded into the counters at the next window's start
sleep 1
[ "$(scrape)" = 200 ] || fail "scrape failed"
# timed NAME: the minor faults serve timed in cgroup NAME (0: none)
timed() {
	v=$(grep -F "pfx_fault_latency_seconds_count{cgroup=\"$1\"," "$TMP/metrics" | grep -F 'type="minor"}' | awk '{ print $NF }')
	echo "${v:-0}"
}
ta=$(timed "$A") tb=$(timed "$B")
note "faults timed: A (left at the exec) $ta, B (the load's) $tb; the load's $(kv rusage_minor "$TMP/load")"
[ "$tb" -gt 0 ] || fail "no fault timed in B: $(grep -F "$B" "$TMP/metrics" | head -n 3)"
[ $((ta * 10)) -le "$tb" ] || fail "the load's faults counted under the cgroup it left: A $ta, B $tb"
echo "PASS"
