# SPDX-License-Identifier: GPL-2.0-or-later
# t-cli: the dispatcher: help, version, unknown commands.
. "$top_srcdir/tests/lib.sh"

expect_exit 0 "$PFX" --version
grep -q '^pfx [0-9]' "$TMP/out" || fail "--version printed: $(cat "$TMP/out")"
expect_exit 0 "$PFX" --help
for c in stat record report wss plot list; do
	grep -q "^  $c " "$TMP/out" || fail "--help does not list $c"
done
# 'pfx help COMMAND' is the command's own help, each beginning 'usage:' (case and all, #21).
for c in stat record report wss maps thp plot list top serve; do
	expect_exit 0 "$PFX" help $c
	grep -q "^usage: pfx $c" "$TMP/out" || fail "pfx help $c printed: $(head -n 2 "$TMP/out")"
done
expect_exit 2 "$PFX" help frobnicate
one_line_error
grep -q "no command 'frobnicate' to help with" "$TMP/err" || fail "help of an unknown command: $(cat "$TMP/err")"
expect_exit 2 "$PFX"
expect_exit 2 "$PFX" frobnicate
one_line_error
grep -q "unknown command 'frobnicate'" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
echo ok
