package derive

import (
	"github.com/ktop-dev/ktop/sources"
)

func init() { register(deriveSystem) }

// deriveSystem fills the header figures: host, uptime, load, runq, blocked and the /proc/stat
// event rates (vmstat in/cs, sar -w proc/s).
func deriveSystem(prev, cur *sources.Snapshot, f *Frame) {
	if h := cur.Host; h != nil {
		f.Host, f.Kernel, f.OS = h.Hostname, h.Kernel, h.OS
	}
	if u := cur.Uptime; u != nil {
		f.UptimeS = Some(u.Up)
	}
	if l := cur.Load; l != nil {
		f.Load = &Load{Avg1: l.Load1, Avg5: l.Load5, Avg15: l.Load15, Runnable: l.Runnable, Threads: l.Threads}
	}
	st := cur.Stat
	if st != nil {
		f.NCPU = len(st.CPUs)
	}
	if cur.Online != nil && len(cur.Online.Online) > 0 {
		f.NCPU = len(cur.Online.Online)
	}
	if st == nil {
		return
	}
	// procs_running counts the task reading /proc/stat, i.e. ktop: sar -q subtracts it too.
	if st.ProcsRunning > 0 {
		f.Runq = Some(float64(st.ProcsRunning - 1))
	} else {
		f.Runq = Some(0)
	}
	f.Blocked = Some(float64(st.ProcsBlocked))
	if prev == nil || prev.Stat == nil {
		return
	}
	dt := st.At.Sub(prev.Stat.At).Seconds()
	f.CswchS = rateOf(prev.Stat.Ctxt, st.Ctxt, dt)
	f.IntrS = rateOf(prev.Stat.Intr, st.Intr, dt)
	f.ProcS = rateOf(prev.Stat.Processes, st.Processes, dt)
}

// rateOf is the per-second rate of a 64-bit cumulative counter; a backwards step is a reset.
func rateOf(prev, cur uint64, dt float64) Val {
	d, ok := sources.Delta(prev, cur, sources.W64)
	return rate(d, ok, dt)
}

// rateOf32 is rateOf for a 32-bit counter that may wrap.
func rateOf32(prev, cur uint64, dt float64) Val {
	d, ok := sources.Delta(prev, cur, sources.W32)
	return rate(d, ok, dt)
}
