# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-entry: a fault's latency from the page-faults software event
# (--entry sw, the source on arm64 and every architecture without
# exceptions:page_fault_user) agrees with the tracepoint's (--entry
# tracepoint, x86) on the same workload; sw pairs >= 99% of completions,
# the report names the entry source and says the access kind is unknown
# with sw; --entry tracepoint where the tracepoint is missing fails with
# one line.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

need_perf_sampling
tfs=$(tracefs_dir)
[ -n "$tfs" ] && [ -e "$tfs/events/exceptions/page_fault_user" ] ||
	skip "exceptions:page_fault_user is not usable here (not x86, or a user who cannot read tracefs): nothing to compare sw with"

# rec ENTRY N: record pfx-load seq into $TMP/ENTRY-N.data; "count p50 p99
# faults" of its minor faults into $TMP/ENTRY.vals
rec() {
	"$PFX" record $RECORD_RING --entry "$1" -o "$TMP/$1-$2.data" -- "$PFX_LOAD" seq -s 64M \
		>"$TMP/load.out" 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record --entry $1 failed"; }
	report_json "$TMP/$1-$2.data"
	echo "$(jqr .latency.minor.count) $(jqr .latency.minor.p50_ns) $(jqr .latency.minor.p99_ns)" \
		"$(jqr .totals.faults)" >>"$TMP/$1.vals"
}
# median COLUMN FILE
median() { awk -v c="$1" '{ print $c }' "$2" | sort -n | sed -n 2p; }

# three runs each, interleaved, so load on a shared machine falls on both
for i in 1 2 3; do rec tracepoint $i; rec sw $i; done
cat "$TMP/tracepoint.vals" "$TMP/sw.vals" | sed 's/^/# /'
for f in tracepoint sw; do
	while read -r n p50 p99 faults; do
		[ "$n" -gt 0 ] && [ "$p50" -gt 0 ] || fail "--entry $f: no latency ($n faults with one)"
		# sw: every completion has an entry before it on its thread and page
		# (measured here 100%); a retried fault adds an entry, never a completion
		[ "$f" = tracepoint ] || [ $((n * 100)) -ge $((faults * 99)) ] ||
			fail "--entry sw paired $n of $faults faults (< 99%)"
	done <"$TMP/$f.vals"
done
# Medians within 2x.  Measured here (doc/record.md, "Latency"): sw's p50
# and p99 are within 10-35% of the tracepoint's on an idle machine (sw's
# window starts later but its own sample is written inside it); another
# helper's load moves a single run's p99 by up to ~1.5x, so 2x holds on a
# loaded machine and still fails a pairing that is wrong (a wrong entry is
# another fault's: tens of microseconds, or no pair at all).
for col in 2 3; do
	t=$(median $col "$TMP/tracepoint.vals") s=$(median $col "$TMP/sw.vals")
	[ "$s" -le $((t * 2)) ] && [ "$t" -le $((s * 2)) ] ||
		fail "p$([ $col = 2 ] && echo 50 || echo 99): tracepoint ${t}ns, sw ${s}ns: more than 2x apart"
done

# the report names the entry source, text and JSON; access unknown with sw
"$PFX" report -i "$TMP/sw-1.data" >"$TMP/sw.txt" 2>&1 || fail "report of the sw recording failed"
grep -q '^Latency from: page-faults -> minor/major-faults$' "$TMP/sw.txt" ||
	fail "no 'Latency from: page-faults' line: $(grep -i latency "$TMP/sw.txt" | head -n 3)"
grep -q '^Access: not known with this entry source' "$TMP/sw.txt" ||
	fail "access with sw: $(grep '^Access' "$TMP/sw.txt")"
[ "$(jqr .latency.from)" = "page-faults -> minor/major-faults" ] || fail "JSON latency.from: $(jqr .latency.from)"
[ "$(jqr .access.known)" = 0 ] || fail "sw recorded $(jqr .access.known) access kinds"
report_json "$TMP/tracepoint-1.data"
[ "$(jqr .latency.from)" = "exceptions:page_fault_user -> minor/major-faults" ] ||
	fail "JSON latency.from with the tracepoint: $(jqr .latency.from)"
[ "$(jqr .access.known)" -gt 0 ] || fail "the tracepoint recorded no access kind"
"$PFX" record --entry none -o "$TMP/none.data" -- true 2>/dev/null || fail "--entry none failed"
report_json "$TMP/none.data"
[ "$(jqr .latency.from)" = none ] || fail "JSON latency.from without entries: $(jqr .latency.from)"
usage_error_of record "entry 'bogus' is unknown" --entry bogus -- true

# the tracepoint hidden (its tracefs directory covered in a mount
# namespace of this test's own): tracepoint fails in one line, auto takes sw
command -v unshare >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] || { echo ok; exit 0; }
mkdir "$TMP/empty"
hide="mount --bind '$TMP/empty' '$tfs/events/exceptions' &&"
unshare -m sh -c "$hide '$PFX' record --entry tracepoint -o '$TMP/h.data' -- true" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -ne 0 ] || fail "--entry tracepoint without the tracepoint exited 0"
one_line_error
grep -q 'exceptions:page_fault_user.*--entry sw' "$TMP/err" || fail "message: $(cat "$TMP/err")"
unshare -m sh -c "$hide '$PFX' record -o '$TMP/h.data' -- '$PFX_LOAD' seq -s 4M" >/dev/null 2>"$TMP/err" ||
	fail "auto without the tracepoint: $(cat "$TMP/err")"
report_json "$TMP/h.data"
[ "$(jqr .latency.from)" = "page-faults -> minor/major-faults" ] || fail "auto took $(jqr .latency.from)"
echo ok
