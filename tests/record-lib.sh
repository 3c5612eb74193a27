# SPDX-License-Identifier: GPL-2.0-or-later
# record-lib.sh: helpers for the record/report tests (source after lib.sh).
command -v jq >/dev/null 2>&1 || skip "jq is not installed (the record tests parse JSON with it)"

# record_load MODE ARGS...: pfx record the bundled workload into $TMP/r.data;
# pfx-load's line in $TMP/load.out, pfx's messages in $TMP/rec.err.
# A sanitized pfx spends several times the CPU per record: a larger ring
# (-m 1024, as record -a has) keeps it from losing records to a fast
# faulter when the machine is shared; plain builds keep the default.
RECORD_RING=
sanitized "$PFX" && RECORD_RING="-m 1024"
record_load() {
	"$PFX" record $RECORD_RING -o "$TMP/r.data" -- "$PFX_LOAD" "$@" >"$TMP/load.out" 2>"$TMP/rec.err"
	rc=$?
	[ "$rc" -eq 77 ] && skip "pfx-load $1: not supported here ($(cat "$TMP/load.out"))"
	[ "$rc" -eq 0 ] || { cat "$TMP/load.out" "$TMP/rec.err"; fail "pfx record -- pfx-load $* exited $rc"; }
	grep -q '^pfx-load: ' "$TMP/load.out" || fail "no pfx-load line: $(cat "$TMP/load.out")"
}

# report_json [FILE]: the JSON report of FILE (default $TMP/r.data) in $TMP/rep.json
report_json() {
	"$PFX" report -i "${1:-$TMP/r.data}" --format json --top 100000 >"$TMP/rep.json" 2>"$TMP/rep.err" ||
		{ cat "$TMP/rep.err"; fail "pfx report --format json failed"; }
	jq -e . "$TMP/rep.json" >/dev/null || fail "report is not valid JSON"
}

# jqr EXPR: evaluate EXPR on the JSON report (raw output)
jqr() { jq -r "$1" "$TMP/rep.json"; }

# region_field ADDR FIELD: FIELD of the region holding address ADDR (hex)
# in the target's address space (the first process to fault: a sanitizer's
# leak checker is a task of its own sharing the target's memory, with its
# own rows); of several (an address mapped again), the one (re)announced
# last.  The "unknown" row (faults outside any known mapping) spans the
# lowest to the highest such address, so it counts only when no mapped
# region holds ADDR.
region_field() {
	jq -r --arg a "$1" --arg f "$2" '
		def hex: ascii_downcase | ltrimstr("0x") | explode
			| reduce .[] as $c (0; . * 16 + (if $c >= 97 then $c - 87 else $c - 48 end));
		($a | hex) as $x
		| ([.threads[] | select(.pid == .tid)] | min_by(.first_ns) | .pid) as $p
		| [.regions[] | select((.pid // $p) == $p and (.start | hex) <= $x and $x < (.end | hex))]
		| ((map(select(.kind != "unknown")) | sort_by(.last_mapped_ns) | last) // last // {})[$f] // "none"' "$TMP/rep.json"
}

# phase_faults ADDR: faults of pfx-load's process recorded while its fault
# phase ran (from the first to the last fault in the region holding ADDR):
# what its rusage line for the phase counts, also faults outside the region
# (sanitizer builds take shadow-memory faults next to each page).
phase_faults() {
	first=$(region_field "$1" first_ns); last=$(region_field "$1" last_ns)
	lpid=$(kv pid "$TMP/load.out")
	"$PFX" report -i "$TMP/r.data" --dump | awk -v f="$first" -v l="$last" -v p="$lpid" '
		$2 == "fault" { split($1, t, "."); ns = t[1] * 1e9 + t[2]; split($3, id, "/");
			if (id[1] == p && ns >= f && ns <= l) n++ }
		END { print n + 0 }'
}

# make_perf_cgroup NAME: make cgroup NAME where perf samples cgroups (the v1
# perf_event hierarchy, else cgroup2), removed when the test exits; its
# directory in $CG.  Returns 1 (the caller notes what it did not
# exercise) when it cannot be made (not root, no hierarchy).
make_perf_cgroup() {
	perf_root=$(awk '$3 == "cgroup" && $4 ~ /(^|,)perf_event(,|$)/ { print $2; exit }' /proc/mounts)
	[ -n "$perf_root" ] || perf_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$perf_root" ] && mkdir "$perf_root/$1" 2>/dev/null || return 1
	CG=$perf_root/$1
	on_exit 'rmdir "$CG" 2>/dev/null'
}
