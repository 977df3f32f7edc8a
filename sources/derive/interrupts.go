package derive

import (
	"slices"

	"github.com/ktop-dev/ktop/sources"
)

func init() { register(deriveInterrupts) }

// irqKey identifies a /proc/interrupts row by its first token and its description
// (metrics-spec §0.2): a numbered IRQ that was freed and given to another device restarts its
// counters, so it is a new row, not a drop.
type irqKey struct{ name, desc string }

// deriveInterrupts fills Frame.Interrupts: rows in the current file order, per-CPU rates
// aligned with the current header (online CPUs, matched by id across hotplug). A row that was
// not in the previous sample (driver just registered) has missing rates; one that vanished is
// simply gone. ERR and MIS carry only a total.
func deriveInterrupts(prev, cur *sources.Snapshot, f *Frame) {
	in := cur.Interrupts
	if in == nil {
		return
	}
	out := &Interrupts{CPUs: slices.Clone(in.CPUs), Rows: make([]IRQRate, len(in.Rows))}
	var p *sources.Interrupts
	var prevRow prevRows[irqKey]
	var colBuf [64]int
	var cols []int
	dt := 0.0
	if prev != nil && prev.Interrupts != nil {
		p = prev.Interrupts
		dt = in.At.Sub(p.At).Seconds()
		cols = columnMap(colBuf[:0], p.CPUs, in.CPUs)
		prevRow = prevRows[irqKey]{n: len(p.Rows), key: func(j int) irqKey { return irqKey{p.Rows[j].Name, p.Rows[j].Desc} }}
	}
	// One array holds every row's per-CPU rates: a slice per row was most of this section's
	// allocations (tens of rows a sample).
	perCPU := make([]Val, len(in.Rows)*len(in.CPUs))
	for i := range in.Rows {
		r := &in.Rows[i]
		o := IRQRate{IRQ: r.Name, Desc: r.Desc}
		if r.Counts != nil {
			o.PerCPU = perCPU[i*len(in.CPUs) : (i+1)*len(in.CPUs) : (i+1)*len(in.CPUs)]
		}
		if j, ok := prevRow.find(i, irqKey{r.Name, r.Desc}); ok {
			pr := &p.Rows[j]
			switch {
			case r.Counts == nil && pr.Counts == nil:
				o.Total = rateOf32(pr.Total, r.Total, dt)
			case r.Counts != nil && pr.Counts != nil:
				o.Total = perCPURates(cols, pr.Counts, r.Counts, dt, o.PerCPU)
			}
		}
		out.Rows[i] = o
	}
	f.Interrupts = out
}
