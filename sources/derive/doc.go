// Package derive turns two Snapshots into a Frame: rates and percentages with the formulas of
// sysstat and procps (docs/metrics.md). Every function here is pure: (prev, cur) → values, with
// no hidden state, so the screen, batch mode, JSON export and replay show the same numbers.
//
// A value that cannot be computed (first sample, counter reset, source unavailable) is a Val
// with OK=false, printed as "—" and encoded as JSON null, never as 0.
//
// Rule: imports only sources and the standard library; no charmbracelet package, no file access.
package derive
