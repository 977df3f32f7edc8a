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
		{64, 250, 20, 16, 64}, // four columns of sixteen
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
	if strings.Count(v, "—") != 4 || strings.Contains(v, "0.0") {
		t.Errorf("first-sample rows must show — for busy and steal, never 0:\n%s", v)
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
