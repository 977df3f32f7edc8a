package cpupanel

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/internal/fixture"
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

// history2 is the development machine's 30 samples of /proc/stat about 1 s apart
// (app/testdata/proc-2cpu, see its README), while a busy loop held one CPU for 8 s: a real
// history for the per-CPU strips.
func history2(tb testing.TB) []*derive.Frame {
	tb.Helper()
	var roots []collect.FS
	for i := range 30 {
		roots = append(roots, collect.FS{Proc: fmt.Sprintf("../../app/testdata/proc-2cpu/%02d/proc", i), Sys: "../../app/testdata/proc-2cpu/sys"})
	}
	return fixture.Series(tb, roots, time.Second)
}

// wide replicates the real frame's 16 CPUs to n (cpu j is the real cpu j mod 16), the way the
// brief asks large machines to be tested: real values, many CPUs.
func wide(f *derive.Frame, n int) *derive.Frame {
	c := *f
	c.CPU = make([]derive.CPU, 0, n+1)
	c.CPU = append(c.CPU, f.CPU[0])
	for j := range n {
		cpu := f.CPU[1+j%(len(f.CPU)-1)]
		cpu.ID, cpu.Name = j, strconv.Itoa(j)
		c.CPU = append(c.CPU, cpu)
	}
	c.NCPU = n
	return &c
}

func TestGolden(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	big := []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}
	cases := []struct {
		name   string
		frames []*derive.Frame
		w, h   int
		keys   string
	}{
		{"16cpu-80x20", fr, 80, 20, ""},
		{"16cpu-200x46", fr, 200, 46, ""},
		{"16cpu-history-80x20", fr, 80, 20, "v"},
		{"16cpu-history-200x46", fr, 200, 46, "v"},
		{"2cpu-history-80x20", history2(t), 80, 20, "v"},
		{"1024cpu-80x20", big, 80, 20, ""},
		{"1024cpu-200x46", big, 200, 46, ""},
	}
	for _, tc := range cases {
		m := show(t, tc.frames, tc.w, tc.h)
		if tc.keys != "" {
			m.Update(fixture.Key(tc.keys))
		}
		fixture.CheckBlock(t, m.View(), tc.w, tc.h)
		fixture.Golden(t, tc.name, m.View())
	}
}

func TestSizeGrid(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	big := []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}
	fixture.SizeGrid(t, newPanel, [][]*derive.Frame{fr, fr[:1], big}, "v")
}

// TestHeatAndHistory checks the real frame's figures in both compact forms: the 1024-CPU grid
// has one cell per CPU, and the history has one row per CPU with its busy % now.
func TestHeatAndHistory(t *testing.T) {
	t.Parallel()
	fr := fixture.Frames16(t)
	m := show(t, []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}, 200, 46)
	lines := strings.Split(m.View(), "\n")
	if !strings.Contains(lines[0], "one cell per CPU") || !strings.HasPrefix(lines[2], "   0 ") || !strings.HasPrefix(lines[3], " 168 ") {
		t.Errorf("1024 CPUs at 200 wide: want a heat grid of 168 CPUs a line:\n%s", m.View())
	}
	m = show(t, fr, 200, 46)
	m.Update(fixture.Key("v"))
	v := m.View()
	// cpu 0 ran a busy loop: 100 % in the fixture's second sample.
	if row := strings.Split(v, "\n")[2]; !strings.HasSuffix(strings.TrimRight(row, " "), "100.0%") || !strings.HasPrefix(row, "  0 ") {
		t.Errorf("history row of cpu 0: %q", row)
	}
	if !strings.Contains(v, "CPU busy") {
		t.Errorf("the total chart is gone in history mode:\n%s", v)
	}
}
