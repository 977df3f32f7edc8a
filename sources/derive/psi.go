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
	// The whole section is one allocation: a pointer per resource and line was a dozen a sample.
	var mem struct {
		psi   PSI
		res   [4]PSIResource
		lines [8]PSILine
	}
	out := &mem
	res := func(k int, cr, pr *sources.PSIResource) *PSIResource {
		if cr == nil {
			return nil
		}
		var ps, pf *sources.PSILine
		if pr != nil {
			ps, pf = pr.Some, pr.Full
		}
		r := &out.res[k]
		r.Some = psiLine(&out.lines[2*k], ps, cr.Some, dt)
		r.Full = psiLine(&out.lines[2*k+1], pf, cr.Full, dt)
		return r
	}
	var pc, pm, pio, pirq *sources.PSIResource
	if p != nil {
		pc, pm, pio, pirq = p.CPU, p.Memory, p.IO, p.IRQ
	}
	out.psi = PSI{CPU: res(0, c.CPU, pc), Memory: res(1, c.Memory, pm), IO: res(2, c.IO, pio), IRQ: res(3, c.IRQ, pirq)}
	f.PSI = &out.psi
}

func psiLine(l *PSILine, prev, cur *sources.PSILine, dt float64) *PSILine {
	if cur == nil {
		return nil
	}
	*l = PSILine{Avg10: cur.Avg10, Avg60: cur.Avg60, Avg300: cur.Avg300}
	if prev != nil && dt > 0 {
		if d, ok := sources.Delta(prev.Total, cur.Total, sources.W64); ok {
			l.Stall = Some(clamp(float64(d)/(dt*1e6)*100, 0, 100))
		}
	}
	return l
}
