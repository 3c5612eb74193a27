#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-scale: a recording of a program with 20,000 mappings (each
# mapped, then faulted twice; written by plot-mkrec --mappings) is
# reported, and charted by region and heat map, in under a second each
# (the region handling was quadratic: 0.4 s report, 3.3 s and 5.4 s charts
# here, 20 s for a real program's report).  A sanitizer build gets 5 s.
. "${top_srcdir:-.}/tests/lib.sh"

MKREC=$top_builddir/tests/plot-mkrec
"$MKREC" "$TMP/many.data" --mappings 20000 || fail "plot-mkrec failed"
limit_ms=1000
sanitized "$PFX" && limit_ms=5000

timed() {
	what=$1; shift
	start=$(date +%s%N)
	"$@" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "$what failed"; }
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	note "$what: $ms ms"
	[ "$ms" -lt "$limit_ms" ] || fail "$what took $ms ms (limit $limit_ms)"
}
timed "report of 20000 mappings" "$PFX" report -i "$TMP/many.data"
grep -q 'of 20004 with faults' "$TMP/out" || { head -n 8 "$TMP/out"; fail "not every mapping was seen"; }
timed "report --format json" "$PFX" report --format json -i "$TMP/many.data"
timed "plot regions --script" "$PFX" plot --chart regions -i "$TMP/many.data" --script "$TMP/r"
timed "plot heatmap --script" "$PFX" plot --chart heatmap -i "$TMP/many.data" --script "$TMP/h"
exit 0
