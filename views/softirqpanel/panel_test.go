package softirqpanel

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
)

// show builds the panel at w×h over frames.
func show(t *testing.T, frames []*derive.Frame, w, h int) *Model {
	t.Helper()
	return fixture.Show(t, New(fixture.ASCII(), time.Second), frames, w, h)
}

// newPanel is a fresh panel in the ASCII theme, for the shared grid and golden checks.
func newPanel() views.Panel { return New(fixture.ASCII(), time.Second) }

func TestGolden(t *testing.T) {
	t.Parallel()
	fixture.Goldens(t, newPanel, map[string][]*derive.Frame{"16cpu": fixture.Frames16(t)}, [2]int{80, 20}, [2]int{200, 46})
}

// wide replicates the real frame's 16 CPUs to n, as a large machine would show the same
// traffic: cell j of every row is the real cell j mod 16.
func wide(f *derive.Frame, n int) *derive.Frame {
	c := *f
	si := *f.Softirqs
	real := len(si.CPUs)
	si.CPUs = make([]int, n)
	for j := range n {
		si.CPUs[j] = j
	}
	si.Rows = make([]derive.SoftirqRow, len(f.Softirqs.Rows))
	for i, r := range f.Softirqs.Rows {
		r.PerCPU = make([]derive.Val, n)
		for j := range n {
			r.PerCPU[j] = f.Softirqs.Rows[i].PerCPU[j%real]
		}
		si.Rows[i] = r
	}
	c.Softirqs = &si
	return &c
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	big := []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}
	fixture.SizeGrid(t, newPanel, [][]*derive.Frame{fr, fr[:1], big}, "down", "right")
}

func TestSelectType(t *testing.T) {
	t.Parallel()
	m := show(t, fixture.Frames16(t), 80, 20)
	// RCU is the busiest type of the fixture (2.0k/s), so it is charted first.
	if want, have := "RCU", m.Selected(); want != have {
		t.Fatalf("first selection %q, want %q", have, want)
	}
	steps := []struct {
		key  string
		want string
	}{
		{"up", "HRTIMER"}, {"k", "SCHED"}, {"[", "TASKLET"}, {"down", "SCHED"}, {"]", "HRTIMER"},
		{"j", "RCU"}, {"j", "RCU"}, // the last type stays selected
	}
	for i, s := range steps {
		m.Update(fixture.Key(s.key))
		if have := m.Selected(); have != s.want {
			t.Errorf("step %d (%s): selected %q, want %q", i, s.key, have, s.want)
		}
	}
	m.Update(fixture.Key("k"))
	v := m.View()
	if !strings.Contains(v, ">HRTIMER") || !strings.Contains(v, "HRTIMER/s softirq runs") {
		t.Errorf("HRTIMER is not marked and charted:\n%s", v)
	}
	// Sixteen CPUs fit at 80 columns: nothing to scroll, and the keys say so.
	if m.keys.Left.Enabled() || m.keys.Right.Enabled() {
		t.Error("CPU scroll keys enabled although every CPU fits")
	}
}

func TestScrollCPUs(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	m := show(t, []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}, 80, 20)
	if !m.keys.Right.Enabled() {
		t.Fatal("1024 CPUs at 80 columns: scroll keys disabled")
	}
	if v := m.View(); !strings.Contains(v, "CPUs 0-56 of 1024") {
		t.Errorf("no scroll indicator:\n%s", v)
	}
	m.Update(fixture.Key("right"))
	if want, have := 14, m.Offset(); want != have { // a quarter of 57 columns
		t.Errorf("offset %d after →, want %d", have, want)
	}
	for range 100 {
		m.Update(fixture.Key("l"))
	}
	if want, have := 1024-57, m.Offset(); want != have {
		t.Errorf("offset %d at the end, want %d", have, want)
	}
	if v := m.View(); !strings.Contains(v, "CPUs 967-1023 of 1024") {
		t.Errorf("last CPUs not shown:\n%s", v)
	}
}

func TestMissingAndUnavailable(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	// The first sample has no rates: every cell and total is —, never 0.
	v := show(t, fr[:1], 200, 46).View()
	rcu := fixture.LineWith(v, " RCU ")
	if strings.Contains(rcu, "0") || strings.Count(rcu, views.Missing) != 17 {
		t.Errorf("first-sample RCU row: %q", rcu)
	}
	f := *fr[1]
	f.Softirqs = nil
	f.Status = maps.Clone(f.Status)
	f.Status[sources.SrcSoftirqs] = sources.Status{State: sources.Unavailable, Reason: "/proc/softirqs: /proc/softirqs needs Linux 2.6.31 or later"}
	m := show(t, []*derive.Frame{&f}, 80, 20)
	if v := m.View(); !strings.Contains(v, "n/a: /proc/softirqs: /proc/softirqs needs Linux") {
		t.Errorf("unavailable source not explained:\n%s", v)
	}
	if tile := m.Tile(80, 2); !strings.Contains(tile, "n/a: ") {
		t.Errorf("tile: %q", tile)
	}
}

func TestTile(t *testing.T) {
	t.Parallel()
	m := show(t, fixture.Frames16(t), 80, 20)
	have := m.Tile(80, 2)
	// Busiest first: RCU 2.0k, SCHED 338, TIMER 141, BLOCK 3.7; idle types are left out.
	want := "softirq/s  RCU 2.0k  SCHED 338  TIMER 141  BLOCK 3.7  ksoftirqd max 0.0%"
	if first := strings.Split(have, "\n")[0]; strings.TrimRight(first, " ") != want {
		t.Errorf("tile line 1:\nhave %q\nwant %q", first, want)
	}
	if !strings.Contains(have, "%soft 0.4") {
		t.Errorf("tile lacks %%soft: %q", have)
	}
}

// TestTileBusiestKsoftirqd: the tile names the CPU whose ksoftirqd used the most, the first
// in the CPUs' order on a tie, as the grid's row reads.
func TestTileBusiestKsoftirqd(t *testing.T) {
	t.Parallel()
	fs := fixture.Frames16(t)
	last := *fs[len(fs)-1] // a copy: the fixture's frames are shared
	last.Procs = slices.Clone(last.Procs)
	for i := range last.Procs {
		if id, ok := ksoftirqdCPU(last.Procs[i]); ok && (id == 5 || id == 3) {
			last.Procs[i].CPUPct = derive.Some(12.5)
		}
	}
	m := show(t, append(slices.Clone(fs[:len(fs)-1]), &last), 120, 20)
	if have := m.Tile(120, 2); !strings.Contains(have, "ksoftirqd max 12.5% cpu3") {
		t.Errorf("tile: %q", have)
	}
}
