# SPDX-License-Identifier: GPL-2.0-or-later
# advise-randread.py FILE [warm]: read one byte of a quarter of FILE's pages
# in a seeded random order through mmap, its page cache dropped first
# (posix_fadvise DONTNEED) unless "warm": t-advise's cold random file read.
import mmap
import os
import random
import sys

fd = os.open(sys.argv[1], os.O_RDONLY)
if len(sys.argv) < 3 or sys.argv[2] != "warm":
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
pages = len(m) // mmap.PAGESIZE
random.seed(1)
total = 0
for p in random.sample(range(pages), pages // 4):
    total += m[p * mmap.PAGESIZE]
print("advise-randread: pages=%d read=%d sum=%d" % (pages, pages // 4, total))
