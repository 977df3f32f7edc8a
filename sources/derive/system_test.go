package derive

import (
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func TestSystem16(t *testing.T) {
	t.Parallel()
	// Stat.At 3.74 s apart, as uptime (27.74 → 31.48) says the snapshots were.
	prev, cur := pair(t, 3740*time.Millisecond, "16cpu", "a", "b")
	cur.Online = &sources.CPUSet{Online: seqInts(16)}
	f := Derive(prev, cur)
	for _, x := range []struct {
		name string
		have Val
		want float64
	}{
		{"interval", f.Interval, 3.74},
		// procs_running 7 counts the reader itself: runq = 7 − 1.
		{"runq", f.Runq, 6},
		{"blocked", f.Blocked, 0},
		// ctxt 58831 → 73058: 14227 / 3.74 s.
		{"cswch/s", f.CswchS, 14227 / 3.74},
		// intr 86645 → 104591: 17946 / 3.74 s.
		{"intr/s", f.IntrS, 17946 / 3.74},
		// processes 443 → 2883: 2440 / 3.74 s.
		{"proc/s", f.ProcS, 2440 / 3.74},
		{"uptime", f.UptimeS, 31.48},
	} {
		if !near(x.have, x.want) {
			t.Errorf("%s: want %v, have %+v", x.name, x.want, x.have)
		}
	}
	if want := (Load{Avg1: 0.56, Avg5: 0.12, Avg15: 0.04, Runnable: 7, Threads: 216}); f.Load == nil || *f.Load != want {
		t.Errorf("load: want %+v, have %+v", want, f.Load)
	}
	if f.NCPU != 16 {
		t.Errorf("ncpu: want 16, have %d", f.NCPU)
	}
}

func seqInts(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestSystemRatesUseStatAt: rates divide by the interval between the two /proc/stat reads,
// not by the sampling pass's clock.
func TestSystemRatesUseStatAt(t *testing.T) {
	t.Parallel()
	prev, cur := pair(t, time.Second, "16cpu", "a", "b")
	cur.Stat.At = prev.Stat.At.Add(2 * time.Second)
	f := Derive(prev, cur)
	if !near(f.CswchS, 14227.0/2) || !near(f.Interval, 1) {
		t.Errorf("want cswch/s over 2 s and interval 1 s, have %+v and %+v", f.CswchS, f.Interval)
	}
}

func TestSystemFirstSample(t *testing.T) {
	t.Parallel()
	f := Derive(nil, fixtureSnap(t, t0, "hotplug", "on"))
	for name, v := range map[string]Val{"interval": f.Interval, "cswch/s": f.CswchS, "intr/s": f.IntrS, "proc/s": f.ProcS} {
		if v.OK {
			t.Errorf("first sample %s: want missing, have %v", name, v.V)
		}
	}
	// Instantaneous values need no previous sample. procs_running 1 is the reader: runq 0.
	if !near(f.Runq, 0) || !near(f.Blocked, 0) {
		t.Errorf("first sample runq/blocked: have %+v %+v", f.Runq, f.Blocked)
	}
	if f.NCPU != 2 {
		t.Errorf("ncpu from stat lines: want 2, have %d", f.NCPU)
	}
}

func TestSystemEdges(t *testing.T) {
	t.Parallel()
	stat := func(at time.Time, ctxt, running uint64) *sources.Snapshot {
		return &sources.Snapshot{Time: at, Stat: &sources.Stat{At: at, Total: sources.CPUTimes{ID: -1}, Ctxt: ctxt, ProcsRunning: running}}
	}
	// procs_running 0 cannot happen while ktop reads, but must not wrap to 2^64−1.
	if f := Derive(nil, stat(t0, 0, 0)); !near(f.Runq, 0) {
		t.Errorf("procs_running 0: runq %+v", f.Runq)
	}
	// A counter that went backwards is a reset: no rate rather than a huge one.
	if f := Derive(stat(t0, 1000, 1), stat(t0.Add(time.Second), 10, 1)); f.CswchS.OK {
		t.Errorf("ctxt reset: want missing, have %v", f.CswchS.V)
	}
	// Two reads at the same instant: no rate.
	if f := Derive(stat(t0, 10, 1), stat(t0, 20, 1)); f.CswchS.OK || f.Interval.OK {
		t.Errorf("dt 0: want missing, have %+v %+v", f.CswchS, f.Interval)
	}
	// Online set without /proc/stat still gives the CPU count.
	if f := Derive(nil, &sources.Snapshot{Time: t0, Online: &sources.CPUSet{Online: []int{0, 2}}}); f.NCPU != 2 {
		t.Errorf("ncpu from online only: want 2, have %d", f.NCPU)
	}
}

func TestRateOf32Wraps(t *testing.T) {
	t.Parallel()
	// A 32-bit counter (softirqs, interrupts) that passed 2^32 between samples.
	if v := rateOf32(1<<32-10, 5, 1); !near(v, 15) {
		t.Errorf("wrap: want 15/s, have %+v", v)
	}
	// The same step on a 64-bit counter is a reset.
	if v := rateOf(1<<32-10, 5, 1); v.OK {
		t.Errorf("64-bit backwards: want missing, have %v", v.V)
	}
	if v := rateOf32(100, 300, 2); !near(v, 100) {
		t.Errorf("plain: want 100/s, have %+v", v)
	}
}
