#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-inject: no string that reaches a gnuplot script can run a gnuplot
# command.  A recording named x<newline>system("touch PWNED")<newline>#,
# the same text as the recorded command, a mapping path, a --title and an
# -o name, charted by drawing (-o) and by --script (then run by gnuplot as
# a user would): no file is created, and the charts still come out.
. "${top_srcdir:-.}/tests/lib.sh"

MKREC=$top_builddir/tests/plot-mkrec
PWNED=$TMP/pwned
nl='
'
evil="x${nl}system(\"touch $PWNED\")${nl}#"
"$MKREC" "$TMP/rec.data" --name "$evil" || fail "plot-mkrec failed"
# the payload's path has slashes: the name is a path of directories
mkdir -p "$(dirname "$TMP/$evil")" && mv "$TMP/rec.data" "$TMP/$evil" || fail "cannot give the recording its name"
wss="$TMP/w${nl}system(\"touch $PWNED\")${nl}#.json"
printf '%s\n' '{"type":"header","pid":1,"comm":"a\nsystem(\"touch '"$PWNED"'\")\n#"}' '{"time":0.5,"wss_bytes":1048576,"rss_bytes":2097152,"method":"refs"}' \
	'{"time":1.0,"wss_bytes":2097152,"rss_bytes":2097152,"method":"refs"}' >"$TMP/w.json"
mkdir -p "$(dirname "$wss")" && mv "$TMP/w.json" "$wss" || fail "cannot name the samples file"

have_gnuplot=
command -v gnuplot >/dev/null && have_gnuplot=1
for chart in timeline heatmap regions latency wss; do
	input="$TMP/$evil"
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
