#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/compare-views: does a refactor keep every view byte-identical?
#
#   tests/bench/compare-views.sh OLD_PFX NEW_PFX OUTDIR
#
# Records (with NEW_PFX) the demo's recording (pfx-load file -s 32M, as
# bootstrap.sh demo), pfx-load seq and random, python3 and gcc -O2 -c,
# each without and with --call-graph; then runs every view of each with
# both binaries on the same file: report text (default and every --by),
# --format json, -D, folded (both weights), pprof (as 'go tool pprof -raw'
# prints it: the gzip bytes are not the profile), perfetto, 'plot --script'
# of every recording chart (.gp and .dat) and 'plot --all' (index.html and
# the images).  Prints one line per output, "identical REC/FILE" or
# "DIFFERS REC FILE" with the first lines of the diff, then a count; exit
# status 1 when any output differs.  Exit statuses (FILE.rc) and stderr
# (FILE.err) are outputs too.
#
# OLD_PFX and NEW_PFX are pfx binaries (e.g. a build of main and of a
# branch); pfx-load is taken from beside NEW_PFX unless PFX_LOAD is set.
# Each binary finds its own chart templates (set PFX_PLOT_DIR to give
# both the same).  Not part of 'make check'; about 20 s (2 CPUs).
#
# A change of the record format: PFX_REWRITE=tests/rec-rewrite (built
# with NEW) records with OLD instead, and NEW views each recording
# written again in its format, OLD the recording as it was: the same
# events in both versions.  The views name the file "rec.data" on both
# sides; only the format version they print may differ.
set -u
[ $# -eq 3 ] || { echo "usage: $0 OLD_PFX NEW_PFX OUTDIR" >&2; exit 2; }
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
OLD=$(abs "$1") NEW=$(abs "$2") OUT=$(abs "$3")
for b in "$OLD" "$NEW"; do
	[ -x "$b" ] || { echo "compare-views: '$b' is not an executable pfx" >&2; exit 2; }
done
RECORDER=$NEW
[ -n "${PFX_REWRITE:-}" ] && RECORDER=$OLD
PFX_LOAD=${PFX_LOAD:-$(dirname "$NEW")/pfx-load}
[ -x "$PFX_LOAD" ] || { echo "compare-views: no pfx-load beside $NEW; set PFX_LOAD" >&2; exit 2; }
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
HAVE_GO=
command -v go >/dev/null 2>&1 && HAVE_GO=1
rm -rf "$OUT/old" "$OUT/new" "$OUT/rec"
mkdir -p "$OUT/rec" || exit 1
t0=$(date +%s)

# rec NAME [RECORD OPTIONS] -- COMMAND...
rec() {
	name=$1; shift
	"$RECORDER" record -o "$OUT/rec/$name.data" "$@" >"$OUT/rec/$name.out" 2>&1 ||
		{ cat "$OUT/rec/$name.out"; echo "compare-views: recording $name failed" >&2; exit 1; }
	if [ -n "${PFX_REWRITE:-}" ]; then
		"$PFX_REWRITE" "$OUT/rec/$name.data" "$OUT/rec/$name.new.data" ||
			{ echo "compare-views: rewriting $name failed" >&2; exit 1; }
	fi
}
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
PYPROG='
a = [bytearray(4 << 20) for _ in range(3)]
for b in a:
    b[::4096] = b"\1" * len(range(0, len(b), 4096))
l = [list(range(100000)) for _ in range(3)]
print(sum(len(b) for b in a) + sum(map(len, l)))'
NAMES="demo"
rec demo -- "$PFX_LOAD" file -s 32M
for cg in "" --call-graph; do
	sfx=${cg:+-cg}
	rec seq$sfx $cg -- "$PFX_LOAD" seq -s 64M -t 2
	rec random$sfx $cg -- "$PFX_LOAD" random -s 64M
	NAMES="$NAMES seq$sfx random$sfx"
	if [ -n "$PY" ]; then
		rec python3$sfx $cg -- "$PY" -c "$PYPROG"
		NAMES="$NAMES python3$sfx"
	fi
	if command -v gcc >/dev/null 2>&1; then
		rec gcc$sfx $cg -- gcc -O2 -c -o "$OUT/rec/regions-prog.o" "$top_srcdir/tests/regions-prog.c"
		NAMES="$NAMES gcc$sfx"
	fi
done
[ -n "$PY" ] || echo "# python3 not found: no python3 recordings"

# views BINARY NAME: every view of rec/NAME.data, run in the current
# directory (the same relative paths for both binaries); NAME.rc and
# NAME.err beside each output
run() {
	out=$1; shift
	"$@" >"$out" 2>"$out.err"
	echo $? >"$out.rc"
}
views() {
	p=$1 d=rec.data
	src=$OUT/rec/$2.data
	[ -n "${PFX_REWRITE:-}" ] && [ "$p" = "$NEW" ] && src=$OUT/rec/$2.new.data
	cp "$src" rec.data	# a copy: pfx opens no symlink
	run text "$p" report -i "$d"
	for by in region thread process cgroup page ip function caller; do
		run by-$by "$p" report -i "$d" --by $by
	done
	run json "$p" report -i "$d" --format json
	run dump "$p" report -i "$d" -D
	run folded "$p" report -i "$d" --format folded
	run folded-latency "$p" report -i "$d" --format folded --weight latency
	run pprof.stdout "$p" report -i "$d" --format pprof -o pprof.pb.gz
	if [ -n "$HAVE_GO" ]; then
		HOME=$OUT GOCACHE=$OUT/go-cache go tool pprof -raw pprof.pb.gz >pprof.raw 2>&1
	else
		gzip -dc pprof.pb.gz >pprof.pb 2>&1	# without go: the profile's bytes
	fi
	rm -f pprof.pb.gz
	run perfetto "$p" report -i "$d" --format perfetto
	for c in timeline heatmap regions latency; do
		run script-$c.stdout "$p" plot -i "$d" --chart $c --script script
	done
	run all.stdout "$p" plot --all -i "$d" -o all
	rm -f rec.data
}

for n in $NAMES; do
	for side in old new; do
		mkdir -p "$OUT/$side/$n"
		bin=$OLD
		[ $side = new ] && bin=$NEW
		(cd "$OUT/$side/$n" && views "$bin" "$n")
	done
done

# compare: every file either side wrote
same=0 differ=0
for n in $NAMES; do
	(cd "$OUT/old/$n" && find . -type f; cd "$OUT/new/$n" && find . -type f) | sort -u >"$OUT/files"
	while read -r f; do
		f=${f#./}
		a=$OUT/old/$n/$f b=$OUT/new/$n/$f
		if [ ! -e "$a" ] || [ ! -e "$b" ]; then
			echo "DIFFERS $n $f: only written by $([ -e "$a" ] && echo old || echo new)"
			differ=$((differ + 1))
		elif cmp -s "$a" "$b"; then
			echo "identical $n/$f"
			same=$((same + 1))
		else
			lines=$(diff "$a" "$b" | grep -c '^[<>]')
			echo "DIFFERS $n $f: $lines lines differ (old $(wc -l <"$a") lines, new $(wc -l <"$b"))"
			diff -u "$a" "$b" | sed -n '3,14p' | cut -c1-160 | sed 's/^/    /'
			differ=$((differ + 1))
		fi
	done <"$OUT/files"
	echo "$n: $(wc -l <"$OUT/files") outputs compared"
done
rm -f "$OUT/files"
[ -n "$HAVE_GO" ] || echo "# go not found (Debian golang-go): pprof compared as the profile's bytes"
echo "compare-views: $same outputs identical, $differ differ, $(echo $NAMES | wc -w) recordings, $(( $(date +%s) - t0 )) s"
[ "$differ" -eq 0 ]
