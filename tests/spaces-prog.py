# SPDX-License-Identifier: GPL-2.0-or-later
# spaces-prog: a python3 program for t-record-spaces: small and large
# buffers, an anonymous mmap, a list and a string that grow (realloc,
# mremap), a forked child that touches its own memory; then a copy of its
# own /proc/self/maps into argv[1], taken after the last allocation.
import mmap, os, sys, time
b = [bytearray(1 << 16) for i in range(300)]
big = bytearray(32 << 20)
m = mmap.mmap(-1, 8 << 20); m[::4096] = b"x" * (8 << 20 >> 12)
l = list(range(300000)); s = "y" * (1 << 22)
pid = os.fork()
if pid == 0:
    c = bytearray(4 << 20); os._exit(0)
os.waitpid(pid, 0)
open(sys.argv[1], "w").write(open("/proc/self/maps").read())
time.sleep(0.2)
