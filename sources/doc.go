// Package sources holds the data types every other part of ktop agrees on: the Snapshot (raw
// cumulative kernel counters of one instant), the Status of each source, and the helpers to
// compute counter deltas safely.
//
// Sub-packages:
//   - collect: pure parsers of /proc and /sys files over an explicit root.
//   - derive:  pure functions (prev, cur Snapshot) → Frame of rates with sysstat/procps semantics.
//   - engine:  the sampling clock, latest-wins delivery, bounded History, ktop's own cost.
//
// Rule: nothing under sources imports a charmbracelet package (no UI code here). A test in
// package app checks this.
package sources
