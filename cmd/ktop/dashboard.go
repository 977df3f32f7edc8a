package main

import (
	"context"
	"io"
	"log"
	"os"
	"runtime"
	"runtime/debug"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/app"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views/theme"
)

// runDashboard runs the full-screen dashboard until q, ctrl+c, SIGTERM or SIGHUP.
func runDashboard(ctx context.Context, e *engine.Engine, o *options) error {
	// Nothing may print while the screen runs: logs go to a file only when KTOP_DEBUG names one.
	log.SetOutput(io.Discard)
	if path := os.Getenv("KTOP_DEBUG"); path != "" {
		f, err := tea.LogToFile(path, "ktop")
		if err != nil {
			return err
		}
		defer f.Close()
	}
	tuneGC(o.historyMem)
	oneProc()
	th := newTheme(lipgloss.NewRenderer(os.Stdout), o.theme, os.Getenv)
	panel, err := app.PanelIndex(o.panel)
	if err != nil {
		return err
	}
	scr, err := openScreen()
	if err != nil {
		return err
	}
	_, err = dashboard(ctx, e, app.Options{Theme: th, Panel: panel, VimKeys: o.vim, Recorder: liveRecorder{e, o.recordDir}, Note: o.configWarning}, scr, nil)
	return err
}

// newTheme builds the theme for renderer r. Without colour (NO_COLOR set and not empty, or a
// terminal that has none) the background does not matter. "auto" asks the terminal for its
// background colour here, before Bubble Tea owns stdin: asked later, the terminal's reply
// would arrive as keystrokes. The answer is then fixed on r and on lipgloss's default renderer,
// so that no style anywhere asks again.
func newTheme(r *lipgloss.Renderer, variant string, getenv func(string) string) *theme.Theme {
	// termenv maps NO_COLOR to the ASCII profile as well; saying it here keeps the rule visible
	// and testable.
	if getenv("NO_COLOR") != "" {
		r.SetColorProfile(termenv.Ascii)
	}
	v := theme.Dark
	switch {
	case variant == "light":
		v = theme.Light
	case variant == "auto" && r.ColorProfile() != termenv.Ascii && !r.HasDarkBackground():
		v = theme.Light
	}
	r.SetHasDarkBackground(v == theme.Dark)
	lipgloss.SetHasDarkBackground(v == theme.Dark)
	return theme.NewVariant(r, v)
}

// dashboard runs the engine in its own goroutine and the Bubble Tea program over it, and
// returns the final model. The UI pulls the newest sample, so a slow terminal never holds up
// sampling; the engine is stopped before returning, so the caller may close its collectors.
// ui carries the theme, first panel and keys; the engine fills in the rest. It draws on scr,
// or, with scr nil, where opts say; started, when not nil, gets the program before it runs
// (tests send it a window size).
func dashboard(ctx context.Context, e *engine.Engine, ui app.Options, scr *screen, started func(*tea.Program), opts ...tea.ProgramOption) (tea.Model, error) {
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
	ui.History, ui.Updates, ui.Interval, ui.Actions = e.History(), e.Updates(), e.Interval(), newActions(e)
	// A terminal whose locale is not UTF-8 gets every frame in ASCII (locale.go).
	final, err := runScreen(ctx, forLocale(app.New(ui), os.Getenv), scr, started, opts...)
	final = unwrapLocale(final)
	if endedCleanly(ctx, err) {
		log.Printf("stopped: %v", err)
		return final, nil
	}
	return final, err
}

// memSlack is what ktop needs beside its history: the codec's state (4.0 MiB), the collectors'
// state, the frames on screen, the UI, and room for each tick's garbage (docs/perf.md). With
// the default budget the limit is 48 MiB, which with the binary's own pages keeps ktop's RSS
// under 64 MB.
const memSlack = 24 << 20

// gcPercent is the garbage collector's GOGC for the dashboards. At Go's default of 100 the
// heap grows to twice what is live before a collection: with an hour of 500 processes live at
// about 25 MiB, ktop's RSS reached 53 MB, over issue 8's 40. At 50 the heap grows by half;
// collections come twice as often, each marking the same live heap (docs/perf.md).
const gcPercent = 50

// tuneGC sets the collector for a dashboard with history budget historyMem (0: the default):
// the soft memory limit and GOGC, each unless its environment variable is set.
func tuneGC(historyMem int64) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memLimit(historyMem))
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
		keepHeapFloor()
	}
}

// oneProc runs the live dashboard's Go code on one processor (GOMAXPROCS 1) unless
// GOMAXPROCS is set. The sampling pass and the UI take a few milliseconds a second between
// them, so a second processor buys no speed; what it cost was wake-ups: a goroutine made
// runnable woke another thread to run it, and the runtime's monitor thread polled while
// either ran. One processor took a third fewer context switches and about 15 % less CPU
// (docs/perf.md, "Against top, htop and btop").
func oneProc() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
}

// memLimit is the Go runtime's soft memory limit for a history budget (0: the default one).
// Without it the heap grows to twice what is live before each collection, and ktop would
// take twice the memory it holds; with it, collections come sooner once the heap nears the
// limit. GOMEMLIMIT, when set, wins.
func memLimit(historyMem int64) int64 {
	if historyMem <= 0 {
		historyMem = engine.DefaultBudget
	}
	return historyMem + memSlack
}
