# SPDX-License-Identifier: GPL-2.0-or-later
# t-record-diskfull: when the disk fills mid-recording, pfx record stops
# with one clear error and exit 1, and leaves no file (not even a
# temporary one) that could pass for a recording.
. "$top_srcdir/tests/lib.sh"
need_root

mnt="$TMP/small"
mkdir -p "$mnt"
# 128 KiB: less than the ~230 KB this recording takes (7.1 bytes a fault)
mount -t tmpfs -o size=128k pfx-test "$mnt" 2>/dev/null || skip "cannot mount a small tmpfs"
trap 'umount "$mnt" 2>/dev/null; rm -rf "$TMP"' EXIT
expect_exit 1 "$PFX" record -o "$mnt/r.data" -- "$PFX_LOAD" seq -s 128M
one_line_error
grep -q "No space left on device" "$TMP/err" || fail "unclear: $(cat "$TMP/err")"
[ -z "$(ls -A "$mnt")" ] || fail "files left on the full disk: $(ls -A "$mnt")"
echo ok
