# SPDX-License-Identifier: GPL-2.0-or-later
# t-diff: pfx diff A B, the change between two recordings.
#   - a recording with itself: every delta 0, the "no change" line, and
#     the JSON says same: true with every delta 0;
#   - pfx-load seq -s 64M before, and the remedy after (thp mode: one
#     fault per huge page; two sizes where THP is off): the change in
#     faults is the two reports' totals' difference, exactly, in text and
#     JSON, and the anonymous region carries it;
#   - two runs of one command: regions matched although ASLR put them at
#     other addresses (no new/gone row for the same libraries);
#   - python3 filling two sizes of bytearray: matched, the change is the
#     reports';
#   - the JSON parses and its numbers are the text's;
#   - bad input: a missing file, a non-recording, a truncated one, a
#     host-wide against a process recording: one line, exit 1.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

# rec NAME CMD...: pfx record CMD into $TMP/NAME.data
rec() {
	name=$1; shift
	"$PFX" record $RECORD_RING -o "$TMP/$name.data" -- "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	[ "$rc" -eq 0 ] || { cat "$TMP/$name.out" "$TMP/$name.err"; fail "pfx record -- $* exited $rc"; }
}
# faults FILE: the report's total faults
faults() { "$PFX" report -i "$1" --format json | jq -r .totals.faults; }
# diff_both A B: the text in $TMP/d.txt, the JSON in $TMP/d.json (parsed)
diff_both() {
	"$PFX" diff --top 1000 "$1" "$2" >"$TMP/d.txt" 2>"$TMP/d.err" || { cat "$TMP/d.err"; fail "pfx diff $1 $2 failed"; }
	"$PFX" diff --top 1000 --format json -o "$TMP/d.json" "$1" "$2" 2>"$TMP/d.err" ||
		{ cat "$TMP/d.err"; fail "pfx diff --format json $1 $2 failed"; }
	python3 -m json.tool "$TMP/d.json" >/dev/null || fail "pfx diff's JSON does not parse"
	[ -s "$TMP/d.err" ] && fail "pfx diff warned: $(cat "$TMP/d.err")"
	text_is_json
}
# text_is_json: every number of the text's totals, regions, functions and
# latency rows is the JSON's, row for row
text_is_json() {
	awk '/^Totals:/ { s = "t"; next } /^Regions by/ { s = "r"; next } /^Functions by/ { s = "f"; next }
	     /^Latency \(ns\)/ { s = "l"; next } /^$/ { s = ""; next }
	     s == "t" && $1 != "WHAT" { print $1, $2, $3, $4, $5 }
	     s == "r" && $1 ~ /^[0-9]+$/ { print "r", $1, $2, $3, $4, $5, $6 }
	     s == "f" && $1 ~ /^[0-9]+$/ { print "f", $1, $2, $3, $4 }
	     s == "l" && $1 != "KIND" { print $1, $2, $3, $4, $5, $6 }' "$TMP/d.txt" >"$TMP/text.rows"
	jq -r 'def sgn: if . >= 0 then "+\(.)" else "\(.)" end;
	       def chg(s): if s == "new" then "new" elif s == "gone" then "gone"
	                   elif .change_pct == null then "-"
	                   else (.change_pct * 10 | round) as $t | (if $t >= 0 then "+" else "-" end) +
	                        "\(($t | fabs) / 10 | floor).\(($t | fabs) % 10)%" end;
	       def row(s): "\(.a) \(.b) \(.delta | sgn) \(chg(s))";
	       (.totals | to_entries[] | "\(.key) \(.value | row("both"))"),
	       (.regions[] | .status as $s | "r \(.faults | row($s)) \(.major.a) \(.major.b)"),
	       (.functions[] | .status as $s | "f \(.faults | row($s))"),
	       (.latency_ns[] | "\(.kind) \(.pct) \(.value | row("both"))")' "$TMP/d.json" >"$TMP/json.rows"
	cmp -s "$TMP/text.rows" "$TMP/json.rows" ||
		{ diff "$TMP/text.rows" "$TMP/json.rows" | head; fail "the text's numbers are not the JSON's"; }
}

# --- a recording with itself ---
rec a "$PFX_LOAD" seq -s 64M
diff_both "$TMP/a.data" "$TMP/a.data"
grep -q '^# no change' "$TMP/d.txt" || fail "no 'no change' line: $(head -3 "$TMP/d.txt")"
[ "$(jq -r .same "$TMP/d.json")" = true ] || fail "JSON: same is not true"
jq -e '[.totals[], (.regions[] | .faults, .minor, .major, .pages), (.functions[] | .faults, .major),
	(.latency_ns[] | .value)] | all(.delta == 0)' "$TMP/d.json" >/dev/null || fail "a delta is not 0 against itself"
jq -e '[.regions[], .functions[]] | all(.status == "both")' "$TMP/d.json" >/dev/null ||
	fail "a row is new or gone against itself"
[ "$(jq '.regions | length' "$TMP/d.json")" -gt 3 ] || fail "too few regions: $(cat "$TMP/d.txt")"
awk '$1 ~ /^[0-9]+$/ && $3 != "+0" { bad = 1 } END { exit bad }' "$TMP/d.txt" || fail "a text delta is not +0"

# --- before and after a remedy ---
if [ "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)" != "always madvise [never]" ] &&
	"$PFX" record $RECORD_RING -o "$TMP/b.data" -- "$PFX_LOAD" thp -s 64M >"$TMP/b.out" 2>"$TMP/b.err"; then
	note "after: pfx-load thp -s 64M (one fault per huge page)"
else
	note "THP unavailable: after is pfx-load seq -s 16M"
	rec b "$PFX_LOAD" seq -s 16M
fi
diff_both "$TMP/a.data" "$TMP/b.data"
fa=$(faults "$TMP/a.data") fb=$(faults "$TMP/b.data")
note "faults $fa before, $fb after"
[ "$(jq -r .totals.faults.delta "$TMP/d.json")" -eq $((fb - fa)) ] || fail "faults change $(jq -c .totals.faults "$TMP/d.json"), reports say $fa -> $fb"
awk -v d=$((fb - fa)) '$1 == "faults" { if ($4 != sprintf("%+d", d)) exit 1; found = 1 } END { exit !found }' "$TMP/d.txt" ||
	fail "text's faults change is not $((fb - fa)): $(grep '^faults' "$TMP/d.txt")"
grep -q '^# no change' "$TMP/d.txt" && fail "'no change' between different recordings"
[ "$(jq -r .same "$TMP/d.json")" = false ] || fail "JSON: same is not false"
# the anonymous memory is the largest change, and carries most of it
jq -e --argjson d $((fb - fa)) '.regions[0] | .kind == "anon" and .status == "both" and
	(.faults.delta < 0) and (.faults.delta * 10 <= $d * 9)' "$TMP/d.json" >/dev/null ||
	fail "the anonymous region is not the largest change: $(jq -c '.regions[0]' "$TMP/d.json")"

# --- two runs: ASLR moves the regions, the diff matches them ---
rec a2 "$PFX_LOAD" seq -s 64M
if [ "$(cat /proc/sys/kernel/randomize_va_space)" != 0 ]; then
	start() { "$PFX" report -i "$1" --format json --top 1000 | jq -r '[.regions[] | select(.path | test("libc"))][0].start'; }
	s1=$(start "$TMP/a.data") s2=$(start "$TMP/a2.data")
	[ "$s1" != "$s2" ] || fail "libc at $s1 in both runs with ASLR on"
	note "libc at $s1 and $s2"
fi
diff_both "$TMP/a.data" "$TMP/a2.data"
jq -e '[.regions[] | select(.kind == "file" or .kind == "anon" or .kind == "stack")] | all(.status == "both")' \
	"$TMP/d.json" >/dev/null || fail "a region of two runs of one command not matched: $(jq -c '[.regions[] | select(.status != "both")]' "$TMP/d.json")"
[ "$(jq -r .totals.faults.delta "$TMP/d.json")" -eq $(($(faults "$TMP/a2.data") - $(faults "$TMP/a.data"))) ] ||
	fail "faults change of two runs is not the reports'"

# --- python3, two sizes ---
if command -v python3 >/dev/null; then
	rec p1 python3 -c 'b = bytearray(16 << 20)'
	rec p2 python3 -c 'b = bytearray(64 << 20)'
	diff_both "$TMP/p1.data" "$TMP/p2.data"
	fa=$(faults "$TMP/p1.data") fb=$(faults "$TMP/p2.data")
	note "python3: $fa faults for 16 MiB, $fb for 64 MiB"
	[ "$(jq -r .totals.faults.delta "$TMP/d.json")" -eq $((fb - fa)) ] || fail "python3: faults change is not the reports'"
	# 48 MiB more of zeroed pages: at least 12288 faults more, in anon memory
	jq -e '.regions[0] | .kind == "anon" and .faults.delta >= 12000' "$TMP/d.json" >/dev/null ||
		fail "python3: the anonymous memory is not the largest change: $(jq -c '.regions[0]' "$TMP/d.json")"
	jq -e '[.regions[] | select(.path | test("python"))] | length > 0 and all(.status == "both")' "$TMP/d.json" >/dev/null ||
		fail "python3's own regions not matched"
fi

# --- bad input ---
expect_exit 1 "$PFX" diff "$TMP/a.data" "$TMP/nonexistent.data"
one_line_error
grep -q 'no such file' "$TMP/err" || fail "missing file: $(cat "$TMP/err")"
echo "not a recording" >"$TMP/text.data"
expect_exit 1 "$PFX" diff "$TMP/text.data" "$TMP/a.data"
one_line_error
grep -q 'not a pfx record file' "$TMP/err" || fail "non-recording: $(cat "$TMP/err")"
head -c $(($(wc -c <"$TMP/a.data") / 2)) "$TMP/a.data" >"$TMP/cut.data"
expect_exit 1 "$PFX" diff "$TMP/a.data" "$TMP/cut.data"
one_line_error
grep -q 'truncated' "$TMP/err" || fail "truncated: $(cat "$TMP/err")"
usage_error_of diff 'two recordings' "$TMP/a.data"
usage_error_of diff 'two recordings' "$TMP/a.data" "$TMP/a.data" "$TMP/a.data"
usage_error_of diff 'unknown' --format csv "$TMP/a.data" "$TMP/a.data"
if [ "$(id -u)" -eq 0 ] && "$PFX" record -a --duration 0.2 -o "$TMP/host.data" >/dev/null 2>"$TMP/host.err"; then
	expect_exit 1 "$PFX" diff "$TMP/host.data" "$TMP/a.data"
	one_line_error
	grep -q 'host-wide.*process' "$TMP/err" || fail "different kinds: $(cat "$TMP/err")"
	diff_both "$TMP/host.data" "$TMP/host.data"
	[ "$(jq -r .per_process "$TMP/d.json")" = true ] || fail "host-wide: regions not matched per process"
	grep -q '^# no change' "$TMP/d.txt" || fail "host-wide against itself: no 'no change' line"
else
	note "no host-wide recording here: the kinds check is not run"
fi
exit 0
