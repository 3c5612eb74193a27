#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-recipes: every recipe of doc/recipes.md runs as written.  Each ```sh
# block right after a '<!-- recipe-test ... -->' line is run, in order, by
# 'sh -e' in one scratch directory (a block may use a file an earlier one
# made), with the build's pfx and pfx-load first on PATH, under a timeout.
# The comment says what the block needs and shows:
#   needs="root memcg thp cmd:NAME file:NAME"   skip the block (a note) without it
#     (root: cgroups, and mlock past a user's RLIMIT_MEMLOCK)
#   expect="TEXT|TEXT"                          each TEXT appears in its output
# A block fails, naming its recipe and the last command it ran, when it
# exits non-zero or its output (stdout and stderr) lacks an expected text.
# No timing is checked.  PFX_RECIPES_KEEP=DIR keeps each block's output
# there (to refresh the excerpts of the doc).
. "${top_srcdir:-.}/tests/lib.sh"

DOC=$top_srcdir/doc/recipes.md
[ -r "$DOC" ] || fail "no $DOC"
WORK=$TMP/work BLOCKS=$TMP/blocks
mkdir "$WORK" "$BLOCKS" || fail "mkdir failed"
BIN=$(dirname "$PFX"):$(dirname "$PFX_LOAD")

# Split the doc: block N's commands to N.sh, its recipe (the '## ' heading
# above it), needs and expect to N.meta.
awk -v dir="$BLOCKS" '
	/^## / { recipe = substr($0, 4) }
	/^<!-- recipe-test/ {
		pending = 1; n++
		needs = ""; expect = ""
		if (match($0, /needs="[^"]*"/)) needs = substr($0, RSTART + 7, RLENGTH - 8)
		if (match($0, /expect="[^"]*"/)) expect = substr($0, RSTART + 8, RLENGTH - 9)
		printf "recipe=%s\nneeds=%s\nexpect=%s\n", recipe, needs, expect > (dir "/" n ".meta")
		next
	}
	pending && /^```sh$/ { inblock = 1; pending = 0; next }
	pending && !/^[[:space:]]*$/ { print "recipe-test comment not followed by a ```sh block: " recipe > "/dev/stderr"; exit 1 }
	inblock && /^```$/ { inblock = 0; next }
	inblock { print > (dir "/" n ".sh") }
' "$DOC" || fail "cannot split $DOC into its recipe blocks"
count=$(ls "$BLOCKS" | grep -c '\.sh$')
[ "$count" -ge 9 ] || fail "$DOC has $count recipe-test blocks, expected one or more per recipe (9 recipes)"
# every command block of a recipe is run: none without its comment
sh_blocks=$(grep -c '^```sh$' "$DOC")
[ "$sh_blocks" -eq "$count" ] ||
	fail "$DOC has $sh_blocks \`\`\`sh blocks but $count recipe-test comments: put <!-- recipe-test ... --> before each"

# has_need WORD: this machine has what a block needs
memcg() {
	awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { f = 1 } END { exit !f }' /proc/mounts ||
		grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null
}
has_need() {
	case $1 in
	root) [ "$(id -u)" -eq 0 ] ;;
	memcg) memcg ;;
	thp) [ -r /sys/kernel/mm/transparent_hugepage/enabled ] &&
		! grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled ;;
	cmd:*) command -v "${1#cmd:}" >/dev/null 2>&1 ;;
	file:*) [ -e "$WORK/${1#file:}" ] ;;
	*) fail "doc/recipes.md: unknown need '$1'" ;;
	esac
}

need_perf_sampling
failed=0 ran=0
n=0
while [ $n -lt "$count" ]; do
	n=$((n + 1))
	recipe=$(sed -n 's/^recipe=//p' "$BLOCKS/$n.meta")
	needs=$(sed -n 's/^needs=//p' "$BLOCKS/$n.meta")
	expect=$(sed -n 's/^expect=//p' "$BLOCKS/$n.meta")
	missing=
	for w in $needs; do has_need "$w" || missing="$missing $w"; done
	if [ -n "$missing" ]; then
		note "SKIP block $n of '$recipe': this machine lacks$missing"
		continue
	fi
	# set -x with a PS4 of our own marks each command in the output, so a
	# failure names the last one run
	out=$TMP/$n.out
	(cd "$WORK" && PATH=$BIN:$PATH PS4='+recipe: ' timeout -k 5 45 sh -e -x "$BLOCKS/$n.sh") >"$out" 2>&1
	rc=$?
	ran=$((ran + 1))
	[ -n "${PFX_RECIPES_KEEP:-}" ] && cp "$out" "$PFX_RECIPES_KEEP/$n.out"
	last=$(grep '^+recipe: ' "$out" | tail -n 1 | sed 's/^+recipe: //')
	why=
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		why="killed by the 45 s timeout at: $last"
	elif [ $rc -ne 0 ]; then
		why="exit status $rc at: $last"
	else
		old_ifs=$IFS IFS='|'
		for e in $expect; do
			grep -v '^+recipe: ' "$out" | grep -qF -- "$e" || why="${why:+$why; }its output lacks '$e'"
		done
		IFS=$old_ifs
	fi
	if [ -n "$why" ]; then
		echo "FAIL: doc/recipes.md, '$recipe' (block $n): $why"
		echo "--- its output (last 30 lines):"
		tail -n 30 "$out"
		failed=$((failed + 1))
	else
		note "ok block $n of '$recipe'"
	fi
done
[ "$failed" -eq 0 ] || fail "$failed of $ran recipe blocks failed (above)"
[ "$ran" -gt 0 ] || skip "no recipe block could run on this machine"
note "$ran recipe blocks ran as written"
