package derive

import "github.com/ktop-dev/ktop/sources"

func init() { register(deriveTCP) }

// deriveTCP applies sar -n TCP,ETCP (sysstat pr_stats.c: S_VALUE of each Tcp: counter) plus
// the TcpExt counters that explain drops. Counters are looked up by name; one the kernel does
// not print (TCPSynRetrans before 3.x, say) stays missing rather than reading as zero. Unlike
// sar, a counter that went backwards gives a missing value, not a huge one (metrics-spec §0.3).
func deriveTCP(prev, cur *sources.Snapshot, f *Frame) {
	c := cur.SNMP
	if c == nil {
		return
	}
	t := &TCP{}
	if v, ok := c.Tcp["CurrEstab"]; ok {
		t.Estab = Some(float64(v))
	}
	f.TCP = t
	if prev == nil || prev.SNMP == nil {
		return
	}
	p := prev.SNMP
	dt := c.At.Sub(p.At).Seconds()
	tcp := func(name string) Val { return snmpRate(p.Tcp, c.Tcp, name, dt) }
	ext := func(name string) Val { return snmpRate(p.TcpExt, c.TcpExt, name, dt) }
	t.ActiveS = tcp("ActiveOpens")
	t.PassiveS = tcp("PassiveOpens")
	t.IsegS = tcp("InSegs")
	t.OsegS = tcp("OutSegs")
	t.RetransS = tcp("RetransSegs")
	t.AtmptfS = tcp("AttemptFails")
	t.EstresS = tcp("EstabResets")
	t.IsegerrS = tcp("InErrs")
	t.OrstsS = tcp("OutRsts")
	// retrans % = ΔRetransSegs/ΔOutSegs; the Δt cancels. No segments sent → no ratio. Not
	// clamped: OutSegs excludes retransmits, so a stalled link can exceed 100 %.
	if t.RetransS.OK && t.OsegS.OK && t.OsegS.V > 0 {
		t.RetransPct = Some(100 * t.RetransS.V / t.OsegS.V)
	}
	t.ListenOverflowsS = ext("ListenOverflows")
	t.ListenDropsS = ext("ListenDrops")
	t.TimeoutsS = ext("TCPTimeouts")
	t.SynRetransS = ext("TCPSynRetrans")
	t.BacklogDropS = ext("TCPBacklogDrop")
}

// snmpRate is the per-second rate of one unsigned long SNMP counter. The parser keeps the
// counters in int64 for MaxConn's sake; uint64() restores the kernel's unsigned value.
func snmpRate(prev, cur map[string]int64, name string, dt float64) Val {
	p, ok1 := prev[name]
	c, ok2 := cur[name]
	if !ok1 || !ok2 {
		return None
	}
	return rateOf(uint64(p), uint64(c), dt)
}
