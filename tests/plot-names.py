# SPDX-License-Identifier: GPL-2.0-or-later
# plot-names.py: what an unprivileged user does to root's 'pfx plot' (run as
# nobody by t-plot-names.sh): creates a file of each NAME in DIR (a name
# with '/' gets the directories before its last part), maps each privately
# and writes to each of its pages (a fault per page), ROUNDS times, each
# time a new mapping; then, if HOLD is not 0, maps them all once more,
# writes to them, says "ready" on stdout and sleeps HOLD seconds while they
# stay mapped (for pfx maps).
#
#   python3 plot-names.py DIR ROUNDS HOLD NAME...
import mmap
import os
import sys
import time

PAGES = 256
top, rounds, hold, names = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
paths = []
for name in names:
    path = os.path.join(top, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(b'\1' * PAGES * 4096)
    paths.append(path)


def touch(path):
    with open(path, 'rb') as f:
        m = mmap.mmap(f.fileno(), PAGES * 4096, access=mmap.ACCESS_COPY)
    for i in range(PAGES):
        m[i * 4096] = 2
    return m


for _ in range(rounds):
    for path in paths:
        touch(path).close()
if hold > 0:
    held = [touch(path) for path in paths]
    print('ready', flush=True)
    time.sleep(hold)
