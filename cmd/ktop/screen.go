package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/views"
	"golang.org/x/sys/unix"
)

// The dashboards draw on the terminal themselves: the screen is written when the model's view
// has changed, never on a clock. Bubble Tea v1's standard renderer woke on a ticker at its
// frame rate whether or not anything had changed, and each wake-up woke the Go runtime: drawn
// on change, an idle dashboard took 16–45 % less CPU (its screen's share about half), and a key
// reaches the screen in 3 ms instead of 27 (docs/perf.md, "Against top, htop and btop").
// Bubble Tea v1 has no renderer interface to fill, so the program runs without one
// (tea.WithoutRenderer) and a model around the dashboard's (paintModel) writes each changed
// frame after Update. Without a renderer Bubble Tea leaves the terminal alone: it neither puts
// it in raw mode nor watches SIGWINCH (its initTerminal and handleResize skip both), so the
// screen does that too, and restores the terminal on every way out.

// Escape sequences the screen writes (xterm's; every terminal Bubble Tea drew on has them).
const (
	seqAltScreenOn   = "\x1b[?1049h" // the alternate screen, the cursor saved
	seqAltScreenOff  = "\x1b[?1049l"
	seqCursorHide    = "\x1b[?25l"
	seqCursorShow    = "\x1b[?25h"
	seqPasteOn       = "\x1b[?2004h" // bracketed paste, as Bubble Tea enables by default
	seqPasteOff      = "\x1b[?2004l"
	seqMouseCellOn   = "\x1b[?1002h" // presses, releases and drags
	seqMouseCellOff  = "\x1b[?1002l"
	seqMouseAllOff   = "\x1b[?1003l"
	seqMouseSGROn    = "\x1b[?1006h" // coordinates past column 223
	seqMouseSGROff   = "\x1b[?1006l"
	seqClearScreen   = "\x1b[2J"
	seqEraseLineEnd  = "\x1b[K"
	seqEraseBelow    = "\x1b[J"
	seqScreenSetup   = seqAltScreenOn + seqClearScreen + "\x1b[H" + seqCursorHide + seqPasteOn + seqMouseCellOn + seqMouseSGROn
	seqScreenRestore = seqPasteOff + seqCursorShow + seqMouseCellOff + seqMouseAllOff + seqMouseSGROff + seqAltScreenOff
)

// screen is the terminal a dashboard owns while it runs: keys come from in, frames go to out.
type screen struct {
	in, out *os.File
	ownIn   bool // in is /dev/tty, opened here

	saved    *unix.Termios // in's mode before raw mode; nil if it was not changed
	restored sync.Once
	winch    chan os.Signal
	stop     chan struct{}
}

// openScreen is the dashboard's terminal: standard output, with keys from standard input when
// that is a terminal, else from the controlling terminal (/dev/tty), whose hang-up sends ktop
// SIGHUP.
func openScreen() (*screen, error) {
	s := &screen{in: os.Stdin, out: os.Stdout}
	if _, err := unix.IoctlGetTermios(int(os.Stdin.Fd()), unix.TCGETS); err != nil {
		f, err := os.Open("/dev/tty")
		if err != nil {
			return nil, fmt.Errorf("could not open a new TTY: %w", err)
		}
		s.in, s.ownIn = f, true
	}
	return s, nil
}

// options are the Bubble Tea options of a program on s: keys from s.in (a ttyInput, so that a
// hang-up ends it), no renderer (the paintModel draws), and no signal handler: ktop's signal
// context (run) already ends the program on SIGINT, SIGTERM and SIGHUP, and with both, when
// the context won the race, Bubble Tea's handler blocked for ever handing a quit message to the
// event loop that had ended, and its shutdown waited for the handler: a SIGTERM hung ktop.
func (s *screen) options() []tea.ProgramOption {
	return []tea.ProgramOption{tea.WithInput(ttyInput{s.in}), tea.WithoutRenderer(), tea.WithoutSignalHandler()}
}

// start puts the terminal in raw mode and on the alternate screen, hides the cursor, turns on
// bracketed paste and mouse cell motion (a click or a drag on a chart moves the cursor; the
// terminal's own selection then needs shift held), and sends p the terminal's size now and on
// every SIGWINCH. restore undoes it.
func (s *screen) start(p *tea.Program) error {
	t, err := unix.IoctlGetTermios(int(s.in.Fd()), unix.TCGETS)
	if err != nil {
		return fmt.Errorf("error entering raw mode: %w", err)
	}
	saved := *t
	// cfmakeraw(3), as Bubble Tea's raw mode.
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(int(s.in.Fd()), unix.TCSETS, t); err != nil {
		return fmt.Errorf("error entering raw mode: %w", err)
	}
	s.saved = &saved
	_, _ = io.WriteString(s.out, seqScreenSetup)

	s.winch, s.stop = make(chan os.Signal, 1), make(chan struct{})
	signal.Notify(s.winch, syscall.SIGWINCH)
	go s.sendSizes(p)
	return nil
}

// sendSizes sends p the terminal's size, then again after each SIGWINCH, until restore. Send
// returns once the program has ended, so this never outlives it by more than a message.
func (s *screen) sendSizes(p *tea.Program) {
	for {
		if ws, err := unix.IoctlGetWinsize(int(s.out.Fd()), unix.TIOCGWINSZ); err == nil {
			p.Send(tea.WindowSizeMsg{Width: int(ws.Col), Height: int(ws.Row)})
		}
		select {
		case <-s.stop:
			return
		case <-s.winch:
		}
	}
}

// restore gives the terminal back as start found it: the shell's screen, the cursor, no mouse
// reports, no bracketed paste, its own line mode. It runs once, however often it is called:
// after the program ends, and first from a panic in the model, before Bubble Tea prints the
// panic (its own recovery would only stop its renderer, which is none).
func (s *screen) restore() {
	s.restored.Do(func() {
		if s.stop != nil {
			signal.Stop(s.winch)
			close(s.stop)
		}
		_, _ = io.WriteString(s.out, seqScreenRestore)
		if s.saved != nil {
			_ = unix.IoctlSetTermios(int(s.in.Fd()), unix.TCSETS, s.saved)
		}
	})
}

// runScreen runs model m as a Bubble Tea program until it ends or ctx is done, and returns
// the final model. On scr (the terminal, for ktop itself) the program has no renderer:
// a paintModel draws it and the terminal is set up and restored around the run. With scr nil
// (tests) opts say where input and output go, and Bubble Tea's renderer draws. started, when
// not nil, gets the program before it runs.
func runScreen(ctx context.Context, m tea.Model, scr *screen, started func(*tea.Program), opts ...tea.ProgramOption) (tea.Model, error) {
	run := m
	if scr != nil {
		run = newPaintModel(m, scr.out, scr.restore)
		opts = append(scr.options(), opts...)
		if scr.ownIn {
			defer scr.in.Close()
		}
	}
	p := tea.NewProgram(run, opts...)
	if started != nil {
		started(p)
	}
	if scr != nil {
		if err := scr.start(p); err != nil {
			return m, err
		}
		defer scr.restore()
	}
	final, err := runProgram(ctx, p)
	if pm, ok := final.(*paintModel); ok {
		final = pm.Model
	}
	return final, err
}

// paintGap is the least time between two writes of the screen. A key's echo is written at
// once unless a frame went out less than this before; a burst (a drag, a held key, frames
// arriving together) is written at most this often, and its last frame this long after the
// one before. 16 ms is 60 frames a second, Bubble Tea's default rate.
const paintGap = 16 * time.Millisecond

// paintMsg asks the paintModel to write a frame it held back.
type paintMsg struct{}

// paintModel wraps the dashboard's model and writes its view to the terminal whenever it has
// changed after a message, at most once per paintGap; with nothing changing nothing is
// written and no timer is armed. Bubble Tea still asks it for its view after each message
// and hands it to no renderer, so View returns the frame kept.
type paintModel struct {
	tea.Model
	p       *painter
	onPanic func() // restores the terminal before a panic in the model goes on

	frame   string    // the model's view as last seen
	painted bool      // frame is on the screen
	at      time.Time // when the screen was last written
	armed   bool      // a paintMsg is on its way

	now   func() time.Time
	after func(time.Duration) tea.Cmd // a command that sends a paintMsg after the delay
}

// newPaintModel draws m on out; onPanic runs when the model panics.
func newPaintModel(m tea.Model, out io.Writer, onPanic func()) *paintModel {
	return &paintModel{
		Model: m, p: &painter{out: out}, onPanic: onPanic, now: time.Now,
		after: func(d time.Duration) tea.Cmd {
			return tea.Tick(d, func(time.Time) tea.Msg { return paintMsg{} })
		},
	}
}

// Init is the dashboard's.
func (m *paintModel) Init() tea.Cmd {
	defer m.guard()
	return m.Model.Init()
}

// Update passes msg to the dashboard (all but the paintModel's own) and writes its view if
// it changed and the last write is paintGap old, else arms one paintMsg to write it then. A
// new size clears the screen and writes it whole.
func (m *paintModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer m.guard()
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case paintMsg:
		m.armed = false
	case tea.WindowSizeMsg:
		m.p.resize(msg.Width, msg.Height)
		m.painted = false
		m.Model, cmd = m.Model.Update(msg)
	default:
		m.Model, cmd = m.Model.Update(msg)
	}
	if v := m.Model.View(); v != m.frame {
		m.frame, m.painted = v, false
	}
	if m.painted || m.armed {
		return m, cmd
	}
	now := m.now()
	if wait := m.at.Add(paintGap).Sub(now); wait > 0 {
		m.armed = true
		return m, tea.Batch(cmd, m.after(wait))
	}
	m.p.paint(m.frame)
	m.painted, m.at = true, now
	return m, cmd
}

// View is the frame last seen; Bubble Tea's renderer, which it would go to, is none.
func (m *paintModel) View() string { return m.frame }

// guard restores the terminal when the model panics, then lets the panic go on to Bubble
// Tea's recovery, whose message then reaches the shell's screen instead of the alternate one.
func (m *paintModel) guard() {
	if r := recover(); r != nil {
		m.onPanic()
		panic(r)
	}
}

// painter writes frames to a terminal's alternate screen, each line that differs from the
// one on the screen in its place, as Bubble Tea's standard renderer did on its ticks.
type painter struct {
	out           io.Writer
	width, height int      // the terminal's size; 0 while unknown
	lines         []string // the lines on the screen; nil: unknown, clear it first
	buf           bytes.Buffer
}

// resize is a new terminal size: the terminal has rewrapped or cut what was on it, so the
// next frame clears the screen and is written whole.
func (p *painter) resize(w, h int) {
	p.width, p.height, p.lines = w, h, nil
}

// paint writes frame. Each line that changed is written from its first column over the old
// one, cut to the width and its rest erased; a frame taller than the screen loses its bottom
// lines (a frame drawn for the size before a resize; the next is drawn for the new one), and
// the screen below a shorter frame is erased. Nothing is written after the last line, so a
// full last line leaves the cursor at the margin without scrolling the screen.
func (p *painter) paint(frame string) {
	lines := strings.Split(frame, "\n")
	if p.height > 0 && len(lines) > p.height {
		lines = lines[:p.height]
	}
	b := &p.buf
	b.Reset()
	old := p.lines
	if old == nil {
		b.WriteString(seqClearScreen)
	}
	for i, line := range lines {
		if i < len(old) && old[i] == line {
			continue
		}
		b.WriteString("\x1b[")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(";1H")
		if p.width > 0 {
			// views.Width counts what ktop draws (ASCII, SGR, box and braille runes) without
			// grapheme segmentation and hands anything else to ansi.StringWidth: measuring
			// the changed lines was most of a write.
			w := views.Width(line)
			if w > p.width {
				line, w = ansi.Truncate(line, p.width, ""), p.width
			}
			b.WriteString(line)
			if w < p.width {
				b.WriteString(seqEraseLineEnd)
			}
		} else {
			b.WriteString(line)
			b.WriteString(seqEraseLineEnd)
		}
	}
	if len(lines) < len(old) {
		b.WriteString("\x1b[" + strconv.Itoa(len(lines)+1) + ";1H" + seqEraseBelow)
	}
	if b.Len() > 0 {
		_, _ = p.out.Write(b.Bytes())
	}
	p.lines = lines
}
