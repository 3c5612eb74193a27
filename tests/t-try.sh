# SPDX-License-Identifier: GPL-2.0-or-later
# t-try: pfx try's refusals and its environment.
#   a static binary (gcc -static, or busybox-static), a set-user-ID copy of a
#   program, an unknown remedy, a command not found, no remedy, no command:
#   one line each, non-zero exit;
#   the preload never leaks: a grandchild the command runs sees neither
#   LD_PRELOAD, the PFX_TRY_* settings nor the tunables pfx added, and
#   gets the user's own GLIBC_TUNABLES back; pfx's environment is untouched;
#   perf denied: counted by the fallback, no time in faults, one warning;
#   --timeout ends a run; --format json holds every run; Ctrl-C reports
#   the rounds done.
. "$top_srcdir/tests/lib.sh"
command -v jq >/dev/null || skip "no jq"

# --- refusals ---
# a static program: gcc -static where libc.a is installed, else busybox-static
static=
if command -v gcc >/dev/null && printf 'int main(void) { return 0; }\n' >"$TMP/s.c" &&
	gcc -static -o "$TMP/static" "$TMP/s.c" 2>/dev/null; then
	static=$TMP/static
elif command -v busybox >/dev/null && ! ldd "$(command -v busybox)" >/dev/null 2>&1; then
	static=$(command -v busybox)
fi
[ -n "$static" ] || skip "no static program to refuse (no libc.a for gcc -static, no busybox-static)"
expect_exit 1 "$PFX" try --remedy populate -- "$static"
one_line_error
grep -q "static binary.*ignores LD_PRELOAD" "$TMP/err" || fail "static: $(cat "$TMP/err")"

cp "$(command -v cat)" "$TMP/suid-true" && chmod 4755 "$TMP/suid-true"
expect_exit 1 "$PFX" try --remedy mlock -- "$TMP/suid-true"
one_line_error
grep -q "set-user-ID.*secure-execution" "$TMP/err" || fail "setuid: $(cat "$TMP/err")"
chmod 2755 "$TMP/suid-true"
expect_exit 1 "$PFX" try --remedy mlock -- "$TMP/suid-true"
grep -q "set-group-ID" "$TMP/err" || fail "setgid: $(cat "$TMP/err")"

usage_error_of try "unknown remedy 'thp'; give one of populate, hugepage" --remedy populate,thp -- true
usage_error_of try "which remedy" -- true
usage_error_of try "a remedy name is missing in .--remedy populate,." --remedy populate, -- true
usage_error_of try "which command" --remedy mlock
usage_error_of try "at most" -r 5000 --remedy mlock -- true
usage_error_of try "json" --format csv --remedy mlock -- true
expect_exit 127 "$PFX" try --remedy mlock -- no-such-command-pfx
one_line_error
grep -q "cannot run 'no-such-command-pfx': not found" "$TMP/err" || fail "not found: $(cat "$TMP/err")"

# --- the preload stays in the command: a grandchild sees none of it ---
# (cat opens /proc/self/environ itself: a redirection would be opened by
# the forked shell, whose environ area is the shell's; ';' keeps sh from
# exec'ing cat in its own place: cat is a child)
GLIBC_TUNABLES=glibc.malloc.perturb=0 expect_exit 0 "$PFX" try -r 1 --remedy hugepage+populate,malloc-trim \
	--format json -- sh -c 'cat /proc/self/environ | tr "\0" "\n" >>"$0"; :' "$TMP/env"
[ "$(grep -c '^PATH=' "$TMP/env")" -eq 3 ] || fail "expected three runs' environments: $(cat "$TMP/env")"
! grep -E '^(LD_PRELOAD|PFX_TRY_)' "$TMP/env" || fail "the preload leaked into a grandchild"
! grep -E 'hugetlb|trim_threshold' "$TMP/env" || fail "the remedies' tunables leaked into a grandchild"
[ "$(grep -c '^GLIBC_TUNABLES=glibc.malloc.perturb=0$' "$TMP/env")" -eq 3 ] ||
	fail "the user's GLIBC_TUNABLES not given back: $(grep GLIBC "$TMP/env")"
! grep -E '^(LD_PRELOAD|PFX_TRY_)' /proc/$$/environ 2>/dev/null | grep -a . || fail "the test shell has it"
jq -e '.runs == 1 and (.remedies | length) == 2 and .remedies[0].name == "populate+hugepage"
	and (.baseline.faults.runs | length) == 1' "$TMP/out" >/dev/null || fail "json: $(cat "$TMP/out")"

# ... and the command itself has it: its exec environment (/proc/PID/environ)
expect_exit 0 "$PFX" try -r 1 --remedy mlock -- sh -c 'tr "\0" "\n" </proc/$$/environ >>"$0"' "$TMP/own"
grep -q '^PFX_TRY_REMEDY=mlock$' "$TMP/own" || fail "the command did not get the preload: $(cat "$TMP/own")"

# --- --no-fault-time: no fault_ms; by default every run has one ---
expect_exit 0 "$PFX" try -r 1 --no-fault-time --format json --remedy mlock -- "$(command -v cat)" /dev/null
jq -e '.baseline | has("fault_ms") | not' "$TMP/out" >/dev/null || fail "--no-fault-time: $(cat "$TMP/out")"
expect_exit 0 "$PFX" try -r 1 --format json --remedy mlock -- "$(command -v cat)" /dev/null
if grep -q "no time in faults" "$TMP/err"; then
	note "no fault time here: $(cat "$TMP/err")"
else
	jq -e '(.baseline.fault_ms.runs | length) == 1 and .baseline.fault_ms.median >= 0' "$TMP/out" >/dev/null ||
		fail "fault_ms: $(cat "$TMP/out")"
fi

# perf denied: the counts fall back (said in the header), no fault time,
# one warning for all the runs
deny="$top_builddir/tests/deny-perf"
[ -x "$deny" ] || fail "tests/deny-perf is not built (make check builds it)"
expect_exit 0 "$deny" "$PFX" try -r 2 --remedy mlock -- "$(command -v cat)" /dev/null
[ "$(grep -c 'no time in faults' "$TMP/err")" -eq 1 ] || fail "denied: $(cat "$TMP/err")"
grep -q "faults counted by \(tracefs\|proc\)" "$TMP/out" || fail "denied source: $(head -n 2 "$TMP/out")"
! grep -q "fault ms" "$TMP/out" || fail "a fault ms row without perf"

# --- --timeout ends a run, with a warning ---
start=$(date +%s)
expect_exit 0 "$PFX" try -r 1 --timeout 0.3 --remedy mlock -- sleep 20
[ $(($(date +%s) - start)) -lt 10 ] || fail "--timeout did not end the runs"
grep -q "passed --timeout 0.3 s and was killed" "$TMP/err" || fail "timeout warning: $(cat "$TMP/err")"
grep -q "^  mlock: " "$TMP/out" || fail "timeout output: $(cat "$TMP/out")"

# --- Ctrl-C: the rounds done are reported, the run cut short is not kept ---
"$PFX" try -r 20 --format json --remedy mlock -- sleep 0.3 >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 2.5
kill -INT $pid
wait $pid || fail "stopped: exit $?: $(cat "$TMP/err")"
grep -q "stopped after [0-9]* of 20 runs each" "$TMP/err" || fail "stop warning: $(cat "$TMP/err")"
jq -e '.runs >= 1 and .runs < 20 and (.baseline.wall_ms.runs | length) == .runs
	and (.remedies[0].wall_ms.runs | length) == .runs' "$TMP/out" >/dev/null || fail "stopped json: $(cat "$TMP/out")"
exit 0
