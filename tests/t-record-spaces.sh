# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-spaces: regions per address space on real programs (issue 12).
# A shell loop of ls (30 processes, each exec'ed), python3 (buffers grown
# by realloc/mremap, an anonymous mmap, a forked child; byte arrays grown
# by mremap), gcc -O2 and sqlite3: no
# fault in an unknown region (every process here lives long enough to be
# read, or its mappings are inherited or announced), the rows sum to the
# total, each ls has its own /usr/bin/ls rows, no two regions of one
# process overlap while both are mapped, and python's regions still
# mapped at the end are as its /proc/PID/maps shows them.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip "no python3"
check() { python3 "$top_srcdir/tests/spaces-check.py" "$@"; }
# check_rows JSON WHAT: the common checks; sets faults
check_rows() {
	check "$1" >"$TMP/check" || fail "$2: spaces-check failed"
	faults=$(sed -n 's/^faults \([0-9]*\) .*/\1/p' "$TMP/check")
	unknown=$(sed -n 's/.* unknown \([0-9]*\) .*/\1/p' "$TMP/check")
	sum=$(sed -n 's/.* sum \([0-9]*\)$/\1/p' "$TMP/check")
	[ "$faults" -gt 0 ] && [ "$sum" = "$faults" ] || fail "$2: rows sum to $sum, the total is $faults"
	if [ $((unknown * 100)) -gt "$faults" ]; then
		remaps_known "$1" && fail "$2: $unknown of $faults faults in unknown rows (more than 1%)"
		note "$2: $unknown of $faults faults in unknown rows: more than 1%, but no mremap tracepoints (root only, remaps_known in lib.sh)"
	fi
	grep -q '^overlapping 0$' "$TMP/check" || fail "$2: $(grep overlap "$TMP/check" | head -3)"
	note "$2: $faults faults, $unknown unknown, rows sum to the total, no overlap at one time"
}

# A shell loop: 30 ls processes, each with its own address space.
expect_exit 0 "$PFX" record -o "$TMP/sh.data" -- sh -c 'for i in $(seq 30); do ls /usr/bin >/dev/null; done'
"$PFX" report -i "$TMP/sh.data" --format json --top 1000000 >"$TMP/sh.json" || fail "report of the shell loop failed"
[ "$(jq .format_version "$TMP/sh.json")" = 7 ] || fail "the file is format $(jq .format_version "$TMP/sh.json"), not 7"
check_rows "$TMP/sh.json" "shell loop"
ls_pids=$(jq '[.regions[] | select(.path == "/usr/bin/ls") | .pid] | unique | length' "$TMP/sh.json")
[ "$ls_pids" = 30 ] || fail "/usr/bin/ls rows of $ls_pids processes, not of the 30 ls"
not_ls=$(jq '([.regions[] | select(.path == "/usr/bin/ls") | .pid] | unique) as $p |
	[.threads[] | select(.tid == .pid and (.pid | IN($p[])) and .comm != "ls")] | length' "$TMP/sh.json")
[ "$not_ls" = 0 ] || fail "$not_ls processes with /usr/bin/ls rows are not called ls"
"$PFX" report -i "$TMP/sh.data" --top 5 >"$TMP/sh.txt" || fail "text report failed"
grep -q '^ *PID START' "$TMP/sh.txt" || fail "the region view of 31 processes has no PID column"

# python3 with a child; its regions against its own /proc/PID/maps.
py=$(command -v python3)
[ -x /usr/bin/python3 ] && py=/usr/bin/python3	# not a wrapper script (pyenv): one process to compare
expect_exit 0 "$PFX" record -o "$TMP/py.data" -- "$py" "$top_srcdir/tests/spaces-prog.py" "$TMP/maps"
"$PFX" report -i "$TMP/py.data" --format json --top 1000000 >"$TMP/py.json" || fail "report of python3 failed"
check_rows "$TMP/py.json" "python3"
pid=$(jq '[.threads[] | select(.comm | startswith("python"))][0].pid' "$TMP/py.json")
[ "$(jq '[.regions[].pid] | unique | length' "$TMP/py.json")" -ge 2 ] || fail "python3's forked child has no rows of its own"
check "$TMP/py.json" "$pid" "$TMP/maps" >"$TMP/check" || fail "spaces-check failed"
grep -q '^unmatched 0 of' "$TMP/check" || fail "python3: $(grep -v '^faults\|^overlapping' "$TMP/check" | head -4)"
note "python3: $(grep '^unmatched' "$TMP/check") regions still mapped differ from /proc/$pid/maps"

# python3 growing byte arrays by mremap, and gcc's cc1 on a generated file
# (cc1 fills the gap between two anonymous mappings: the kernel merges
# them): issue 20 found 1-115 and 3 pairs of rows overlapping there.
expect_exit 0 "$PFX" record -o "$TMP/mr.data" -- "$py" "$top_srcdir/tests/spaces-mremap.py"
"$PFX" report -i "$TMP/mr.data" --format json --top 1000000 >"$TMP/mr.json" || fail "report of python3 mremap failed"
check_rows "$TMP/mr.json" "python3 mremap"
if command -v gcc >/dev/null; then
	python3 -c '
for i in range(1500):
    print("int f%d(int x) { int s = 0; for (int j = 0; j < x; j++) s += j * %d ^ (s >> 3); return s + %d; }" % (i, i, i))
' >"$TMP/gen.c"
	expect_exit 0 "$PFX" record -o "$TMP/gcc.data" -- gcc -O2 -c "$TMP/gen.c" -o "$TMP/gen.o"
	"$PFX" report -i "$TMP/gcc.data" --format json --top 1000000 >"$TMP/gcc.json" || fail "report of gcc failed"
	check_rows "$TMP/gcc.json" "gcc -O2"
fi

if command -v sqlite3 >/dev/null; then
	expect_exit 0 "$PFX" record -o "$TMP/sq.data" -- sqlite3 "$TMP/t.db" \
		"create table t(a, b); insert into t select value, randomblob(200) from generate_series(1, 20000); select count(*) from t;"
	"$PFX" report -i "$TMP/sq.data" --format json --top 1000000 >"$TMP/sq.json" || fail "report of sqlite3 failed"
	check_rows "$TMP/sq.json" "sqlite3"
else
	note "no sqlite3: that part skipped"
fi
echo ok
