package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources/record"
)

// Recording faults (issue 9): signals, a second recorder, a file that cannot grow. A signal or a
// lock held by another process needs a real process, so these tests run the test binary itself
// as ktop (the os/exec helper-process pattern): TestKtopProcess below is that process.

// TestKtopProcess is not a test of its own: run with KTOP_TEST_ARGS set (by startKtop), it is
// ktop with those arguments (one per line), under a file size limit of KTOP_TEST_FSIZE bytes
// when that is set. Without the variable it does nothing.
func TestKtopProcess(t *testing.T) {
	args := os.Getenv("KTOP_TEST_ARGS")
	if args == "" {
		return
	}
	if s := os.Getenv("KTOP_TEST_FSIZE"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			os.Exit(98)
		}
		// Go ignores SIGXFSZ, so a write past the limit fails with EFBIG instead of killing
		// the process: the same path as a full disk's ENOSPC, without root or a tmpfs.
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			os.Exit(99)
		}
	}
	os.Exit(run(strings.Split(args, "\n"), os.Stdout, os.Stderr))
}

// ktopProc is a ktop started by startKtop.
type ktopProc struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

func startKtop(t *testing.T, fsize int64, args ...string) *ktopProc {
	t.Helper()
	return startKtopEnv(t, nil, fsize, args...)
}

// startKtopEnv is startKtop with env added to the environment.
func startKtopEnv(t *testing.T, env []string, fsize int64, args ...string) *ktopProc {
	t.Helper()
	p := newKtopProc(env, fsize, args)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.start(t)
	return p
}

// newKtopProc is a ktop to be run as `ktop args...` by this test binary (TestKtopProcess),
// with env added to the environment and, when fsize > 0, RLIMIT_FSIZE set to it.
func newKtopProc(env []string, fsize int64, args []string) *ktopProc {
	p := &ktopProc{cmd: exec.Command(os.Args[0], "-test.run=^TestKtopProcess$")}
	p.cmd.Env = append(append(os.Environ(), env...), "KTOP_TEST_ARGS="+strings.Join(args, "\n"))
	if fsize > 0 {
		p.cmd.Env = append(p.cmd.Env, "KTOP_TEST_FSIZE="+strconv.FormatInt(fsize, 10))
	}
	return p
}

// start starts p; a ktop still running when the test ends is killed.
func (p *ktopProc) start(t *testing.T) {
	t.Helper()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			p.cmd.Wait()
		}
	})
}

// wait waits for the process to end (at most a minute: a hung recorder fails the test rather
// than the whole run) and returns its exit code, -1 when a signal ended it.
func (p *ktopProc) wait(t *testing.T) int {
	t.Helper()
	return p.waitFor(t, time.Minute)
}

// waitFor is wait with a limit of its own.
func (p *ktopProc) waitFor(t *testing.T, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(limit):
		p.cmd.Process.Kill()
		<-done
		t.Fatalf("ktop did not end within %v; stderr %q", limit, p.stderr.String())
		return 0
	}
}

// recordArgs records the 2-CPU fixture root every 10 ms to path.
func recordArgs(path string, dev string) []string {
	root := fixtureRoot("host-2cpu", "a")
	return []string{"record", "-o", path, "-d", "10ms",
		"--proc", filepath.Join(root, "proc"), "--sys", filepath.Join(root, "sys"), "--dev", dev}
}

// samplesIn is how many samples a reader finds in path now (0 while it is not yet a
// recording).
func samplesIn(path string) int {
	r, err := record.Open(path)
	if err != nil {
		return 0
	}
	defer r.Close()
	return r.Len()
}

// waitSamples waits until path holds at least n samples: the recorder is then in its loop,
// with its signal handlers installed.
func waitSamples(t *testing.T, p *ktopProc, path string, n int) int {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		have := samplesIn(path)
		if have >= n {
			return have
		}
		if p.cmd.ProcessState != nil || time.Now().After(deadline) {
			t.Fatalf("%s: %d samples, want %d; stderr %q", path, have, n, p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// closedCleanly reports whether the file ends with the trailer frame a clean Close writes
// (docs/file-format.md §6: the last 28 bytes are a "KTOP" frame of type 'T').
func closedCleanly(t *testing.T, path string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return len(b) >= 28 && string(b[len(b)-28:len(b)-24]) == "KTOP" && b[len(b)-24] == 'T'
}

// TestRecordSignals sends SIGTERM, SIGINT and SIGHUP to `ktop record` and to `ktop -b
// --record`: each ends with exit 0, the file closed cleanly (index and trailer written) and
// every sample readable by export; `ktop record` also prints its summary, whose count the file
// holds.
func TestRecordSignals(t *testing.T) {
	t.Parallel()
	root := fixtureRoot("host-2cpu", "a")
	for _, mode := range []string{"record", "batch"} {
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP} {
			t.Run(mode+"/"+sig.String(), func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "r.ktop")
				args := recordArgs(path, t.TempDir())
				if mode == "batch" {
					args = []string{"-b", "-d", "10ms", "--record", path, "--proc", filepath.Join(root, "proc"),
						"--sys", filepath.Join(root, "sys"), "--dev", t.TempDir()}
				}
				p := startKtop(t, 0, args...)
				before := waitSamples(t, p, path, 3)
				if err := p.cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
				if code := p.wait(t); code != 0 {
					t.Fatalf("exit %d after %v, want 0; stderr %q", code, sig, p.stderr.String())
				}
				n := before
				if mode == "record" {
					if _, err := fmt.Sscanf(p.stderr.String(), "ktop: recorded %d samples", &n); err != nil {
						t.Fatalf("no summary after %v: stderr %q", sig, p.stderr.String())
					}
				}
				if !closedCleanly(t, path) {
					t.Errorf("%v: no trailer at the end of the file: not closed cleanly", sig)
				}
				have := samplesIn(path)
				if have < before || have < n {
					t.Errorf("%v: file holds %d samples; %d were there before the signal, the summary says %d", sig, have, before, n)
				}
				lines, warn := export(t, path)
				if len(lines) < before-1 || warn != "" {
					t.Errorf("%v: export gives %d lines for %d samples, warnings %q", sig, len(lines), have, warn)
				}
			})
		}
	}
}

// TestRecordTwoRecorders starts a second `ktop record` on the file a first one is writing:
// it is refused (exit 1, a message naming the file and the other writer), and the first goes
// on undisturbed: its file keeps growing, closes cleanly and exports without a warning.
func TestRecordTwoRecorders(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.ktop")
	dev := t.TempDir()
	first := startKtop(t, 0, recordArgs(path, dev)...)
	before := waitSamples(t, first, path, 3)

	var stdout, stderr bytes.Buffer
	if code := run(recordArgs(path, dev), &stdout, &stderr); code != 1 {
		t.Errorf("second recorder: exit %d, want 1; stderr %q", code, stderr.String())
	}
	if msg := stderr.String(); !strings.Contains(msg, path) || !strings.Contains(msg, "being written by another process") {
		t.Errorf("second recorder: message %q does not name the file and the other writer", msg)
	}
	// Batch mode with --record takes the same lock.
	stderr.Reset()
	root := fixtureRoot("host-2cpu", "a")
	if code := run([]string{"-b", "-n", "1", "-d", "10ms", "--record", path, "--proc", filepath.Join(root, "proc"),
		"--sys", filepath.Join(root, "sys"), "--dev", dev}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "being written by another process") {
		t.Errorf("batch --record on a locked file: exit %d, stderr %q", code, stderr.String())
	}

	waitSamples(t, first, path, before+3) // the first still records
	if err := first.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := first.wait(t); code != 0 {
		t.Fatalf("first recorder: exit %d; stderr %q", code, first.stderr.String())
	}
	if !closedCleanly(t, path) {
		t.Error("first recorder's file not closed cleanly")
	}
	if lines, warn := export(t, path); len(lines) < before+2 || warn != "" {
		t.Errorf("first recorder's file: %d lines, warnings %q", len(lines), warn)
	}
}

// TestRecordFileTooLarge records under a file size limit (RLIMIT_FSIZE: writes past it fail
// with EFBIG, as they fail with ENOSPC on a full disk): `ktop record` stops with a message
// saying why and how much was recorded, and batch mode with --record goes on reporting and
// says so at the end. The file reads up to its last whole frame.
func TestRecordFileTooLarge(t *testing.T) {
	t.Parallel()
	const limit = 9000 // bytes: the headers and a few dozen samples of the fixture root (6.7 kB and ~70 B each)
	root := fixtureRoot("host-2cpu", "a")
	t.Run("record", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "r.ktop")
		p := startKtop(t, limit, recordArgs(path, t.TempDir())...)
		if code := p.wait(t); code != 1 {
			t.Fatalf("exit %d, want 1; stderr %q", code, p.stderr.String())
		}
		msg := p.stderr.String()
		if !strings.Contains(msg, "stopped after") || !strings.Contains(msg, "file too large") || !strings.Contains(msg, "readable") {
			t.Errorf("message %q does not say recording stopped, why, and that the file is readable", msg)
		}
		checkTruncated(t, path, limit)
	})
	t.Run("batch", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "b.ktop")
		const reports = 100
		p := startKtop(t, limit, "-b", "--json", "-n", strconv.Itoa(reports), "-d", "10ms", "--record", path,
			"--proc", filepath.Join(root, "proc"), "--sys", filepath.Join(root, "sys"), "--dev", t.TempDir())
		code := p.wait(t)
		if n := strings.Count(p.stdout.String(), "\n"); code != 0 || n != reports {
			t.Errorf("batch went on? exit %d, %d of %d reports; stderr %q", code, n, reports, p.stderr.String())
		}
		if msg := p.stderr.String(); !strings.Contains(msg, "recording to "+path+" stopped after") || !strings.Contains(msg, "file too large") {
			t.Errorf("message %q does not say recording stopped and why", msg)
		}
		checkTruncated(t, path, limit)
	})
}

// checkTruncated: the file stopped at the limit, is not closed (no room for the index), and
// still reads up to its last whole frame.
func checkTruncated(t *testing.T, path string, limit int64) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > limit {
		t.Errorf("file is %d bytes, over the %d-byte limit", st.Size(), limit)
	}
	n := samplesIn(path)
	if n < 2 {
		t.Errorf("only %d samples readable", n)
	}
	lines, _ := export(t, path)
	if len(lines) < n-1 {
		t.Errorf("export: %d lines for %d samples", len(lines), n)
	}
}
