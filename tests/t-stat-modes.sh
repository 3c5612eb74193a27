# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-modes: 'pfx stat -- pfx-load MODE' against the kernel's own
# accounting, for every fault pattern pfx-load makes.
#
# Three checks per mode, all on the real kernel:
#  1. stat >= pfx-load's own getrusage() over its fault phase: stat counts
#     the whole process, so it must include at least those faults.
#  2. stat <= the command's wait4() rusage (printed in the JSON total):
#     perf's counters miss only faults the kernel takes on the task's
#     behalf (GUP) and the faults of the forked child before its exec.
#  3. wait4 - stat <= 1% of wait4 + 64.  The 64 covers that start-up
#     difference (measured ~27 here: ~24 faults between fork and exec,
#     ~3 GUP faults of execve copying the arguments); for every mode but
#     thp (one fault per 2 MiB) the counts are >16k and the plain 1% is
#     what holds (the test prints the gaps).
. "$top_srcdir/tests/lib.sh"

check_mode() {
	name=$1; shift
	"$PFX" stat --format json -o "$TMP/$name.json" -- "$PFX_LOAD" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	if [ "$rc" -eq 77 ]; then
		note "$name: pfx-load cannot run this mode here: $(cat "$TMP/$name.err")"
		return
	fi
	[ "$rc" -eq 0 ] || { cat "$TMP/$name.err"; fail "$name: pfx stat exited $rc"; }
	grep -q '^pfx-load: mode=' "$TMP/$name.out" || fail "$name: no pfx-load line"
	tail -n 1 "$TMP/$name.json" | grep -q '"type":"total"' || fail "$name: last line is not the total"
	[ "$(json_field source "$TMP/$name.json")" = perf ] || fail "$name: source is not perf"
	for kind in minor major; do
		stat=$(json_field "$kind" "$TMP/$name.json")
		wait4=$(json_field "rusage_$kind" "$TMP/$name.json")
		phase=$(kv "rusage_$kind" "$TMP/$name.out")
		expect=$(kv "expect_$kind" "$TMP/$name.out")
		note "$name $kind: expect=$expect pfx-load-phase=$phase stat=$stat wait4=$wait4 gap=$((wait4 - stat))"
		[ -n "$stat" ] && [ -n "$wait4" ] && [ -n "$phase" ] || fail "$name: missing fields"
		[ "$stat" -ge "$phase" ] || fail "$name $kind: stat $stat < pfx-load's own rusage $phase"
		[ "$stat" -ge "$expect" ] || fail "$name $kind: stat $stat < faults made by construction $expect"
		[ "$stat" -le "$wait4" ] || fail "$name $kind: stat $stat > wait4 rusage $wait4"
		awk -v s="$stat" -v w="$wait4" 'BEGIN { exit !(w - s <= w / 100.0 + 64) }' ||
			fail "$name $kind: stat $stat is more than 1% + 64 below wait4 $wait4"
		if [ "$wait4" -ge 10000 ]; then
			within_pct "$stat" "$wait4" 1 || fail "$name $kind: stat $stat not within 1% of wait4 $wait4"
		fi
	done
}

check_mode seq seq -s 64M
check_mode random random -s 64M
check_mode stride stride -s 256M --stride 4
check_mode repeat repeat -s 32M --rounds 4
check_mode file file -s 64M
check_mode cow cow -s 64M
check_mode thp thp -s 512M
check_mode threads seq -t 4 -s 128M
check_mode steady steady --seconds 1 --rate 20000
check_mode hotcold hotcold -s 64M --hot 16M --seconds 1
# swap: anon major faults, on a zram swap device this test sets up
if zram_swap_on 256M; then
	check_mode swap swap -s 64M
	[ "$(json_field major "$TMP/swap.json")" -ge "$(kv swapped "$TMP/swap.out")" ] ||
		fail "swap: $(json_field major "$TMP/swap.json") major faults < $(kv swapped "$TMP/swap.out") pages swapped"
else
	note "swap mode not exercised: no zram swap could be set up (not root, or no zram in this kernel)"
fi

# cow: the child's faults are counted (inherit): at least parent + child pages.
stat=$(json_field minor "$TMP/cow.json")
pages=$(kv pages "$TMP/cow.out")
[ "$stat" -ge $((2 * pages)) ] || fail "cow: stat $stat < parent + child pages $((2 * pages))"
# file: the major faults are the file's pages, exactly.
[ "$(json_field major "$TMP/file.json")" -eq "$(kv expect_major "$TMP/file.out")" ] ||
	fail "file: major faults $(json_field major "$TMP/file.json") != pages $(kv expect_major "$TMP/file.out")"
echo ok
