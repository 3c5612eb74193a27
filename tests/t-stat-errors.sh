# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-errors: every bad input gives one clear 'pfx: ...' line and exit
# 1 (runtime) or 2 (usage), never a crash, never a partial output file.
. "$top_srcdir/tests/lib.sh"

# err CODE PATTERN ARGS...: pfx stat ARGS exits CODE with one error line matching PATTERN.
err() {
	code=$1 pattern=$2; shift 2
	expect_exit "$code" "$PFX" stat "$@"
	one_line_error
	grep -q "$pattern" "$TMP/err" || fail "'pfx stat $*': error does not match '$pattern': $(cat "$TMP/err")"
	[ -s "$TMP/out" ] && fail "'pfx stat $*' printed on stdout: $(cat "$TMP/out")"
	true
}

# A PID that does not exist: take a finished child's.
sh -c 'exit 0' & gone=$!; wait "$gone"
err 1 "no process with PID $gone" -p "$gone"
err 1 "no process with PID" -p "1,$gone"
err 2 "invalid PID list 'abc'" -p abc
err 2 "invalid PID list '12x'" -p 12x
err 2 "invalid PID list '-5'" -p -5
err 2 "invalid PID list '1,,2'" -p 1,,2
err 2 "unknown format 'xml'" --format xml -- true
err 2 "unknown source 'bpf'" --source bpf -- true
err 2 "unknown option '--frobnicate'" --frobnicate -- true
err 2 "needs a value" --format
err 2 "invalid --alert-minor rate 'fast'" --alert-minor fast -- true
err 2 "invalid --alert-major rate '-3'" --alert-major -3 -- true
# a command that cannot run: 127 not found, 126 not executable (pfx(1), EXIT STATUS)
err 127 "cannot run 'pfx-no-such-command'" -- pfx-no-such-command
err 126 "cannot run '/etc/passwd'" -- /etc/passwd
# Intervals: negative, zero, too short, not a number, given twice.
err 2 "interval '-5' is negative" -I -5 -- true
err 2 "negative interval" -p $$ -1
err 2 "interval '-0.5' is negative" -p $$ -- -0.5
err 2 "too short" -I 0 -- true
err 2 "too short" -I 5 -- true
err 2 "too short" -p $$ 0
err 2 "invalid interval 'soon'" -I soon -- true
err 2 "invalid interval 'ls'" -p $$ ls
err 2 "invalid count '0'" -p $$ 1 0
err 2 "unexpected argument" -p $$ 1 2 3
err 2 "given twice" -I 100 -p $$ 1
err 2 "duration '0' is not a duration" --duration 0 -- true
err 2 "duration 'soon' is not a duration" --duration soon -- true
err 2 "needs an interval" --interval-count 3 -- true
err 2 "nothing to count" --per-thread
# Host scopes (-a, -A, -G) with what does not go with them.
err 2 "and -p count different things" -a -p $$
err 2 "give it with -a or -G" -A -- true
err 2 "with -a or -G use -A" -a --per-thread
err 2 "counts processes; with -a use perf or vmstat" -a --source tracefs
err 2 "counts the whole host; give -a" --source vmstat -- true

# -o: a file that cannot be created; and nothing is left when the
# command cannot run (the file is complete or absent).
err 1 "cannot write '$TMP/no/such/dir/out.json'" -o "$TMP/no/such/dir/out.json" -- true
err 127 "cannot run" -o "$TMP/out.json" -- pfx-no-such-command
[ -e "$TMP/out.json" ] && fail "output file left after a failed start"
ls "$TMP" | grep -q 'out.json.tmp' && fail "temporary output file left behind"

# --help is not an error.
expect_exit 0 "$PFX" stat --help
grep -q '^usage: pfx stat' "$TMP/out" || fail "--help shows no usage"
echo ok
