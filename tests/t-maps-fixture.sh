# SPDX-License-Identifier: GPL-2.0-or-later
# t-maps-fixture: 'pfx maps' end to end on a fixture tree (--root /
# PFX_ROOT) where test-maps-states set every pagemap bit and kpageflags
# flag pfx decodes: the counts reach all three formats exactly, the huge
# zero page and a guard marker are not counted as memory, and without
# kpageflags the physical columns are '-' with one note.
. "$top_srcdir/tests/lib.sh"

mkfix="$top_builddir/tests/test-maps-states"
[ -x "$mkfix" ] || fail "$mkfix not built"
"$mkfix" --make-fixture "$TMP/root" 4242 || fail "cannot make the fixture"
[ "$(getconf PAGESIZE)" = 4096 ] || skip "the expected KiB below are for 4 KiB pages (this machine: $(getconf PAGESIZE))"

# Per mapping (KiB): SIZE RSS SWAP DIRTY THP LOCKED ZERO, as built by test-maps-states:
#   anon: 4 pages resident anon, 1 zero page, 1 swapped, 1 guard marker, 1 none
#   file: 2 resident (1 dirty), 2 none; path with a comma
#   THP:  512 pages, mlocked; mlocked small pages far apart; 2 pages of the huge zero page
expect_exit 0 "$PFX" maps --root "$TMP/root" -p 4242 --format csv
cat >"$TMP/want.csv" <<'CSV'
scope,start,end,perm,kind,size_kib,rss_kib,swap_kib,dirty_kib,thp_kib,locked_kib,zero_kib,path
mapping,0x10000000,0x10008000,rw-p,anon,32,16,4,16,0,0,4,
mapping,0x11000000,0x11004000,r--p,file,16,8,0,4,0,0,0,"/usr/lib/fake, lib.so"
mapping,0x20000000,0x20200000,rw-p,anon,2048,2048,0,2048,2048,2048,0,
mapping,0x30000000,0x30004000,rw-p,anon,16,16,0,16,0,16,0,
mapping,0x40000000,0x40002000,r--p,anon,8,0,0,0,0,0,8,
total,,,,,2120,2088,4,2084,2048,2064,12,
CSV
diff "$TMP/want.csv" "$TMP/out" || fail "csv differs from the fixture's counts (< expected, > pfx)"
[ ! -s "$TMP/err" ] || fail "a note with kpageflags present: $(cat "$TMP/err")"

# The same through PFX_ROOT, as JSON and text.
PFX_ROOT="$TMP/root" expect_exit 0 "$PFX" maps -p 4242 --format json
grep -qx '{"start":"0x20000000","end":"0x20200000","perm":"rw-p","kind":"anon","path":"","size_kib":2048,"rss_kib":2048,"swap_kib":0,"dirty_kib":2048,"thp_kib":2048,"locked_kib":2048,"zero_kib":0},' "$TMP/out" ||
	fail "json THP row: $(cat "$TMP/out")"
grep -qx '"total":{"size_kib":2120,"rss_kib":2088,"swap_kib":4,"dirty_kib":2084,"thp_kib":2048,"locked_kib":2064,"zero_kib":12}}' "$TMP/out" ||
	fail "json total: $(cat "$TMP/out")"
if command -v jq >/dev/null; then
	[ "$(jq '.mappings | length' "$TMP/out")" = 5 ] || fail "json: not 5 mappings"
	[ "$(jq -r '.mappings[1].path' "$TMP/out")" = "/usr/lib/fake, lib.so" ] || fail "json path"
fi
PFX_ROOT="$TMP/root" expect_exit 0 "$PFX" maps -p 4242
grep -q '^10000000  *10008000  *rw-p anon  *32  *16  *4  *16  *0  *0  *4  *$' "$TMP/out" || { cat "$TMP/out"; fail "text anon row"; }
grep -q '^total  *2120  *2088  *4  *2084  *2048  *2064  *12$' "$TMP/out" || { cat "$TMP/out"; fail "text total row"; }

# Without kpageflags: DIRTY THP LOCKED ZERO unknown, said once; the zero
# pages are then counted resident (pagemap cannot tell them apart).
mv "$TMP/root/proc/kpageflags" "$TMP/root/proc/kpageflags.away"
expect_exit 0 "$PFX" maps --root "$TMP/root" -p 4242 --format csv
one_line_error
grep -qx "pfx: warning: DIRTY, THP, LOCKED and ZERO are unknown ('-'): no $TMP/root/proc/kpageflags on this kernel" "$TMP/err" ||
	fail "note: $(cat "$TMP/err")"
grep -qx 'mapping,0x10000000,0x10008000,rw-p,anon,32,20,4,,,,,' "$TMP/out" || fail "csv without kpageflags: $(cat "$TMP/out")"
grep -qx 'total,,,,,2120,2100,4,,,,,' "$TMP/out" || fail "csv total without kpageflags: $(cat "$TMP/out")"
expect_exit 0 "$PFX" maps --root "$TMP/root" -p 4242 --format json
grep -q '"physical":false' "$TMP/out" || fail "json header without kpageflags"
grep -q '"dirty_kib":null,"thp_kib":null,"locked_kib":null,"zero_kib":null' "$TMP/out" || fail "json nulls: $(cat "$TMP/out")"

# Broken fixtures: a maps file that is not one, a missing process.
echo garbage >"$TMP/root/proc/4242/maps"
expect_exit 1 "$PFX" maps --root "$TMP/root" -p 4242 -o "$TMP/bad.json"
one_line_error
[ ! -e "$TMP/bad.json" ] || fail "a file was left for a failed run"
expect_exit 1 "$PFX" maps --root "$TMP/root" -p 4343
one_line_error
grep -q "process 4343 does not exist" "$TMP/err" || fail "missing process: $(cat "$TMP/err")"
echo ok
