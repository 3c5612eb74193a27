# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-regions: every fault of a real program lands in a mapping, even
# memory that no MMAP record announced.
#   python3 grows a bytearray by 1 MiB a hundred times: glibc's realloc moves
#     and grows it with mremap(), which sends no MMAP record.  pfx learns the
#     new place from the mremap tracepoints (or, without them, by reading
#     /proc/PID/maps again for a fault outside every known mapping).
#   sh runs ls 20 times: each child's faults before and after its exec land
#     in mappings read from its /proc while it lived.
# Faults outside every mapping may only come from processes that exited
# before they could be read, one row per process: here at most 1%.  The
# region rows add up to the totals.  Without the mremap tracepoints (a
# user: remaps_known in lib.sh) more than 1% is noted, not failed: a buffer moved
# again, or an ls gone, before pfx re-reads /proc has no mapping left.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"

# unknown_share FILE: "UNKNOWN TOTAL" faults
unknown_share() {
	report_json "$1"
	jq -r '"\([.regions[] | select(.kind == "unknown") | .minor + .major] | add // 0) \(.totals.faults)"' "$TMP/rep.json"
}
rows_add_up() {
	[ "$(jq '[.regions[] | .minor + .major] | add' "$TMP/rep.json")" = "$(jq .totals.faults "$TMP/rep.json")" ] ||
		fail "$1: the region rows do not add up to the totals"
	jq -e '[.regions[] | select(.kind == "unknown") | has("pid")] | all' "$TMP/rep.json" >/dev/null ||
		fail "$1: an unknown row does not name its process"
}

if command -v python3 >/dev/null; then
	cat >"$TMP/grow.py" <<'PY'
b = bytearray()
for i in range(100):
    b += b"x" * (1 << 20)
PY
	expect_exit 0 "$PFX" record -o "$TMP/py.data" -- python3 "$TMP/grow.py"
	set -- $(unknown_share "$TMP/py.data")
	note "python grow: $1 of $2 faults outside every mapping; events: $(jq -r .events "$TMP/rep.json")"
	rows_add_up python
	# The 100 MiB buffer's faults sit in anonymous rows, not in one bogus span.
	anon=$(jq '[.regions[] | select(.kind == "anon") | .minor + .major] | add' "$TMP/rep.json")
	if [ $(($1 * 100)) -gt "$2" ] || [ "$anon" -lt 25600 ]; then
		remaps_known "$TMP/rep.json" &&
			fail "python grow: $1 of $2 faults unattributed (more than 1%), or only $anon in anonymous memory for a 100 MiB buffer"
		note "python grow: $anon faults in anonymous memory, $1 unattributed: no mremap tracepoints (root only), not checked"
	fi
else
	note "python3 not installed: the mremap part not run"
fi

expect_exit 0 "$PFX" record -o "$TMP/sh.data" -- sh -c 'for i in $(seq 20); do ls /usr/bin >/dev/null; done'
set -- $(unknown_share "$TMP/sh.data")
note "sh + 20 ls: $1 of $2 faults outside every mapping ($(jq '[.regions[] | select(.kind == "unknown")] | length' "$TMP/rep.json") exited processes)"
if [ $(($1 * 100)) -gt "$2" ]; then
	remaps_known "$TMP/rep.json" && fail "sh loop: $1 of $2 faults unattributed (more than 1%)"
	note "sh loop: more than 1% unattributed: no mremap tracepoints (root only), not checked"
fi
rows_add_up "sh loop"
echo ok
