#!/usr/bin/env python3
"""Copies three captures a/, b/, c/ (about 1 s apart) of a few processes' scheduler files
from the live /proc: for each process, proc/PID/{stat,schedstat} and every thread's
proc/PID/task/TID/{stat,schedstat}, plus proc/uptime. Each file is read once, all files of a
capture back to back. Between captures the load changes on purpose: after a/ a new process
starts; after b/ one exits, and the threaded load starts a new thread while another ends.

Usage: capture.py OUTDIR PID...   (the load's PIDs; pid 1 and 2 are added)
"""
import os, sys, time, signal

out, pids = sys.argv[1], [int(p) for p in sys.argv[2:]]
pids = sorted(set([1, 2] + pids))

def copy(src, dst):
    try:
        with open(src, 'rb') as f:
            b = f.read()
    except OSError:
        return False
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, 'wb') as f:
        f.write(b)
    return True

def capture(snap, pids):
    root = os.path.join(out, snap, 'proc')
    copy('/proc/uptime', os.path.join(root, 'uptime'))
    for pid in pids:
        base = '/proc/%d' % pid
        for name in ('stat', 'schedstat'):
            copy(os.path.join(base, name), os.path.join(root, str(pid), name))
        try:
            tids = sorted(int(t) for t in os.listdir(base + '/task'))
        except OSError:
            continue
        for tid in tids:
            for name in ('stat', 'schedstat'):
                copy('%s/task/%d/%s' % (base, tid, name), os.path.join(root, str(pid), 'task', str(tid), name))

capture('a', pids)
newp = os.spawnvp(os.P_NOWAIT, 'sleep', ['sleep', '30'])
time.sleep(1)
capture('b', pids + [newp])
os.kill(newp, signal.SIGKILL)
os.waitpid(newp, 0)
for p in pids:
    try:
        if open('/proc/%d/comm' % p).read().strip() == 'python3':
            os.kill(p, signal.SIGUSR1)   # the threaded load: one thread ends, one starts
    except OSError:
        pass
time.sleep(1)
capture('c', pids + [newp])
