package softirqpanel

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/derive"
)

// t0 stamps the first fixture sample so that goldens do not depend on when the test runs;
// fixtureGap is the time between the captures as their /proc/uptime says (27.74 → 31.48 s).
var t0 = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

const fixtureGap = 3740 * time.Millisecond

// fixture16 runs every collector over the real 16-CPU captures a/ and b/ (views/testdata/
// proc-16cpu) with one collect.Set, as the engine does: the scheduler fallback and the process
// table keep state between passes. The Set reads through a symlink pointed at a/, then b/. The
// reads are restamped with the fixed clock, since rates use each source's own read time.
func fixture16(tb testing.TB) []*derive.Frame {
	tb.Helper()
	root, err := filepath.Abs("../testdata/proc-16cpu")
	if err != nil {
		tb.Fatal(err)
	}
	tmp := tb.TempDir()
	cur := filepath.Join(tmp, "cur")
	set := collect.NewSet(collect.FS{Proc: filepath.Join(cur, "proc"), Sys: filepath.Join(cur, "sys"), Dev: filepath.Join(tmp, "dev")})
	defer set.Close()
	var prev *sources.Snapshot
	var out []*derive.Frame
	for i, d := range []string{"a", "b"} {
		if err := os.Remove(cur); err != nil && !os.IsNotExist(err) {
			tb.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(root, d), cur); err != nil {
			tb.Fatal(err)
		}
		at := t0.Add(time.Duration(i) * fixtureGap)
		s := &sources.Snapshot{Seq: uint64(i + 1), Time: at}
		set.Collect(s)
		restamp(s, at)
		f := derive.Derive(prev, s)
		f.Self = derive.Self{} // fixtures carry no measure of ktop's own cost
		out = append(out, f)
		prev = s
	}
	return out
}

// restamp sets every source's read time to at.
func restamp(s *sources.Snapshot, at time.Time) {
	if s.Stat != nil {
		s.Stat.At = at
	}
	if s.Softirqs != nil {
		s.Softirqs.At = at
	}
	if s.Interrupts != nil {
		s.Interrupts.At = at
	}
	if s.Schedstat != nil {
		s.Schedstat.At = at
	}
	if s.Disks != nil {
		s.Disks.At = at
	}
	if s.Net != nil {
		s.Net.At = at
	}
	if s.SNMP != nil {
		s.SNMP.At = at
	}
	if s.VMStat != nil {
		s.VMStat.At = at
	}
	if s.PSI != nil {
		s.PSI.At = at
	}
	if s.Procs != nil {
		s.Procs.At = at
		for i := range s.Procs.Procs {
			s.Procs.Procs[i].AtUs = 0
		}
	}
}
