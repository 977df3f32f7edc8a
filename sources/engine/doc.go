// Package engine owns the sampling clock: it runs the collectors once per interval, derives the
// Frame against the previous Snapshot, appends both to a History bounded by count and memory, measures ktop's own
// cost, and hands the newest sample to the UI with latest-wins delivery, so a slow terminal
// never stalls sampling.
//
// Rule: no charmbracelet import; the UI pulls from Updates() and History, the engine never
// calls into the UI.
package engine
