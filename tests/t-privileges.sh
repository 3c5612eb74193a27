#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-privileges.sh: every cell of doc/privileges.md's matrix.  Each
# subcommand runs as root, as nobody with CAP_PERFMON (and CAP_SYS_PTRACE
# where another user's process is watched), and as plain nobody at
# perf_event_paranoid -1, 0, 1, 2 and 3 (where the kernel takes 3): it
# works, falls back saying to what and why, or refuses naming the cause and
# the fix (the sysctl and its value, the capability, root).  The original
# paranoid level comes back on any exit; a level is held a few seconds.
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root (to set perf_event_paranoid and to become nobody)"
command -v setpriv >/dev/null || skip "no setpriv (util-linux) to drop to nobody"
SYSCTL=/proc/sys/kernel/perf_event_paranoid
ORIG=$(cat "$SYSCTL") || skip "no $SYSCTL: perf events are not in this kernel"
NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"
PERFMON="$NOBODY --inh-caps=+perfmon --ambient-caps=+perfmon"
PTRACE="$NOBODY --inh-caps=+perfmon,+sys_ptrace --ambient-caps=+perfmon,+sys_ptrace"
$PERFMON true 2>/dev/null || skip "setpriv cannot grant CAP_PERFMON here (kernel < 5.8 or old setpriv)"
$NOBODY test -x "$PFX" || skip "nobody cannot run $PFX (a parent directory is closed to others)"

restore() { echo "$ORIG" >"$SYSCTL"; }
on_exit restore
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
level() { echo "$1" >"$SYSCTL" || fail "cannot set perf_event_paranoid to $1"; }

# A scratch directory nobody may write in.
chmod 711 "$TMP"
W=$TMP/w
mkdir -m 1777 "$W"
cd "$W" || exit 99
MATRIX=$TMP/matrix
DENY=$top_builddir/tests/deny-perf
[ -x "$DENY" ] || skip "no tests/deny-perf (make check builds it)"
LOAD="$PFX_LOAD seq -s 4M"
bad=0

# Targets that fault all along: one of nobody's, one of root's.
$NOBODY "$PFX_LOAD" steady --seconds 60 --rate 2000 -s 4M >/dev/null 2>&1 &
OWN=$!
"$PFX_LOAD" steady --seconds 60 --rate 2000 -s 4M >/dev/null 2>&1 &
FOREIGN=$!
"$PFX" record -o "$W/rec.pfx" -- $LOAD >/dev/null 2>&1 || fail "root cannot record"
chmod 644 "$W/rec.pfx"

# cell ROW COLUMN WANT PATTERN CMD...: WANT is works (exit 0, PATTERN in
# the output), falls (the same, PATTERN naming the fallback and its cause)
# or refuses (non-zero exit, PATTERN in the error).  Logged to $MATRIX.
cell() {
	c_row=$1 c_col=$2 want=$3 pat=$4
	shift 4
	timeout 20 "$@" >"$W/out" 2>"$W/err" </dev/null
	rc=$?
	rm -f "$W/r.pfx" "$W/p.svg" "$W/m.prom"	# root's would stop nobody
	case $want in
	works|falls) [ "$rc" -eq 0 ] && grep -q -e "$pat" "$W/out" "$W/err" ;;
	refuses) [ "$rc" -ne 0 ] && [ "$rc" -lt 124 ] && grep -q -e "$pat" "$W/err" ;;
	esac || {
		bad=$((bad + 1))
		echo "FAIL: $c_row, $c_col: wanted $want /$pat/, got exit $rc:"
		sed 's/^/  | /' "$W/err" | head -n 4
	}
	msg=$(grep -h -m 1 -e "$pat" "$W/err" "$W/out" | head -n 1 | cut -c 1-300)
	printf '%s\t%s\t%s\t%s\n' "$c_row" "$c_col" "$want" "$msg" >>"$MATRIX"
}

# The subcommands as WHO (a setpriv prefix or nothing), in column COL at
# paranoid level LVL ("-" for root and the capabilities: not limited by it).
run_all() {
	col=$1 lvl=$2
	shift 2
	# Expected results by what each request needs (perf-security.rst):
	# own process user mode <= 2, kernel mode <= 1, CPU-wide <= 0.
	own=works kern=works cpu=works ring=works
	case $lvl in
	-) [ "$col" = root ] || ring=refuses ;;
	-1) ;;
	0) ring=refuses ;;
	1) cpu=falls ring=refuses ;;
	*) kern=falls cpu=falls ring=refuses ;;
	esac
	[ "$lvl" = 3 ] && [ "$deb3" = yes ] && own=refuses

	cell "list" "$col" works 'minor-faults' "$@" "$PFX" list
	case $kern in
	works) pat='^# source: perf (software counters page-faults, minor-faults, major-faults)' ;;
	*) pat="kernel-mode counting is denied (kernel.perf_event_paranoid is $lvl and counting kernel mode needs 1 or lower" ;;
	esac
	[ "$own" = refuses ] && kern=falls pat="source: proc.*perf_event_paranoid is 3"
	cell "stat -- CMD" "$col" "$kern" "$pat" "$@" "$PFX" stat -- $LOAD
	cell "stat -p PID (own)" "$col" "$kern" "$pat" "$@" "$PFX" stat -p "$OWN" 0.2 1
	if [ "$col" = root ] || [ "$col" = CAP_PERFMON ]; then
		cell "stat -p PID (another user's)" "$col" works '^# source: perf' "$@" "$PFX" stat -p "$FOREIGN" 0.2 1
	elif [ "$own" = refuses ]; then
		cell "stat -p PID (another user's)" "$col" falls "source: proc.*perf_event_paranoid is 3" \
			"$@" "$PFX" stat -p "$FOREIGN" 0.2 1
	else
		cell "stat -p PID (another user's)" "$col" falls \
			"source: proc.*process $FOREIGN belongs to another user: run as its owner or root, or grant CAP_PERFMON" \
			"$@" "$PFX" stat -p "$FOREIGN" 0.2 1
	fi
	case $cpu in
	works) a='^# source: perf (.* per CPU, every task' g='^# source: perf (.* per CPU, cgroup events' ;;
	*) why="perf unavailable: Permission denied (kernel.perf_event_paranoid is $lvl and CPU-wide counting or sampling needs 0 or lower: set 'sysctl kernel.perf_event_paranoid=0', grant CAP_PERFMON, or run as root)"
	   a="^# source: vmstat .*$why" g="^# source: memcg .*$why" ;;
	esac
	cell "stat -a" "$col" "$cpu" "$a" "$@" "$PFX" stat -a --duration 0.2
	cell "stat -G" "$col" "$cpu" "$g" "$@" "$PFX" stat -G / --duration 0.2

	if [ "$own" = refuses ]; then
		rpat="perf events are denied (Permission denied): kernel.perf_event_paranoid is 3"
	else
		rpat='^pfx record: [0-9]* faults'
	fi
	cell "record -- CMD" "$col" "$own" "$rpat" "$@" "$PFX" record -o "$W/r.pfx" -- $LOAD
	cell "record -p PID (own)" "$col" "$own" "$rpat" "$@" "$PFX" record -o "$W/r.pfx" -p "$OWN" 0.2
	case $col in
	root) cell "record -p PID (another user's)" "$col" works "$rpat" "$@" "$PFX" record -o "$W/r.pfx" -p "$FOREIGN" 0.2 ;;
	CAP_PERFMON)
		# CAP_PERFMON passes perf's and /proc's ptrace checks (5.8+):
		# CAP_SYS_PTRACE is not needed.
		cell "record -p PID (another user's)" "$col" works "$rpat" \
			"$@" "$PFX" record -o "$W/r.pfx" -p "$FOREIGN" 0.2
		cell "record -p PID (another user's)" "+CAP_SYS_PTRACE" works "$rpat" \
			$PTRACE "$PFX" record -o "$W/r.pfx" -p "$FOREIGN" 0.2
		# init's /proc files can stay closed even so (here they do).
		if ! $PERFMON head -n 1 /proc/1/maps >/dev/null 2>&1; then
			cell "record -p 1" "$col" refuses \
				"cannot read the mappings of 1: Permission denied; it belongs to another user: run as its owner or root" \
				"$@" "$PFX" record -o "$W/r.pfx" -p 1 0.2
		fi ;;
	*)	[ "$own" = refuses ] || rpat="perf events are denied (Permission denied): process $FOREIGN belongs to another user: run as its owner or root, or grant CAP_PERFMON"
		cell "record -p PID (another user's)" "$col" refuses "$rpat" \
			"$@" "$PFX" record -o "$W/r.pfx" -p "$FOREIGN" 0.2 ;;
	esac
	case $cpu in
	works) a='^pfx record: [0-9]* faults' ;;
	*) a="perf events are denied (Permission denied): kernel.perf_event_paranoid is $lvl and CPU-wide counting or sampling needs 0 or lower: set 'sysctl kernel.perf_event_paranoid=0', grant CAP_PERFMON, or run as root" cpu=refuses ;;
	esac
	cell "record -a" "$col" "$cpu" "$a" "$@" "$PFX" record -o "$W/r.pfx" -a --duration 0.2
	cell "record -G" "$col" "$cpu" "$a" "$@" "$PFX" record -o "$W/r.pfx" -G / --duration 0.2
	case $ring in
	works) a='^pfx record: [0-9]* faults' ;;
	*) a="perf events are denied (Operation not permitted): the rings ([0-9]* KiB) exceed the locked memory a user may map (kernel.perf_event_mlock_kb [0-9]* per CPU, then 'ulimit -l' [0-9]* KiB): use a smaller -m, raise either, or grant CAP_IPC_LOCK" ;;
	esac
	[ "$own" = refuses ] && ring=refuses a="$rpat"
	cell "record -m 4096 -- CMD" "$col" "$ring" "$a" "$@" "$PFX" record -o "$W/r.pfx" -m 4096 -- $LOAD

	# perf_event_open refused by seccomp (tests/deny-perf): the level
	# allows it, so the message blames the filter.  At 3, where the kernel
	# cannot be asked, the level is named.
	seccomp="kernel.perf_event_paranoid is [0-9-]*, which allows this.*so a seccomp profile or security module blocks perf_event_open: allow it there"
	[ "$lvl" = 3 ] && seccomp="kernel.perf_event_paranoid is 3"
	if [ "$col" = root ]; then
		cell "record under seccomp" "$col" falls "recording through tracefs" "$@" "$DENY" "$PFX" record -o "$W/r.pfx" -- $LOAD
		grep -q "$seccomp" "$W/err" || { bad=$((bad + 1)); echo "FAIL: the tracefs fallback does not blame seccomp: $(cat "$W/err")"; }
		cell "stat under seccomp" "$col" falls "^# source: tracefs .*$seccomp" "$@" "$DENY" "$PFX" stat -- $LOAD
	else
		cell "record under seccomp" "$col" refuses "perf events are denied (Permission denied): $seccomp.*tracefs is not usable.*root" \
			"$@" "$DENY" "$PFX" record -o "$W/r.pfx" -- $LOAD
		cell "stat under seccomp" "$col" falls "^# source: proc .*$seccomp" "$@" "$DENY" "$PFX" stat -- $LOAD
	fi

	cell "list under seccomp" "$col" falls "^perf_event_open: Permission denied ($seccomp" "$@" "$DENY" "$PFX" list
	cell "stat under seccomp (ENOSYS)" "$col" falls \
		"perf unavailable: Function not implemented (this kernel has no perf_event_open, or a seccomp filter hides it: allow it there)" \
		env DENY_PERF_ERRNO=ENOSYS "$@" "$DENY" "$PFX" stat -- $LOAD

	cell "report" "$col" works 'faults' "$@" "$PFX" report -i "$W/rec.pfx"
	if command -v gnuplot >/dev/null; then
		cell "plot" "$col" works 'timeline chart' "$@" "$PFX" plot --chart timeline -i "$W/rec.pfx" -o "$W/p.svg"
	fi
	# idle page tracking and soft-dirty are kernel options: without
	# them every column refuses, saying which option.
	if [ ! -e /sys/kernel/mm/page_idle/bitmap ]; then
		cell "wss --method idle" "$col" refuses 'not available on this kernel.*CONFIG_IDLE_PAGE_TRACKING' \
			"$@" "$PFX" wss -p "$OWN" --method idle 0.2 1
		cell "wss --method auto" "$col" falls 'method refs (auto: no /sys/kernel/mm/page_idle/bitmap' \
			"$@" "$PFX" wss -p "$OWN" 0.2 1
	elif [ "$col" = root ]; then
		cell "wss --method idle" "$col" works 'WSS' "$@" "$PFX" wss -p "$OWN" --method idle 0.2 1
		cell "wss --method auto" "$col" works 'method idle' "$@" "$PFX" wss -p "$OWN" 0.2 1
	else
		cell "wss --method idle" "$col" refuses 'idle page tracking needs root.*run pfx as root or use --method refs' \
			"$@" "$PFX" wss -p "$OWN" --method idle 0.2 1
		cell "wss --method auto" "$col" falls 'method refs' "$@" "$PFX" wss -p "$OWN" 0.2 1
	fi
	cell "wss --method refs" "$col" works 'WSS' "$@" "$PFX" wss -p "$OWN" --method refs 0.2 1
	if [ "$soft_dirty" = no ]; then
		cell "wss --method inject" "$col" refuses 'needs soft-dirty bits (CONFIG_MEM_SOFT_DIRTY)' \
			"$@" "$PFX" wss -p "$OWN" --method inject 0.2 1
	else
		cell "wss --method inject" "$col" works 'WSS' "$@" "$PFX" wss -p "$OWN" --method inject 0.2 1
	fi
	if [ "$col" = root ]; then
		cell "maps -p PID (own)" "$col" works 'mappings' "$@" "$PFX" maps -p "$OWN"
	else
		cell "maps -p PID (own)" "$col" falls "DIRTY, THP, LOCKED and ZERO are unknown ('-'): page frame numbers and /proc/kpageflags need CAP_SYS_ADMIN" \
			"$@" "$PFX" maps -p "$OWN"
	fi
	if [ "$col" = root ]; then
		cell "maps -p PID (another user's)" "$col" works 'mappings' "$@" "$PFX" maps -p "$FOREIGN"
		cell "thp -p PID" "$col" works 'huge page' "$@" "$PFX" thp -p "$OWN" 0.2 1
	else
		cell "maps -p PID (another user's)" "$col" refuses "not allowed to read /proc/$FOREIGN/.*root" \
			"$@" "$PFX" maps -p "$FOREIGN"
		cell "thp -p PID" "$col" falls "system-wide tracepoint counts need tracefs, which this user cannot read: run as root" \
			"$@" "$PFX" thp -p "$OWN" 0.2 1
	fi
	cell "top" "$col" works 'MINOR/s' "$@" "$PFX" top -b -n 1 -d 0.2
	cell "serve" "$col" works 'pfx_' "$@" sh -c "'$PFX' serve --textfile '$W/m.prom' -I 200 --interval-count 1 && cat '$W/m.prom'"
}

soft_dirty=yes
"$PFX" wss -p "$OWN" --method inject 0.2 1 2>&1 | grep -q 'CONFIG_MEM_SOFT_DIRTY' && soft_dirty=no
run_all root -
level 2
run_all CAP_PERFMON - $PERFMON
for l in -1 0 1 2 3; do
	if [ "$l" = 3 ]; then
		if ! (echo 3 >"$SYSCTL") 2>/dev/null || [ "$(cat "$SYSCTL")" != 3 ]; then
			note "this kernel does not take perf_event_paranoid 3: no column for it"
			continue
		fi
		# Debian's kernels refuse users everything at 3, mainline takes it as 2.
		deb3=no
		$NOBODY "$PFX" stat -- true 2>&1 | grep -q '^# source: perf' || deb3=yes
		note "perf_event_paranoid 3 refuses users everything: $deb3"
	fi
	level "$l"
	run_all "user, paranoid $l" "$l" $NOBODY
	restore
done

# The matrix as doc/privileges.md shows it (see the log).
awk -F '\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$MATRIX"
[ "$bad" -eq 0 ] || fail "$bad cells differ from doc/privileges.md"
echo "$(wc -l <"$MATRIX") cells as doc/privileges.md says"
