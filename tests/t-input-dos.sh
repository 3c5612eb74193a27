#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-input-dos: input that would hang pfx or blow it up (issue #10) ends
# in one clear error line, quickly: a FIFO or /dev/zero as -i, an endless
# line in a WSS file, numbers out of range (a WSS size or time, 'pfx stat
# -p PID 1e308'), a fault time near 2^64 in a recording, and a recording
# whose program path is a FIFO or a device for 'report --by function',
# or hard links to one huge sparse ELF (read once, memory capped); a
# recording truncated by its owner while root reports it.
. "${top_srcdir:-.}/tests/lib.sh"

MKREC=$top_builddir/tests/plot-mkrec
T="timeout 20"

# expect_error CODE PATTERN CMD...: exits CODE (not killed by the timeout)
# with one 'pfx: ' line holding PATTERN
expect_error() {
	want=$1 pattern=$2; shift 2
	expect_exit "$want" $T "$@"
	one_line_error
	grep -q -- "$pattern" "$TMP/err" || fail "'$*': unclear error: $(cat "$TMP/err")"
}

mkfifo "$TMP/fifo" || fail "mkfifo failed"
expect_error 1 "not a regular file" "$PFX" plot --chart timeline -i "$TMP/fifo" -o "$TMP/x.png"
expect_error 1 "not a regular file" "$PFX" plot --chart wss -i "$TMP/fifo" -o "$TMP/x.png"
expect_error 1 "not a pfx record file" "$PFX" report -i "$TMP/fifo"
expect_error 1 "not a pfx record file" "$PFX" report -D -i "$TMP/fifo"
expect_error 1 "not a regular file" "$PFX" plot --chart wss -i /dev/zero -o "$TMP/x.png"
expect_error 1 "is a directory" "$PFX" plot --chart timeline -i "$TMP" -o "$TMP/x.png"

# one endless line: refused at 16 MiB, pfx stays small
{ echo '{"time":0.5,"wss_bytes":1,"rss_bytes":2}'; head -c 20000000 /dev/zero | tr '\0' ' '; } >"$TMP/long.json"
if command -v /usr/bin/time >/dev/null; then
	expect_error 1 "line 2 is longer than 16 MiB" /usr/bin/time -f 'maxrss %M' -o "$TMP/rss" \
		"$PFX" plot --chart wss -i "$TMP/long.json" -o "$TMP/x.png"
	kb=$(sed -n 's/^maxrss //p' "$TMP/rss")
	note "endless line: max RSS $kb KiB"
	[ "$kb" -lt 102400 ] || fail "an endless line took $kb KiB"
else
	expect_error 1 "line 2 is longer than 16 MiB" "$PFX" plot --chart wss -i "$TMP/long.json" -o "$TMP/x.png"
fi

# numbers out of range
printf '{"time":0.5,"wss_bytes":1e18,"rss_bytes":2097152}\n' >"$TMP/big.json"
expect_error 1 "line 1 holds a size or time out of range" "$PFX" plot --chart wss -i "$TMP/big.json" -o "$TMP/x.png"
# beyond uint64_t: range-checked before the conversion (undefined after it)
printf '{"time":0.5,"wss_bytes":1e30,"rss_bytes":2097152}\n' >"$TMP/huge.json"
expect_error 1 "line 1 holds a size or time out of range" "$PFX" plot --chart wss -i "$TMP/huge.json" -o "$TMP/x.png"
printf '{"time":0.5,"wss_bytes":1,"rss_bytes":1e30}\n' >"$TMP/huge.json"
expect_error 1 "line 1 holds a size or time out of range" "$PFX" plot --chart wss -i "$TMP/huge.json" -o "$TMP/x.png"
printf '{"time":0.5,"wss_bytes":1,"rss_bytes":2}\n{"time":1e300,"wss_bytes":1,"rss_bytes":2}\n' >"$TMP/late.json"
expect_error 1 "line 2 holds a size or time out of range" "$PFX" plot --chart wss -i "$TMP/late.json" -o "$TMP/x.png"
expect_error 2 "too long; the maximum is 86400 s" "$PFX" stat -p $$ 1e308

# a fault time near 2^64: damage, whatever the chart; 2^62 (the largest a
# recording may hold) charts in bounded time
"$MKREC" "$TMP/late.data" --late 18446744073709551000 || fail "plot-mkrec failed"
for chart in timeline heatmap; do
	$T "$PFX" plot --chart "$chart" -i "$TMP/late.data" --script "$TMP/s-$chart" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc -ne 124 ] || fail "plot --chart $chart hung on a fault time near 2^64"
	grep -q 'corrupted' "$TMP/err" || { cat "$TMP/err"; fail "$chart: the late time was not called damage"; }
done
"$MKREC" "$TMP/late62.data" --late 4611686018427387904 || fail "plot-mkrec failed"
for chart in timeline heatmap; do
	$T "$PFX" plot --chart "$chart" -i "$TMP/late62.data" --script "$TMP/t-$chart" >"$TMP/out" 2>"$TMP/err" ||
		{ cat "$TMP/err"; fail "plot --chart $chart of a 146-year recording failed (rc $?)"; }
done

# report --by function opens what a recording names as its program: a
# FIFO, a device, a link are not read (and do not hang it)
ln -s /bin/true "$TMP/link"
for exe in "$TMP/fifo" /dev/zero /dev/tty "$TMP/link"; do
	"$MKREC" "$TMP/exe.data" --exe "$exe" || fail "plot-mkrec failed"
	$T "$PFX" report --by function -i "$TMP/exe.data" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	[ $rc -eq 0 ] || { cat "$TMP/err"; fail "report --by function with the program at $exe: exit $rc"; }
done
# Eight hard links to one sparse ELF whose string table claims 112 MiB:
# read once by (dev, inode), not eight times (2.36 GB before the fix);
# eight distinct copies stop at the total cap (512 MiB of tables).
python3 - "$TMP/huge.so" <<'PY' || fail "could not write the sparse ELF"
import struct, sys
SYM, STR = 8 << 20, 112 << 20
symoff, stroff = 1 << 20, (1 << 20) + (8 << 20)
shoff = stroff + STR
eh = b'\x7fELF\x02\x01\x01' + bytes(9) + struct.pack('<HHIQQQIHHHHHH',
	3, 62, 1, 0, 64, shoff, 0, 64, 56, 1, 64, 3, 0)
ph = struct.pack('<IIQQQQQQ', 1, 5, 0, 0, 0, 1 << 20, 1 << 20, 4096)
sh = bytes(64) + struct.pack('<IIQQQQIIQQ', 0, 2, 0, 0, symoff, SYM, 2, 0, 8, 24) \
	+ struct.pack('<IIQQQQIIQQ', 0, 3, 0, 0, stroff, STR, 0, 0, 1, 0)
with open(sys.argv[1], 'wb') as f:
	f.write(eh + ph)
	f.seek(shoff)
	f.write(sh)
PY
libs= copies=
for i in 1 2 3 4 5 6 7 8; do
	ln "$TMP/huge.so" "$TMP/link$i.so" || fail "ln failed"
	cp --sparse=always "$TMP/huge.so" "$TMP/copy$i.so" || fail "cp failed"
	libs="$libs --lib $TMP/link$i.so" copies="$copies --lib $TMP/copy$i.so"
done
# maxrss_kib OUT -- CMD...: run CMD, its peak RSS in KiB to OUT
maxrss_kib() {
	out=$1; shift
	python3 -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$out" "$@" >"$out"
}
# report_peak NAME LIBS MAX_MIB WHAT: report --by function of a recording
# naming LIBS, its peak RSS below MAX_MIB
report_peak() {
	"$MKREC" "$TMP/$1.data" $2 || fail "plot-mkrec failed"
	maxrss_kib "$TMP/rss" "$PFX" report --by function -i "$TMP/$1.data" ||
		fail "report --by function of $4 failed"
	rss=$(cat "$TMP/rss")
	echo "$4: report's peak RSS $((rss / 1024)) MiB (at most $3)"
	[ "$rss" -lt $(($3 * 1024)) ] || fail "$4: peak RSS $((rss / 1024)) MiB"
}
report_peak links "$libs" 250 "8 hard links to a sparse ELF with 120 MiB of tables (read once)"
report_peak copies "$copies" 700 "8 sparse ELF copies (the total cap: 512 MiB of tables)"
# A recording its owner truncates while root reports it: the reader reads
# (no mmap, no SIGBUS); the report ends complete or says where the file
# ended, never killed by a signal.  The owner is an unprivileged user.
"$PFX" record -o "$TMP/big.data" -- "$PFX_LOAD" seq -s 512M >/dev/null 2>&1 || fail "record of 512 MiB failed"
size=$(stat -c %s "$TMP/big.data")
owner=root
mkdir -p "$TMP/own" || fail "mkdir failed"
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	chmod 755 "$TMP" && chown nobody "$TMP/own" || fail "cannot prepare nobody's directory"
	owner=nobody
fi
for delay in 0 0.005 0.01 0.02 0.03 0.05 0.08 0.1; do
	cp "$TMP/big.data" "$TMP/own/r.data" || fail "cp failed"
	[ $owner = nobody ] && chown nobody "$TMP/own/r.data"
	"$PFX" report -i "$TMP/own/r.data" --by page --top 3 >"$TMP/out" 2>"$TMP/err" & rp=$!
	sleep "$delay"
	if [ $owner = nobody ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups truncate -s $((size / 3)) "$TMP/own/r.data"
	else
		truncate -s $((size / 3)) "$TMP/own/r.data"
	fi
	wait $rp
	rc=$?
	[ $rc -le 1 ] || { cat "$TMP/err"; fail "report of a file truncated after ${delay}s: exit $rc (a signal?)"; }
	[ $rc -eq 0 ] || one_line_error
done
note "report of a $size-byte recording its owner ($owner) truncated mid-read: never a signal"
exit 0
