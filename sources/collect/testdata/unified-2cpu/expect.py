#!/usr/bin/env python3
"""Expected scheduler-fallback counters when the procs walk feeds the fallback (collect's
TestSchedstatUnified), computed from the files with the documented rules, not from ktop's code.

Every pass (a/, b/, c/) takes one observation per thread from the procs walk (the kernel has
no /proc/schedstat, so the feed is wanted from the first pass, which only sets baselines):
  - a process is multi-threaded once its stat, when read, said num_threads > 1;
  - a process moved when its schedstat (single-threaded) or any thread's schedstat or its set of
    threads (multi-threaded) changed since the previous pass; only then (or when new) is its
    proc/PID/stat read again, otherwise the last read values stand;
  - single-threaded: tid = pid, start/cpu/state from the process's stat, counters from
    proc/PID/schedstat;
  - multi-threaded: counters from task/TID/schedstat; the leader's start/cpu/state from
    proc/PID/stat; another thread's from task/TID/stat, read when the thread is first observed
    or its counters changed, otherwise the last read values stand.
Each thread's increase over its previous pass (same tid and start) goes to its cpu; a thread
new after the first pass counts in full; state R counts as runnable on its cpu.
"""
import os

def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None

def stat_fields(text):
    rest = text[text.rindex(')') + 2:].split()
    # rest[0] is field 3
    return {'state': rest[0], 'threads': int(rest[17]), 'start': int(rest[19]), 'cpu': int(rest[36])}

def sched(text):
    return tuple(int(x) for x in text.split()[:3])

def pids(root):
    return sorted(int(p) for p in os.listdir(root) if p.isdigit())

cum = {0: [0, 0, 0], 1: [0, 0, 0]}
tasks = {}          # (tid, start) -> counters at the previous pass
procs = {}          # the procs walk's memory of each process
for snap in ('a', 'b', 'c'):
    root = snap + '/proc'
    obs = []
    seen = {}
    for pid in pids(root):
        p = procs.get(pid)
        fresh = p is None
        if fresh:
            p = {'stat': None, 'multi': False}
        moved = fresh
        if not fresh and not p['multi']:
            s = sched(read('%s/%d/schedstat' % (root, pid)))
            moved = s != p['sched']
            p['sched'] = s
        elif not fresh:
            live = {tid: sched(read('%s/%d/task/%d/schedstat' % (root, pid, tid)))
                    for tid in sorted(int(t) for t in os.listdir('%s/%d/task' % (root, pid)))}
            if set(live) != set(p['threads']):
                moved = True
            nt = {}
            for tid, s in live.items():
                old = p['threads'].get(tid)
                t = {'sched': s, 'obs': old['obs'] if old else None, 'moved': old is None or old['sched'] != s}
                moved = moved or t['moved']
                nt[tid] = t
            p['threads'] = nt
        if moved:
            p['stat'] = stat_fields(read('%s/%d/stat' % (root, pid)))
            if fresh or (p['stat']['threads'] > 1 and not p['multi']):
                p['multi'] = p['multi'] or p['stat']['threads'] > 1
                if p['multi']:
                    p['threads'] = {tid: {'sched': sched(read('%s/%d/task/%d/schedstat' % (root, pid, tid))), 'obs': None, 'moved': True}
                                    for tid in sorted(int(t) for t in os.listdir('%s/%d/task' % (root, pid)))}
                else:
                    p['sched'] = sched(read('%s/%d/schedstat' % (root, pid)))
        seen[pid] = p
        st = p['stat']
        if not p['multi']:
            obs.append((pid, st['start'], st['cpu'], st['state'], p['sched']))
            continue
        for tid, t in sorted(p['threads'].items()):
            if tid == pid:
                t['obs'] = (st['start'], st['cpu'], st['state'])
            elif t['obs'] is None or t['moved']:
                ts = stat_fields(read('%s/%d/task/%d/stat' % (root, pid, tid)))
                t['obs'] = (ts['start'], ts['cpu'], ts['state'])
            obs.append((tid,) + t['obs'] + (t['sched'],))
    procs = seen
    runnable = {0: 0, 1: 0}
    now = {}
    for tid, start, cpu, state, s in obs:
        prev = tasks.get((tid, start))
        inc = s if prev is None else tuple(x - y for x, y in zip(s, prev))
        if snap != 'a':
            for i in range(3):
                cum[cpu][i] += inc[i]
        now[(tid, start)] = s
        if state == 'R':
            runnable[cpu] += 1
    tasks = now
    print('after %s (%d threads):' % (snap, len(obs)))
    for cpu in sorted(cum):
        print('  cpu %d: run %d wait %d slices %d runnable %d' % (cpu, cum[cpu][0], cum[cpu][1], cum[cpu][2], runnable[cpu]))
