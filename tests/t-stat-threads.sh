# SPDX-License-Identifier: GPL-2.0-or-later
# t-stat-threads: --per-thread.  pfx-load seq -t 4 faults a quarter of its
# pages in each of 4 threads (the main thread is one of them); the worker
# threads live a few milliseconds, so their counts must come from the
# kernel's exit reports, not from sampling.
. "$top_srcdir/tests/lib.sh"

thread_rows() { grep '"type":"thread"' "$1"; }
sum_rows() { sed 's/.*"minor":\([0-9]*\).*/\1/' | awk '{ s += $1 } END { print s + 0 }'; }

"$PFX" stat --per-thread --format json -o "$TMP/t.json" -- "$PFX_LOAD" seq -t 4 -s 128M \
	>"$TMP/t.out" || fail "pfx stat --per-thread failed"
cat "$TMP/t.json"
pid=$(kv pid "$TMP/t.out")
pages=$(kv pages "$TMP/t.out")
n=$(thread_rows "$TMP/t.json" | grep -c "\"pid\":$pid,")
[ "$n" -eq 4 ] || fail "expected 4 thread rows for pid $pid, got $n"
thread_rows "$TMP/t.json" | grep -q '"tid":0,' && fail "faults left unattributed"
# Each thread has its quarter of the pages, plus its start-up (and ~12%
# shadow-memory faults when pfx-load is built with sanitizers).
thread_rows "$TMP/t.json" | grep "\"pid\":$pid," | sed 's/.*"minor":\([0-9]*\).*/\1/' | while read -r m; do
	[ "$m" -ge $((pages / 4)) ] || fail "a thread has $m minor faults, fewer than its $((pages / 4)) pages"
	[ "$m" -le $((pages / 4 * 5 / 4 + 200)) ] || fail "a thread has $m minor faults, far more than its $((pages / 4)) pages"
done || exit 1
thread_rows "$TMP/t.json" | grep -q '"exited":false' && fail "a thread of an exited command is not marked exited"
total=$(json_field minor "$TMP/t.json")
sum=$(thread_rows "$TMP/t.json" | sum_rows)
[ "$sum" -eq "$total" ] || fail "thread rows sum to $sum, total is $total"
within_pct "$total" "$(json_field rusage_minor "$TMP/t.json")" 1 || fail "total not within 1% of wait4 rusage"

# Interval rows per thread add up to the total too.
"$PFX" stat --per-thread -I 10 --format json -o "$TMP/i.json" -- "$PFX_LOAD" seq -t 4 -s 128M \
	>/dev/null || fail "--per-thread -I failed"
grep '"type":"interval"' "$TMP/i.json" | grep -q '"tid":' || fail "interval rows have no tid"
sum=$(grep '"type":"interval"' "$TMP/i.json" | sum_rows)
[ "$sum" -eq "$(json_field minor "$TMP/i.json")" ] || fail "per-thread interval rows sum $sum != total"

# Text: one line per thread under a pid/tid header.
"$PFX" stat --per-thread -- "$PFX_LOAD" seq -t 4 -s 16M >/dev/null 2>"$TMP/text" || fail "text failed"
grep -q ' pid  *tid  *minor-faults' "$TMP/text" || { cat "$TMP/text"; fail "no per-thread table"; }

# proc source: live threads from /proc/PID/task; what it could not see
# (threads that ended between reads) is the "tid 0" row, so rows still
# add up to the total.
"$PFX" stat --per-thread --source proc --format json -o "$TMP/p.json" -- "$PFX_LOAD" seq -t 4 -s 64M \
	>/dev/null || fail "proc --per-thread failed"
sum=$(thread_rows "$TMP/p.json" | sum_rows)
[ "$sum" -eq "$(json_field minor "$TMP/p.json")" ] || fail "proc thread rows sum $sum != total"

# Attached (-p) per thread: the target's thread is a row, and it is final
# once the target exits.
"$PFX_LOAD" steady --seconds 1 --rate 2000 --wait-start >"$TMP/load.out" &
load=$!
i=0; while ! grep -q ready "$TMP/load.out" 2>/dev/null; do i=$((i + 1)); [ $i -lt 100 ] || fail "pfx-load did not start"; sleep 0.05; done
"$PFX" stat --per-thread --format json -o - -p "$load" >"$TMP/a.json" 2>"$TMP/a.err" &
stat=$!
i=0; while ! grep -q header "$TMP/a.json" 2>/dev/null; do i=$((i + 1)); [ $i -lt 100 ] || fail "pfx stat did not attach"; sleep 0.05; done
kill -USR1 "$load"; wait "$load"
wait "$stat" || { cat "$TMP/a.err"; fail "pfx stat -p --per-thread failed"; }
thread_rows "$TMP/a.json" | grep -q "\"pid\":$load,\"tid\":$load,.*\"exited\":true" ||
	{ cat "$TMP/a.json"; fail "no final row for thread $load"; }
m=$(thread_rows "$TMP/a.json" | grep "\"tid\":$load," | sed 's/.*"minor":\([0-9]*\).*/\1/')
[ "$m" -ge "$(kv rusage_minor "$TMP/load.out")" ] || fail "attached thread row $m below pfx-load's rusage"
echo ok
