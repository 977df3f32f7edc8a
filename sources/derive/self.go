package derive

import "github.com/ktop-dev/ktop/sources"

func init() { register(func(prev, cur *sources.Snapshot, f *Frame) { f.Self = SelfOf(prev, cur) }) }

// SelfOf turns ktop's cumulative CPU time into % of one core over the interval, the way top
// computes a process's %CPU. The engine calls it again once the tick's own cost is known.
func SelfOf(prev, cur *sources.Snapshot) Self {
	s := Self{RSSKB: cur.Self.RSSKB, TickMs: float64(cur.Self.TickTime.Microseconds()) / 1000, Goroutines: cur.Self.Goroutine}
	if prev == nil || cur.Self.CPUNs == 0 {
		return s // no CPU time measured (a snapshot not taken by the engine): no figure
	}
	dt := cur.Time.Sub(prev.Time).Seconds()
	if d, ok := sources.Delta(prev.Self.CPUNs, cur.Self.CPUNs, sources.W64); ok && dt > 0 {
		s.CPUPct = Some(float64(d) / 1e9 / dt * 100)
	}
	return s
}
