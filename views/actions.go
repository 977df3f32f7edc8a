package views

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ktop-dev/ktop/sources"
)

// Actions is what a panel may ask of the system: act on a process, or read something on
// demand that the periodic sample does not carry. The app gets an implementation from cmd/ktop
// (over sources/control and sources/collect); a panel never calls it itself but returns an
// ActionMsg, which the root runs off the UI goroutine. Every method may block for a while.
type Actions interface {
	// Signal sends the named signal ("SIGTERM") to the process, unless its PID was reused.
	Signal(id sources.ProcID, signal string) error
	// Renice sets the process's nice value, unless its PID was reused.
	Renice(id sources.ProcID, nice int) error
	// ProcDetail reads threads, memory lines, cgroups and open files of one process.
	ProcDetail(id sources.ProcID) (*sources.ProcDetail, error)
	// Threads reads the threads of the given processes.
	Threads(ids []sources.ProcID) *sources.ThreadTable
	// SetSmapsSelected pins PIDs for smaps_rollup reads (the user's explicit pins).
	SetSmapsSelected(pids []int)
}

// ErrNoActions is what NoActions returns: ktop was started without a way to act (tests).
var ErrNoActions = errors.New("not available in this mode")

// NoActions refuses everything; the root uses it when it was given no Actions.
type NoActions struct{}

// Signal refuses.
func (NoActions) Signal(sources.ProcID, string) error { return ErrNoActions }

// Renice refuses.
func (NoActions) Renice(sources.ProcID, int) error { return ErrNoActions }

// ProcDetail refuses.
func (NoActions) ProcDetail(sources.ProcID) (*sources.ProcDetail, error) { return nil, ErrNoActions }

// Threads reads nothing.
func (NoActions) Threads([]sources.ProcID) *sources.ThreadTable { return nil }

// SetSmapsSelected does nothing.
func (NoActions) SetSmapsSelected([]int) {}

// ActionMsg asks the root to run Do with the app's Actions in a command (off the UI
// goroutine). The message Do returns is handed to every panel; each takes only its own kinds.
type ActionMsg struct {
	Do func(Actions) tea.Msg
}

// Cmd is the command that runs m with a (NoActions when nil).
func (m ActionMsg) Cmd(a Actions) tea.Cmd {
	if a == nil {
		a = NoActions{}
	}
	return func() tea.Msg { return m.Do(a) }
}

// Act returns a command that asks the root to run do: what a panel's Update returns.
func Act(do func(Actions) tea.Msg) tea.Cmd {
	return func() tea.Msg { return ActionMsg{Do: do} }
}

// Capturer is a panel that is reading text or a choice (a filter, a search, a confirmation).
// While Capturing returns true the root gives it every key, digits and q included, so that
// typing "q" in a filter does not quit.
type Capturer interface {
	Capturing() bool
}
