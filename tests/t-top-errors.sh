# SPDX-License-Identifier: GPL-2.0-or-later
# t-top-errors: every bad input to 'pfx top' gives one line "pfx: ..."
# naming the problem and the fix, exit 2 for the command line and 1 for
# what is wrong at run time; --help exits 0.
. "$top_srcdir/tests/lib.sh"

top_usage() { usage_error_of top "$@"; }
top_usage "invalid delay '-1'" -b -d -1
top_usage "delay '0' s is too short" -b -d 0
top_usage "delay '0.009' s is too short" -b -d 0.009
top_usage "delay '86401' s is too long" -b -d 86401
top_usage "invalid delay 'abc'" -b -d abc
top_usage "invalid count '0'" -b -n 0
top_usage "invalid count 'x'" -b -n x
top_usage "unknown format 'xml'; use text, json or csv" -b --format xml
top_usage "unknown sort key 'foo'" -b --sort foo
top_usage "invalid --top '0'" -b --top 0
top_usage "invalid PID list 'abc'" -b -p abc
top_usage "unknown user 'no-such-user-pfx'" -b -u no-such-user-pfx
top_usage "give one" -b --tree --cgroup
top_usage "invalid --alert-minor rate 'x'" -b --alert-minor x
top_usage "invalid --alert-major rate '-5'" -b --alert-major -5
top_usage "invalid --alert-swap '12Q'" -b --alert-swap 12Q
top_usage "invalid --alert-for time 'soon'" -b --alert-minor 1 --alert-for soon
top_usage "need an alert" -b --alert-for 1
top_usage "need an alert" -b --alert-exec true
top_usage "cannot run '/nonexistent/hook'" -b --alert-minor 1 --alert-exec /nonexistent/hook
top_usage "cannot run 'no-such-command-pfx'" -b --alert-minor 1 --alert-exec no-such-command-pfx
top_usage "--alert-exec needs a command" -b --alert-minor 1 --alert-exec " "
top_usage "unknown option '--bogus'" -b --bogus
top_usage "option '-d' needs a value" -b -d
top_usage "unexpected argument 'extra'" -b extra
# The full-screen view without a terminal (stdin and stdout are files here).
top_usage "needs a terminal; use -b" </dev/null

# Run time: a PID that is gone, an output that cannot be written.
sh -c 'exit 0' & gone=$!; wait $gone
expect_exit 1 "$PFX" top -b -n 1 -p "$gone"
one_line_error
grep -q "no process with PID $gone" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
expect_exit 1 "$PFX" top -b -n 1 -d 0.1 -o /nonexistent/dir/top.json
one_line_error
grep -q "cannot write '/nonexistent/dir/top.json'" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"

# A full disk is an error; a reader that leaves ('| head') is a normal end.
expect_exit 1 "$PFX" top -b -d 0.1 -o /dev/full
one_line_error
grep -q "cannot write '/dev/full'" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
timeout 10 sh -c "'$PFX' top -b -d 0.1 2>'$TMP/err' | head -n 2 >/dev/null; exit \$(( \$? ))" ||
	fail "pfx top -b | head did not end"
[ -s "$TMP/err" ] && fail "pfx top -b | head: $(cat "$TMP/err")"

expect_exit 0 "$PFX" top --help
grep -q 'usage: pfx top' "$TMP/out" || fail "--help"
"$PFX" --help | grep -q '^  top ' || fail "pfx --help does not list top"
echo ok
