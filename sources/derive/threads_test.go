package derive_test

import (
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

func TestThreads(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	prev := &sources.ThreadSet{At: t0, Threads: []sources.ThreadStat{
		{TID: 10, Start: 5, UTime: 100, STime: 10, RunDelayNs: 1e9, HasSched: true},
		{TID: 11, Start: 6, UTime: 50},
		{TID: 12, Start: 7, UTime: 500},
		{TID: 13, Start: 8, UTime: 90},
	}}
	cur := &sources.ThreadSet{At: t0.Add(2 * time.Second), Threads: []sources.ThreadStat{
		{TID: 10, Start: 5, UTime: 250, STime: 30, RunDelayNs: 1.5e9, HasSched: true, State: 'R', Comm: "main"},
		{TID: 12, Start: 9, UTime: 3},  // TID reused by a new thread: no baseline
		{TID: 13, Start: 8, UTime: 40}, // went backwards: a reset, no rate
		{TID: 14, Start: 10, UTime: 7}, // new
	}}
	have := derive.Threads(prev, cur)
	if len(have) != 4 {
		t.Fatalf("%d threads", len(have))
	}
	// Δt 2 s = 200 ticks: Δutime 150 → 75 %, Δstime 20 → 10 %, Δrun_delay 0.5 s → 25 %.
	m := have[0]
	if !near(m.Usr, 75) || !near(m.System, 10) || !near(m.CPUPct, 85) || !near(m.Wait, 25) || m.State != "R" || m.TimeS != 2.8 {
		t.Errorf("main: %+v", m)
	}
	for _, th := range have[1:] {
		if th.Usr.OK || th.CPUPct.OK {
			t.Errorf("tid %d has a rate: %+v", th.TID, th)
		}
	}
	if first := derive.Threads(nil, cur); first[0].CPUPct.OK || first[0].TID != 10 {
		t.Errorf("no baseline: %+v", first[0])
	}
	if derive.Threads(prev, nil) != nil {
		t.Error("nil current")
	}
}
