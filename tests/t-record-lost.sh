# t-record-lost: nothing is dropped silently.  With a 1-page ring the
# kernel may drop records; whatever happens, every fault is either in the
# file or counted as lost, the summary says so with a warning, and the
# report's totals carry the same numbers.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

"$PFX" record -m 1 -o "$TMP/r.data" -- "$PFX_LOAD" seq -s 64M -t 2 >"$TMP/load.out" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "pfx record -m 1 failed"; }
report_json
addr=$(kv addr "$TMP/load.out"); pages=$(kv pages "$TMP/load.out")
lost=$(jqr .totals.lost_records); lost_s=$(jqr .totals.lost_samples)
got=$(region_field "$addr" faults)
note "ring of 1 page: $got faults in the region, $lost records + $lost_s samples lost"
grep -q "lost $lost records + $lost_s samples" "$TMP/rec.err" || fail "summary disagrees with the file: $(cat "$TMP/rec.err")"
[ $((got + lost + lost_s)) -ge "$pages" ] || fail "$got recorded + $lost lost < $pages faults: some vanished"
if [ $((lost + lost_s)) -gt 0 ]; then
	grep -q "warning: record: the kernel dropped events" "$TMP/rec.err" || fail "records lost without a warning"
	"$PFX" report -i "$TMP/r.data" | grep -q "lost $lost records" || fail "text report hides the loss"
fi
echo ok
