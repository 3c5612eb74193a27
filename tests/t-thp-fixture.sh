# SPDX-License-Identifier: GPL-2.0-or-later
# t-thp-fixture: 'pfx thp' end to end on a fixture tree (--root /
# PFX_ROOT) built from tests/fixtures/thp: a 2-node numa_maps with a THP
# mapping, a hugetlbfs page and a mapping mixing file and anonymous pages;
# smaps_rollup with and without the THP lines; a vmstat without the newer
# counters (absent: null, '-', empty; never 0).  The process is a real
# sleeping one (its faults are counted for real: none); its files are the
# fixture's.  Between the baseline and the first row the fixture moves on,
# so the deltas are exact too.
. "$top_srcdir/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (this test parses JSON with it)"

fix=$top_srcdir/tests/fixtures/thp
sleep 30 & sl=$!

# make_root DIR ROLLUP VMSTAT: a tree with the target's and system's files
make_root() {
	mkdir -p "$1/proc/$sl" "$1/sys/kernel/mm/transparent_hugepage"
	cp "$fix/$2" "$1/proc/$sl/smaps_rollup"
	cp "$fix/numa_maps" "$1/proc/$sl/numa_maps"
	cp "$fix/$3" "$1/proc/vmstat"
	for f in enabled defrag hpage_pmd_size; do cp "$fix/$f" "$1/sys/kernel/mm/transparent_hugepage/$f"; done
}

# --- every value of the files, and deltas once the files move on ---
make_root "$TMP/r" smaps_rollup vmstat.old
"$PFX" thp --root "$TMP/r" -p $sl --format json 3 2 >"$TMP/out" 2>"$TMP/err" &
pfx=$!
until grep -q '"type":"header"' "$TMP/out"; do
	kill -0 $pfx 2>/dev/null || { cat "$TMP/err"; fail "pfx thp ended before its header"; }
	sleep 0.02
done
# The baseline is taken (the header follows it); the files change now,
# within the 3 s before the first row (a rewrite takes milliseconds; the
# interval leaves room for a stalled CI machine): the target gains 3 huge pages (6144 kB of
# anonymous memory), the system moves from the old vmstat to the new (the
# same inodes: pfx keeps the files open).
sed -e 's/^AnonHugePages: *4096 kB/AnonHugePages:     10240 kB/' -e 's/^Anonymous: *4536 kB/Anonymous:         10680 kB/' \
	-e 's/^Rss: *4580 kB/Rss:               10724 kB/' "$fix/smaps_rollup" >"$TMP/r/proc/$sl/smaps_rollup"
cat "$fix/vmstat" >"$TMP/r/proc/vmstat"
wait $pfx || { cat "$TMP/err"; fail "pfx thp --root exited $?"; }
jq -e . "$TMP/out" >/dev/null || fail "not JSON lines"
head -n 1 "$TMP/out" | jq -e '.enabled == "madvise" and .defrag == "madvise" and .huge_page_kb == 2048 and .numa_maps
	and .policy_note == "madvise: only MADV_HUGEPAGE regions get huge pages"' >/dev/null || fail "header: $(head -n 1 "$TMP/out")"
row1=$(jq -c 'select(.type == "sample")' "$TMP/out" | head -n 1)
row2=$(jq -c 'select(.type == "sample")' "$TMP/out" | sed -n 2p)
echo "$row1" | jq -e '.rss_kb == 10724 and .anon_kb == 10680 and .anon_huge_kb == 10240 and .thp_share == 0.9588 and .shmem_pmd_kb == 0
	and .file_pmd_kb == 0 and .huge_pages_gained == 3 and .huge_pages_lost == 0 and .target_exited == false
	and .faults == 0' >/dev/null || fail "row 1, the target: $row1"
echo "$row1" | jq -e '.numa == {"nodes":[{"node":0,"kb":2360,"anon_kb":2316},{"node":1,"kb":4268,"anon_kb":2212}],
	"total_kb":6628,"anon_kb":4536,"anon_unplaced_kb":8,"hugetlb_kb":2048}' >/dev/null || fail "row 1, numa: $row1"
# vmstat.old -> vmstat: the counters both have move; the others are null.
echo "$row1" | jq -e '.system_wide.vmstat == {"thp_fault_alloc":934,"thp_fault_fallback":52,
	"thp_fault_fallback_charge":null,"thp_collapse_alloc":87,"thp_collapse_alloc_failed":3,"thp_split_page":16,
	"thp_deferred_split_page":28,"numa_hint_faults":null,"numa_hint_faults_local":null,"numa_pages_migrated":null,
	"pgmigrate_success":885,"pgmigrate_fail":11}' >/dev/null || fail "row 1, vmstat deltas: $row1"
echo "$row2" | jq -e '.huge_pages_gained == 0 and .anon_huge_kb == 10240 and .system_wide.vmstat.thp_fault_alloc == 0
	and .system_wide.vmstat.numa_hint_faults == 0' >/dev/null || fail "row 2: $row2"
jq -e 'select(.type == "summary") | .huge_pages_gained == 3 and .anon_huge_kb_first == 4096 and .anon_huge_kb_peak == 10240
	and .system_wide.vmstat.thp_fault_alloc == 934 and .system_wide.vmstat.thp_fault_fallback_charge == null
	and .last.numa.anon_unplaced_kb == 8' "$TMP/out" >/dev/null || fail "summary: $(tail -n 1 "$TMP/out")"

# --- the same through PFX_ROOT, as text and CSV: absent is '-' / empty ---
make_root "$TMP/old" smaps_rollup.nothp vmstat.old
PFX_ROOT="$TMP/old" expect_exit 0 "$PFX" thp -p $sl 0.01 1
grep -q '^THP policy: enabled \[madvise\], defrag \[madvise\]: madvise: only MADV_HUGEPAGE regions get huge pages$' "$TMP/out" ||
	fail "text policy: $(cat "$TMP/out")"
# anon 700 kB, no AnonHugePages line: thp_MiB '-'; nodes from numa_maps
grep -Eq '^ +[0-9.]+ +0 +0 +0 +0\.7 +- +- +- +- \| +0 +0 +0 +0 +0 +- \| .* \| N0=2\.3 N1=4\.2$' "$TMP/out" ||
	{ cat "$TMP/out"; fail "text row of the old kernel's files"; }
grep -q '^    thp_fault_fallback_charge  *absent$' "$TMP/out" || fail "text summary: absent counter"
grep -q '^    numa_hint_faults  *absent$' "$TMP/out" || fail "text summary: absent numa counter"
grep -q '^    thp_fault_alloc  *0$' "$TMP/out" || fail "text summary: present counter"
grep -q 'its smaps_rollup has no AnonHugePages line' "$TMP/out" || fail "text summary: absent AnonHugePages"
grep -q 'THP share -%, ShmemPmdMapped - kB, FilePmdMapped - kB$' "$TMP/out" || fail "text summary: absent THP lines"
PFX_ROOT="$TMP/old" expect_exit 0 "$PFX" thp -p $sl --format csv 0.01 1
grep -Eq '^sample,[0-9.]+,[0-9.]+,0,0,0,1200,700,,,,,,0:2360 1:4268,0:2316 1:2212,8,0,0,,0,0,0,0,,,,0,0,' "$TMP/out" ||
	{ cat "$TMP/out"; fail "csv row of the old kernel's files"; }

# --- a kernel without THP: said, with the 2 MiB default ---
rm -r "$TMP/old/sys/kernel/mm/transparent_hugepage"
expect_exit 0 "$PFX" thp --root "$TMP/old" -p $sl --format json 0.01 1
head -n 1 "$TMP/out" | jq -e '.thp_available == false and .huge_page_kb == 2048 and
	(.policy_note | startswith("no transparent huge pages"))' >/dev/null || fail "no THP: $(head -n 1 "$TMP/out")"

# --- damaged or missing fixtures: one line, exit 1, no file ---
echo garbage >"$TMP/old/proc/$sl/numa_maps"
expect_exit 1 "$PFX" thp --root "$TMP/old" -p $sl -o "$TMP/bad.json" 0.01 1
drop_tracepoint_warning
one_line_error
grep -q "is not in the kernel's format; check the files under --root" "$TMP/err" || fail "damaged numa_maps: $(cat "$TMP/err")"
[ ! -e "$TMP/bad.json" ] || fail "a file was left for damaged input"
rm "$TMP/old/proc/$sl/smaps_rollup"
expect_exit 1 "$PFX" thp --root "$TMP/old" -p $sl 0.01 1
drop_tracepoint_warning
one_line_error
grep -qx "pfx: no $TMP/old/proc/$sl/smaps_rollup: the kernel is older than 4.14; use a newer kernel" "$TMP/err" ||
	fail "no smaps_rollup: $(cat "$TMP/err")"
rm -r "$TMP/old/proc/$sl"
expect_exit 1 "$PFX" thp --root "$TMP/old" -p $sl 0.01 1
drop_tracepoint_warning
one_line_error
grep -qx "pfx: process $sl does not exist (or exited); check the PID" "$TMP/err" || fail "no process dir: $(cat "$TMP/err")"
echo ok
