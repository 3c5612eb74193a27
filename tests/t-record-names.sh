# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-names: regions are named right: a malloc'ed block in [heap],
# a deep stack in [stack], a mapped file with its path.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

prog="$top_builddir/tests/regions-prog"
[ -x "$prog" ] || fail "$prog is not built (make check builds it)"
"$PFX" record -o "$TMP/r.data" -- "$prog" "$TMP/mapped" >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/out" "$TMP/err"; fail "pfx record failed"; }
report_json
heap=$(kv heap "$TMP/out"); stack=$(kv stack "$TMP/out"); file=$(kv file "$TMP/out")
if [ "$(kv malloc "$TMP/out")" = sanitizer ]; then
	note "sanitizer build: malloc is not glibc's, the block is not in [heap]"
else
[ "$(region_field "$heap" kind)" = heap ] || fail "malloc block $heap: kind $(region_field "$heap" kind), expected heap"
[ "$(region_field "$heap" path)" = "[heap]" ] || fail "heap path '$(region_field "$heap" path)'"
[ "$(region_field "$heap" minor)" -ge 1024 ] || fail "heap: $(region_field "$heap" minor) faults for 1024 touched pages"
fi
[ "$(region_field "$stack" kind)" = stack ] || fail "stack $stack: kind $(region_field "$stack" kind), expected stack"
[ "$(region_field "$stack" minor)" -ge 500 ] || fail "stack: $(region_field "$stack" minor) faults for 512 touched pages"
[ "$(region_field "$file" kind)" = file ] || fail "file map $file: kind $(region_field "$file" kind), expected file"
[ "$(region_field "$file" path)" = "$TMP/mapped" ] || fail "file path '$(region_field "$file" path)', expected $TMP/mapped"
echo ok
