# SPDX-License-Identifier: GPL-2.0-or-later
# t-wss: 'pfx wss' on the real kernel: method choice and its header, the
# three formats, attaching, target exit, Ctrl-C, and every bad input (one
# clear line, exit 2 for usage, 1 for runtime problems).
. "$top_srcdir/tests/lib.sh"

# --- usage errors: exit 2, one line ---
usage_error() { # PATTERN ARGS...
	pattern=$1; shift
	expect_exit 2 "$PFX" wss "$@"
	one_line_error
	grep -q "$pattern" "$TMP/err" || fail "'pfx wss $*': unclear error: $(cat "$TMP/err")"
}
usage_error "unknown method 'bogus'" --method bogus -p $$
usage_error "invalid INTERVAL '-1'" -p $$ -1
usage_error "invalid INTERVAL '-0.5'" -p $$ -0.5 3
usage_error "invalid INTERVAL 'abc'" -p $$ abc
usage_error "invalid COUNT '0'" -p $$ 1 0
usage_error "invalid COUNT 'x'" -p $$ 1 x
usage_error "unexpected argument" -p $$ 1 2 3
usage_error "invalid PID '0'" -p 0
usage_error "invalid PID 'abc'" -p abc
usage_error "which process" 1
usage_error "not both" -p $$ -- true
usage_error "no command after --" --
usage_error "unknown format 'xml'" --format xml -p $$
usage_error "needs a value" -p
usage_error "unknown option" --frobnicate -p $$
usage_error "invalid INTERVAL '1e-9'" -p $$ 1e-9
usage_error "do not go together" --cumulative --profile 3 -p $$
usage_error "do not go together" --profile 3 --cumulative -p $$
usage_error "invalid --profile '0'" --profile 0 -p $$
usage_error "invalid --profile '25'" --profile 25 -p $$
usage_error "needs an INTERVAL above 0" --cumulative -p $$ 0
usage_error "takes no COUNT" --profile 3 -p $$ 1 5
usage_error "does not apply to --method inject" --method inject --no-flush -p $$

# --- runtime errors: exit 1, one line ---
sh -c 'exit 0' & gone=$!
wait $gone
expect_exit 1 "$PFX" wss -p $gone 0.1 1
one_line_error
grep -q "process $gone does not exist" "$TMP/err" || fail "dead PID: $(cat "$TMP/err")"

# A kernel thread has no pages to measure.
if [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]; then
	expect_exit 1 "$PFX" wss -p 2 0.1 1
	one_line_error
	[ ! -s "$TMP/out" ] || fail "kernel thread: output before the error: $(cat "$TMP/out")"
	grep -q "process 2 (kthreadd) is a kernel thread: it has no user memory" "$TMP/err" || fail "kernel thread: $(cat "$TMP/err")"
else
	note "PID 2 is not kthreadd here (PID namespace?): kernel-thread check not run"
fi

expect_exit 1 "$PFX" wss --method idle -p $$ 0.1 1
one_line_error
grep -qx 'pfx: idle page tracking is not available on this kernel (no /sys/kernel/mm/page_idle/bitmap); use --method refs or a kernel with CONFIG_IDLE_PAGE_TRACKING' "$TMP/err" ||
	fail "idle on this kernel: $(cat "$TMP/err")"

expect_exit 1 "$PFX" wss -o /nonexistent/dir/out.json -p $$ 0.1 1
one_line_error
grep -q "cannot create '/nonexistent/dir/out.json'" "$TMP/err" || fail "unwritable output: $(cat "$TMP/err")"

# A command that is over before the first sample: say so, leave no file.
expect_exit 1 "$PFX" wss --format json -o "$TMP/short.json" 5 -- true
one_line_error
grep -q "exited before the first sample; use a shorter INTERVAL" "$TMP/err" || fail "short command: $(cat "$TMP/err")"
[ ! -e "$TMP/short.json" ] || fail "a file was left for a run without samples"
expect_exit 127 "$PFX" wss 0.1 1 -- /nonexistent/program
one_line_error
grep -q "cannot run '/nonexistent/program'" "$TMP/err" || fail "bad command: $(cat "$TMP/err")"

# Permission: nobody may not clear the referenced bits of a root process.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	sleep 30 & victim=$!
	expect_exit 1 setpriv --reuid=nobody --regid=nogroup --clear-groups "$PFX" wss -p $victim 0.1 1
	kill $victim
	one_line_error
	grep -q "not allowed to use /proc/$victim/clear_refs and smaps (Permission denied); run pfx as root or as the owner of process $victim" "$TMP/err" ||
		fail "permission: $(cat "$TMP/err")"
else
	note "permission check needs root and setpriv: not run"
fi

# --- auto on this kernel: refs, saying why and that it perturbs reclaim ---
expect_exit 0 "$PFX" wss 0.2 2 -- sleep 2
head -n 1 "$TMP/out" | grep -q "method refs (auto: no /sys/kernel/mm/page_idle/bitmap" || fail "header: $(head -n 2 "$TMP/out")"
grep -q "perturbs the target's reclaim" "$TMP/out" || fail "text output does not say refs perturbs reclaim"
[ "$(awk 'NF == 10 && $1 ~ /^[0-9.]+$/' "$TMP/out" | wc -l)" -eq 2 ] || { cat "$TMP/out"; fail "expected 2 sample rows"; }

expect_exit 0 "$PFX" wss --format csv 0.2 2 -- sleep 2
sed -n 1p "$TMP/out" | grep -q '^# pfx wss: .*method refs.*perturbs' || fail "csv comment line: $(sed -n 1p "$TMP/out")"
sed -n 2p "$TMP/out" | grep -q '^time,window_s,method,scope,start,end,name,wss_bytes,wss_anon_bytes,wss_file_bytes,rss_bytes,reset_ms,read_ms,pss_bytes,faults,written_bytes$' ||
	fail "csv header: $(sed -n 2p "$TMP/out")"
[ "$(grep -c ',refs,total,' "$TMP/out")" -eq 2 ] || { cat "$TMP/out"; fail "expected 2 csv total rows"; }

# --- attach, JSON, and the target exiting mid-run ---
sleep 1.3 & short=$!
expect_exit 0 "$PFX" wss --format json -o "$TMP/exit.json" -p $short 0.3
wait $short
one_line_error
grep -q "process $short exited; stopped after [1-9][0-9]* samples" "$TMP/err" || fail "exit notice: $(cat "$TMP/err")"
head -n 1 "$TMP/exit.json" | grep -q '"type":"header".*"method":"refs".*"perturbs_reclaim":true' || fail "json header: $(head -n 1 "$TMP/exit.json")"
n=$(grep -c '"type":"sample"' "$TMP/exit.json")
[ "$n" -ge 2 ] && [ "$n" -le 5 ] || fail "$n samples over a 1.3 s life at 0.3 s"
for key in time window_s method wss_bytes wss_anon_bytes wss_file_bytes rss_bytes pss_bytes faults reset_ms read_ms; do
	[ -n "$(json_field "$key" "$TMP/exit.json")" ] || fail "no \"$key\" in the samples"
done
# sleep's RSS is ~1 MiB of libc and the binary: same as /proc says
rss=$(json_field rss_bytes "$TMP/exit.json")
[ "$rss" -gt 100000 ] && [ "$rss" -lt 20000000 ] || fail "implausible RSS of sleep: $rss"
window=$(json_field window_s "$TMP/exit.json")
awk -v w="$window" 'BEGIN { exit !(w > 0.29 && w < 0.6) }' || fail "window $window s for INTERVAL 0.3"

# --- the target calls execve while watched (attached between a fork and
# its exec): sampling goes on in the new address space until the exit ---
sh -c 'sleep 0.6; exec sleep 1' & execer=$!
expect_exit 0 "$PFX" wss --format json -o "$TMP/exec.json" -p $execer 0.2
wait $execer
grep -q "process $execer exited; stopped after [0-9]* samples" "$TMP/err" || fail "exec: $(cat "$TMP/err")"
n=$(grep -c '"type":"sample"' "$TMP/exec.json")
[ "$n" -ge 6 ] || fail "exec: $n samples over 1.6 s at 0.2 s: sampling stopped at the execve"

# --- a reader that goes away (| head) stops pfx wss quietly and at once ---
start=$(date +%s)
"$PFX" wss 0.1 -- sleep 10 2>"$TMP/err" | head -n 4 >"$TMP/out"
[ $(( $(date +%s) - start )) -lt 5 ] || fail "pfx wss kept running after its reader exited"
[ ! -s "$TMP/err" ] || fail "closed pipe: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/out")" -eq 4 ] || fail "head got $(wc -l <"$TMP/out") lines"

# --- Ctrl-C: the file is completed with the samples taken ---
"$PFX" wss --format json -o "$TMP/int.json" 0.2 -- sleep 20 2>"$TMP/err" &
wss_pid=$!
sleep 1
kill -INT $wss_pid
wait $wss_pid
rc=$?
[ $rc -eq 0 ] || fail "pfx wss exited $rc after SIGINT"
[ -s "$TMP/int.json" ] || fail "no output file after SIGINT"
n=$(grep -c '"type":"sample"' "$TMP/int.json")
[ "$n" -ge 2 ] || fail "only $n samples after 1 s at 0.2 s"
ls "$TMP" | grep -q 'int.json.tmp' && fail "temporary file left behind"
child=$(json_field pid "$TMP/int.json")
[ -n "$child" ] && ! kill -0 "$child" 2>/dev/null || fail "launched command $child left running"
echo ok
