// Package tschart is the history chart every panel uses: one or more quantities of the Frame
// (CPU busy, a disk's util, packets/s, TLB shootdowns/s) over the window of frames the app hands
// it, drawn in braille (two samples per column, four dot rows per line) with the axes, labels
// and Bresenham lines of ntcharts' time-series chart, but by its own code (plot.go): a byte of
// dots a cell, and one style applied per run of cells, instead of ntcharts' canvas of styled
// cells. The title sums up the window (now, mean, max). The chart is redrawn only when frames
// or the size change; View() returns the cached string.
//
// Rule: reads only the Frames it is given; no os, io/fs, syscall, sources/collect or
// sources/engine import.
package tschart
