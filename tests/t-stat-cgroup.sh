# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-cgroup: pfx stat -G CGROUP against the cgroup's own counters.
# The test makes a cgroup of one name in the perf_event hierarchy (cgroup
# v1 perf_event, else cgroup2) and in the memory one (v1 memory, else
# cgroup2 with the memory controller), runs pfx-load seq -s 64M (16384
# first-touch faults) in it, and checks:
#   - perf's cgroup events (the default source) count within 1% of the
#     cgroup's memory.stat pgfault delta (total_pgfault on v1); and, with
#     pfx-load file -s 16M (4096 major faults), the same major faults
#     within 1% + 8;
#   - --source memcg (memory.stat itself) gives that delta;
#   - a cgroup that is only in the memory hierarchy falls back to memcg
#     and says why; an unknown cgroup is one error line.
. "$top_srcdir/tests/lib.sh"
need_root
command -v jq >/dev/null || skip "needs jq"

name=pfx-test-cg-$$
PERF_CG= MEM_CG=
trap 'for d in "$PERF_CG" "$MEM_CG" "${ONLY_MEM:-}"; do [ -n "$d" ] && rmdir "$d" 2>/dev/null; done; rm -rf "$TMP"' EXIT
# The perf_event hierarchy: a v1 mount with perf_event, else cgroup2.
perf_root=$(awk '$3 == "cgroup" && $4 ~ /(^|,)perf_event(,|$)/ { print $2; exit }' /proc/mounts)
[ -n "$perf_root" ] || perf_root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
mem_root=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
if [ -z "$mem_root" ]; then
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$v2" ] && grep -qw memory "$v2/cgroup.subtree_control" 2>/dev/null && mem_root=$v2
fi
[ -n "$mem_root" ] || skip "no memory controller mounted (memory.stat)"
[ -n "$perf_root" ] && mkdir "$perf_root/$name" 2>/dev/null && PERF_CG=$perf_root/$name
if [ "$mem_root" = "$perf_root" ] && [ -n "$PERF_CG" ]; then
	MEM_CG=$PERF_CG
else
	mkdir "$mem_root/$name" 2>/dev/null && MEM_CG=$mem_root/$name || skip "cannot make a cgroup in $mem_root"
fi
note "cgroup $name: perf_event in ${PERF_CG:-(none)}, memory.stat in $MEM_CG"
key=pgfault majkey=pgmajfault
grep -q '^total_pgfault ' "$MEM_CG/memory.stat" && key=total_pgfault majkey=total_pgmajfault
stat_of() { awk -v k="$1" '$1 == k { print $2 }' "$MEM_CG/memory.stat"; }

# run_in ARGS...: pfx stat ARGS -G name -- (a shell that joins the cgroup and runs pfx-load)
run_in() {
	m0=$(stat_of $key) j0=$(stat_of $majkey)
	"$PFX" stat "$@" -G "$name" --format json -o "$TMP/g.json" -- sh -c '
		for d in "$@"; do [ -n "$d" ] && echo $$ >"$d/cgroup.procs"; done
		exec "$PFX_LOAD" $LOAD' sh "$PERF_CG" "$MEM_CG" >"$TMP/load.out" || fail "pfx stat $* -G failed"
	m1=$(stat_of $key) j1=$(stat_of $majkey)
	got=$(jq -s '.[-1] | .minor + .major' "$TMP/g.json")
	major=$(jq -s '.[-1].major' "$TMP/g.json")
	want=$((m1 - m0)) want_major=$((j1 - j0))
}
LOAD="seq -s 64M"
export PFX_LOAD LOAD

if [ -n "$PERF_CG" ]; then
	run_in
	jq -s '.[-1]' "$TMP/g.json"
	[ "$(jq -rs '.[-1].source' "$TMP/g.json")" = perf ] || fail "the cgroup is in the perf_event hierarchy, but source $(jq -rs '.[-1].source' "$TMP/g.json")"
	note "-G (perf): $got faults ($major major); memory.stat $key +$want ($majkey +$want_major)"
	[ "$got" -ge 16384 ] || fail "$got faults, pfx-load alone takes 16384"
	within_pct "$got" "$want" 1 || fail "perf's $got not within 1% of memory.stat's $want"
	[ $((major - want_major)) -le $((want_major / 100 + 8)) ] && [ $((want_major - major)) -le $((want_major / 100 + 8)) ] ||
		fail "major: perf $major, memory.stat $want_major"
	[ "$(jq -s '.[-1].kernel_faults' "$TMP/g.json")" -eq "$want" ] ||
		note "pfx's own memory.stat delta $(jq -s '.[-1].kernel_faults' "$TMP/g.json") (read a moment apart)"
	[ "$(jq -rs '.[0].scope' "$TMP/g.json")" = cgroup ] || fail "header scope is not cgroup"
	LOAD="file -s 16M --dir $TMP"
	run_in
	note "-G (perf), pfx-load $LOAD: $got faults ($major major); memory.stat +$want (+$want_major major)"
	[ "$major" -ge 4096 ] || fail "$major major faults, pfx-load file -s 16M takes 4096"
	within_pct "$got" "$want" 1 || fail "perf's $got not within 1% of memory.stat's $want"
	[ $((major - want_major)) -le $((want_major / 100 + 8)) ] && [ $((want_major - major)) -le $((want_major / 100 + 8)) ] ||
		fail "major: perf $major, memory.stat $want_major"
	LOAD="seq -s 64M"
else
	note "no perf_event hierarchy to make the cgroup in: perf's cgroup events not exercised"
fi

run_in --source memcg
note "-G --source memcg: $got faults; memory.stat $key +$want"
[ "$(jq -rs '.[-1].source' "$TMP/g.json")" = memcg ] || fail "not the memcg source"
within_pct "$got" "$want" 1 || fail "memcg's $got not within 1% of memory.stat's $want"

# A cgroup only in the memory hierarchy: auto falls back to memcg and says why.
if [ "$mem_root" != "$perf_root" ]; then
	ONLY_MEM=$mem_root/$name-mem
	mkdir "$ONLY_MEM" || fail "mkdir $ONLY_MEM"
	"$PFX" stat -G "$name-mem" -I 100 --interval-count 1 2>"$TMP/fb.txt" || fail "fallback failed: $(cat "$TMP/fb.txt")"
	grep -q "^# source: memcg .*perf unavailable: the cgroup is not in the perf_event hierarchy" "$TMP/fb.txt" ||
		fail "the fallback is not said: $(head -n 1 "$TMP/fb.txt")"
	expect_exit 1 "$PFX" stat -G "$name-mem" --source perf -I 100 --interval-count 1
	one_line_error
	grep -q "not in the perf_event hierarchy; or use --source memcg" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
fi

# Bad input: one line, non-zero exit.
expect_exit 1 "$PFX" stat -G "no-such-cgroup-$$" -I 100 --interval-count 1
one_line_error
grep -q "no cgroup 'no-such-cgroup-$$'" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
usage_error_of stat "count different things" -G "$name" -p $$
usage_error_of stat "not a cgroup name" -G ../etc -I 100 --interval-count 1
usage_error_of stat "counts processes" -G "$name" --source proc -- true
usage_error_of stat "counts the whole host" -G "$name" --source vmstat -- true
usage_error_of stat "counts cgroups" --source memcg -- true
echo ok
