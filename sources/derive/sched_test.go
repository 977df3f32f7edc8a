package derive

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

func TestDeriveSchedstat(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(fixtureRoot, "i3a-public/node_exporter/proc/schedstat"))
	if err != nil {
		t.Fatal(err)
	}
	prev, err := collect.ParseSchedstat(b)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := collect.ParseSchedstat(b)
	if err != nil {
		t.Fatal(err)
	}
	// Modified copy of the real file, 2 s later: cpu0 ran 1.5 s, its tasks waited 0.5 s in
	// total over 250 timeslices; cpu1 ran no slice and its wait counter went back (a reset).
	cur.At = prev.At.Add(2 * time.Second)
	cur.CPUs[0].RunNs += 1_500_000_000
	cur.CPUs[0].WaitNs += 500_000_000
	cur.CPUs[0].Timeslices += 250
	cur.CPUs[1].WaitNs -= 1
	f := Derive(&sources.Snapshot{Schedstat: prev}, &sources.Snapshot{Schedstat: cur})
	s := f.Sched
	if s == nil || s.Source != SchedFromSchedstat || len(s.CPU) != 2 {
		t.Fatalf("want two schedstat CPUs, have %+v", s)
	}
	c0, c1 := s.CPU[0], s.CPU[1]
	if !near(c0.BusyPct, 75) || !near(c0.AvgWait, 0.25) || !near(c0.WaitMs, 2) || !near(c0.SlicesS, 125) || c0.Runnable.OK {
		t.Errorf("cpu0: want busy 75 avg_waiting 0.25 wait_ms 2 slices_s 125, no runnable; have %+v", c0)
	}
	if !near(c1.BusyPct, 0) || c1.AvgWait.OK || c1.WaitMs.OK || !near(c1.SlicesS, 0) {
		t.Errorf("cpu1: want busy 0, waits missing (reset), slices 0; have %+v", c1)
	}

	// rq_cpu_time can run slightly ahead of ktop's clock: busy is clamped at 100.
	cur.CPUs[0].RunNs += 1_000_000_000
	f = Derive(&sources.Snapshot{Schedstat: prev}, &sources.Snapshot{Schedstat: cur})
	if !near(f.Sched.CPU[0].BusyPct, 100) {
		t.Errorf("want busy clamped at 100, have %+v", f.Sched.CPU[0].BusyPct)
	}

	// First sample: no rates.
	f = Derive(nil, &sources.Snapshot{Schedstat: cur})
	if f.Sched.CPU[0].BusyPct.OK || f.Sched.CPU[0].AvgWait.OK {
		t.Errorf("first sample: want missing rates, have %+v", f.Sched.CPU[0])
	}
}

// TestDeriveSchedFallback feeds the per-CPU counters the fallback collector built from the real
// 16-CPU captures (see collect's TestSchedstatFallback), over the captures' 3.74 s.
func TestDeriveSchedFallback(t *testing.T) {
	t.Parallel()
	at := time.Unix(1_800_000_000, 0)
	dt := 31.48 - 27.74
	prev := &sources.Schedstat{At: at, Fallback: true, CPUs: []sources.SchedCPU{
		{ID: 0, Runnable: 1}, {ID: 1}, {ID: 15},
	}}
	cur := &sources.Schedstat{At: at.Add(time.Duration(dt * float64(time.Second))), Fallback: true, CPUs: []sources.SchedCPU{
		{ID: 0, RunNs: 3711266963, WaitNs: 115286, Timeslices: 10, Runnable: 1},
		{ID: 1, RunNs: 3524074, WaitNs: 3073781, Timeslices: 235},
		{ID: 15, RunNs: 2001589, WaitNs: 1142422, Timeslices: 82},
		{ID: 16}, // not in the previous sample
	}}
	f := Derive(&sources.Snapshot{Schedstat: prev}, &sources.Snapshot{Schedstat: cur})
	s := f.Sched
	if s.Source != SchedFromTasks || len(s.CPU) != 4 {
		t.Fatalf("want the fallback named and 4 CPUs, have %+v", s)
	}
	dtNs := dt * 1e9
	c0, c1, c16 := s.CPU[0], s.CPU[1], s.CPU[3]
	if c0.BusyPct.OK || !near(c0.AvgWait, 115286/dtNs) ||
		!near(c0.WaitMs, 115286.0/10/1e6) || !near(c0.SlicesS, 10/dt) || !near(c0.Runnable, 1) {
		t.Errorf("cpu0: have %+v", c0)
	}
	if !near(c1.WaitMs, 3073781.0/235/1e6) || !near(c1.Runnable, 0) {
		t.Errorf("cpu1: have %+v", c1)
	}
	if c16.BusyPct.OK || c16.AvgWait.OK || !near(c16.Runnable, 0) {
		t.Errorf("new cpu: want missing rates and an instant runnable count, have %+v", c16)
	}

	// A switch between the two sources gives no rates: their counters are unrelated.
	file := &sources.Schedstat{At: cur.At.Add(time.Second), Version: 15, CPUs: cur.CPUs}
	if f := Derive(&sources.Snapshot{Schedstat: cur}, &sources.Snapshot{Schedstat: file}); f.Sched.CPU[0].BusyPct.OK {
		t.Errorf("source switch: want no rates, have %+v", f.Sched.CPU[0])
	}
}

func TestDeriveSchedNoWrap(t *testing.T) {
	t.Parallel()
	// Fields 7–9 are 64-bit: a drop from just under 2^32 is a reset, never a 32-bit wrap.
	at := time.Unix(1_800_000_000, 0)
	prev := &sources.Schedstat{At: at, Version: 15, CPUs: []sources.SchedCPU{{ID: 0, RunNs: 1<<32 - 5, WaitNs: 1<<32 - 5, Timeslices: 1<<32 - 5}}}
	cur := &sources.Schedstat{At: at.Add(time.Second), Version: 15, CPUs: []sources.SchedCPU{{ID: 0, RunNs: 10, WaitNs: 10, Timeslices: 10}}}
	c := Derive(&sources.Snapshot{Schedstat: prev}, &sources.Snapshot{Schedstat: cur}).Sched.CPU[0]
	if c.BusyPct.OK || c.AvgWait.OK || c.WaitMs.OK || c.SlicesS.OK {
		t.Errorf("want every rate missing, have %+v", c)
	}
}
