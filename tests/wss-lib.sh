# SPDX-License-Identifier: GPL-2.0-or-later
# wss-lib.sh: shared by the t-wss-*.sh tests that measure pfx-load hotcold.
# Sourced after lib.sh.

# region_rows FILE ADDR: "wss_bytes rss_bytes written_bytes" of the mapping
# that starts at ADDR (pfx-load's region: its own VMA), one line per sample
# of a --by-mapping JSON file ("-" for a missing field).
region_rows() {
	grep '"type":"sample"' "$1" | while read -r line; do
		obj=$(printf '%s\n' "$line" | grep -o "{\"start\":\"$2\"[^}]*}")
		for k in wss_bytes rss_bytes written_bytes; do
			v=$(printf '%s\n' "$obj" | sed -n "s/.*\"$k\":\([0-9]*\).*/\1/p")
			printf '%s ' "${v:--}"
		done
		echo
	done
}

# steady_rows ROWS TOTAL: the rows of windows that began after the initial
# touch (the previous sample already saw the whole region resident) and
# did not reach the end of the hot phase (the last sample is dropped).
steady_rows() {
	awk -v total="$2" 'prev_rss >= total { rows[n++] = $0 } { prev_rss = $2 }
		END { for (i = 0; i < n - 1; i++) print rows[i] }' "$1"
}

# hotcold_run NAME HOT TOTAL SECONDS [PFX_WSS_OPTION...] -- [PFX_LOAD_OPTION...]
# Measure pfx-load hotcold with pfx wss (JSON, --by-mapping, 0.25 s
# windows); leaves $TMP/NAME.rows (all samples of the region),
# $TMP/NAME.steady, $TMP/NAME.load.  Fails the test if pfx wss fails, and
# if fewer than 3 steady windows were seen.
hotcold_run() {
	local name=$1 hot=$2 total=$3 secs=$4 wss_opts= rc addr
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do wss_opts="$wss_opts $1"; shift; done
	[ "${1:-}" = -- ] && shift
	# shellcheck disable=SC2086
	"$PFX" wss --format json --by-mapping -o "$TMP/$name.json" $wss_opts 0.25 -- \
		"$PFX_LOAD" hotcold -s "$total" --hot "$hot" --seconds "$secs" "$@" \
		>"$TMP/$name.load" 2>"$TMP/$name.err"
	rc=$?
	[ $rc -eq 0 ] || { cat "$TMP/$name.err"; fail "$name: pfx wss failed ($rc)"; }
	addr=$(kv addr "$TMP/$name.load")
	region_rows "$TMP/$name.json" "$addr" >"$TMP/$name.rows"
	steady_rows "$TMP/$name.rows" "$(kv total_bytes "$TMP/$name.load")" >"$TMP/$name.steady"
	[ "$(wc -l <"$TMP/$name.steady")" -ge 3 ] ||
		{ cat "$TMP/$name.load" "$TMP/$name.rows"; fail "$name: fewer than 3 windows after the initial touch"; }
	return 0
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
