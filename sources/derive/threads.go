package derive

import (
	"github.com/ktop-dev/ktop/sources"
)

// Thread is one thread as pidstat -t shows it, rated between two on-demand reads of its
// process's threads (sources.ThreadSet). It is not part of Frame: threads are read only while
// the UI shows them.
type Thread struct {
	TID    int     `json:"tid"`
	Comm   string  `json:"comm"`
	State  string  `json:"state"`
	CPU    int     `json:"cpu"`
	Nice   int     `json:"nice"`
	TimeS  float64 `json:"time_s"` // utime+stime since the thread started
	Usr    Val     `json:"usr"`    // Δutime: per-thread guest time is not read, so guest stays in
	System Val     `json:"system"`
	CPUPct Val     `json:"cpu_pct"`
	Wait   Val     `json:"wait"` // Δrun_delay / Δt
}

// Threads rates cur against prev (the same process read earlier; nil for none), matching
// threads by (TID, starttime) as processes are matched by (PID, starttime). Threads without a
// baseline have null rates.
func Threads(prev, cur *sources.ThreadSet) []Thread {
	if cur == nil {
		return nil
	}
	out := make([]Thread, len(cur.Threads))
	var dt float64
	if prev != nil {
		dt = cur.At.Sub(prev.At).Seconds()
	}
	j := 0 // both lists are sorted by TID
	for i := range cur.Threads {
		c := &cur.Threads[i]
		out[i] = Thread{TID: c.TID, Comm: c.Comm, State: string(c.State), CPU: int(c.CPU), Nice: int(c.Nice),
			TimeS: float64(c.UTime+c.STime) / userHZ}
		if prev == nil || dt <= 0 {
			continue
		}
		for j < len(prev.Threads) && prev.Threads[j].TID < c.TID {
			j++
		}
		if j >= len(prev.Threads) || prev.Threads[j].TID != c.TID || prev.Threads[j].Start != c.Start {
			continue
		}
		p := &prev.Threads[j]
		ticks := dt * userHZ
		du, okU := sources.Delta(p.UTime, c.UTime, sources.W64)
		ds, okS := sources.Delta(p.STime, c.STime, sources.W64)
		out[i].Usr = pctOver(du, okU, ticks)
		out[i].System = pctOver(ds, okS, ticks)
		if okU && okS {
			out[i].CPUPct = Some(100 * float64(du+ds) / ticks)
		}
		if p.HasSched && c.HasSched {
			d, ok := sources.Delta(p.RunDelayNs, c.RunDelayNs, sources.W64)
			out[i].Wait = pctOver(d, ok, dt*1e9)
		}
	}
	return out
}
