#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-plot-signal: SIGTERM, SIGHUP or SIGINT to 'pfx plot' while gnuplot runs
# kills gnuplot (none is left running, free of pfx's timeout), removes the
# scratch directory and the half-written image, and exits 128 + the signal
# as a shell reports it; the same for --all (no index.html for a run that
# did not finish).  gnuplot is stood in for by a slow script first in PATH.
. "$top_srcdir/tests/lib.sh"

MKREC=$top_builddir/tests/plot-mkrec
"$MKREC" "$TMP/rec.data" || fail "plot-mkrec failed"
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR" "$TMP/bin" "$TMP/outdir"
# a gnuplot that takes its time: its pid is the sleep's (exec)
cat >"$TMP/bin/gnuplot" <<EOF
#!/bin/sh
echo \$\$ >"$TMP/gnuplot.pid"
exec sleep 30
EOF
chmod 755 "$TMP/bin/gnuplot"

# stop SIG NUMBER ARGS...: pfx plot ARGS, stopped by SIG once gnuplot runs
stop() {
	sig=$1 num=$2
	shift 2
	rm -f "$TMP/gnuplot.pid"
	PATH="$TMP/bin:$PATH" "$PFX" plot "$@" >"$TMP/out" 2>"$TMP/err" &
	pid=$!
	for i in $(seq 200); do
		[ -s "$TMP/gnuplot.pid" ] && break
		sleep 0.05
	done
	[ -s "$TMP/gnuplot.pid" ] || { kill "$pid"; fail "the stand-in gnuplot did not start"; }
	gp=$(cat "$TMP/gnuplot.pid")
	kill -s "$sig" "$pid"
	wait "$pid"
	rc=$?
	if kill -0 "$gp" 2>/dev/null; then
		kill "$gp"
		fail "SIG$sig to pfx plot $*: gnuplot (pid $gp) was left running"
	fi
	[ "$rc" -eq $((128 + num)) ] || { cat "$TMP/err"; fail "SIG$sig to pfx plot $*: exit $rc, expected $((128 + num))"; }
	[ ! -s "$TMP/err" ] || { cat "$TMP/err"; fail "SIG$sig to pfx plot $*: messages on stderr"; }
	[ -z "$(ls -A "$TMPDIR")" ] || fail "SIG$sig to pfx plot $*: left $(ls -A "$TMPDIR") in TMPDIR"
	[ -z "$(ls -A "$TMP/outdir")" ] || fail "SIG$sig to pfx plot $*: left $(ls -A "$TMP/outdir")"
}

stop TERM 15 -c timeline -i "$TMP/rec.data" -o "$TMP/outdir/t.png"
stop HUP 1 -c heatmap -i "$TMP/rec.data" -o "$TMP/outdir/h.svg"
# a shell starts a background command with SIGINT ignored: pfx still
# takes it (as Ctrl-C in a terminal)
stop INT 2 -c regions -i "$TMP/rec.data" -o "$TMP/outdir/r.png"
# --all into the (empty) output directory: nothing in it afterwards
stop TERM 15 --all -i "$TMP/rec.data" -o "$TMP/outdir"
exit 0
