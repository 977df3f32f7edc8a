#!/usr/bin/env python3
"""key-latency.py - how long from a key to the panel it asks for on the screen.

Runs ktop on a pseudo-terminal of its own (200x50 unless -s), waits for the first sample on
screen, then N times, at varied moments after the last frame: writes a panel's digit
(alternately 2, the CPU panel, and 9, the processes) and reads the terminal until that panel's
heading is there. Prints the median and 90th percentile in milliseconds. This is how
docs/perf.md's "key to screen" figures are taken; pass two binaries to compare them, which are
then measured in turns.

Usage: scripts/key-latency.py [-n N] [-s WxH] KTOP [KTOP2]
"""
import argparse
import fcntl
import os
import pty
import random
import select
import signal
import statistics
import struct
import termios
import time

# What each panel draws first and the other does not (plain text: a styled line carries its
# escape sequences around runs, never inside these words).
HEADINGS = {"2": b"busy=100-idle", "9": b"Tasks"}


def start(binary, cols, rows):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    return pid, fd


# ktop asks the terminal at start for its background colour (OSC 11) and the cursor's
# position (a probe that the terminal answers at all); a terminal answers, and so does this.
ANSWERS = {b"\x1b]11;?": b"\x1b]11;rgb:0000/0000/0000\x1b\\", b"\x1b[6n": b"\x1b[1;1R"}


def read(fd):
    """Reads what the terminal has, answering ktop's queries."""
    b = os.read(fd, 65536)
    for q, a in ANSWERS.items():
        if q in b:
            os.write(fd, a)
    return b


def read_until(fd, want, limit=10.0):
    """Reads fd until want appears in what was read; returns False on the time limit."""
    seen = b""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                seen += read(fd)
            except OSError:
                return False
            if want in seen:
                return True
            seen = seen[-len(want):]  # keep the tail, where a heading may be split
    return False


def drain(fd, quiet=0.05):
    """Reads whatever the terminal has until it is quiet for a moment."""
    while select.select([fd], [], [], quiet)[0]:
        try:
            read(fd)
        except OSError:
            return


def stop(pid, fd):
    """Quits ktop with q, reading the terminal meanwhile (a ktop whose output is not read
    blocks writing its last frame and never ends); killed after 3 s."""
    os.write(fd, b"q")
    end = time.monotonic() + 3
    while time.monotonic() < end:
        drain(fd, 0.02)
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=40, help="key presses per binary (default 40)")
    ap.add_argument("-s", default="200x50", help="terminal size (default 200x50)")
    ap.add_argument("ktop", nargs="+", help="ktop binaries")
    a = ap.parse_args()
    cols, rows = (int(x) for x in a.s.split("x"))
    runs = []
    for b in a.ktop:
        pid, fd = start(b, cols, rows)
        if not read_until(fd, b"tick", 20):
            raise SystemExit(f"{b}: no sample on screen within 20 s")
        runs.append((b, pid, fd, []))
    rnd = random.Random(1)
    try:
        for i in range(a.n):
            key = "2" if i % 2 == 0 else "9"
            for _, _, fd, times in runs:
                drain(fd)
                time.sleep(rnd.uniform(0.05, 0.9))  # at varied times after the last frame
                t0 = time.monotonic()
                os.write(fd, key.encode())
                if read_until(fd, HEADINGS[key]):
                    times.append((time.monotonic() - t0) * 1000)
    finally:
        for _, pid, fd, _ in runs:
            stop(pid, fd)
    for b, _, _, times in runs:
        if not times:
            print(f"{b}: no panel came up")
            continue
        times.sort()
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        print(f"{b}: {len(times)} keys, median {statistics.median(times):.1f} ms, p90 {p90:.1f} ms")


if __name__ == "__main__":
    main()
