package derive_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/derive"
)

const fixtures = "../collect/testdata/"

// snapOf collects a fixture tree and stamps the process table with the tree's own uptime, so
// that Δt between two trees is the Δuptime of their capture, not the test's run time.
func snapOf(t *testing.T, root string) *sources.Snapshot {
	t.Helper()
	set := collect.NewSet(collect.FS{Proc: root, Sys: root + "/nonexistent", Dev: root + "/nonexistent"})
	defer set.Close()
	s := &sources.Snapshot{}
	set.Collect(s)
	if s.Procs == nil {
		t.Fatalf("%s: no process table: %+v", root, s.StatusFor(sources.SrcProcs))
	}
	s.Procs.At = time.Unix(0, 0).Add(time.Duration(s.Procs.Uptime * float64(time.Second)))
	for i := range s.Procs.Procs {
		s.Procs.Procs[i].AtUs = 0 // the files were copied at the uptime instant, as far as we know
	}
	return s
}

func rowOf(t *testing.T, f *derive.Frame, pid int) derive.Proc {
	t.Helper()
	for _, p := range f.Procs {
		if p.PID == pid {
			return p
		}
	}
	t.Fatalf("pid %d not in frame", pid)
	return derive.Proc{}
}

func near(v derive.Val, want float64) bool { return v.OK && math.Abs(v.V-want) < 0.01 }

// TestProcsPidstat checks pidstat's formulas (metrics-spec §2.10.2) on real fixture pairs; the
// wanted figures were worked out by hand from the files.
func TestProcsPidstat(t *testing.T) {
	t.Parallel()
	live := derive.Derive(snapOf(t, fixtures+"procs-live/a/proc"), snapOf(t, fixtures+"procs-live/b/proc"))
	cpu16 := derive.Derive(snapOf(t, fixtures+"procs-16cpu/a/proc"), snapOf(t, fixtures+"procs-16cpu/b/proc"))
	type want struct{ usr, system, wait, cpu, minflt float64 }
	tests := []struct {
		name string
		f    *derive.Frame
		pid  int
		want want
	}{
		// Δt = 539.23 − 534.55 = 4.68 s. Busy loop: Δutime 127 ticks → 127/468 = 27.14 %;
		// single-threaded, so run delay from /proc/PID/schedstat: 2607077694 ns / 4.68 s.
		{"busy loop", live, 14188, want{usr: 27.14, wait: 55.71, cpu: 27.14}},
		// Python, 4 threads: Δutime 163 → 34.83 %; run delay summed over task/*: 2614161 µs.
		{"threads", live, 14189, want{usr: 34.83, wait: 55.86, cpu: 34.83}},
		{"sleeping", live, 14190, want{}},
		// Born between the samples (start 538.97 s > 534.55 s): zero baseline over its own
		// 0.26 s of life — 119 minor faults → 457.69/s, 9533497 ns run delay → 3.67 %.
		{"new", live, 14435, want{wait: 3.67, minflt: 457.69}},
		// Δt = 31.48 − 27.74 = 3.74 s; Δutime 371 → 99.20 %, run delay 129646 ns → 0.00 %.
		{"16cpu loop", cpu16, 411, want{usr: 99.20, cpu: 99.20}},
		{"16cpu loop 2", cpu16, 417, want{usr: 99.20, cpu: 99.20}},
		{"16cpu timeout", cpu16, 409, want{}},
	}
	for _, tt := range tests {
		p := rowOf(t, tt.f, tt.pid)
		if !near(p.Usr, tt.want.usr) || !near(p.System, tt.want.system) || !near(p.Wait, tt.want.wait) ||
			!near(p.CPUPct, tt.want.cpu) || !near(p.MinfltS, tt.want.minflt) || !near(p.Guest, 0) || !near(p.MajfltS, 0) {
			t.Errorf("%s: want %+v\nhave usr %v system %v wait %v cpu %v minflt %v guest %v",
				tt.name, tt.want, p.Usr, p.System, p.Wait, p.CPUPct, p.MinfltS, p.Guest)
		}
	}
	py := rowOf(t, live, 14189)
	if !near(py.KBRdS, 0) || !near(py.RSSKB, 13668) || !near(py.AnonKB, 6956) || py.Threads != 4 {
		t.Errorf("python: kB_rd/s %v rss %v anon %v threads %d", py.KBRdS, py.RSSKB, py.AnonKB, py.Threads)
	}
	s := live.ProcSummary
	if s == nil || s.Total != 7 || s.Threads != 10 || s.Running != 1 || s.Sleeping != 5 || s.Idle != 1 {
		t.Errorf("summary: %+v", s)
	}
}

func TestProcsFirstSample(t *testing.T) {
	t.Parallel()
	f := derive.Derive(nil, snapOf(t, fixtures+"procs-live/b/proc"))
	p := rowOf(t, f, 14188)
	if p.Usr.OK || p.CPUPct.OK || p.Wait.OK || p.KBRdS.OK || p.MinfltS.OK {
		t.Errorf("first sample has rates: %+v", p)
	}
	if !near(p.RSSKB, 1644) || p.Comm != "sh" || p.State != "R" {
		t.Errorf("first sample: %+v", p)
	}
	// Identity, nice and TIME+ need no baseline: stat 22, 19 and (utime 186 + stime 2) / 100.
	if want, have := (derive.Proc{Start: 53386, Nice: 0, TimeS: 1.88}), (derive.Proc{Start: p.Start, Nice: p.Nice, TimeS: p.TimeS}); want != have {
		t.Errorf("want %+v, have %+v", want, have)
	}
}

// TestProcsIdentity: rows are matched by (pid, starttime), never by PID or position.
func TestProcsIdentity(t *testing.T) {
	t.Parallel()
	prev := snapOf(t, fixtures+"procs-live/a/proc")
	cur := snapOf(t, fixtures+"procs-live/b/proc")
	procs := cur.Procs.Procs
	// Drop the busy loop from the current table (it vanished), reuse 14190's PID for a process
	// started before the previous sample, and give 14191's PID to one born after it.
	var kept []sources.Proc
	for _, p := range procs {
		switch p.PID {
		case 14188:
			continue
		case 14190:
			p.StartTime = 53000 // 530.00 s: before the previous sample at 534.55 s
		case 14191:
			p.StartTime = 53500 // 535.00 s: after it → zero baseline over 4.23 s
		}
		kept = append(kept, p)
	}
	cur.Procs.Procs = kept
	f := derive.Derive(prev, cur)
	for _, p := range f.Procs {
		if p.PID == 14188 {
			t.Error("vanished process listed")
		}
	}
	if p := rowOf(t, f, 14190); p.Usr.OK || p.MinfltS.OK {
		t.Errorf("reused PID without baseline: %+v", p)
	}
	// 235 minor faults over 4.23 s of life, not Δ = 0 against the old process.
	if p := rowOf(t, f, 14191); !near(p.MinfltS, 235/4.23) {
		t.Errorf("reused PID born after the previous sample: minflt/s %v", p.MinfltS)
	}
	if p := rowOf(t, f, 14189); !near(p.Usr, 34.83) {
		t.Errorf("neighbour mismatched: %v", p.Usr)
	}
}

// TestProcsReadOffset: each process's Δt runs between its own stat reads, not the passes' starts.
func TestProcsReadOffset(t *testing.T) {
	t.Parallel()
	prev := snapOf(t, fixtures+"procs-16cpu/a/proc")
	cur := snapOf(t, fixtures+"procs-16cpu/b/proc")
	for i := range cur.Procs.Procs {
		if p := &cur.Procs.Procs[i]; p.PID == 411 {
			p.AtUs = 500_000 // read half a second into a slow pass: Δt = 4.24 s
		}
	}
	if p := rowOf(t, derive.Derive(prev, cur), 411); !near(p.Usr, 371/4.24) {
		t.Errorf("usr: want %.2f, have %v", 371/4.24, p.Usr)
	}
}

func TestProcsReset(t *testing.T) {
	t.Parallel()
	prev := snapOf(t, fixtures+"procs-live/a/proc")
	cur := snapOf(t, fixtures+"procs-live/b/proc")
	for i := range cur.Procs.Procs {
		if p := &cur.Procs.Procs[i]; p.PID == 14188 {
			p.UTime = 1 // went backwards: a reset, not a huge delta
		}
	}
	p := rowOf(t, derive.Derive(prev, cur), 14188)
	if p.Usr.OK || p.CPUPct.OK || !near(p.System, 0) {
		t.Errorf("reset: usr %v cpu %v system %v", p.Usr, p.CPUPct, p.System)
	}
}

func TestProcsIODeniedAndSmapsJSON(t *testing.T) {
	t.Parallel()
	prev := snapOf(t, fixtures+"procs-16cpu/a/proc")
	cur := snapOf(t, fixtures+"procs-16cpu/b/proc")
	for i := range cur.Procs.Procs {
		switch p := &cur.Procs.Procs[i]; p.PID {
		case 409:
			p.IOState = sources.IODenied
		case 411, 170:
			p.Smaps, p.SmapsSkip = nil, sources.SmapsDenied
		}
	}
	cur.Procs.IODenied = 1
	f := derive.Derive(prev, cur)
	p := rowOf(t, f, 409)
	if p.KBRdS.OK || p.KBWrS.OK || p.KBCcwrS.OK {
		t.Errorf("denied io has rates: %v %v %v", p.KBRdS, p.KBWrS, p.KBCcwrS)
	}
	// The summary counts what is hidden, for the panel to say in one line; the notes are
	// the collector's alone (none here).
	if s := f.ProcSummary; s.IODenied != 1 || s.SmapsDenied != 2 || len(s.Notes) != 0 {
		t.Errorf("summary: io denied %d, smaps denied %d (want 1, 2), notes %q", s.IODenied, s.SmapsDenied, s.Notes)
	}
	if len(cur.Procs.Notes) != 0 {
		t.Errorf("the snapshot's notes changed: %q", cur.Procs.Notes)
	}
	b, err := json.Marshal(rowOf(t, f, 417))
	if err != nil {
		t.Fatal(err)
	}
	// The collector read one smaps_rollup in b/'s first pass: the biggest RSS among 409, 411,
	// 417 (409's timeout); the loops' PSS is still unknown.
	for _, key := range []string{`"pss_kB":null`, `"uss_kB":null`, `"smaps_ms":null`, `"cpu_pct":99.2`, `"kB_rd_s":0`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s: %s", key, b)
		}
	}
	if p.IONote != derive.IONoteDenied || rowOf(t, f, 411).IONote != "" {
		t.Errorf("io notes: denied %q, readable %q", p.IONote, rowOf(t, f, 411).IONote)
	}
	to := rowOf(t, f, 409)
	if !to.PssKB.OK || !to.UssKB.OK || !to.SmapsMs.OK || !near(to.SmapsAgeS, 0) {
		t.Errorf("timeout's smaps: pss %v uss %v ms %v age %v", to.PssKB, to.UssKB, to.SmapsMs, to.SmapsAgeS)
	}
}
