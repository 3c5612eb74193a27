# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-cow: children are followed (inherit): pfx-load cow forks a child
# that writes every page; its faults are recorded under its own pid, and
# with the error code they are counted as copy-on-write.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

record_load cow -s 16M
report_json
pages=$(kv pages "$TMP/load.out"); child=$(kv child_pid "$TMP/load.out")
[ -n "$child" ] || fail "pfx-load printed no child_pid: $(cat "$TMP/load.out")"
n=$(jqr "[.threads[] | select(.pid == $child) | .faults] | add // 0")
[ "$n" -ge "$pages" ] || fail "child $child has $n faults recorded, expected >= $pages"
if jqr .events | grep -q page_fault_user; then
	[ "$(jqr .types.cow)" -ge "$pages" ] || fail "cow faults $(jqr .types.cow), expected >= $pages"
fi
echo ok
