package derive

import (
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func TestDerivePSI(t *testing.T) {
	t.Parallel()
	prev, cur := netSnap(t, "i3b-local/a/proc", t0), netSnap(t, "i3b-local/b/proc", t0.Add(time.Second))
	f := &Frame{}
	derivePSI(prev, cur, f)
	p := f.PSI
	if p.IRQ != nil {
		t.Error("want no irq: the file is absent")
	}
	for _, c := range []struct {
		name       string
		want, have Val
	}{
		{"io some", Some(float64(6456202-6442715) / 1e6 * 100), p.IO.Some.Stall},
		{"io full", Some(float64(4061508-4061337) / 1e6 * 100), p.IO.Full.Stall},
		{"memory some", Some(0), p.Memory.Some.Stall},
		// The cpu some total grew by 1.36 s against the nominal 1 s between the two copies
		// (the copies were about, not exactly, 1 s apart): clamped.
		{"cpu some", Some(100), p.CPU.Some.Stall},
	} {
		if !same(c.want, c.have) {
			t.Errorf("%s: want %v, have %v", c.name, c.want, c.have)
		}
	}
	if want, have := (PSILine{Stall: p.IO.Some.Stall, Avg10: 0.14, Avg60: 1.20, Avg300: 1.02}), *p.IO.Some; want != have {
		t.Errorf("io some: want %+v, have %+v", want, have)
	}
}

func TestDerivePSIEdges(t *testing.T) {
	t.Parallel()
	t.Run("first sample", func(t *testing.T) {
		f := &Frame{}
		derivePSI(nil, netSnap(t, "i3b-local/a/proc", t0), f)
		if l := f.PSI.IO.Some; l.Stall.OK || l.Avg10 != 0.18 {
			t.Errorf("want averages without a stall value, have %+v", l)
		}
	})
	t.Run("old kernel: cpu without full, irq present", func(t *testing.T) {
		f := &Frame{}
		derivePSI(netSnap(t, "i3b-old/proc", t0), netSnap(t, "i3b-old/proc", t0.Add(time.Second)), f)
		if f.PSI.CPU.Full != nil || f.PSI.Memory != nil || f.PSI.IRQ == nil || f.PSI.IRQ.Some != nil ||
			!same(Some(0), f.PSI.IRQ.Full.Stall) {
			t.Errorf("have %+v", f.PSI)
		}
	})
	t.Run("total went backwards", func(t *testing.T) {
		f := &Frame{}
		derivePSI(netSnap(t, "i3b-local/b/proc", t0), netSnap(t, "i3b-local/a/proc", t0.Add(time.Second)), f)
		if f.PSI.IO.Some.Stall.OK || !same(Some(0), f.PSI.Memory.Some.Stall) {
			t.Errorf("want a missing stall after a reset, have %+v", f.PSI.IO.Some)
		}
	})
	t.Run("resource appears", func(t *testing.T) {
		// irq absent before, present now: averages, no stall.
		prev := netSnap(t, "i3b-old/proc", t0)
		prev.PSI.IRQ = nil
		f := &Frame{}
		derivePSI(prev, netSnap(t, "i3b-old/proc", t0.Add(time.Second)), f)
		if f.PSI.IRQ == nil || f.PSI.IRQ.Full.Stall.OK {
			t.Errorf("have %+v", f.PSI.IRQ)
		}
	})
	t.Run("no psi", func(t *testing.T) {
		f := &Frame{}
		derivePSI(nil, &sources.Snapshot{}, f)
		if f.PSI != nil {
			t.Error("want no PSI section")
		}
	})
}
