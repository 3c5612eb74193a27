# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-export: pfx report's profile and trace exports hold the same
# faults as the report.
#   folded: the counts sum to the recording's faults; the faulting function
#     of pfx-load seq (touch_slice) carries its pages; --weight latency sums
#     to the latency the report saw.
#   pprof: go tool pprof (Debian's golang-go), the tool a user checks with,
#     reads the file and names the function the report names, with the same
#     count (flat faults); labels type=minor|major.
#   perfetto: valid JSON, one event per recorded fault (instants for minor
#     faults, slices for major faults with a latency), named thread tracks.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

expect_exit 0 "$PFX" record -o "$TMP/r.data" -- "$PFX_LOAD" seq -s 32M
report_json "$TMP/r.data"
faults=$(jqr .totals.faults)
top_fn=$(jq -r '.functions[0].function' "$TMP/rep.json")
top_n=$(jq -r '.functions[0].faults' "$TMP/rep.json")
note "report: $faults faults, top function $top_fn with $top_n"
[ "$top_fn" = touch_slice ] || fail "the report's top function is '$top_fn', not touch_slice"

# --- folded ---
expect_exit 0 "$PFX" report -i "$TMP/r.data" --format folded
cp "$TMP/out" "$TMP/folded"
awk '{ s += $NF } END { print s }' "$TMP/folded" >"$TMP/sum"
[ "$(cat "$TMP/sum")" = "$faults" ] || fail "folded counts sum to $(cat "$TMP/sum"), the recording holds $faults"
awk -v f="$top_fn" '{ n = split($1, fr, ";"); if (fr[n] == f) s += $NF } END { print s + 0 }' "$TMP/folded" >"$TMP/fn"
[ "$(cat "$TMP/fn")" = "$top_n" ] || fail "folded: $top_fn has $(cat "$TMP/fn") faults, the report $top_n"
grep -vq '^[^ ;][^ ]* [0-9][0-9]*$' "$TMP/folded" && fail "folded: a line is not 'frames count': $(grep -v '^[^ ;][^ ]* [0-9][0-9]*$' "$TMP/folded" | head -n 1)"
expect_exit 0 "$PFX" report -i "$TMP/r.data" --format folded --weight latency -o "$TMP/lat.folded"
lat=$(awk '{ s += $NF } END { print s }' "$TMP/lat.folded")
[ "$lat" -gt "$faults" ] || fail "latency-weighted folded sums to $lat ns for $faults faults"
note "folded: $faults faults, $lat ns of fault latency"

# --- pprof ---
expect_exit 2 "$PFX" report -i "$TMP/r.data" --format pprof
one_line_error
grep -q "give one with -o" "$TMP/err" || fail "pprof without -o: $(cat "$TMP/err")"
expect_exit 0 "$PFX" report -i "$TMP/r.data" --format pprof -o "$TMP/p.pb.gz"
gzip -t "$TMP/p.pb.gz" || fail "the pprof file is not gzip"
if command -v go >/dev/null; then
	HOME=$TMP GOCACHE=$TMP/go-cache go tool pprof -top -nodecount=5 "$TMP/p.pb.gz" >"$TMP/top" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "go tool pprof cannot read pfx's profile"; }
	cat "$TMP/top"
	grep -q '^Type: faults$' "$TMP/top" || fail "pprof: default sample type is not faults"
	awk -v f="$top_fn" '$NF == f { print $1 }' "$TMP/top" >"$TMP/flat"
	[ "$(cat "$TMP/flat")" = "$top_n" ] || fail "pprof: $top_fn flat $(cat "$TMP/flat"), the report $top_n"
	HOME=$TMP GOCACHE=$TMP/go-cache go tool pprof -raw "$TMP/p.pb.gz" 2>/dev/null | grep -q 'type:\[minor\]' ||
		fail "pprof: no type=minor label"
else
	note "go is not installed (Debian golang-go): pprof checked as gzip only"
fi

# --- perfetto: a file read from storage, so major faults with latencies ---
expect_exit 0 "$PFX" record -o "$TMP/f.data" -- "$PFX_LOAD" file -s 8M
report_json "$TMP/f.data"
ffaults=$(jqr .totals.faults) fmajor=$(jqr .totals.major)
expect_exit 0 "$PFX" report -i "$TMP/f.data" --format perfetto -o "$TMP/trace.json"
jq -e . "$TMP/trace.json" >/dev/null || fail "perfetto: not valid JSON"
events=$(jq '[.traceEvents[] | select(.cat == "fault")] | length' "$TMP/trace.json")
[ "$events" = "$ffaults" ] || fail "perfetto: $events fault events for $ffaults faults"
slices=$(jq '[.traceEvents[] | select(.ph == "X" and .name == "major fault")] | length' "$TMP/trace.json")
note "perfetto: $events events, $slices major-fault slices of $fmajor major faults"
[ "$slices" -ge $((fmajor * 9 / 10)) ] || fail "perfetto: only $slices of $fmajor major faults are slices"
jq -e '[.traceEvents[] | select(.ph == "M" and .name == "thread_name")] | length > 0' "$TMP/trace.json" >/dev/null ||
	fail "perfetto: no thread names"

# bad input
expect_exit 2 "$PFX" report -i "$TMP/r.data" --format folded --weight bytes
one_line_error
expect_exit 2 "$PFX" report -i "$TMP/r.data" --format perfetto --dump
one_line_error
echo ok
