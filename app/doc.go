// Package app is the root Bubble Tea model of the dashboard. It owns the layout (who gets how
// many lines), the panel list (panels.go: the Overview first, built from the others' tiles),
// the global keys (digits, Tab, Esc back to the Overview, vim keys turned into arrows before
// anyone sees them), the help and definitions screens built from the key maps and the panels'
// Defs, the status line, the "terminal too small" screen, and the data flow: it re-arms a
// command that waits on the engine's latest-wins Updates channel, and on each sample asks
// History for the window of frames the chart can show and hands it to every view, the Overview
// last. It routes and lays out; drawing is the views' job.
//
// Rule: app imports views and sources' types, derive and engine's History/Sample, never a
// collector (sources/collect is allowed only in tests, to build frames from fixture files) and
// never os: the terminal and the environment are cmd/ktop's business.
package app
