# SPDX-License-Identifier: GPL-2.0-or-later
# t-uffd: pfx-load --uffd on the real kernel.  userfaultfd delivers one
# message per missing page, so each policy on seq records exactly one fault
# per page (the region anon, sequential), each with a latency and the
# workload's thread id; pages read back as zeros (zero) or the snapshot or
# file's bytes (copy, file: pfx-load checks every page and says verified=1).
# random/stride/repeat give their pattern (repeat: every round faults again
# after MADV_DONTNEED); two threads give two thread ids; modes that are not
# page-by-page anonymous touches are refused; plot reads the file.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
. "$top_srcdir/tests/uffd-lib.sh"

for policy in zero copy file; do
	uffd_load seq -s 16M --uffd $policy
	pages=$(kv pages "$TMP/load.out")
	[ "$pages" -eq 4096 ] || fail "16M should be 4096 pages, pfx-load says $pages"
	uffd_check_file "$pages" sequential
	# every fault a write of a missing page; file pages came from a file
	[ "$(region_field "$addr" write)" = "$pages" ] || fail "$policy: write faults $(region_field "$addr" write), expected $pages"
	if [ $policy = file ]; then kind=major; else kind=minor; fi
	[ "$(region_field "$addr" $kind)" = "$pages" ] || fail "$policy: $kind faults $(region_field "$addr" $kind), expected $pages"
	[ "$(jqr ".latency.$kind.count")" = "$pages" ] || fail "$policy: $(jqr ".latency.$kind.count") $kind latencies, expected $pages"
	note "$policy: $pages faults, latency p50 $(jqr ".latency.$kind.p50_ns") ns"
done

uffd_load random -s 16M --uffd copy
uffd_check_file 4096 random

uffd_load stride -s 16M --stride 8 --uffd zero
uffd_check_file 512 strided
[ "$(region_field "$addr" stride_pages)" = 8 ] || fail "stride $(region_field "$addr" stride_pages), expected 8"

uffd_load repeat -s 4M --rounds 3 --uffd file
uffd_check_file 4096 repeat
[ "$(region_field "$addr" pages)" = 1024 ] || fail "repeat: $(region_field "$addr" pages) distinct pages, expected 1024"
[ "$(region_field "$addr" refaults)" = 3072 ] || fail "repeat: $(region_field "$addr" refaults) refaults, expected 3072"

uffd_load seq -s 16M --threads 2 --uffd zero
uffd_check_file 4096 sequential
[ "$(jqr '.threads | length')" = 2 ] || fail "two threads faulted; the file has $(jqr '.threads | length')"
[ "$(jqr '[.threads[].faults] | add')" = 4096 ] || fail "threads' faults add up to $(jqr '[.threads[].faults] | add')"

# the charts read it like any recording
for chart in latency timeline heatmap; do
	"$PFX" plot -c $chart -i "$TMP/r.data" --script "$TMP/plot-$chart" >/dev/null 2>"$TMP/plot.err" ||
		{ cat "$TMP/plot.err"; fail "pfx plot -c $chart failed on a uffd recording"; }
done

# refused clearly: other modes, --uffd-out alone, unknown policy
for args in "file --uffd zero" "cow --uffd copy" "seq --uffd-out $TMP/x.data" "seq --uffd lazy"; do
	"$PFX_LOAD" $args >"$TMP/out" 2>"$TMP/err" && fail "pfx-load $args was accepted"
	[ $? -eq 2 ] || fail "pfx-load $args: exit status $?, expected 2"
	[ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q '^pfx-load: .*uffd' "$TMP/err" ||
		{ cat "$TMP/err"; fail "pfx-load $args: expected one line naming --uffd"; }
done
[ ! -e "$TMP/x.data" ] || fail "a refused run left a file"
echo ok
