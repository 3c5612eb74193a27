# SPDX-License-Identifier: GPL-2.0-or-later
# t-advise-sqlite: a real program reading a cold database at random.
# sqlite3 reads its file with read(2) unless PRAGMA mmap_size maps it;
# mapped, 3,000 random rowid lookups in a cold ~80 MiB database fault the
# file in from storage: pfx advise names the file-major finding first,
# the database named, with the numbers pfx report gives for that region;
# the same lookups with the database cached: no file-major finding.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/record-lib.sh"
. "$top_srcdir/tests/advise-lib.sh"

command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
command -v python3 >/dev/null || skip "python3 is not installed (it drops the file's page cache)"
need_perf_sampling

# pages in memory-backed filesystems are never read from storage
case $(stat -f -c %T "$TMP") in tmpfs|ramfs) skip "$TMP is in memory ($(stat -f -c %T "$TMP")): no storage to read from; set TMPDIR to a disk" ;; esac
DB="$TMP/t.db"
# 100,000 rows of 800 bytes: ~80 MiB, one row per ~5 4 KiB pages' worth
sqlite3 "$DB" "PRAGMA page_size = 4096; CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
  INSERT INTO t SELECT i, randomblob(800) FROM n;" || fail "sqlite3 could not build the database"
QUERY='PRAGMA mmap_size = 268435456;
  WITH RECURSIVE n(i, r) AS (SELECT 1, abs(random()) % 100000 + 1
    UNION ALL SELECT i + 1, abs(random()) % 100000 + 1 FROM n WHERE i < 3000)
  SELECT count(substr(v, 800, 1)) FROM n JOIN t ON t.k = n.r;'

# cold: written back, then dropped from the page cache for this file only
# (POSIX_FADV_DONTNEED; the host's drop_caches is not touched)
cold() {
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.fsync(fd)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$DB" || fail "posix_fadvise failed"
	if command -v fincore >/dev/null; then
		res=$(fincore --bytes --noheadings --output RES "$DB" | tr -d ' ')
		# a tmpfs TMPDIR keeps its pages: there is no storage to read from
		[ "$res" -lt 1048576 ] || skip "$DB stays cached after POSIX_FADV_DONTNEED ($res bytes; a tmpfs TMPDIR?)"
	fi
}

cold
"$PFX" record -o "$TMP/r.data" -- sqlite3 "$DB" "$QUERY" >"$TMP/sql.out" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "pfx record -- sqlite3 failed"; }
grep -qx 3000 "$TMP/sql.out" || fail "sqlite3 did not find 3000 rows: $(cat "$TMP/sql.out")"
# the faults wait for storage; most count as minor (readahead's pages
# around a major one): their latency tells them from cache hits
has_latency "$TMP/r.data" || skip "no fault latency recorded (exceptions:page_fault_user denied): the cold reads cannot be told slow"
advise_json
first_is file-major "sqlite3 cold random lookups"
[ "$(jqa '.findings[0].region.path')" = "$DB" ] ||
	fail "sqlite3: the finding names $(jqa '.findings[0].region.path'), not the database"
[ "$(jqa '.findings[0].region.major')" -gt 0 ] || fail "sqlite3: no major fault in the database's region"
[ "$(jqa '.findings[0].try')" = willneed ] || fail "sqlite3: remedy $(jqa '.findings[0].try'), expected willneed"
# the average time per fault it names is the report's for the region
avg=$(jq -r --arg s "$(jqa '.findings[0].region.start')" \
	'[.regions[] | select(.start == $s)][0].latency_avg_ns' "$TMP/rep.json")
us=$(awk -v n="$avg" 'BEGIN { printf "%.1f", n / 1000 }')
jqa '.findings[0].saw' | grep -qF "major (reads from storage), $us us each on average" ||
	fail "sqlite3: the finding's average is not the report's $avg ns: $(jqa '.findings[0].saw')"
note "sqlite3 cold: $(jqa '.findings[0].region.faults') faults, $(jqa '.findings[0].region.major') major, $us us each"

# ... and through 'pfx advise -- CMD', in text: the finding first, the file named
cold
"$PFX" advise -- sqlite3 "$DB" "$QUERY" >"$TMP/adv.txt" 2>"$TMP/adv.err" ||
	{ cat "$TMP/adv.err"; fail "pfx advise -- sqlite3 failed"; }
first=$(grep -m1 '^1\. ' "$TMP/adv.txt")
case $first in "1. file-major:"*) ;; *) cat "$TMP/adv.txt"; fail "pfx advise -- sqlite3: first finding: $first" ;; esac
grep -A1 -m1 '^1\. ' "$TMP/adv.txt" | grep -qF "$DB" || fail "pfx advise -- sqlite3: the database is not named"

# warm: the same lookups with the database cached: no file-major finding
cat "$DB" >/dev/null
"$PFX" record -o "$TMP/r.data" -- sqlite3 "$DB" "$QUERY" >"$TMP/sql.out" 2>"$TMP/rec.err" ||
	{ cat "$TMP/rec.err"; fail "pfx record -- sqlite3 (warm) failed"; }
advise_json
no_rule file-major "sqlite3 warm random lookups"
exit 0
