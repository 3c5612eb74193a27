# SPDX-License-Identifier: GPL-2.0-or-later
# t-views-agree: report, plot, folded, pprof and Perfetto of one recording
# tell the same story (issue 21): the same regions with the same starts,
# ends and names, the same per-region counts, totals, p50/p99 and lost
# sentence.  Recordings of the bundled workload (the demo's file read, and
# seq over 4 threads, whose stacks are anonymous regions of their own),
# python3 touching lists and bytearrays, gcc -O2 -c of one of pfx's own
# files (gcc, cc1 and as: three processes), and one made with a 1-page
# ring so that faults are lost.  For each, every view is written into a
# directory and views-agree.py holds each one to the JSON report, saying
# for every disagreement which view, which region and both values.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

command -v python3 >/dev/null || skip "python3 is not installed (views-agree.py compares the views)"
command -v gnuplot >/dev/null || skip "gnuplot is not installed (plot --all draws with it)"
HAVE_GO=
if ! built_with zlib; then
	note "pfx is built without zlib: pprof is not compared"
elif command -v go >/dev/null; then
	HAVE_GO=1
else
	note "go is not installed (Debian golang-go): pprof is not compared"
fi

# views NAME: every view of $TMP/NAME/r.data into $TMP/NAME, then compare
bad=0
views() {
	d=$TMP/$1
	"$PFX" report -i "$d/r.data" --top 100000 >"$d/rep.txt" 2>"$d/err" &&
		"$PFX" report -i "$d/r.data" --top 100000 --format json >"$d/rep.json" 2>>"$d/err" ||
		{ cat "$d/err"; fail "$1: pfx report failed"; }
	: >"$d/plot.err"
	for c in regions heatmap latency timeline; do
		"$PFX" plot -i "$d/r.data" --chart "$c" --script "$d/plot" >/dev/null 2>>"$d/plot.err" ||
			{ cat "$d/plot.err"; fail "$1: pfx plot --chart $c --script failed"; }
	done
	"$PFX" plot --all -i "$d/r.data" -o "$d/all" >/dev/null 2>>"$d/err" ||
		{ cat "$d/err"; fail "$1: pfx plot --all failed"; }
	"$PFX" report -i "$d/r.data" --format folded -o "$d/folded.txt" 2>>"$d/err" &&
		"$PFX" report -i "$d/r.data" --format folded --weight latency -o "$d/folded-lat.txt" 2>>"$d/err" &&
		"$PFX" report -i "$d/r.data" --format perfetto -o "$d/perfetto.json" 2>>"$d/err" &&
		{ ! built_with zlib || "$PFX" report -i "$d/r.data" --format pprof -o "$d/pprof.pb.gz" 2>>"$d/err"; } ||
		{ cat "$d/err"; fail "$1: an export failed"; }
	if [ -n "$HAVE_GO" ]; then
		HOME=$TMP GOCACHE=$TMP/go-cache go tool pprof -raw "$d/pprof.pb.gz" >"$d/pprof-raw.txt" 2>>"$d/err" ||
			{ cat "$d/err"; fail "$1: go tool pprof -raw cannot read pfx's profile"; }
	fi
	python3 "$top_srcdir/tests/views-agree.py" "$d" "$1" || bad=$((bad + 1))
}

# rec NAME PFX-RECORD-OPTIONS... -- COMMAND...: record into $TMP/NAME/r.data
rec() {
	name=$1; shift
	mkdir -p "$TMP/$name"
	"$PFX" record -o "$TMP/$name/r.data" "$@" >"$TMP/$name/cmd.out" 2>"$TMP/$name/rec.err" ||
		{ cat "$TMP/$name/cmd.out" "$TMP/$name/rec.err"; fail "pfx record ($name) failed"; }
}

# the demo's recording (bootstrap.sh demo): major faults of a file read
rec demo $RECORD_RING -- "$PFX_LOAD" file -s 32M
has_latency "$TMP/demo/r.data" ||
	skip "the recordings have no latency (this user may not sample exceptions:page_fault_user): the views' latencies cannot be held to one another"
views demo

# several anonymous regions (the thread stacks), with call chains
rec seq4 $RECORD_RING --call-graph -- "$PFX_LOAD" seq -s 32M -t 4
views seq4

# the interpreter itself, not a wrapper script (pyenv's shim runs bash)
PY=$(python3 -c 'import sys; print(sys.executable)')
rec python3 $RECORD_RING --call-graph -- "$PY" -c '
a = [bytearray(4 << 20) for _ in range(3)]
for b in a:
    b[::4096] = b"\1" * len(range(0, len(b), 4096))
l = [list(range(100000)) for _ in range(3)]
print(sum(len(b) for b in a) + sum(map(len, l)))'
views python3

# gcc, cc1 and as: a recording of three processes, C++ code (cc1)
# (a C file of the tests' own, so a move in src/ does not take it away)
rec gcc $RECORD_RING --call-graph -- gcc -O2 -c -o "$TMP/gcc/regions-prog.o" "$top_srcdir/tests/regions-prog.c"
[ -s "$TMP/gcc/regions-prog.o" ] || fail "gcc did not compile tests/regions-prog.c under pfx record"
views gcc

# a 1-page ring: the kernel drops records, the views say how many faults
# were lost in the same words (when this run happens to lose none, the
# views must agree on that too)
rec lossy -m 1 -- "$PFX_LOAD" seq -s 64M -t 2
views lossy
[ "$(jq -r .totals.lost_faults "$TMP/lossy/rep.json")" = 0 ] && note "lossy: no fault lost this time: the lost sentence was checked only as absent"

[ "$bad" -eq 0 ] || fail "the views disagree on $bad of 5 recordings (FAIL lines above)"
echo ok
