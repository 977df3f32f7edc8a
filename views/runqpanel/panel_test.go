package runqpanel

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/internal/fixture"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
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

// wide replicates the real frame's 16 per-CPU scheduler rows to n CPUs.
func wide(f *derive.Frame, n int) *derive.Frame {
	c := *f
	sc := *f.Sched
	sc.CPU = make([]derive.SchedCPU, n)
	for j := range n {
		sc.CPU[j] = f.Sched.CPU[j%len(f.Sched.CPU)]
		sc.CPU[j].ID = j
	}
	c.Sched, c.NCPU = &sc, n
	return &c
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	big := []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}
	fixture.SizeGrid(t, newPanel, [][]*derive.Frame{fr, fr[:1], big}, "end")
}

func TestSummary(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	v := show(t, fr, 200, 46).View()
	first := strings.Split(v, "\n")[0]
	for _, want := range []string{"runq 6/16cpu", "blk 0", "load 0.56 0.12 0.04", "R/T 7/216", "PSI cpu some 0.0%", "avg10 0.49",
		"cs/s 3.8k", "forks/s 652", "saturated 0/2 samples"} {
		if !strings.Contains(first, want) {
			t.Errorf("summary lacks %q: %q", want, first)
		}
	}
	if !strings.Contains(v, "source task-fallback: CONFIG_SCHEDSTATS off (no /proc/schedstat): per-task fallback over 183 threads") {
		t.Errorf("the wait table does not name its source and why:\n%s", v)
	}
	// CPU 5 of the fixture: 0.031 ms per slice, 67 slices/s, no thread in R now (one walk of
	// /proc credits each thread by its own last CPU; see sources/collect/schedstat.go).
	if cpu5 := fixture.LineWith(v, "   5  "); !strings.Contains(cpu5, "   5  0.031 ms     0.00       67     0") {
		t.Errorf("cpu 5 row: %q", cpu5)
	}
	// Four CPUs for the same six runnable tasks: saturated in both samples.
	sat := make([]*derive.Frame, len(fr))
	for i, f := range fr {
		c := *f
		c.NCPU = 4
		sat[i] = &c
	}
	v = show(t, sat, 200, 46).View()
	if first := strings.Split(v, "\n")[0]; !strings.Contains(first, "runq 6/4cpu") || !strings.Contains(first, "saturated 2/2 samples") {
		t.Errorf("saturation not reported: %q", first)
	}
	// Zoomed out (the window has a span), a frame is a point over several samples.
	m := show(t, sat, 200, 46)
	m.Update(views.FrameMsg{Frames: sat, Span: time.Hour})
	if first := strings.Split(m.View(), "\n")[0]; !strings.Contains(first, "saturated 2/2 points") {
		t.Errorf("zoomed out, the count is not of points: %q", first)
	}
}

func TestSchedstatAndUnavailable(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	// A real /proc/schedstat (node_exporter's fixture) read once: the busy% column replaces
	// the fallback's R count, and with no previous sample every rate is —.
	b, err := os.ReadFile(filepath.Join(fixture.Root, "i3a-public", "node_exporter", "proc", "schedstat"))
	if err != nil {
		t.Fatal(err)
	}
	ss, err := collect.ParseSchedstat(b)
	if err != nil {
		t.Fatal(err)
	}
	f := *fr[1]
	f.Sched = derive.Derive(nil, &sources.Snapshot{Schedstat: ss}).Sched
	f.Status = maps.Clone(f.Status)
	f.Status[sources.SrcSchedstat] = sources.Status{State: sources.OK}
	v := show(t, []*derive.Frame{&f}, 120, 30).View()
	if !strings.Contains(v, "source schedstat") || !strings.Contains(v, "busy%") || strings.Contains(v, "R now") {
		t.Errorf("schedstat layout:\n%s", v)
	}
	if row := fixture.LineWith(v, "   1      — ms"); strings.Count(row, views.Missing) != 4 {
		t.Errorf("first schedstat sample: want four —, have %q", row)
	}

	f.Sched = nil
	f.Status[sources.SrcSchedstat] = sources.Status{State: sources.Unavailable, Reason: "no /proc/schedstat (CONFIG_SCHEDSTATS off) and no readable /proc/PID/task/TID/schedstat (CONFIG_SCHED_INFO off or hidepid)"}
	f.Status[sources.SrcPSI] = sources.Status{State: sources.Unavailable, Reason: "/proc/pressure/cpu: PSI disabled or unsupported"}
	f.PSI = nil
	m := show(t, []*derive.Frame{&f}, 200, 46)
	v = m.View()
	if !strings.Contains(v, "Per-CPU wait n/a: no /proc/schedstat (CONFIG_SCHEDSTATS off)") || !strings.Contains(v, "PSI cpu n/a: /proc/pressure/cpu: PSI disabled") {
		t.Errorf("unavailable sources not explained:\n%s", v)
	}
	if m.keys.Down.Enabled() {
		t.Error("scroll keys enabled without a table")
	}
}

func TestScroll(t *testing.T) {
	t.Parallel()
	m := show(t, fixture.Frames16(t), 80, 14)
	if !m.keys.Down.Enabled() {
		t.Fatalf("16 CPUs at 80×14 fit:\n%s", m.View())
	}
	steps := []struct {
		key  string
		want int
	}{{"down", 1}, {"pgdown", 4}, {"end", 4}, {"k", 3}, {"home", 0}, {"up", 0}}
	for i, s := range steps {
		m.Update(fixture.Key(s.key))
		if have := m.Offset(); have != s.want {
			t.Errorf("step %d (%s): offset %d, want %d", i, s.key, have, s.want)
		}
	}
	m.Update(fixture.Key("end"))
	if v := m.View(); !strings.Contains(v, "lines 5-8 of 8") || fixture.LineWith(v, "  15 ") == "" {
		t.Errorf("end does not show the last CPU:\n%s", v)
	}
	m.SetSize(200, 46)
	if m.Offset() != 0 || m.keys.Down.Enabled() {
		t.Errorf("after growing: offset %d, keys enabled %v", m.Offset(), m.keys.Down.Enabled())
	}
}

func TestTile(t *testing.T) {
	t.Parallel()
	m := show(t, fixture.Frames16(t), 200, 46) // the tile flows at its own width, not the panel's
	have := m.Tile(80, 3)
	for _, want := range []string{"runq 6/16cpu  blk 0  load 0.56 0.12 0.04", "PSI cpu some 0.0%", "wait max 0.031 ms cpu5"} {
		if !strings.Contains(have, want) {
			t.Errorf("tile lacks %q:\n%s", want, have)
		}
	}
}
