# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-percentiles: the latency chart and 'pfx report' give the same
# percentiles for the same file (one histogram, src/lat_hist.h): a
# synthetic recording (plot-mkrec: minor and major faults with known
# latencies) and a real one (python3), p50 and p99 of each kind, to the
# nanosecond; the chart's title shows them.
. "$top_srcdir/tests/lib.sh"
MKREC=$top_builddir/tests/plot-mkrec

check_file() {
	file=$1
	"$PFX" report -i "$file" --format json >"$TMP/rep.json" || fail "report of $file failed"
	rm -rf "$TMP/gp"
	has_latency "$file" || { note "$file: no latency recorded (a user at perf_event_paranoid >= 0)"; return; }
	"$PFX" plot -i "$file" --chart latency --script "$TMP/gp" >/dev/null || fail "plot --script of $file failed"
	for kind in minor major; do
		[ "$(jq ".latency.$kind.count // 0" "$TMP/rep.json")" -gt 0 ] || continue
		for p in 50 99; do
			rep=$(jq ".latency.$kind.p${p}_ns" "$TMP/rep.json")
			chart=$(sed -n "s/^${kind}_p${p}_us = //p" "$TMP/gp/latency.gp")
			ns=$(awk -v u="$chart" 'BEGIN { printf "%.0f", u * 1000 }')
			[ "$ns" = "$rep" ] || fail "$file: $kind p$p is $rep ns in the report, $chart us ($ns ns) in the chart"
		done
		note "$file: $kind p50 $(jq ".latency.$kind.p50_ns" "$TMP/rep.json") ns, p99 $(jq ".latency.$kind.p99_ns" "$TMP/rep.json") ns in both"
	done
}

"$MKREC" "$TMP/mk.data" || fail "plot-mkrec failed"
check_file "$TMP/mk.data"
grep -q "kind_short\[k\], kind_total\[k\], kind_p50_text\[k\], kind_p99_text\[k\]" "$TMP/gp/latency.gp" || fail "the chart's title does not print the percentiles"
if command -v python3 >/dev/null; then
	"$PFX" record -o "$TMP/py.data" -- python3 -c 'b = bytearray(32 << 20)' 2>/dev/null || fail "record of python3 failed"
	check_file "$TMP/py.data"
fi
echo ok
