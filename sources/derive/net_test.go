package derive

import (
	"slices"
	"testing"

	"github.com/ktop-dev/ktop/sources"
)

func netRow(t *testing.T, f *Frame, name string) Net {
	t.Helper()
	i := slices.IndexFunc(f.Net, func(n Net) bool { return n.Iface == name })
	if i < 0 {
		t.Fatalf("no interface %s", name)
	}
	return f.Net[i]
}

func srcIface(s *sources.Snapshot, name string) *sources.Iface {
	return &s.Net.Ifaces[slices.IndexFunc(s.Net.Ifaces, func(i sources.Iface) bool { return i.Name == name })]
}

// TestDeriveNet uses the 2-CPU capture taken while curl fetched from a local HTTP server:
// lo 3032304821 → 3085219855 bytes and 748038 → 749303 packets each way, over 2.36 s.
func TestDeriveNet(t *testing.T) {
	t.Parallel()
	a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	dt := 596.00 - 593.64
	f := Derive(a, b)
	if len(f.Net) != 4 || f.Net[0].Iface != "eth0" {
		t.Fatalf("want 4 interfaces by name, have %+v", f.Net)
	}
	lo := netRow(t, f, "lo")
	kB := float64(3085219855-3032304821) / 1024 / dt
	if !near(lo.RxkBS, kB) || !near(lo.TxkBS, kB) || !near(lo.RxpckS, 1265/dt) || !near(lo.TxpckS, 1265/dt) {
		t.Errorf("lo: want %.1f kB/s and %.1f pkt/s each way, have %+v", kB, 1265/dt, lo)
	}
	for _, v := range []Val{lo.RxerrS, lo.TxerrS, lo.CollS, lo.RxdropS, lo.TxdropS, lo.TxcarrS, lo.RxframS, lo.RxfifoS, lo.TxfifoS, lo.RxcmpS, lo.TxcmpS, lo.RxmcstS} {
		if !near(v, 0) {
			t.Errorf("lo: want EDEV columns 0, have %+v", lo)
			break
		}
	}
	// Speed unknown (lo, virtio's -1): %ifutil missing, not 0.
	if lo.Ifutil.OK || netRow(t, f, "eth0").Ifutil.OK {
		t.Error("want %ifutil missing without a link speed")
	}
	if f := Derive(nil, b); len(f.Net) != 4 || netRow(t, f, "lo").RxkBS.OK {
		t.Error("first sample: want interfaces listed without rates")
	}
}

func TestDeriveNetIfutil(t *testing.T) {
	t.Parallel()
	a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	dt := 596.00 - 593.64
	// Modified copies: lo given a 1000 Mb/s link, and 1 MB more received than sent.
	srcIface(b, "lo").RxBytes += 1_000_000
	rx := float64(3085219855-3032304821+1_000_000) / dt
	tx := float64(3085219855-3032304821) / dt
	tests := []struct {
		full bool
		want float64
	}{
		{true, rx * 8 / 1e9 * 100},         // full duplex: the busier direction
		{false, (rx + tx) * 8 / 1e9 * 100}, // half duplex: both directions share the link
	}
	for _, tt := range tests {
		ifc := srcIface(b, "lo")
		ifc.SpeedMbps, ifc.FullDuplex = 1000, tt.full
		if have := netRow(t, Derive(a, b), "lo").Ifutil; !near(have, tt.want) {
			t.Errorf("full=%v: want %.3f, have %+v", tt.full, tt.want, have)
		}
	}
}

func TestDeriveNetWrapAndReset(t *testing.T) {
	t.Parallel()
	// A counter that went back is a re-registered interface (veth recreated, driver reloaded):
	// every column of that interval is missing, others are unaffected. This holds also for a
	// drop from just under 2^32: /proc/net/dev prints 64-bit values, and sysstat too accepts an
	// overflow only near 2^64.
	for _, prev := range []uint64{3085219855 + 1, 1<<32 - 5} {
		a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
		srcIface(a, "lo").TxPackets = prev
		if prev > 1<<32-10 {
			srcIface(b, "lo").TxPackets = 100
		} else {
			srcIface(b, "lo").TxPackets = prev - 1
		}
		f := Derive(a, b)
		lo := netRow(t, f, "lo")
		if lo.RxkBS.OK || lo.TxpckS.OK || lo.RxerrS.OK {
			t.Errorf("prev %d: want every lo column missing, have %+v", prev, lo)
		}
		if !netRow(t, f, "eth0").RxkBS.OK {
			t.Error("eth0 must keep its rates")
		}
	}
	// An interface that appears: no rates yet.
	a, b := snapFromFixture(t, "i3a-local/a"), snapFromFixture(t, "i3a-local/b")
	a.Net.Ifaces = slices.DeleteFunc(a.Net.Ifaces, func(i sources.Iface) bool { return i.Name == "ifb1" })
	if n := netRow(t, Derive(a, b), "ifb1"); n.RxkBS.OK {
		t.Errorf("new interface: want missing rates, have %+v", n)
	}
}
