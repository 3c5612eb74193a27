# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-gup: faults the kernel takes on a process's behalf (GUP) reach its
# rusage but not perf's software counters; pfx stat must say so when the
# two differ (more than 1% and 64 faults), and stay quiet when they agree.
#   python3 populates 64 MiB with MADV_POPULATE_WRITE: 16384 faults in
#   rusage that perf never sees; the note and JSON's rusage_gap say it.
#   pfx-load seq faults every page itself: no note, warning null.
# pfx record says the same in one warning line after its rusage line.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip "no python3"

cat >"$TMP/pop.py" <<'PY'
import ctypes, mmap, sys
n = 64 << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
a = ctypes.addressof(ctypes.c_char.from_buffer(m))
sys.exit(0 if ctypes.CDLL(None).madvise(ctypes.c_void_p(a), ctypes.c_size_t(n), 23) == 0 else 3)  # MADV_POPULATE_WRITE
PY
python3 "$TMP/pop.py" || skip "MADV_POPULATE_WRITE refused (kernel before 5.14)"

# The summary goes to stderr, as perf stat's (JSON too).
expect_exit 0 "$PFX" stat -- python3 "$TMP/pop.py"
cat "$TMP/err"
grep -q "^ note: rusage counts [0-9,]* faults more than perf .*get_user_pages: MADV_POPULATE_\*" "$TMP/err" ||
	fail "no GUP note: $(tail -n 3 "$TMP/err")"
expect_exit 0 "$PFX" stat --format json -- python3 "$TMP/pop.py"
gap=$(json_field rusage_gap "$TMP/err")
[ "$gap" -ge $((16384 * 95 / 100)) ] && [ "$gap" -le $((16384 + 4096)) ] || fail "rusage_gap $gap for 16384 populated pages"
grep -q '"warning":"faults the kernel took on the command' "$TMP/err" || fail "JSON warning: $(tail -n 1 "$TMP/err")"

expect_exit 0 "$PFX" stat --format json -- "$PFX_LOAD" seq -s 64M
grep -q '"warning":null' "$TMP/err" || fail "a warning without GUP: $(tail -n 1 "$TMP/err")"
gap=$(json_field rusage_gap "$TMP/err")
note "seq: rusage - perf = $gap faults (execve's argument copy and the like)"
expect_exit 0 "$PFX" stat -- "$PFX_LOAD" seq -s 64M
grep -q "wait4() rusage of the command" "$TMP/err" || fail "no rusage lines: $(cat "$TMP/err")"
! grep -q "note: rusage" "$TMP/err" || fail "a note without GUP: $(tail -n 3 "$TMP/err")"

expect_exit 0 "$PFX" record -o "$TMP/pop.data" -- python3 "$TMP/pop.py"
grep -q "^pfx record: the command's wait4() rusage: [0-9]* minor, 0 major faults$" "$TMP/err" ||
	fail "record: no rusage line: $(cat "$TMP/err")"
[ "$(grep -c '^pfx: warning: record: rusage +[0-9]* faults against the [0-9]* counted: faults the kernel took on the command.s behalf (get_user_pages' "$TMP/err")" = 1 ] ||
	fail "record: no GUP warning: $(cat "$TMP/err")"
expect_exit 0 "$PFX" record -o "$TMP/seq.data" -- "$PFX_LOAD" seq -s 64M
! grep -q "warning: record: rusage" "$TMP/err" || fail "record: a GUP warning without GUP: $(cat "$TMP/err")"
echo ok
