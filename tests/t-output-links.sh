#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# t-output-links: root's output files are never written through a name
# another user planted.  An unprivileged user (nobody, via setpriv) plants
# links in a sticky world-writable directory (and in a directory of its
# own, where fs.protected_symlinks does not help) pointing at a loop
# device (or /dev/null) and at a root-owned file, and races a link swapper
# against 'pfx stat -o' and 'pfx record'.  The device and the file must be
# untouched; pfx either fails with one clear line or writes a new file.
. "${top_srcdir:-.}/tests/lib.sh"

need_root
command -v setpriv >/dev/null || skip "no setpriv (util-linux) to run as an unprivileged user"
id -u 65534 >/dev/null 2>&1 || skip "no user 65534 to plant links as"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# $TMP is 0700: the shared directories live in /tmp itself.
STICKY=$(mktemp -d /tmp/pfx-sticky.XXXXXX) || fail "mktemp failed"
OWNED=$(mktemp -d /tmp/pfx-owned.XXXXXX) || fail "mktemp failed"
chmod 1777 "$STICKY" && chown 65534:65534 "$OWNED" && chmod 0755 "$OWNED" || fail "chmod failed"
LOOP=
SWAPPER=
cleanup() {
	[ -n "$SWAPPER" ] && kill "$SWAPPER" 2>/dev/null
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null
	rm -rf "$TMP" "$STICKY" "$OWNED"
}
on_exit cleanup

# The device to aim at: a loop device over a file of known bytes, or
# /dev/null where loop devices are not available (a container).
head -c 1048576 /dev/urandom >"$TMP/disk"
if command -v losetup >/dev/null && LOOP=$(losetup -f --show "$TMP/disk" 2>/dev/null); then
	DEV=$LOOP
	dev_sum() { cksum <"$LOOP"; }
else
	LOOP=
	DEV=/dev/null
	note "no loop device; aiming at /dev/null"
	dev_sum() { stat -c '%F %t:%T' /dev/null; }
fi
DEV_SUM=$(dev_sum)
# A root-owned file nobody can read or write; a link to it can still be made.
VICTIM=$TMP/victim
echo "precious root data" >"$VICTIM"
VICTIM_SUM=$(cksum <"$VICTIM")

untouched() {
	[ "$(dev_sum)" = "$DEV_SUM" ] || fail "$1: $DEV was written"
	[ "$(cksum <"$VICTIM")" = "$VICTIM_SUM" ] || fail "$1: the root-owned file was written"
}

for dir in "$STICKY" "$OWNED"; do
	# 1. The default name, planted as a link to the device: the recording
	# replaces the link (a regular file pfx report reads); the device is
	# untouched.
	as_nobody ln -s "$DEV" "$dir/pfx.data" || fail "nobody cannot plant a link in $dir"
	(cd "$dir" && "$PFX" record -- /bin/true) >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "record with a planted pfx.data failed"; }
	untouched "record to a planted pfx.data in $dir"
	[ -f "$dir/pfx.data" ] && [ ! -L "$dir/pfx.data" ] || fail "pfx.data in $dir is not a regular file"
	"$PFX" report -i "$dir/pfx.data" >/dev/null 2>&1 || fail "the recording that replaced the link does not read"

	# 2. -o naming a link to the device: refused, one line, nothing written.
	as_nobody ln -s "$DEV" "$dir/named.data"
	expect_exit 1 "$PFX" record -o "$dir/named.data" -- /bin/true
	one_line_error
	grep -q 'symbolic link' "$TMP/err" || fail "unclear error: $(cat "$TMP/err")"
	untouched "record -o a link to $DEV"
	[ -L "$dir/named.data" ] || fail "the link was removed"

	# 3. -o naming a link to the root-owned file: the link is replaced by
	# the output, the file it pointed at keeps its bytes.
	as_nobody ln -s "$VICTIM" "$dir/s.csv"
	"$PFX" stat --format csv -o "$dir/s.csv" -- /bin/true 2>"$TMP/err" || { cat "$TMP/err"; fail "stat -o a link to a file failed"; }
	untouched "stat -o a link to a file"
	[ ! -L "$dir/s.csv" ] && grep -q '^total,' "$dir/s.csv" || fail "the output did not replace the link"

	# 4. A link swapped between the device (or /dev/null) and the root-owned
	# file while pfx opens it, over and over.  (Once root's output stands
	# in a sticky directory nobody cannot replace it: the test removes it
	# after each run so that the race goes on.)
	setpriv --reuid=65534 --regid=65534 --clear-groups sh -c \
		'while :; do ln -sfn "$1" "$3.n" && mv -Tf "$3.n" "$3"; ln -sfn "$2" "$3.n" && mv -Tf "$3.n" "$3"; done 2>/dev/null' \
		swapper "$DEV" "$VICTIM" "$dir/race" &
	SWAPPER=$!
	i=0 wrote=0 refused=0
	while [ $i -lt 60 ]; do
		if [ $((i % 10)) -eq 0 ]; then
			set -- record -o race -- /bin/true
		else
			set -- stat --format csv -o race -- /bin/true
		fi
		if (cd "$dir" && "$PFX" "$@") >/dev/null 2>"$TMP/err"; then
			wrote=$((wrote + 1))
		else
			one_line_error
			refused=$((refused + 1))
		fi
		rm -f "$dir/race"
		i=$((i + 1))
	done
	kill "$SWAPPER"; wait "$SWAPPER" 2>/dev/null; SWAPPER=
	untouched "racing link swapper in $dir"
	note "$dir: racing swapper: $wrote runs wrote a new file, $refused refused the link"
	rm -f "$dir/race" "$dir/race.n"
	leftovers=$(ls -A "$dir" | grep '\.tmp\.' || true)
	[ -z "$leftovers" ] || fail "temporary files left in $dir: $leftovers"
done

# A device or FIFO named with -o, not through a link, is still written in
# place (and not replaced).
"$PFX" stat -o /dev/null -- /bin/true || fail "-o /dev/null failed"
[ -c /dev/null ] || fail "-o /dev/null replaced /dev/null"
mkfifo "$TMP/fifo" || fail "mkfifo failed"
cat "$TMP/fifo" >"$TMP/from-fifo" &
"$PFX" stat --format csv -o "$TMP/fifo" -- /bin/true || fail "-o FIFO failed"
wait $!
[ -p "$TMP/fifo" ] && grep -q '^total,' "$TMP/from-fifo" || fail "the FIFO was not written in place"
# ...but the default name is never written in place: a FIFO planted as
# pfx.data is replaced, pfx does not block on it.
mkfifo "$TMP/pfx.data"
(cd "$TMP" && timeout 20 "$PFX" record -- /bin/true) >/dev/null 2>&1 || fail "record over a FIFO named pfx.data failed or blocked"
[ -f "$TMP/pfx.data" ] || fail "the FIFO pfx.data was not replaced by the recording"
exit 0
