# SPDX-License-Identifier: GPL-2.0-or-later
# t-cli: the dispatcher: help, version, unknown commands; and each
# command's options, declared once (cmd/opts.h), said alike in three
# places: every option --help lists is in the command's man page
# (doc/pfx-CMD.1, under OPTIONS, exactly those) and in its guide
# (doc/CMD.md, in either spelling; --help itself need not be).
. "$top_srcdir/tests/lib.sh"

expect_exit 0 "$PFX" --version
grep -q '^pfx [0-9]' "$TMP/out" || fail "--version printed: $(cat "$TMP/out")"
expect_exit 0 "$PFX" --help
for c in stat record report diff advise wss plot try list; do
	grep -q "^  $c " "$TMP/out" || fail "--help does not list $c"
done
# 'pfx help COMMAND' is the command's own help, each beginning 'usage:' (case and all, #21).
for c in stat record report diff advise wss maps thp plot list top serve try; do
	expect_exit 0 "$PFX" help $c
	grep -q "^usage: pfx $c" "$TMP/out" || fail "pfx help $c printed: $(head -n 2 "$TMP/out")"
done
expect_exit 2 "$PFX" help frobnicate
one_line_error
grep -q "no command 'frobnicate' to help with" "$TMP/err" || fail "help of an unknown command: $(cat "$TMP/err")"
# help_lines CMD: the options 'pfx CMD --help' lists, one a line, in its
# spellings ("-p --pid", "--per-thread")
help_lines() {
	"$PFX" "$1" --help | sed -n 's/^  \(-[A-Za-z0-9]\), \(--[a-z][a-z0-9-]*\).*/\1 \2/p
		s/^  \(-[A-Za-z0-9]\)\( .*\)\{0,1\}$/\1/p
		s/^      \(--[a-z][a-z0-9-]*\).*/\1/p'
}
# man_options PAGE: the options the tagged paragraphs (.TP) under OPTIONS name
man_options() {
	awk '/^\.SH/ { in_options = ($0 ~ /^\.SH OPTIONS/) }
		in_options && prev == ".TP" { print } { prev = $0 }' "$1" |
		sed 's/\\-/-/g; s/\\f[BIRP]//g' |
		grep -o -- '\(^\|[ "]\)--\{0,1\}[A-Za-z0-9][a-z0-9-]*' | sed 's/^[ "]//' | grep '^-' | sort -u
}
for c in stat record report diff advise wss maps plot thp top serve try list; do
	page="$top_srcdir/doc/pfx-$c.1" guide="$top_srcdir/doc/$c.md"
	[ -f "$page" ] || fail "pfx $c has no man page $page"
	help_lines "$c" | tr ' ' '\n' | sort -u >"$TMP/help.$c"
	grep -qx -- --help "$TMP/help.$c" || fail "pfx $c --help lists no --help: $(cat "$TMP/help.$c")"
	man_options "$page" >"$TMP/man.$c"
	comm -23 "$TMP/help.$c" "$TMP/man.$c" >"$TMP/missing"
	[ -s "$TMP/missing" ] && fail "doc/pfx-$c.1 lacks what 'pfx $c --help' lists: $(tr '\n' ' ' <"$TMP/missing")"
	comm -13 "$TMP/help.$c" "$TMP/man.$c" >"$TMP/extra"
	[ -s "$TMP/extra" ] && fail "doc/pfx-$c.1 lists what 'pfx $c --help' does not: $(tr '\n' ' ' <"$TMP/extra")"
	[ -f "$guide" ] || continue
	# each option of --help, in either of its spellings
	help_lines "$c" | while read -r a b; do
		[ "$a" = -h ] && continue
		found=
		for o in $a $b; do
			grep -q -- "\(^\|[^A-Za-z0-9-]\)$o\([^A-Za-z0-9-]\|$\)" "$guide" && found=1
		done
		[ -n "$found" ] || fail "doc/$c.md does not name $a${b:+ or $b} ('pfx $c --help' lists it)"
	done || exit 1
done
expect_exit 2 "$PFX"
expect_exit 2 "$PFX" frobnicate
one_line_error
grep -q "unknown command 'frobnicate'" "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
echo ok
