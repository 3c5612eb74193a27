#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/record: the cost of 'pfx record' and the speed of 'pfx report'
# (table in doc/record.md).  One interleaved run over a fault-heavy
# pfx-load workload (repeat: every page faults again after MADV_DONTNEED):
#   bare          the workload alone
#   pfx record    (default events: minor/major samples + page_fault_user)
#   perf record   -c 1 -d -e minor-faults -e major-faults (the usual way)
# Each run of the loop times all of them back to back; ratios are taken
# per loop and their median printed.  Then bytes per fault of the pfx
# file and of real programs (gcc, python3, a shell loop), and report speed: faults per second of 'pfx report' (median of
# the runs) over a longer recording (~1 M faults), with 'perf script'
# and 'perf report --stdio' over the perf file for comparison, and the
# peak RSS of one 'pfx report' and one 'perf report'; last, the recorders' own CPU per
# fault, attached to a running workload.
. "$top_srcdir/tests/bench/lib.sh"

WORK="$PFX_LOAD repeat -s ${BENCH_SIZE:-256M} --rounds ${BENCH_ROUNDS:-3}"
D=$BENCH_TMP
command -v perf >/dev/null 2>&1 || { echo "bench/record: perf not installed"; exit 77; }

: >"$D/bare"; : >"$D/pfx"; : >"$D/noentry"; : >"$D/perf"; : >"$D/r_bare"; : >"$D/r_perf"; : >"$D/r_noentry"; : >"$D/r_noentry_perf"
: >"$D/tracefs"; : >"$D/r_tracefs"
# The tracefs source (the fallback where perf events are denied) needs root.
tracefs_ok=false; [ "$(id -u)" -eq 0 ] && tracefs_ok=true
i=0
wall_of "$WORK" >/dev/null	# warm-up
while [ "$i" -lt "$BENCH_RUNS" ]; do
	b=$(wall_of "$WORK")
	p=$(wall_of "$PFX record -o $D/pfx.data -- $WORK")
	n=$(wall_of "$PFX record --no-entry -o $D/noentry.data -- $WORK")
	q=$(wall_of "perf record -q -c 1 -d -e minor-faults -e major-faults -o $D/perf.data -- $WORK")
	echo "$b" >>"$D/bare"; echo "$p" >>"$D/pfx"; echo "$n" >>"$D/noentry"; echo "$q" >>"$D/perf"
	awk -v a="$p" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }' >>"$D/r_bare"
	awk -v a="$n" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }' >>"$D/r_noentry"
	awk -v a="$p" -v b="$q" 'BEGIN { printf "%.4f\n", a / b }' >>"$D/r_perf"
	awk -v a="$n" -v b="$q" 'BEGIN { printf "%.4f\n", a / b }' >>"$D/r_noentry_perf"
	if $tracefs_ok; then
		t=$(wall_of "$PFX record --source tracefs -o $D/tracefs.data -- $WORK")
		echo "$t" >>"$D/tracefs"
		awk -v a="$t" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }' >>"$D/r_tracefs"
	fi
	i=$((i + 1))
done
med() { median <"$D/$1" | awk -v s="${2:-1e9}" '{ printf "%.3f", $1 / s }'; }

# Bytes per fault of real programs (issue 25: at most 12), one
# recording each: many processes, mappings and instructions, unlike
# pfx-load's loop.  The interpreter itself, not a wrapper on PATH (a
# pyenv shim is a bash script that runs dozens of processes).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
bpf_of() {	# bpf_of CMD...: "bytes per fault (N faults)" of a recording of CMD
	"$PFX" record -o "$D/real.data" -- "$@" >/dev/null 2>&1 || { echo "recording failed"; return; }
	f=$("$PFX" report -i "$D/real.data" --format json | sed -n 's/.*"totals": {"faults": \([0-9]*\).*/\1/p')
	awk -v b="$(wc -c <"$D/real.data")" -v f="$f" 'BEGIN { printf "%.2f (%d faults)", b / (f ? f : 1), f }'
}

# Bytes per fault on the last pfx file; report speed on a longer one.
faults=$("$PFX" report -i "$D/pfx.data" --format json | sed -n 's/.*"totals": {"faults": \([0-9]*\).*/\1/p')
bytes=$(wc -c <"$D/pfx.data")
"$PFX" record -o "$D/long.data" -- $PFX_LOAD repeat -s ${BENCH_SIZE:-256M} --rounds 15 >/dev/null 2>&1
long_faults=$("$PFX" report -i "$D/long.data" --format json | sed -n 's/.*"totals": {"faults": \([0-9]*\).*/\1/p')
: >"$D/rep"; : >"$D/script"; : >"$D/preport"
i=0
while [ "$i" -lt "$BENCH_RUNS" ]; do
	wall_of "$PFX report -i $D/long.data" >>"$D/rep"
	wall_of "perf script -i $D/perf.data" >>"$D/script"
	wall_of "perf report -i $D/perf.data --stdio" >>"$D/preport"
	i=$((i + 1))
done
perf_faults=$(perf script -i "$D/perf.data" 2>/dev/null | wc -l)
rep_s=$(med rep); script_s=$(med script); preport_s=$(med preport)
# peak RSS (KiB) of one run each: pfx report of its ~1 M faults, perf
# report of its ~262 k samples
peak_kb() { /usr/bin/time -f %M sh -c "$1 >/dev/null 2>&1" 2>&1 | tail -n 1; }
rep_kb=$(peak_kb "$PFX report -i $D/long.data")
preport_kb=$(peak_kb "perf report -i $D/perf.data --stdio")

echo "Workload: \`pfx-load repeat -s ${BENCH_SIZE:-256M} --rounds ${BENCH_ROUNDS:-3}\` ($faults faults), $BENCH_RUNS interleaved runs, medians; $(date -u +%Y-%m-%d), $(nproc) CPUs, kernel $(uname -r)"
echo
echo "| measure | value | goal |"
echo "|---|---|---|"
echo "| bare workload wall | $(med bare) s | |"
echo "| \`pfx record\` wall | $(med pfx) s | |"
echo "| \`pfx record --no-entry\` wall | $(med noentry) s | |"
echo "| \`perf record -c 1 -d -e minor-faults -e major-faults\` wall | $(med perf) s | |"
echo "| \`pfx record\` / bare | $(med r_bare 1) | <= 1.35 |"
echo "| \`pfx record --no-entry\` / bare | $(med r_noentry 1) | |"
echo "| \`pfx record\` / \`perf record\` | $(med r_perf 1) | <= 0.85 |"
echo "| \`pfx record --no-entry\` / \`perf record\` | $(med r_noentry_perf 1) | |"
if $tracefs_ok; then
	echo "| \`pfx record --source tracefs\` wall | $(med tracefs) s | |"
	echo "| \`pfx record --source tracefs\` / bare | $(med r_tracefs 1) | |"
fi
echo "| bytes per fault (pfx.data) | $(awk -v b="$bytes" -v f="$faults" 'BEGIN { printf "%.2f", b / f }') | <= 16 |"
echo "| bytes per fault (perf.data) | $(awk -v b="$(wc -c <"$D/perf.data")" -v f="$faults" 'BEGIN { printf "%.1f", b / f }') | |"
echo "| bytes per fault, \`gcc -O2 -c\` of tests/regions-prog.c | $(bpf_of gcc -O2 -c -o "$D/real.o" "$top_srcdir/tests/regions-prog.c") | <= 12 |"
echo "| bytes per fault, \`$PY -c 'import json; json.dumps(list(range(100000)))'\` | $(bpf_of "$PY" -c 'import json; json.dumps(list(range(100000)))') | <= 12 |"
echo "| bytes per fault, \`sh -c 'for i in \$(seq 200); do /bin/true; done'\` | $(bpf_of sh -c 'for i in $(seq 200); do /bin/true; done') | <= 12 |"
echo "| \`pfx report\` speed | $(awk -v f="$long_faults" -v s="$rep_s" 'BEGIN { printf "%.1f M faults/s (%d faults, %.3f s)", f / s / 1e6, f, s }') | >= 10 M/s |"
echo "| \`perf script\` speed | $(awk -v f="$perf_faults" -v s="$script_s" 'BEGIN { printf "%.1f M samples/s (%.3f s)", f / s / 1e6, s }') | |"
echo "| \`perf report --stdio\` speed | $(awk -v f="$perf_faults" -v s="$preport_s" 'BEGIN { printf "%.1f M samples/s (%.3f s)", f / s / 1e6, s }') | |"
echo "| peak RSS: \`pfx report\` of $long_faults faults, \`perf report\` of $perf_faults samples | $rep_kb KiB, $preport_kb KiB | |"


# pfx record's own CPU per fault: attached (-p) for 2 s to a running
# workload, so /usr/bin/time counts the recorder alone; perf record -p
# likewise (it stops with 'sleep 2').  ns of CPU per recorded fault.
own_cpu() {	# own_cpu OUT pfx|perf CMD...
	out=$1 kind=$2; shift 2
	$PFX_LOAD repeat -s 256M --rounds 100000 >/dev/null 2>&1 &
	w=$!
	sleep 0.3
	if [ "$kind" = perf ]; then
		/usr/bin/time -f "%U %S" -o "$D/t" "$@" -p "$w" -- sleep 2 >/dev/null 2>&1
		n=$(perf script -i "$D/a.data" 2>/dev/null | wc -l)
	else
		/usr/bin/time -f "%U %S" -o "$D/t" "$@" -p "$w" 2 >/dev/null 2>&1
		n=$("$PFX" report -i "$D/a.data" --format json | sed -n 's/.*"totals": {"faults": \([0-9]*\).*/\1/p')
	fi
	kill "$w"
	wait "$w" 2>/dev/null
	tail -n 1 "$D/t" | awk -v n="$n" '{ printf "%.1f\n", ($1 + $2) * 1e9 / n }' >>"$D/$out"
}
if [ -x /usr/bin/time ]; then
	: >"$D/cpu_pfx"; : >"$D/cpu_noentry"; : >"$D/cpu_perf"
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		own_cpu cpu_pfx pfx "$PFX" record -o "$D/a.data"
		own_cpu cpu_noentry pfx "$PFX" record --no-entry -o "$D/a.data"
		own_cpu cpu_perf perf perf record -q -c 1 -d -e minor-faults -e major-faults -o "$D/a.data"
		i=$((i + 1))
	done
	echo "| \`pfx record -p\`: its own CPU per fault | $(median <"$D/cpu_pfx") ns | |"
	echo "| \`pfx record --no-entry -p\`: its own CPU per fault | $(median <"$D/cpu_noentry") ns | |"
	echo "| \`perf record -c 1 -d -p\`: its own CPU per fault | $(median <"$D/cpu_perf") ns | |"
fi

# Issue 25: the CPU a recording adds per fault (user + system of the
# recorder and the workload together, minus the bare workload's in the
# same loop), against perf record in the same loops, and the floor: the
# kernel's side alone (tests/bench/record-floor.c: the same events
# counting only; sampling into rings nobody reads, so the kernel drops;
# sampling with a reader that only moves data_tail; one that copies every
# record out first, the least a recorder that keeps the data does; and
# one that also writes the copies to a file, perf record's way).
# Each command runs under 'record-floor bare', which prints the wait4()
# rusage of all it waited for in microseconds (/usr/bin/time's %U %S
# have 10 ms steps: 19 ns a fault here).  Medians of per-loop figures;
# CPU time, not wall (the machine may be shared).  A second table splits
# the no-entry recordings into the workload's part (its own rusage: what
# the kernel's sampling adds to it) and the recorder's (the rest); pfx's
# workload is then run under 'record-floor bare' too, which prints it.
CPUW="$PFX_LOAD repeat -s ${BENCH_CPU_SIZE:-512M} --rounds 3"
FLOOR=$D/record-floor
if ${CC:-cc} -O2 -o "$FLOOR" "$top_srcdir/tests/bench/record-floor.c" 2>/dev/null; then
	# cpu_of CMD: "whole workload" seconds: all CMD waited for, and the
	# CPU an inner record-floor printed for its child ("-" if none)
	cpu_of() {
		"$FLOOR" bare none 1 sh -c "$1" >"$D/o" 2>/dev/null
		grep -E '^(bare|count|drop|tail|read|write) ' "$D/o" | tail -n 2 |
			awk '{ v[NR] = $3 / 1e9 } END { print v[NR], (NR > 1 ? v[1] : "-") }'
	}
	set -- bare "$CPUW" \
		pfx "$PFX record -o $D/c.data -- $CPUW" \
		noentry "$PFX record --no-entry -o $D/c.data -- $CPUW" \
		ls10 "$PFX record --latency-sample 10 -o $D/c.data -- $CPUW" \
		ls100 "$PFX record --latency-sample 100 -o $D/c.data -- $CPUW" \
		perf "perf record -q -c 1 -d -e minor-faults -e major-faults -o $D/c-perf.data -- $CPUW" \
		count "$FLOOR count tp 1 $CPUW" \
		drop "$FLOOR drop tp 1 $CPUW" \
		tail "$FLOOR tail tp 1 $CPUW" \
		tailnone "$FLOOR tail none 1 $CPUW" \
		tail10 "$FLOOR tail tp 10 $CPUW" \
		readtp "$FLOOR read tp 1 $CPUW" \
		readnone "$FLOOR read none 1 $CPUW" \
		writenone "FLOOR_OUT=$D/floor.out $FLOOR write none 1 $CPUW" \
		wbare "$FLOOR bare none 1 $CPUW" \
		wnoentry "$PFX record --no-entry -o $D/w.data -- $FLOOR bare none 1 $CPUW"
	: >"$D/cpu_all"; : >"$D/cpu_work"
	i=0
	while [ "$i" -lt "$BENCH_RUNS" ]; do
		n=1
		while [ "$n" -lt "$#" ]; do
			eval "name=\${$n} cmd=\${$((n + 1))}"
			cpu_of "$cmd" >"$D/t"
			read -r whole work <"$D/t"
			echo "$i $name $whole" >>"$D/cpu_all"
			[ "$work" = - ] || echo "$i $name $work" >>"$D/cpu_work"
			n=$((n + 2))
		done
		i=$((i + 1))
	done
	cfaults=$("$PFX" report -i "$D/c.data" --format json | sed -n 's/.*"totals": {"faults": \([0-9]*\).*/\1/p')
	# per loop: added ns per fault, and added CPU / perf record's added CPU
	awk -v f="$cfaults" '{ v[$1, $2] = $3; names[$2] = 1; loops[$1] = 1 }
		END { for (l in loops) for (x in names) {
			printf "%s ns %.1f\n", x, (v[l, x] - v[l, "bare"]) * 1e9 / f
			printf "%s r %.4f\n", x, (v[l, x] - v[l, "bare"]) / (v[l, "perf"] - v[l, "bare"]) } }' \
		"$D/cpu_all" >"$D/cpu_per"
	# per loop, no entry event: the workload's added CPU (its rusage less
	# the bare workload's) and the recorder's (the rest, less what the
	# wrappers cost in the bare run)
	awk -v f="$cfaults" 'NR == FNR { w[$1, $2] = $3; next }
		{ v[$1, $2] = $3; loops[$1] = 1 }
		END { for (l in loops) {
			split("tailnone readnone writenone wnoentry", xs, " ")
			for (k in xs) { x = xs[k]
				printf "%s work %.1f\n", x, (w[l, x] - w[l, "wbare"]) * 1e9 / f
				printf "%s rec %.1f\n", x, ((v[l, x] - w[l, x]) - (v[l, "wbare"] - w[l, "wbare"])) * 1e9 / f } } }' \
		"$D/cpu_work" "$D/cpu_all" >>"$D/cpu_per"
	cmed() { awk -v x="$1" -v k="$2" '$1 == x && $2 == k { print $3 }' "$D/cpu_per" | median; }
	# the least disturbed run of each (a shared machine only adds CPU time)
	cmin() { awk -v x="$1" '$2 == x { print $3 }' "$D/cpu_all" | sort -g | head -n 1; }
	bmin=$(cmin bare) pmin=$(cmin perf)
	echo
	echo "CPU added per fault (user + system of recorder and workload, wait4() rusage, minus the bare workload's): \`pfx-load repeat -s ${BENCH_CPU_SIZE:-512M} --rounds 3\` ($cfaults faults), $BENCH_RUNS interleaved loops: medians of the per-loop figures, and from each one's least disturbed run (min)"
	echo
	echo "| recording | added CPU per fault | / perf record's | min: added, / perf's | goal |"
	echo "|---|---|---|---|---|"
	for x in perf pfx noentry ls10 ls100 count drop tail tailnone tail10 readtp readnone writenone; do
		case $x in
		perf) what='`perf record -c 1 -d -e minor-faults -e major-faults`' goal= ;;
		pfx) what='`pfx record`' goal='<= 0.5' ;;
		noentry) what='`pfx record --no-entry`' goal='<= 0.3' ;;
		ls10) what='`pfx record --latency-sample 10`' goal= ;;
		ls100) what='`pfx record --latency-sample 100`' goal= ;;
		count) what='floor: the same events counting only' goal= ;;
		drop) what='floor: sampling into rings nobody reads (kernel drops)' goal= ;;
		tail) what='floor: sampling, reader moves data_tail only' goal= ;;
		tailnone) what='floor: the same, no entry event (`--no-entry`)' goal= ;;
		tail10) what='floor: the same, entry period 10 (`--latency-sample 10`)' goal= ;;
		readtp) what='floor: sampling, reader copies every record out before moving data_tail' goal= ;;
		readnone) what='floor: reader copies every record, no entry event (`--no-entry`)' goal= ;;
		writenone) what='floor: reader copies and writes them to a file, no entry event' goal= ;;
		esac
		printf '| %s | %.0f ns | %.2f | %.0f ns, %.2f | %s |\n' "$what" "$(cmed $x ns)" "$(cmed $x r)" \
			"$(awk -v a="$(cmin $x)" -v b="$bmin" -v f="$cfaults" 'BEGIN { print (a - b) * 1e9 / f }')" \
			"$(awk -v a="$(cmin $x)" -v b="$bmin" -v p="$pmin" 'BEGIN { print (a - b) / (p - b) }')" "$goal"
	done
	echo
	echo "No entry event: the workload's part of the added CPU (its own rusage less the bare workload's: the kernel's sampling) and the recorder's (the rest), per fault, medians of the per-loop figures"
	echo
	echo "| recording, no entry event | workload's part | recorder's part |"
	echo "|---|---|---|"
	for x in tailnone readnone writenone wnoentry; do
		case $x in
		tailnone) what='floor: reader moves data_tail only' ;;
		readnone) what='floor: reader copies every record out' ;;
		writenone) what='floor: the same, and writes the copies to a file' ;;
		wnoentry) what='`pfx record --no-entry`' ;;
		esac
		printf '| %s | %.0f ns | %.0f ns |\n' "$what" "$(cmed $x work)" "$(cmed $x rec)"
	done
fi
