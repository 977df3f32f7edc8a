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
	var prevRow map[irqKey]*sources.IRQRow
	var cols []int
	dt := 0.0
	if prev != nil && prev.Interrupts != nil {
		p = prev.Interrupts
		dt = in.At.Sub(p.At).Seconds()
		cols = columnMap(p.CPUs, in.CPUs)
		prevRow = make(map[irqKey]*sources.IRQRow, len(p.Rows))
		for i := range p.Rows {
			r := &p.Rows[i]
			prevRow[irqKey{r.Name, r.Desc}] = r
		}
	}
	for i := range in.Rows {
		r := &in.Rows[i]
		o := IRQRate{IRQ: r.Name, Desc: r.Desc}
		if r.Counts != nil {
			o.PerCPU = make([]Val, len(in.CPUs))
		}
		if pr, ok := prevRow[irqKey{r.Name, r.Desc}]; ok {
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
