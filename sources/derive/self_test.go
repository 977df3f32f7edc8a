package derive

import (
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func TestSelfOf(t *testing.T) {
	t.Parallel()
	prev := &sources.Snapshot{Time: t0, Self: sources.SelfCost{CPUNs: 2e9}}
	cur := &sources.Snapshot{Time: t0.Add(2 * time.Second), Self: sources.SelfCost{
		CPUNs: 2e9 + 50e6, RSSKB: 12345, TickTime: 1500 * time.Microsecond, Goroutine: 7,
	}}
	// 50 ms of CPU over 2 s of wall time: 2.5 % of one core, as top would show.
	s := SelfOf(prev, cur)
	if !near(s.CPUPct, 2.5) || s.RSSKB != 12345 || s.TickMs != 1.5 || s.Goroutines != 7 {
		t.Errorf("want 2.5 %% / 12345 kB / 1.5 ms / 7 goroutines, have %+v", s)
	}
	if s := SelfOf(nil, cur); s.CPUPct.OK || s.RSSKB != 12345 {
		t.Errorf("first sample: want missing cpu and the RSS, have %+v", s)
	}
	if s := SelfOf(cur, prev); s.CPUPct.OK {
		t.Errorf("time going backwards: want missing, have %+v", s.CPUPct)
	}
	// Snapshots the engine did not take (fixtures, derived again from a store without the
	// measurement) carry no CPU time: no figure, rather than 0 %.
	unmeasured := &sources.Snapshot{Time: t0.Add(3 * time.Second)}
	if s := SelfOf(&sources.Snapshot{Time: t0}, unmeasured); s.CPUPct.OK {
		t.Errorf("unmeasured: want missing, have %+v", s.CPUPct)
	}
}
