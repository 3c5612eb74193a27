# SPDX-License-Identifier: GPL-2.0-or-later
# t-top-cgroup: a process in a cgroup made for the test (cgroup2, else
# the v1 memory controller) shows that cgroup; --cgroup groups it under a
# cgroup row whose sums are its own, and a per-cgroup alert fires for it.
. "$top_srcdir/tests/lib.sh"
need_root
command -v jq >/dev/null || skip "needs jq"

name=pfx-test-$$
CG=
for base in /sys/fs/cgroup/unified /sys/fs/cgroup/memory /sys/fs/cgroup; do
	[ -e "$base/cgroup.procs" ] || continue
	if mkdir "$base/$name" 2>/dev/null; then CG=$base/$name; break; fi
done
[ -n "$CG" ] || skip "cannot make a cgroup under /sys/fs/cgroup (read-only or no cgroup fs)"
on_exit 'rmdir "$CG" 2>/dev/null'
note "cgroup: $CG"

sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" steady -s 128M --rate 3000 --seconds 30' sh "$CG" "$PFX_LOAD" >/dev/null & LPID=$!
sleep 0.3
grep -q "[:/]$name\$" "/proc/$LPID/cgroup" || { cat "/proc/$LPID/cgroup"; fail "could not move the load into $CG"; }
# pfx shows the v2 path, or the v1 memory path when the v2 one is the root
grep -q "^0::/.*$name\$" "/proc/$LPID/cgroup" && want=$(sed -n 's/^0:://p' "/proc/$LPID/cgroup") ||
	want=$(sed -n 's/^[0-9]*:[^:]*memory[^:]*://p' "/proc/$LPID/cgroup")
"$PFX" top -b -d 0.5 -n 1 --format json -p "$LPID" >"$TMP/p.json" || fail "pfx top failed"
got=$(jq -r '.rows[0].cgroup' "$TMP/p.json")
[ "$got" = "$want" ] || fail "cgroup '$got', expected '$want'"

"$PFX" top -b -d 0.5 -n 3 --cgroup --format json --alert-minor 1000 >"$TMP/g.json" || fail "--cgroup failed"
# the load outlives both tops, however long a frame takes on a host of
# many processes (10,000 here made a 3 s load end during the third frame)
kill $LPID; wait $LPID 2>/dev/null
cut -c1-300 "$TMP/g.json"
# In each frame: the cgroup row, then the load at depth 1, its only member.
jq -e --arg cg "$want" --argjson p "$LPID" '
	.rows as $r | ($r | map(.kind == "cgroup" and .cgroup == $cg) | index(true)) as $i |
	$i != null and $r[$i].processes == 1 and $r[$i + 1].pid == $p and $r[$i + 1].depth == 1 and
	($r[$i].minor_per_s == $r[$i + 1].minor_per_s) and $r[$i].minor_per_s > 2000' "$TMP/g.json" |
	grep -qv true && fail "the cgroup row or its member is wrong"
# Rows are grouped: each process sits under the row of its own cgroup.
jq -e 'reduce .rows[] as $r ({ok: true, cur: null};
	if $r.kind == "cgroup" then .cur = $r.cgroup else .ok = (.ok and $r.cgroup == .cur) end) | .ok' "$TMP/g.json" |
	grep -qv true && fail "a process row is not under its cgroup's row"
[ "$(grep -c '"type":"alert".*"state":"firing".*"scope":"cgroup".*"cgroup":"'"$want"'"' "$TMP/g.json")" -eq 1 ] ||
	fail "expected one firing alert for the cgroup"
echo ok
