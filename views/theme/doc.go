// Package theme builds every lipgloss style ktop uses, once, from one renderer, and hands the
// same *Theme to every view: no view calls lipgloss.NewStyle() while rendering. Without colour
// (NO_COLOR, a dumb terminal, the ASCII profile of the golden tests) the CPU bar segments are
// told apart by letters instead of colours, so the screen stays readable.
//
// Rule: like every package under views/, no os, io/fs, syscall, sources/collect or
// sources/engine import. Colours are fixed ANSI colours, never lipgloss.AdaptiveColor: an
// adaptive colour queries the terminal background lazily, and once Bubble Tea owns stdin the
// reply would arrive as keystrokes.
package theme
