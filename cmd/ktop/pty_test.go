package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The dashboard under a real terminal (issue 9): a pseudo-terminal whose master side the test
// holds, with the test binary as ktop (TestKtopProcess) on its other side, so that the terminal
// can hang up, signals can be sent and a file size limit set, as for the recorder in
// faults_test.go.

// ptyKtop is a dashboard started by startPTY, and the terminal it draws on.
type ptyKtop struct {
	*ktopProc
	master *os.File

	mu     sync.Mutex
	screen bytes.Buffer // everything ktop wrote to the terminal
}

// startPTY starts ktop with args on a new w×h pseudo-terminal (its standard input and output;
// standard error is kept apart), in a session of its own: with ctty the terminal is the
// session's controlling terminal, so its hang-up sends SIGHUP, as for a shell's child;
// without, it is only ktop's standard input and output, as after setsid or su -c. fsize, when
// not 0, limits the size of the files ktop writes. HOME and XDG_CONFIG_HOME are a new empty
// directory, or home when that is not "".
func startPTY(t *testing.T, w, h int, ctty bool, fsize int64, home string, args ...string) *ptyKtop {
	t.Helper()
	master, slave := openPTY(t, w, h)
	defer slave.Close() // ktop has its own copies once started
	if home == "" {
		home = t.TempDir()
	}
	// No colour, a UTF-8 locale, an empty home (no config file): the screen is plain text.
	// Bubble Tea's init asks the terminal for its background colour and waits 5 s for an
	// answer this terminal does not give; termenv does not ask a terminal named screen.
	env := []string{"TERM=screen-256color", "NO_COLOR=1", "LC_ALL=C.UTF-8", "HOME=" + home, "XDG_CONFIG_HOME=" + home}
	p := &ptyKtop{ktopProc: newKtopProc(env, fsize, args), master: master}
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = slave, slave, &p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: ctty, Ctty: 0}
	p.start(t)
	// The terminal's side reads everything, as a terminal would: a full pty would block
	// ktop's writes.
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := master.Read(buf)
			p.mu.Lock()
			p.screen.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return p
}

// waitScreen waits until what ktop wrote from offset from on matches re, and returns the
// offset just past the match.
func (p *ptyKtop) waitScreen(t *testing.T, from int, re *regexp.Regexp) (string, int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		p.mu.Lock()
		s := p.screen.String()
		p.mu.Unlock()
		if loc := re.FindStringIndex(s[min(from, len(s)):]); loc != nil {
			return s[from+loc[0] : from+loc[1]], from + loc[1]
		}
		if p.cmd.ProcessState != nil || time.Now().After(deadline) {
			t.Fatalf("the screen never showed %q; stderr %q; screen's end %q", re, p.stderr.String(), s[max(len(s)-2000, 0):])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// typeKeys writes keys to the terminal, as typed.
func (p *ptyKtop) typeKeys(t *testing.T, keys string) {
	t.Helper()
	if _, err := p.master.WriteString(keys); err != nil {
		t.Fatal(err)
	}
}

// dashArgs is the dashboard over the 2-CPU fixture root every 50 ms, plus more.
func dashArgs(t *testing.T, more ...string) []string {
	root := fixtureRoot("host-2cpu", "a")
	return append([]string{"-d", "50ms", "--theme", "dark", "--proc", filepath.Join(root, "proc"),
		"--sys", filepath.Join(root, "sys"), "--dev", t.TempDir()}, more...)
}

// exitWithin is the time a dashboard gets to end once its terminal is gone or it is signalled:
// it ends at once (a shutdown and the recording's close); the rest is room for a loaded machine.
const exitWithin = 10 * time.Second

// TestTerminalGone ends the dashboard's session every way a terminal session ends: the
// terminal closes while it is the controlling terminal (the kernel sends SIGHUP) or while it
// is not (ktop started through setsid or su -c: no signal, the terminal reads as end of file),
// SIGHUP or SIGTERM while it is open. Each time ktop must exit 0 within seconds, with its
// recording closed cleanly (index and trailer written) and readable.
func TestTerminalGone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ctty bool
		end  func(*ptyKtop) error
	}{
		{"close/controlling", true, func(p *ptyKtop) error { return p.master.Close() }},
		{"close/setsid", false, func(p *ptyKtop) error { return p.master.Close() }},
		{"SIGHUP", true, func(p *ptyKtop) error { return p.cmd.Process.Signal(syscall.SIGHUP) }},
		{"SIGTERM", true, func(p *ptyKtop) error { return p.cmd.Process.Signal(syscall.SIGTERM) }},
		{"SIGTERM/setsid", false, func(p *ptyKtop) error { return p.cmd.Process.Signal(syscall.SIGTERM) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "r.ktop")
			p := startPTY(t, 120, 40, tc.ctty, 0, "", dashArgs(t, "--record", path)...)
			p.waitScreen(t, 0, regexp.MustCompile(`LIVE +\d\d:\d\d:\d\d`))
			before := waitSamples(t, p.ktopProc, path, 3)
			start := time.Now()
			if err := tc.end(p); err != nil {
				t.Fatal(err)
			}
			if code := p.waitFor(t, exitWithin); code != 0 {
				t.Errorf("exit %d, want 0; stderr %q", code, p.stderr.String())
			}
			t.Logf("ended in %v", time.Since(start).Round(time.Millisecond))
			if !closedCleanly(t, path) {
				t.Error("recording not closed cleanly")
			}
			if lines, warn := export(t, path); len(lines) < before-1 || warn != "" {
				t.Errorf("export: %d lines for at least %d samples, warnings %q", len(lines), before, warn)
			}
		})
	}
}

// TestDashboardRecordFull records from the dashboard, with --record and with the R key, under a
// file size limit (writes past it fail with EFBIG, as on a full disk): the status line says at
// once that recording stopped, why, and that the file is kept; the dashboard goes on sampling
// (its clock moves on) and quits normally on q, saying on stderr how far the file reads; the
// file reads up to its last whole sample.
func TestDashboardRecordFull(t *testing.T) {
	t.Parallel()
	const limit = 9000 // bytes: the headers and a few dozen samples (see TestRecordFileTooLarge)
	for _, how := range []string{"--record", "R"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "r.ktop")
			var p *ptyKtop
			if how == "R" {
				p = startPTY(t, 200, 50, true, limit, "", dashArgs(t)...)
				_, at := p.waitScreen(t, 0, regexp.MustCompile(`LIVE +\d\d:\d\d:\d\d`))
				p.typeKeys(t, "R")
				p.waitScreen(t, at, regexp.MustCompile(`RECORD +to file:`))
				p.typeKeys(t, "\x15"+path+"\r") // ctrl+u clears the offered name
			} else {
				p = startPTY(t, 200, 50, true, limit, "", dashArgs(t, "--record", path)...)
			}
			msg, at := p.waitScreen(t, 0, regexp.MustCompile(`REC stopped: file too large — r\.ktop kept, \d+ samples recorded, readable`))
			// Sampling goes on: the clock moves past the time the message first showed with.
			clock := regexp.MustCompile(`LIVE +(\d\d:\d\d:\d\d)`)
			first, at := p.waitScreen(t, at, clock)
			for {
				var next string
				if next, at = p.waitScreen(t, at, clock); next != first {
					break
				}
			}
			p.typeKeys(t, "q")
			if code := p.waitFor(t, exitWithin); code != 0 {
				t.Fatalf("exit %d, want 0; stderr %q", code, p.stderr.String())
			}
			var n int
			if _, err := fmt.Sscanf(msg, "REC stopped: file too large — r.ktop kept, %d samples", &n); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("recording to %s stopped after %d samples: ", path, n)
			if s := p.stderr.String(); !strings.Contains(s, want) || !strings.Contains(s, "file too large") {
				t.Errorf("stderr %q, want %q and why", s, want)
			}
			if have := samplesIn(path); have != n {
				t.Errorf("the file reads %d samples, the screen said %d", have, n)
			}
			checkTruncated(t, path, limit)
		})
	}
}

// TestConfigUnreadable starts the dashboard with a default config path that exists but cannot
// be read (a directory): ktop warns once, on stderr and on the status line, and runs with the
// defaults. A --config file that cannot be read was asked for: exit 2, saying which and why.
func TestConfigUnreadable(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, "ktop", "config"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := startPTY(t, 200, 50, true, 0, home, dashArgs(t)...)
	want := "config file ~/ktop/config not read (is a directory): running with the defaults"
	p.waitScreen(t, 0, regexp.MustCompile(regexp.QuoteMeta(want)))
	p.waitScreen(t, 0, regexp.MustCompile(`LIVE +\d\d:\d\d:\d\d`))
	p.typeKeys(t, "q")
	if code := p.waitFor(t, exitWithin); code != 0 {
		t.Fatalf("exit %d, want 0; stderr %q", code, p.stderr.String())
	}
	if have := p.stderr.String(); have != "ktop: "+want+"\n" {
		t.Errorf("stderr %q, want the warning once", have)
	}

	dir := filepath.Join(home, "ktop", "config")
	for _, args := range [][]string{{"--config", dir}, {"replay", "--config", dir, "x.ktop"}} {
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		if msg := "--config " + dir + ": cannot read it: is a directory"; code != 2 || !strings.Contains(stderr.String(), msg) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", args, code, stderr.String(), msg)
		}
	}
}
