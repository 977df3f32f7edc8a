package derive

import "github.com/ktop-dev/ktop/sources"

func init() { register(derivePSI) }

// derivePSI shows each pressure line's kernel averages and its stall share over the interval,
// Δtotal_µs / Δt_µs × 100 (metrics-spec §2.1), clamped to [0, 100] because the two reads of
// total and of the clock are not atomic. A resource or line absent from either sample (irq
// without CONFIG_IRQ_TIME_ACCOUNTING, cpu full before 5.13) stays nil or has no stall value.
func derivePSI(prev, cur *sources.Snapshot, f *Frame) {
	c := cur.PSI
	if c == nil {
		return
	}
	var p *sources.PSI
	dt := 0.0
	if prev != nil && prev.PSI != nil {
		p = prev.PSI
		dt = c.At.Sub(p.At).Seconds()
	}
	res := func(pick func(*sources.PSI) *sources.PSIResource) *PSIResource {
		cr := pick(c)
		if cr == nil {
			return nil
		}
		var pr *sources.PSIResource
		if p != nil {
			pr = pick(p)
		}
		var ps, pf *sources.PSILine
		if pr != nil {
			ps, pf = pr.Some, pr.Full
		}
		return &PSIResource{Some: psiLine(ps, cr.Some, dt), Full: psiLine(pf, cr.Full, dt)}
	}
	f.PSI = &PSI{
		CPU:    res(func(s *sources.PSI) *sources.PSIResource { return s.CPU }),
		Memory: res(func(s *sources.PSI) *sources.PSIResource { return s.Memory }),
		IO:     res(func(s *sources.PSI) *sources.PSIResource { return s.IO }),
		IRQ:    res(func(s *sources.PSI) *sources.PSIResource { return s.IRQ }),
	}
}

func psiLine(prev, cur *sources.PSILine, dt float64) *PSILine {
	if cur == nil {
		return nil
	}
	l := &PSILine{Avg10: cur.Avg10, Avg60: cur.Avg60, Avg300: cur.Avg300}
	if prev != nil && dt > 0 {
		if d, ok := sources.Delta(prev.Total, cur.Total, sources.W64); ok {
			l.Stall = Some(clamp(float64(d)/(dt*1e6)*100, 0, 100))
		}
	}
	return l
}
