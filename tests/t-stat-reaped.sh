# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-reaped: 'pfx stat -p CHILD' (proc and tracefs sources, with and
# without an interval) on a child whose parent reaps it the moment it
# exits, so /proc/CHILD is gone before pfx can read its end: the totals
# must be the child's own (its parent's wait4() rusage minus what it had
# when pfx attached), not 0, and not a lower bound.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip "needs python3"

sources=proc
if [ "$(id -u)" -eq 0 ]; then
	[ -n "$(tracefs_dir)" ] || "$PFX" list >/dev/null
	d=$(tracefs_dir)
	[ -n "$d" ] && [ -d "$d/events/exceptions/page_fault_user" ] && sources="proc tracefs"
fi
[ "$sources" = proc ] && note "tracefs source not tested (needs root and exceptions:page_fault_user)"

total_field() { grep '"type":"total"' "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
wait_for() { i=0; while ! grep -q "$2" "$1" 2>/dev/null; do i=$((i + 1)); [ $i -le 200 ] || return 1; sleep 0.05; done; }

par= st=
run=0
for src in $sources; do
	for interval in "" 0.2; do
		for rep in 1 2; do
			run=$((run + 1))
			rm -f "$TMP/go" "$TMP/par" "$TMP/stat"
			mkfifo "$TMP/go"
			python3 "$top_srcdir/tests/reaped-child.py" 25000 <"$TMP/go" >"$TMP/par" &
			par=$!
			exec 3>"$TMP/go"
			wait_for "$TMP/par" '^child=.* majflt=[0-9]' || fail "the parent did not start its child"
			child=$(sed -n 's/^child=\([0-9]*\).*/\1/p' "$TMP/par")
			base=$(sed -n 's/^child=[0-9]* minflt=\([0-9]*\).*/\1/p' "$TMP/par")
			[ -n "$child" ] && [ -n "$base" ] || fail "no child line: $(cat "$TMP/par")"
			"$PFX" stat --source "$src" --format json -o - -p "$child" $interval >"$TMP/stat" 2>"$TMP/err" &
			st=$!
			wait_for "$TMP/stat" '"type":"header"' || { cat "$TMP/err"; fail "pfx stat did not attach"; }
			echo go >&3
			wait_for "$TMP/par" '^faulted' || fail "the child did not fault"
			# rep 2: pfx stopped while the child exits and is reaped, so
			# /proc has forgotten it when pfx looks (rep 1: as it comes)
			[ $rep = 2 ] && kill -STOP "$st"
			echo exit >&3
			wait_for "$TMP/par" '^rusage' || fail "the parent did not reap the child"
			[ $rep = 2 ] && kill -CONT "$st"
			wait "$st" || { cat "$TMP/err"; fail "pfx stat --source $src -p $child exited $?"; }
			echo done >&3
			exec 3>&-
			wait "$par" || fail "the parent failed"
			par=
			ru=$(sed -n 's/^rusage minflt=\([0-9]*\).*/\1/p' "$TMP/par")
			want=$((ru - base))
			minor=$(total_field "$TMP/stat" minor); major=$(total_field "$TMP/stat" major)
			end=$(total_field "$TMP/stat" end); lb=$(total_field "$TMP/stat" lower_bound)
			note "$src ${interval:-no interval} #$rep: minor=$minor major=$major end=$end, child's own: $want (rusage $ru - $base at attach)"
			[ "$minor" = "$want" ] || { cat "$TMP/stat"; fail "$src: minor $minor, the child took $want"; }
			[ "$major" = 0 ] || fail "$src: major $major, the child took 0"
			[ "$lb" = false ] || fail "$src: the total is marked a lower bound ($end)"
			[ $rep = 1 ] || [ "$end" = parent ] || fail "$src: pfx stopped until the reap, yet the end is '$end', not 'parent'"
			if [ -n "$interval" ]; then
				sum=$(grep '"type":"interval"' "$TMP/stat" | sed -n 's/.*"minor":\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
				[ "$sum" = "$want" ] || fail "$src: the interval rows add up to $sum, not $want"
			fi
		done
	done
done
no_pfx_instances
