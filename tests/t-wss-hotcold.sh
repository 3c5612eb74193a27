. "$top_srcdir/tests/lib.sh"
skip "being written"
