package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
)

// recorder is views.Actions that records signals.
type recorder struct {
	views.NoActions
	sent []string
}

func (r *recorder) Signal(id sources.ProcID, sig string) error {
	r.sent = append(r.sent, sig)
	return nil
}

type doneMsg struct{ err error }

// TestActionRouting: an ActionMsg from a panel runs with Options.Actions in a command, and
// without Actions it is refused rather than dropped.
func TestActionRouting(t *testing.T) {
	t.Parallel()
	act := views.ActionMsg{Do: func(a views.Actions) tea.Msg {
		return doneMsg{a.Signal(sources.ProcID{PID: 42, Start: 7}, "SIGTERM")}
	}}
	rec := &recorder{}
	m := New(Options{Theme: asciiTheme(), History: engine.NewHistory(10), Interval: time.Second, Actions: rec})
	_, cmd := m.Update(act)
	if cmd == nil {
		t.Fatal("no command for an ActionMsg")
	}
	if msg, ok := cmd().(doneMsg); !ok || msg.err != nil || len(rec.sent) != 1 {
		t.Errorf("with Actions: %+v, sent %v", msg, rec.sent)
	}
	m = New(Options{Theme: asciiTheme(), History: engine.NewHistory(10), Interval: time.Second})
	_, cmd = m.Update(act)
	if msg, ok := cmd().(doneMsg); !ok || !errors.Is(msg.err, views.ErrNoActions) {
		t.Errorf("without Actions: %+v", msg)
	}
}

// TestCapturingPanel: while the process panel's filter prompt is open, q and digits are text
// for it, not quit and panel switches; ctrl+c still quits.
func TestCapturingPanel(t *testing.T) {
	t.Parallel()
	m := feed(t, fixture16(t), 100, 30)
	procs := -1
	for i, p := range m.panels {
		if p.Title() == "Processes" {
			procs = i
		}
	}
	if procs < 0 {
		t.Fatal("no Processes panel")
	}
	m = update(m, keyMsg(panelKey(procs)))
	m = update(m, keyMsg("/"))
	for _, k := range []string{"q", "1", "?"} {
		nm, cmd := m.Update(keyMsg(k))
		if isQuit(cmd) {
			t.Fatalf("%q quit while typing a filter", k)
		}
		m = nm.(Model)
	}
	if m.active != procs || m.overlay != noOverlay || !strings.Contains(m.View(), "Filter: q1?_") {
		t.Errorf("keys did not reach the filter (panel %d, overlay %v):\n%s", m.active, m.overlay, m.View())
	}
	if _, cmd := m.Update(keyMsg("ctrl+c")); !isQuit(cmd) {
		t.Error("ctrl+c must quit even while typing")
	}
	m = update(m, keyMsg("esc"))
	if _, cmd := m.Update(keyMsg("q")); !isQuit(cmd) {
		t.Error("q must quit once the prompt is closed")
	}
}
