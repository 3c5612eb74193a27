# SPDX-License-Identifier: GPL-2.0-or-later
# advise-thrash.py FILE [PASSES]: read one byte of every page of FILE
# through mmap, PASSES times (default 3), from a cold cache (its pages
# dropped first: posix_fadvise DONTNEED) and without readahead
# (MADV_RANDOM), so each page not kept between passes faults again:
# t-advise-cgroup's process over its cgroup's memory limit.
import mmap
import os
import sys

fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
m = mmap.mmap(fd, 0, prot=mmap.PROT_READ)
m.madvise(mmap.MADV_RANDOM)
passes = int(sys.argv[2]) if len(sys.argv) > 2 else 3
total = 0
for _ in range(passes):
    total += sum(m[off] for off in range(0, len(m), mmap.PAGESIZE))
print("advise-thrash: pages=%d passes=%d sum=%d" % (len(m) // mmap.PAGESIZE, passes, total))
