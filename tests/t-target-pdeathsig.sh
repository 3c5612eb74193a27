#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-target-pdeathsig: a command pfx launched does not outlive pfx killed
# with SIGKILL (PR_SET_PDEATHSIG: it gets SIGTERM), for stat and record.
. "${top_srcdir:-.}/tests/lib.sh"

for cmd in stat record; do
	out=
	[ "$cmd" = record ] && out="-o $TMP/r.data"
	"$PFX" $cmd $out -- "$PFX_LOAD" steady --seconds 30 --rate 100 >/dev/null 2>&1 &
	pfx=$!
	target=
	for i in $(seq 50); do
		target=$(pgrep -P "$pfx" 2>/dev/null | head -n 1)
		[ -n "$target" ] && grep -q pfx-load "/proc/$target/cmdline" 2>/dev/null && break
		target=
		sleep 0.1
	done
	[ -n "$target" ] || { kill -9 "$pfx"; fail "$cmd: the launched command did not start"; }
	kill -9 "$pfx"
	wait "$pfx" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$target" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$target" 2>/dev/null; then
		kill -9 "$target"
		fail "$cmd: the launched command outlived pfx killed with SIGKILL"
	fi
done
exit 0
