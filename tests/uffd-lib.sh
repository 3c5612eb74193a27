# SPDX-License-Identifier: GPL-2.0-or-later
# uffd-lib.sh: helpers for the userfaultfd tests (source after lib.sh and
# record-lib.sh).

# uffd_load MODE ARGS...: run pfx-load with a userfaultfd recorder writing
# $TMP/r.data; its line in $TMP/load.out.  Skips where the kernel has no
# usable userfaultfd (pfx-load exits 77 and says why).
uffd_load() {
	rm -f "$TMP/r.data"
	"$PFX_LOAD" "$@" --uffd-out "$TMP/r.data" >"$TMP/load.out" 2>"$TMP/load.err"
	rc=$?
	[ "$rc" -eq 77 ] && skip "$(cat "$TMP/load.err")"
	[ "$rc" -eq 0 ] || { cat "$TMP/load.out" "$TMP/load.err"; fail "pfx-load $* exited $rc"; }
	grep -q '^pfx-load: ' "$TMP/load.out" || fail "no pfx-load line: $(cat "$TMP/load.out")"
}

# uffd_check_file FAULTS PATTERN: the recording in $TMP/r.data is complete
# and holds exactly FAULTS faults, all in pfx-load's region, which report
# names anon with that access PATTERN; every fault has a latency, every
# thread id is one pfx-load printed; the pages read back as served.
uffd_check_file() {
	want=$1 pattern=$2
	addr=$(kv addr "$TMP/load.out")
	[ "$(kv verified "$TMP/load.out")" = 1 ] || fail "pfx-load did not verify the pages: $(cat "$TMP/load.out")"
	[ "$(kv uffd_faults "$TMP/load.out")" = "$want" ] || fail "recorder served $(kv uffd_faults "$TMP/load.out") faults, expected $want"
	report_json
	[ "$(jqr .complete)" = true ] || fail "report says the file is incomplete"
	[ "$(jqr .source)" = uffd ] || fail "source $(jqr .source), expected uffd"
	[ "$(jqr .totals.faults)" = "$want" ] || fail "file has $(jqr .totals.faults) faults, expected $want"
	[ "$(region_field "$addr" kind)" = anon ] || fail "region kind $(region_field "$addr" kind), expected anon"
	[ "$(region_field "$addr" faults)" = "$want" ] || fail "region has $(region_field "$addr" faults) faults, expected $want"
	[ "$(region_field "$addr" pattern)" = "$pattern" ] || fail "pattern $(region_field "$addr" pattern), expected $pattern"
	"$PFX" report -i "$TMP/r.data" --dump >"$TMP/dump" || fail "pfx report --dump failed"
	nolat=$(awk '$2 == "fault" && !/latency=[1-9]/' "$TMP/dump" | wc -l)
	[ "$nolat" -eq 0 ] || fail "$nolat faults without a latency"
	want_tids=$(kv tids "$TMP/load.out" | tr , '\n' | sort -n | tr '\n' ' ')
	got_tids=$(jqr '.threads[].tid' | sort -n | tr '\n' ' ')
	[ "$got_tids" = "$want_tids" ] || fail "thread ids in the file: $got_tids; pfx-load's: $want_tids"
}
