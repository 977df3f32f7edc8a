// Package views holds what every panel shares: the message that carries frames to the panels
// (FrameMsg), number and size formatting with "—" for missing values, the "n/a: reason" lookup
// of a source's Status, and the helpers that make a block exactly w×h cells. Each panel is a
// concrete Bubble Tea component in its own sub-package (header, cpu, cpuchart); the theme is in
// views/theme.
//
// Rule: views show sources' snapshot and frame types only. No package under views/ may import
// os, io/fs, syscall, sources/collect or sources/engine — a view cannot read a file, start a
// tick or reach the sampler; the app hands it frames. app/imports_test.go enforces this.
package views
