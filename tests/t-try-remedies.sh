# SPDX-License-Identifier: GPL-2.0-or-later
# t-try-remedies: pfx try measures remedies that help on workloads built
# to show them, and says so of one that does not (python3, 3 or 5 runs each):
#   hugepage     a 1 GiB bytearray (glibc.malloc.hugetlb=1: 262,972 -> ~2k faults)
#   populate     a 512 MiB anonymous mmap touched page by page, and pfx-load
#                seq: perf's faults drop (the kernel fills the pages at the
#                mmap: rusage still counts them)
#   willneed     5,000 random reads of a cold 256 MiB file under MADV_RANDOM:
#                major faults 4,797 -> 0
#   malloc-trim  64 MiB of 1000-byte objects freed 20 times: heap trimmed and
#                refaulted each time (332k faults -> 17.5k)
#   sequential   on the anonymous bytearray: no measurable change
# and the time spent in faults (fault_ms) falls with populate, willneed and
# malloc-trim (not checked for hugepage: allocating huge pages may compact
# memory, one fault taking seconds)
. "$top_srcdir/tests/lib.sh"
command -v jq >/dev/null || skip "no jq"
command -v python3 >/dev/null || skip "no python3"
# the interpreter itself, not a wrapper script (a pyenv shim would get the
# remedy, not python)
PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)

# verdict NAME: the remedy's "helps/worse/no measurable change" line
verdict() { jq -r --arg n "$1" '.remedies[] | select(.name == $n) | .verdict' "$TMP/out"; }
# lower NAME METRIC: the remedy's METRIC is lower beyond the noise
lower() {
	jq -e --arg n "$1" --arg m "$2" '.remedies[] | select(.name == $n) | .[$m]
		| .beyond_noise and .direction == "lower"' "$TMP/out" >/dev/null ||
		fail "$1: $2 not lower beyond the noise: $(jq -c --arg n "$1" '.remedies[] | select(.name == $n)' "$TMP/out")"
}

case $thp in *"[never]"*) note "THP never: hugepage left out" ;; *)
	expect_exit 0 "$PFX" try -r 5 --format json --remedy hugepage,sequential -- "$PY" -c 'b = bytearray(1 << 30)'
	note "hugepage: $(verdict hugepage)"
	note "sequential: $(verdict sequential)"
	lower hugepage faults
	jq -e '.remedies[0].faults.median < .baseline.faults.median / 10' "$TMP/out" >/dev/null ||
		fail "hugepage: less than 10x fewer faults"
	verdict hugepage | grep -q "^helps: -[0-9.]*% faults" || fail "hugepage verdict: $(verdict hugepage)"
	# the faults of an anonymous workload cannot move; wall time, on a
	# loaded machine, may by chance (two identical samples of 5 runs do
	# not overlap with a chance of 2 in 252)
	jq -e '.remedies[1].faults.beyond_noise == false' "$TMP/out" >/dev/null ||
		fail "sequential changed the faults: $(verdict sequential)"
	! verdict sequential | grep -q "[0-9]% faults" || fail "sequential verdict: $(verdict sequential)" ;;
esac

cat >"$TMP/anon.py" <<'PY'
import mmap
m = mmap.mmap(-1, 512 << 20)
for i in range(0, len(m), 4096):
    m[i] = 1
PY
expect_exit 0 "$PFX" try -r 3 --format json --remedy populate -- "$PY" "$TMP/anon.py"
note "populate: $(verdict populate)"
lower populate faults
# the kernel took the faults for it (MADV_POPULATE_WRITE): rusage still has them
jq -e '.remedies[0].rusage_minor.median > .baseline.faults.median * 0.9' "$TMP/out" >/dev/null ||
	fail "populate: rusage should still count the populated pages"

# pfx-load seq (dynamically linked): the faults move before the run; its
# own line (rusage over the touch loop) says the loop took none.  Not with
# a sanitized pfx-load: ASan's runtime must come first in the library list
# and refuses to start after a preload.
if sanitized "$PFX_LOAD"; then
	note "pfx-load is sanitized: no preload reaches it, populate on it left out"
else
	expect_exit 0 "$PFX" try -r 3 --format json --remedy populate -- "$PFX_LOAD" seq -s 128M
	# the command's own output comes first, on the same stdout
	grep -q '^pfx-load: mode=seq' "$TMP/out" || fail "pfx-load's lines: $(cat "$TMP/out")"
	grep 'rusage_minor=' "$TMP/out" >"$TMP/lines"
	grep '^{"command"' "$TMP/out" >"$TMP/json" && mv "$TMP/json" "$TMP/out"
	note "pfx-load seq populate: $(verdict populate)"
	lower populate faults
	lower populate fault_ms
	[ "$(grep -c 'rusage_minor=[0-9] ' "$TMP/lines")" -eq 3 ] || fail "populate: pfx-load's loop still faulted: $(cat "$TMP/lines")"
fi

# a cold file read at random: the page cache dropped by the script itself
# (POSIX_FADV_DONTNEED of a clean file), readahead off (MADV_RANDOM)
dd if=/dev/urandom of="$TMP/data" bs=1M count=256 status=none && sync "$TMP/data" 2>/dev/null || sync
cat >"$TMP/rand.py" <<'PY'
import mmap, os, random, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
m.madvise(mmap.MADV_RANDOM)
r = random.Random(1)
pages = len(m) // 4096
s = 0
for _ in range(5000):
    s += m[r.randrange(pages) * 4096]
PY
expect_exit 0 "$PFX" try -r 3 --format json --remedy willneed -- "$PY" "$TMP/rand.py" "$TMP/data"
note "willneed: $(verdict willneed)"
if jq -e '.baseline.major.median < 100' "$TMP/out" >/dev/null; then
	note "the file stayed cached (no major faults to remove): willneed not judged"
else
	lower willneed major
	lower willneed fault_ms
fi

cat >"$TMP/churn.py" <<'PY'
for _ in range(20):
    l = [bytes(1000) for _ in range(64000)]
    del l
PY
expect_exit 0 "$PFX" try -r 3 --format json --remedy malloc-trim -- "$PY" "$TMP/churn.py"
note "malloc-trim: $(verdict malloc-trim)"
lower malloc-trim faults
lower malloc-trim fault_ms

# text: the same verdicts, one line each
expect_exit 0 "$PFX" try -r 2 --remedy malloc-trim -- "$PY" "$TMP/churn.py"
grep -q "^  malloc-trim: helps: -[0-9.]*% faults" "$TMP/out" || fail "text: $(cat "$TMP/out")"
exit 0
