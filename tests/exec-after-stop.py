# SPDX-License-Identifier: GPL-2.0-or-later
# exec-after-stop.py: the target of t-record-tracefs-exec.sh.  Forks a shell
# that stops itself (SIGSTOP) and, once continued, execs python3 running
# this file with "child": it touches 16 MiB, forks a child that touches
# 32 MiB of its own, waits for it, and exits (with PFX_TEST_CHILD_GATE=FIFO
# set, it first prints "done" and waits for a line from FIFO).  The parent prints the
# shell's pid and its fault count while stopped ("pid=N base=M"), reaps it
# the moment it exits, and prints "rusage minflt=N majflt=N" (wait4);
# with PFX_TEST_GATE=FIFO, it then waits for a line there before exiting.
import mmap, os, sys

if len(sys.argv) > 1 and sys.argv[1] == 'child':
    m = mmap.mmap(-1, 16 << 20)
    for off in range(0, 16 << 20, 4096):
        m[off] = 1
    pid = os.fork()
    if pid == 0:
        n = mmap.mmap(-1, 32 << 20)
        for off in range(0, 32 << 20, 4096):
            n[off] = 1
        os._exit(0)
    os.waitpid(pid, 0)
    # with a gate, say so and wait for a line there before exiting (the
    # test stops pfx meanwhile: the parent then reaps this process first)
    gate = os.environ.get('PFX_TEST_CHILD_GATE')
    if gate:
        print('done', flush=True)
        with open(gate) as f:
            f.readline()
    sys.exit(0)

pid = os.fork()
if pid == 0:
    os.execvp('sh', ['sh', '-c', 'kill -STOP $$; exec python3 "$0" child', sys.argv[0]])
while True:
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    if fields[0] == 'T':
        break
    os.sched_yield()
print('pid=%d base=%d' % (pid, int(fields[7]) + int(fields[8])), flush=True)
_, status, ru = os.wait4(pid, 0)
print('rusage minflt=%d majflt=%d' % (ru.ru_minflt, ru.ru_majflt), flush=True)
# with a gate, stay until a second line: a parent that outlives its reap
# is what tells pfx the count of a child reaped before pfx looked
if os.environ.get('PFX_TEST_GATE'):
    with open(os.environ['PFX_TEST_GATE']) as f:
        f.readline()
