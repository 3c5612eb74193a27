# SPDX-License-Identifier: GPL-2.0-or-later
# t-advise-cgroup: a process over its cgroup's memory limit.  python3
# reads a 96 MiB file through mmap three times (readahead off) in a new
# memory cgroup limited to 32 MiB: the file's pages are reclaimed between
# passes and read from storage again (major refaults).  pfx advise names
# the over-limit finding first: the file, the report's numbers for its
# region, the pages touched against the cgroup's limit (read from the
# cgroup: cgroup2 memory.max, else v1 memory.limit_in_bytes) - given with
# --cgroup for a recording, pfx's own cgroup with '-- CMD'.  Without the
# limit: no such finding.  The cgroup is made and removed here.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
. "$top_srcdir/tests/advise-lib.sh"

need_root
command -v python3 >/dev/null || skip "python3 is not installed"
need_perf_sampling

# the hierarchy that holds memory: v1's memory controller, else cgroup2
# with memory enabled for its children
mem_root=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
lim=memory.limit_in_bytes
if [ -z "$mem_root" ]; then
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$v2" ] && grep -qw memory "$v2/cgroup.subtree_control" 2>/dev/null && mem_root=$v2 lim=memory.max
fi
[ -n "$mem_root" ] || skip "no memory controller mounted (cgroup2 memory.max or v1 memory.limit_in_bytes)"
name=pfx-t-advise-cg-$$
CG=$mem_root/$name
# never leave the cgroup behind: its processes have exited by then (a
# last one moved out to the root if not)
cleanup() {
	if [ -d "$CG" ]; then
		while read -r p; do echo "$p" >"$mem_root/cgroup.procs"; done <"$CG/cgroup.procs" 2>/dev/null
		rmdir "$CG" 2>/dev/null || sleep 1; rmdir "$CG" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$CG" || skip "cannot make a cgroup in $mem_root"
echo $((32 << 20)) >"$CG/$lim" || fail "cannot set $CG/$lim"
[ "$(cat "$CG/$lim")" = $((32 << 20)) ] || fail "$CG/$lim reads $(cat "$CG/$lim")"

# pages in memory-backed filesystems are never read from storage
case $(stat -f -c %T "$TMP") in tmpfs|ramfs) skip "$TMP is in memory ($(stat -f -c %T "$TMP")): no storage to read from; set TMPDIR to a disk" ;; esac
F=$TMP/big.bin
dd if=/dev/urandom of="$F" bs=1M count=96 conv=fsync status=none || fail "dd failed"
python3 -c 'import os, sys; os.posix_fadvise(os.open(sys.argv[1], os.O_RDONLY), 0, 0, os.POSIX_FADV_DONTNEED)' "$F"
if command -v fincore >/dev/null; then
	res=$(fincore --bytes --noheadings --output RES "$F" | tr -d ' ')
	[ "$res" -lt $((8 << 20)) ] || skip "$F stays cached after POSIX_FADV_DONTNEED ($res bytes; a tmpfs TMPDIR?)"
fi
THRASH=$top_srcdir/tests/advise-thrash.py

# 1. a recording of the command in the cgroup (a shell joins it and execs
# python3); the recording names no cgroup: --cgroup gives it
"$PFX" record -o "$TMP/r.data" -- sh -c 'echo $$ >"$1/cgroup.procs" && exec python3 "$2" "$3"' sh "$CG" "$THRASH" "$F" \
	>"$TMP/py.out" 2>"$TMP/rec.err" || { cat "$TMP/rec.err"; fail "pfx record -- python3 in $CG failed"; }
grep -q '^advise-thrash: pages=24576 passes=3' "$TMP/py.out" || fail "python3: $(cat "$TMP/py.out")"
advise_json --cgroup "/$name"
first_is over-limit "python3 over a 32 MiB limit"
[ "$(jqa '.findings[0].region.path')" = "$F" ] || fail "over-limit: the file is $(jqa '.findings[0].region.path')"
major=$(jqa '.findings[0].region.major') pages=$(jqa '.findings[0].region.pages')
# three passes of 24,576 pages, most read from storage each time
[ "$major" -gt $((pages + 1024)) ] || fail "over-limit: $major major faults on $pages pages"
[ "$(jqa '.findings[0].cgroup')" = "/$name" ] || fail "over-limit: cgroup $(jqa '.findings[0].cgroup')"
[ "$(jqa '.findings[0].memory_max')" = $((32 << 20)) ] ||
	fail "over-limit: the limit $(jqa '.findings[0].memory_max'), the cgroup's is $((32 << 20))"
wss=$(jqa '.findings[0].working_set_bytes')
[ "$wss" -gt $((96 << 20)) ] || fail "over-limit: working set $wss bytes, the file alone is 96 MiB"
jqa '.findings[0].saw' | grep -q "its cgroup's limit is 32.0 MiB" || fail "over-limit: $(jqa '.findings[0].saw')"
jqa '.findings[0].remedy' | grep -q 'raise the cgroup.s limit to at least the working set' ||
	fail "over-limit: remedy $(jqa '.findings[0].remedy')"
# the recording alone names no cgroup: the limit is said unknown
advise_json
first_is over-limit "python3 over a 32 MiB limit, no --cgroup"
jqa '.findings[0].saw' | grep -q "limit is unknown (the recording does not name its cgroup)" ||
	fail "over-limit without --cgroup: $(jqa '.findings[0].saw')"

# 2. pfx advise -- CMD run in the cgroup: pfx's own cgroup is the command's
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" advise -- python3 "$3" "$4"' sh "$CG" "$PFX" "$THRASH" "$F" \
	>"$TMP/adv.txt" 2>"$TMP/adv.err" || { cat "$TMP/adv.err"; fail "pfx advise -- python3 in $CG failed"; }
first=$(grep -m1 '^1\. ' "$TMP/adv.txt")
case $first in "1. over-limit: working set exceeds the cgroup's limit"*) ;;
	*) cat "$TMP/adv.txt"; fail "pfx advise -- python3 in $CG: first finding: $first" ;; esac
grep -q "^   cgroup: /$name, memory limit $((32 << 20)) (read now)" "$TMP/adv.txt" ||
	fail "pfx advise -- python3: no cgroup line naming /$name and its limit: $(cat "$TMP/adv.txt")"

# a cgroup in no memory hierarchy: one line, before any command runs
usage_error_of advise "--cgroup '/pfx-no-such-cgroup-$$' is in no memory hierarchy" \
	--cgroup "/pfx-no-such-cgroup-$$" -- sh -c "echo ran >'$TMP/ran'"
[ ! -e "$TMP/ran" ] || fail "pfx advise ran the command with a bad --cgroup"

# 3. silence: the same reads with no limit keep every page: each read once
"$PFX" record -o "$TMP/r.data" -- python3 "$THRASH" "$F" >"$TMP/py.out" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "pfx record -- python3 (no limit) failed"; }
advise_json
no_rule over-limit "python3 with no limit"
exit 0
