package collect

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func TestParseStatusMem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file       string
		want       sources.ProcMem
		vol, invol uint64
	}{
		{liveB + "/14189/status", sources.ProcMem{VmPeak: 237808, VmSize: 237808, VmHWM: 13668, VmRSS: 13668,
			RssAnon: 6956, RssFile: 6712, VmData: 32964, VmStk: 132, VmExe: 4, VmLib: 4672, VmPTE: 92}, 29, 154},
		// A kernel thread has no Vm or Rss lines.
		{liveB + "/2/status", sources.ProcMem{}, 0, 0},
	}
	for _, tt := range tests {
		var have sources.ProcMem
		vol, invol, err := ParseStatusMem(mustRead(t, tt.file), &have)
		if err != nil || have != tt.want {
			t.Errorf("%s: err %v\nwant %+v\nhave %+v", tt.file, err, tt.want, have)
		}
		if tt.file == liveB+"/2/status" {
			continue // kthreadd's switch counts are whatever they were; only the shape matters
		}
		if vol != tt.vol || invol != tt.invol {
			t.Errorf("%s: ctxt switches want %d/%d, have %d/%d", tt.file, tt.vol, tt.invol, vol, invol)
		}
	}
	var m sources.ProcMem
	if _, _, err := ParseStatusMem([]byte("VmRSS:\t12 kB\n"), &m); err == nil {
		t.Error("status without Name accepted")
	}
	if _, _, err := ParseStatusMem([]byte("Name:\tx\nVmRSS:\tlots kB\n"), &m); err == nil {
		t.Error("bad VmRSS accepted")
	}
}

// TestParseCgroup: the lines are hand-made (no cgroup file is among the fixtures); the point is
// that a path, which any user with a delegated subtree can name, reaches the screen sanitised.
func TestParseCgroup(t *testing.T) {
	t.Parallel()
	have := ParseCgroup([]byte("4:memory:/a\n0::/user.slice/evil\x1b[31m.scope\n\n"))
	want := []string{"4:memory:/a", "0::/user.slice/evil?[31m.scope"}
	if len(have) != len(want) || have[0] != want[0] || have[1] != want[1] {
		t.Errorf("want %q, have %q", want, have)
	}
}

func FuzzParseStatusMem(f *testing.F) {
	for _, p := range []string{liveB + "/14189/status", liveB + "/2/status", cpu16B + "/409/status"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m sources.ProcMem
		_, _, _ = ParseStatusMem(b, &m)
		_ = ParseCgroup(b)
	})
}

func selfID(t *testing.T, pid int) sources.ProcID {
	t.Helper()
	var p sources.Proc
	if _, err := ParseProcStat(mustRead(t, "/proc/"+strconv.Itoa(pid)+"/stat"), &p); err != nil {
		t.Fatal(err)
	}
	return sources.ProcID{PID: pid, Start: p.StartTime}
}

// TestReadProcDetailLive reads a child started for the test from the machine's /proc: the
// detail reader's job is the live system, and its parsers are tested over fixtures above.
func TestReadProcDetailLive(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	id := selfID(t, cmd.Process.Pid)
	fs := FS{Proc: "/proc"}

	d, err := ReadProcDetail(fs, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Threads.Threads) != 1 || d.Threads.Threads[0].TID != id.PID || d.Threads.Threads[0].Comm != "sleep" {
		t.Errorf("threads: %+v (%s)", d.Threads.Threads, d.ThreadsNote)
	}
	if d.Mem.VmRSS == 0 || d.Mem.VmSize < d.Mem.VmRSS || d.MemNote != "" {
		t.Errorf("mem: %+v (%s)", d.Mem, d.MemNote)
	}
	if len(d.Cgroups) == 0 || d.CgroupNote != "" {
		t.Errorf("cgroups: %q (%s)", d.Cgroups, d.CgroupNote)
	}
	if d.FDs < 3 || d.FDNote != "" {
		t.Errorf("fds: %d (%s)", d.FDs, d.FDNote)
	}

	if _, err := ReadProcDetail(fs, sources.ProcID{PID: id.PID, Start: id.Start + 1}); !errors.Is(err, sources.ErrPIDReused) {
		t.Errorf("wrong starttime: %v", err)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if _, err := ReadProcDetail(fs, id); !errors.Is(err, sources.ErrProcGone) && !errors.Is(err, sources.ErrPIDReused) {
		t.Errorf("reaped child: %v", err)
	}
}

// TestReadThreadsLive reads the test binary's own threads (the Go runtime runs several).
func TestReadThreadsLive(t *testing.T) {
	t.Parallel()
	id := selfID(t, os.Getpid())
	tab := ReadThreads(FS{Proc: "/proc"}, []sources.ProcID{id, {PID: id.PID, Start: id.Start + 1}})
	ts := tab.Procs[id]
	if ts == nil || len(ts.Threads) < 2 || tab.Count != len(ts.Threads) || len(tab.Procs) != 1 {
		t.Fatalf("table: %+v", tab)
	}
	for i, th := range ts.Threads {
		if th.Comm == "" || th.State == 0 || !th.HasSched || (i > 0 && th.TID <= ts.Threads[i-1].TID) {
			t.Errorf("thread %+v", th)
		}
	}
}

// TestReadProcDetailFixture: a fixture tree lacks task/*/stat, cgroup and fd, so every part
// carries its note and the memory lines are still read.
func TestReadProcDetailFixture(t *testing.T) {
	t.Parallel()
	d, err := ReadProcDetail(FS{Proc: liveB}, sources.ProcID{PID: 14189, Start: 53386})
	if err != nil {
		t.Fatal(err)
	}
	if d.Mem.VmRSS != 13668 || d.ThreadsNote == "" || d.CgroupNote != "no cgroup" || d.FDNote != "no fd" || d.FDs != -1 {
		t.Errorf("detail: %+v", d)
	}
}
