package derive

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// netSnap parses the snmp, netstat, vmstat and pressure files under proc (relative to
// fixtureRoot) into a Snapshot whose sources were all read at at. Absent files leave their
// source nil.
func netSnap(t *testing.T, proc string, at time.Time) *sources.Snapshot {
	t.Helper()
	read := func(parts ...string) []byte {
		b, err := os.ReadFile(filepath.Join(append([]string{fixtureRoot, proc}, parts...)...))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	s := &sources.Snapshot{Time: at}
	if b := read("net", "snmp"); b != nil {
		tcp, err := collect.ParseSNMP(b, "Tcp")
		if err != nil {
			t.Fatal(err)
		}
		s.SNMP = &sources.SNMP{At: at, Tcp: tcp}
		if b := read("net", "netstat"); b != nil {
			if s.SNMP.TcpExt, err = collect.ParseSNMP(b, "TcpExt"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if b := read("vmstat"); b != nil {
		v, err := collect.ParseVMStat(b)
		if err != nil {
			t.Fatal(err)
		}
		v.At = at
		s.VMStat = v
	}
	p := &sources.PSI{At: at}
	for _, r := range []struct {
		name string
		dst  **sources.PSIResource
	}{{"cpu", &p.CPU}, {"memory", &p.Memory}, {"io", &p.IO}, {"irq", &p.IRQ}} {
		if b := read("pressure", r.name); b != nil {
			res, err := collect.ParsePSI(b)
			if err != nil {
				t.Fatal(err)
			}
			*r.dst = res
		}
	}
	if p.CPU != nil || p.Memory != nil || p.IO != nil {
		s.PSI = p
	}
	return s
}

// same compares a derived value with the expected one to the 1e-9 relative.
func same(want, have Val) bool {
	if want.OK != have.OK {
		return false
	}
	return !want.OK || math.Abs(want.V-have.V) <= 1e-9*math.Max(1, math.Abs(want.V))
}

func TestDeriveTCP(t *testing.T) {
	t.Parallel()
	// Loopback churn plus an overflowing 127.0.0.1 listener, captured 1 s apart (i3b-local).
	prev, cur := netSnap(t, "i3b-local/a/proc", t0), netSnap(t, "i3b-local/b/proc", t0.Add(time.Second))
	f := &Frame{}
	deriveTCP(prev, cur, f)
	want := TCP{
		ActiveS: Some(52606 - 35281), PassiveS: Some(51852 - 34827),
		IsegS: Some(538134 - 367259), OsegS: Some(542501 - 371946),
		RetransS: Some(589 - 269), AtmptfS: Some(0), EstresS: Some(0), IsegerrS: Some(0), OrstsS: Some(0),
		Estab:            Some(5),
		RetransPct:       Some(100 * float64(589-269) / float64(542501-371946)),
		ListenOverflowsS: Some(1314 - 714), ListenDropsS: Some(1314 - 714),
		TimeoutsS: Some(598 - 278), SynRetransS: Some(596 - 276), BacklogDropS: Some(0),
	}
	checkTCP(t, want, *f.TCP)

	// Half the rates over a 2 s interval: Δt comes from the sources' own read times.
	cur2 := netSnap(t, "i3b-local/b/proc", t0.Add(2*time.Second))
	f2 := &Frame{}
	deriveTCP(prev, cur2, f2)
	if !same(Some(float64(52606-35281)/2), f2.TCP.ActiveS) {
		t.Errorf("active_s over 2 s: have %v", f2.TCP.ActiveS)
	}
}

func checkTCP(t *testing.T, want, have TCP) {
	t.Helper()
	for _, c := range []struct {
		name       string
		want, have Val
	}{
		{"active_s", want.ActiveS, have.ActiveS}, {"passive_s", want.PassiveS, have.PassiveS},
		{"iseg_s", want.IsegS, have.IsegS}, {"oseg_s", want.OsegS, have.OsegS},
		{"retrans_s", want.RetransS, have.RetransS}, {"atmptf_s", want.AtmptfS, have.AtmptfS},
		{"estres_s", want.EstresS, have.EstresS}, {"isegerr_s", want.IsegerrS, have.IsegerrS},
		{"orsts_s", want.OrstsS, have.OrstsS}, {"estab", want.Estab, have.Estab},
		{"retrans_pct", want.RetransPct, have.RetransPct},
		{"listen_overflows_s", want.ListenOverflowsS, have.ListenOverflowsS},
		{"listen_drops_s", want.ListenDropsS, have.ListenDropsS},
		{"timeouts_s", want.TimeoutsS, have.TimeoutsS}, {"syn_retrans_s", want.SynRetransS, have.SynRetransS},
		{"backlog_drop_s", want.BacklogDropS, have.BacklogDropS},
	} {
		if !same(c.want, c.have) {
			t.Errorf("%s: want %v, have %v", c.name, c.want, c.have)
		}
	}
}

func TestDeriveTCPEdges(t *testing.T) {
	t.Parallel()
	t.Run("first sample", func(t *testing.T) {
		f := &Frame{}
		deriveTCP(nil, netSnap(t, "i3b-local/a/proc", t0), f)
		checkTCP(t, TCP{Estab: Some(6)}, *f.TCP)
	})
	t.Run("no segments sent", func(t *testing.T) {
		// The 16-CPU pair: no TCP traffic in that second, so no retransmit ratio.
		f := &Frame{}
		deriveTCP(netSnap(t, "i3b-16cpu/a/proc", t0), netSnap(t, "i3b-16cpu/b/proc", t0.Add(time.Second)), f)
		if f.TCP.RetransPct.OK || !same(Some(0), f.TCP.OsegS) {
			t.Errorf("want oseg_s 0 and no retrans_pct, have %v %v", f.TCP.OsegS, f.TCP.RetransPct)
		}
	})
	t.Run("older kernel without TCPSynRetrans", func(t *testing.T) {
		s := netSnap(t, "i3b-old/proc", t0)
		f := &Frame{}
		deriveTCP(s, netSnap(t, "i3b-old/proc", t0.Add(time.Second)), f)
		if f.TCP.SynRetransS.OK || !same(Some(0), f.TCP.TimeoutsS) {
			t.Errorf("want syn_retrans_s missing and timeouts_s 0, have %v %v", f.TCP.SynRetransS, f.TCP.TimeoutsS)
		}
	})
	t.Run("counter reset", func(t *testing.T) {
		// The later sample as prev: every counter that moved now goes backwards.
		f := &Frame{}
		deriveTCP(netSnap(t, "i3b-local/b/proc", t0), netSnap(t, "i3b-local/a/proc", t0.Add(time.Second)), f)
		if f.TCP.ActiveS.OK || f.TCP.RetransPct.OK || f.TCP.ListenOverflowsS.OK || !same(Some(0), f.TCP.AtmptfS) {
			t.Errorf("want missing rates after a reset, have %+v", *f.TCP)
		}
	})
	t.Run("no snmp", func(t *testing.T) {
		f := &Frame{}
		deriveTCP(nil, &sources.Snapshot{}, f)
		if f.TCP != nil {
			t.Error("want no TCP section")
		}
	})
}
