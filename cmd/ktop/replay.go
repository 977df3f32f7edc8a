package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/ktop-dev/ktop/app"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/sources/record"
)

// runReplayCmd is `ktop replay FILE [--panel P] [--theme T] [--vim] [--config FILE]`: the
// dashboard over a recording. Mistakes in the arguments, a missing file and a file that is not
// a recording are said on stderr with exit status 2, before the screen starts; a damaged
// recording replays, and what was skipped is said on the screen and again on stderr at the end.
func runReplayCmd(args []string, stdout, stderr io.Writer) int {
	o := &options{interval: time.Second, history: time.Hour, theme: "auto", panel: "overview", set: map[string]bool{}}
	f := flag.NewFlagSet("ktop replay", flag.ContinueOnError)
	f.SetOutput(stderr)
	f.StringVar(&o.theme, "theme", o.theme, "colours for a dark or light terminal background: dark, light or auto (ask the terminal)")
	f.StringVar(&o.panel, "panel", o.panel, "panel shown first: its digit or name (overview, cpu, ...)")
	f.BoolVar(&o.vim, "vim", false, "vim keys: h/j/k/l, g/G, ctrl+d/ctrl+u move (h is then not help)")
	f.StringVar(&o.config, "config", "", "config file (default $XDG_CONFIG_HOME/ktop/config or ~/.config/ktop/config)")
	f.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ktop replay FILE [--panel P] [--theme T] [--vim] [--config FILE]")
		fmt.Fprintln(stderr, "The dashboard over a recording made by ktop record or ktop --record: space plays and pauses,")
		fmt.Fprintln(stderr, "x and X change the speed (×1 ×10 ×60), ← → step, home and end go to its ends (docs/keys.md).")
		f.PrintDefaults()
	}
	file, extra, code, done := parseFileArgs(f, args)
	if done {
		return code
	}
	if len(extra) > 0 {
		fmt.Fprintf(stderr, "ktop replay: unexpected argument %q (one recording at a time)\n", extra[0])
		return 2
	}
	if file == "" {
		f.Usage()
		return 2
	}
	f.Visit(func(fl *flag.Flag) { o.set[fl.Name] = true })
	if err := checkTheme(o.theme); err != nil {
		fmt.Fprintln(stderr, "ktop replay: --theme", err)
		return 2
	}
	panel := func(s string) error { _, err := app.PanelIndex(s); return err }
	if err := loadConfig(o, os.Getenv, os.ReadFile, panel); err != nil {
		fmt.Fprintln(stderr, "ktop replay:", err)
		return 2
	}
	if o.configWarning != "" {
		fmt.Fprintln(stderr, "ktop replay:", o.configWarning)
	}
	first, err := app.PanelIndex(o.panel)
	if err != nil {
		fmt.Fprintln(stderr, "ktop replay: --panel", err)
		return 2
	}
	r, err := openRecording(file)
	if err != nil {
		fmt.Fprintln(stderr, "ktop replay:", err)
		return 2
	}
	defer r.Close()
	if err := checkTerminal(stdoutFd(), os.Getenv); err != nil {
		fmt.Fprintln(stderr, "ktop replay:", err)
		return 2
	}
	// The screen hides anything printed while it runs: what the reader skipped is said again
	// once it is gone.
	defer func() {
		for _, w := range r.Warnings() {
			fmt.Fprintf(stderr, "ktop replay: %s: %s\n", file, w)
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	log.SetOutput(io.Discard)
	if path := os.Getenv("KTOP_DEBUG"); path != "" {
		lf, err := tea.LogToFile(path, "ktop")
		if err != nil {
			fmt.Fprintln(stderr, "ktop replay:", err)
			return 1
		}
		defer lf.Close()
	}
	tuneGC(0)
	th := newTheme(lipgloss.NewRenderer(os.Stdout), o.theme, os.Getenv)
	ui := app.Options{Theme: th, Panel: first, VimKeys: o.vim}
	scr, err := openScreen()
	if err != nil {
		fmt.Fprintln(stderr, "ktop replay:", err)
		return 1
	}
	if _, err := replayDashboard(ctx, r, file, ui, scr, nil); err != nil {
		fmt.Fprintln(stderr, "ktop replay:", err)
		return 1
	}
	_ = stdout
	return 0
}

// openRecording opens a recording for replay, saying plainly what is wrong with a file that
// is not one.
func openRecording(path string) (*record.Reader, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: no such file", path)
	case err != nil:
		return nil, err
	case st.IsDir():
		return nil, fmt.Errorf("%s is a directory, not a recording", path)
	}
	r, err := record.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "record: "))
	}
	if r.Len() == 0 {
		r.Close()
		return nil, fmt.Errorf("%s holds no samples", path)
	}
	return r, nil
}

// recordedInterval is the recording's sampling interval: its header's, or, for a header
// without one, the mean spacing of its samples.
func recordedInterval(r *record.Reader) time.Duration {
	if d := r.Header().Interval; d > 0 {
		return d
	}
	t0, err0 := r.Time(0)
	t1, err1 := r.Time(r.Len() - 1)
	if err0 == nil && err1 == nil && r.Len() > 1 && t1.After(t0) {
		return t1.Sub(t0) / time.Duration(r.Len()-1)
	}
	return time.Second
}

// replayDashboard runs the dashboard over recording r (named name) and returns the final
// model. There is no engine: the History reads the file (engine.NewReplayHistory). ui carries
// the theme, first panel and keys. It draws on scr, or, with scr nil, where opts say; started,
// when not nil, gets the program before it runs (tests send it a window size and keys).
func replayDashboard(ctx context.Context, r *record.Reader, name string, ui app.Options, scr *screen, started func(*tea.Program), opts ...tea.ProgramOption) (tea.Model, error) {
	ui.History = engine.NewReplayHistory(r)
	ui.Interval = recordedInterval(r)
	ui.Replay = &app.Replay{Name: name, Warnings: r.Warnings}
	// As the live dashboard: a terminal whose locale is not UTF-8 gets every frame in ASCII.
	final, err := runScreen(ctx, forLocale(app.New(ui), os.Getenv), scr, started, opts...)
	final = unwrapLocale(final)
	if endedCleanly(ctx, err) {
		return final, nil
	}
	return final, err
}
