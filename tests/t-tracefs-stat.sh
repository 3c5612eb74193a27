# SPDX-License-Identifier: GPL-2.0-or-later
# t-tracefs-stat: pfx stat's tracefs source, asked for and forced by a
# seccomp filter that denies perf_event_open: totals match the command's
# own rusage, file faults are all major, threads get exact rows, and no
# tracefs instance or enabled event is left behind on any exit path.
. "$top_srcdir/tests/lib.sh"
need_root
deny="$top_builddir/tests/deny-perf"
[ -x "$deny" ] || fail "$deny is not built"
tdir=$(tracefs_dir)
[ -n "$tdir" ] || "$PFX" list >/dev/null    # pfx mounts tracefs when needed
tdir=$(tracefs_dir)
[ -n "$tdir" ] || skip "tracefs is not available on this kernel"
[ -d "$tdir/events/exceptions/page_fault_user" ] || skip "no exceptions:page_fault_user tracepoint"

# total_field KEY: from the JSON total line of $TMP/out
total_field() { grep '"type":"total"' "$TMP/out" | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }

# 1. --source tracefs: minor total within 1% of wait4() rusage, entries ~ faults
"$PFX" stat --source tracefs --format json -o "$TMP/out" -- "$PFX_LOAD" seq -s 64M >"$TMP/load" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "pfx stat --source tracefs failed"; }
[ "$(total_field source)" = tracefs ] || fail "source is $(total_field source)"
minor=$(total_field minor); ru=$(total_field rusage_minor); entries=$(total_field faults)
note "tracefs: minor=$minor rusage=$ru entries=$entries"
within_pct "$minor" "$ru" 1 || fail "minor $minor not within 1% of rusage $ru"
within_pct "$entries" "$minor" 1 || fail "fault entries $entries not within 1% of minor faults $minor"
no_pfx_instances

# 2. perf denied for real: auto falls back to tracefs, majors exact
"$deny" "$PFX" stat --format json -o "$TMP/out" -- "$PFX_LOAD" file -s 16M >"$TMP/load" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "pfx stat under deny-perf failed"; }
[ "$(total_field source)" = tracefs ] || fail "auto under deny-perf used $(total_field source)"
grep -q 'perf unavailable: Permission denied' "$TMP/out" || fail "the output does not say perf was denied"
# /proc's majors are the whole process's: the region's 4096, and now and
# then a page of the binary or a library read in again (seen once: 4097).
major=$(total_field major) want=$(kv expect_major "$TMP/load")
[ "$major" -ge "$want" ] && [ "$major" -le $((want + 8)) ] || fail "major $major, expected $want (+ at most 8 outside the region)"
no_pfx_instances

# 3. per-thread rows from tracefs: 4 threads touching (pfx-load's main thread
# is one), each with its slice of the pages
"$deny" "$PFX" stat --per-thread -o "$TMP/out" -- "$PFX_LOAD" seq -s 64M -t 4 >"$TMP/load" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "per-thread under deny-perf failed"; }
workers=$(awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ { gsub(",", "", $3); if ($3 >= 4096) n++ } END { print n + 0 }' "$TMP/out")
[ "$workers" -eq 4 ] || { cat "$TMP/out"; fail "expected 4 worker rows with >= 4096 minor faults, got $workers"; }
no_pfx_instances

# 4. explicit perf while denied: one clear error, exit 1
expect_exit 1 "$deny" "$PFX" stat --source perf -- "$PFX_LOAD" seq -s 1M
one_line_error
grep -q 'denied' "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"

# 5. tracefs for a user who cannot write tracefs: clear error; auto goes on to proc
if command -v setpriv >/dev/null; then
	expect_exit 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$PFX" stat --source tracefs -- /bin/true
	one_line_error
	grep -q 'tracefs' "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$deny" "$PFX" stat --format json -o - -- "$PFX_LOAD" seq -s 4M >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "auto as nobody under deny-perf failed"; }
	[ "$(total_field source)" = proc ] || fail "auto as nobody without perf used $(total_field source)"
	grep -q 'tracefs unavailable' "$TMP/out" || fail "the output does not say why tracefs was skipped"
fi

# wait_instance PID: until pfx PID's instance exists (5 s at most)
wait_instance() {
	for _ in $(seq 50); do
		ls "$tdir/instances" | grep -q "^pfx-$1-" && return 0
		sleep 0.1
	done
	fail "no instance pfx-$1-* while running"
}

# 6. Ctrl-C and SIGTERM: totals printed, instance removed
for sig in INT TERM; do
	"$PFX" stat --source tracefs --format json -o "$TMP/out" -- "$PFX_LOAD" steady --seconds 10 --rate 2000 >/dev/null 2>&1 &
	pid=$!
	wait_instance $pid
	sleep 0.5
	kill -$sig $pid
	wait $pid
	grep -q '"type":"total"' "$TMP/out" || fail "no total after SIG$sig"
	no_pfx_instances
done

# 7. tracefs not mounted: pfx mounts it (and leaves it mounted, as perf does)
if umount "$tdir" 2>/dev/null; then
	"$PFX" stat --source tracefs -o "$TMP/out" -- "$PFX_LOAD" seq -s 4M >/dev/null 2>"$TMP/err" ||
		{ mount -t tracefs nodev "$tdir"; cat "$TMP/err"; fail "tracefs source with tracefs unmounted failed"; }
	[ -n "$(tracefs_dir)" ] || { mount -t tracefs nodev "$tdir"; fail "pfx did not mount tracefs"; }
	tdir=$(tracefs_dir)
else
	note "tracefs at $tdir is busy: the mount path was not exercised"
fi

# 8. SIGKILL: pfx's guardian removes the instance (t-tracefs-sigkill.sh);
# with the guardian killed first, the instance stays and the next run
# removes it
"$PFX" stat --source tracefs -o /dev/null -- "$PFX_LOAD" steady --seconds 10 --rate 2000 >/dev/null 2>&1 &
pid=$!
wait_instance $pid
kill_with_guardian $pid
pkill -f "pfx-load steady --seconds 10 --rate 2000" 2>/dev/null
ls "$tdir/instances" | grep -q "^pfx-$pid-" || fail "expected the killed run's instance to remain"
"$PFX" stat --source tracefs -o /dev/null -- /bin/true 2>/dev/null || fail "next run failed"
no_pfx_instances
# no fault event left enabled at the top level either
[ "$(cat "$tdir/events/exceptions/page_fault_user/enable")" = 0 ] || fail "page_fault_user left enabled"
echo ok
