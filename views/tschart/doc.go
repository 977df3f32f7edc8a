// Package tschart is the history chart every panel uses: one or more quantities of the Frame
// (CPU busy, a disk's util, packets/s, TLB shootdowns/s) over the window of frames the app hands
// it, drawn with ntcharts' time-series line chart in braille (two samples per column). The title
// sums up the window (now, mean, max). The chart is redrawn only when frames or the size
// change; View() returns the cached string.
//
// Rule: reads only the Frames it is given; no os, io/fs, syscall, sources/collect or
// sources/engine import.
package tschart
