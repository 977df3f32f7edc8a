package collect

import (
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// table makes a process table for policy tests: PID i+1 has RSS rss[i] kB. The policy reads
// only PID, StartTime, Kernel and RSS.
func table(rss ...uint64) *sources.ProcTable {
	t := &sources.ProcTable{}
	for i, r := range rss {
		t.Procs = append(t.Procs, sources.Proc{PID: i + 1, StartTime: 100, RSSKB: r})
	}
	return t
}

// policy returns a policy on a manual clock and a reader that records which PIDs it read and
// takes readTime of (fake) time per read.
func policy(readTime time.Duration) (*SmapsPolicy, *fakeClock, *[]int, func(int) (*sources.SmapsRollup, error)) {
	clk := &fakeClock{t: time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)}
	p := NewSmapsPolicy()
	p.Clock = clk.now
	var reads []int
	read := func(pid int) (*sources.SmapsRollup, error) {
		reads = append(reads, pid)
		clk.advance(readTime)
		return &sources.SmapsRollup{Rss: uint64(pid), Pss: uint64(pid)}, nil
	}
	return p, clk, &reads, read
}

func TestSmapsTopKOneReadPerTick(t *testing.T) {
	t.Parallel()
	p, clk, reads, read := policy(time.Millisecond)
	p.TopK = 3
	tab := table(500, 9000, 100, 7000, 8000, 0)
	for tick := range 5 {
		*reads = (*reads)[:0]
		p.Apply(tab, read)
		if len(*reads) > 1 {
			t.Fatalf("tick %d: %d reads", tick, len(*reads))
		}
		clk.advance(time.Second)
	}
	// Over 5 ticks only the top 3 by RSS (PIDs 2, 5, 4) were read, biggest first.
	p2, clk2, reads2, read2 := policy(time.Millisecond)
	p2.TopK = 3
	for range 5 {
		p2.Apply(tab, read2)
		clk2.advance(time.Second)
	}
	if want, have := []int{2, 5, 4}, *reads2; !slices.Equal(want, have) {
		t.Errorf("reads: want %v, have %v", want, have)
	}
	for _, pr := range tab.Procs {
		switch pr.PID {
		case 2, 4, 5:
			if pr.Smaps == nil || pr.SmapsSkip != "" {
				t.Errorf("pid %d: smaps %v skip %q", pr.PID, pr.Smaps, pr.SmapsSkip)
			}
		case 6:
			if pr.SmapsSkip != skipNoMM {
				t.Errorf("pid 6 (RSS 0): skip %q", pr.SmapsSkip)
			}
		default:
			if pr.Smaps != nil || !strings.HasPrefix(pr.SmapsSkip, "not in the top 3") {
				t.Errorf("pid %d: smaps %v skip %q", pr.PID, pr.Smaps, pr.SmapsSkip)
			}
		}
	}
}

func TestSmapsCadence(t *testing.T) {
	t.Parallel()
	p, clk, reads, read := policy(time.Millisecond)
	p.TopK = 2
	tab := table(2000, 1000)
	readAt := map[int][]int{} // pid → ticks
	t0 := clk.now()
	for tick := range 31 {
		*reads = (*reads)[:0]
		touch(tab) // both fault pages every second: the cadence alone decides
		p.Apply(tab, read)
		for _, pid := range *reads {
			readAt[pid] = append(readAt[pid], tick)
		}
		clk.set(t0.Add(time.Duration(tick+1) * time.Second))
	}
	// Each at most once per 10 s; both kept fresh; the second waits one tick for the first.
	if want := []int{0, 10, 20, 30}; !slices.Equal(want, readAt[1]) {
		t.Errorf("pid 1 read at ticks %v, want %v", readAt[1], want)
	}
	if want := []int{1, 11, 21}; !slices.Equal(want, readAt[2]) {
		t.Errorf("pid 2 read at ticks %v, want %v", readAt[2], want)
	}
	// Values carry forward between reads, with their read time.
	pr := tab.Procs[0]
	if pr.Smaps == nil || pr.Smaps.Pss != 1 || pr.Smaps.Dur != time.Millisecond {
		t.Fatalf("carried: %+v", pr.Smaps)
	}
}

// touch makes every process of tab fault a page, as a running process does.
func touch(tab *sources.ProcTable) {
	for i := range tab.Procs {
		tab.Procs[i].MinFlt++
	}
}

// TestSmapsUnchangedNotReread: a process whose RSS, swap and faults did not move since its
// last read is not read again when due, until Unchanged has passed; once it moves it is due
// at the next period.
func TestSmapsUnchangedNotReread(t *testing.T) {
	t.Parallel()
	p, clk, reads, read := policy(time.Millisecond)
	p.TopK = 1
	tab := table(1000)
	var ticks []int
	t0 := clk.now()
	for tick := range 100 {
		*reads = (*reads)[:0]
		switch tick {
		case 65:
			tab.Procs[0].MajFlt++
		case 85:
			tab.Procs[0].RSSKB++
		}
		p.Apply(tab, read)
		if len(*reads) > 0 {
			ticks = append(ticks, tick)
		}
		clk.set(t0.Add(time.Duration(tick+1) * time.Second))
	}
	if want := []int{0, 60, 70, 90}; !slices.Equal(want, ticks) {
		t.Errorf("reads at %v, want %v", ticks, want)
	}
	if pr := tab.Procs[0]; pr.Smaps == nil || !pr.Smaps.At.Equal(t0.Add(90*time.Second)) {
		t.Errorf("carried value: %+v, want the read at 90 s", pr.Smaps)
	}
}

func TestSmapsSlowReadBacksOff(t *testing.T) {
	t.Parallel()
	p, clk, reads, read := policy(25 * time.Millisecond) // slower than SlowRead (10 ms)
	p.TopK = 1
	tab := table(1000)
	var ticks []int
	t0 := clk.now()
	for tick := range 61 {
		*reads = (*reads)[:0]
		touch(tab)
		p.Apply(tab, read)
		if len(*reads) > 0 {
			ticks = append(ticks, tick)
		}
		clk.set(t0.Add(time.Duration(tick+1) * time.Second))
	}
	// Period 10 s doubles after each slow read: 20, 40 s ...
	if want := []int{0, 20, 60}; !slices.Equal(want, ticks) {
		t.Errorf("reads at %v, want %v", ticks, want)
	}
}

func TestSmapsCapAndPin(t *testing.T) {
	t.Parallel()
	p, clk, reads, read := policy(time.Millisecond)
	tab := table(12<<20, 1000) // 12 GiB, above the 4 GiB default cap
	p.Apply(tab, read)
	clk.advance(time.Second)
	p.Apply(tab, read)
	if want := []int{2}; !slices.Equal(want, *reads) {
		t.Errorf("reads: want %v, have %v", want, *reads)
	}
	if have, want := tab.Procs[0].SmapsSkip, "RSS 12.0 GiB above the 4.0 GiB cap; pin to read"; have != want {
		t.Errorf("reason: want %q, have %q", want, have)
	}
	p.SetSelected([]int{1})
	clk.advance(time.Second)
	*reads = (*reads)[:0]
	p.Apply(tab, read)
	if want := []int{1}; !slices.Equal(want, *reads) {
		t.Errorf("pinned: want %v, have %v", want, *reads)
	}
	if tab.Procs[0].Smaps == nil || tab.Procs[0].SmapsSkip != "" {
		t.Errorf("pinned: %+v", tab.Procs[0])
	}
}

func TestSmapsPinOutsideTopK(t *testing.T) {
	t.Parallel()
	p, _, reads, read := policy(time.Millisecond)
	p.TopK = 1
	p.SetSelected([]int{3})
	tab := table(3000, 2000, 10)
	p.Apply(tab, read)
	p.Apply(tab, read)
	if want := []int{1, 3}; !slices.Equal(want, *reads) {
		t.Errorf("reads: want %v, have %v", want, *reads)
	}
}

func TestSmapsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err      error
		skip     string
		unavail  bool
		retryDue bool
	}{
		{syscall.EACCES, skipDenied, false, false},
		{syscall.ESRCH, skipNoMM, false, false},
		{syscall.ENOENT, skipMissing, true, false},
	}
	for _, tt := range tests {
		p, clk, _, _ := policy(0)
		tab := table(1000)
		n := 0
		read := func(int) (*sources.SmapsRollup, error) { n++; return nil, tt.err }
		p.Apply(tab, read)
		clk.advance(time.Second)
		p.Apply(tab, read)
		if tab.Procs[0].SmapsSkip != tt.skip {
			t.Errorf("%v: skip %q, want %q", tt.err, tab.Procs[0].SmapsSkip, tt.skip)
		}
		if n != 1 {
			t.Errorf("%v: %d attempts within the period, want 1", tt.err, n)
		}
		if have := p.Status().State == sources.Unavailable; have != tt.unavail {
			t.Errorf("%v: status %+v", tt.err, p.Status())
		}
	}
}

func TestSmapsPIDReuse(t *testing.T) {
	t.Parallel()
	p, clk, reads, read := policy(time.Millisecond)
	tab := table(1000)
	p.Apply(tab, read)
	clk.advance(time.Second)
	tab = table(1000)
	tab.Procs[0].StartTime = 200 // same PID, another process
	p.Apply(tab, read)
	if want := []int{1, 1}; !slices.Equal(want, *reads) {
		t.Errorf("reads: want %v, have %v", want, *reads)
	}
}

// TestSmapsCollectorFiles runs the policy inside the collector over the real 16-CPU tree: it
// opens smaps_rollup at most once per pass and never smaps.
func TestSmapsCollectorFiles(t *testing.T) {
	t.Parallel()
	c, _ := testCollector(cpu16B)
	var rollups, smaps int
	c.fault = func(pid int, name string) error {
		switch {
		case strings.HasSuffix(name, "/smaps_rollup"):
			rollups++
		case strings.Contains(name, "smaps"):
			smaps++
		}
		return nil
	}
	var tab *sources.ProcTable
	for pass := range 4 {
		before := rollups
		var s sources.Snapshot
		if err := c.Collect(&s); err != nil {
			t.Fatal(err)
		}
		tab = s.Procs
		if rollups-before > 1 {
			t.Errorf("pass %d: %d smaps_rollup opens", pass, rollups-before)
		}
	}
	if smaps != 0 {
		t.Errorf("smaps opened %d times", smaps)
	}
	// Three user processes (409, 411, 417) read over three passes, values from the real files.
	p := procByPID(t, tab, 411)
	if p.Smaps == nil || p.Smaps.Pss != 234 || p.Smaps.USS() != 108 {
		t.Errorf("411: %+v", p.Smaps)
	}
	if rollups != 3 {
		t.Errorf("rollup reads: want 3, have %d", rollups)
	}
}

func FuzzParseSmapsRollup(f *testing.F) {
	f.Add(mustRead(f, cpu16B+"/411/smaps_rollup"))
	f.Add(mustRead(f, liveB+"/14189/smaps_rollup"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r sources.SmapsRollup
		_ = ParseSmapsRollup(b, &r)
	})
}

// TestSmapsSetSelectedConcurrent: the UI pins from its own goroutine while the engine samples
// (run under -race).
func TestSmapsSetSelectedConcurrent(t *testing.T) {
	t.Parallel()
	p, clk, _, read := policy(time.Millisecond)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			p.SetSelected([]int{i % 3})
		}
	}()
	for range 200 {
		p.Apply(table(3000, 2000, 10), read)
		clk.advance(time.Second)
	}
	<-done
}
