# SPDX-License-Identifier: GPL-2.0-or-later
# t-exit-status: the one exit-status rule of the commands that launch a
# command (pfx(1), EXIT STATUS): the command's own status (its exit code,
# 128 + the signal that killed it); 0 when pfx ended it (--interval-count,
# --duration, a stop signal); 127 / 126 when it cannot run.
. "$top_srcdir/tests/lib.sh"

# run CMD... for each launching command; $1 the status expected
each() {
	want=$1; shift
	expect_exit "$want" "$PFX" stat -o /dev/null "$@"
	expect_exit "$want" "$PFX" record -o "$TMP/r.data" "$@"
	expect_exit "$want" "$PFX" wss -o /dev/null 0.05 "$@"
	expect_exit "$want" "$PFX" thp -o /dev/null 0.05 "$@"
}
each 0 -- sh -c 'sleep 0.2'
each 3 -- sh -c 'sleep 0.2; exit 3'
each 143 -- sh -c 'sleep 0.2; kill -TERM $$'
each 127 -- pfx-no-such-command
drop_tracepoint_warning	# thp's, as a user who cannot read tracefs
one_line_error
each 126 -- /etc/passwd
drop_tracepoint_warning
one_line_error
# pfx ended it: its run was over
expect_exit 0 "$PFX" stat -I 100 --interval-count 1 -o /dev/null -- sleep 10
expect_exit 0 "$PFX" stat --duration 0.3 -o /dev/null -- sleep 10
expect_exit 0 "$PFX" wss -I 100 --interval-count 1 -o /dev/null -- sleep 10
expect_exit 0 "$PFX" thp -I 100 --duration 0.3 -o /dev/null -- sleep 10
# ... or pfx was stopped (the signal passed on): a measurement ended by Ctrl-C
"$PFX" stat -o /dev/null -- sh -c 'sleep 10; exit 5' & pid=$!
sleep 0.5; kill -INT $pid; wait $pid; rc=$?
[ "$rc" -eq 0 ] || fail "stat stopped by SIGINT exited $rc"
# record --duration stops the recording, not the command: its own status
expect_exit 4 "$PFX" record -o "$TMP/r.data" --duration 0.2 -- sh -c 'sleep 0.5; exit 4'
# an attached process is never pfx's to report on
sh -c 'sleep 0.5; exit 6' & sp=$!
expect_exit 0 "$PFX" stat -o /dev/null -p $sp
wait $sp
echo ok
