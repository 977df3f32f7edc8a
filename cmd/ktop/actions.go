package main

import (
	"fmt"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/control"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
)

// actions is views.Actions over the real system: signals and renice through sources/control
// (which checks the process's starttime first), on-demand reads through sources/collect over
// the engine's root, smaps_rollup pins through the engine.
type actions struct {
	e  *engine.Engine
	fs collect.FS
}

var _ views.Actions = actions{}

func newActions(e *engine.Engine) actions { return actions{e: e, fs: e.FS()} }

func (a actions) Signal(id sources.ProcID, name string) error {
	sig, ok := control.SignalByName(name)
	if !ok {
		return fmt.Errorf("unknown signal %q", name)
	}
	return control.Signal(id.PID, id.Start, sig)
}

func (a actions) Renice(id sources.ProcID, nice int) error {
	return control.Renice(id.PID, id.Start, nice)
}

func (a actions) ProcDetail(id sources.ProcID) (*sources.ProcDetail, error) {
	return collect.ReadProcDetail(a.fs, id)
}

func (a actions) Threads(ids []sources.ProcID) *sources.ThreadTable {
	return collect.ReadThreads(a.fs, ids)
}

func (a actions) SetSmapsSelected(pids []int) { a.e.SetSmapsSelected(pids) }
