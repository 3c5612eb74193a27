# SPDX-License-Identifier: GPL-2.0-or-later
# t-tracefs-sigkill: 'pfx stat --source tracefs -p PID' and 'pfx record
# --source tracefs -p PID' killed with SIGKILL leave no tracefs instance
# behind: within 1 s their guardian has stopped and removed it (before,
# it kept tracing until the next pfx run).
. "$top_srcdir/tests/lib.sh"
need_root
tdir=$(tracefs_dir)
[ -n "$tdir" ] || "$PFX" list >/dev/null    # pfx mounts tracefs when needed
tdir=$(tracefs_dir)
[ -n "$tdir" ] || skip "tracefs is not available on this kernel"
[ -d "$tdir/events/exceptions/page_fault_user" ] || skip "no exceptions:page_fault_user tracepoint"

load=
"$PFX_LOAD" steady --seconds 30 --rate 2000 >/dev/null 2>&1 &
load=$!

# instances_of PID: pfx PID's instances
instances_of() { ls "$tdir/instances" | grep "^pfx-$1-" || true; }

for cmd in "stat --source tracefs -o /dev/null -p $load" "record --source tracefs -o $TMP/k.data -p $load"; do
	# shellcheck disable=SC2086  # cmd is split on purpose
	"$PFX" $cmd >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do [ -n "$(instances_of $pid)" ] && break; sleep 0.1; done
	[ -n "$(instances_of $pid)" ] || fail "pfx $cmd: no instance pfx-$pid-* while running"
	sleep 0.3
	kill -KILL $pid; wait $pid 2>/dev/null
	gone=
	for i in $(seq 20); do
		[ -z "$(instances_of $pid)" ] && { gone=$i; break; }
		sleep 0.05
	done
	[ -n "$gone" ] || fail "pfx $cmd killed with SIGKILL: instance $(instances_of $pid) still there after 1 s"
	note "pfx $cmd: instance gone within $((gone * 50)) ms of SIGKILL"
	no_pfx_instances
done
[ "$(cat "$tdir/events/exceptions/page_fault_user/enable")" = 0 ] || fail "page_fault_user left enabled"
echo ok
