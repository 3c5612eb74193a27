# SPDX-License-Identifier: GPL-2.0-or-later
# t-maps: 'pfx maps' on the real kernel.  pfx-load makes pages of a known
# state and pauses; every column is checked against the kernel's own
# figures in /proc/PID/smaps, read right after pfx while the target is
# still paused: RSS and SWAP of every mapping, THP against AnonHugePages,
# LOCKED against Locked, ZERO and RSS of a read-only region, SWAP of a
# region paged out to zram; without root the physical columns are '-'.
# Then every bad input: one clear line, exit 2 for usage, 1 at run time.
. "$top_srcdir/tests/lib.sh"

LOADS=
cleanup() {
	for p in $LOADS; do kill "$p" 2>/dev/null; done
	[ -n "${ZRAM_DEV:-}" ] && { swapoff "$ZRAM_DEV" 2>/dev/null; zramctl --reset "$ZRAM_DEV" 2>/dev/null; }
	rm -rf "$TMP"
}
on_exit cleanup

# start_load NAME [RUNNER...] -- PFX-LOAD-ARGS: start pfx-load in the
# background and wait for its report line (ready=wait for 'ready' instead).
# Sets LOAD_PID and LOAD_ADDR; returns 77 when pfx-load skips (says why).
start_load() {
	name=$1; shift
	runner=
	while [ "$1" != -- ]; do runner="$runner $1"; shift; done
	shift
	$runner "$PFX_LOAD" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	LOAD_PID=$!
	LOADS="$LOADS $LOAD_PID"
	i=0
	until grep -q '^pfx-load: ' "$TMP/$name.out"; do
		if ! kill -0 $LOAD_PID 2>/dev/null; then
			wait $LOAD_PID
			rc=$?
			[ $rc -eq 77 ] && { LOAD_SKIP=$(cat "$TMP/$name.err"); return 77; }
			cat "$TMP/$name.err"
			fail "pfx-load $* exited $rc before its report"
		fi
		i=$((i + 1))
		[ $i -lt 300 ] || fail "pfx-load $* printed nothing in 30 s"
		sleep 0.1
	done
	LOAD_ADDR=$(kv addr "$TMP/$name.out")
}

# pfx_rows JSON: "START SIZE RSS SWAP DIRTY THP LOCKED ZERO" (KiB, START
# without 0x, null for unknown) per mapping of pfx maps --format json
pfx_rows() {
	awk '/^\{"start":/ {
		n = split("start size_kib rss_kib swap_kib dirty_kib thp_kib locked_kib zero_kib", k, " ")
		out = ""
		for (i = 1; i <= n; i++) {
			v = "?"
			if (match($0, "\"" k[i] "\":[^,}]*")) {
				v = substr($0, RSTART + length(k[i]) + 3, RLENGTH - length(k[i]) - 3)
				gsub(/"/, "", v); sub(/^0x/, "", v)
			}
			out = out (i > 1 ? " " : "") v
		}
		print out
	}' "$1"
}

# smaps_rows PID: "START SIZE RSS SWAP LOCKED ANONHUGE" (KiB) per mapping
smaps_rows() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / {
		if (s != "") print s, size, rss, swap, locked, ahp
		split($1, a, "-"); s = a[1]; size = rss = swap = locked = ahp = 0; next
	}
	$1 == "Size:" { size = $2 } $1 == "Rss:" { rss = $2 } $1 == "Swap:" { swap = $2 }
	$1 == "Locked:" { locked = $2 } $1 == "AnonHugePages:" { ahp = $2 }
	END { if (s != "") print s, size, rss, swap, locked, ahp }' "/proc/$1/smaps"
}

# inspect NAME PID [RUNNER...]: pfx maps --format json, then smaps, both
# while the target is paused.  $TMP/NAME.pfx (rows), $TMP/NAME.smaps.
inspect() {
	name=$1 pid=$2; shift 2
	"$@" "$PFX" maps -p "$pid" --format json >"$TMP/$name.json" 2>"$TMP/$name.maps-err" ||
		{ cat "$TMP/$name.maps-err"; fail "$name: pfx maps -p $pid failed"; }
	smaps_rows "$pid" >"$TMP/$name.smaps"
	kill -0 "$pid" 2>/dev/null || fail "$name: pfx-load $pid exited before both readings were taken"
	if command -v jq >/dev/null; then
		jq -e . "$TMP/$name.json" >/dev/null || fail "$name: not valid JSON: $(head -c 300 "$TMP/$name.json")"
	fi
	pfx_rows "$TMP/$name.json" >"$TMP/$name.pfx"
	[ -s "$TMP/$name.pfx" ] || fail "$name: no mappings in $(head -c 300 "$TMP/$name.json")"
}

# same_as_smaps NAME: every mapping's START SIZE RSS SWAP equal in both
# readings, and the total row is their sum.
same_as_smaps() {
	awk '{ print $1, $2, $3, $4 }' "$TMP/$1.pfx" >"$TMP/$1.a"
	awk '{ print $1, $2, $3, $4 }' "$TMP/$1.smaps" >"$TMP/$1.b"
	diff "$TMP/$1.b" "$TMP/$1.a" >"$TMP/$1.diff" || { cat "$TMP/$1.diff"; fail "$1: START SIZE RSS SWAP differ from smaps (< smaps, > pfx)"; }
	sum=$(awk '{ s += $3 } END { print s }' "$TMP/$1.smaps")
	total=$(sed -n 's/^"total":{.*"rss_kib":\([0-9]*\).*/\1/p' "$TMP/$1.json")
	[ "$total" = "$sum" ] || fail "$1: total RSS '$total' is not the sum of the mappings' smaps Rss $sum"
}

# region NAME ADDR: the pfx row and the smaps row of the mapping holding ADDR
region() {
	REGION_PFX=$(awk -v a="$2" 'BEGIN { sub(/^0x/, "", a); a = sprintf("%016s", a) }
		{ s = sprintf("%016s", $1) } s <= a { r = $0 } END { print r }' "$TMP/$1.pfx")
	start=${REGION_PFX%% *}
	REGION_SMAPS=$(awk -v s="$start" '$1 == s' "$TMP/$1.smaps")
	[ -n "$REGION_PFX" ] && [ -n "$REGION_SMAPS" ] || fail "$1: no mapping holds $2"
}
col() { echo "$1" | awk -v n="$2" '{ print $n }'; }
# region_is NAME COLUMN KIB WHAT: column COLUMN of the region's pfx row is KIB
region_is() {
	got=$(col "$REGION_PFX" "$2")
	[ "$got" = "$3" ] || fail "$1: region $4 $got KiB, expected $3"
}

need_root	# PFNs and kpageflags (the physical columns), mlock, zram swap

# --- 1. 64 MiB written: every page resident and dirty; every mapping as smaps ---
start_load seq -- seq -s 64M --pause-end 4000
inspect seq $LOAD_PID
same_as_smaps seq
region seq "$LOAD_ADDR"
region_is seq 2 65536 SIZE
region_is seq 3 65536 "RSS (every page written)"
region_is seq 5 65536 DIRTY
region_is seq 8 0 ZERO
grep -q "^{\"start\":\"0x$(col "$REGION_PFX" 1)\",.*\"perm\":\"rw-p\",\"kind\":\"anon\"," "$TMP/seq.json" ||
	fail "seq: region is not an anon rw-p mapping: $(grep "$(col "$REGION_PFX" 1)" "$TMP/seq.json")"
grep -q '"kind":"stack","path":"\[stack\]"' "$TMP/seq.json" || fail "seq: no [stack] of kind stack"
[ ! -s "$TMP/seq.maps-err" ] || fail "seq: pfx maps as root said: $(cat "$TMP/seq.maps-err")"

# Text and CSV give the same region row.
expect_exit 0 "$PFX" maps -p $LOAD_PID
grep -q "^$(col "$REGION_PFX" 1) .* rw-p anon  *65536  *65536  *0  *65536  *0  *0  *0 *\$" "$TMP/out" ||
	{ cat "$TMP/out"; fail "text: no region row"; }
grep -q '^total ' "$TMP/out" || fail "text: no total row"
expect_exit 0 "$PFX" maps -p $LOAD_PID --format csv -o "$TMP/seq.csv"
[ ! -s "$TMP/out" ] || fail "-o: output also went to stdout"
head -n 1 "$TMP/seq.csv" | grep -qx 'scope,start,end,perm,kind,size_kib,rss_kib,swap_kib,dirty_kib,thp_kib,locked_kib,zero_kib,path' ||
	fail "csv header: $(head -n 1 "$TMP/seq.csv")"
grep -q "^mapping,0x$(col "$REGION_PFX" 1),0x[0-9a-f]*,rw-p,anon,65536,65536,0,65536,0,0,0,\$" "$TMP/seq.csv" ||
	fail "csv: no region row"
[ "$(grep -c '^mapping,' "$TMP/seq.csv")" -eq "$(wc -l <"$TMP/seq.pfx")" ] || fail "csv and json row counts differ"
ls "$TMP" | grep -q 'seq.csv.tmp' && fail "temporary file left behind"

# --- 2. THP: the THP column is smaps AnonHugePages ---
if start_load thp -- thp -s 8M --pause-end 4000; then
	inspect thp $LOAD_PID
	same_as_smaps thp
	region thp "$LOAD_ADDR"
	ahp=$(col "$REGION_SMAPS" 6)
	[ "$(col "$REGION_PFX" 6)" = "$ahp" ] || fail "thp: THP $(col "$REGION_PFX" 6) KiB, smaps AnonHugePages $ahp KiB"
	if [ "$ahp" -gt 0 ]; then
		region_is thp 3 8192 RSS
		note "thp: THP = smaps AnonHugePages = $ahp KiB"
	else
		note "thp: the kernel gave no huge page this time (fragmented memory?): only 0 = 0 checked"
	fi
else
	note "THP not checked: $LOAD_SKIP"
fi

# --- 3. mlock: LOCKED is the region and smaps Locked ---
if start_load lock -- seq -s 16M --lock --pause-end 4000; then
	inspect lock $LOAD_PID
	same_as_smaps lock
	region lock "$LOAD_ADDR"
	region_is lock 7 16384 LOCKED
	[ "$(col "$REGION_SMAPS" 5)" = 16384 ] || fail "lock: smaps Locked $(col "$REGION_SMAPS" 5) KiB, expected 16384"
	note "lock: LOCKED = smaps Locked = 16384 KiB"
	unlocked=$(awk -v s="$(col "$REGION_PFX" 1)" '$1 != s { t += $7 } END { print t + 0 }' "$TMP/lock.pfx")
	[ "$unlocked" = 0 ] || fail "lock: $unlocked KiB LOCKED outside the locked region"
else
	note "LOCKED not checked: $LOAD_SKIP"
fi

# distinct_pfns PID ADDR PAGES: how many different page frames the present
# pages of [ADDR, ADDR + PAGES pages) map to (root reads PFNs in pagemap).
# Compares the low 52 bits of each entry whose present bit (63) is set.
distinct_pfns() {
	dd if="/proc/$1/pagemap" bs=8 skip=$(($2 / 4096)) count="$3" 2>/dev/null |
		od -An -v -tx8 -w8 | awk '{ e = $1 } substr(e, 1, 1) ~ /[89a-f]/ { seen[substr(e, 4)] = 1 }
			END { n = 0; for (k in seen) n++; print n }'
}

# zero_expect NAME PID ADDR KIB: what a read of untouched anonymous memory
# got on this kernel, told by its PFNs: one shared frame is the zero page
# (ZERO = KIB, RSS 0); as many frames as pages is memory of its own
# (RSS = KIB, ZERO 0).  Some kernels give each read its own page.
zero_expect() {
	pfns=$(distinct_pfns "$2" "$(($3))" $(($4 / 4)))
	if [ "$pfns" = 1 ]; then
		note "$1: the kernel mapped the shared zero page"
		region_is "$1" 8 "$4" ZERO
		region_is "$1" 3 0 RSS
	elif [ "$pfns" = $(($4 / 4)) ]; then
		note "$1: the kernel gave each read page its own frame (no zero page)"
		region_is "$1" 3 "$4" RSS
		region_is "$1" 8 0 ZERO
	else
		fail "$1: $pfns distinct frames for $(($4 / 4)) read pages"
	fi
}

# --- 4. read only: the zero page where the kernel maps it, else own pages ---
start_load zero -- zero -s 16M --pause-end 4000
inspect zero $LOAD_PID
same_as_smaps zero
region zero "$LOAD_ADDR"
zero_expect zero $LOAD_PID "$LOAD_ADDR" 16384

# --- 5. swap: a region paged out to zram (pfx-load waits before touching it again) ---
if zram_swap_on 256M; then
	start_load swap -- swap -s 32M --wait-start
	inspect swap $LOAD_PID
	same_as_smaps swap
	row=$(awk '$2 == 32768' "$TMP/swap.pfx")
	[ "$(echo "$row" | wc -l)" -eq 1 ] && [ -n "$row" ] || fail "swap: not one 32768 KiB mapping: $row"
	swapped=$(col "$row" 4)
	[ "$swapped" -ge 16384 ] || fail "swap: SWAP $swapped KiB of the 32 MiB region after MADV_PAGEOUT (pfx-load: $(cat "$TMP/swap.out"))"
	[ $((swapped + $(col "$row" 3))) -le 32768 ] || fail "swap: SWAP + RSS over the region size"
	note "swap: SWAP = smaps Swap = $swapped KiB of 32768 (RSS $(col "$row" 3) KiB)"
	kill -USR1 $LOAD_PID
	wait $LOAD_PID || fail "pfx-load swap failed after SIGUSR1"
	# Shared anonymous memory (python3, a real program) paged out: its swap
	# is in the shmem page cache, which pagemap does not show.
	if command -v python3 >/dev/null; then
		cat >"$TMP/shswap.py" <<'PY'
import ctypes, mmap, time
n = 32 << 20
m = mmap.mmap(-1, n, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)
for i in range(0, n, 4096):
    m[i] = 1
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
rc = ctypes.CDLL(None).madvise(ctypes.c_void_p(addr), ctypes.c_size_t(n), 21)  # MADV_PAGEOUT
print("pfx-load: python addr=%#x madvise=%d" % (addr, rc), flush=True)
time.sleep(6)
PY
		python3 "$TMP/shswap.py" >"$TMP/shswap.out" &
		LOAD_PID=$!
		LOADS="$LOADS $LOAD_PID"
		i=0
		until grep -q addr= "$TMP/shswap.out"; do i=$((i + 1)); [ $i -lt 100 ] || fail "python3 did not start"; sleep 0.1; done
		inspect shswap $LOAD_PID
		same_as_smaps shswap
		region shswap "$(kv addr "$TMP/shswap.out")"
		note "shared anonymous: SWAP = smaps Swap = $(col "$REGION_PFX" 4) KiB of 32768 (RSS $(col "$REGION_PFX" 3))"
		[ "$(col "$REGION_PFX" 4)" -gt 0 ] || note "shared anonymous: nothing was swapped out (MADV_PAGEOUT: $(cat "$TMP/shswap.out"))"
	fi
else
	note "SWAP of swapped pages not checked: no zram swap could be set up (no zram in this kernel)"
fi

# --- 6. without CAP_SYS_ADMIN: physical columns '-', said once; RSS and SWAP still exact ---
if command -v setpriv >/dev/null; then
	asnobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	start_load nobody $asnobody -- seq -s 8M --pause-end 4000
	inspect nobody $LOAD_PID $asnobody
	same_as_smaps nobody
	[ "$(wc -l <"$TMP/nobody.maps-err")" -eq 1 ] || fail "nobody: expected one note, got: $(cat "$TMP/nobody.maps-err")"
	grep -q "^pfx: warning: DIRTY, THP, LOCKED and ZERO are unknown ('-'): .*CAP_SYS_ADMIN" "$TMP/nobody.maps-err" ||
		fail "nobody: note: $(cat "$TMP/nobody.maps-err")"
	[ "$(awk '$5 != "null" || $6 != "null" || $7 != "null" || $8 != "null"' "$TMP/nobody.pfx" | wc -l)" -eq 0 ] ||
		fail "nobody: physical columns not null"
	grep -q '"physical":false' "$TMP/nobody.json" || fail "nobody: header does not say physical false"
	region nobody "$LOAD_ADDR"
	region_is nobody 3 8192 RSS
	expect_exit 0 $asnobody "$PFX" maps -p $LOAD_PID
	grep -q " 8192  *8192  *0  *-  *-  *-  *- *\$" "$TMP/out" || { cat "$TMP/out"; fail "nobody: text row"; }
	# Zero-page runs without PFNs: PAGEMAP_SCAN (6.7+) still tells them, so RSS stays 0.
	if [ "$(uname -r | awk -F. '{ print ($1 > 6 || ($1 == 6 && $2 >= 7)) }')" = 1 ]; then
		start_load nobodyzero $asnobody -- zero -s 8M --pause-end 4000
		inspect nobodyzero $LOAD_PID $asnobody
		same_as_smaps nobodyzero
		region nobodyzero "$LOAD_ADDR"
		if [ "$(distinct_pfns $LOAD_PID "$((LOAD_ADDR))" 2048)" = 1 ]; then
			region_is nobodyzero 3 0 RSS
		else
			region_is nobodyzero 3 8192 RSS
		fi
	fi
	# Someone else's process: refused, one line.
	expect_exit 1 $asnobody "$PFX" maps -p $$
	one_line_error
	grep -q "not allowed to read /proc/$$/pagemap (.*); run pfx as root or as the owner of process $$" "$TMP/err" ||
		fail "other user's process: $(cat "$TMP/err")"
else
	note "setpriv missing: the run without CAP_SYS_ADMIN not checked"
fi

# --- 7. bad input ---
usage_error() { # PATTERN ARGS...
	pattern=$1; shift
	expect_exit 2 "$PFX" maps "$@"
	one_line_error
	grep -q "$pattern" "$TMP/err" || fail "'pfx maps $*': unclear error: $(cat "$TMP/err")"
}
usage_error "which process? give -p PID" 
usage_error "unknown format 'xml'; use text, json or csv" --format xml -p $$
usage_error "invalid PID 'abc'" -p abc
usage_error "invalid PID '0'" -p 0
usage_error "option '-p' needs a value; see 'pfx maps --help'" -p
usage_error "unknown option '--frobnicate'; see 'pfx maps --help'" --frobnicate -p $$
usage_error "unexpected argument 'extra'" -p $$ extra
usage_error "does not run commands; start the command, then give its PID with -p" -p $$ -- true

expect_exit 1 "$PFX" maps -p 999999999 -o "$TMP/none.json"
one_line_error
grep -qx "pfx: process 999999999 does not exist (or exited); check the PID" "$TMP/err" || fail "no such PID: $(cat "$TMP/err")"
[ ! -e "$TMP/none.json" ] || fail "a file was left for a failed run"
sh -c 'exit 0' & gone=$!
wait $gone
expect_exit 1 "$PFX" maps -p $gone
one_line_error
grep -q "process $gone does not exist" "$TMP/err" || fail "dead PID: $(cat "$TMP/err")"
if [ "$(cat /proc/2/comm 2>/dev/null)" = kthreadd ]; then
	expect_exit 1 "$PFX" maps -p 2
	one_line_error
	grep -q "process 2 (kthreadd) is a kernel thread: it has no user memory" "$TMP/err" || fail "kernel thread: $(cat "$TMP/err")"
fi
expect_exit 1 "$PFX" maps -p $$ -o /nonexistent/dir/maps.json
one_line_error
grep -q "cannot create '/nonexistent/dir/maps.json'" "$TMP/err" || fail "unwritable output: $(cat "$TMP/err")"
echo ok
