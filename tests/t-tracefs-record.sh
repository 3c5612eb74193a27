# SPDX-License-Identifier: GPL-2.0-or-later
# t-tracefs-record: pfx record --source tracefs (asked for, not forced by a
# denial: t-record-tracefs.sh does that) finds the same regions and access
# patterns as the perf source, stores exact minor/major totals from /proc,
# refuses bad sources clearly, and a pfx killed mid-record has its
# instance removed by the next run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
need_root
deny="$top_builddir/tests/deny-perf"
tdir=$(tracefs_dir)
[ -n "$tdir" ] || "$PFX" list >/dev/null
tdir=$(tracefs_dir)
[ -n "$tdir" ] || skip "tracefs is not available on this kernel"
[ -d "$tdir/events/exceptions/page_fault_user" ] || skip "no exceptions:page_fault_user tracepoint"

# Same workload, both sources: the workload region's kind and pattern agree.
for mode in "seq -s 16M" "random -s 16M" "stride -s 32M --stride 4" "repeat -s 8M --rounds 3" "file -s 8M"; do
	for src in perf tracefs; do
		# --pause-end: tracefs learns mappings from /proc at each drain
		"$PFX" record --source $src -o "$TMP/$src.data" -- "$PFX_LOAD" $mode --pause-end 300 \
			>"$TMP/$src.load" 2>"$TMP/$src.err" || { cat "$TMP/$src.err"; fail "record --source $src $mode failed"; }
		report_json "$TMP/$src.data"
		cp "$TMP/rep.json" "$TMP/$src.json"
	done
	[ "$(jq -r .source "$TMP/tracefs.json")" = tracefs ] || fail "$mode: source is not tracefs"
	for src in perf tracefs; do
		cp "$TMP/$src.json" "$TMP/rep.json"
		addr=$(kv addr "$TMP/$src.load")
		eval "${src}_kind=\$(region_field $addr kind) ${src}_pattern=\$(region_field $addr pattern)"
		eval "${src}_major=\$(region_field $addr major)"
		# Never more than the run's own count (rusage: every major fault).
		[ "$(region_field $addr major)" -le "$(kv rusage_major "$TMP/$src.load")" ] ||
			fail "$mode: $src recorded $(region_field $addr major) major faults, rusage says $(kv rusage_major "$TMP/$src.load")"
	done
	note "$mode: perf $perf_kind/$perf_pattern/$perf_major tracefs $tracefs_kind/$tracefs_pattern/$tracefs_major"
	[ "$perf_kind" = "$tracefs_kind" ] || fail "$mode: kind perf=$perf_kind tracefs=$tracefs_kind"
	[ "$perf_pattern" = "$tracefs_pattern" ] || fail "$mode: pattern perf=$perf_pattern tracefs=$tracefs_pattern"
	# Two runs: a page already cached in one (read-ahead, another reader)
	# is a minor fault there, so allow 2 pages of 2048 apart.
	awk -v a="$perf_major" -v b="$tracefs_major" 'BEGIN { d = a - b; exit !(d <= 2 && d >= -2) }' ||
		fail "$mode: major faults perf=$perf_major tracefs=$tracefs_major"
	# exact totals from /proc: at least the fault phase's own rusage
	cp "$TMP/tracefs.json" "$TMP/rep.json"
	[ "$(jqr .totals.minor)" -ge "$(kv rusage_minor "$TMP/tracefs.load")" ] || fail "$mode: totals.minor below rusage"
	# majors: the phase's, plus at most a few page-ins of the program's own
	# code at start-up when memory pressure has dropped it from the cache
	tmaj=$(jqr .totals.major); pmaj=$(kv rusage_major "$TMP/tracefs.load")
	[ "$tmaj" -ge "$pmaj" ] && [ "$tmaj" -le $((pmaj + 16)) ] ||
		fail "$mode: totals.major $tmaj, the fault phase's rusage $pmaj"
	grep -q 'totals minor .* from /proc' "$TMP/tracefs.err" || fail "$mode: no exact-totals line"
	no_pfx_instances
done

# Bad sources: one line each.
expect_exit 2 "$PFX" record --source proc -o "$TMP/x.data" -- /bin/true
one_line_error
expect_exit 1 "$deny" "$PFX" record --source perf -o "$TMP/x.data" -- /bin/true
one_line_error
grep -q 'denied.*--source tracefs' "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
[ ! -e "$TMP/x.data" ] || fail "a record file was left behind"

# Neither perf nor tracefs (a user who cannot write tracefs, perf denied):
# one error naming both and the fixes, no file.
if command -v setpriv >/dev/null; then
	expect_exit 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$deny" "$PFX" record -o /tmp/pfx-none.$$.data -- /bin/true
	one_line_error
	grep -q 'perf events are denied.*tracefs is not usable.*root' "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
	[ ! -e /tmp/pfx-none.$$.data ] || { rm -f /tmp/pfx-none.$$.data; fail "a record file was left behind"; }
fi

# Ctrl-C mid-record: a complete file, the instance removed.
"$PFX" record --source tracefs -o "$TMP/c.data" -- "$PFX_LOAD" steady --seconds 10 --rate 2000 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do ls "$tdir/instances" | grep -q "^pfx-$pid-" && break; sleep 0.1; done
sleep 0.5
kill -INT $pid; wait $pid || fail "record stopped by SIGINT exited $?"
report_json "$TMP/c.data"
[ "$(jqr .complete)" = true ] || fail "file after SIGINT is not complete"
[ "$(jqr .totals.faults)" -gt 0 ] || fail "no faults recorded before SIGINT"
no_pfx_instances

# SIGKILL mid-record, the guardian killed first: the instance stays; the
# next run removes it.
"$PFX" record --source tracefs -o "$TMP/k.data" -- "$PFX_LOAD" steady --seconds 10 --rate 2000 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do ls "$tdir/instances" | grep -q "^pfx-$pid-" && break; sleep 0.1; done
ls "$tdir/instances" | grep -q "^pfx-$pid-" || fail "no instance pfx-$pid-* while recording"
kill_with_guardian $pid
pkill -f "pfx-load steady --seconds 10 --rate 2000" 2>/dev/null
[ ! -e "$TMP/k.data" ] || fail "a killed record left a file under the final name"
"$PFX" record --source tracefs -o "$TMP/n.data" -- /bin/true 2>/dev/null || fail "next record failed"
no_pfx_instances
[ "$(cat "$tdir/events/exceptions/page_fault_user/enable")" = 0 ] || fail "page_fault_user left enabled"

# Whatever the next command and its source: a stale instance is removed
# on every start (pfx stat with perf, pfx list saying so).
kill_mid_record() {
	"$PFX" record --source tracefs -o "$TMP/k.data" -- "$PFX_LOAD" steady --seconds 10 --rate 2000 >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do ls "$tdir/instances" | grep -q "^pfx-$pid-" && break; sleep 0.1; done
	ls "$tdir/instances" | grep -q "^pfx-$pid-" || fail "no instance pfx-$pid-* while recording"
	kill_with_guardian $pid
	pkill -f "pfx-load steady --seconds 10 --rate 2000" 2>/dev/null
}
kill_mid_record
"$PFX" stat --source perf -- /bin/true 2>/dev/null || fail "pfx stat after a killed record failed"
no_pfx_instances
kill_mid_record
"$PFX" list >"$TMP/list" 2>&1 || fail "pfx list failed"
grep -q "^removed 1 stale pfx tracefs instance (left by a pfx that was killed)" "$TMP/list" ||
	fail "pfx list did not say it removed the stale instance: $(head -n 2 "$TMP/list")"
no_pfx_instances
echo ok
