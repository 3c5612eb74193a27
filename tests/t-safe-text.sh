# SPDX-License-Identifier: GPL-2.0-or-later
# t-safe-text: what another user names reaches root's terminal as text.
# As nobody, an interpreter copied to a name holding escapes runs threads
# named with escape sequences (a title, hidden text, the clipboard) and a
# newline, in a cgroup whose name holds escapes, faulting on files whose
# names hold them, a newline, a C1 CSI and bytes that are no UTF-8
# (tests/safe-text-prog.py); and pfx-load, copied to such a name, faults
# in its own code (the names of code: ip, function, caller).  Root's pfx top (batch and the full screen
# in tmux), record (-p and -a) and report in every view and -D, advise, maps,
# wss --by-mapping, thp, stat --per-thread and serve then write:
#   - no control byte but the newlines and tabs of their own layout, no
#     C1 control and no byte that is not UTF-8;
#   - the names, escaped (\x1b, \x07, \x0a): whole, on the row they belong
#     to, never a row of their own;
#   - JSON that a strict parser reads, CSV a field per column;
#   - and the screen's title stays what it was.
# And pfx top ends by itself (within 10 s) when its terminal hangs up.
. "$top_srcdir/tests/lib.sh"
need_root
command -v tmux >/dev/null || skip "needs tmux (apt-get install tmux)"
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
# an interpreter nobody may run (a pyenv shim in root's PATH is not one)
PY=
for p in /usr/bin/python3 /usr/local/bin/python3 $(command -v python3); do
	p=$(readlink -f "$p" 2>/dev/null) || continue
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$p" -c '' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || skip "no python3 that nobody can run"

chmod 755 "$TMP"
SHARED=$TMP/shared
mkdir "$SHARED" && chmod 1777 "$SHARED"
ESC=$(printf '\033') BEL=$(printf '\007')
EXE="$SHARED/py${ESC}]0;PWN${BEL}"
cp "$PY" "$EXE" && chmod 755 "$EXE"
# (a copy nobody can read, wherever the clone is)
cp "$top_srcdir/tests/safe-text-prog.py" "$TMP/prog.py" && chmod 644 "$TMP/prog.py"
NL='
'
LOADEXE="$SHARED/L${ESC}]0;PWN${BEL}${NL}FORGED"
cp "$PFX_LOAD" "$LOADEXE" && chmod 755 "$LOADEXE"

# A cgroup whose name holds escapes, in each hierarchy top, record and
# stat read (cgroup2, the v1 memory and perf_event ones).
CGNAME="pfx-${ESC}]0;PWNCG${BEL}${ESC}[8m-$$"
CGS=
for base in /sys/fs/cgroup/unified /sys/fs/cgroup/memory /sys/fs/cgroup/perf_event /sys/fs/cgroup; do
	[ -e "$base/cgroup.procs" ] || continue
	case " $CGS " in *" $base "*) continue ;; esac
	mkdir "$base/$CGNAME" 2>/dev/null && CGS="$CGS $base"
done
APID= LPID= TOPPID=
# (the attacker's programs, this shell's children, are reaped before)
on_exit 'tmux -L "pfx-safe-$$" kill-server 2>/dev/null
	reap_pfx "$TOPPID" "pfx top in tmux" || rc=1
	for base in $CGS; do rmdir "$base/$CGNAME" 2>/dev/null; done'
[ -n "$CGS" ] && note "cgroup made in:$CGS" || note "no cgroup could be made: cgroup names are not exercised"

setpriv --reuid=nobody --regid=nogroup --clear-groups "$EXE" "$TMP/prog.py" "$SHARED" 600 & APID=$!
i=0
while [ ! -s "$SHARED/ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$SHARED/ready" ] || fail "the attacker's program did not start"
[ "$(cat "$SHARED/ready")" = "$APID" ] || fail "the attacker's program is not $APID"
for base in $CGS; do echo "$APID" >"$base/$CGNAME/cgroup.procs" || fail "cannot move $APID into $base/$CGNAME"; done
grep -q 'PWN' "/proc/$APID/comm" || fail "the attacker's name did not take"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$LOADEXE" steady -s 16M --rate 3000 --seconds 600 >/dev/null & LPID=$!

# safe FILE...: text with no control but \n and \t, no C1, valid UTF-8
safe() {
	"$PY" - "$@" <<'PY' || fail "unsafe text output (above)"
import re, sys
bad = 0
for name in sys.argv[1:]:
    data = open(name, "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        print("%s: not UTF-8 at byte %d: %r" % (name, e.start, data[max(0, e.start - 40):e.start + 10]))
        bad = 1
        continue
    m = re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    if m:
        i = m.start()
        print("%s: control U+%04X at character %d: %r" % (name, ord(m.group()), i, text[max(0, i - 40):i + 10]))
        bad = 1
sys.exit(bad)
PY
}
# has FILE TEXT WHAT: FILE holds TEXT (fixed string)
has() { grep -qF -- "$2" "$1" || { cat -A "$1" | head -n 40; fail "$3: no '$2' in $(basename "$1")"; }; }
# no_row_from FILE: no line starts with what followed the newline in a name
no_row_from() {
	! grep -Eq '^ *(FORGE|fake)' "$1" || { grep -En '^ *(FORGE|fake)' "$1" | cat -A; fail "a newline in a name made a row of its own in $(basename "$1")"; }
}
# json_ok FILE: strict JSON (UTF-8, one document or one per line)
json_ok() {
	"$PY" - "$1" <<'PY' || fail "$(basename "$1") is not valid JSON"
import json, sys
text = open(sys.argv[1], "rb").read().decode("utf-8")
try:
    json.loads(text)
except ValueError:
    for line in text.splitlines():
        if line.strip():
            json.loads(line)
PY
}
COMM_SAFE='\x1b]0;PWN\x07\x0aFORGED'
FILE_SAFE='\x1b]0;PWN\x07\x0afake\xff\xc2\x9b\x1b[8m\x1b]52;c;aGk=\x07'
CG_SAFE='pfx-\x1b]0;PWNCG\x07\x1b[8m'

# --- top, batch: the row is one line, the names escaped on it ---
"$PFX" top -b -d 0.3 -n 2 >"$TMP/top.txt" || fail "pfx top -b failed"
"$PFX" top -b -d 0.3 -n 2 --tree -p "$APID" >"$TMP/top-tree.txt" || fail "pfx top -b --tree failed"
"$PFX" top -b -d 0.3 -n 2 --cgroup >"$TMP/top-cg.txt" || fail "pfx top -b --cgroup failed"
"$PFX" top -b -d 0.3 -n 2 --format csv -p "$APID" >"$TMP/top.csv" || fail "pfx top --format csv failed"
"$PFX" top -b -d 0.3 -n 2 --format json -p "$APID" >"$TMP/top.json" || fail "pfx top --format json failed"
safe "$TMP/top.txt" "$TMP/top-tree.txt" "$TMP/top-cg.txt" "$TMP/top.csv" "$TMP/top.json"
for f in top.txt top-tree.txt top-cg.txt; do
	no_row_from "$TMP/$f"
	# (the tree's indentation leaves the name 11 columns)
	grep "^ *$APID nobody" "$TMP/$f" | grep -qF '\x1b]0;PWN\x07' ||
		{ cat -A "$TMP/$f" | grep -a -A1 "^ *$APID"; fail "$f: the attacker's row has not its name escaped"; }
	[ -z "$CGS" ] || has "$TMP/$f" "$CG_SAFE" "top ($f): cgroup"
done
[ "$(grep -c "^process,[0-9.]*,$APID," "$TMP/top.csv")" -eq 2 ] || { cat "$TMP/top.csv"; fail "top csv: not one row a frame"; }
has "$TMP/top.csv" "$COMM_SAFE" "top csv"
json_ok "$TMP/top.json"
"$PY" -c 'import json, sys
rows = [r for l in open(sys.argv[1]) for r in json.loads(l)["rows"]]
assert all(r["command"] == "\x1b]0;PWN\x07\nFORGED" for r in rows), rows' "$TMP/top.json" ||
	fail "top json: the command is not the name exactly"

# --- top, the full screen in tmux: escapes shown as text, the title kept ---
# pfx top leads the pane's session ('exec'; the pane stays to show an
# early error): the hangup below signals it alone, before it exits, and
# no shell's exit sends a SIGCONT into a sanitizer build's exit-time leak
# check (lsan_stuck in lib.sh)
SOCK="pfx-safe-$$"
tmux -L "$SOCK" new-session -d -s top -x 200 -y 30 "exec '$PFX' top -d 0.3 -p $APID" \; \
	set-option -w -t top remain-on-exit on
TOPPID=$(tmux -L "$SOCK" display-message -p -t top '#{pane_pid}')
title0=$(tmux -L "$SOCK" display-message -p -t top '#{pane_title}')
i=0
while [ $i -lt 50 ]; do
	tmux -L "$SOCK" capture-pane -p -t top >"$TMP/screen"
	grep -q "^ *$APID nobody" "$TMP/screen" && break
	sleep 0.1; i=$((i + 1))
done
sleep 0.7	# a few frames more
tmux -L "$SOCK" capture-pane -p -t top >"$TMP/screen"
title=$(tmux -L "$SOCK" display-message -p -t top '#{pane_title}')
grep "^ *$APID nobody" "$TMP/screen" | grep -qF '\x1b]0;PWN\x07\x0aFO' ||
	{ cat "$TMP/screen"; fail "the screen does not show the name escaped"; }
[ -z "$CGS" ] || grep -qF "$CG_SAFE" "$TMP/screen" || { cat "$TMP/screen"; fail "the screen does not show the cgroup escaped"; }
no_row_from "$TMP/screen"
case $title in *PWN*) fail "a name set the screen's title: '$title' (was '$title0')" ;; esac
running "$TOPPID" || fail "pfx top $TOPPID ended before its terminal did"
# the terminal hangs up: pfx top ends (its loop stops on POLLHUP and SIGHUP)
tmux -L "$SOCK" kill-server 2>/dev/null
pfx_ends "$TOPPID" "pfx top in tmux" ||
	fail "pfx top $TOPPID still runs 10 s after its terminal hung up ($(sed -n 's/^State:[[:space:]]*//p' "/proc/$TOPPID/status"))"
TOPPID=

# --- record: -p attached to the interpreter (mappings from /proc and from
# perf), -g -p of the load (its code), -a (all) ---
"$PFX" record -o "$TMP/p.pfx" -p "$APID" 2 >"$TMP/rec.out" 2>&1 || { cat "$TMP/rec.out"; fail "pfx record -p failed"; }
"$PFX" record -g -o "$TMP/g.pfx" -p "$LPID" 2 >"$TMP/rec.out" 2>&1 || { cat "$TMP/rec.out"; fail "pfx record -g -p failed"; }
"$PFX" record -a --duration 2 -o "$TMP/a.pfx" >"$TMP/rec.out" 2>&1 || { cat "$TMP/rec.out"; fail "pfx record -a failed"; }
LOAD_SAFE='L\x1b]0;PWN\x07\x0aFORGED'
for r in p g a; do
	out=$TMP/rep-$r
	for by in region thread process cgroup page ip function caller; do
		"$PFX" report -i "$TMP/$r.pfx" --by $by --top 100000 >"$out-$by.txt" ||
			fail "pfx report -i $r.pfx --by $by failed"
	done
	"$PFX" report -i "$TMP/$r.pfx" -D >"$out-dump.txt" || fail "pfx report -D $r.pfx failed"
	"$PFX" report -i "$TMP/$r.pfx" --format json --top 100000 >"$out.json" || fail "pfx report --format json $r.pfx failed"
	"$PFX" report -i "$TMP/$r.pfx" --format folded >"$out.folded" || fail "pfx report --format folded $r.pfx failed"
	"$PFX" advise -i "$TMP/$r.pfx" >"$out-advise.txt" || fail "pfx advise -i $r.pfx failed"
	"$PFX" advise -i "$TMP/$r.pfx" --format json >"$out-advise.json" || fail "pfx advise --format json $r.pfx failed"
	json_ok "$out-advise.json"
	safe "$out"-*.txt "$out.json" "$out-advise.json" "$out.folded"
	for f in "$out"-*.txt "$out.folded"; do no_row_from "$f"; done
	json_ok "$out.json"
	has "$out-region.txt" '\x1b]0;PWN\x07' "report $r: the header's command"
done
# The interpreter's names, each whole on its row (the comm it set, the
# file mapped before pfx looked, from /proc, and the one mapped since,
# from perf)
for r in p a; do
	out=$TMP/rep-$r
	grep "^ *$APID  *$APID " "$out-thread.txt" | grep -qF "$COMM_SAFE" ||
		{ cat -A "$out-thread.txt"; fail "report $r --by thread: the name is not whole on its row"; }
	has "$out-thread.txt" '\x1b[8mhidden' "report $r --by thread"
	has "$out-thread.txt" '\x1b]52;c;aGk=\x07' "report $r --by thread"
	grep "^ *$APID " "$out-process.txt" | grep -qF "$COMM_SAFE" ||
		{ cat -A "$out-process.txt"; fail "report $r --by process: the name is not whole on its row"; }
	for by in region page; do
		grep -F "fresh" "$out-$by.txt" | grep -qF "fresh$FILE_SAFE" ||
			{ cat -A "$out-$by.txt"; fail "report $r --by $by: the file name is not whole on its row"; }
	done
	grep -F "held" "$out-region.txt" | grep -qF "held$FILE_SAFE" ||
		{ cat -A "$out-region.txt"; fail "report $r: the name of a mapping pfx read from /proc is not whole"; }
	grep "mmap $APID .*fresh" "$out-dump.txt" | grep -qF "fresh$FILE_SAFE" ||
		{ grep -a "mmap $APID" "$out-dump.txt" | cat -A; fail "report $r -D: the mapping line is not whole"; }
	grep "thread $APID/$APID " "$out-dump.txt" | grep -qF "$COMM_SAFE" ||
		{ grep -a "thread $APID" "$out-dump.txt" | cat -A; fail "report $r -D: the thread line is not whole"; }
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
name = "\x1b]0;PWN\x07\nfake\u00ff\u009b\x1b[8m\x1b]52;c;aGk=\x07"
assert any(r["path"].endswith("/fresh" + name) for r in d["regions"]), [r["path"] for r in d["regions"]]
assert any(t["comm"] == "\x1b]0;PWN\x07\nFORGED" for t in d["threads"]), d["threads"]' "$out.json" ||
		fail "report $r --format json: names not as the process gave them"
done
# The load's code: its file's name in ip, function, caller and folded
for r in g a; do
	out=$TMP/rep-$r
	for by in ip function; do has "$out-$by.txt" "$LOAD_SAFE" "report $r --by $by"; done
	grep "^ *$LPID  *$LPID " "$out-thread.txt" | grep -qF 'L\x1b]0;PWN\x07\x0aFORGE' ||
		{ cat -A "$out-thread.txt"; fail "report $r --by thread: the load's name is not whole on its row"; }
done
has "$TMP/rep-g-caller.txt" "$LOAD_SAFE" "report --by caller"
[ -z "$CGS" ] || { has "$TMP/rep-a-cgroup.txt" "$CG_SAFE" "report -a --by cgroup"; has "$TMP/rep-a-dump.txt" "$CG_SAFE" "report -a -D"; }

# --- maps, wss --by-mapping, thp, stat --per-thread ---
"$PFX" maps -p "$APID" >"$TMP/maps.txt" || fail "pfx maps failed"
"$PFX" maps -p "$APID" --format csv >"$TMP/maps.csv" || fail "pfx maps --format csv failed"
"$PFX" maps -p "$APID" --format json >"$TMP/maps.json" || fail "pfx maps --format json failed"
"$PFX" wss -p "$APID" --by-mapping 0.3 2 >"$TMP/wss.txt" 2>"$TMP/wss.err" ||
	{ cat "$TMP/wss.err"; fail "pfx wss --by-mapping failed"; }
"$PFX" wss -p "$APID" --by-mapping --format csv 0.3 2 >"$TMP/wss.csv" 2>"$TMP/wss.err" ||
	{ cat "$TMP/wss.err"; fail "pfx wss --format csv failed"; }
"$PFX" thp -p "$APID" 0.3 2 >"$TMP/thp.txt" 2>"$TMP/thp.err" || { cat "$TMP/thp.err"; fail "pfx thp failed"; }
"$PFX" thp -p "$APID" --format csv 0.3 2 >"$TMP/thp.csv" 2>"$TMP/thp.err" || { cat "$TMP/thp.err"; fail "pfx thp --format csv failed"; }
"$PFX" stat --per-thread -p "$APID" 0.3 2 >"$TMP/stat.txt" 2>&1 || { cat "$TMP/stat.txt"; fail "pfx stat --per-thread failed"; }
safe "$TMP/maps.txt" "$TMP/maps.csv" "$TMP/maps.json" "$TMP/wss.txt" "$TMP/wss.csv" "$TMP/thp.txt" "$TMP/thp.csv" "$TMP/stat.txt"
json_ok "$TMP/maps.json"
for f in maps.txt maps.csv wss.txt wss.csv thp.txt thp.csv stat.txt; do no_row_from "$TMP/$f"; done
has "$TMP/maps.txt" "$COMM_SAFE" "maps"
grep -F held "$TMP/maps.txt" | grep -qF "held$FILE_SAFE" || { cat -A "$TMP/maps.txt"; fail "maps: the file name is not whole"; }
has "$TMP/maps.csv" "held$FILE_SAFE" "maps csv"
has "$TMP/wss.txt" "$COMM_SAFE" "wss"
# (a mapping shows with pages in memory: the interpreter's own file)
has "$TMP/wss.txt" 'shared/py\x1b]0;PWN\x07' "wss --by-mapping"
has "$TMP/wss.csv" "$COMM_SAFE" "wss csv header"
has "$TMP/thp.txt" "$COMM_SAFE" "thp"
has "$TMP/thp.csv" "$COMM_SAFE" "thp csv header"
# --- serve's exposition: label values in the same \xNN (backslash escaped) ---
"$PFX" serve -p "$APID" --textfile "$TMP/metrics.prom" -I 300 --interval-count 2 2>"$TMP/serve.err" ||
	{ cat "$TMP/serve.err"; fail "pfx serve --textfile failed"; }
safe "$TMP/metrics.prom"
has "$TMP/metrics.prom" 'comm="\\x1b]0;PWN\\x07\nFORGED"' "serve"
[ -z "$CGS" ] || has "$TMP/metrics.prom" 'pfx-\\x1b]0;PWNCG\\x07\\x1b[8m' "serve (cgroup)"

if [ -n "$CGS" ] && [ -d "/sys/fs/cgroup/perf_event/$CGNAME" ] || [ -d "/sys/fs/cgroup/unified/$CGNAME" ]; then
	"$PFX" stat -G "$CGNAME,/" --interval-count 2 -I 300 >"$TMP/stat-cg.txt" 2>&1 ||
		{ cat -A "$TMP/stat-cg.txt"; fail "pfx stat -G failed"; }
	note "stat -G: $(grep -c . "$TMP/stat-cg.txt") lines"
	safe "$TMP/stat-cg.txt"
	has "$TMP/stat-cg.txt" "$CG_SAFE" "stat -G"
fi
echo ok
