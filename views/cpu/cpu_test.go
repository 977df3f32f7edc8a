package cpu

import (
	"io"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

func asciiTheme() *theme.Theme {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return theme.New(r)
}

// cpuFrame is a frame with n CPUs, each busy in usr by its id % 10 × 10 %, as derive would
// shape it; enough to exercise layout and bars.
func cpuFrame(n int) *derive.Frame {
	pct := func(id int) derive.CPU {
		u := float64(id%10) * 10
		z := derive.Some(0)
		return derive.CPU{ID: id, Name: strconv.Itoa(id), Usr: derive.Some(u), Nice: z, Sys: z, Iowait: z,
			IRQ: z, Soft: z, Steal: derive.Some(0.5), Guest: z, Gnice: z, Idle: derive.Some(100 - u - 0.5)}
	}
	f := &derive.Frame{NCPU: n}
	all := pct(5)
	all.ID, all.Name = -1, "all"
	f.CPU = append(f.CPU, all)
	for i := range n {
		f.CPU = append(f.CPU, pct(i))
	}
	return f
}

func TestCells(t *testing.T) {
	t.Parallel()
	seg := func(v ...float64) (a [theme.NSeg]float64) {
		copy(a[:], v)
		return a
	}
	tests := []struct {
		v    [theme.NSeg]float64
		w    int
		want [theme.NSeg]int
	}{
		{seg(50), 10, [theme.NSeg]int{5}},
		{seg(100), 7, [theme.NSeg]int{7}},
		{seg(), 10, [theme.NSeg]int{}},
		// Three thirds fill the bar exactly; rounding each alone would give 3+3+3 of 10.
		{seg(33.4, 33.3, 33.3), 10, [theme.NSeg]int{3, 4, 3}},
		// Many small parts: the running sum still reaches round(total·w/100).
		{seg(4, 4, 4, 4, 4, 4, 4, 4), 20, [theme.NSeg]int{1, 1, 0, 1, 1, 1, 1, 0}},
		// Values above 100 in total (rounding in the source) never overflow the bar.
		{seg(60, 50), 10, [theme.NSeg]int{6, 4}},
		{seg(-5, 50), 10, [theme.NSeg]int{0, 5}},
	}
	for _, tc := range tests {
		have := cells(tc.v, tc.w)
		sum := 0
		for _, n := range have {
			sum += n
		}
		if have != tc.want || sum > tc.w {
			t.Errorf("cells(%v, %d) = %v, want %v", tc.v, tc.w, have, tc.want)
		}
	}
}

func render(t *testing.T, f *derive.Frame, w, h int) Model {
	t.Helper()
	m := New(asciiTheme())
	m.SetSize(w, h)
	m, _ = m.Update(views.FrameMsg{Frames: []*derive.Frame{f}})
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Errorf("%d×%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if ansi.StringWidth(l) != w {
			t.Errorf("%d×%d: line %d is %d wide: %q", w, h, i, ansi.StringWidth(l), l)
		}
	}
	return m
}

func TestRowsAndColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n, w, h   int
		wantLines int // lines holding per-CPU rows
		wantRows  int // CPU rows visible (each with its steal number)
	}{
		{2, 80, 10, 2, 2},
		{16, 80, 10, 8, 16},   // two columns of eight
		{16, 200, 10, 8, 16},  // five columns would fit; two are enough
		{16, 60, 10, 8, 8},    // one column: eight of sixteen, the rest scroll
		{60, 250, 20, 15, 60}, // four columns of fifteen (from 64 on, a heat grid)
	}
	for _, tc := range tests {
		m := render(t, cpuFrame(tc.n), tc.w, tc.h)
		lines := strings.Split(m.View(), "\n")[2:]
		used := 0
		for _, l := range lines {
			if strings.TrimSpace(l) != "" {
				used++
			}
		}
		if used != tc.wantLines {
			t.Errorf("%d CPUs at %d×%d: %d lines of rows, want %d:\n%s", tc.n, tc.w, tc.h, used, tc.wantLines, m.View())
		}
		if have := strings.Count(m.View(), " st ") - 1; have != tc.wantRows {
			t.Errorf("%d CPUs at %d×%d: %d CPU rows, want %d", tc.n, tc.w, tc.h, have, tc.wantRows)
		}
		if want, have := tc.wantLines+2, m.Want(tc.w, tc.h); have != want {
			t.Errorf("%d CPUs at %d×%d: Want = %d, want %d", tc.n, tc.w, tc.h, have, want)
		}
	}
	// With no height limit one column is enough, and Want asks for all of it.
	if want, have := 18, render(t, cpuFrame(16), 200, 10).Want(200, 100); have != want {
		t.Errorf("Want(200, 100) = %d, want %d", have, want)
	}
}

func TestMissingAndSteal(t *testing.T) {
	t.Parallel()
	f := &derive.Frame{CPU: []derive.CPU{{ID: -1, Name: "all"}, {ID: 0, Name: "0"}}}
	v := render(t, f, 60, 4).View()
	if strings.Count(v, "—") != 5 || strings.Contains(v, "0.0") {
		t.Errorf("first-sample rows must show — for busy, steal and (on all) guest, never 0:\n%s", v)
	}
	f = cpuFrame(1)
	f.CPU[1].Steal = derive.Some(12.3)
	f.CPU[1].Idle = derive.Some(100 - 10 - 12.3)
	v = render(t, f, 60, 4).View()
	row := strings.Split(v, "\n")[2]
	if !strings.Contains(row, "st  12.3") || !strings.Contains(row, "t") {
		t.Errorf("steal not shown on its row: %q", row)
	}
}

func TestScroll(t *testing.T) {
	t.Parallel()
	m := render(t, cpuFrame(16), 60, 6) // one column, four lines for sixteen rows
	if !m.keys.Down.Enabled() {
		t.Fatal("scroll keys disabled although rows overflow")
	}
	steps := []struct {
		key  tea.KeyMsg
		want int
	}{
		{tea.KeyMsg{Type: tea.KeyDown}, 1},
		{tea.KeyMsg{Type: tea.KeyPgDown}, 5},
		{tea.KeyMsg{Type: tea.KeyEnd}, 12},
		{tea.KeyMsg{Type: tea.KeyDown}, 12},
		{tea.KeyMsg{Type: tea.KeyUp}, 11},
		{tea.KeyMsg{Type: tea.KeyHome}, 0},
		{tea.KeyMsg{Type: tea.KeyUp}, 0},
	}
	for i, s := range steps {
		m, _ = m.Update(s.key)
		if have := m.Offset(); have != s.want {
			t.Errorf("step %d (%s): offset %d, want %d", i, s.key, have, s.want)
		}
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if v := m.View(); !strings.Contains(v, " 15 ") || !strings.Contains(v, "lines 13-16 of 16") {
		t.Errorf("end does not show the last CPU:\n%s", v)
	}
	// Growing the panel so that everything fits pulls the offset back and disables the keys.
	m.SetSize(60, 20)
	if m.Offset() != 0 || m.keys.Down.Enabled() {
		t.Errorf("after growing: offset %d, keys enabled %v", m.Offset(), m.keys.Down.Enabled())
	}
}

func TestTinySizes(t *testing.T) {
	t.Parallel()
	for _, sz := range [][2]int{{1, 1}, {5, 2}, {10, 3}, {19, 3}, {20, 1}} {
		render(t, cpuFrame(4), sz[0], sz[1])
	}
}

func TestGuestOnAll(t *testing.T) {
	t.Parallel()
	f := cpuFrame(2)
	f.CPU[0].Guest, f.CPU[0].Gnice = derive.Some(7.5), derive.Some(1)
	lines := strings.Split(render(t, f, 80, 5).View(), "\n")
	if !strings.HasSuffix(lines[1], " gu   8.5") {
		t.Errorf("all row without guest+gnice: %q", lines[1])
	}
	if strings.Contains(lines[2], "gu") {
		t.Errorf("per-CPU row has the guest column: %q", lines[2])
	}
}

func TestHeatGrid(t *testing.T) {
	t.Parallel()
	f := cpuFrame(1024)
	f.CPU[1+100].Steal = derive.Some(12) // cpu 100
	m := render(t, f, 200, 20)
	lines := strings.Split(m.View(), "\n")
	// Names are four wide ("1023"), so a line holds 21 groups of 8: 168 CPUs, 7 lines.
	if want, have := 9, m.Want(200, 100); have != want {
		t.Errorf("Want = %d, want %d", have, want)
	}
	if !strings.Contains(lines[0], "one cell per CPU") || !strings.Contains(lines[0], "!steal≥5%") {
		t.Errorf("legend: %q", lines[0])
	}
	// cpu 0 is 0.5 % busy (the lightest shade), cpu 9 90.5 % (the darkest); nine equal steps.
	if want, have := "   0 ..:-=+*# %@..:-=+", lines[2][:22]; have != want {
		t.Errorf("first cells %q, want %q", have, want)
	}
	if want, have := " 168 ", lines[3][:5]; have != want {
		t.Errorf("second line starts %q, want %q", have, want)
	}
	if strings.Count(strings.Join(lines[2:], ""), "!") != 1 || !strings.Contains(lines[2], "!") {
		t.Errorf("cpu 100's steal is not marked once on the first line:\n%s", m.View())
	}
	// At 80 columns a line holds 8 groups (75 cells after the name: 8×8 cells and 7 spaces),
	// so 1024 CPUs need 16 lines.
	m = render(t, f, 80, 10)
	if !m.keys.Down.Enabled() || !strings.Contains(m.View(), "lines 1-8 of 16") {
		t.Errorf("80×10 should scroll 16 lines:\n%s", m.View())
	}
}

func TestHistory(t *testing.T) {
	t.Parallel()
	var frames []*derive.Frame
	for i := range 5 {
		f := cpuFrame(2)
		for j := range f.CPU {
			u := float64(i) * 20 // 0, 20, 40, 60, 80 % usr on every CPU
			f.CPU[j].Usr, f.CPU[j].Idle = derive.Some(u), derive.Some(100-u-0.5)
		}
		frames = append(frames, f)
	}
	frames[4].CPU[2].Steal = derive.Some(6)
	m := New(asciiTheme())
	m.SetSize(40, 6)
	m, _ = m.Update(views.FrameMsg{Frames: frames})
	if !m.keys.View.Enabled() {
		t.Fatal("view key disabled with CPUs present")
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("v")})
	if m.Mode() != History {
		t.Fatalf("mode %v after v, want History", m.Mode())
	}
	lines := strings.Split(m.View(), "\n")
	// Strips are 40-3-1-7 = 29 cells: 24 blank (no samples yet), then the five samples.
	want := []string{
		"all                         .:=*%  80.5%",
		"  0                         .:=*%  80.5%",
		"  1                         .:=*!  80.5%",
	}
	for i, w := range want {
		if lines[1+i] != w {
			t.Errorf("line %d:\nhave %q\nwant %q", 1+i, lines[1+i], w)
		}
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("v")})
	if m.Mode() != Bars || !strings.Contains(m.View(), " st ") {
		t.Errorf("v again does not bring the bars back:\n%s", m.View())
	}
}

// TestCompactTile: the Overview's tile shows every CPU it can without scrolling. With room for
// the legend and every bar it is the panel's form; a few CPUs one line short give up the
// legend; more CPUs than lines become one heat cell each under the heat legend. The full
// panel keeps its bars and scrolls.
func TestCompactTile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cpus, w, h int
		want       []string // line prefixes, trimmed
	}{
		{2, 66, 4, []string{"CPU u=usr", "all u", "0 ", "1 u"}},
		{2, 66, 3, []string{"all u", "0 ", "1 u"}},
		{16, 66, 3, []string{"CPU busy now, one cell per CPU", "all u", "0 ..:-=+*# %@..:-=+"}},
		{64, 66, 4, []string{"CPU busy now", "all u", "0 ", "56 "}},
	} {
		m := NewTile(asciiTheme())
		m.SetSize(tc.w, tc.h)
		m, _ = m.Update(views.FrameMsg{Frames: []*derive.Frame{cpuFrame(tc.cpus)}})
		lines := strings.Split(m.View(), "\n")
		if len(lines) != tc.h {
			t.Fatalf("%d CPUs at %d×%d: %d lines", tc.cpus, tc.w, tc.h, len(lines))
		}
		for i, want := range tc.want {
			if have := strings.TrimSpace(lines[i]); !strings.HasPrefix(have, want) {
				t.Errorf("%d CPUs at %d×%d: line %d is %q, want it to start %q\n%s", tc.cpus, tc.w, tc.h, i, have, want, m.View())
			}
		}
		if strings.Contains(m.View(), "↕") {
			t.Errorf("%d CPUs at %d×%d: the tile scrolls:\n%s", tc.cpus, tc.w, tc.h, m.View())
		}
	}
	// The panel's own rows keep the legend and scroll.
	m := render(t, cpuFrame(2), 66, 3)
	if v := m.View(); !strings.HasPrefix(v, "CPU u=usr") || !strings.Contains(v, "↕ lines 1-1 of 2") {
		t.Errorf("the panel's rows at 66×3:\n%s", v)
	}
}
