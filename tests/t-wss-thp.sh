# SPDX-License-Identifier: GPL-2.0-or-later
# t-wss-thp: the hot set of pfx-load hotcold --thp (a huge-page aligned
# MADV_HUGEPAGE region) within 5% in every window, for hot sets of 16, 64
# and 512 MiB (multiples of the huge page: the accessed bit of a
# PMD-mapped THP stands for all 2 MiB), written and read-only; then the
# old method without the TLB flush (--no-flush) on 4 KiB pages, reported:
# whether this host shows the TLB condition (a hot set read as less than
# it is) is a fact about the CPU and its load, not a failure; its header
# must say it is a lower bound.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/wss-lib.sh"
MIB=1048576

thp=/sys/kernel/mm/transparent_hugepage/enabled
if [ -r $thp ] && ! grep -q '\[never\]' $thp; then
	for run in 16:write 64:write 64:read 512:write; do
		hot=${run%:*} access=${run#*:}
		total=$((hot + 64))
		name=thp$hot$access
		flag=
		[ $access = read ] && flag=--read-hot
		secs=1.5
		[ $hot -ge 512 ] && secs=2
		hotcold_run $name ${hot}M ${total}M $secs -- --thp $flag
		cat "$TMP/$name.load"
		within_every $name $((hot * MIB)) 5 1 || { cat "$TMP/$name.rows"; fail "$name: region WSS not within 5% of ${hot} MiB"; }
		note "$name: $(kv thp_bytes "$TMP/$name.load") bytes of the region in huge pages"
	done
else
	note "THP part skipped: $thp says never (or is missing)"
fi

# --- --no-flush: report whether the TLB keeps the hot set's accessed bits clear ---
hotcold_run noflush 64M 128M 2 --no-flush -- 
head -n 1 "$TMP/noflush.json" | grep -q '"flush":false.*"lower_bound":true' ||
	fail "--no-flush header: $(head -n 1 "$TMP/noflush.json")"
grep -q '"note":".*the WSS is a lower bound' "$TMP/noflush.json" || fail "--no-flush: no lower-bound note"
if within_every noflush $((64 * MIB)) 5 1; then
	note "TLB condition did not show here: without the flush the 64 MiB hot set read whole"
else
	note "TLB condition showed: without the flush the 64 MiB hot set read as less (the lower bound above)"
fi
echo ok
