package main

import (
	"context"
	"errors"
	"io"
	"log"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/app"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views/theme"
)

// runDashboard runs the full-screen dashboard until q, ctrl+c, SIGTERM or SIGHUP.
func runDashboard(ctx context.Context, e *engine.Engine, _ *options) error {
	// Nothing may print while the screen runs: logs go to a file only when KTOP_DEBUG names one.
	log.SetOutput(io.Discard)
	if path := os.Getenv("KTOP_DEBUG"); path != "" {
		f, err := tea.LogToFile(path, "ktop")
		if err != nil {
			return err
		}
		defer f.Close()
	}
	r := lipgloss.NewRenderer(os.Stdout)
	// termenv already maps NO_COLOR to the ASCII profile; saying it here keeps the rule visible.
	if os.Getenv("NO_COLOR") != "" {
		r.SetColorProfile(termenv.Ascii)
	}
	_, err := dashboard(ctx, e, theme.New(r), nil, tea.WithAltScreen())
	return err
}

// dashboard runs the engine in its own goroutine and the Bubble Tea program over it, and
// returns the final model. The UI pulls the newest sample, so a slow terminal never holds up
// sampling; the engine is stopped before returning, so the caller may close its collectors.
// started, when not nil, gets the program before it runs (tests send it a window size).
func dashboard(ctx context.Context, e *engine.Engine, th *theme.Theme, started func(*tea.Program), opts ...tea.ProgramOption) (tea.Model, error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	m := app.New(app.Options{Theme: th, History: e.History(), Updates: e.Updates(), Interval: e.Interval(), Actions: newActions(e)})
	p := tea.NewProgram(m, append(opts, tea.WithContext(ctx))...)
	if started != nil {
		started(p)
	}
	final, err := p.Run()
	// A signal cancels ctx and Bubble Tea reports the program as killed: that is a clean exit.
	if ctx.Err() != nil && (errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted)) {
		log.Printf("stopped: %v", err)
		return final, nil
	}
	return final, err
}
