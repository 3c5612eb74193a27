# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-host: pfx record -a and -G, and pfx report --by process / --by
# cgroup, on real programs.
#   - record -a --duration 2 while pfx-load seq -s 64M runs (16384
#     first-touch faults): its row in --by process holds them (its whole
#     life: within 16384 and 16384 + 2% + 600 of start-up), named
#     pfx-load, in its cgroup; its 64 MiB region is its own (per address
#     space) with 16384 faults; --by cgroup has its cgroup with at least
#     those; counted = recorded + lost (nothing dropped silently).
#   - a shell loop (200 /bin/true) and python3 (a 32 MiB bytearray) under
#     record -a -- CMD: 200 processes named true, python3 with >= 8192.
#   - --max-size stops early with a complete file; --duration stops in time.
#   - record -G on a cgroup made for the test: the load in it is there,
#     pfx (not in it) is not.
#   - bad input: one line, non-zero exit, no file.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
need_root
"$PFX" record -a --duration 0.1 -o "$TMP/probe.data" >/dev/null 2>"$TMP/probe" ||
	skip "no CPU-wide perf sampling here: $(cat "$TMP/probe")"

# --- record -a with a known workload ---
"$PFX" record -a --duration 2 -o "$TMP/a.data" 2>"$TMP/rec.err" & RPID=$!
sleep 0.5
"$PFX_LOAD" seq -s 64M >"$TMP/load.out" || fail "pfx-load failed"
t0=$(date +%s%N)
wait $RPID || { cat "$TMP/rec.err"; fail "pfx record -a failed"; }
t1=$(date +%s%N)
cat "$TMP/rec.err"
[ $(( (t1 - t0) / 1000000 )) -lt 3000 ] || fail "--duration 2 did not stop the recording in time"
pid=$(kv pid "$TMP/load.out") addr=$(kv addr "$TMP/load.out") pages=$(kv pages "$TMP/load.out")
report_json "$TMP/a.data"
[ "$(jqr .format_version)" = 7 ] || fail "a host-wide file is format version $(jqr .format_version), not 7"
row=$(jq -c --argjson p "$pid" '.processes[] | select(.pid == $p)' "$TMP/rep.json")
note "pfx-load (pid $pid, $pages pages): $row"
[ -n "$row" ] || fail "no process row for pfx-load $pid"
faults=$(echo "$row" | jq .faults)
# A sanitizer build of pfx-load also faults its shadow memory (~1 per 6 pages).
extra=$((pages / 50 + 600))
nm "$PFX_LOAD" 2>/dev/null | grep -q '__asan_init' && extra=$((pages / 3 + 5000))
[ "$faults" -ge "$pages" ] && [ "$faults" -le $((pages + extra)) ] ||
	fail "pfx-load's row holds $faults faults, it takes $pages (+ start-up, at most $extra)"
[ "$(echo "$row" | jq -r .comm)" = pfx-load ] || fail "pfx-load's row is named $(echo "$row" | jq -r .comm)"
mycg=$(echo "$row" | jq -r .cgroup)
[ "$mycg" != null ] && [ -n "$mycg" ] || fail "pfx-load's row has no cgroup"
# Its region: its own address space, all its first-touch faults.
reg=$(jq -c --argjson p "$pid" --arg a "$addr" '.regions[] | select(.pid == $p and .start == $a)' "$TMP/rep.json")
[ -n "$reg" ] || fail "no region of pid $pid at $addr: $(jq -c '.regions[0:3]' "$TMP/rep.json")"
[ "$(echo "$reg" | jq .minor)" -eq "$pages" ] || fail "region $reg: not $pages minor faults"
# --by cgroup: its cgroup holds at least its faults.
cg=$(jq --arg c "$mycg" '.cgroups[] | select(.cgroup == $c) | .faults' "$TMP/rep.json")
[ -n "$cg" ] && [ "$cg" -ge "$faults" ] || fail "cgroup $mycg holds '$cg' faults, fewer than pfx-load's $faults"
# Nothing dropped silently: the kernel's count is the file's plus the lost.
counted=$(jqr .totals.counted) recorded=$(jqr .totals.recorded) lost=$(jqr .totals.lost_faults)
note "host: counted $counted, recorded $recorded, lost $lost; $(jqr .processes_with_faults) processes"
[ "$counted" = $((recorded + lost)) ] || fail "counted $counted != recorded $recorded + lost $lost"
[ "$lost" -eq 0 ] || grep -q "warning: record: recorded $recorded of $counted faults" "$TMP/rec.err" ||
	fail "$lost faults lost without a warning"
"$PFX" report -i "$TMP/a.data" --by process >"$TMP/p.txt" || fail "--by process failed"
grep -Eq "^ +$pid pfx-load +$faults " "$TMP/p.txt" || fail "text --by process: $(head -n 12 "$TMP/p.txt")"
"$PFX" report -i "$TMP/a.data" --by cgroup >"$TMP/c.txt" || fail "--by cgroup failed"
grep -q " $mycg\$" "$TMP/c.txt" || fail "text --by cgroup: $(cat "$TMP/c.txt")"
"$PFX" report -i "$TMP/a.data" >"$TMP/r.txt" || fail "default view failed"
grep -q "^Processes by faults" "$TMP/r.txt" || fail "the default view of a host-wide file has no process table"

# --- real programs: a shell loop and python3 ---
if command -v python3 >/dev/null; then
	"$PFX" record -a -o "$TMP/s.data" -- sh -c 'i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done
		exec python3 -c "b = bytearray(32 << 20)"' 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record -a -- sh failed"; }
	report_json "$TMP/s.data"
	trues=$(jq '[.processes[] | select(.comm == "true")] | length' "$TMP/rep.json")
	py=$(jq '[.processes[] | select(.comm == "python3") | .faults] | max // 0' "$TMP/rep.json")
	note "shell loop: $trues processes named true; python3: $py faults"
	[ "$trues" -eq 200 ] || fail "$trues processes named true, the loop ran 200"
	[ "$py" -ge 8192 ] || fail "python3 has $py faults, its bytearray alone takes 8192"
	# A fork child starts with its parent's mappings: its faults before
	# execve are in its own known regions, not unknown.
	unknown=$(jq '[.regions[] | select(.kind == "unknown") | .faults] | add // 0' "$TMP/rep.json")
	total=$(jqr .totals.faults)
	note "unknown regions: $unknown of $total faults"
	[ "$unknown" -le $((total / 20)) ] || fail "$unknown of $total faults in unknown regions"
fi

# --- call chains: code named by the mappings it runs from ---
"$PFX" record -a -g -o "$TMP/cg.data" -- "$PFX_LOAD" seq -s 16M >/dev/null 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "record -a -g failed"; }
"$PFX" report -i "$TMP/cg.data" --by function >"$TMP/f.txt" || fail "--by function failed"
grep -Eq "^ +4[0-9]{3} .* touch_slice \(pfx-load\)" "$TMP/f.txt" || fail "touch_slice not named: $(head -n 8 "$TMP/f.txt")"

# --- --max-size: stops early, a complete file, said so ---
"$PFX" record -a --max-size 64K --duration 10 -o "$TMP/m.data" -- "$PFX_LOAD" repeat -s 64M --rounds 20 \
	>/dev/null 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record --max-size failed"; }
grep -q "stopped at --max-size 65536 bytes" "$TMP/rec.err" || fail "no max-size line: $(cat "$TMP/rec.err")"
size=$(wc -c <"$TMP/m.data")
ncpu=$(getconf _NPROCESSORS_ONLN)
note "--max-size 64K: $size bytes"
# past the size by at most what the rings held (4 MiB per CPU with -a)
[ "$size" -le $((65536 + ncpu * 4194304)) ] || fail "file of $size bytes for --max-size 64K"
"$PFX" report -i "$TMP/m.data" >/dev/null 2>"$TMP/m.err" || fail "report of the max-size file failed"
[ -s "$TMP/m.err" ] && fail "report of the max-size file warns: $(cat "$TMP/m.err")"

# --- record -G on a cgroup of the perf_event hierarchy ---
name=pfx-test-rec-$$
if make_perf_cgroup "$name"; then
	"$PFX" record -G "$name" -o "$TMP/g.data" -- sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" seq -s 16M' \
		sh "$CG" "$PFX_LOAD" >"$TMP/load.out" 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "record -G failed"; }
	report_json "$TMP/g.data"
	pid=$(kv pid "$TMP/load.out")
	f=$(jq --argjson p "$pid" '[.processes[] | select(.pid == $p) | .faults] | add // 0' "$TMP/rep.json")
	# (a sanitizer runtime's helper tasks, forked in the cgroup, belong there)
	others=$(jq -c --arg n "/$name" '[.processes[] | select(.cgroup != $n) | {pid, comm, cgroup, faults}]' "$TMP/rep.json")
	note "record -G: pfx-load $f faults; processes outside the cgroup: $others"
	[ "$f" -ge 4096 ] || fail "pfx-load in the cgroup has $f faults, it takes 4096"
	[ "$others" = "[]" ] || fail "processes outside the cgroup recorded: $others"
	usage_error_of record "and -p record different things" -G "$name" -p $$
else
	note "cannot make a cgroup in the perf_event hierarchy: record -G not exercised"
fi

# --- bad input ---
usage_error_of record "and -p record different things" -a -p $$
usage_error_of record "needs perf events" -a --source tracefs --duration 1
usage_error_of record "is not a size" -a --max-size 12x --duration 1
usage_error_of record "is not a duration" -a --duration soon
expect_exit 1 "$PFX" record -G "no-such-cgroup-$$" --duration 1 -o "$TMP/x.data"
one_line_error
grep -q "no cgroup 'no-such-cgroup-$$'" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
[ -e "$TMP/x.data" ] && fail "a file left after a failed start"
echo ok
