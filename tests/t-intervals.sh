# SPDX-License-Identifier: GPL-2.0-or-later
# t-intervals: one range for every sampling interval (stat, thp, top, wss):
# 0.01 s to 86400 s; below or above is one usage line (exit 2); wss also
# takes 0 (back-to-back windows).
. "$top_srcdir/tests/lib.sh"
for bad in 0.001 1e-9 86401 1e30; do
	for cmd in "stat -p $$ $bad 1" "thp -p $$ $bad 1" "top -b -n 1 -d $bad" "wss -p $$ $bad 1"; do
		# shellcheck disable=SC2086
		expect_exit 2 "$PFX" $cmd
		one_line_error
	done
done
for ok in 0.01 86400; do
	# the parse only: a PID that is gone ends each at run time (exit 1), not as usage (2)
	sh -c 'exit 0' & gone=$!; wait $gone
	for cmd in "stat -p $gone $ok 1" "thp -p $gone $ok 1" "wss -p $gone $ok 1"; do
		# shellcheck disable=SC2086
		"$PFX" $cmd >/dev/null 2>&1
		[ $? -ne 2 ] || fail "pfx $cmd: $ok refused as usage"
	done
done
expect_exit 1 "$PFX" wss -p "$gone" 0 1
echo ok
