# SPDX-License-Identifier: GPL-2.0-or-later
# safe-text-prog.py DIR SECONDS: what t-safe-text runs as another user (an
# interpreter copied to a name that holds terminal escapes): its threads'
# names and the files it maps hold escape sequences (a title, hidden text,
# the clipboard), a newline, a C1 CSI and bytes that are no UTF-8, and it
# faults on them until SECONDS pass.  It writes DIR/ready once set up.
import mmap
import os
import sys
import threading
import time

# The names: \e]0;PWN\a would set the title, \n forge a row, \e[8m hide
# what follows, \e]52 write the clipboard, \xc2\x9b is a C1 CSI.
COMM = b"\x1b]0;PWN\x07\nFORGED"
THREADS = [b"\x1b[8mhidden", b"\x1b]52;c;aGk=\x07"]
FILE = b"\x1b]0;PWN\x07\nfake\xff\xc2\x9b\x1b[8m\x1b]52;c;aGk=\x07"
PAGE = mmap.PAGESIZE
PAGES = 64

d = os.fsencode(sys.argv[1])
end = time.time() + float(sys.argv[2])


def name(comm):
    with open("/proc/thread-self/comm", "wb") as f:
        f.write(comm[:15])


def touch(m, n):
    for i in range(0, n * PAGE, PAGE):
        m[i] = 1
    m.madvise(mmap.MADV_DONTNEED)	# fault again next time


def thread(comm):
    name(comm)
    m = mmap.mmap(-1, PAGES * PAGE)
    while time.time() < end:
        touch(m, PAGES)
        time.sleep(0.02)


def make(prefix):
    path = os.path.join(d, prefix + FILE)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    os.ftruncate(fd, PAGES * PAGE)
    return fd


held_fd, fresh_fd = make(b"held"), make(b"fresh")
held = mmap.mmap(held_fd, PAGES * PAGE)	# mapped before pfx looks
for c in THREADS:
    threading.Thread(target=thread, args=(c,), daemon=True).start()
name(COMM)
with open(os.path.join(d, b"ready"), "w") as f:
    f.write("%d\n" % os.getpid())
while time.time() < end:
    touch(held, PAGES)
    fresh = mmap.mmap(fresh_fd, PAGES * PAGE)	# mapped while pfx records
    touch(fresh, PAGES)
    fresh.close()
    time.sleep(0.02)
