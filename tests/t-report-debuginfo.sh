# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-debuginfo: report --by function reads separate debug info.
# Debian's libc.so.6 is stripped (.dynsym only: memset's CPU variants are
# not in it); libc6-dbg installs its .symtab under
# /usr/lib/debug/.build-id/xx/yyyy.debug.  python3 copying 64 MiB faults in
# libc's memmove: the report names the variant (__memmove_*), the name
# binutils' nm gives for that address in the debug file, not "libc.so.6".
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
command -v python3 >/dev/null || skip "no python3"
command -v readelf >/dev/null || skip "no readelf (binutils)"
libc=$(python3 -c 'import ctypes.util, os; print(os.path.realpath("/lib/x86_64-linux-gnu/" + ctypes.util.find_library("c")))' 2>/dev/null)
[ -f "$libc" ] || skip "libc not found at /lib/x86_64-linux-gnu"
id=$(readelf -n "$libc" | awk '/Build ID:/ { print $3 }')
debug=/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug
[ -f "$debug" ] || skip "no debug file for libc ($debug): install libc6-dbg"
nm -D "$libc" | grep -q '__memmove_avx' && skip "this libc exports its memmove variants: nothing to prove"

expect_exit 0 "$PFX" record -o "$TMP/r.data" -- python3 -c 'b = b"x" * (64 << 20); c = bytearray(b)'
"$PFX" report -i "$TMP/r.data" --by function --format json --top 5 >"$TMP/rep.json" || fail "report failed"
jq -r '.functions[] | "\(.faults) \(.function)"' "$TMP/rep.json" | head -n 5
fn=$(jq -r '[.functions[] | select((.function // "") | test("^__mem(move|cpy|set)_"))][0].function' "$TMP/rep.json")
faults=$(jq -r '[.functions[] | select((.function // "") | test("^__mem(move|cpy|set)_"))][0].faults' "$TMP/rep.json")
[ "$fn" != null ] || fail "no libc memmove/memset variant named: $(jq -c '.functions[:5]' "$TMP/rep.json")"
[ "$faults" -ge 8192 ] || fail "$fn has $faults faults for 64 MiB"
name=${fn%%+*}; name=${name%% *}
nm "$debug" | grep -q " [tT] $name$" || fail "$name is not a function of libc's debug file"
note "libc's $name (from $debug): $faults faults"
echo ok
