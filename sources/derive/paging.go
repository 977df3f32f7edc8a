package derive

import (
	"os"
	"strings"

	"github.com/ktop-dev/ktop/sources"
)

func init() { register(derivePaging) }

// pageKB converts pswpin/pswpout pages to kB as vmstat(8) si/so do. It is the page size of the
// host ktop runs on, which is right live; a snapshot recorded on a host with another page size
// (arm64 with 64 KiB pages) and replayed here would need the recorder's page size instead.
var pageKB = float64(os.Getpagesize()) / 1024

// counter is one /proc/vmstat figure, or a sum of several, with whether the kernel printed it.
type counter struct {
	v  uint64
	ok bool
}

func (c *counter) add(v uint64) { c.v, c.ok = c.v+v, true }

// pagingCounters are the inputs of sar -B and vmstat's paging columns, gathered from whichever
// keys this kernel prints.
type pagingCounters struct {
	pgpgin, pgpgout, pgfault, pgmajfault, pgfree counter
	pswpin, pswpout                              counter
	pgscank, pgscand                             counter
	stealByType, stealOther                      counter // pgsteal_anon+file; every other pgsteal_*
	allocstall, refault, oomKill                 counter
}

// pgsteal follows sysstat's read_vmstat_paging as fixed in 2026 (sysstat PR #426): kernels that
// count every reclaimed page twice, by reclaimer (pgsteal_kswapd, _direct, _khugepaged,
// _proactive) and by type (pgsteal_anon, _file), are read through the by-type pair only, which
// also covers memcg reclaim that the by-reclaimer counters leave out. Older kernels print one
// set (pgsteal_<zone> or pgsteal_{kswapd,direct}[_<zone>]), which is summed whole, as sysstat
// always did. sysstat 12.7.7 and earlier summed both sets on new kernels (sysstat issue #415) and
// so show twice the rate there.
func (p pagingCounters) pgsteal() counter {
	if p.stealByType.ok {
		return p.stealByType
	}
	return p.stealOther
}

// pagingOf sums the per-kernel key sets:
//   - pgscank: pgscan_kswapd, or pgscan_kswapd_<zone> before 4.8 (sysstat's prefix match);
//   - pgscand: pgscan_direct[_<zone>], without pgscan_direct_throttle, a count of throttling
//     events rather than pages that sysstat's prefix match used to add in (fixed by sysstat
//     PR #424); pgscan_khugepaged and pgscan_proactive are in neither column, as in sar;
//   - allocstall: allocstall_<zone> since 4.8, allocstall before;
//   - refault: workingset_refault_anon + _file since 5.9, workingset_refault before.
func pagingOf(m map[string]uint64) pagingCounters {
	var p pagingCounters
	for k, v := range m {
		switch {
		case k == "pgpgin":
			p.pgpgin.add(v)
		case k == "pgpgout":
			p.pgpgout.add(v)
		case k == "pgfault":
			p.pgfault.add(v)
		case k == "pgmajfault":
			p.pgmajfault.add(v)
		case k == "pgfree":
			p.pgfree.add(v)
		case k == "pswpin":
			p.pswpin.add(v)
		case k == "pswpout":
			p.pswpout.add(v)
		case k == "pgscan_kswapd" || strings.HasPrefix(k, "pgscan_kswapd_"):
			p.pgscank.add(v)
		case k == "pgscan_direct_throttle":
		case k == "pgscan_direct" || strings.HasPrefix(k, "pgscan_direct_"):
			p.pgscand.add(v)
		case k == "pgsteal_anon" || k == "pgsteal_file":
			p.stealByType.add(v)
		case strings.HasPrefix(k, "pgsteal_"):
			p.stealOther.add(v)
		case k == "allocstall" || strings.HasPrefix(k, "allocstall_"):
			p.allocstall.add(v)
		case k == "workingset_refault" || k == "workingset_refault_anon" || k == "workingset_refault_file":
			p.refault.add(v)
		case k == "oom_kill":
			p.oomKill.add(v)
		}
	}
	return p
}

// delta is cur−prev of a 64-bit /proc/vmstat counter; missing when either side lacks the key
// or the counter went backwards.
func delta(prev, cur counter) (uint64, bool) {
	if !prev.ok || !cur.ok {
		return 0, false
	}
	return sources.Delta(prev.v, cur.v, sources.W64)
}

func counterRate(prev, cur counter, dt float64) Val {
	d, ok := delta(prev, cur)
	return rate(d, ok, dt)
}

// derivePaging fills sar -B (Paging) and sar -W plus vmstat si/so (Swap) from /proc/vmstat.
// pgpgin/pgpgout are already in kB in that file. Everything here is a rate, so on the first
// sample both sections exist with missing values.
func derivePaging(prev, cur *sources.Snapshot, f *Frame) {
	if cur.VMStat == nil {
		return
	}
	pg, sw := &Paging{}, &Swap{}
	f.Paging, f.Swap = pg, sw
	if prev == nil || prev.VMStat == nil {
		return
	}
	p, c := pagingOf(prev.VMStat.Values), pagingOf(cur.VMStat.Values)
	dt := cur.VMStat.At.Sub(prev.VMStat.At).Seconds()

	pg.PgpginS = counterRate(p.pgpgin, c.pgpgin, dt)
	pg.PgpgoutS = counterRate(p.pgpgout, c.pgpgout, dt)
	pg.FaultS = counterRate(p.pgfault, c.pgfault, dt)
	pg.MajfltS = counterRate(p.pgmajfault, c.pgmajfault, dt)
	pg.PgfreeS = counterRate(p.pgfree, c.pgfree, dt)
	pg.PgscankS = counterRate(p.pgscank, c.pgscank, dt)
	pg.PgscandS = counterRate(p.pgscand, c.pgscand, dt)
	pg.PgstealS = counterRate(p.pgsteal(), c.pgsteal(), dt)
	pg.AllocstallS = counterRate(p.allocstall, c.allocstall, dt)
	pg.RefaultS = counterRate(p.refault, c.refault, dt)
	if d, ok := delta(p.oomKill, c.oomKill); ok {
		pg.OOMKills = Some(float64(d))
	}
	// %vmeff = Δpgsteal / (Δpgscank + Δpgscand) × 100 (sysstat pr_stats.c), missing where sar
	// prints 0.00 for an interval without scanning. Not clamped, as in sar: pgsteal includes
	// khugepaged, proactive and memcg reclaim that the two scan columns leave out, so a value
	// above 100 % says that, and clamping would hide it.
	steal, ok1 := delta(p.pgsteal(), c.pgsteal())
	sk, ok2 := delta(p.pgscank, c.pgscank)
	sd, ok3 := delta(p.pgscand, c.pgscand)
	if ok1 && ok2 && ok3 && sk+sd > 0 {
		pg.Vmeff = Some(100 * float64(steal) / float64(sk+sd))
	}

	sw.PswpinS = counterRate(p.pswpin, c.pswpin, dt)
	sw.PswpoutS = counterRate(p.pswpout, c.pswpout, dt)
	if sw.PswpinS.OK {
		sw.SiKBS = Some(sw.PswpinS.V * pageKB)
	}
	if sw.PswpoutS.OK {
		sw.SoKBS = Some(sw.PswpoutS.V * pageKB)
	}
}
