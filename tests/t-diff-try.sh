# SPDX-License-Identifier: GPL-2.0-or-later
# t-diff-try: pfx diff of before/after a remedy shows the change pfx try
# measured.  pfx try --keep DIR records one more run of each arm, in the
# environment its measured runs had (the preload, its settings); pfx diff
# of the two recordings gives each arm's faults within try's run-to-run
# range (widened by 3%: a recorded run is one more run), and the change
# in faults within 1 point of try's.  Workloads: pfx-load seq (unless
# sanitized: no preload reaches it) and python3 touching a 64 MiB
# anonymous mmap page by page, with populate.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
need_perf_sampling

# check_arm JSON-ARM A: the recording's faults A within try's range for
# the arm (min-max, 3% and 16 faults either side)
check_arm() {
	lo=$(jq -r "$1.faults.min" "$TMP/try.json") hi=$(jq -r "$1.faults.max" "$TMP/try.json")
	slack=$(( (hi * 3 / 100) > 16 ? hi * 3 / 100 : 16 ))
	[ "$2" -ge $((lo - slack)) ] && [ "$2" -le $((hi + slack)) ] ||
		fail "$what: the recording of $1 has $2 faults, try measured $lo-$hi"
}

# try_and_diff WHAT CMD...: pfx try --remedy populate --keep, then pfx diff
try_and_diff() {
	what=$1; shift
	rm -rf "$TMP/kept"
	# the command's own output first, try's JSON the last line
	"$PFX" try -r 3 --remedy populate --keep "$TMP/kept" --format json -- "$@" >"$TMP/try.out" 2>"$TMP/try.err" ||
		{ cat "$TMP/try.err"; fail "$what: pfx try --keep failed"; }
	tail -n 1 "$TMP/try.out" >"$TMP/try.json"
	jq -e . "$TMP/try.json" >/dev/null || fail "$what: try's output is not JSON"
	base=$(jq -r .baseline.recording "$TMP/try.json") after=$(jq -r '.remedies[0].recording' "$TMP/try.json")
	[ "$base" = "$TMP/kept/baseline.data" ] && [ "$after" = "$TMP/kept/populate.data" ] ||
		fail "$what: recordings named $base and $after"
	[ -s "$base" ] && [ -s "$after" ] || fail "$what: the recordings are missing"
	"$PFX" diff --format json "$base" "$after" >"$TMP/diff.json" 2>"$TMP/diff.err" ||
		{ cat "$TMP/diff.err"; fail "$what: pfx diff failed"; }
	a=$(jq -r .totals.faults.a "$TMP/diff.json") b=$(jq -r .totals.faults.b "$TMP/diff.json")
	check_arm .baseline "$a"
	check_arm '.remedies[0]' "$b"
	dc=$(jq -r .totals.faults.change_pct "$TMP/diff.json") tc=$(jq -r '.remedies[0].faults.change_pct' "$TMP/try.json")
	awk -v d="$dc" -v t="$tc" 'BEGIN { exit !(d - t <= 1 && t - d <= 1) }' ||
		fail "$what: pfx diff says $dc% faults, pfx try $tc%"
	note "$what: try $(jq -r .baseline.faults.median "$TMP/try.json") -> $(jq -r '.remedies[0].faults.median' "$TMP/try.json") faults ($tc%), diff $a -> $b ($dc%)"
}

if sanitized "$PFX_LOAD"; then
	note "pfx-load is sanitized: no preload reaches it; python3 only"
else
	try_and_diff "pfx-load seq 64M" "$PFX_LOAD" seq -s 64M
fi
command -v python3 >/dev/null || skip "python3 is not installed"
# the interpreter itself, not a wrapper (pyenv's shim): the remedy
# reaches the process pfx try starts, not its children
PY=$(python3 -c 'import sys; print(sys.executable)')
try_and_diff "python3 64 MiB mmap" "$PY" -c 'import mmap
m = mmap.mmap(-1, 64 << 20)
for i in range(0, len(m), 4096):
    m[i] = 1'

# the text names the pair to diff; --keep on a file is one line
"$PFX" try -r 1 --remedy populate --keep "$TMP/kept" -- "$PY" -c pass >"$TMP/try.txt" 2>/dev/null ||
	fail "pfx try --keep (text) failed"
grep -qF "  recorded: pfx diff $TMP/kept/baseline.data $TMP/kept/populate.data" "$TMP/try.txt" ||
	fail "try's text does not name the recordings: $(cat "$TMP/try.txt")"
: >"$TMP/file"
usage_error_of try "--keep $TMP/file: not a directory" --keep "$TMP/file" --remedy populate -- true
exit 0
