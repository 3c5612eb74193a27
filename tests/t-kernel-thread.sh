# SPDX-License-Identifier: GPL-2.0-or-later
# t-kernel-thread: every command that watches one process refuses a kernel
# thread with the same line (exit 1), before any output: pfx stat, record,
# wss, maps, thp on -p 2 (kthreadd).
. "$top_srcdir/tests/lib.sh"
[ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ] || skip "PID 2 is not kthreadd here (a PID namespace?)"
for c in "stat -p 2 0.1" "record -o $TMP/k.data -p 2 1" "wss -p 2 0.1 1" "maps -p 2" "thp -p 2 0.1 1"; do
	# shellcheck disable=SC2086
	expect_exit 1 "$PFX" $c
	one_line_error
	grep -qx "pfx: process 2 (kthreadd) is a kernel thread: it has no user memory to fault or measure; give a user process" "$TMP/err" ||
		fail "pfx $c: $(cat "$TMP/err")"
	[ ! -s "$TMP/out" ] || fail "pfx $c printed before the error: $(cat "$TMP/out")"
done
[ ! -e "$TMP/k.data" ] || fail "record left a file for a kernel thread"
echo ok
