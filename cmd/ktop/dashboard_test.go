package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/app"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views/theme"
)

// keysAfter is a Bubble Tea input that types keys once the engine has published twice (so the
// frame has rates), then blocks until the program stops reading.
type keysAfter struct {
	hist *engine.History
	keys string
	sent bool
	stop chan struct{}
}

func (k *keysAfter) Read(p []byte) (int, error) {
	if !k.sent {
		deadline := time.Now().Add(10 * time.Second)
		for k.hist.Len() < 2 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(100 * time.Millisecond) // let the second sample reach the model
		k.sent = true
		return copy(p, k.keys), nil
	}
	<-k.stop
	return 0, io.EOF
}

// TestDashboardEndToEnd runs the real engine and collectors over a fixture tree and the real
// Bubble Tea program without a terminal: it must draw the header and one row per CPU, and q
// must end it promptly.
func TestDashboardEndToEnd(t *testing.T) {
	e := engine.New(engine.Options{
		FS:       collect.FS{Proc: "../../app/testdata/proc-2cpu/29/proc", Sys: "../../app/testdata/proc-2cpu/sys", Dev: t.TempDir()},
		Interval: 100 * time.Millisecond,
		History:  time.Minute,
	})
	defer e.Close()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	in := &keysAfter{hist: e.History(), keys: "q", stop: make(chan struct{})}
	defer close(in.stop)

	type result struct {
		m   tea.Model
		err error
	}
	res := make(chan result, 1)
	go func() {
		// Without a terminal no size arrives: send one, as a terminal would. Send blocks
		// until the loop runs, so it goes from its own goroutine.
		sendSize := func(p *tea.Program) { go p.Send(tea.WindowSizeMsg{Width: 80, Height: 24}) }
		m, err := dashboard(context.Background(), e, app.Options{Theme: theme.New(r), Panel: 1}, nil, sendSize, // the CPU panel: one row per CPU
			tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithoutSignalHandler())
		res <- result{m, err}
	}()
	select {
	case rs := <-res:
		if rs.err != nil {
			t.Fatal(rs.err)
		}
		v := rs.m.(app.Model).View()
		for _, want := range []string{"vm  6.18.44", "load ", "runq ", "mem ", "LIVE"} {
			if !strings.Contains(v, want) {
				t.Errorf("final screen lacks %q:\n%s", want, v)
			}
		}
		if want, have := 3, strings.Count(v, " st "); want != have {
			t.Errorf("want %d CPU rows (all + 2), have %d:\n%s", want, have, v)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("q did not end the dashboard")
	}
}
