#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-report-devices: a recording another user wrote names devices, a FIFO
# and a directory link to /dev as mapped files; root's report names code
# (--by function, caller, ip, --format folded) and must open none of them
# for reading: each name is resolved with O_PATH and only a regular file
# is opened (an open of /dev/watchdog can reboot a host, of a FIFO
# blocks).  Checked with strace: no open of those names without O_PATH.
# -i naming a FIFO or a device is refused the same way.
. "${top_srcdir:-.}/tests/lib.sh"

command -v strace >/dev/null || skip "strace is not installed"
MKREC=$top_builddir/tests/report-mkrec
chmod 755 "$TMP"
ATT=$TMP/attacker
mkdir "$ATT" && chmod 777 "$ATT"
# the attacker's part: as nobody when we are root
as_attacker() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
	else
		"$@"
	fi
}
as_attacker ln -s /dev "$ATT/d" || fail "cannot make the link"
as_attacker mkfifo "$ATT/fifo" || fail "cannot make the FIFO"
as_attacker "$MKREC" "$ATT/dev.data" paths /dev/zero "$ATT/d/zero" "$ATT/fifo" /dev/null "$ATT/d/tty" ||
	fail "report-mkrec failed"

# LeakSanitizer cannot run under ptrace: a sanitized pfx leaves it out here
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

# opened NAME...: the trace holds an open of a name without O_PATH
opened() {
	for name in "$@"; do
		grep -F "\"$name\"" "$TMP/trace" | grep -v O_PATH && return 0
	done
	return 1
}

for view in "--by function" "--by caller" "--by ip" "--format folded"; do
	# shellcheck disable=SC2086
	timeout 60 strace -f -qq -e trace=open,openat -o "$TMP/trace" \
		"$PFX" report -i "$ATT/dev.data" $view >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 124 ] && fail "report $view hung (a FIFO opened?)"
	[ $rc -eq 0 ] || { cat "$TMP/err"; fail "report $view exited $rc"; }
	opened /dev/zero "$ATT/d/zero" "$ATT/fifo" /dev/null "$ATT/d/tty" &&
		fail "report $view opened a device or FIFO named by the recording"
	grep -q -F "\"$ATT/fifo\"" "$TMP/trace" || fail "report $view did not look at the FIFO (test broken?)"
	note "report $view: no device or FIFO opened"
done

# -i: the input itself
for input in "$ATT/fifo" "$ATT/d/zero"; do
	timeout 60 strace -f -qq -e trace=open,openat -o "$TMP/trace" \
		"$PFX" report -i "$input" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -eq 124 ] && fail "report -i $input hung"
	[ $rc -eq 1 ] || { cat "$TMP/err"; fail "report -i $input exited $rc, expected 1"; }
	one_line_error
	opened "$input" && fail "report -i $input opened it for reading"
done
echo ok
