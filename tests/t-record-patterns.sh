# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-patterns: each pfx-load mode gets the access pattern it makes:
# random -> random, stride -> strided (with its stride), repeat -> repeat
# (refaults = pages x rounds), and -t 2 seq stays sequential per thread.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

check() {	# check MODE WANT_PATTERN ARGS...
	mode=$1 want=$2; shift 2
	record_load "$mode" "$@"
	report_json
	addr=$(kv addr "$TMP/load.out")
	got=$(region_field "$addr" pattern)
	[ "$got" = "$want" ] || fail "$mode: pattern $got, expected $want"
	[ "$(region_field "$addr" kind)" = anon ] || fail "$mode: kind $(region_field "$addr" kind)"
	[ "$(jqr .totals.lost)" = 0 ] || fail "$mode: lost $(jqr .totals.lost)"
	minor=$(region_field "$addr" minor); expect=$(kv expect_minor "$TMP/load.out")
	[ "$minor" -ge "$expect" ] || fail "$mode: $minor minor faults < expected $expect"
	phase=$(phase_faults "$addr")
	within_pct "$phase" "$(kv rusage_minor "$TMP/load.out")" 1 || fail "$mode: $phase faults in the phase vs rusage $(kv rusage_minor "$TMP/load.out")"
}

check random random -s 32M
check stride strided -s 64M --stride 4
[ "$(region_field "$addr" stride_pages)" = 4 ] || fail "stride: stride_pages $(region_field "$addr" stride_pages), expected 4"
check repeat repeat -s 16M --rounds 3
pages=$(kv pages "$TMP/load.out")
[ "$(region_field "$addr" refaults)" -ge $((pages * 3)) ] || fail "repeat: refaults $(region_field "$addr" refaults) < $((pages * 3))"
check seq sequential -s 64M -t 2
check hotcold sequential -s 32M --hot 8M --seconds 1
check steady repeat -s 8M --seconds 1 --rate 5000

# thp: one fault per 2 MiB huge page, a constant 512-page step.
"$PFX" record -o "$TMP/r.data" -- "$PFX_LOAD" thp -s 64M >"$TMP/load.out" 2>"$TMP/rec.err"
rc=$?
if [ "$rc" -eq 0 ]; then
	report_json
	addr=$(kv addr "$TMP/load.out")
	[ "$(region_field "$addr" pattern)" = strided ] || fail "thp: pattern $(region_field "$addr" pattern)"
	[ "$(region_field "$addr" minor)" -eq "$(kv expect_minor "$TMP/load.out")" ] ||
		fail "thp: $(region_field "$addr" minor) faults, expected one per huge page: $(kv expect_minor "$TMP/load.out")"
elif [ "$rc" -eq 77 ]; then
	note "thp mode not exercised: $(cat "$TMP/rec.err" "$TMP/load.out")"
else
	cat "$TMP/rec.err"; fail "pfx record -- pfx-load thp exited $rc"
fi

# swap: every page faults twice (first touch, then swap-in after
# MADV_PAGEOUT): pattern repeat, one major fault per page swapped out.
if zram_swap_on 256M; then
	record_load swap -s 32M
	report_json
	addr=$(kv addr "$TMP/load.out")
	[ "$(region_field "$addr" kind)" = anon ] || fail "swap: kind $(region_field "$addr" kind)"
	[ "$(region_field "$addr" pattern)" = repeat ] || fail "swap: pattern $(region_field "$addr" pattern)"
	[ "$(region_field "$addr" major)" -eq "$(kv swapped "$TMP/load.out")" ] ||
		fail "swap: $(region_field "$addr" major) major faults, $(kv swapped "$TMP/load.out") pages swapped"
	[ "$(jqr .totals.lost)" = 0 ] || fail "swap: lost $(jqr .totals.lost)"
else
	note "swap mode not exercised: no zram swap could be set up (not root, or no zram in this kernel)"
fi
echo ok
