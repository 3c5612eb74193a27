# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-errors: bad input to record and report gives one clear line
# (exit 2 for usage, 1 for runtime), never a crash or a half-written file.
. "$top_srcdir/tests/lib.sh"

cd "$TMP" || exit 99
expect_exit 2 "$PFX" record -m 3 -- true
one_line_error; grep -q "power of two" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
expect_exit 2 "$PFX" record -m 0 -- true
one_line_error
expect_exit 2 "$PFX" record --frobnicate -- true
one_line_error; grep -q "frobnicate" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
expect_exit 2 "$PFX" record
one_line_error; grep -q -- "-p PID" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
expect_exit 2 "$PFX" record -p 1 -- true
one_line_error
expect_exit 2 "$PFX" record -p abc
one_line_error
expect_exit 2 "$PFX" record -p 1 x
one_line_error
grep -q "'x' is not a duration; with -p give seconds to record" "$TMP/err" || fail "-p PID x: $(cat "$TMP/err")"
expect_exit 2 "$PFX" record -p 1 1 2
one_line_error
expect_exit 2 "$PFX" record --call-graph=lbr -- true
one_line_error
grep -q "unknown call-graph mode 'lbr'; use --call-graph=fp or --call-graph=dwarf" "$TMP/err" || fail "lbr: $(cat "$TMP/err")"
expect_exit 2 "$PFX" record -p abc
one_line_error
expect_exit 1 "$PFX" record -o "$TMP/x.data" -p 999999999
one_line_error; grep -q "no process" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
expect_exit 127 "$PFX" record -o "$TMP/x.data" -- /nonexistent/cmd
one_line_error
[ ! -e "$TMP/x.data" ] || fail "a failed record left $TMP/x.data"
ls "$TMP" | grep -q 'x.data.tmp' && fail "a failed record left a temporary file"
expect_exit 1 "$PFX" record -o "$TMP/no/such/dir/x.data" -- true
one_line_error; grep -q "cannot create" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"

# report
expect_exit 1 "$PFX" report -i "$TMP/missing.data"
one_line_error; grep -q "no such file" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
expect_exit 1 "$PFX" report
one_line_error	# no pfx.data in the current directory
echo "hello, not a recording" >"$TMP/text.data"
expect_exit 1 "$PFX" report -i "$TMP/text.data"
one_line_error; grep -q "not a pfx record file" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
: >"$TMP/empty.data"
expect_exit 1 "$PFX" report -i "$TMP/empty.data"
one_line_error
expect_exit 1 "$PFX" report -i "$TMP"
one_line_error
expect_exit 2 "$PFX" report --format xml
one_line_error
expect_exit 2 "$PFX" report --top 0
one_line_error
expect_exit 2 "$PFX" report --by color
one_line_error
expect_exit 2 "$PFX" report stray
one_line_error
echo ok
