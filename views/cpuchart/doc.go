// Package cpuchart is the history chart of total CPU use (100 − %idle of "all") over the window
// of frames the app hands it, drawn with ntcharts' time-series line chart in braille (two
// samples per column). The chart is redrawn only when frames or the size change; View()
// returns the cached string.
//
// Rule: reads only the Frames it is given; no os, io/fs, syscall, sources/collect or
// sources/engine import.
package cpuchart
