// Package cpu is the per-CPU panel: one row per CPU (mpstat -P ALL), each a stacked bar of
// usr/nice/sys/irq/soft/steal/guest/iowait with the busy total (100 − %idle) and %steal always
// written as numbers, "all" first with %guest too. Rows flow into columns when the panel is
// short and wide, and scroll when they still do not fit. From 64 CPUs on the bars become a heat
// grid, one cell per CPU; the v key switches to per-CPU history, one cell per sample.
//
// Rule: reads only the Frame it is given; no os, io/fs, syscall, sources/collect or
// sources/engine import.
package cpu
