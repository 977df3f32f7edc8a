package main

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/engine"
)

// TestActions: the on-demand reads use the engine's root (a fixture here), and signals go to
// the live system through the starttime check.
func TestActions(t *testing.T) {
	t.Parallel()
	root := "../../sources/collect/testdata/procs-live/b/proc"
	e := engine.New(engine.Options{FS: collect.FS{Proc: root, Sys: t.TempDir(), Dev: t.TempDir()}, Interval: time.Second})
	defer e.Close()
	a := newActions(e)

	d, err := a.ProcDetail(sources.ProcID{PID: 14189, Start: 53386})
	if err != nil || d.Mem.VmRSS != 13668 {
		t.Errorf("detail over the engine's root: %v, %+v", err, d)
	}
	if _, err := a.ProcDetail(sources.ProcID{PID: 14189, Start: 1}); !errors.Is(err, sources.ErrPIDReused) {
		t.Errorf("reused PID: %v", err)
	}
	a.SetSmapsSelected([]int{14189}) // reaches the collector; must not block or panic

	if err := a.Signal(sources.ProcID{PID: 1, Start: 1}, "SIGNOPE"); err == nil || !strings.Contains(err.Error(), "unknown signal") {
		t.Errorf("unknown signal: %v", err)
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	b, err := collect.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	var p sources.Proc
	if _, err := collect.ParseProcStat(b, &p); err != nil {
		t.Fatal(err)
	}
	id := sources.ProcID{PID: cmd.Process.Pid, Start: p.StartTime}
	if err := a.Renice(id, 3); err != nil {
		t.Errorf("renice: %v", err)
	}
	if err := a.Signal(id, "SIGKILL"); err != nil {
		t.Fatalf("signal: %v", err)
	}
	if err := cmd.Wait(); err == nil || cmd.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("child not killed: %v", err)
	}
}
