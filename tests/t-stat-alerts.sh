# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-alerts: --alert-minor / --alert-major mark exactly the interval
# rows whose rate is above the threshold.  pfx-load steady faults 4000/s
# for 1 s and then sleeps 1 s (--pause-end), so some rows are above
# 2000/s and some are not.
. "$top_srcdir/tests/lib.sh"

"$PFX" stat -I 250 --alert-minor 2000 --format json -o "$TMP/a.json" -- \
	"$PFX_LOAD" steady --seconds 1 --rate 4000 --pause-end 1000 >/dev/null || fail "pfx stat failed"
cat "$TMP/a.json"
marked=0 unmarked=0
grep '"type":"interval"' "$TMP/a.json" >"$TMP/rows"
while read -r row; do
	rate=$(echo "$row" | sed 's/.*"minor_per_s":\([0-9.]*\).*/\1/')
	if awk -v r="$rate" 'BEGIN { exit !(r > 2000) }'; then
		echo "$row" | grep -q '"alerts":\["minor"\]' || fail "row at $rate/s not marked: $row"
		marked=$((marked + 1))
	else
		echo "$row" | grep -q '"alerts":\[\]' || fail "row at $rate/s marked: $row"
		unmarked=$((unmarked + 1))
	fi
done <"$TMP/rows"
[ "$marked" -ge 2 ] && [ "$unmarked" -ge 2 ] || fail "expected rows on both sides of 2000/s ($marked marked, $unmarked not)"
[ "$(json_field alert_intervals "$TMP/a.json")" -eq "$marked" ] || fail "total's alert_intervals != $marked"

# Major faults: pfx-load file reads an uncached file (all major); a
# threshold of 1/s marks the rows that read, and no minor alert is given.
"$PFX" stat -I 20 --alert-major 1 --format json -o "$TMP/m.json" -- "$PFX_LOAD" file -s 64M >/dev/null ||
	fail "file run failed"
grep '"type":"interval"' "$TMP/m.json" | grep -q '"alerts":\["major"\]' || fail "no major alert row"
grep '"type":"interval"' "$TMP/m.json" | grep '"alerts":\["major"\]' | grep -q '"major":0,' &&
	fail "a row without major faults is marked"

# Text: the marker is on the row.
"$PFX" stat -I 250 --alert-minor 2000 -- "$PFX_LOAD" steady --seconds 0.6 --rate 4000 >/dev/null 2>"$TMP/t" ||
	fail "text run failed"
grep -q 'minor rate alert' "$TMP/t" || { cat "$TMP/t"; fail "text rows carry no alert marker"; }
echo ok
