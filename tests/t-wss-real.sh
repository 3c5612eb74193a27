# SPDX-License-Identifier: GPL-2.0-or-later
# t-wss-real: pfx wss on a real program and in its other modes.
#   - python3 keeps 64 MiB of a 256 MiB private anonymous mmap hot (one
#     byte per page, written); the mapping's WSS within 5% of 64 MiB in
#     every window after the touch, its RSS 256 MiB.  The wss.pl method
#     (clear_refs 1, sleep, sum Referenced) on the same mapping is reported
#     next to it, as a user would check.
#   - --cumulative on pfx-load steady (4096 new pages a second): every
#     page touched since the start stays referenced, so the region's WSS
#     equals its RSS in every sample and grows.
#   - --profile 4: four samples whose windows double (0.2, 0.4, 0.8,
#     1.6 s, within 15%), WSS never shrinking.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wss-lib.sh"
MIB=1048576
command -v python3 >/dev/null || skip "no python3"

cat >"$TMP/hot.py" <<'PY'
import ctypes, mmap, sys, time
size, hot, seconds = 256 << 20, 64 << 20, float(sys.argv[1])
m = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
print("python: addr=%#x total_bytes=%d hot_bytes=%d" % (ctypes.addressof(ctypes.c_char.from_buffer(m)), size, hot), flush=True)
for i in range(0, size, 4096):
    m[i] = 1
end = time.monotonic() + seconds
while time.monotonic() < end:
    for i in range(0, hot, 4096):
        m[i] = 2
    time.sleep(0.001)
PY
"$PFX" wss --format json --by-mapping -o "$TMP/py.json" 0.5 -- python3 "$TMP/hot.py" 3 >"$TMP/py.out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "pfx wss -- python3 failed"; }
cat "$TMP/py.out"
addr=$(kv addr "$TMP/py.out")
region_rows "$TMP/py.json" "$addr" >"$TMP/py.rows"
steady_rows "$TMP/py.rows" $((256 * MIB)) >"$TMP/py.steady"
cat "$TMP/py.rows"
[ "$(wc -l <"$TMP/py.steady")" -ge 2 ] || fail "python: fewer than 2 windows after the touch"
within_every py $((64 * MIB)) 5 1 || fail "python: the mapping's WSS is not within 5% of 64 MiB"

# The wss.pl method on a fresh python process, for comparison (not asserted:
# without a TLB flush it is a lower bound).
python3 "$TMP/hot.py" 4 >"$TMP/py2.out" &
pypid=$!
sleep 2.5
addr=$(kv addr "$TMP/py2.out")
echo 1 >"/proc/$pypid/clear_refs"
sleep 1
anchor=$(awk -v a="${addr#0x}" '$1 ~ /^[0-9a-f]+-/ { split($1, r, "-"); ours = r[1] == a } ours && /^Referenced:/ { print $2 * 1024 }' "/proc/$pypid/smaps")
wait $pypid
note "wss.pl method on the same mapping: $((anchor / 1024)) KiB referenced (pfx: $(awk '{ print int($1 / 1024) }' "$TMP/py.steady" | head -n 1) KiB)"

# --- --cumulative: growth since the start ---
"$PFX" wss --cumulative --format json --by-mapping -o "$TMP/cum.json" 0.25 -- \
	"$PFX_LOAD" steady -s 64M --rate 4096 --seconds 2 >"$TMP/cum.out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "pfx wss --cumulative failed"; }
head -n 1 "$TMP/cum.json" | grep -q '"mode":"cumulative"' || fail "cumulative header: $(head -n 1 "$TMP/cum.json")"
# (The last sample may come after pfx-load unmapped its region.)
region_rows "$TMP/cum.json" "$(kv addr "$TMP/cum.out")" | grep -v '^- ' >"$TMP/cum.rows"
cat "$TMP/cum.rows"
[ "$(wc -l <"$TMP/cum.rows")" -ge 5 ] || fail "cumulative: fewer than 5 samples"
awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > $2 * 0.05 + 8192) bad++; if (NR > 1 && $1 < prev) shrink++; prev = $1 }
	END { exit (bad > 0) + 2 * (shrink > 0) }' "$TMP/cum.rows" ||
	fail "cumulative: the region's WSS is not its RSS, or it shrank"
last=$(tail -n 1 "$TMP/cum.rows" | cut -d' ' -f1)
[ "$last" -ge $((6 * MIB)) ] || fail "cumulative: only $last bytes after 2 s of 16 MiB/s"
# Windows of a cumulative run all start at the one reset.
grep '"type":"sample"' "$TMP/cum.json" | sed -n 's/.*"window_s":\([0-9.]*\).*/\1/p' >"$TMP/cum.windows"
awk 'NR > 1 && $1 <= prev { exit 1 } { prev = $1 }' "$TMP/cum.windows" || fail "cumulative windows do not grow"

# --- --profile 4 ---
"$PFX" wss --profile 4 --format json -o "$TMP/prof.json" 0.2 -- \
	"$PFX_LOAD" steady -s 64M --rate 2048 --seconds 4 >"$TMP/prof.out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "pfx wss --profile failed"; }
grep '"type":"sample"' "$TMP/prof.json" >"$TMP/prof.samples"
cat "$TMP/prof.samples" | cut -c1-140
[ "$(wc -l <"$TMP/prof.samples")" -eq 4 ] || fail "--profile 4 gave $(wc -l <"$TMP/prof.samples") samples"
sed -n 's/.*"window_s":\([0-9.]*\),.*"wss_bytes":\([0-9]*\).*/\1 \2/p' "$TMP/prof.samples" >"$TMP/prof.rows"
awk '{ want = 0.2 * 2 ^ (NR - 1); d = $1 - want; if (d < 0) d = -d; if (d > want * 0.15) bad++
	if (NR > 1 && $2 < prev) shrink++; prev = $2 } END { exit bad + shrink > 0 }' "$TMP/prof.rows" ||
	fail "--profile windows are not 0.2 s doubling, or the WSS shrank: $(cat "$TMP/prof.rows")"
echo ok
