package app

import (
	"time"

	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/cpupanel"
	"github.com/ktop-dev/ktop/views/overview"
	"github.com/ktop-dev/ktop/views/theme"
)

// newPanels builds the panels in the order of their digit keys. Each slot is its own block so
// that panels can be added independently.
func newPanels(th *theme.Theme, interval time.Duration) []views.Panel {
	var ps []views.Panel
	// 1 Overview: built last, from the others' tiles (see below).

	// 2 CPU
	ps = append(ps, cpupanel.New(th, interval))

	// 3 Run queue

	// 4 Softirqs

	// 5 Interrupts

	// 6 Disk

	// 7 Network

	// 8 Memory

	// 9 Processes

	// 0 Kernel log

	// 1 Overview goes first.
	ps = append([]views.Panel{overview.New(th, ps)}, ps...)

	return ps
}
