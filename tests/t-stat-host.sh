# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-host: pfx stat -a (every task) and -A (per CPU) against the
# kernel's own count, /proc/vmstat pgfault.
#   A steady pfx-load at 50,000 faults/s dominates the host, so faults the
#   page-fault events never see (get_user_pages: execve copying its
#   arguments, futexes, MAP_POPULATE, O_DIRECT; failed faults) stay a small
#   part of vmstat's count: -a's minor + major must be within 5% of
#   vmstat's delta over the same time, as pfx reads it itself and as this
#   test reads it around the whole run (measured on a quiet 2-CPU VM: 0 to
#   0.01%; with parallel builds running: up to about 3%; see doc/stat.md).
#   -A's CPU rows add up to the total, one row per online CPU.
#   A GUP-heavy program (python3 populating 64 MiB with MADV_POPULATE_WRITE)
#   makes the gap big: pfx says so, naming the cause.
#   Where perf is denied (the deny-perf seccomp helper), -a falls back to
#   /proc/vmstat and says why; -A and --source perf then fail in one line.
. "$top_srcdir/tests/lib.sh"
need_root
command -v jq >/dev/null || skip "needs jq"
"$PFX" stat -a --source perf -I 100 --interval-count 1 -o /dev/null 2>"$TMP/probe" ||
	skip "no CPU-wide perf events here: $(cat "$TMP/probe")"

vm() { awk '$1 == "pgfault" { print $2 }' /proc/vmstat; }
# pfx's own start-up and exit faults are in the test's window around the
# run, not in the counters' (a sanitizer build takes thousands): measure them.
s0=$(vm); "$PFX" stat --help >/dev/null; s1=$(vm); own=$((s1 - s0))

"$PFX_LOAD" steady -s 512M --rate 50000 --seconds 4 >"$TMP/load.out" & LPID=$!
sleep 0.5
v0=$(vm)
"$PFX" stat -a -I 1000 --interval-count 2 --format json -o "$TMP/a.json" || fail "pfx stat -a failed"
v1=$(vm)
wait $LPID
cat "$TMP/a.json"
total=$(jq -s '.[-1] | .minor + .major' "$TMP/a.json")
kernel=$(jq -s '.[-1].kernel_faults' "$TMP/a.json")
[ "$(jq -rs '.[0].scope' "$TMP/a.json")" = system ] || fail "header scope is not system"
note "stat -a: perf minor+major $total, /proc/vmstat over the same time $kernel, around the run $((v1 - v0)) (pfx's own start-up and exit: about $own)"
[ "$total" -ge 80000 ] || fail "only $total faults in 2 s with a load faulting 50,000/s"
within_pct "$total" "$kernel" 5 || fail "perf $total not within 5% of /proc/vmstat's $kernel"
within_pct "$total" $((v1 - v0 - own)) 5 ||
	fail "perf $total not within 5% of /proc/vmstat's $((v1 - v0)) around the run, less pfx's own $own"
# Rows add up to the total.
rows=$(jq -s '[.[] | select(.type == "interval") | .minor + .major] | add' "$TMP/a.json")
[ "$rows" -eq "$total" ] || fail "interval rows sum to $rows, total $total"
# A gap beyond 1% is explained (warning), within it there is none.
gap=$(jq -s '.[-1].kernel_gap' "$TMP/a.json")
if within_pct "$total" "$kernel" 1 || [ "${gap#-}" -le 64 ]; then
	[ "$(jq -s '.[-1].warning' "$TMP/a.json")" = null ] || fail "a warning for a gap of $gap"
else
	jq -rs '.[-1].warning' "$TMP/a.json" | grep -q get_user_pages || fail "gap $gap without its cause"
fi

# -A: one row per online CPU, adding up to the total.
ncpu=$(getconf _NPROCESSORS_ONLN)
"$PFX" stat -a -A --format json -o "$TMP/A.json" -- "$PFX_LOAD" seq -s 64M >/dev/null || fail "stat -a -A failed"
[ "$(jq -s '[.[] | select(.type == "scope")] | length' "$TMP/A.json")" -eq "$ncpu" ] || fail "not $ncpu CPU rows"
sum=$(jq -s '[.[] | select(.type == "scope") | .minor + .major] | add' "$TMP/A.json")
total=$(jq -s '.[-1] | .minor + .major' "$TMP/A.json")
[ "$sum" -eq "$total" ] && [ "$total" -ge 16384 ] || fail "CPU rows $sum, total $total (the command alone takes 16384)"
"$PFX" stat -a -A -I 200 --interval-count 1 2>"$TMP/A.txt" || fail "stat -a -A text failed"
[ "$(grep -c '  CPU[0-9]' "$TMP/A.txt")" -ge "$ncpu" ] || fail "text rows do not name the CPUs: $(cat "$TMP/A.txt")"

# GUP: the kernel's count is far above perf's, and pfx says why.
if command -v python3 >/dev/null; then
	cat >"$TMP/pop.py" <<'PY'
import ctypes, mmap, sys
n = 64 << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
a = ctypes.addressof(ctypes.c_char.from_buffer(m))
sys.exit(0 if ctypes.CDLL(None).madvise(ctypes.c_void_p(a), ctypes.c_size_t(n), 23) == 0 else 3)  # MADV_POPULATE_WRITE
PY
	if python3 "$TMP/pop.py"; then
		"$PFX" stat -a -- python3 "$TMP/pop.py" 2>"$TMP/gup.txt" || fail "stat -a -- python3 failed"
		grep -q "^ note: /proc/vmstat counts [0-9,]* faults more than perf's minor + major .*get_user_pages" "$TMP/gup.txt" ||
			fail "no GUP note: $(cat "$TMP/gup.txt")"
	else
		note "MADV_POPULATE_WRITE refused: the GUP note is not exercised"
	fi
fi
# perf denied: the vmstat source, said in the header; per CPU impossible.
deny="$top_builddir/tests/deny-perf"
[ -x "$deny" ] || fail "tests/deny-perf is not built (make check builds it)"
"$deny" "$PFX" stat -a -I 200 --interval-count 1 2>"$TMP/fb.txt" || fail "fallback failed: $(cat "$TMP/fb.txt")"
grep -q "^# source: vmstat .*perf unavailable: Permission denied" "$TMP/fb.txt" || fail "fallback not said: $(head -n 1 "$TMP/fb.txt")"
expect_exit 1 "$deny" "$PFX" stat -a -A -I 200 --interval-count 1
one_line_error
grep -q "\-A needs perf events" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
expect_exit 1 "$deny" "$PFX" stat -a --source perf -I 200 --interval-count 1
one_line_error
grep -q "denied for CPU-wide counting.*or use --source vmstat" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
echo ok
