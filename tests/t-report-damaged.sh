# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-damaged: truncated and corrupted record files never crash
# report: it shows what it could read with a warning, or one clear error.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

record_load seq -s 8M
size=$(wc -c <"$TMP/r.data")
for cut in 0 4 8 12 20 40 100 1000 $((size / 3)) $((size / 2)) $((size - 20)) $((size - 1)); do
	head -c "$cut" "$TMP/r.data" >"$TMP/cut.data"
	"$PFX" report -i "$TMP/cut.data" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	case $rc in
	0) grep -q 'warning:.*truncated' "$TMP/err" || fail "cut at $cut: no truncation warning: $(cat "$TMP/err")"
	   grep -q 'WARNING: partial report' "$TMP/out" || fail "cut at $cut: report does not say it is partial" ;;
	1) one_line_error ;;
	*) cat "$TMP/err"; fail "cut at $cut: exit $rc" ;;
	esac
	"$PFX" report -i "$TMP/cut.data" --format json >"$TMP/out" 2>/dev/null
	[ $? -le 1 ] || fail "json, cut at $cut: crashed"
	if [ -s "$TMP/out" ]; then
		[ "$(jq -r .complete "$TMP/out")" = false ] || fail "json, cut at $cut: complete is not false"
	fi
done
# flipped bytes: header, first block, middle, last bytes
for pos in 3 9 17 30 200 $((size / 2)) $((size - 3)); do
	cp "$TMP/r.data" "$TMP/bad.data"
	printf '\377' | dd of="$TMP/bad.data" bs=1 seek="$pos" conv=notrunc 2>/dev/null
	cmp -s "$TMP/r.data" "$TMP/bad.data" && printf '\000' | dd of="$TMP/bad.data" bs=1 seek="$pos" conv=notrunc 2>/dev/null
	"$PFX" report -i "$TMP/bad.data" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	case $rc in
	0) grep -q 'warning:.*corrupted' "$TMP/err" || fail "flip at $pos: no corruption warning: $(cat "$TMP/err")" ;;
	1) one_line_error ;;
	*) fail "flip at $pos: exit $rc" ;;
	esac
done
echo ok
