// Package theme builds every lipgloss style ktop uses, once, from one renderer, and hands the
// same *Theme to every view: no view calls lipgloss.NewStyle() while rendering. Without colour
// (NO_COLOR, a dumb terminal, the ASCII profile of the golden tests) the CPU bar segments are
// told apart by letters instead of colours, so the screen stays readable.
//
// There are two variants, Dark and Light, each with exact 256-colour and true-colour shades and
// ANSI indexes for 16-colour terminals (whose palette already suits its background). Thresholds
// share one rule: Threshold(v, warn, bad) picks Value, Warn or Bad.
//
// Rule: like every package under views/, no os, io/fs, syscall, sources/collect or
// sources/engine import. Colours are fixed per variant, never lipgloss.AdaptiveColor: an
// adaptive colour queries the terminal background lazily, and once Bubble Tea owns stdin the
// reply would arrive as keystrokes. "--theme auto" is resolved by cmd/ktop before the program
// starts, and the result picks the variant here.
package theme
