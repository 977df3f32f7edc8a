// Package heat draws heat maps as grids of shaded cells: rows (softirq types, interrupt lines)
// by CPU columns, with a log scale for rates and a linear one for percentages. It is drawn by
// hand rather than with ntcharts' heatmap, which keeps appending points and divides by zero on
// an all-zero window; here a cell is one Render of a theme style, the whole grid is redrawn
// from the current frame, and without colour the shade is a character (" .:-=+*#%@").
//
// Rule: reads only the values it is given; no os, io/fs, syscall, sources/collect or
// sources/engine import.
package heat
