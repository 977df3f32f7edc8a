package procs

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/views"
)

// Results of the actions the panel asks the root to run (views.ActionMsg). The root hands
// them to every panel; only this one knows their types.
type (
	signalDoneMsg struct {
		id     sources.ProcID
		label  string
		signal string
		err    error
	}
	reniceDoneMsg struct {
		id       sources.ProcID
		label    string
		from, to int
		err      error
	}
	detailMsg struct {
		id  sources.ProcID
		d   *sources.ProcDetail
		err error
	}
	threadsMsg struct{ t *sources.ThreadTable }
	// pollMsg re-reads threads and the detail view once per interval while either is shown;
	// gen drops ticks of a chain that was stopped and restarted.
	pollMsg struct{ gen int }
	// pinDoneMsg confirms that the pinned PIDs reached the sampler.
	pinDoneMsg struct{}
)

// signalNames are offered by the signal chooser, SIGTERM first (the default). The app maps
// them to numbers (sources/control.Signals), so no signal number is hard-coded in a view.
var signalNames = []string{"SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGQUIT", "SIGSTOP", "SIGCONT",
	"SIGTSTP", "SIGUSR1", "SIGUSR2", "SIGWINCH"}

func sendSignal(id sources.ProcID, label, sig string) tea.Cmd {
	return views.Act(func(a views.Actions) tea.Msg {
		return signalDoneMsg{id: id, label: label, signal: sig, err: a.Signal(id, sig)}
	})
}

func renice(id sources.ProcID, label string, from, to int) tea.Cmd {
	return views.Act(func(a views.Actions) tea.Msg {
		return reniceDoneMsg{id: id, label: label, from: from, to: to, err: a.Renice(id, to)}
	})
}

func readDetail(id sources.ProcID) tea.Cmd {
	return views.Act(func(a views.Actions) tea.Msg {
		d, err := a.ProcDetail(id)
		return detailMsg{id: id, d: d, err: err}
	})
}

func readThreads(ids []sources.ProcID) tea.Cmd {
	return views.Act(func(a views.Actions) tea.Msg { return threadsMsg{t: a.Threads(ids)} })
}

func pin(pids []int) tea.Cmd {
	return views.Act(func(a views.Actions) tea.Msg {
		a.SetSmapsSelected(pids)
		return pinDoneMsg{}
	})
}

func pollAfter(d time.Duration, gen int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return pollMsg{gen: gen} })
}
