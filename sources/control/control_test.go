package control

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// TestMain doubles as a multi-threaded child: the Go runtime runs several threads, which is
// what Renice must cover.
func TestMain(m *testing.M) {
	if os.Getenv("KTOP_CONTROL_CHILD") == "1" {
		time.Sleep(30 * time.Second)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child starts cmd and returns it with its stat starttime; the test kills it at the end.
func child(t *testing.T, cmd *exec.Cmd) (*exec.Cmd, uint64) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, stat(t, "/proc/"+strconv.Itoa(cmd.Process.Pid)+"/stat").StartTime
}

func stat(t *testing.T, path string) sources.Proc {
	t.Helper()
	b, err := collect.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p sources.Proc
	if _, err := collect.ParseProcStat(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// alive reports whether the child has not exited (it is not reaped until Wait).
func alive(cmd *exec.Cmd) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/stat")
	return err == nil && !strings.Contains(string(b), ") Z ")
}

func TestSignalChecksStartTime(t *testing.T) {
	t.Parallel()
	cmd, start := child(t, exec.Command("sleep", "30"))
	pid := cmd.Process.Pid

	// The PID shown with another starttime is another process: refused, the child lives on.
	err := Signal(pid, start+1, syscall.SIGTERM)
	if !errors.Is(err, ErrReused) {
		t.Fatalf("wrong starttime: want ErrReused, have %v", err)
	}
	time.Sleep(50 * time.Millisecond)
	if !alive(cmd) {
		t.Fatal("signalled despite a starttime mismatch")
	}

	// The right identity: SIGTERM kills sleep.
	if err := Signal(pid, start, syscall.SIGTERM); err != nil {
		t.Fatalf("right starttime: %v", err)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
		t.Fatalf("child did not die of SIGTERM: %v", err)
	}

	// Reaped: the PID names nothing (or, rarely, a new process: refused either way).
	if err := Signal(pid, start, syscall.SIGTERM); !errors.Is(err, ErrGone) && !errors.Is(err, ErrReused) {
		t.Errorf("exited child: want ErrGone, have %v", err)
	}
}

func TestSignalRefusesGroups(t *testing.T) {
	t.Parallel()
	for _, pid := range []int{0, -1, -12345} {
		if err := Signal(pid, 0, syscall.SIGTERM); err == nil || !strings.Contains(err.Error(), "invalid PID") {
			t.Errorf("pid %d: %v", pid, err)
		}
		if err := Renice(pid, 0, 5); err == nil {
			t.Errorf("renice pid %d: no error", pid)
		}
	}
}

func TestReniceEveryThread(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(self)
	c.Env = append(os.Environ(), "KTOP_CONTROL_CHILD=1")
	cmd, start := child(t, c)
	pid := cmd.Process.Pid
	task := "/proc/" + strconv.Itoa(pid) + "/task"
	// Wait until the Go runtime has its threads.
	var ents []os.DirEntry
	for range 100 {
		if ents, err = os.ReadDir(task); err == nil && len(ents) > 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(ents) < 2 {
		t.Skipf("child has %d threads", len(ents))
	}

	if err := Renice(pid, start+7, 5); !errors.Is(err, ErrReused) {
		t.Fatalf("wrong starttime: want ErrReused, have %v", err)
	}
	if have := stat(t, task+"/"+strconv.Itoa(pid)+"/stat").Nice; have != 0 {
		t.Fatalf("reniced despite the mismatch: nice %d", have)
	}
	if err := Renice(pid, start, 5); err != nil {
		t.Fatal(err)
	}
	ents, _ = os.ReadDir(task)
	for _, e := range ents {
		if have := stat(t, task+"/"+e.Name()+"/stat").Nice; have != 5 {
			t.Errorf("thread %s: nice %d, want 5", e.Name(), have)
		}
	}
	if err := Renice(pid, start, 20); err == nil {
		t.Error("nice 20 accepted")
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cap  string
		err  error
		want string
	}{
		{"CAP_KILL", syscall.EPERM, "cannot send SIGTERM to 42: not permitted (another user's process: needs root or CAP_KILL)"},
		{"CAP_SYS_NICE", syscall.EACCES, "cannot send SIGTERM to 42: raising priority needs root, CAP_SYS_NICE or a higher RLIMIT_NICE"},
		{"CAP_KILL", syscall.ESRCH, "42: process exited"},
		{"CAP_KILL", syscall.EINVAL, "cannot send SIGTERM to 42: invalid argument"},
	}
	for _, tt := range tests {
		if have := explain("send SIGTERM to", tt.cap, 42, tt.err).Error(); have != tt.want {
			t.Errorf("%v:\nwant %s\nhave %s", tt.err, tt.want, have)
		}
	}
	if explain("x", "y", 1, nil) != nil {
		t.Error("nil error explained")
	}
}

func TestSignalByName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		want syscall.Signal
		ok   bool
	}{{"SIGTERM", syscall.SIGTERM, true}, {"KILL", syscall.SIGKILL, true}, {"SIGFOO", 0, false}} {
		have, ok := SignalByName(tt.name)
		if have != tt.want || ok != tt.ok {
			t.Errorf("%s: want %v %v, have %v %v", tt.name, tt.want, tt.ok, have, ok)
		}
	}
}
