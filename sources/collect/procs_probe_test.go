package collect

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// probePass is one pass of c over the live /proc with loadavg read first, as a Set runs them;
// it returns the snapshot and whether /proc was listed.
func probePass(t *testing.T, c *procCollector) (*sources.Snapshot, bool) {
	t.Helper()
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		t.Fatal(err)
	}
	var s sources.Snapshot
	if s.Load, err = ParseLoadavg(b); err != nil {
		t.Fatal(err)
	}
	if err := c.Collect(&s); err != nil {
		t.Fatal(err)
	}
	return &s, c.listedNow
}

func liveProcfs(t *testing.T) {
	var fs syscall.Statfs_t
	if syscall.Statfs("/proc", &fs) != nil || fs.Type != procfsMagic {
		t.Skip("no procfs at /proc")
	}
}

func hasPID(s *sources.Snapshot, pid int) bool { return procOf(s, pid) != nil }

func procOf(s *sources.Snapshot, pid int) *sources.Proc {
	for i := range s.Procs.Procs {
		if s.Procs.Procs[i].PID == pid {
			return &s.Procs.Procs[i]
		}
	}
	return nil
}

// TestProbeFindsNewProcess: a process started between two passes is in the second one, found
// by looking its PID up rather than by listing /proc, with the status the probe read (status
// is opened once). Other processes on the host take PIDs too; when more than maxProbe were
// taken meanwhile the pass lists /proc (also right), so the test tries a few times before it
// gives up on a host that busy.
func TestProbeFindsNewProcess(t *testing.T) {
	liveProcfs(t)
	c := newProcCollector(DefaultFS())
	c.smaps.TopK = 0
	defer c.Close()
	var mu sync.Mutex
	statusOpens := map[int]int{}
	c.fault = func(pid int, name string) error {
		if filepath.Base(name) == "status" {
			mu.Lock()
			statusOpens[pid]++
			mu.Unlock()
		}
		return nil
	}
	probePass(t, c)
	probePass(t, c)
	for range 20 {
		cmd := exec.Command("sleep", "60")
		if err := cmd.Start(); err != nil {
			t.Skipf("cannot start sleep: %v", err)
		}
		pid := cmd.Process.Pid
		s, listed := probePass(t, c)
		cmd.Process.Kill()
		cmd.Wait()
		if !hasPID(s, pid) {
			t.Fatalf("child %d missing from the pass after its start (listed %v)", pid, listed)
		}
		if !listed {
			mu.Lock()
			defer mu.Unlock()
			if have := statusOpens[pid]; have != 1 {
				t.Errorf("child %d: want its status opened once (by the probe), have %d", pid, have)
			}
			if p := procOf(s, pid); !p.HasStatus || p.RSSKB == 0 {
				t.Errorf("child %d: want the probe's status in the table, have %+v", pid, p)
			}
			return // found by probing
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Skip("every pass listed /proc: the host allocates PIDs too fast for the probe")
}

// TestProbeRelistsThreads: a thread started in a process already known to be multi-threaded
// is counted in the pass after, although /proc was not listed: its TID, probed, names the
// process, whose task directory is listed again.
func TestProbeRelistsThreads(t *testing.T) {
	liveProcfs(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	const script = "import sys, threading, time\n" +
		"def t(): threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n" +
		"t(); print('one', flush=True); sys.stdin.readline(); t(); print('two', flush=True); time.sleep(60)\n"
	for range 20 {
		cmd := exec.Command("python3", "-c", script)
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Skipf("cannot start python3: %v", err)
		}
		pid := cmd.Process.Pid
		line := make([]byte, 4)
		io.ReadFull(out, line) // "one\n": two threads now
		c := newProcCollector(DefaultFS())
		c.smaps.TopK = 0
		probePass(t, c)
		probePass(t, c)
		e := c.cache[pid]
		if e == nil || !e.multi || len(e.threads) != 2 {
			cmd.Process.Kill()
			cmd.Wait()
			c.Close()
			t.Fatalf("python3 %d before: want 2 threads known, have %+v", pid, e)
		}
		in.Write([]byte("\n"))
		io.ReadFull(out, line) // "two\n": three threads
		_, listed := probePass(t, c)
		n := len(e.threads)
		cmd.Process.Kill()
		cmd.Wait()
		c.Close()
		if !listed {
			if n != 3 {
				t.Fatalf("after a new thread and a probing pass: %d threads known, want 3", n)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Skip("every pass listed /proc: the host allocates PIDs too fast for the probe")
}
