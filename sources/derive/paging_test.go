package derive

import (
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func TestPagingOf(t *testing.T) {
	t.Parallel()
	c := func(v uint64) counter { return counter{v, true} }
	tests := []struct {
		proc                                  string
		pgscank, pgscand, pgsteal, allocstall counter
		refault, oomKill                      counter
	}{
		// Linux 3.8 (linux-mm post): per-zone counters summed, pgscan_direct_throttle left out.
		{"i3b-old/proc", c(12708 + 918789), c(73 + 4115), c(12708 + 917837 + 73 + 4085), c(73), counter{}, counter{}},
		// Linux 6.18: by-reclaimer and by-type pgsteal sets both present.
		{"i3b-local/a/proc", c(0), c(0), c(0), c(0), c(0 + 89682), c(0)},
	}
	for _, tt := range tests {
		p := pagingOf(netSnap(t, tt.proc, t0).VMStat.Values)
		for _, x := range []struct {
			name       string
			want, have counter
		}{
			{"pgscank", tt.pgscank, p.pgscank}, {"pgscand", tt.pgscand, p.pgscand},
			{"pgsteal", tt.pgsteal, p.pgsteal()}, {"allocstall", tt.allocstall, p.allocstall},
			{"refault", tt.refault, p.refault}, {"oom_kill", tt.oomKill, p.oomKill},
		} {
			if x.want != x.have {
				t.Errorf("%s %s: want %+v, have %+v", tt.proc, x.name, x.want, x.have)
			}
		}
	}
}

// TestPgstealNotDoubled uses a hand-made key set shaped like 6.x /proc/vmstat, where each
// reclaimed page is counted by reclaimer and again by type; memcg reclaim only in the latter.
func TestPgstealNotDoubled(t *testing.T) {
	t.Parallel()
	p := pagingOf(map[string]uint64{
		"pgsteal_kswapd": 100, "pgsteal_direct": 20, "pgsteal_khugepaged": 0, "pgsteal_proactive": 0,
		"pgsteal_anon": 30, "pgsteal_file": 95,
		"pgscan_kswapd": 200, "pgscan_direct": 40, "pgscan_khugepaged": 7, "pgscan_direct_throttle": 3,
		"pgscan_anon": 60, "pgscan_file": 187,
	})
	if want, have := (counter{125, true}), p.pgsteal(); want != have {
		t.Errorf("pgsteal: want %+v, have %+v", want, have)
	}
	if p.pgscank.v != 200 || p.pgscand.v != 40 {
		t.Errorf("pgscank, pgscand: want 200, 40, have %d, %d", p.pgscank.v, p.pgscand.v)
	}
}

func TestDerivePaging(t *testing.T) {
	t.Parallel()
	prev, cur := netSnap(t, "i3b-local/a/proc", t0), netSnap(t, "i3b-local/b/proc", t0.Add(time.Second))
	f := &Frame{}
	derivePaging(prev, cur, f)
	pg, sw := f.Paging, f.Swap
	for _, c := range []struct {
		name       string
		want, have Val
	}{
		{"pgpgin_s", Some(1059673 - 1050041), pg.PgpginS},
		{"pgpgout_s", Some(0), pg.PgpgoutS},
		{"fault_s", Some(5386253 - 5366718), pg.FaultS},
		{"majflt_s", Some(1693 - 1633), pg.MajfltS},
		{"pgfree_s", Some(6521267 - 6496691), pg.PgfreeS},
		{"pgscank_s", Some(0), pg.PgscankS},
		{"pgscand_s", Some(0), pg.PgscandS},
		{"pgsteal_s", Some(0), pg.PgstealS},
		{"vmeff", None, pg.Vmeff}, // no scanning in the interval
		{"allocstall_s", Some(0), pg.AllocstallS},
		{"refault_s", Some(92069 - 89682), pg.RefaultS},
		{"oom_kill", Some(0), pg.OOMKills},
		{"pswpin_s", Some(0), sw.PswpinS},
		{"pswpout_s", Some(0), sw.PswpoutS},
		{"si_kB_s", Some(0), sw.SiKBS},
		{"so_kB_s", Some(0), sw.SoKBS},
	} {
		if !same(c.want, c.have) {
			t.Errorf("%s: want %v, have %v", c.name, c.want, c.have)
		}
	}
}

// TestDerivePagingReclaim uses hand-made counters to check %vmeff and si/so arithmetic.
func TestDerivePagingReclaim(t *testing.T) {
	t.Parallel()
	snap := func(at time.Time, m map[string]uint64) *sources.Snapshot {
		return &sources.Snapshot{VMStat: &sources.VMStat{At: at, Values: m}}
	}
	prev := snap(t0, map[string]uint64{
		"pgscan_kswapd": 1000, "pgscan_direct": 100, "pgsteal_kswapd": 900, "pgsteal_direct": 50,
		"pgsteal_anon": 150, "pgsteal_file": 800, "pswpin": 10, "pswpout": 20, "oom_kill": 1,
	})
	cur := snap(t0.Add(2*time.Second), map[string]uint64{
		"pgscan_kswapd": 1800, "pgscan_direct": 300, "pgsteal_kswapd": 1500, "pgsteal_direct": 150,
		"pgsteal_anon": 250, "pgsteal_file": 1400, "pswpin": 110, "pswpout": 420, "oom_kill": 3,
	})
	f := &Frame{}
	derivePaging(prev, cur, f)
	for _, c := range []struct {
		name       string
		want, have Val
	}{
		{"pgscank_s", Some(400), f.Paging.PgscankS},
		{"pgscand_s", Some(100), f.Paging.PgscandS},
		{"pgsteal_s", Some(350), f.Paging.PgstealS},
		{"vmeff", Some(100 * 700.0 / 1000), f.Paging.Vmeff},
		{"oom_kill", Some(2), f.Paging.OOMKills},
		{"fault_s", None, f.Paging.FaultS}, // key absent
		{"pswpin_s", Some(50), f.Swap.PswpinS},
		{"si_kB_s", Some(50 * pageKB), f.Swap.SiKBS},
		{"so_kB_s", Some(200 * pageKB), f.Swap.SoKBS},
	} {
		if !same(c.want, c.have) {
			t.Errorf("%s: want %v, have %v", c.name, c.want, c.have)
		}
	}
}

func TestDerivePagingEdges(t *testing.T) {
	t.Parallel()
	t.Run("first sample", func(t *testing.T) {
		f := &Frame{}
		derivePaging(nil, netSnap(t, "i3b-local/a/proc", t0), f)
		if f.Paging == nil || f.Swap == nil || f.Paging.FaultS.OK || f.Swap.SiKBS.OK {
			t.Errorf("want sections with missing rates, have %+v %+v", f.Paging, f.Swap)
		}
	})
	t.Run("counter reset", func(t *testing.T) {
		f := &Frame{}
		derivePaging(netSnap(t, "i3b-local/b/proc", t0), netSnap(t, "i3b-local/a/proc", t0.Add(time.Second)), f)
		if f.Paging.FaultS.OK || f.Paging.RefaultS.OK || !same(Some(0), f.Paging.PgpgoutS) {
			t.Errorf("want missing rates where counters went back, have %+v", *f.Paging)
		}
	})
	t.Run("no vmstat", func(t *testing.T) {
		f := &Frame{}
		derivePaging(nil, &sources.Snapshot{}, f)
		if f.Paging != nil || f.Swap != nil {
			t.Error("want no sections")
		}
	})
}
