# SPDX-License-Identifier: GPL-2.0-or-later
# t-list: 'pfx list' reports each event of events/events.def and whether
# this kernel has it, checked against tracefs itself.
. "$top_srcdir/tests/lib.sh"

expect_exit 0 "$PFX" list
for e in page-faults minor-faults major-faults; do
	grep -Eq "^  $e +software +(yes|tracefs)" "$TMP/out" || fail "$e not listed as available"
done
tracefs=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$tracefs" ] || skip "tracefs is not mounted and pfx list did not mount it"
for tp in exceptions:page_fault_user huge_memory:mm_collapse_huge_page migrate:mm_migrate_pages; do
	dir=$tracefs/events/$(echo "$tp" | tr : /)
	# a user tracefs is closed to cannot tell: 'no access' (checked below)
	if [ -d "$dir" ]; then want=yes
	elif [ ! -x "$tracefs" ] || [ ! -x "$tracefs/events" ]; then want="no access"
	else want=missing; fi
	grep -Eq "^  $tp +tracepoint +$want" "$TMP/out" || { cat "$TMP/out"; fail "$tp should be '$want'"; }
done
# Columns line up: TYPE starts at the same place on every line.
grep '^  ' "$TMP/out" | awk '{ print index($0, $2) }' | sort -u | wc -l | grep -qx 1 ||
	{ cat "$TMP/out"; fail "the TYPE column does not line up"; }
expect_exit 2 "$PFX" list extra
one_line_error
# A user who cannot read tracefs cannot tell which tracepoints the kernel
# has: 'no access', never 'missing' for one root sees (issue 21).
if [ "$(id -u)" -eq 0 ] && [ -d "$tracefs/events/exceptions/page_fault_user" ] &&
   ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -r "$tracefs/events"; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$PFX" list >"$TMP/nobody" 2>&1 ||
		fail "pfx list as nobody failed: $(cat "$TMP/nobody")"
	grep -Eq "^  exceptions:page_fault_user +tracepoint +no access" "$TMP/nobody" ||
		{ cat "$TMP/nobody"; fail "as nobody, exceptions:page_fault_user should be 'no access'"; }
	! grep -Eq "tracepoint +missing" "$TMP/nobody" || fail "as nobody, a tracepoint is called missing"
fi
expect_exit 0 "$PFX" list --help
[ "$(wc -l <"$TMP/out")" -ge 5 ] && grep -q 'no access' "$TMP/out" || fail "pfx list --help says too little: $(cat "$TMP/out")"
echo ok
