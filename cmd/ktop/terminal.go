package main

import (
	"errors"
	"os"

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
