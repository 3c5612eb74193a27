# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-errors: bad input to 'pfx serve' gets one line naming the problem
# and the fix, exit 2 for the command line and 1 for what the system
# refuses (a port in use, an address not here, a PID or cgroup that is
# not there, a textfile that cannot be written); help is there.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"

for bad in nonsense 127.0.0.1 127.0.0.1: 127.0.0.1:99999 127.0.0.1:-1 ::1:9456 '[::1]9456' \
	http://127.0.0.1:9456 '1.2.3.4:80 x'; do
	usage_error_of serve "invalid --listen .*; give ADDR:PORT" --listen "$bad"
done
usage_error_of serve "invalid --listen ''" -l ''
usage_error_of serve "'--listen' needs a value" --listen
usage_error_of serve "unknown option '--bogus'" --bogus
for bad in abc -1 101 '' 1%% 1e9; do
	usage_error_of serve "invalid --budget '$bad'; give a percentage of one core, 0 to 100" --budget "$bad"
done
usage_error_of serve "-a, -p and -G choose what is watched; give one" -a -p 1
usage_error_of serve "-a, -p and -G choose what is watched; give one" -p 1 -G /x
usage_error_of serve "invalid --top '0'" --top 0
usage_error_of serve "invalid --top 'many'" --top many
usage_error_of serve "with -p every process listed" -p 1 --top 3
usage_error_of serve "invalid PID list 'abc'" -p abc
usage_error_of serve "give --textfile PATH" -I 1000
usage_error_of serve "give --textfile PATH" --interval-count 1
usage_error_of serve "interval '5' ms is too short" --textfile "$TMP/x.prom" -I 5
usage_error_of serve "interval '-1' is negative" --textfile "$TMP/x.prom" -I -1
usage_error_of serve "it does not go with --listen" --textfile "$TMP/x.prom" --interval-count 1 -l 127.0.0.1:0
usage_error_of serve "invalid count '0'" --textfile "$TMP/x.prom" --interval-count 0
usage_error_of serve "invalid --client-timeout 'soon'" --client-timeout soon
usage_error_of serve "--textfile needs a path" --textfile ''
usage_error_of serve "unexpected argument 'extra'" extra
usage_error_of serve "invalid cgroup list ','" -G ,

# what the system refuses: exit 1, one line
sleep 30 & S=$!; started $S; kill $S; wait $S 2>/dev/null
expect_exit 1 "$PFX" serve -p "$S" -l 127.0.0.1:0
one_line_error; grep -q "no process with PID $S" "$TMP/err" || fail "absent PID: $(cat "$TMP/err")"
expect_exit 1 "$PFX" serve -G /pfx-no-such-cgroup-$$ -l 127.0.0.1:0
one_line_error; grep -q "no cgroup '/pfx-no-such-cgroup-$$'" "$TMP/err" || fail "absent cgroup: $(cat "$TMP/err")"
expect_exit 1 "$PFX" serve -p $$ --textfile "$TMP/no/such/dir/x.prom"
one_line_error; grep -q "cannot write '$TMP/no/such/dir/x.prom'.*check the directory" "$TMP/err" || fail "textfile dir: $(cat "$TMP/err")"
mkdir "$TMP/d.prom"
expect_exit 1 "$PFX" serve -p $$ --textfile "$TMP/d.prom"
one_line_error
# an address of another host: nothing is sent, bind(2) refuses it
expect_exit 1 "$PFX" serve -p $$ -l 192.0.2.1:9456
one_line_error; grep -q "cannot listen on '192.0.2.1:9456'" "$TMP/err" || fail "foreign address: $(cat "$TMP/err")"
# a port in use
serve_start -p $$
expect_exit 1 "$PFX" serve -p $$ -l "$SERVE_ADDR"
one_line_error; grep -q "in use; pick another port" "$TMP/err" || fail "port in use: $(cat "$TMP/err")"
kill $SERVE_PID; wait $SERVE_PID || fail "exit $? on SIGTERM"
# a textfile not named *.prom: written, with one warning
"$PFX" serve -p $$ --textfile "$TMP/x.txt" --interval-count 1 2>"$TMP/warn" || fail "--textfile x.txt: exit $?"
grep -q "warning: node_exporter's textfile collector reads only files named \*.prom" "$TMP/warn" ||
	fail "no *.prom warning: $(cat "$TMP/warn")"
[ -s "$TMP/x.txt" ] || fail "x.txt not written"

# help
expect_exit 0 "$PFX" serve --help
grep -q '^usage: pfx serve' "$TMP/out" || fail "pfx serve --help"
expect_exit 0 "$PFX" help serve
grep -q -- '--textfile PATH' "$TMP/out" || fail "pfx help serve"
"$PFX" --help | grep -q '^  serve ' || fail "serve is not in pfx --help"
# The spellings before -I MSEC (#21) work this release, each with a note
# naming the new one: -i SECONDS, -n/--iterations COUNT, --all.
expect_exit 0 "$PFX" serve -p $$ --textfile "$TMP/old.prom" -i 0.2 -n 2
grep -q '^pfx: note: serve -i is an old spelling.*use -I MSEC' "$TMP/err" || fail "-i: $(cat "$TMP/err")"
grep -q '^pfx: note: serve -n is an old spelling.*use --interval-count N' "$TMP/err" || fail "-n: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/err")" -eq 2 ] || fail "old spellings: $(cat "$TMP/err")"
expect_exit 0 "$PFX" serve --all --textfile "$TMP/old.prom" --iterations 1
grep -q '^pfx: note: serve --all is an old spelling.*use -a, --all-cpus' "$TMP/err" || fail "--all: $(cat "$TMP/err")"
grep -q '^pfx: note: serve --iterations is an old spelling' "$TMP/err" || fail "--iterations: $(cat "$TMP/err")"
grep -q '^pfx_watched_processes' "$TMP/old.prom" || fail "--all wrote no metrics"
# --interval was seconds: a value that reads as seconds gets a note.
expect_exit 0 "$PFX" serve -p $$ --textfile "$TMP/old.prom" --interval 100 --interval-count 1
grep -q '^pfx: note: --interval is in milliseconds now.*every 100 ms' "$TMP/err" || fail "--interval 100: $(cat "$TMP/err")"
echo ok
