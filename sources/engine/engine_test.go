package engine

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

func fixtureFS(tree ...string) collect.FS {
	root := filepath.Join(append([]string{"..", "collect", "testdata"}, tree...)...)
	return collect.FS{Proc: filepath.Join(root, "proc"), Sys: filepath.Join(root, "sys"), Dev: filepath.Join(root, "dev")}
}

func newEngine(t *testing.T, interval time.Duration, tree ...string) *Engine {
	t.Helper()
	e := New(Options{FS: fixtureFS(tree...), Interval: interval, History: time.Minute})
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// TestSampleOverFixture runs the whole pipeline (collect, derive, history, publish) over a
// fixture root. The files do not change between samples, so the second interval shows zero
// ticks: 100 % idle, zero rates.
func TestSampleOverFixture(t *testing.T) {
	t.Parallel()
	e := newEngine(t, time.Second, "host-2cpu", "a")
	first := e.Sample()
	f := first.Frame
	if f.Seq != 1 || f.Host != "vm" || f.Kernel != "6.18.44-fc-v769" || f.NCPU != 2 || f.Mem == nil {
		t.Fatalf("first frame: seq %d host %q kernel %q ncpu %d mem %v", f.Seq, f.Host, f.Kernel, f.NCPU, f.Mem)
	}
	for _, src := range []string{sources.SrcStat, sources.SrcLoadavg, sources.SrcUptime, sources.SrcMeminfo, sources.SrcCPUOnline, sources.SrcHost} {
		if st := first.Snap.StatusFor(src); st.State != sources.OK {
			t.Errorf("%s: %+v", src, st)
		}
	}
	if f.Interval.OK || f.CswchS.OK || f.CPU[0].Idle.OK || f.Self.CPUPct.OK {
		t.Errorf("first frame must have no rates: %+v %+v %+v %+v", f.Interval, f.CswchS, f.CPU[0].Idle, f.Self.CPUPct)
	}
	if first.Snap.Self.TickTime <= 0 || f.Self.TickMs <= 0 || f.Self.RSSKB == 0 {
		t.Errorf("self cost not measured: %+v / %+v", first.Snap.Self, f.Self)
	}

	second := e.Sample()
	f = second.Frame
	if f.Seq != 2 || !f.Interval.OK || !f.CswchS.OK || f.CswchS.V != 0 {
		t.Errorf("second frame: seq %d interval %+v cswch %+v", f.Seq, f.Interval, f.CswchS)
	}
	for _, c := range f.CPU {
		if c.Idle.V != 100 || !c.Idle.OK {
			t.Errorf("cpu %s: no ticks moved, want 100 %% idle, have %+v", c.Name, c.Idle)
		}
	}
	if e.History().Len() != 2 || e.History().Latest() != second {
		t.Errorf("history: len %d", e.History().Len())
	}
}

// TestSampleMissingSources: a root with nothing in it yields a frame of reasons, no panic.
func TestSampleMissingSources(t *testing.T) {
	t.Parallel()
	e := New(Options{FS: collect.FS{Proc: t.TempDir(), Sys: t.TempDir(), Dev: t.TempDir()}})
	defer e.Close()
	for range 2 {
		s := e.Sample()
		if s.Frame.CPU != nil || s.Frame.Mem != nil || s.Frame.Load != nil {
			t.Fatalf("empty root produced data: %+v", s.Frame)
		}
		if st := s.Snap.StatusFor(sources.SrcStat); st.State != sources.Unavailable {
			t.Errorf("stat: want unavailable, have %+v", st)
		}
	}
}

// TestPublishLatestWins: nobody reads Updates, yet sampling never blocks, and a reader that
// comes late gets the newest sample, not the first.
func TestPublishLatestWins(t *testing.T) {
	t.Parallel()
	e := newEngine(t, time.Second, "16cpu", "a")
	done := make(chan *Sample)
	go func() {
		var last *Sample
		for range 5 {
			last = e.Sample()
		}
		done <- last
	}()
	var last *Sample
	select {
	case last = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Sample blocked with no reader")
	}
	if got := <-e.Updates(); got != last || got.Frame.Seq != 5 {
		t.Errorf("want the newest sample (seq 5), have seq %d", got.Frame.Seq)
	}
	select {
	case s := <-e.Updates():
		t.Errorf("stale sample %d still queued", s.Frame.Seq)
	default:
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	e := newEngine(t, 10*time.Millisecond, "host-2cpu", "b")
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		e.Run(ctx)
		close(stopped)
	}()
	var seq uint64
	for seq < 3 {
		select {
		case s := <-e.Updates():
			if s.Frame.Seq <= seq {
				t.Fatalf("sequence went from %d to %d", seq, s.Frame.Seq)
			}
			seq = s.Frame.Seq
		case <-time.After(5 * time.Second):
			t.Fatal("no sample from Run")
		}
	}
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestNewDefaultsAndCap(t *testing.T) {
	t.Parallel()
	e := New(Options{})
	if e.Interval() != time.Second || e.History().Cap() != 3601 {
		t.Errorf("defaults: interval %v, history cap %d; want 1s and 3601", e.Interval(), e.History().Cap())
	}
	// A nanosecond interval over an hour would be 3.6e12 slots: capped instead.
	if e := New(Options{Interval: time.Nanosecond, History: time.Hour}); e.History().Cap() != maxHistory {
		t.Errorf("want history capped at %d, have %d", maxHistory, e.History().Cap())
	}
}
