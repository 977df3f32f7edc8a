package main

import (
	"os"
	"strings"
	"testing"
)

// TestCheckTerminal: a pipe is no terminal, and the message points to batch mode.
func TestCheckTerminal(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	err = checkTerminal(w.Fd(), func(string) string { return "xterm" })
	if err == nil || !strings.Contains(err.Error(), "ktop -b") {
		t.Errorf("pipe: %v", err)
	}
}

// TestDashboardNeedsTerminal runs the real entry point with stdout on a pipe: exit 2 and the
// hint, not Bubble Tea's TTY error.
func TestDashboardNeedsTerminal(t *testing.T) {
	if checkTerminal(os.Stdout.Fd(), os.Getenv) == nil {
		t.Skip("stdout is a terminal here (test binary run by hand): the dashboard would start")
	}
	var stdout, stderr strings.Builder
	// run() checks the process's real stdout; under go test it is a pipe or a file.
	if code := run([]string{"--config", os.DevNull}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "batch mode") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
