package main

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"golang.org/x/sys/unix"
)

// errNoTerminal says why the dashboard cannot start and what to use instead.
var errNoTerminal = errors.New("standard output is not a terminal: the dashboard needs one; for reports on a pipe or in a file use batch mode, e.g. ktop -b -n 5 (or ktop -b --json)")

// errDumbTerminal is TERM=dumb: no cursor movement, so no full-screen dashboard.
var errDumbTerminal = errors.New("TERM=dumb cannot draw a full-screen dashboard; use batch mode (ktop -b) or run it in a terminal that can (TERM=xterm-256color)")

// checkTerminal refuses to start the dashboard where it cannot be drawn, with a message that
// says what to do instead, rather than Bubble Tea's "could not open a new TTY".
func checkTerminal(fd uintptr, getenv func(string) string) error {
	if _, err := unix.IoctlGetTermios(int(fd), unix.TCGETS); err != nil {
		return errNoTerminal
	}
	if getenv("TERM") == "dumb" {
		return errDumbTerminal
	}
	return nil
}

// stdoutFd is the descriptor checkTerminal looks at.
func stdoutFd() uintptr { return os.Stdout.Fd() }

// errTerminalGone is a read of the terminal that returned nothing: it hung up.
var errTerminalGone = errors.New("the terminal hung up")

// ttyInput is the terminal the dashboard reads its keys from (screen.in). A terminal that hangs up
// (its tmux session killed, its window closed) reads as end of file from then on, or as EIO;
// Bubble Tea v1 ends the program on EIO but takes end of file as input that is finished and
// runs on. Where ktop is not in the terminal's session (started through setsid, su -c, or a
// process that does), no SIGHUP comes either, so it would sample and record for nobody until
// killed. In raw mode ctrl+d is a key, never an end of file, so a read of nothing means the
// terminal is gone: ttyInput makes it an error, which ends the program.
type ttyInput struct{ *os.File }

func (t ttyInput) Read(p []byte) (int, error) {
	n, err := t.File.Read(p)
	if errors.Is(err, io.EOF) {
		err = errTerminalGone
	}
	return n, err
}

// runProgram runs p until it ends or ctx is done (a signal). A signal ends it as q does, with a
// quit message, so that Bubble Tea waits for its input reader before closing it: cancelling
// the program's context instead made it shut down without waiting, and its close of the reader
// raced the reader's read (the race detector caught it in TestTerminalGone). A program that has
// not ended 2 s after the quit message is killed.
func runProgram(ctx context.Context, p *tea.Program) (tea.Model, error) {
	ended := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		p.Quit()
		select {
		case <-ended:
		case <-time.After(2 * time.Second):
			p.Kill()
		}
	})
	defer stop()
	defer close(ended)
	return p.Run()
}

// endedCleanly reports whether a dashboard's program error is the end of the session rather
// than a failure: a signal (it cancels ctx, and Bubble Tea reports the program as killed), or
// the terminal gone — a read that hit its hang-up, or the EIO a terminal gives once its other
// side is closed. Either way the caller closes the recording as on q.
func endedCleanly(ctx context.Context, err error) bool {
	if ctx.Err() != nil && (errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrInterrupted)) {
		return true
	}
	return errors.Is(err, errTerminalGone) || errors.Is(err, syscall.EIO)
}
