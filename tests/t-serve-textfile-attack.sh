# SPDX-License-Identifier: GPL-2.0-or-later
# t-serve-textfile-attack: what another user can put in root's way of
# 'pfx serve --textfile'.  A FIFO at the name before start: refused with
# one line, at once (it used to block before listening).  A FIFO put there
# by nobody while it runs: that write is skipped with a warning, HTTP goes
# on answering (it used to stop), writes resume when it is gone.  The
# file's directory, in a sticky shared directory, swapped by nobody for a
# link to a root-only directory while pfx writes every second: nothing
# appears in the root-only directory, the writes go on in the directory
# pfx opened at start.  'pfx stat -o' rows written across the same swap
# land in the first directory too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/serve-lib.sh"

need_nobody
SHARED=$(mktemp -d /tmp/pfx-shared.XXXXXX) || fail "mktemp failed"
on_exit 'rm -rf "$SHARED"'
# nobody's own sticky directory: fs.protected_symlinks lets root follow
# nobody's links there (the link's owner owns the directory)
chown 65534:65534 "$SHARED" && chmod 1777 "$SHARED" || fail "chmod failed"

# --- a FIFO at the name before start: one line, exit 1, no wait
mkfifo "$TMP/fifo.prom"
expect_exit 1 timeout 10 "$PFX" serve -p $$ --textfile "$TMP/fifo.prom" -l 127.0.0.1:0
one_line_error
grep -q "cannot write '$TMP/fifo.prom': it is a FIFO.*needs a regular file" "$TMP/err" ||
	fail "FIFO at start: $(cat "$TMP/err")"
expect_exit 1 timeout 10 "$PFX" serve -p $$ --textfile "$TMP/fifo.prom" --interval-count 1
one_line_error
note "FIFO at start: $(cat "$TMP/err")"

# --- a FIFO swapped in by nobody while serving
as_nobody mkdir "$SHARED/tf"
serve_start -p $$ --textfile "$SHARED/tf/pfx.prom" -I 200
host=${SERVE_ADDR%:*} port=${SERVE_ADDR##*:}
sleep 0.5
[ -f "$SHARED/tf/pfx.prom" ] || fail "no textfile written"
# (a write may rename a new file in between the rm and the mkfifo: again)
i=0
until as_nobody sh -c "rm -f '$SHARED/tf/pfx.prom' && mkfifo -m 666 '$SHARED/tf/pfx.prom'" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "nobody could not plant the FIFO"
done
# a write is due every 0.2 s: the next one meets the FIFO
i=0; until grep -q "cannot write '$SHARED/tf/pfx.prom'" "$TMP/serve.err" || [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.4	# and two more
$CLIENT late "$host" "$port" 3 >"$TMP/late"
note "scrapes with the FIFO there: $(tr '\n' ',' <"$TMP/late")"
[ "$(grep -c '^ok ' "$TMP/late")" -eq 3 ] || fail "HTTP stopped answering with a FIFO at the textfile's name"
grep -q "warning: cannot write '$SHARED/tf/pfx.prom': it is a FIFO, device or socket" "$TMP/serve.err" ||
	fail "no warning for the FIFO: $(cat "$TMP/serve.err")"
[ -p "$SHARED/tf/pfx.prom" ] || fail "the FIFO was replaced (writes should skip it)"
as_nobody rm -f "$SHARED/tf/pfx.prom"
i=0; until { [ -f "$SHARED/tf/pfx.prom" ] && grep -q 'works again' "$TMP/serve.err"; } || [ $i -ge 50 ]; do
	sleep 0.1; i=$((i + 1))
done
[ -f "$SHARED/tf/pfx.prom" ] || fail "writes did not resume once the FIFO was gone"
grep -q "writing '$SHARED/tf/pfx.prom' works again" "$TMP/serve.err" || fail "no recovery said: $(cat "$TMP/serve.err")"
kill $SERVE_PID; wait $SERVE_PID || fail "exit $? on SIGTERM"

# --- the directory swapped for a link to a root-only directory
ROOTONLY=$TMP/rootonly
mkdir -m 0700 "$ROOTONLY"
as_nobody mkdir "$SHARED/d"
serve_start -p $$ --textfile "$SHARED/d/pfx.prom" -I 1000
"$PFX" stat -p $$ -o "$SHARED/d/stat.txt" 1 4 2>"$TMP/stat.err" & STAT=$!
started $STAT
sleep 0.5
[ -f "$SHARED/d/pfx.prom" ] || fail "no textfile written before the swap"
as_nobody sh -c "mv '$SHARED/d' '$SHARED/d.old' && ln -s '$ROOTONLY' '$SHARED/d'" || fail "nobody could not swap the directory"
swapped=$(date +%s)
sleep 2.7	# two or three writes after the swap
wait $STAT || fail "pfx stat -o: exit $?: $(cat "$TMP/stat.err")"
kill $SERVE_PID; wait $SERVE_PID || fail "exit $? on SIGTERM"
note "root-only directory after the swap: $(ls -A "$ROOTONLY" | tr '\n' ' ')"
[ -z "$(ls -A "$ROOTONLY")" ] || fail "root wrote into the root-only directory: $(ls -A "$ROOTONLY")"
[ -f "$SHARED/d.old/pfx.prom" ] && [ "$(stat -c %Y "$SHARED/d.old/pfx.prom")" -ge "$swapped" ] ||
	fail "the textfile writes did not go on in the directory opened at start"
[ -f "$SHARED/d.old/stat.txt" ] || fail "pfx stat -o did not finish its file in the directory it opened"
grep -q warning "$TMP/serve.err" && fail "writes after the swap failed: $(cat "$TMP/serve.err")"
echo ok
