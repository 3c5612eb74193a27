# SPDX-License-Identifier: GPL-2.0-or-later
# t-advise: pfx advise names the expected finding first on workloads made
# to show each rule (pfx-load seq, repeat, cow, file) and on a real
# program (python3 filling a bytearray), with the numbers pfx report gives
# for that region; stays silent where a rule does not apply (a quiet
# program: "nothing to do"); bad input is one line and a non-zero exit.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
. "$top_srcdir/tests/advise-lib.sh"

need_perf_sampling
# the workloads fault their anonymous memory 4 KiB at a time; with THP
# 'always' they would take a fault per 2 MiB, and the rules of 4 KiB
# faults have nothing to find
grep -q '\[always\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null &&
	skip "THP is 'always' on this host: the workloads' anonymous regions take huge pages"

# 1. first touch: pfx-load seq, 64 MiB (2 MiB aligned): populate, or
# hugepage with THP madvise and the expected faults (32 huge pages, and
# small ones for a part of the region not 2 MiB-aligned: a sanitized
# build's neighbouring mapping)
record_load seq -s 64M
advise_json --thp never
first_is first-touch "seq 64M"
[ "$(jqa '.findings[0].try')" = populate ] || fail "seq, THP never: remedy $(jqa '.findings[0].try'), expected populate"
advise_json --thp madvise
first_is first-touch "seq 64M, THP madvise"
[ "$(jqa '.findings[0].try')" = hugepage ] || fail "seq, THP madvise: remedy $(jqa '.findings[0].try'), expected hugepage"
jqa '.findings[0].remedy' | grep -q 'expected faults: about [0-9]* (32 huge pages' ||
	fail "seq, THP madvise: no expected fault reduction: $(jqa '.findings[0].remedy')"
for r in refault cow file-major thp-latency swap; do no_rule $r "seq"; done
[ "$(jqa .thp_from)" = host ] || fail "the THP mode is not said to be the host's"

# 2. refaults: pfx-load repeat (MADV_DONTNEED between rounds)
record_load repeat -s 16M --rounds 4
advise_json
first_is refault "repeat"
[ "$(jqa '.findings[0].try')" = malloc-trim ] || fail "repeat: remedy $(jqa '.findings[0].try')"
# the call site of the refaults: pfx-load's code that touches the pages
# (write_every_page itself where the compiler kept it out of line: clang)
jqa '.findings[0].saw' | grep -Eq 'most from (pfx_load_[a-z_]*|write_every_page)\+0x' ||
	fail "repeat: the refaults' call site is not named: $(jqa '.findings[0].saw')"
no_rule first-touch "repeat"

# ... and a real program: python3 freeing and allocating a 40 MiB buffer
# (above glibc's largest mmap threshold: munmap at free, mmap again):
# one remap finding over the mappings, not one first-touch each; with the
# remedy's tunables the buffer stays in the heap and the finding goes
if command -v python3 >/dev/null; then
	churn='for i in range(8):
    b = bytearray(40 << 20)
    del b'
	"$PFX" record -o "$TMP/r.data" -- python3 -c "$churn" 2>"$TMP/rec.err" ||
		{ cat "$TMP/rec.err"; fail "record python3 churn failed"; }
	advise_json
	first_is remap "python3 40 MiB churn"
	[ "$(jqa '.findings[0].regions')" -ge 3 ] || fail "python3 churn: $(jqa '.findings[0].regions') regions"
	[ "$(jqa '.findings[0].try')" = malloc-trim ] || fail "python3 churn: remedy $(jqa '.findings[0].try')"
	jq -e --arg s "$(jqa '.findings[0].region.start')" \
		'[.findings[] | select(.rule == "first-touch" and .region.start == $s)] | length == 0' \
		"$TMP/adv.json" >/dev/null || fail "python3 churn: first-touch findings beside the remap one"
	tunables=$(jqa '.findings[0].remedy' | grep -o 'GLIBC_TUNABLES=[^ ]*')
	env "$tunables" "$PFX" record -o "$TMP/r.data" -- python3 -c "$churn" 2>"$TMP/rec.err" ||
		{ cat "$TMP/rec.err"; fail "record python3 churn with $tunables failed"; }
	advise_json
	no_rule remap "python3 churn with $tunables"
fi

# 3. major faults of a file read with readahead off: pfx-load file
record_load file -s 32M
advise_json
first_is file-major "file"
jqa '.findings[0].region.path' | grep -q pfx-load || fail "file: the file is not named"
for r in refault cow first-touch; do no_rule $r "file"; done

# ... and a real program reading a cold file at random: python3 through
# mmap (its faults wait for storage; most count as minor, readahead's
# neighbours of a major one); silent when the file is cached
if command -v python3 >/dev/null; then
	dd if=/dev/urandom of="$TMP/cold.bin" bs=1M count=64 conv=fsync status=none || fail "dd failed"
	"$PFX" record -o "$TMP/r.data" -- python3 "$top_srcdir/tests/advise-randread.py" "$TMP/cold.bin" \
		>"$TMP/py.out" 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record python3 randread failed"; }
	if has_latency "$TMP/r.data"; then
		advise_json
		first_is file-major "python3 cold random read"
		[ "$(jqa '.findings[0].try')" = willneed ] || fail "cold random read: remedy $(jqa '.findings[0].try')"
		jqa '.findings[0].region.path' | grep -q 'cold\.bin$' || fail "cold random read: the file is not named"
	else
		note "no fault latency recorded: the cold random read's minor faults cannot be told slow"
	fi
	cat "$TMP/cold.bin" >/dev/null
	"$PFX" record -o "$TMP/r.data" -- python3 "$top_srcdir/tests/advise-randread.py" "$TMP/cold.bin" warm \
		>"$TMP/py.out" 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record python3 warm read failed"; }
	advise_json
	no_rule file-major "python3 warm random read"
fi

# 6. swap: pfx-load swap pages its region out (MADV_PAGEOUT) and reads it
# back: the swap finding (mlock), not a refault one (root and zram only)
if zram_swap_on 256M; then
	record_load swap -s 32M
	advise_json
	first_is swap "swap"
	[ "$(jqa '.findings[0].try')" = mlock ] || fail "swap: remedy $(jqa '.findings[0].try')"
	no_rule refault "swap"
	# recorded with the cgroups (-a): the finding names the process's
	# cgroup and its memory limit read now (the host's other processes
	# are recorded too: the swap finding is looked for, not first)
	"$PFX" record -a -m 1024 -o "$TMP/r.data" -- "$PFX_LOAD" swap -s 32M >"$TMP/load.out" 2>"$TMP/rec.err" ||
		{ cat "$TMP/rec.err"; fail "record -a -- pfx-load swap failed"; }
	lpid=$(kv pid "$TMP/load.out")
	advise_json
	cg=$(jq -r --argjson p "$lpid" '[.findings[] | select(.rule == "swap" and .region.pid == $p)][0].cgroup // empty' \
		"$TMP/adv.json")
	[ -n "$cg" ] || fail "swap, recorded with -a: no swap finding of pid $lpid naming its cgroup"
	note "swap -a: cgroup $cg, memory limit $(jq -r --argjson p "$lpid" \
		'[.findings[] | select(.rule == "swap" and .region.pid == $p)][0].memory_max' "$TMP/adv.json")"
else
	note "no swap device (not root, or no zram): the swap rule is tested on synthetic models only"
fi

# 6. huge-page fault latency: pfx-load thp writes once per 2 MiB huge
# page (MADV_HUGEPAGE): each fault zeroes 2 MiB (here 50 us to ms)
"$PFX" record -o "$TMP/r.data" -- "$PFX_LOAD" thp -s 128M >"$TMP/load.out" 2>"$TMP/rec.err"
rc=$?
if [ "$rc" -eq 77 ]; then
	note "pfx-load thp: no THP here ($(cat "$TMP/load.out")): thp-latency tested on synthetic models only"
elif [ "$rc" -ne 0 ]; then
	cat "$TMP/load.out" "$TMP/rec.err"; fail "pfx record -- pfx-load thp exited $rc"
elif has_latency "$TMP/r.data"; then
	advise_json
	first_is thp-latency "thp"
	jqa '.findings[0].remedy' | grep -q 'defrag' || fail "thp: the remedy names no defrag setting"
	no_rule first-touch "thp"
fi

# 4. copy-on-write after fork: pfx-load cow (the child writes every page).
# A copy-on-write fault is a protection fault: the x86 error code tells,
# the page-faults entry a user gets (no tracepoint) does not, and then
# the rule has nothing to go on.
access_known() { [ "$("$PFX" report -i "$TMP/r.data" --format json | jq -r .access.known)" -gt 0 ]; }
record_load cow -s 64M
if access_known; then
	advise_json
	first_is cow "cow"
	no_rule refault "cow"
else
	note "cow: no access kind in this recording (no exceptions:page_fault_user here): not checked"
fi

# ... and a real program: a python3 server forking a worker that
# rewrites the 32 MiB table its parent built
if command -v python3 >/dev/null; then
	"$PFX" record -o "$TMP/r.data" -- python3 -c '
import os
table = bytearray(32 << 20)
for i in range(0, len(table), 4096):
    table[i] = 1
pid = os.fork()
if pid == 0:
    for i in range(0, len(table), 4096):
        table[i] = 2
    os._exit(0)
os.waitpid(pid, 0)' 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record python3 fork failed"; }
	if access_known; then
		advise_json
		first_is cow "python3 forking"
	else
		note "python3 forking: no access kind in this recording: not checked"
	fi
fi

# a real program: python3 filling a 256 MiB bytearray, recorded by advise
if command -v python3 >/dev/null; then
	"$PFX" record -o "$TMP/r.data" -- python3 -c 'b = bytearray(256 << 20)' 2>"$TMP/rec.err" ||
		{ cat "$TMP/rec.err"; fail "record python3 failed"; }
	advise_json --thp never
	first_is first-touch "python3 bytearray"
	no_rule refault "python3 bytearray"
fi

# 5. code: gcc compiling a 2,000-line file with its compiler cached takes
# ~265 exec faults in cc1 (fault-around maps 16 pages a fault), ~1 ms of
# 0.6 s: the code rule stays silent (it fires on code read from storage:
# test-advise's synthetic model; a cold cc1 needs the host's caches dropped)
if command -v gcc >/dev/null; then
	# once unrecorded, so cc1's text is in the page cache (a fresh
	# machine's first compile reads some from storage: majors whose time
	# is the code rule's case, not this one's)
	gcc -O2 -I"$top_srcdir/src/base" -I"$top_srcdir/src/kernel" -I"$top_srcdir/src/format" \
		-I"$top_srcdir/src/analysis" -I"$top_builddir" -c "$top_srcdir/src/analysis/analysis.c" \
		-o "$TMP/a.o" 2>/dev/null || :
	"$PFX" record -o "$TMP/r.data" -- gcc -O2 -I"$top_srcdir/src/base" -I"$top_srcdir/src/kernel" \
		-I"$top_srcdir/src/format" -I"$top_srcdir/src/analysis" -I"$top_builddir" \
		-c "$top_srcdir/src/analysis/analysis.c" -o "$TMP/a.o" 2>"$TMP/rec.err" ||
		{ cat "$TMP/rec.err"; fail "record gcc failed"; }
	advise_json
	report_json
	major=$(jq '[.regions[] | select(.path | test("/cc1$")) | .major] | add // 0' "$TMP/rep.json")
	if [ "$major" -lt 64 ]; then
		no_rule code "gcc (cc1 cached: $major major faults)"
	else
		note "gcc: cc1 was read from storage ($major major faults): the code rule may fire"
	fi
fi

# 7. nothing to do: true and a small shell loop, through '-- CMD'
for cmd in true "sh -c 'i=0; while [ \$i -lt 20 ]; do i=\$((i+1)); done'"; do
	eval "\"\$PFX\" advise --format json -- $cmd" >"$TMP/adv.json" 2>"$TMP/adv.err" ||
		{ cat "$TMP/adv.err"; fail "pfx advise -- $cmd failed"; }
	[ "$(jqa .nothing_to_do)" = true ] || fail "$cmd: findings on a quiet program: $(jqa '.findings[] | .saw')"
	[ "$(jqa .faults)" -gt 0 ] || fail "$cmd: no totals"
done
"$PFX" advise -- true >"$TMP/adv.txt" 2>"$TMP/adv.err" || fail "pfx advise -- true failed"
grep -q '^nothing to do: .* faults on [0-9]* pages' "$TMP/adv.txt" || fail "true: $(cat "$TMP/adv.txt")"
ls "${TMPDIR:-/tmp}"/pfx-advise.* 2>/dev/null | grep -q . && note "(other pfx-advise temp files exist: not ours to judge)"

# record options before '--' go to pfx record: without the entry
# tracepoint there is no latency, and the advice says it cannot weigh time
"$PFX" advise --no-entry --format json -- sh -c "exec \"\$0\" seq -s 32M >/dev/null" "$PFX_LOAD" \
	>"$TMP/adv.json" 2>"$TMP/adv.err" || { cat "$TMP/adv.err"; fail "pfx advise --no-entry -- pfx-load failed"; }
[ "$(jqa .latency_sum_ns)" = 0 ] || fail "--no-entry was not passed to record: latency $(jqa .latency_sum_ns)"
[ "$(jqa '.findings[0].rule')" = first-touch ] || fail "--no-entry seq: first finding $(jqa '.findings[0].rule')"
[ "$(jqa '.findings[0].sure')" = medium ] || fail "--no-entry seq: sure $(jqa '.findings[0].sure') without latency"
expect_exit 2 "$PFX" advise --frobnicate -- true
one_line_error

# bad input: one line, non-zero exit
expect_exit 1 "$PFX" advise -i "$TMP/none.data"
one_line_error
grep -q "no such file" "$TMP/err" || fail "missing file: $(cat "$TMP/err")"
echo "not a recording" >"$TMP/junk.data"
expect_exit 1 "$PFX" advise -i "$TMP/junk.data"
one_line_error
expect_exit 2 "$PFX" advise --format csv -i "$TMP/r.data"
one_line_error
expect_exit 2 "$PFX" advise --
one_line_error
expect_exit 2 "$PFX" advise -i "$TMP/r.data" -- true
one_line_error
expect_exit 2 "$PFX" advise stray
one_line_error
exit 0
