# SPDX-License-Identifier: GPL-2.0-or-later
# t-wss-idle: 'pfx wss' end to end against fixture trees (PFX_ROOT), since
# this kernel lacks idle page tracking: auto picks idle where the bitmap
# exists, the idle method's totals and breakdown reach the output, and the
# refs method's smaps arithmetic (anon/file split) is exact on a known file;
# each method writes clear_refs as documented (the TLB flush "4" after the
# reset, "1" alone with --no-flush); the inject method (soft-dirty, which
# this kernel lacks) counts the written pages of a soft-dirty fixture.
. "$top_srcdir/tests/lib.sh"

mkfix="$top_builddir/tests/test-wss-idle"
[ -x "$mkfix" ] || fail "$mkfix not built"
MIB=1048576

# --- idle, nothing touched: WSS 0, RSS the whole 64 MiB mapping ---
"$mkfix" --make-fixture "$TMP/idle" $$ 64 || fail "cannot make the fixture"
PFX_ROOT="$TMP/idle" expect_exit 0 "$PFX" wss -p $$ --format json 0 2
head -n 1 "$TMP/out" | grep -q '"method":"idle","method_reason":"auto: the kernel has idle page tracking"' ||
	fail "auto did not pick idle: $(head -n 1 "$TMP/out")"
head -n 1 "$TMP/out" | grep -q '"perturbs_reclaim":false' || fail "idle claims to perturb reclaim"
[ "$(grep -c '"type":"sample"' "$TMP/out")" -eq 2 ] || fail "expected 2 samples"
[ "$(json_field wss_bytes "$TMP/out")" = 0 ] || fail "untouched fixture: WSS $(json_field wss_bytes "$TMP/out")"
[ "$(json_field rss_bytes "$TMP/out")" = $((64 * MIB)) ] || fail "RSS $(json_field rss_bytes "$TMP/out")"
[ "$(json_field method "$TMP/out")" = idle ] || fail "sample method"
[ "$(cat "$TMP/idle/proc/$$/clear_refs")" = 44 ] ||
	fail "idle: clear_refs got '$(cat "$TMP/idle/proc/$$/clear_refs")', expected the flush '4' per window"
head -n 1 "$TMP/out" | grep -q '"flush":true,"softdirty":false,"write_protects":false,"lower_bound":false' ||
	fail "idle header: $(head -n 1 "$TMP/out")"
[ "$(json_field pss_bytes "$TMP/out")" = $((2048 * 1024)) ] || fail "idle PSS from smaps_rollup"
[ "$(json_field faults "$TMP/out")" = 0 ] || fail "idle faults in the window"

# --- idle, every page reads accessed (bitmap = /dev/zero): WSS = RSS ---
"$mkfix" --make-fixture "$TMP/hot" $$ 16 --all-accessed || fail "cannot make the fixture"
PFX_ROOT="$TMP/hot" expect_exit 0 "$PFX" wss -p $$ --method idle --by-mapping --format json 0 1
[ "$(json_field wss_bytes "$TMP/out")" = $((16 * MIB)) ] || fail "all accessed: WSS $(json_field wss_bytes "$TMP/out")"
[ "$(json_field wss_anon_bytes "$TMP/out")" = $((16 * MIB)) ] || fail "all accessed: anon WSS"
grep -q '"mappings":\[{"start":"0x10000000","end":"0x11000000","name":"","wss_bytes":16777216,"wss_anon_bytes":16777216,"wss_file_bytes":0,"rss_bytes":16777216}\]' "$TMP/out" ||
	fail "breakdown: $(cat "$TMP/out")"

# --- idle: the hidden --root option does the same as PFX_ROOT ---
expect_exit 0 "$PFX" wss --root "$TMP/hot" -p $$ --method idle --format csv 0 1
grep -q ",idle,total,,,,$((16 * MIB)),$((16 * MIB)),0,$((16 * MIB))," "$TMP/out" || fail "csv: $(cat "$TMP/out")"

# --- refs on a known smaps: the arithmetic is exact ---
proc="$TMP/refs/proc/$$"
mkdir -p "$proc"
: >"$proc/clear_refs"
cat >"$proc/smaps" <<'EOF'
10000000-10400000 rw-p 00000000 00:00 0 
Size:               4096 kB
Rss:                1000 kB
Referenced:          400 kB
Anonymous:          1000 kB
VmFlags: rd wr mr mw me ac 
7f0000000000-7f0000100000 r-xp 00000000 fe:00 42                         /usr/lib/with, comma.so
Size:               1024 kB
Rss:                 200 kB
Referenced:           50 kB
Anonymous:             8 kB
VmFlags: rd ex mr mw me 
EOF
PFX_ROOT="$TMP/refs" expect_exit 0 "$PFX" wss -p $$ --method refs --by-mapping --format csv 0 2
[ "$(cat "$proc/clear_refs")" = 1414 ] || fail "clear_refs got '$(cat "$proc/clear_refs")', expected '14' per window"
: >"$proc/clear_refs"
PFX_ROOT="$TMP/refs" expect_exit 0 "$PFX" wss -p $$ --method refs --no-flush --format csv 0 2
[ "$(cat "$proc/clear_refs")" = 11 ] || fail "--no-flush: clear_refs got '$(cat "$proc/clear_refs")', expected '1' per window"
grep -q "^# pfx wss: .*no TLB flush: a lower bound.*the WSS is a lower bound" "$TMP/out" || fail "--no-flush header: $(head -n 1 "$TMP/out")"
grep -q ",refs,total,,,,$((450 * 1024)),$((408 * 1024)),$((42 * 1024)),$((1200 * 1024))," "$TMP/out" ||
	fail "refs totals: $(cat "$TMP/out")"
PFX_ROOT="$TMP/refs" expect_exit 0 "$PFX" wss -p $$ --method refs --by-mapping --format csv 0 1
grep -q ',refs,mapping,0x7f0000000000,0x7f0000100000,"/usr/lib/with, comma.so",51200,8192,43008,204800,' "$TMP/out" ||
	fail "refs mapping row: $(cat "$TMP/out")"

# --- inject: refused without soft-dirty, with one line ---
PFX_ROOT="$TMP/idle" expect_exit 1 "$PFX" wss -p $$ --method inject 0 1
one_line_error
grep -q "page-fault injection needs soft-dirty bits (CONFIG_MEM_SOFT_DIRTY)" "$TMP/err" || fail "inject: $(cat "$TMP/err")"

# --- inject on a soft-dirty fixture: every 4th page of 16 MiB written ---
"$mkfix" --make-fixture "$TMP/sd" $$ 16 --softdirty 4 || fail "cannot make the soft-dirty fixture"
PFX_ROOT="$TMP/sd" expect_exit 0 "$PFX" wss -p $$ --method inject --format json 0 2
head -n 1 "$TMP/out" | grep -q '"method":"inject".*"flush":true,"softdirty":true,"write_protects":true' ||
	fail "inject header: $(head -n 1 "$TMP/out")"
[ "$(json_field written_bytes "$TMP/out")" = $((4 * MIB)) ] || fail "inject written $(json_field written_bytes "$TMP/out")"
[ "$(json_field wss_bytes "$TMP/out")" = $((4 * MIB)) ] || fail "inject WSS"
[ "$(json_field rss_bytes "$TMP/out")" = $((16 * MIB)) ] || fail "inject RSS"
[ "$(cat "$TMP/sd/proc/$$/clear_refs")" = 44 ] || fail "inject: clear_refs got '$(cat "$TMP/sd/proc/$$/clear_refs")'"
expect_exit 0 "$PFX" wss --root "$TMP/sd" -p $$ --method inject 0 1
grep -q "note: clear_refs 4 write-protects every page" "$TMP/out" || fail "inject text note: $(cat "$TMP/out")"
grep -q "written_MiB" "$TMP/out" || fail "inject text has no written column"

# Not smaps at all: one clear line, no crash, no file.
echo "garbage" >"$proc/smaps"
PFX_ROOT="$TMP/refs" expect_exit 1 "$PFX" wss -p $$ --method refs -o "$TMP/bad.json" 0 1
one_line_error
grep -q "measuring process $$ failed: Invalid argument" "$TMP/err" || fail "bad smaps: $(cat "$TMP/err")"
[ ! -e "$TMP/bad.json" ] || fail "a file was left for a failed run"
echo ok
