# SPDX-License-Identifier: GPL-2.0-or-later
"""spaces-check: the region rows of a pfx report (JSON) against issue 12.

usage: spaces-check.py REPORT.json [PID MAPS]
Prints the faults, the unknown ones and the sum of the rows; every pair of
regions of one process that overlap in address while both were mapped
("overlap at one time"); with PID and a copy of its /proc/PID/maps taken
at the end, every region of PID still mapped that /proc does not show
(named: the same name on adjacent lines, mprotect() splits announce
nothing; anonymous: within anonymous lines)."""
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["regions"]
total = d["totals"]["faults"]
unknown = sum(r["faults"] for r in rows if r["kind"] == "unknown")
print("faults %d rows %d unknown %d sum %d" % (total, len(rows), unknown, sum(r["faults"] for r in rows)))
bad = 0
by = {}
for r in rows:
    if r["kind"] != "unknown":
        by.setdefault(r["pid"], []).append(r)
inf = float("inf")
for pid, l in by.items():
    l.sort(key=lambda r: int(r["start"], 16))
    for i, a in enumerate(l):
        a0, a1 = int(a["start"], 16), int(a["end"], 16)
        ea = inf if a["unmapped_ns"] is None else a["unmapped_ns"]
        for b in l[i + 1:]:
            b0, b1 = int(b["start"], 16), int(b["end"], 16)
            if b0 >= a1:
                break
            eb = inf if b["unmapped_ns"] is None else b["unmapped_ns"]
            if a["mapped_ns"] < eb and b["mapped_ns"] < ea:
                bad += 1
                print("overlap at one time: pid %d %s-%s %r and %s-%s %r" % (pid, a["start"], a["end"], a["path"], b["start"], b["end"], b["path"]))
print("overlapping %d" % bad)
if len(sys.argv) > 3:
    pid = int(sys.argv[2]); maps = []
    for line in open(sys.argv[3]):
        f = line.split(None, 5)
        s, e = (int(x, 16) for x in f[0].split("-"))
        maps.append((s, e, f[5].strip() if len(f) > 5 else ""))
    miss = 0
    for r in by.get(pid, []):
        if r["unmapped_ns"] is not None:
            continue
        s, e = int(r["start"], 16), int(r["end"], 16)
        # covered by consecutive maps lines of the same name (mprotect splits no record announces)
        path = r["path"]
        cov = [m for m in maps if m[0] < e and s < m[1]]
        ok = cov and cov[0][0] <= s and cov[-1][1] >= e and all(m[2] == (path if path else m[2]) for m in cov) \
            and all(cov[i][1] == cov[i + 1][0] for i in range(len(cov) - 1))
        if r["kind"] == "anon" and ok:
            ok = all(m[2] == "" for m in cov)
        if not ok:
            miss += 1
            print("not as /proc had it: %s-%s %r %s faults; maps: %r" % (r["start"], r["end"], path, r["faults"], [(hex(a), hex(b), c) for a, b, c in cov]))
    print("unmatched %d of %d" % (miss, len(by.get(pid, []))))
