# SPDX-License-Identifier: GPL-2.0-or-later
# t-cgroup-names: cgroup trees made here with exactly the names kubelet and
# systemd give, a load moved into each, and the names pfx reads from them
# (kernel/cgname.c) in every view that shows a cgroup:
#   A  kubelet's systemd driver, a burstable pod, a containerd container:
#      /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/cri-containerd-<64hex>.scope
#      (cgroup2 where it is mounted, else the v1 memory controller)
#   B  the cgroupfs driver, a guaranteed pod, a CRI-O container:
#      /kubepods/pod<uid>/crio-<64hex>  (the v1 memory controller where it is
#      mounted: a hybrid host's /proc/PID/cgroup memory line; else cgroup2)
#   S  a systemd service, /system.slice/pfx-test-PID.service
#   X  beside A's container, one whose ID is 63 digits: the pod, no container
# pfx serve's series carry pod_uid, container_id, qos_class, service (and
# promtool passes them; a real Prometheus gives the container's rate by its
# pod and container); top --cgroup names the pod in text and JSON;
# stat -G names it in its header; record -G + report --by cgroup in text
# and JSON.
. "$top_srcdir/tests/lib.sh"
need_root
command -v jq >/dev/null || skip "needs jq"
. "$top_srcdir/tests/serve-lib.sh"

v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
v1mem=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
rootA=${v2:-$v1mem}
rootB=${v1mem:-$v2}
[ -n "$rootA" ] || skip "no cgroup2 and no v1 memory hierarchy mounted"

uid=$(python3 -c 'import uuid; print(uuid.uuid4())')
uidB=$(python3 -c 'import uuid; print(uuid.uuid4())')
uid_=$(echo "$uid" | tr - _)
id=$(echo "pfx-A-$$" | sha256sum | cut -c1-64)
idB=$(echo "pfx-B-$$" | sha256sum | cut -c1-64)
id63=$(echo "pfx-X-$$" | sha256sum | cut -c1-63)
pod=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod$uid_.slice
A=$pod/cri-containerd-$id.scope
X=$pod/cri-containerd-$id63.scope
B=/kubepods/pod$uidB/crio-$idB
S=/system.slice/pfx-test-$$.service

# Only what is made here is removed (leaves first); a kubepods tree another
# test made is shared, never removed.  A running kubelet would remove pod
# cgroups it does not know: the test does not run beside one.
pidof kubelet >/dev/null 2>&1 && skip "a kubelet runs here: it would reap the test's pod cgroups"
made=
mk() {
	[ -e "$1$2" ] && fail "$1$2 exists already (its name is random)"
	p=
	for c in $(echo "$2" | tr / ' '); do
		p=$p/$c
		[ -d "$1$p" ] && continue
		mkdir "$1$p" || skip "cannot make $1$p (read-only cgroup fs?)"
		made="$1$p $made"
	done
}
cleanup_cgroups() {
	for p in $(cat "$TMP/pids" 2>/dev/null); do kill "$p" 2>/dev/null; done
	sleep 0.3
	for d in $made; do rmdir "$d" 2>/dev/null; done
}
on_exit cleanup_cgroups
mk "$rootA" "$A"
mk "$rootA" "$X"
mk "$rootB" "$B"
mk "$rootA" "$S"
note "A: $rootA$A"
note "B: $rootB$B"

# in_cgroup DIR CMD...: run CMD in cgroup DIR, in the background (BG_PID)
in_cgroup() {
	d=$1; shift
	sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$d" "$@" >/dev/null &
	BG_PID=$!
	started $BG_PID
}
in_cgroup "$rootA$A" "$PFX_LOAD" steady -s 64M --rate 3000 --seconds 60; LA=$BG_PID
in_cgroup "$rootB$B" "$PFX_LOAD" steady -s 64M --rate 2000 --seconds 60; LB=$BG_PID
in_cgroup "$rootA$X" sleep 60; LX=$BG_PID
in_cgroup "$rootA$S" sleep 60; LS=$BG_PID
sleep 0.5
# the path pfx shows: cgroup2's unless that is the root, else the v1 memory one
shown() {
	p=$(sed -n 's/^0:://p' "/proc/$1/cgroup")
	[ -n "$p" ] && [ "$p" != / ] || p=$(sed -n 's/^[0-9]*:[^:]*memory[^:]*://p' "/proc/$1/cgroup")
	echo "$p"
}
for p in "$LA:$A" "$LB:$B" "$LX:$X" "$LS:$S"; do
	got=$(shown "${p%%:*}")
	[ "$got" = "${p#*:}" ] || { cat "/proc/${p%%:*}/cgroup"; fail "pid ${p%%:*} shows cgroup '$got', not ${p#*:}"; }
done

# --- pfx serve: the labels of every series with a cgroup ---
serve_start -G "$A,$B,$X,$S" --top 50
[ "$(scrape)" = 200 ] || fail "GET /metrics did not give 200"
grep 'kubepods\|pfx-test' "$TMP/metrics" | cut -c1-400
promtool check metrics <"$TMP/metrics" >"$TMP/promtool.out" 2>&1 ||
	{ cat "$TMP/promtool.out"; fail "promtool check metrics failed"; }
labels() { grep "^pfx_page_faults_total{pid=\"$1\"" "$TMP/metrics" | grep 'type="minor"' | sed 's/.*cgroup="[^"]*"//; s/,type=.*//'; }
[ "$(labels $LA)" = ",pod_uid=\"$uid\",container_id=\"$id\",qos_class=\"burstable\"" ] ||
	fail "A's labels: '$(labels $LA)'"
[ "$(labels $LB)" = ",pod_uid=\"$uidB\",container_id=\"$idB\",qos_class=\"guaranteed\"" ] ||
	fail "B's labels: '$(labels $LB)'"
# X: a container ID of 63 digits is no container ID; its pod is still named
[ "$(labels $LX)" = ",pod_uid=\"$uid\",qos_class=\"burstable\"" ] || fail "X's labels: '$(labels $LX)'"
[ "$(labels $LS)" = ",service=\"pfx-test-$$.service\"" ] || fail "S's labels: '$(labels $LS)'"
# the same labels on the start time, RSS and swap series of a process
for f in pfx_process_start_time_seconds pfx_process_resident_memory_bytes pfx_process_swap_bytes; do
	grep -q "^$f{pid=\"$LA\",comm=\"pfx-load\",cgroup=\"$A\",pod_uid=\"$uid\",container_id=\"$id\",qos_class=\"burstable\"} " \
		"$TMP/metrics" || fail "$f of A lacks the labels"
done
# a cgroup's totals (where it has memory.stat) carry its names too
if [ -e "$rootB$B/memory.stat" ]; then
	grep -q "^pfx_cgroup_page_faults_total{cgroup=\"$B\",pod_uid=\"$uidB\",container_id=\"$idB\",qos_class=\"guaranteed\",type=\"minor\"} [1-9]" \
		"$TMP/metrics" || fail "B's cgroup totals lack its names"
fi
# pid="other" is as it was: no names
grep -q '^pfx_page_faults_total{pid="other",comm="other",cgroup="",type="minor"}' "$TMP/metrics" ||
	fail "the other series changed"
# a real Prometheus scrapes them: the pod's rate by its pod and container
if command -v prometheus >/dev/null; then
	prometheus_start pfx "$SERVE_ADDR"
	sleep 4
	got=$($CLIENT query "$PROM" "sum by (pod_uid, container_id, qos_class) (rate(pfx_page_faults_total{pod_uid=\"$uid\",type=\"minor\"}[3s]))")
	note "prometheus: $(echo "$got" | tr '\n' ';')"
	# (the client prints label=value,...; X's sleep is the pod's other series)
	line=$(echo "$got" | grep -F "container_id=$id,")
	[ -n "$line" ] || fail "no series of A's container in Prometheus"
	echo "$line" | grep -qF "pod_uid=$uid,qos_class=burstable " || fail "A's series lacks its pod: $line"
	rate=$(echo "$line" | awk '{ print $NF }')
	awk -v r="$rate" 'BEGIN { exit !(r > 100) }' || fail "A's rate $rate/s: the load faults 3000/s"
else
	note "no prometheus: the labels are checked in the exposition only"
fi
kill $SERVE_PID

# --- pfx top --cgroup: the pod's row names it, text and JSON ---
short="pod $uid container $(echo "$id" | cut -c1-12) (burstable)"
"$PFX" top -b -d 0.5 -n 2 --cgroup >"$TMP/top.txt" || fail "top --cgroup failed"
grep -qF " $short $A" "$TMP/top.txt" || { cut -c1-300 "$TMP/top.txt"; fail "top --cgroup text: no '$short $A'"; }
grep -qF " pod $uidB container $(echo "$idB" | cut -c1-12) (guaranteed) $B" "$TMP/top.txt" || fail "top --cgroup: B not named"
# a process row keeps its path alone
grep -E "^ *$LA " "$TMP/top.txt" | grep -qF " $A" || fail "A's process row"
grep -E "^ *$LA " "$TMP/top.txt" | grep -qF "pod $uid" && fail "A's process row names the pod (only cgroup rows do)"
"$PFX" top -b -d 0.5 -n 2 --cgroup --format json >"$TMP/top.json" || fail "top --cgroup --format json failed"
jq -e --arg cg "$A" --arg u "$uid" --arg i "$id" 'select(.rows) | .rows[] | select(.kind == "cgroup" and .cgroup == $cg) |
	.pod_uid == $u and .container_id == $i and .qos_class == "burstable" and (has("service") | not)' \
	"$TMP/top.json" | grep -q true || fail "top JSON: A's cgroup row lacks its names"
jq -e --arg cg "$S" --arg s "pfx-test-$$.service" 'select(.rows) | .rows[] | select(.kind == "cgroup" and .cgroup == $cg) |
	.service == $s and (has("pod_uid") | not)' "$TMP/top.json" | grep -q true || fail "top JSON: S's service"

# --- pfx stat -G: the header names the pod and container (stderr, as perf stat) ---
if "$PFX" stat -G "$A" --duration 1 >"$TMP/stat.out" 2>"$TMP/stat.err"; then
	grep -qF "Page-fault counts for 'cgroup $A [$short]'" "$TMP/stat.err" ||
		{ cat "$TMP/stat.err"; fail "stat -G header"; }
else
	cat "$TMP/stat.err"
	grep -q 'perf_event\|memory.stat' "$TMP/stat.err" || fail "stat -G failed"
	note "stat -G on A: no counter here ($(head -n1 "$TMP/stat.err"))"
fi

# --- pfx record -G + report --by cgroup ---
if "$PFX" record -G "$A" -o "$TMP/a.data" --duration 1.5 >/dev/null 2>"$TMP/rec.err"; then
	"$PFX" report -i "$TMP/a.data" --by cgroup >"$TMP/rep.txt" 2>/dev/null || fail "report --by cgroup failed"
	grep -qF " $A  [$short]" "$TMP/rep.txt" || { cat "$TMP/rep.txt"; fail "report --by cgroup text: A not named"; }
	"$PFX" report -i "$TMP/a.data" --by cgroup --format json >"$TMP/rep.json" 2>/dev/null || fail "report JSON failed"
	jq -e --arg cg "$A" --arg u "$uid" --arg i "$id" '.cgroups[] | select(.cgroup == $cg) |
		.pod_uid == $u and .container_id == $i and .qos_class == "burstable"' "$TMP/rep.json" | grep -q true ||
		{ jq -c .cgroups "$TMP/rep.json"; fail "report JSON: A's names"; }
else
	cat "$TMP/rec.err"
	grep -qi 'perf\|denied\|not in the perf_event' "$TMP/rec.err" || fail "record -G failed"
	note "record -G on A: cannot record here"
fi
echo ok
