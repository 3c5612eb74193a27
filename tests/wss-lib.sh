# SPDX-License-Identifier: GPL-2.0-or-later
# wss-lib.sh: shared by the t-wss-*.sh tests that measure pfx-load hotcold.
# Sourced after lib.sh.

# region_rows FILE ADDR: "wss_bytes rss_bytes written_bytes reset_end read_start"
# of the mapping that starts at ADDR (pfx-load's region: its own VMA), one
# line per sample of a --by-mapping JSON file ("-" for a missing field).
# reset_end and read_start bound the window in CLOCK_MONOTONIC ns (the
# header's monotonic_start_ns, the sample's time, window_s, reset_ms and
# read_ms; each printed to 1 us): a page touched between them is in it.
region_rows() {
	t0=$(head -n 1 "$1" | sed -n 's/.*"monotonic_start_ns":\([0-9]*\).*/\1/p')
	grep '"type":"sample"' "$1" | while read -r line; do
		obj=$(printf '%s\n' "$line" | grep -o "{\"start\":\"$2\"[^}]*}")
		for k in wss_bytes rss_bytes written_bytes; do
			v=$(printf '%s\n' "$obj" | sed -n "s/.*\"$k\":\([0-9]*\).*/\1/p")
			printf '%s ' "${v:--}"
		done
		for k in time window_s reset_ms read_ms; do
			v=$(printf '%s\n' "$line" | sed -n "s/^{.*\"$k\":\([0-9.]*\)[,}].*/\1/p")
			printf '%s ' "${v:--}"
		done
		echo
	done | awk -v t0="${t0:--}" '{
		if (t0 == "-" || $4 == "-" || $5 == "-" || $6 == "-" || $7 == "-") { reset_end = read_start = "-" }
		else {
			read_end = t0 + $4 * 1e9; read_start = sprintf("%.0f", read_end - $7 * 1e6)
			reset_end = sprintf("%.0f", read_end - $7 * 1e6 / 2 - $5 * 1e9 + $6 * 1e6 / 2)
		}
		print $1, $2, $3, reset_end, read_start }'
}

# steady_rows ROWS TOTAL [PASSES]: the rows of windows that began after the
# initial touch (the previous sample already saw the whole region
# resident) and did not reach the end of the hot phase (the last sample is
# dropped).  With PASSES (pfx-load --pass-log: "start end" a pass), only
# the windows that hold a whole pass over the hot set, 5 us inside either
# end for the rounding of the times: a starved load (two CPU hogs and more
# on 2 cores: a 512 MiB pass took 0.4 s) may not touch its whole hot set in
# a window, and pfx wss then rightly reads less.
steady_rows() {
	awk -v total="$2" -v passes="${3:-}" '
		BEGIN { n = np = 0; while (passes != "" && (getline line < passes) > 0) { split(line, f, " "); s[np] = f[1] + 0; e[np++] = f[2] + 0 } }
		function whole_pass(lo, hi,   i) {
			if (passes == "") return 1
			if (lo == "-" || hi == "-") return 0
			for (i = 0; i < np; i++) if (s[i] >= lo + 5000 && e[i] <= hi - 5000) return 1
			return 0 }
		prev_rss >= total { rows[n] = $0; whole[n++] = whole_pass($4, $5) } { prev_rss = $2 }
		END { for (i = 0; i < n - 1; i++) if (whole[i]) print rows[i] }' "$1"
}

# hotcold_run NAME HOT TOTAL SECONDS [PFX_WSS_OPTION...] -- [PFX_LOAD_OPTION...]
# Measure pfx-load hotcold with pfx wss (JSON, --by-mapping, 0.25 s
# windows); leaves $TMP/NAME.rows (all samples of the region),
# $TMP/NAME.steady (the windows after the touch holding a whole pass),
# $TMP/NAME.load, $TMP/NAME.passes.  Fails the test if pfx wss fails.
# Fewer than 3 such windows (the load starved): measured again, up to 3
# runs in all, then the test fails.
hotcold_run() {
	local name=$1 hot=$2 total=$3 secs=$4 wss_opts= rc addr try all
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do wss_opts="$wss_opts $1"; shift; done
	[ "${1:-}" = -- ] && shift
	for try in 1 2 3; do
		# shellcheck disable=SC2086
		"$PFX" wss --format json --by-mapping -o "$TMP/$name.json" $wss_opts 0.25 -- \
			"$PFX_LOAD" hotcold -s "$total" --hot "$hot" --seconds "$secs" \
			--pass-log "$TMP/$name.passes" "$@" >"$TMP/$name.load" 2>"$TMP/$name.err"
		rc=$?
		[ $rc -eq 0 ] || { cat "$TMP/$name.err"; fail "$name: pfx wss failed ($rc)"; }
		addr=$(kv addr "$TMP/$name.load")
		region_rows "$TMP/$name.json" "$addr" >"$TMP/$name.rows"
		steady_rows "$TMP/$name.rows" "$(kv total_bytes "$TMP/$name.load")" "$TMP/$name.passes" \
			>"$TMP/$name.steady"
		all=$(steady_rows "$TMP/$name.rows" "$(kv total_bytes "$TMP/$name.load")" | wc -l)
		[ "$(wc -l <"$TMP/$name.steady")" -lt "$all" ] &&
			note "$name: $((all - $(wc -l <"$TMP/$name.steady"))) of $all windows after the touch held no whole pass of the load ($(kv hot_passes "$TMP/$name.load") passes in ${secs} s): left out"
		[ "$(wc -l <"$TMP/$name.steady")" -ge 3 ] && return 0
		note "$name: run $try: fewer than 3 windows after the initial touch holding a whole pass"
	done
	cat "$TMP/$name.load" "$TMP/$name.rows"
	fail "$name: fewer than 3 windows after the initial touch holding a whole pass of the load, in 3 runs"
}

# within_every NAME EXPECTED PCT COLUMN: every steady row's COLUMN (1 wss,
# 3 written) within PCT% of EXPECTED; prints the range seen.
within_every() {
	awk -v e="$2" -v p="$3" -v c="$4" -v name="$1" '
		{ v = $c; if (n == 0 || v < lo) lo = v; if (n == 0 || v > hi) hi = v; n++
		  d = v - e; if (d < 0) d = -d; if (d > e * p / 100.0) bad++ }
		END { printf "%s: %d windows, %.2f..%.2f MiB (expected %.2f MiB, %s%%)\n", name, n,
			lo / 1048576, hi / 1048576, e / 1048576, p; exit bad > 0 }' "$TMP/$1.steady"
}
