package app

import (
	"time"

	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/cpupanel"
	"github.com/ktop-dev/ktop/views/diskpanel"
	"github.com/ktop-dev/ktop/views/irqpanel"
	"github.com/ktop-dev/ktop/views/kmsgpanel"
	"github.com/ktop-dev/ktop/views/mempanel"
	"github.com/ktop-dev/ktop/views/netpanel"
	"github.com/ktop-dev/ktop/views/overview"
	"github.com/ktop-dev/ktop/views/procs"
	"github.com/ktop-dev/ktop/views/runqpanel"
	"github.com/ktop-dev/ktop/views/softirqpanel"
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
	ps = append(ps, runqpanel.New(th, interval))

	// 4 Softirqs
	ps = append(ps, softirqpanel.New(th, interval))

	// 5 Interrupts
	ps = append(ps, irqpanel.New(th, interval))

	// 6 Disk
	ps = append(ps, diskpanel.New(th, interval))

	// 7 Network
	ps = append(ps, netpanel.New(th, interval))

	// 8 Memory
	ps = append(ps, mempanel.New(th, interval))

	// 9 Processes
	ps = append(ps, procs.New(th, interval))

	// 0 Kernel log
	ps = append(ps, kmsgpanel.New(th, interval))

	// 1 Overview goes first.
	ps = append([]views.Panel{overview.New(th, ps)}, ps...)

	return ps
}
