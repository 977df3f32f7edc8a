package derive

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

func irqRow(t *testing.T, in *Interrupts, name string) IRQRate {
	t.Helper()
	i := slices.IndexFunc(in.Rows, func(r IRQRate) bool { return r.IRQ == name })
	if i < 0 {
		t.Fatalf("no row %s", name)
	}
	return in.Rows[i]
}

func TestDeriveInterrupts(t *testing.T) {
	t.Parallel()
	a, b := snapFromFixture(t, "i3a-16cpu/a"), snapFromFixture(t, "i3a-16cpu/b")
	dt := 31.48 - 27.74
	f := Derive(a, b)
	in := f.Interrupts
	if in == nil || len(in.CPUs) != 16 || len(in.Rows) != len(b.Interrupts.Rows) {
		t.Fatalf("want 16 CPUs and every row, have %+v", in)
	}
	if in.Rows[0].IRQ != b.Interrupts.Rows[0].Name {
		t.Error("rows not in file order")
	}
	// Expected from the files: per CPU b − a, total = their sum.
	for _, name := range []string{"TLB", "CAL", "RES", "LOC"} {
		ra := a.Interrupts.Rows[slices.IndexFunc(a.Interrupts.Rows, func(r sources.IRQRow) bool { return r.Name == name })]
		rb := b.Interrupts.Rows[slices.IndexFunc(b.Interrupts.Rows, func(r sources.IRQRow) bool { return r.Name == name })]
		have := irqRow(t, in, name)
		if have.Desc != rb.Desc || len(have.PerCPU) != 16 {
			t.Errorf("%s: want desc %q and 16 cells, have %+v", name, rb.Desc, have)
		}
		for j := range rb.Counts {
			if w := float64(rb.Counts[j]-ra.Counts[j]) / dt; !near(have.PerCPU[j], w) {
				t.Errorf("%s cpu%d: want %.3f, have %+v", name, j, w, have.PerCPU[j])
			}
		}
		if w := float64(rb.Total-ra.Total) / dt; !near(have.Total, w) {
			t.Errorf("%s total: want %.3f, have %+v", name, w, have.Total)
		}
	}
	if err := irqRow(t, in, "ERR"); !near(err.Total, 0) || err.PerCPU != nil {
		t.Errorf("ERR: want a total of 0 and no cells, have %+v", err)
	}
}

func TestDeriveInterruptsHotplug(t *testing.T) {
	t.Parallel()
	// Real captures: cpu1 offline (one column), then back online (two columns).
	parse := func(name string) *sources.Snapshot {
		b, err := os.ReadFile(filepath.Join(fixtureRoot, "i3a-hotplug", name))
		if err != nil {
			t.Fatal(err)
		}
		in, err := collect.ParseInterrupts(b)
		if err != nil {
			t.Fatal(err)
		}
		return &sources.Snapshot{Interrupts: in}
	}
	off, on := parse("interrupts.off"), parse("interrupts.on")
	on.Interrupts.At = off.Interrupts.At.Add(2 * time.Second)
	f := Derive(off, on)
	if !slices.Equal(f.Interrupts.CPUs, []int{0, 1}) {
		t.Fatalf("want the current CPUs [0 1], have %v", f.Interrupts.CPUs)
	}
	// LOC: cpu0 89006 → 89122; cpu1 has no previous column: missing, and the total counts cpu0
	// only (as mpstat's "all" counts CPUs present in both samples).
	loc := irqRow(t, f.Interrupts, "LOC")
	if !near(loc.PerCPU[0], 58) || loc.PerCPU[1].OK || !near(loc.Total, 58) {
		t.Errorf("LOC: want 58, missing, total 58; have %+v", loc)
	}
	// Going offline: cpu1's column disappears and is simply not reported.
	f = Derive(on, off)
	if res := irqRow(t, f.Interrupts, "RES"); len(res.PerCPU) != 1 {
		t.Errorf("want one cell after cpu1 went offline, have %+v", res)
	}
}

func TestDeriveInterruptsRowsComeAndGo(t *testing.T) {
	t.Parallel()
	a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	// Modified copies: IRQ 24 absent before (a driver registered in between), IRQ 36 given to
	// another device (same number, other description), and IRQ 25 gone now.
	a.Interrupts.Rows = slices.DeleteFunc(a.Interrupts.Rows, func(r sources.IRQRow) bool { return r.Name == "24" })
	i := slices.IndexFunc(a.Interrupts.Rows, func(r sources.IRQRow) bool { return r.Name == "36" })
	a.Interrupts.Rows[i].Desc = "PCI-MSIX-0000:00:07.0 1-edge nvme0q1"
	b.Interrupts.Rows = slices.DeleteFunc(b.Interrupts.Rows, func(r sources.IRQRow) bool { return r.Name == "25" })
	f := Derive(a, b)
	for _, name := range []string{"24", "36"} {
		if r := irqRow(t, f.Interrupts, name); r.Total.OK || r.PerCPU[0].OK || r.PerCPU[1].OK {
			t.Errorf("%s: want missing rates for a new row, have %+v", name, r)
		}
	}
	if slices.ContainsFunc(f.Interrupts.Rows, func(r IRQRate) bool { return r.IRQ == "25" }) {
		t.Error("a vanished row is still reported")
	}
	if loc := irqRow(t, f.Interrupts, "LOC"); !loc.Total.OK {
		t.Errorf("LOC: want a rate, have %+v", loc)
	}
}

func TestDeriveInterruptsWrapAndReset(t *testing.T) {
	t.Parallel()
	a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	dt := 596.00 - 593.64
	row := func(s *sources.Snapshot, name string) *sources.IRQRow {
		return &s.Interrupts.Rows[slices.IndexFunc(s.Interrupts.Rows, func(r sources.IRQRow) bool { return r.Name == name })]
	}
	// Modified copies. LOC cpu0 of a set to 2^32 − 10: b's 140787 is then a wrap, 140797 later.
	// CAL cpu1 of a raised above b's while below 2^31: a reset.
	row(a, "LOC").Counts[0] = 1<<32 - 10
	row(a, "CAL").Counts[1] = 1 << 30
	row(a, "ERR").Total = 1<<32 - 1 // ERR is a single 32-bit value: wraps too
	row(b, "ERR").Total = 2
	locB := row(b, "LOC").Counts[0]
	f := Derive(a, b)
	if loc := irqRow(t, f.Interrupts, "LOC"); !near(loc.PerCPU[0], float64(locB+10)/dt) {
		t.Errorf("LOC wrap: want %.2f, have %+v", float64(locB+10)/dt, loc.PerCPU[0])
	}
	if cal := irqRow(t, f.Interrupts, "CAL"); cal.PerCPU[1].OK || cal.Total.OK || !cal.PerCPU[0].OK {
		t.Errorf("CAL reset: want cpu1 and total missing, have %+v", cal)
	}
	if e := irqRow(t, f.Interrupts, "ERR"); !near(e.Total, 3/dt) {
		t.Errorf("ERR wrap: want %.3f, have %+v", 3/dt, e.Total)
	}
}
