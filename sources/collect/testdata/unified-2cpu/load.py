#!/usr/bin/env python3
"""The threaded load for capture.py: a busy thread, a thread that wakes every 10 ms, a thread
that sleeps; on SIGUSR1 the sleeping thread ends and a new busy-then-sleeping thread starts."""
import signal, threading, time

stop = threading.Event()

def busy():
    while True:
        pass

def ticker():
    while True:
        time.sleep(0.01)

def sleeper():
    stop.wait()

def late():
    t = time.time() + 0.2
    while time.time() < t:
        pass
    time.sleep(1000)

def usr1(sig, frame):
    stop.set()
    threading.Thread(target=late, daemon=True).start()

signal.signal(signal.SIGUSR1, usr1)
for f in (busy, ticker, sleeper):
    threading.Thread(target=f, daemon=True).start()
while True:
    time.sleep(1000)
