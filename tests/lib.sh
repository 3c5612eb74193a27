# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh: helpers sourced by the shell tests.  The runner sets PFX, PFX_LOAD,
# top_srcdir and top_builddir; each test gets its own scratch directory.

: "${PFX:?run the tests through 'make check'}"
: "${PFX_LOAD:?run the tests through 'make check'}"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pfx-test.XXXXXX") || exit 99
# (end_test, below: what the test left running is reaped, its on_exit
# commands run, then $TMP goes)
trap end_test EXIT

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
note() { echo "# $*"; }

# expect_exit CODE CMD...: run CMD, check its exit status; output in $TMP/out, $TMP/err
expect_exit() {
	want=$1; shift
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	[ "$got" -eq "$want" ] || { cat "$TMP/out" "$TMP/err"; fail "'$*' exited $got, expected $want"; }
}

# one_line_error: stderr holds exactly one line starting with "pfx: "
one_line_error() {
	n=$(wc -l <"$TMP/err")
	[ "$n" -eq 1 ] || { cat "$TMP/err"; fail "expected one error line, got $n"; }
	grep -q '^pfx: ' "$TMP/err" || { cat "$TMP/err"; fail "error line does not start with 'pfx: '"; }
}

# usage_error_of COMMAND PATTERN ARGS...: 'pfx COMMAND ARGS' exits 2 with
# one error line that holds PATTERN
usage_error_of() {
	command=$1 pattern=$2; shift 2
	expect_exit 2 "$PFX" "$command" "$@"
	one_line_error
	grep -q -- "$pattern" "$TMP/err" || fail "'pfx $command $*': unclear error: $(cat "$TMP/err")"
}

# kv KEY FILE: value of KEY=... in a pfx-load output line
kv() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" "$2" | head -n 1; }

# within_pct A B PCT: |A-B| <= PCT% of B (integers)
within_pct() {
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= b * p / 100.0) }'
}

# json_field KEY FILE: a number or string field from the last JSON line with it
json_field() {
	grep "\"$1\"" "$2" | tail -n 1 | sed -n "s/.*\"$1\":[[:space:]]*\"\{0,1\}\([^,\"}]*\).*/\1/p"
}

# built_with FEATURE: pfx was built with the optional library FEATURE
# (libdw, zlib, libpfm4, demangle: the features line of 'pfx --version')
built_with() { "$PFX" --version | grep -q "^features:.* +$1\( \|\$\)"; }

# without_feature LIB ARGS...: 'pfx ARGS' of a pfx built without LIB fails
# with one line saying so (doc/packaging.md)
without_feature() {
	lib=$1; shift
	expect_exit 1 "$PFX" "$@"
	one_line_error
	grep -q "needs $lib, and this pfx was built without it" "$TMP/err" ||
		fail "'pfx $*' built without $lib: $(cat "$TMP/err")"
}

# need_perf_sampling [RECORD-OPTIONS]: skip unless this user may sample
# faults with perf events so (a package build as a user: a ring larger than
# perf_event_mlock_kb is denied, as perf_event_paranoid may deny it all)
need_perf_sampling() {
	"$PFX" record --source perf --no-entry "$@" -o "$TMP/perf-probe.data" -- true >/dev/null 2>"$TMP/perf-probe.err" ||
		skip "perf sampling is denied to this user: $(head -n 1 "$TMP/perf-probe.err")"
	rm -f "$TMP/perf-probe.data"
}

# has_latency FILE: some faults of the recording have a latency (pfx record
# samples exceptions:page_fault_user for it, which a user at
# perf_event_paranoid 0 or more may not: a package build; the latency chart
# then refuses).  Without jq: assumed.
has_latency() {
	command -v jq >/dev/null 2>&1 || return 0
	"$PFX" report -i "$1" --format json 2>/dev/null |
		jq -e '(.latency.minor.count // 0) + (.latency.major.count // 0) > 0' >/dev/null
}

# drop_tracepoint_warning: remove from $TMP/err the warning 'pfx thp' gives a
# user before its error (the system-wide tracepoint counts are denied at
# perf_event_paranoid above 0): the error is what a test checks
drop_tracepoint_warning() { sed -i '/^pfx: warning: system-wide tracepoint counts \(are denied\|need tracefs\)/d' "$TMP/err"; }

# remaps_known JSON: the recording (its report JSON) placed mremap()'s
# moves from the syscalls:*_mremap tracepoints.  A user cannot sample them
# (their ids are tracefs files only root reads): a buffer mremap() moved
# away before pfx read /proc/PID/maps again, or whose process exited first
# (ls grows its file list so), then has its faults outside every mapping.
remaps_known() { jq -r .events "$1" | grep -q 'syscalls:sys_exit_mremap'; }

need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root"; }

# tracefs_dir: where tracefs is mounted (empty if nowhere)
tracefs_dir() { awk '$3 == "tracefs" { print $2; exit }' /proc/mounts; }

# no_pfx_instances: no tracefs instance of a pfx that has exited remains
# (instances of pfx runs still going, e.g. a parallel test, are theirs)
no_pfx_instances() {
	d=$(tracefs_dir)
	[ -n "$d" ] || return 0
	for i in $(ls "$d/instances" 2>/dev/null | grep '^pfx-[0-9]*-' || true); do
		owner=${i#pfx-}; owner=${owner%%-*}
		kill -0 "$owner" 2>/dev/null || fail "tracefs instance $i left behind by exited pfx $owner"
	done
}

# kill_with_guardian PID: SIGKILL pfx PID and, first, the guardian that
# would remove its tracefs instance (tracefs_src.h), to leave a stale
# instance behind as an older pfx or a killed guardian would
kill_with_guardian() {
	for g in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		[ "$(cat /proc/"$g"/comm 2>/dev/null)" = pfx-guard ] && kill -KILL "$g"
	done
	kill -KILL "$1"; wait "$1" 2>/dev/null
}

# zram_swap_on [SIZE]: give this test a swap device on zram, removed when
# the test exits.  Returns 1 (the caller says what it did not exercise)
# when this is not root or the kernel has no zram.
zram_swap_on() {
	[ "$(id -u)" -eq 0 ] || return 1
	command -v zramctl >/dev/null && command -v mkswap >/dev/null || return 1
	ZRAM_DEV=$(zramctl --find --size "${1:-256M}" 2>/dev/null) || return 1
	if ! mkswap "$ZRAM_DEV" >/dev/null 2>&1 || ! swapon "$ZRAM_DEV" 2>/dev/null; then
		zramctl --reset "$ZRAM_DEV" 2>/dev/null
		return 1
	fi
	on_exit 'swapoff "$ZRAM_DEV" 2>/dev/null; zramctl --reset "$ZRAM_DEV" 2>/dev/null'
}

# sanitized BINARY: true when BINARY is built with ASan or UBSan (GCC links
# libasan dynamically, clang statically: look for the runtime's symbols)
sanitized() { grep -q '__asan_init\|__ubsan_handle' "$1" 2>/dev/null; }

# running PID: PID is there and has not ended (a zombie has)
running() {
	kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# lsan_stuck PID: pfx PID of a sanitizer build hangs in LeakSanitizer's
# exit-time leak check, no fault of pfx: LSan's tracer (a child of PID,
# tracing it) attached with PTRACE_ATTACH, and a SIGCONT sent before PID
# took the SIGSTOP that queued cancelled it (a dying session leader sends
# SIGHUP and SIGCONT to its terminal's foreground group, which holds pfx
# and the tracer), so the tracer waits for a stop that never comes while
# pfx spins waiting for the tracer; a SIGTERM is passed on to pfx's
# handler, only SIGKILL ends it.  A pfx in a terminal the test hangs up
# (tmux kill-server) is best its session's leader ('exec pfx ...'): the
# hangup's SIGHUP and SIGCONT then come before pfx begins to exit, and no
# shell sends more as it dies (README.md, "Building by hand").
lsan_stuck() {
	sanitized "$PFX" || return 1
	lsan_tracer=$(sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$lsan_tracer" ] && [ "$lsan_tracer" != 0 ] &&
		[ "$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$lsan_tracer/status" 2>/dev/null)" = "$1" ]
}

# pfx_ends PID WHAT: pfx PID ends by itself within 10 s (polled; a bound,
# not a timing).  A LeakSanitizer hang (lsan_stuck) is noted, killed and
# counts as ended; else returns 1, PID still running.
pfx_ends() {
	ends_i=0
	while running "$1" && [ $ends_i -lt 100 ]; do sleep 0.1; ends_i=$((ends_i + 1)); done
	running "$1" || return 0
	lsan_stuck "$1" || return 1
	note "$2: pfx $1 hangs in LeakSanitizer's exit-time check (a SIGCONT cancelled its tracer's stop; not pfx): killed"
	kill -KILL "$1" 2>/dev/null
	return 0
}

# reap_pfx PID WHAT: pfx PID, which this test started (in the background or
# in a tmux pane), is gone when this returns, however the test ends:
# SIGTERM, up to 10 s to exit, then SIGKILL.  Returns 1 (saying so) when
# it had to be killed: pfx stops on SIGTERM, so that is a bug, but for the
# LeakSanitizer hang (pfx_ends).  Never exits, so an EXIT trap may call it.
reap_pfx() {
	[ -n "$1" ] || return 0
	if running "$1"; then
		kill -TERM "$1" 2>/dev/null
		# stopped (SIGSTOP; not LSan's tracing stop, 't'): let it take the SIGTERM
		[ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)" = T ] &&
			kill -CONT "$1" 2>/dev/null
		if ! pfx_ends "$1" "$2"; then
			echo "FAIL: $2: $1 outlived SIGTERM by 10 s ($(sed -n 's/^State:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)): killed"
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			return 1
		fi
	fi
	wait "$1" 2>/dev/null	# (when it is this shell's child)
	return 0
}

# reap_children: whatever this test started in the background and left
# running (a pfx, pfx-load, a helper: the children of the test's shell) is
# reaped with reap_pfx.  Returns 1 when a pfx had to be killed; another
# program (Prometheus shuts down gracefully on SIGTERM: once over 10 s
# under load) is killed without failing the test.  (From /proc, not
# pgrep: a package build's chroot may have no procps.)
reap_children() {
	reaped=0
	for c in $(grep -l "^PPid:[[:space:]]*$$\$" /proc/[0-9]*/status 2>/dev/null | cut -d/ -f3); do
		running "$c" || continue
		comm=$(cat "/proc/$c/comm" 2>/dev/null)
		if [ "$comm" = pfx ] || [ "$comm" = lt-pfx ]; then
			reap_pfx "$c" "$comm, left running at the test's end" || reaped=1
		else
			reap_pfx "$c" "$comm, left running at the test's end" >/dev/null ||
				note "$comm ($c) outlived SIGTERM by 10 s at the test's end: killed"
		fi
	done
	return $reaped
}

# on_exit CMDS: shell commands to run when the test exits, however it
# exits (after reap_children, before $TMP goes; in the order given); they
# may set rc=1 to fail the test.  Instead of a trap of the test's own.
on_exit() { PFX_ON_EXIT="${PFX_ON_EXIT:+$PFX_ON_EXIT
}$1"; }

# end_test: the EXIT trap lib.sh sets: reap_children (a child that had to
# be killed fails the test), the on_exit commands, $TMP removed; the exit
# status kept
end_test() {
	rc=$?
	reap_children || rc=1
	eval "${PFX_ON_EXIT:-:}"
	rm -rf "$TMP"
	exit $rc
}
