# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-proc: the /proc source agrees with the perf source, and 'auto'
# falls back when perf_event_open is denied (EACCES, EPERM, ENOSYS, forced
# with the deny-perf seccomp helper), saying so in its output: to tracefs
# as root (t-tracefs-stat.sh covers it), else to proc.
. "$top_srcdir/tests/lib.sh"

deny="$top_builddir/tests/deny-perf"
[ -x "$deny" ] || fail "tests/deny-perf is not built (make check builds it)"

# Same workload under both sources.  proc counts from a baseline read
# while the command is held before exec, perf from the exec; the
# difference is execve's own GUP faults (a handful).
for src in perf proc; do
	"$PFX" stat --source "$src" --format json -o "$TMP/$src.json" -- "$PFX_LOAD" seq -s 64M \
		>"$TMP/$src.out" || fail "--source $src failed"
	[ "$(json_field source "$TMP/$src.json")" = "$src" ] || fail "--source $src: output says $(json_field source "$TMP/$src.json")"
done
perf=$(json_field minor "$TMP/perf.json"); proc=$(json_field minor "$TMP/proc.json")
note "minor faults: perf=$perf proc=$proc"
within_pct "$proc" "$perf" 1 || fail "proc $proc and perf $perf differ by more than 1%"
[ "$proc" -ge "$(kv rusage_minor "$TMP/proc.out")" ] || fail "proc total below pfx-load's own rusage"
[ "$proc" -le "$(json_field rusage_minor "$TMP/proc.json")" ] || fail "proc total above wait4 rusage"
# file mode: majors agree exactly (no GUP in that path).
for src in perf proc; do
	"$PFX" stat --source "$src" --format json -o "$TMP/f$src.json" -- "$PFX_LOAD" file -s 16M \
		>"$TMP/f$src.out" || fail "--source $src file failed"
done
[ "$(json_field major "$TMP/fperf.json")" -eq "$(json_field major "$TMP/fproc.json")" ] ||
	fail "major faults differ: perf $(json_field major "$TMP/fperf.json") proc $(json_field major "$TMP/fproc.json")"

# Intervals from /proc: steady 4000/s for 1.5 s, rows every 0.25 s.
"$PFX" stat --source proc -I 250 --format json -o "$TMP/pi.json" -- \
	"$PFX_LOAD" steady --seconds 1.5 --rate 4000 >"$TMP/pi.out" || fail "proc intervals failed"
# Expect pfx-load's own rate (4000/s; more if built with sanitizers).
ref=$(awk -v m="$(kv rusage_minor "$TMP/pi.out")" -v s="$(kv seconds "$TMP/pi.out")" 'BEGIN { printf "%.1f", m / s }')
grep '"type":"interval"' "$TMP/pi.json" | sed -n '2,4p' | sed 's/.*"minor_per_s":\([0-9.]*\).*/\1/' |
	while read -r rate; do
		awk -v r="$rate" -v ref="$ref" 'BEGIN { exit !(r >= ref * 0.9 && r <= ref * 1.1) }' ||
			fail "proc interval rate $rate, expected ~$ref (pfx-load's own)"
	done || exit 1
sum=$(grep '"type":"interval"' "$TMP/pi.json" | sed 's/.*"minor":\([0-9]*\).*/\1/' | awk '{ s += $1 } END { print s }')
[ "$sum" -eq "$(json_field minor "$TMP/pi.json")" ] || fail "proc rows sum $sum != total"

# auto falls back on each denial errno, and says why.
if [ "$(id -u)" -eq 0 ]; then fallback=tracefs; else fallback=proc; fi
for e in EACCES EPERM ENOSYS; do
	DENY_PERF_ERRNO=$e "$deny" "$PFX" stat --format json -o "$TMP/d.json" -- "$PFX_LOAD" seq -s 16M \
		>"$TMP/d.out" 2>"$TMP/d.err" || { cat "$TMP/d.err"; fail "auto with perf denied ($e) failed"; }
	[ "$(json_field source "$TMP/d.json")" = $fallback ] || fail "$e: auto did not fall back to $fallback"
	grep -q "\"description\":\"$fallback .*perf unavailable" "$TMP/d.json" || fail "$e: output does not say perf was denied"
	[ "$(json_field minor "$TMP/d.json")" -ge "$(kv rusage_minor "$TMP/d.out")" ] || fail "$e: $fallback total too low"
done
DENY_PERF_ERRNO=EPERM "$deny" "$PFX" stat -- true 2>"$TMP/t.err" || fail "text fallback failed"
grep -q "^# source: $fallback" "$TMP/t.err" || { cat "$TMP/t.err"; fail "text output does not name the $fallback source"; }

# perf asked for explicitly and denied: one clear error, no output file.
expect_exit 1 "$deny" "$PFX" stat --source perf -o "$TMP/no.json" -- true
one_line_error
grep -q 'denied' "$TMP/err" || fail "error does not say denied: $(cat "$TMP/err")"
[ ! -e "$TMP/no.json" ] || fail "an output file was left behind"
echo ok
