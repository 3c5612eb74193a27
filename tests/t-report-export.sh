# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-export: pfx report's profile and trace exports hold the same
# faults as the report.
#   folded: the counts sum to the recording's faults; the faulting function
#     of pfx-load seq (touch_slice) carries its pages; --weight latency sums
#     to the latency the report saw.  With --call-graph (pfx-load, python3):
#     one line per stack of function names (chains differing only in
#     instruction addresses merged), summing to the recording's faults.
#   pprof: go tool pprof (Debian's golang-go), the tool a user checks with,
#     reads the file and names the function the report names, with the same
#     count (flat faults); labels type=minor|major.
#   perfetto: valid JSON, one event per recorded fault (instants for minor
#     faults, slices for major faults with a latency), named thread tracks,
#     each name given once (again only when it changes), and a latency not
#     measured is null, not 0.
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
grep -vq '^[^ ;].* [0-9][0-9]*$' "$TMP/folded" && fail "folded: a line is not 'frames count': $(grep -v '^[^ ;].* [0-9][0-9]*$' "$TMP/folded" | head -n 1)"
# Latency comes from exceptions:page_fault_user, which a user at
# perf_event_paranoid 0 or more may not sample (a package build).
# latency from the tracepoint or, where a user may not sample it (or on
# arm64), from the page-faults event (record --entry auto)
if [ "$(jqr .latency.from)" != none ]; then
	expect_exit 0 "$PFX" report -i "$TMP/r.data" --format folded --weight latency -o "$TMP/lat.folded"
	lat=$(awk '{ s += $NF } END { print s }' "$TMP/lat.folded")
	[ "$lat" -gt "$faults" ] || fail "latency-weighted folded sums to $lat ns for $faults faults"
	note "folded: $faults faults, $lat ns of fault latency"
else
	note "the recording has no latency (events $(jqr .events)): --weight latency not checked"
fi

# folded_check FILE WHAT: the folded export of FILE has one line per stack,
# its counts summing to the recording's faults
folded_check() {
	report_json "$1"
	n=$(jqr .totals.faults)
	expect_exit 0 "$PFX" report -i "$1" --format folded -o "$TMP/cg.folded"
	sum=$(awk '{ s += $NF } END { print s + 0 }' "$TMP/cg.folded")
	[ "$sum" = "$n" ] || fail "folded ($2): counts sum to $sum, the recording holds $n"
	sed 's/ [0-9]*$//' "$TMP/cg.folded" | sort | uniq -d >"$TMP/dup"
	[ -s "$TMP/dup" ] && fail "folded ($2): $(wc -l <"$TMP/dup") stacks on several lines, e.g. $(head -n 1 "$TMP/dup")"
	note "folded ($2): $(wc -l <"$TMP/cg.folded") stacks, $n faults"
}
expect_exit 0 "$PFX" record --call-graph -o "$TMP/cg.data" -- "$PFX_LOAD" seq -s 8M
folded_check "$TMP/cg.data" pfx-load
PY=$(command -v python3)
if [ -n "$PY" ]; then
	expect_exit 0 "$PFX" record --call-graph -o "$TMP/py.data" -- "$PY" -c 'import json; json.dumps(list(range(200000)))'
	folded_check "$TMP/py.data" python3
else
	note "python3 not installed: folded stacks checked on pfx-load alone"
fi

# --- pprof ---
if ! built_with zlib; then
	without_feature zlib report -i "$TMP/r.data" --format pprof -o "$TMP/p.pb.gz"
	[ -e "$TMP/p.pb.gz" ] && fail "pprof built without zlib left $TMP/p.pb.gz"
	note "pfx is built without zlib: --format pprof says so"
else
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
# latency from the tracepoint or, where a user may not sample it (or on
# arm64), from the page-faults event (record --entry auto)
if [ "$(jqr .latency.from)" != none ]; then
	[ "$slices" -ge $((fmajor * 9 / 10)) ] || fail "perfetto: only $slices of $fmajor major faults are slices"
else
	[ "$slices" = 0 ] || fail "perfetto: $slices major-fault slices in a recording without latency"
fi
jq -e '[.traceEvents[] | select(.ph == "M" and .name == "thread_name")] | length > 0' "$TMP/trace.json" >/dev/null ||
	fail "perfetto: no thread names"
# a name is set once per track, again only when it changes (exec, prctl)
perfetto_names() {
	jq -r '.traceEvents[] | select(.ph == "M") | "\(.name) \(.pid) \(.tid) \(.args.name | @json)"' "$1" |
		awk '{ k = $1 " " $2 " " $3; if (k in last && last[k] == $4) { print; bad = 1 } last[k] = $4 } END { exit bad }' >"$TMP/rep-names" ||
		fail "perfetto: a track named again with the same name: $(head -n 1 "$TMP/rep-names")"
}
perfetto_names "$TMP/trace.json"
jq -e '[.traceEvents[] | select(.cat == "fault" and .args.latency_ns == 0)] | length == 0' "$TMP/trace.json" >/dev/null ||
	fail "perfetto: a latency of 0 (not measured is null)"
if [ -n "$PY" ]; then
	# python3 (a shell and exec'd children under some installs), with
	# faults taken in kernel mode that have no latency
	expect_exit 0 "$PFX" report -i "$TMP/py.data" --format perfetto -o "$TMP/py.json"
	jq -e . "$TMP/py.json" >/dev/null || fail "perfetto (python3): not valid JSON"
	perfetto_names "$TMP/py.json"
	nulls=$(jq '[.traceEvents[] | select(.cat == "fault" and .args.latency_ns == null)] | length' "$TMP/py.json")
	zeros=$(jq '[.traceEvents[] | select(.cat == "fault" and .args.latency_ns == 0)] | length' "$TMP/py.json")
	names=$(jq '[.traceEvents[] | select(.ph == "M")] | length' "$TMP/py.json")
	note "perfetto (python3): $names track names, $nulls faults with no latency (null), $zeros with 0"
	[ "$zeros" = 0 ] || fail "perfetto (python3): $zeros latencies of 0 (not measured is null)"
fi

# bad input
expect_exit 2 "$PFX" report -i "$TMP/r.data" --format folded --weight bytes
one_line_error
expect_exit 2 "$PFX" report -i "$TMP/r.data" --format perfetto --dump
one_line_error
echo ok
