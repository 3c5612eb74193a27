#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-inject: no string that reaches a gnuplot script can run a gnuplot
# command.  A recording named x<newline>system("touch PWNED")<newline>#,
# the same text as the recorded command, a mapping path, a --title and an
# -o name, charted by drawing (-o) and by --script (then run by gnuplot as
# a user would): no file is created, and the charts still come out.  The
# files are made, as an attacker would, by an unprivileged user (nobody)
# in a shared sticky directory; root charts them.
. "${top_srcdir:-.}/tests/lib.sh"

MKREC=$top_builddir/tests/plot-mkrec
PWNED=$TMP/pwned
nl='
'
evil="x${nl}system(\"touch $PWNED\")${nl}#"
# as_attacker CMD...: as nobody where root can switch to it, else as is
SHARED=$TMP/shared
mkdir -p "$SHARED" && chmod 1777 "$SHARED" && chmod 755 "$TMP" || fail "cannot make the shared directory"
as_attacker() { "$@"; }
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$MKREC"; then
	as_attacker() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	note "the crafted files are made by nobody in a sticky directory"
fi
as_attacker "$MKREC" "$SHARED/rec.data" --name "$evil" || fail "plot-mkrec failed"
# the payload's path has slashes: the name is a path of directories
as_attacker mkdir -p "$(dirname "$SHARED/$evil")" && as_attacker mv "$SHARED/rec.data" "$SHARED/$evil" ||
	fail "cannot give the recording its name"
wss="$SHARED/w${nl}system(\"touch $PWNED\")${nl}#.json"
printf '%s\n' '{"type":"header","pid":1,"comm":"a\nsystem(\"touch '"$PWNED"'\")\n#"}' '{"time":0.5,"wss_bytes":1048576,"rss_bytes":2097152,"method":"refs"}' \
	'{"time":1.0,"wss_bytes":2097152,"rss_bytes":2097152,"method":"refs"}' | as_attacker tee "$SHARED/w.json" >/dev/null
as_attacker mkdir -p "$(dirname "$wss")" && as_attacker mv "$SHARED/w.json" "$wss" || fail "cannot name the samples file"

have_gnuplot=
command -v gnuplot >/dev/null && have_gnuplot=1
for chart in timeline heatmap regions latency wss; do
	input="$SHARED/$evil"
	[ "$chart" = wss ] && input=$wss
	# --script, with a title and an image name that carry the same payload
	dir="$TMP/s-$chart"
	"$PFX" plot --chart "$chart" -i "$input" --script "$dir" \
		--title "t${nl}system(\"touch $PWNED\")" -o "$TMP/o${nl}system(\"touch $PWNED\")${nl}#.png" \
		>"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err"; fail "--script $chart failed"; }
	[ -e "$PWNED" ] && fail "--script $chart: pfx itself ran the payload"
	grep -n 'system(' "$dir/$chart.gp" | grep -v "^[0-9]*:[^#]*'.*system(.*'" | grep -q . &&
		fail "--script $chart: a payload stands outside a quoted string: $(grep -n 'system(' "$dir/$chart.gp")"
	if [ -n "$have_gnuplot" ]; then
		(cd "$dir" && gnuplot "$chart.gp") >/dev/null 2>&1
		[ -e "$PWNED" ] && fail "gnuplot ran a command from the $chart script"
	fi
	[ -n "$have_gnuplot" ] || continue
	# drawing with -o
	"$PFX" plot --chart "$chart" -i "$input" -o "$TMP/$chart.png" \
		--title "t${nl}system(\"touch $PWNED\")" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "drawing $chart failed"; }
	[ -e "$PWNED" ] && fail "drawing the $chart chart ran the payload"
	[ -s "$TMP/$chart.png" ] || fail "no $chart image"
done
[ -n "$have_gnuplot" ] || skip "gnuplot is not installed: the scripts are safe as text, not run"
exit 0
