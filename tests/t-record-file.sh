# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-file: a mapped file read once (page cache dropped) shows as a
# file region with its path, one major fault per page, read accesses.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

record_load file -s 8M --dir "$TMP"
report_json
addr=$(kv addr "$TMP/load.out"); pages=$(kv pages "$TMP/load.out"); file=$(kv file "$TMP/load.out")
[ "$(kv rusage_major "$TMP/load.out")" -eq "$pages" ] || skip "pfx-load could not drop the page cache here (rusage_major $(kv rusage_major "$TMP/load.out"))"
[ "$(region_field "$addr" kind)" = file ] || fail "kind $(region_field "$addr" kind), expected file"
case "$(region_field "$addr" path)" in
"$file"*) ;;
*) fail "path '$(region_field "$addr" path)', expected $file" ;;
esac
[ "$(region_field "$addr" major)" -eq "$pages" ] || fail "major $(region_field "$addr" major), expected one per page ($pages)"
[ "$(region_field "$addr" pages)" -eq "$pages" ] || fail "pages $(region_field "$addr" pages), expected $pages"
[ "$(region_field "$addr" pattern)" = sequential ] || fail "pattern $(region_field "$addr" pattern)"
[ "$(jqr '.types["file-read"]')" -ge "$pages" ] || fail "types.file-read = $(jqr '.types["file-read"]')"
echo ok
