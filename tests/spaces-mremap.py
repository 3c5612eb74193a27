# SPDX-License-Identifier: GPL-2.0-or-later
# spaces-mremap: byte arrays grown by realloc (mremap) past glibc's mmap
# threshold, dropped and made anew, next to short-lived large buffers: the
# pattern that left regions of one python3 overlapping (issue 20).
import random
random.seed(1)
bs = [bytearray() for _ in range(8)]
keep = []
for i in range(3000):
    b = bs[i % 8]
    b += b'x' * random.choice([4096, 65536, 300000])
    if len(b) > 40 << 20:
        bs[i % 8] = bytearray()
    if i % 7 == 0:
        keep.append(bytearray(random.choice([1 << 18, 1 << 20, 3 << 20])))
        if len(keep) > 20:
            keep.pop(random.randrange(len(keep)))
print(sum(len(b) for b in bs))
