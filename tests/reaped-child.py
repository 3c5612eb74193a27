# SPDX-License-Identifier: GPL-2.0-or-later
# reaped-child.py PAGES: a parent that forks a child and reaps it the moment
# it exits (the case where /proc/CHILD is gone before pfx can read it).
# Prints "child=PID minflt=N majflt=N" (the child's /proc/PID/stat while it
# waits: what pfx's baseline sees).  Then, one line on stdin each: the
# child faults PAGES anonymous pages and prints "faulted"; the child exits
# and the parent, reaping it at once, prints "rusage minflt=N majflt=N"
# (wait4); the parent exits (it stays until then, since its cminflt is
# what tells pfx the count of a child reaped before pfx looked).
import mmap, os, sys

pages = int(sys.argv[1])
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(w)
    os.read(r, 1)
    m = mmap.mmap(-1, pages * 4096)
    for off in range(0, pages * 4096, 4096):
        m[off] = 1
    print('faulted', flush=True)
    os.read(r, 1)
    os._exit(0)
os.close(r)
# the child blocks in read() now: its counts do not move until the go
stat = ''
for _ in range(200):
    with open('/proc/%d/stat' % pid) as f:
        stat = f.read()
    if stat.rsplit(')', 1)[1].split()[0] == 'S':
        break
    os.sched_yield()
fields = stat.rsplit(')', 1)[1].split()
print('child=%d minflt=%s majflt=%s' % (pid, fields[7], fields[9]), flush=True)
sys.stdin.readline()
os.write(w, b'x')
sys.stdin.readline()
os.write(w, b'y')
_, status, ru = os.wait4(pid, 0)
print('rusage minflt=%d majflt=%d' % (ru.ru_minflt, ru.ru_majflt), flush=True)
sys.stdin.readline()
