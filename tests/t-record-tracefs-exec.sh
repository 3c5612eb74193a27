# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-tracefs-exec: 'pfx record --source tracefs -p PID' attached to a
# stopped shell that, once continued, execs python3, which forks a child;
# the parent reaps the shell the moment it exits.  The recording's totals
# are the kernel's count since the attach (wait4's rusage minus what the
# shell had when pfx attached: exactly, and said to be exact), never 0
# "(exact)" as before; and the faults in no known mapping ("unknown") stay
# within what doc/tracefs.md states (5%).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
need_root
command -v python3 >/dev/null || skip "needs python3"
tdir=$(tracefs_dir)
[ -n "$tdir" ] || "$PFX" list >/dev/null
tdir=$(tracefs_dir)
[ -n "$tdir" ] || skip "tracefs is not available on this kernel"
[ -d "$tdir/events/exceptions/page_fault_user" ] || skip "no exceptions:page_fault_user tracepoint"

par= rec=
mkfifo "$TMP/gate"
# Run 1 as it comes: the python exits as soon as its work is done (pfx
# may see the exit before the parent reaps, or not); runs 2 and 3 with
# pfx stopped (SIGSTOP) while the python exits and is reaped, so /proc has
# forgotten it when pfx looks.  The parent stays until pfx is done (its
# cminflt is what tells pfx then).
for run in 1 2 3; do
	: >"$TMP/par"
	if [ $run = 1 ]; then
		PFX_TEST_GATE="$TMP/gate" python3 "$top_srcdir/tests/exec-after-stop.py" >"$TMP/par" 2>&1 &
	else
		PFX_TEST_GATE="$TMP/gate" PFX_TEST_CHILD_GATE="$TMP/gate" \
			python3 "$top_srcdir/tests/exec-after-stop.py" >"$TMP/par" 2>&1 &
	fi
	par=$!
	i=0
	while ! grep -q '^pid=.* base=[0-9]' "$TMP/par" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	sh_pid=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$TMP/par")
	base=$(kv base "$TMP/par")
	[ -n "$sh_pid" ] || fail "the stopped shell did not start: $(cat "$TMP/par")"
	"$PFX" record --source tracefs -o "$TMP/r.data" -p "$sh_pid" 2>"$TMP/rec.err" &
	rec=$!
	for _ in $(seq 50); do ls "$tdir/instances" | grep -q "^pfx-$rec-" && break; sleep 0.1; done
	sleep 1.2	# past pfx's first second, when drains used to slow to 250 ms
	kill -CONT "$sh_pid"
	if [ $run != 1 ]; then
		i=0
		while ! grep -q '^done' "$TMP/par" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
		sleep 0.2	# pfx has read the python's maps and counts
		kill -STOP "$rec"
		echo go >"$TMP/gate"	# the python exits; its parent reaps it
	fi
	i=0
	while ! grep -q '^rusage' "$TMP/par" && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	kill -CONT "$rec"
	wait "$rec" || { cat "$TMP/rec.err"; fail "pfx record -p exited $?"; }
	rec=
	echo go >"$TMP/gate"	# the parent may go
	wait "$par" || fail "the parent failed: $(cat "$TMP/par")"
	par=
	report_json
	ru=$(sed -n 's/^rusage minflt=\([0-9]*\).*/\1/p' "$TMP/par")
	want=$((ru - base))
	minor=$(jqr .totals.minor); faults=$(jqr .totals.faults)
	unknown=$(jqr '[.regions[] | select(.kind == "unknown") | .faults] | add // 0')
	note "run $run: totals minor $minor (the kernel: $want since the attach), $faults faults recorded, $unknown unknown"
	grep "totals minor" "$TMP/rec.err"
	[ "$faults" -gt 12288 ] || fail "only $faults faults recorded (python touches 12,288 pages)"
	[ $((unknown * 100)) -le $((faults * 5)) ] ||
		fail "$unknown of $faults faults in unknown rows, more than the 5% doc/tracefs.md states"
	[ "$minor" -gt 0 ] || fail "totals minor 0 with $faults faults recorded"
	[ "$minor" = "$want" ] || fail "totals minor $minor, the kernel counted $want since the attach"
	grep -q 'totals minor .* from /proc (exact' "$TMP/rec.err" || fail "the totals are not said to be exact"
	no_pfx_instances
done
echo ok
