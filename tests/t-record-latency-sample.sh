# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-latency-sample: --latency-sample N times 1 in N faults (the
# entry event sampled with period N) and still records every fault with
# its address and kind: the faults timed are about a tenth with N=10,
# the file holds as many faults as a full recording and as the kernel
# counted, every fault of the workload's buffer lies in its region; the
# report says "timed 1 in N" (text and JSON); a bad N is one line, exit 2.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

usage_error_of record "latency-sample '0' is not a number" --latency-sample 0 -- true
usage_error_of record "latency-sample 'ten' is not a number" --latency-sample ten -- true
usage_error_of record "latency-sample '2000000' is not a number" --latency-sample 2000000 -- true
usage_error_of record "drop --no-entry" --latency-sample 10 --no-entry -- true

need_perf_sampling
record_load seq -s 64M
has_latency "$TMP/r.data" || skip "no fault entry can be sampled here (no latency to sample)"
report_json
full=$(jqr .totals.faults)
[ "$(jqr '.latency.timed_1_in // "none"')" = none ] || fail "a full recording says timed 1 in $(jqr .latency.timed_1_in)"

"$PFX" record $RECORD_RING --latency-sample 10 -o "$TMP/s.data" -- "$PFX_LOAD" seq -s 64M \
	>"$TMP/load.out" 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record --latency-sample 10 failed"; }
minor=$(kv expect_minor "$TMP/load.out") addr=$(kv addr "$TMP/load.out")
report_json "$TMP/s.data"
faults=$(jqr .totals.faults) timed=$(($(jqr '.latency.minor.count // 0') + $(jqr '.latency.major.count // 0')))
note "full recording: $full faults; --latency-sample 10: $faults faults, $timed timed, $(jqr .access.known) with an access kind"
[ "$(jqr .complete)" = true ] || fail "the sampled recording is incomplete: $(jqr .warning)"
[ "$(jqr .totals.recorded)" = "$(jqr .totals.counted)" ] ||
	fail "recorded $(jqr .totals.recorded) of $(jqr .totals.counted) counted faults"
# every fault is recorded: as many as the full run's (the same workload;
# ld.so and libc add a few that vary), and the buffer's all in its region
within_pct "$faults" "$full" 2 || fail "$faults faults with --latency-sample 10, $full without"
[ "$(region_field "$addr" minor)" = "$minor" ] ||
	fail "the buffer's region has $(region_field "$addr" minor) minor faults, pfx-load made $minor"
# a tenth timed: one entry event per task and CPU, each samples its Nth
# fault, so the timed faults are faults/10 less at most one per event
# missing its completion's pair (a kernel-mode fault, a fault not ended)
[ "$timed" -ge $((faults * 8 / 100)) ] && [ "$timed" -le $((faults * 11 / 100)) ] ||
	fail "$timed of $faults faults timed with --latency-sample 10 (expected about a tenth)"
grep -q "^pfx record: $timed of $faults faults timed (--latency-sample 10: 1 in 10)\$" "$TMP/rec.err" ||
	fail "record's summary: $(grep timed "$TMP/rec.err")"
[ "$(jqr .latency.timed_1_in)" = 10 ] || fail "JSON latency.timed_1_in: $(jqr .latency.timed_1_in)"
[ "$(jqr .latency.minor.p50_ns)" -gt 0 ] || fail "no p50 over the timed faults"
# access kinds come with the entry: the tracepoint's, for the timed faults only
[ "$(jqr .access.known)" -le "$timed" ] || fail "$(jqr .access.known) access kinds for $timed timed faults"
"$PFX" report -i "$TMP/s.data" >"$TMP/rep.txt" 2>&1 || fail "report of the sampled recording failed"
grep -q '^Latency timed 1 in 10 faults (--latency-sample)' "$TMP/rep.txt" ||
	fail "no 'Latency timed 1 in 10' line: $(grep -i latency "$TMP/rep.txt" | head -n 3)"
grep -q "^Latency of minor faults ($(jqr .latency.minor.count), timed 1 in 10): p50 " "$TMP/rep.txt" ||
	fail "latency line: $(grep '^Latency of' "$TMP/rep.txt")"
# N=1 is a full recording
"$PFX" record --latency-sample 1 -o "$TMP/one.data" -- true 2>/dev/null || fail "--latency-sample 1 failed"
report_json "$TMP/one.data"
[ "$(jqr '.latency.timed_1_in // "none"')" = none ] || fail "--latency-sample 1 says timed 1 in $(jqr .latency.timed_1_in)"
echo ok
