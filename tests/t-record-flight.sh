# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-flight: pfx record --flight (doc/record.md, "Flight recorder")
# on the real kernel.
#  - SIGUSR1 writes FILE.1, an ordinary recording pfx report reads, of the
#    last SECONDS only: a first phase's process (which faulted before a
#    quiet gap longer than the window) is absent, every fault is inside the
#    window, and the second phase's region, mapped before the window, is
#    still named (its mapping at time 0, no fault outside every mapping);
#    report says it is a flight recorder's window (JSON complete false);
#  - a trigger (major-stall, per process) on pfx-load's major faults of a
#    cold file (evicted by pfx-load with posix_fadvise DONTNEED) writes a
#    file by itself, its major faults in it; and per cgroup with -G (the
#    message names the cgroup made for the test);
#  - --flight-dump-on-exit writes at the end, next to (not over) a file of
#    that name; without it, nothing is written at the end;
#  - bad --trigger, and flight options without --flight: one line, exit 2.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

usage_error_of record "is not a condition" --flight 5 --trigger 'major-stall=0.05' -a
usage_error_of record "is not a condition" --flight 5 --trigger 'major-stall>' -a
usage_error_of record "is not a condition" --flight 5 --trigger 'stalls>1' -a
usage_error_of record "add --flight SECONDS" --trigger 'major-stall>0.05' -a
usage_error_of record "is not a number of seconds" --flight 0 -a
usage_error_of record "give --flight-size instead" --flight 5 --max-size 10M -a
need_perf_sampling

# --- SIGUSR1: the last 2 s, after a first phase and a quiet gap ---
"$PFX" record $RECORD_RING --flight 2 -o "$TMP/f" -- sh -c '
	"$1" seq -s 32M; sleep 4; : >"$2"; exec "$1" steady --rate 5000 --seconds 10 -s 64M' \
	sh "$PFX_LOAD" "$TMP/phase2" >"$TMP/load.out" 2>"$TMP/rec.err" &
pfx=$!
# the second phase runs: 3 s more, so its mapping is older than the window
i=0
until [ -e "$TMP/phase2" ]; do
	i=$((i + 1)); [ $i -lt 600 ] || { kill $pfx; fail "the second phase never started"; }
	sleep 0.1
done
sleep 3
kill -USR1 $pfx
wait $pfx
rc=$?
[ $rc -eq 0 ] || { cat "$TMP/rec.err"; fail "pfx record --flight exited $rc"; }
grep -q "^pfx record: flight recorder: wrote $TMP/f.1 (SIGUSR1): the last 2.0 s" "$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "no line naming the file SIGUSR1 wrote"; }
[ -e "$TMP/f" ] && fail "--flight wrote FILE itself"
[ -e "$TMP/f.2" ] && fail "a second file without a second SIGUSR1 (none at the end without --flight-dump-on-exit)"
report_json "$TMP/f.1"
[ "$(jqr .complete)" = false ] || fail "a flight window reported complete"
jqr .warning | grep -q "flight recorder" || fail "report does not say it is a flight window: $(jqr .warning)"
dur=$(jqr .duration_ns)
[ "$dur" -gt 0 ] && [ "$dur" -le 2000000000 ] || fail "the window is $dur ns, not 2 s at most"
pid_a=$(grep 'mode=seq' "$TMP/load.out" | sed -n 's/.* pid=\([0-9]*\).*/\1/p')
pid_b=$(jqr '[.threads[] | select(.comm == "pfx-load")] | .[0].pid')
[ -n "$pid_b" ] && [ "$pid_b" != null ] || fail "no pfx-load thread in the window"
[ "$(jqr '.totals.faults')" -gt 0 ] || fail "no faults in the window"
[ "$(jqr "[.threads[] | select(.pid != $pid_b and .comm == \"pfx-load\")] | length")" = 0 ] ||
	fail "the first phase's process (pid ${pid_a:-?}) is in the window"
[ "$(jqr '[.threads[] | select(.last_ns > '"$dur"')] | length')" = 0 ] || fail "a fault after the window's end"
# the region of the second phase: 64 MiB anonymous, known, not "unknown"
big=$(jqr "[.regions[] | select(.pid == $pid_b)] | max_by(.faults)")
[ "$(echo "$big" | jq -r .kind)" = anon ] || fail "the busiest region is not anon: $big"
[ "$(jqr '[.regions[] | select(.kind == "unknown")] | length')" = 0 ] || fail "faults outside every known mapping"
start=$(echo "$big" | jq -r .start | sed 's/^0x//')
"$PFX" report -i "$TMP/f.1" --dump >"$TMP/dump" || fail "pfx report --dump failed"
grep -q "^0\.000000000 mmap $pid_b 0x0*$start-" "$TMP/dump" ||
	{ grep mmap "$TMP/dump" | head; fail "the region mapped before the window is not in the file at time 0"; }
awk '$2 == "fault" && ($1 < 0 || $1 > 2.0) { bad++ } END { exit bad > 0 }' "$TMP/dump" ||
	fail "a fault outside [0, 2 s] in the dump"

# --- a trigger: major faults of a cold file ---
"$PFX" record $RECORD_RING --flight 3 --trigger 'major-stall>0.05' --post 0.2 -o "$TMP/t" -- sh -c '
	"$1" file -s 32M || exit $?; sleep 3' sh "$PFX_LOAD" >"$TMP/load.out" 2>"$TMP/rec.err"
rc=$?
grep -q 'mode=file' "$TMP/load.out" || { grep -q '^pfx-load' "$TMP/load.out" && [ $rc -eq 77 ] &&
	skip "pfx-load file: $(cat "$TMP/load.out")"; }
[ $rc -eq 0 ] || { cat "$TMP/load.out" "$TMP/rec.err"; fail "pfx record --trigger exited $rc"; }
major=$(kv rusage_major "$TMP/load.out")
[ "${major:-0}" -gt 0 ] || skip "pfx-load file took no major faults here: $(cat "$TMP/load.out")"
grep -q "^pfx record: flight recorder: wrote $TMP/t.1 (major-stall .* > 0.05 in pid [0-9]*)" "$TMP/rec.err" ||
	{ cat "$TMP/load.out" "$TMP/rec.err"; fail "no trigger dump"; }
report_json "$TMP/t.1"
[ "$(jqr .totals.major)" -gt 0 ] || fail "the trigger's dump holds no major fault"
[ "$(jqr '[.regions[] | select(.major > 0 and (.path | test("pfx-load")))] | length')" -gt 0 ] ||
	fail "the major faults are not in pfx-load's file: $(jqr '[.regions[] | {path, major}]')"

# --- the same trigger per cgroup (-G), on a cgroup made for the test ---
name=pfx-test-flight-$$
if make_perf_cgroup "$name"; then
	"$PFX" record -G "$name" --flight 3 --trigger 'major-stall>0.05' --post 0.2 -o "$TMP/g" -- sh -c '
		echo $$ >"$1/cgroup.procs" && "$2" file -s 32M && sleep 3' sh "$CG" "$PFX_LOAD" \
		>"$TMP/load.out" 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record -G --flight failed"; }
	grep -q "^pfx record: flight recorder: wrote $TMP/g.1 (major-stall .* > 0.05 in cgroup /$name)" "$TMP/rec.err" ||
		{ cat "$TMP/load.out" "$TMP/rec.err"; fail "no trigger dump naming the cgroup"; }
	report_json "$TMP/g.1"
	[ "$(jqr .totals.major)" -gt 0 ] || fail "the -G trigger's dump holds no major fault"
	others=$(jq -c --arg n "/$name" '[.processes[] | select(.cgroup != $n) | {pid, comm, cgroup}]' "$TMP/rep.json")
	[ "$others" = "[]" ] || fail "processes outside the cgroup in the dump: $others"
else
	note "cannot make a cgroup in the perf_event hierarchy: the per-cgroup trigger not exercised"
fi

# --- --flight-dump-on-exit: a new name beside the existing one ---
echo keep >"$TMP/e.1"
"$PFX" record --flight 5 --flight-dump-on-exit -o "$TMP/e" -- "$PFX_LOAD" seq -s 8M >"$TMP/load.out" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "pfx record --flight-dump-on-exit failed"; }
[ "$(cat "$TMP/e.1")" = keep ] || fail "the dump overwrote a file"
grep -q "wrote $TMP/e.2 (exit)" "$TMP/rec.err" || { cat "$TMP/rec.err"; fail "no dump at the end"; }
report_json "$TMP/e.2"
[ "$(jqr .totals.minor)" -ge 2048 ] || fail "the exit dump lacks pfx-load's 2048 faults: $(jqr .totals.minor)"
echo ok
