# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-damaged: truncated and corrupted record files never crash
# report: it shows what it could read with a warning, or one clear error,
# and calls each damage by its name: a file cut short "truncated", a
# flipped byte "corrupted".  The fields damaged are found in the file
# (doc/record-format.md), not assumed at fixed offsets: the header holds
# the command's path, so where the first block starts depends on where
# the build is (a flip "at byte 200" hit the first block's length from
# clone paths of 17 or 18 characters and the file was called truncated).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

record_load seq -s 64M
size=$(wc -c <"$TMP/r.data")
for cut in 0 4 8 12 20 40 100 1000 $((size / 3)) $((size / 2)) $((size - 20)) $((size - 1)); do
	head -c "$cut" "$TMP/r.data" >"$TMP/cut.data"
	"$PFX" report -i "$TMP/cut.data" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	case $rc in
	0) grep -q 'warning:.*truncated' "$TMP/err" || fail "cut at $cut: no truncation warning: $(cat "$TMP/err")"
	   grep -q 'WARNING: partial report' "$TMP/out" || fail "cut at $cut: report does not say it is partial" ;;
	1) one_line_error
	   [ "$cut" -lt 8 ] || grep -q 'truncated' "$TMP/err" || fail "cut at $cut: not called truncated: $(cat "$TMP/err")" ;;
	*) cat "$TMP/err"; fail "cut at $cut: exit $rc" ;;
	esac
	"$PFX" report -i "$TMP/cut.data" --format json >"$TMP/out" 2>/dev/null
	[ $? -le 1 ] || fail "json, cut at $cut: crashed"
	if [ -s "$TMP/out" ]; then
		[ "$(jq -r .complete "$TMP/out")" = false ] || fail "json, cut at $cut: complete is not false"
	fi
done

# The layout: magic (8), version (4), header_len (4), header, header CRC
# (4), then blocks of payload_len (4), CRC (4), payload.
u32() { od -An -tu4 -j "$1" -N 4 "$TMP/r.data" | tr -d ' '; }
hlen=$(u32 12)
[ -n "$hlen" ] && [ "$hlen" -gt 0 ] && [ "$hlen" -le 65536 ] || fail "header length $hlen"
first=$((16 + hlen + 4))
# every block's start; the one holding the middle of the file; the last
blocks= mid= last=
at=$first
while [ "$at" -lt "$size" ]; do
	len=$(u32 "$at")
	[ -n "$len" ] && [ "$len" -gt 0 ] || fail "block at $at: length '$len'"
	blocks="$blocks $at"
	[ -z "$mid" ] && [ $((at + 8 + len)) -gt $((size / 2)) ] && mid=$at
	last=$at
	at=$((at + 8 + len))
done
[ "$at" -eq "$size" ] || fail "blocks end at $at, the file at $size"
note "header $hlen bytes, first block at $first, middle block at $mid, last at $last ($(echo $blocks | wc -w) blocks)"

# flip POS WHAT: the byte at POS changed; report must call it corrupted
# (exit 0 with a warning for what it read, or one error line); the magic
# and the version have messages of their own
flip() {
	pos=$1 what=$2
	cp "$TMP/r.data" "$TMP/bad.data"
	printf '\377' | dd of="$TMP/bad.data" bs=1 seek="$pos" conv=notrunc 2>/dev/null
	cmp -s "$TMP/r.data" "$TMP/bad.data" && printf '\000' | dd of="$TMP/bad.data" bs=1 seek="$pos" conv=notrunc 2>/dev/null
	"$PFX" report -i "$TMP/bad.data" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	case $rc in
	0) grep -q 'warning:.*corrupted' "$TMP/err" || fail "flip of $what (byte $pos): no corruption warning: $(cat "$TMP/err")"
	   grep -q 'WARNING: partial report' "$TMP/out" || fail "flip of $what (byte $pos): report does not say it is partial" ;;
	1) one_line_error
	   case $what in
	   magic) grep -q 'not a pfx record file' "$TMP/err" ;;
	   version) grep -q 'newer pfx\|corrupted' "$TMP/err" ;;
	   *) grep -q 'corrupted' "$TMP/err" ;;
	   esac || fail "flip of $what (byte $pos): $(cat "$TMP/err")" ;;
	*) cat "$TMP/err"; fail "flip of $what (byte $pos): exit $rc" ;;
	esac
}
flip 3 magic
flip 9 version
flip 17 header
flip $((16 + hlen - 1)) "header's end"
flip $((16 + hlen + 1)) "header CRC"
for b in 0 1 2 3; do
	flip $((first + b)) "first block's length"
done
flip $((first + 5)) "first block's CRC"
flip $((first + 8 + 3)) "first block's payload"
flip $((mid + 1)) "a middle block's length"
flip $((mid + 2)) "a middle block's length"
flip $((mid + 8 + 100)) "a middle block's payload"
flip $((last + 1)) "the last block's length"
flip $((last + 2)) "the last block's length"
flip $((size - 3)) "the END item"
echo ok
