package softirqpanel

import (
	"flag"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func asciiTheme() *theme.Theme {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return theme.New(r)
}

// show builds the panel at w×h over frames.
func show(t *testing.T, frames []*derive.Frame, w, h int) *Model {
	t.Helper()
	m := New(asciiTheme(), time.Second)
	m.SetSize(w, h)
	m.Update(views.FrameMsg{Frames: frames})
	checkSize(t, m.View(), w, h)
	return m
}

func checkSize(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Errorf("%d×%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if ansi.StringWidth(l) != w {
			t.Errorf("%d×%d: line %d is %d wide: %q", w, h, i, ansi.StringWidth(l), l)
		}
	}
}

func golden(t *testing.T, name, have string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(have), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(want) != have {
		t.Errorf("%s differs:\nwant:\n%s\nhave:\n%s", path, want, have)
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()
	fr := fixture16(t)
	for _, sz := range [][2]int{{80, 20}, {200, 46}} {
		m := show(t, fr, sz[0], sz[1])
		golden(t, "16cpu-"+strings.Join([]string{itoa(sz[0]), itoa(sz[1])}, "x"), m.View())
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

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
	fr := fixture16(t)
	big := []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}
	for _, frames := range [][]*derive.Frame{fr, fr[:1], big, nil} {
		for _, sz := range [][2]int{{1, 1}, {40, 12}, {79, 24}, {80, 24}, {81, 24}, {120, 40}, {250, 80}} {
			m := show(t, frames, sz[0], sz[1])
			m.Tile(sz[0], sz[1]) // Tile is checked below; here it must not panic
			checkSize(t, m.Tile(sz[0], min(sz[1], 2)), sz[0], min(sz[1], 2))
		}
	}
}

func TestSelectType(t *testing.T) {
	t.Parallel()
	m := show(t, fixture16(t), 80, 20)
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
		m.Update(keyMsg(s.key))
		if have := m.Selected(); have != s.want {
			t.Errorf("step %d (%s): selected %q, want %q", i, s.key, have, s.want)
		}
	}
	m.Update(keyMsg("k"))
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
	fr := fixture16(t)
	m := show(t, []*derive.Frame{wide(fr[0], 1024), wide(fr[1], 1024)}, 80, 20)
	if !m.keys.Right.Enabled() {
		t.Fatal("1024 CPUs at 80 columns: scroll keys disabled")
	}
	if v := m.View(); !strings.Contains(v, "CPUs 0-56 of 1024") {
		t.Errorf("no scroll indicator:\n%s", v)
	}
	m.Update(keyMsg("right"))
	if want, have := 14, m.Offset(); want != have { // a quarter of 57 columns
		t.Errorf("offset %d after →, want %d", have, want)
	}
	for range 100 {
		m.Update(keyMsg("l"))
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
	fr := fixture16(t)
	// The first sample has no rates: every cell and total is —, never 0.
	v := show(t, fr[:1], 200, 46).View()
	rcu := lineWith(v, " RCU ")
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
	m := show(t, fixture16(t), 80, 20)
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

func lineWith(v, s string) string {
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}
