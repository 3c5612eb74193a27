# SPDX-License-Identifier: GPL-2.0-or-later
# t-thp: 'pfx thp' on the real kernel.  pfx-load thp writes one byte per
# huge page of a MADV_HUGEPAGE region: the run must show the huge pages it
# got (pfx-load reads its own smaps), one fault per huge page (pfx-load's
# own rusage of the phase), the system's thp_fault_alloc moving at least
# as much, and numa_maps node totals that add up to smaps_rollup.  pfx-load
# seq (opted out of THP) gains none while faulting every page.  Attaching
# to a paused process, its exit, the three formats, and every bad input.
. "$top_srcdir/tests/lib.sh"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (this test parses JSON with it)"

LOADS=
cleanup() {
	for p in $LOADS; do kill "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
on_exit cleanup

# summary KEY FILE: a field of the summary line (jq path without the dot)
summary() { jq -r "select(.type == \"summary\") | .$1" "$2"; }
samples() { jq -c 'select(.type == "sample")' "$1"; }

# run_phase NAME MODE ARGS...: pfx thp --format json 0.2 on pfx-load MODE
# --wait-start; once two rows have followed pfx-load's "ready", the fault
# phase is started (SIGUSR1), so PHASE_FAULTS (the faults of the rows after
# that, but the last, which holds the exit: a sanitizer's exit takes
# thousands) are the phase's and its report's only.  Sets LOAD (pfx-load's line),
# OUT (pfx's JSON lines); returns 77 when pfx-load skips.
run_phase() {
	name=$1; shift
	: >"$TMP/$name.all"
	"$PFX" thp --format json 0.2 -- "$PFX_LOAD" "$@" --wait-start --pause-end 600 \
		>"$TMP/$name.all" 2>"$TMP/$name.err" &
	pfx=$!
	i=0
	until grep -q '^pfx-load: ready pid=' "$TMP/$name.all"; do
		if ! kill -0 $pfx 2>/dev/null; then
			wait $pfx
			grep -q 'thp mode needs transparent huge pages' "$TMP/$name.err" && {
				LOAD_SKIP=$(grep 'pfx-load' "$TMP/$name.err"); return 77; }
			cat "$TMP/$name.err"; fail "$name: pfx thp ended before pfx-load was ready"
		fi
		i=$((i + 1)); [ $i -lt 300 ] || fail "$name: pfx-load not ready in 30 s"
		sleep 0.1
	done
	load=$(sed -n 's/^pfx-load: ready pid=\([0-9]*\).*/\1/p' "$TMP/$name.all")
	ready_rows=$(grep -c '"type":"sample"' "$TMP/$name.all")
	until [ "$(grep -c '"type":"sample"' "$TMP/$name.all")" -ge $((ready_rows + 2)) ]; do sleep 0.05; done
	before=$(grep -c '"type":"sample"' "$TMP/$name.all")
	kill -USR1 "$load"
	wait $pfx || { cat "$TMP/$name.err"; fail "$name: pfx thp exited $?"; }
	grep '^pfx-load: mode=' "$TMP/$name.all" >"$TMP/$name.load"
	grep '^{' "$TMP/$name.all" >"$TMP/$name.json"
	OUT=$TMP/$name.json LOAD=$TMP/$name.load
	jq -e . "$OUT" >/dev/null || fail "$name: not JSON lines: $(head -c 300 "$OUT")"
	PHASE_FAULTS=$(samples "$OUT" | awk -v b="$before" 'NR > b' | jq -s 'map(select(.target_exited == false) | .faults) | add')
}

# numa_adds_up FILE: in every sample that read the target at rest (its
# Rss and Anonymous the same as in the row before: numa_maps and
# smaps_rollup are read one after the other, and a faulting target moves
# between the two reads), the anonymous pages numa_maps places on nodes
# (+ those of mixed mappings) are smaps_rollup's Anonymous, and all pages
# on nodes its Rss, within 1%.  There are such rows: before the start
# signal and in the pause at the end.
numa_adds_up() {
	samples "$1" | jq -e -s '
		map(select(.target_exited == false)) as $r
		| [range(1; $r | length) | select($r[.].rss_kb == $r[. - 1].rss_kb and
						  $r[.].anon_kb == $r[. - 1].anon_kb) | $r[.]]
		| length > 0 and all(
			((.numa.nodes | map(.anon_kb) | add) + .numa.anon_unplaced_kb) as $a |
			(.numa.nodes | map(.kb) | add) as $t |
			($a - .anon_kb | fabs) <= .anon_kb / 100 and ($t - .rss_kb | fabs) <= .rss_kb / 100)' >/dev/null ||
		{ samples "$1" | jq -c '{anon_kb, rss_kb, numa}'; fail "numa_maps nodes do not add up to smaps_rollup"; }
}

# --- 1. THP: 64 MiB of MADV_HUGEPAGE, one write per huge page ---
if run_phase thp thp -s 64M; then
	got=$(kv thp_bytes "$LOAD")
	huge=$(kv huge_page_size "$LOAD")
	minor=$(kv rusage_minor "$LOAD")
	[ "$got" -gt 0 ] || fail "thp: pfx-load got no huge page (thp_bytes=$got)"
	[ "$got" -eq 67108864 ] || note "pfx-load got $got bytes of huge pages, not all 64 MiB (fragmented memory)"
	want=$((got / huge))
	[ "$(summary huge_pages_gained "$OUT")" = "$want" ] ||
		fail "thp: huge pages gained $(summary huge_pages_gained "$OUT"), pfx-load got $want"
	[ "$(summary anon_huge_kb_peak "$OUT")" = $((got / 1024)) ] ||
		fail "thp: AnonHugePages peak $(summary anon_huge_kb_peak "$OUT") kB, pfx-load's smaps says $((got / 1024))"
	[ "$(summary anon_huge_kb_first "$OUT")" = 0 ] || fail "thp: AnonHugePages at exec $(summary anon_huge_kb_first "$OUT")"
	# One fault per huge page: pfx-load's own count of its phase is ~32
	# (a sanitizer build adds one per huge page for the shadow of the byte
	# written); the rows after the start also hold its report.
	[ "$minor" -ge 32 ] && [ "$minor" -le 72 ] || fail "thp: pfx-load's own count is $minor faults for 32 huge pages"
	note "thp: $PHASE_FAULTS faults after the start, pfx-load counted $minor in its phase"
	# Its report (stdio; a sanitizer's interceptors) takes a few more.
	[ "$PHASE_FAULTS" -ge "$minor" ] && [ "$PHASE_FAULTS" -le $((minor + 32)) ] ||
		fail "thp: $PHASE_FAULTS faults after the start, pfx-load counted $minor"
	alloc=$(summary system_wide.vmstat.thp_fault_alloc "$OUT")
	[ "$alloc" -ge "$want" ] || fail "thp: system-wide thp_fault_alloc +$alloc < $want huge pages"
	# The rows show the huge pages next to the faults that brought them.  A
	# row reads the fault counter before smaps_rollup, so a fault between
	# the two reads shows its huge page in one row and its fault in the
	# next: the faults through row i+1 cover the huge pages through row i.
	samples "$OUT" | jq -e -s "map(.huge_pages_gained // 0) as \$g | map(.faults) as \$f
		| (\$g | add) == $want
		and ([range(0; \$g | length)] | all(. as \$i | (\$f[0:\$i + 2] | add) >= (\$g[0:\$i + 1] | add)))" >/dev/null ||
		{ samples "$OUT"; fail "thp: huge pages gained before the faults that brought them"; }
	numa_adds_up "$OUT"
	head -n 1 "$OUT" | jq -e '.command == "thp" and .huge_page_kb == 2048 and (.enabled | length > 0)' >/dev/null ||
		fail "thp: header $(head -n 1 "$OUT")"
	if grep -q '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled; then
		head -n 1 "$OUT" | jq -e '.policy_note == "madvise: only MADV_HUGEPAGE regions get huge pages"' >/dev/null ||
			fail "thp: madvise mode not explained: $(head -n 1 "$OUT")"
	fi
	samples "$OUT" | tail -n 1 | jq -e '.target_exited and .anon_huge_kb == null' >/dev/null ||
		fail "thp: last row is not the exit: $(samples "$OUT" | tail -n 1)"
	[ "$(summary rusage_minor "$OUT")" -gt "$minor" ] || fail "thp: the command's rusage is missing"
else
	note "thp part not run: $LOAD_SKIP"
	thp_skipped=1
fi

# --- 2. seq: every page faulted, none huge (pfx-load opts out of THP) ---
run_phase seq seq -s 64M || fail "pfx-load seq skipped"
pages=$(kv pages "$LOAD")
minor=$(kv rusage_minor "$LOAD")
[ "$pages" -eq 16384 ] || fail "seq: pfx-load made $pages pages"
[ "$(summary huge_pages_gained "$OUT")" = 0 ] || fail "seq: gained $(summary huge_pages_gained "$OUT") huge pages"
[ "$(summary anon_huge_kb_peak "$OUT")" = 0 ] || fail "seq: AnonHugePages peak $(summary anon_huge_kb_peak "$OUT")"
note "seq: $PHASE_FAULTS faults after the start, pfx-load counted $minor in its phase"
[ "$minor" -ge "$pages" ] && [ "$PHASE_FAULTS" -ge "$pages" ] && [ "$PHASE_FAULTS" -le $((minor + 32)) ] ||
	fail "seq: $PHASE_FAULTS faults after the start for $pages pages (pfx-load counted $minor)"
numa_adds_up "$OUT"

# --- 2b. children of a launched command count: the huge pages of a
# pfx-load that sh forks (the shell itself gets none) ---
if [ -z "${thp_skipped:-}" ]; then
	"$PFX" thp --format json 0.3 -- sh -c "'$PFX_LOAD' thp -s 32M --pause-end 1500; true" \
		>"$TMP/kids.all" 2>"$TMP/kids.err" || { cat "$TMP/kids.err"; fail "children: pfx thp failed"; }
	grep '^{' "$TMP/kids.all" >"$TMP/kids.json"
	got=$(kv thp_bytes "$TMP/kids.all")
	[ "$(summary anon_huge_kb_peak "$TMP/kids.json")" = $((got / 1024)) ] ||
		fail "children: AnonHugePages peak $(summary anon_huge_kb_peak "$TMP/kids.json") kB, the child got $((got / 1024))"
	[ "$(summary huge_pages_gained "$TMP/kids.json")" = $((got / 2097152)) ] ||
		fail "children: huge pages gained $(summary huge_pages_gained "$TMP/kids.json"), the child got $((got / 2097152))"
	samples "$TMP/kids.json" | jq -e -s 'map(.processes) | max == 2' >/dev/null ||
		fail "children: no row summed the shell and its child: $(samples "$TMP/kids.json" | jq -c .processes | tr '\n' ' ')"
	numa_adds_up "$TMP/kids.json"
	note "children: the shell's child got $((got / 1024)) kB of huge pages, pfx thp saw them"
fi

# --- 3. attach to a paused process: a row per interval until it exits ---
: >"$TMP/att.load"
"$PFX_LOAD" ${thp_skipped:+seq} ${thp_skipped:-thp} -s 16M --pause-end 1600 >"$TMP/att.load" 2>&1 &
load=$!
LOADS="$LOADS $load"
until grep -q '^pfx-load: mode' "$TMP/att.load"; do
	kill -0 $load 2>/dev/null || fail "attach: pfx-load died: $(cat "$TMP/att.load")"
	sleep 0.05
done
ahp=$(awk '/^AnonHugePages:/ { print $2 }' /proc/$load/smaps_rollup)
anon=$(awk '/^Anonymous:/ { print $2 }' /proc/$load/smaps_rollup)
start=$(date +%s%N)
expect_exit 0 "$PFX" thp -p $load --format json 0.25
took=$(( ($(date +%s%N) - start) / 1000000 ))
wait $load
grep -qx "pfx: warning: process $load exited; stopped after [0-9]* rows" "$TMP/err" || fail "attach: exit notice: $(cat "$TMP/err")"
n=$(samples "$TMP/out" | wc -l)
[ "$n" -ge 4 ] && [ "$n" -le 8 ] || fail "attach: $n rows in $took ms at 0.25 s"
[ "$took" -lt 2600 ] || fail "attach: pfx thp took $took ms after a 1.6 s pause"
samples "$TMP/out" | jq -e -s "(.[:-1] | all(.anon_huge_kb == $ahp and .huge_pages_gained == 0 and .faults == 0))
	and (.[-1].target_exited) and (.[1:] | all(.window_s > 0.2 and .window_s < 0.4 or .target_exited))" >/dev/null ||
	{ samples "$TMP/out"; fail "attach: rows are not the paused target's (AnonHugePages $ahp kB)"; }
samples "$TMP/out" | head -n 1 | jq -e ".anon_kb == $anon" >/dev/null || fail "attach: Anonymous is not smaps_rollup's $anon kB"

# --- 4. text and CSV ---
sleep 600 & sl=$!	# outlives every use (a 3 s one was gone under load)
LOADS="$LOADS $sl"
expect_exit 0 "$PFX" thp -p $sl 0.1 2
grep -q '^THP policy: enabled \[[a-z]*\], defrag \[[a-z+]*\]: ' "$TMP/out" || fail "text: no policy line: $(cat "$TMP/out")"
grep -q "^after '|', system-wide" "$TMP/out" || fail "text: system-wide columns not labelled"
[ "$(grep -c '^ *[0-9][0-9.]* .* | .* | .* | N0=' "$TMP/out")" -eq 2 ] || { cat "$TMP/out"; fail "text: expected 2 rows"; }
grep -q '^    thp_fault_alloc  *[0-9]*$' "$TMP/out" || fail "text: summary without thp_fault_alloc"
expect_exit 0 "$PFX" thp -p $sl --format csv -o "$TMP/t.csv" 0.1 3
[ ! -s "$TMP/out" ] || fail "csv: -o also wrote to stdout"
sed -n 2p "$TMP/t.csv" | grep -q '^scope,time,window_s,faults,minor,major,rss_kb,anon_kb,anon_huge_kb,shmem_pmd_kb,file_pmd_kb,huge_pages_gained,huge_pages_lost,numa_node_kb,numa_node_anon_kb,numa_anon_unplaced_kb,sys_thp_fault_alloc,' ||
	fail "csv header: $(sed -n 2p "$TMP/t.csv")"
[ "$(grep -c '^sample,' "$TMP/t.csv")" -eq 3 ] && [ "$(grep -c '^summary,' "$TMP/t.csv")" -eq 1 ] || fail "csv rows: $(cat "$TMP/t.csv")"
fields=$(sed -n 2p "$TMP/t.csv" | awk -F, '{ print NF }')
awk -F, -v n="$fields" 'NR > 2 && NF != n { exit 1 }' "$TMP/t.csv" || fail "csv: rows with other than $fields fields"

# --- 5. tracepoints denied: one line, '-' in text, null in JSON ---
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	[ "$(cat /proc/sys/kernel/perf_event_paranoid)" -gt 0 ]; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 600 & nb=$!
	LOADS="$LOADS $nb"
	sleep 0.2
	expect_exit 0 setpriv --reuid=nobody --regid=nogroup --clear-groups "$PFX" thp -p $nb --format json 0.1 1
	one_line_error
	# tracefs (the event ids) first where it is root's, else the level
	grep -q "^pfx: warning: system-wide tracepoint counts \(need tracefs, which this user cannot read: run as root or make tracefs readable\|are denied (.*): kernel.perf_event_paranoid is [0-9]* and CPU-wide counting or sampling needs 0 or lower: .*\); shown as '-'" "$TMP/err" ||
		fail "denied: $(cat "$TMP/err")"
	summary 'system_wide.tracepoints["huge_memory:mm_collapse_huge_page"]' "$TMP/out" | grep -qx null || fail "denied: tracepoint not null"
	[ "$(summary system_wide.vmstat.thp_fault_alloc "$TMP/out")" != null ] || fail "denied: vmstat lost too"
else
	note "denied tracepoints not checked (needs root, setpriv and perf_event_paranoid > 0)"
fi

# --- 6. bad input: one line, exit 2 for usage, 1 at run time, no file ---
usage_error() { usage_error_of thp "$@"; }
usage_error "invalid INTERVAL 'abc'; give seconds between rows, from 0.01 to 86400" -p $sl abc
usage_error "invalid INTERVAL '-1'" -p $sl -1
usage_error "invalid INTERVAL '0'" -p $sl 0
usage_error "invalid INTERVAL '0.001'" -p $sl 0.001
usage_error "invalid COUNT '0'" -p $sl 1 0
usage_error "unexpected argument" -p $sl 1 2 3
usage_error "invalid PID 'abc'" -p abc
usage_error "which process" 1
usage_error "not both" -p $sl -- true
usage_error "no command after --" --
usage_error "unknown format 'xml'" --format xml -p $sl
usage_error "unknown option" --frobnicate -p $sl
usage_error "needs a value" -p
usage_error "--root '$TMP/none' is not a directory; give the top of a tree holding proc/ and sys/" --root "$TMP/none" -p $sl
usage_error "is not a directory" --root /etc/passwd -p $sl

sh -c 'exit 0' & gone=$!
wait $gone
expect_exit 1 "$PFX" thp -p $gone -o "$TMP/gone.json" 0.1 1
one_line_error
grep -qx "pfx: process $gone does not exist; check the PID" "$TMP/err" || fail "dead PID: $(cat "$TMP/err")"
[ ! -e "$TMP/gone.json" ] || fail "a file was left for a dead PID"
expect_exit 1 "$PFX" thp -o /nonexistent/dir/out.json -p $sl 0.1 1
drop_tracepoint_warning
one_line_error
grep -q "cannot create '/nonexistent/dir/out.json': No such file or directory; check the path" "$TMP/err" || fail "unwritable -o: $(cat "$TMP/err")"
mkdir -p "$TMP/empty"
expect_exit 1 "$PFX" thp --root "$TMP/empty" -p $sl -o "$TMP/empty.json" 0.1 1
drop_tracepoint_warning
one_line_error
grep -q "no $TMP/empty/proc/vmstat; with --root, give a tree that has proc/vmstat" "$TMP/err" || fail "empty root: $(cat "$TMP/err")"
[ ! -e "$TMP/empty.json" ] || fail "a file was left for a bad root"
expect_exit 127 "$PFX" thp 0.1 -- /nonexistent/program
drop_tracepoint_warning
one_line_error
grep -q "cannot run '/nonexistent/program'" "$TMP/err" || fail "bad command: $(cat "$TMP/err")"
ls "$TMP" | grep -q '\.tmp' && fail "temporary file left behind"
echo ok
