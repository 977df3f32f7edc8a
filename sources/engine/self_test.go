package engine

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSelfMatchesProcStat: the cost ktop shows of itself (getrusage) is what the kernel says of
// the process in /proc/self/stat (utime+stime), and the resident size is statm's. Not
// parallel: other tests' CPU would land in one window and not the other.
func TestSelfMatchesProcStat(t *testing.T) {
	var fs syscall.Statfs_t
	if syscall.Statfs("/proc", &fs) != nil || fs.Type != 0x9fa0 {
		t.Skip("no procfs at /proc")
	}
	e := newEngine(t, time.Second, "host-2cpu", "a")
	s1 := e.Sample()
	t1 := selfTicks(t)
	for deadline := time.Now().Add(400 * time.Millisecond); time.Now().Before(deadline); {
	}
	t2 := selfTicks(t)
	s2 := e.Sample()
	// /proc/PID/stat counts in USER_HZ ticks (10 ms), truncated: up to a tick short at each end;
	// the second Sample's own pass (a fixture root: about a millisecond) is in getrusage's window
	// only.
	have := float64(s2.Snap.Self.CPUNs-s1.Snap.Self.CPUNs) / 1e6
	want := float64(t2-t1) * 10
	if have < want-20 || have > want+25 {
		t.Errorf("CPU over the window: getrusage %.1f ms, /proc/self/stat %.0f ms", have, want)
	}
	// The %CPU shown is that CPU time over the time between the samples.
	dt := float64(s2.Snap.Time.Sub(s1.Snap.Time).Microseconds()) / 1000
	if f := s2.Frame.Self; !f.CPUPct.OK || f.CPUPct.V < (want-20)/dt*100 || f.CPUPct.V > (want+25)/dt*100 {
		t.Errorf("%%CPU shown %+v, /proc/self/stat says %.0f ms over %.0f ms", f.CPUPct, want, dt)
	}
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := strconv.ParseUint(strings.Fields(string(statm))[1], 10, 64)
	kb := pages * uint64(os.Getpagesize()) / 1024
	if rss := s2.Frame.Self.RSSKB; rss == 0 || rss > kb*2 || kb > rss*2 {
		t.Errorf("RSS: shown %d kB, statm %d kB", rss, kb)
	}
}

// selfTicks is utime+stime of this process from /proc/self/stat, in USER_HZ ticks.
func selfTicks(t *testing.T) uint64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseUint(f[11], 10, 64)
	s, _ := strconv.ParseUint(f[12], 10, 64)
	return u + s
}
