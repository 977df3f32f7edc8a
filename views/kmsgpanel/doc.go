// Package kmsgpanel is the Kernel log panel: the records of /dev/kmsg as dmesg shows them,
// with wall-clock times, levels coloured, notable events (OOM kills, hung tasks, I/O errors…)
// marked, following the tail unless scrolled. Records arrive spread over frames; the panel
// keeps the last few hundred it has seen, keyed by sequence number. It reads frames only; it
// must not import os, sources/collect or sources/engine.
package kmsgpanel
