# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-consistent: every row and total of 'pfx stat' has minor + major <=
# page-faults, however fast the target faults and however short the
# interval (the counters were read at different moments: a row once showed
# minor 46,214 against page-faults 46,213), and the rows add up to the
# totals.  perf (launched and -p), proc and, as root, tracefs; --per-thread.
. "$top_srcdir/tests/lib.sh"

load=

# check FILE WHAT: the relation in every row and the total of FILE
check() {
	awk -v what="$2" '
	function num(k,   m) { if (match($0, "\"" k "\":[0-9]+")) return substr($0, RSTART + length(k) + 3, RLENGTH - length(k) - 3) + 0; return -1 }
	/"type":"(interval|total)"/ {
		mi = num("minor"); ma = num("major"); f = num("faults")
		if (mi < 0 || ma < 0 || f < 0) { print what ": unreadable line: " $0; bad = 1; exit }
		if (mi + ma > f) { print what ": minor " mi " + major " ma " > page-faults " f ": " $0; bad = 1 }
		if ($0 ~ /"type":"interval"/) { rows++; smi += mi; sma += ma; sf += f }
		else { tmi = mi; tma = ma; tf = f; total = 1 }
	}
	END {
		if (bad) exit 1
		if (!total) { print what ": no total"; exit 1 }
		if (rows < 10) { print what ": only " rows " rows"; exit 1 }
		if (smi != tmi || sma != tma || sf != tf) { print what ": rows add up to " smi "/" sma "/" sf ", total " tmi "/" tma "/" tf; exit 1 }
		print what ": " rows " rows, total minor " tmi " major " tma " page-faults " tf
	}' "$1"
}

sources="perf proc"
if [ "$(id -u)" -eq 0 ]; then
	[ -n "$(tracefs_dir)" ] || "$PFX" list >/dev/null
	d=$(tracefs_dir)
	[ -n "$d" ] && [ -d "$d/events/exceptions/page_fault_user" ] && sources="$sources tracefs"
fi
for src in $sources; do
	# launched: 4 threads writing 256 MiB each (64 MiB each took 80 ms on a
	# quiet machine: 8 rows), then refaulting 64 MiB 13
	# times; rows every 10 ms
	for load_args in "seq -s 1G -t 4" "repeat -s 64M --rounds 12"; do
		# shellcheck disable=SC2086  # the arguments are split on purpose
		"$PFX" stat --source "$src" --format json -o "$TMP/out" -I 10 -- \
			"$PFX_LOAD" $load_args >/dev/null 2>"$TMP/err" ||
			{ cat "$TMP/err"; fail "pfx stat --source $src -I 10 failed"; }
		msg=$(check "$TMP/out" "$src launched $load_args") || fail "$msg"
		note "$msg"
	done
	# attached: 'pfx stat -p PID INTERVAL' as in the report
	"$PFX_LOAD" repeat -s 64M --rounds 12 --wait-start >"$TMP/load" 2>&1 &
	load=$!
	for _ in $(seq 100); do grep -q 'ready pid=' "$TMP/load" && break; sleep 0.05; done
	"$PFX" stat --source "$src" --format json -o - -p "$load" 0.01 >"$TMP/out" 2>"$TMP/err" &
	st=$!
	for _ in $(seq 100); do grep -q '"type":"header"' "$TMP/out" && break; sleep 0.05; done
	kill -USR1 "$load"
	wait "$load"; load=
	wait "$st" || { cat "$TMP/err"; fail "pfx stat --source $src -p failed"; }
	msg=$(check "$TMP/out" "$src -p") || fail "$msg"
	note "$msg"
done
# --per-thread: every thread row too (perf: a thread's row is read while
# it faults, like a process's)
for src in $sources; do
	"$PFX" stat --source "$src" --per-thread --format json -o "$TMP/out" -I 10 -- \
		"$PFX_LOAD" seq -s 256M -t 4 >/dev/null 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "pfx stat --source $src --per-thread -I 10 failed"; }
	bad=$(awk '/"type":"(interval|thread|total)"/ {
		match($0, /"minor":[0-9]+/); mi = substr($0, RSTART + 8, RLENGTH - 8) + 0
		match($0, /"major":[0-9]+/); ma = substr($0, RSTART + 8, RLENGTH - 8) + 0
		match($0, /"faults":[0-9]+/); f = substr($0, RSTART + 9, RLENGTH - 9) + 0
		if (mi + ma > f) print }' "$TMP/out")
	[ -z "$bad" ] || fail "$src --per-thread: rows with minor + major > page-faults: $bad"
	note "$src --per-thread: $(grep -c '"type":"interval"' "$TMP/out") thread rows, all with minor + major <= page-faults"
done
echo ok
