package derive

import "github.com/ktop-dev/ktop/sources"

func init() { register(deriveSched) }

// Sched.Source values.
const (
	SchedFromSchedstat = "schedstat"
	SchedFromTasks     = "task-fallback"
)

// deriveSched fills Frame.Sched from the per-CPU scheduler counters (metrics-spec §2.3):
// busy % = Δrun/Δt, average waiting tasks = Δwait/Δt (both in ns), mean wait per timeslice =
// Δwait/Δslices in ms ("—" without slices), timeslices/s. The per-task fallback yields the
// same wait and timeslice counters (approximate, see collect's schedstat collector) plus the
// number of threads in state R by last CPU, an instant value present from the first sample on;
// it gives no busy %.
func deriveSched(prev, cur *sources.Snapshot, f *Frame) {
	st := cur.Schedstat
	if st == nil {
		return
	}
	out := &Sched{Source: SchedFromSchedstat, CPU: make([]SchedCPU, 0, len(st.CPUs))}
	if st.Fallback {
		out.Source = SchedFromTasks
	}
	var prevCPU prevRows[int]
	var pc []sources.SchedCPU
	dtNs := 0.0
	// Counters of the two sources are not comparable: no rates across a switch.
	if prev != nil && prev.Schedstat != nil && prev.Schedstat.Fallback == st.Fallback {
		dtNs = float64(st.At.Sub(prev.Schedstat.At).Nanoseconds())
		pc = prev.Schedstat.CPUs
		prevCPU = prevRows[int]{n: len(pc), key: func(j int) int { return pc[j].ID }}
	}
	for i, c := range st.CPUs {
		o := SchedCPU{ID: c.ID}
		if st.Fallback {
			o.Runnable = Some(float64(c.Runnable))
		}
		if j, ok := prevCPU.find(i, c.ID); ok && dtNs > 0 {
			p := pc[j]
			dRun, okRun := sources.Delta(p.RunNs, c.RunNs, sources.W64)
			dWait, okWait := sources.Delta(p.WaitNs, c.WaitNs, sources.W64)
			dSl, okSl := sources.Delta(p.Timeslices, c.Timeslices, sources.W64)
			// The fallback's run time misses threads that exited and credits a migrating
			// thread to one CPU: measured beside mpstat under churn it read 1 % busy where
			// %idle said 64 %, so it is left out; mpstat's exact figure is in Frame.CPU.
			if okRun && !st.Fallback {
				o.BusyPct = pct(float64(dRun), dtNs)
			}
			if okWait {
				o.AvgWait = Some(float64(dWait) / dtNs)
			}
			if okWait && okSl && dSl > 0 {
				o.WaitMs = Some(float64(dWait) / float64(dSl) / 1e6)
			}
			if okSl {
				o.SlicesS = Some(float64(dSl) / (dtNs / 1e9))
			}
		}
		out.CPU = append(out.CPU, o)
	}
	f.Sched = out
}
