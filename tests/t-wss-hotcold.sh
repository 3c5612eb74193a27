# SPDX-License-Identifier: GPL-2.0-or-later
# t-wss-hotcold: pfx wss finds the hot set of pfx-load hotcold, one byte
# per 4 KiB page, within 5% in every window, for hot sets of 1, 16, 64 and
# 512 MiB (64 MiB of cold memory beside each), written and read-only, each
# in a fresh process, with the default method (refs, TLB flush).
#   - The hot set is measured on the region's own mapping (--by-mapping):
#     the rest of the process (libc, ld.so, the stack, a sanitizer's
#     shadow) is not the hot set.  Its RSS must be the whole region.
#   - Windows that overlap the initial touch (the region not yet wholly
#     resident at the previous sample) and the last one are left out, and
#     so are those that hold no whole pass of the load over its hot set
#     (pfx-load --pass-log; a starved load touches only part of it: with
#     CPU hogs a 512 MiB pass took 0.4 s).
#   - Without the flush, a hot set the TLB holds can read as near 0 (AMD
#     EPYC, quiet): the 64 MiB rows would fail then (t-wss-thp.sh reports
#     whether this host shows it).
#   - Where the kernel has soft-dirty the flush write-protects: the written
#     set must then be the hot set (written) or nothing (read-only), and
#     the faults of a window about one per written page.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wss-lib.sh"
MIB=1048576

for hot in 1 16 64 512; do
	total=$((hot + 64))
	secs=1.5
	[ $hot -ge 512 ] && secs=2.5
	for access in write read; do
		name=h$hot$access
		flag=
		[ $access = read ] && flag=--read-hot
		hotcold_run $name ${hot}M ${total}M $secs -- $flag
		cat "$TMP/$name.load"
		[ "$(kv access "$TMP/$name.load")" = $access ] || fail "$name: pfx-load access $(kv access "$TMP/$name.load")"
		within_every $name $((hot * MIB)) 5 1 || { cat "$TMP/$name.rows"; fail "$name: region WSS not within 5% of ${hot} MiB in every window"; }
		awk -v t=$((total * MIB)) '$2 != t { exit 1 }' "$TMP/$name.steady" ||
			{ cat "$TMP/$name.rows"; fail "$name: region RSS is not the ${total} MiB touched"; }
		# The process total holds the region's WSS, and the method is said.
		grep '"type":"sample"' "$TMP/$name.json" | sed 's/,"mappings".*//' | tail -n 3 | head -n 1 >"$TMP/one"
		[ "$(json_field wss_anon_bytes "$TMP/one")" -ge $((hot * MIB * 95 / 100)) ] ||
			fail "$name: process anon WSS $(json_field wss_anon_bytes "$TMP/one") below the hot set"
		[ "$(json_field method "$TMP/one")" = refs ] || fail "$name: method is not refs"
		head -n 1 "$TMP/$name.json" | grep -q '"flush":true' || fail "$name: the header does not say flush"
		[ -n "$(json_field pss_bytes "$TMP/one")" ] || fail "$name: no PSS"
		if head -n 1 "$TMP/$name.json" | grep -q '"write_protects":true'; then
			expect=$((hot * MIB))
			[ $access = read ] && expect=0
			awk -v e=$expect '{ d = $3 - e; if (d < 0) d = -d; if (d > e * 0.05 + 65536) exit 1 }' \
				"$TMP/$name.steady" || { cat "$TMP/$name.rows"; fail "$name: written set not $expect"; }
			note "$name: soft-dirty written set checked"
		fi
	done
done

# The first window of a run holds the initial touch: the whole region.
head -n 1 "$TMP/h64write.rows" | awk -v t=$((128 * MIB)) '{ exit !($1 >= t * 0.95 || $2 < t) }' ||
	fail "h64write: first window $(head -n 1 "$TMP/h64write.rows") did not hold the touch"
echo ok
