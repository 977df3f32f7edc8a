package heat

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views/theme"
)

func themeFor(p termenv.Profile) *theme.Theme {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	return theme.New(r)
}

func TestShades(t *testing.T) {
	t.Parallel()
	logs := []struct {
		v    float64
		want int
	}{
		{-1, 0}, {0, 0}, {0.001, 1}, {0.99, 1}, {1, 2}, {9.9, 2}, {10, 3}, {999, 4}, {1000, 5},
		{99_999, 6}, {100_000, 7}, {1e6, 8}, {1e7, 9}, {1e12, 9},
	}
	for _, tc := range logs {
		if have := LogShade(tc.v); have != tc.want {
			t.Errorf("LogShade(%g) = %d, want %d", tc.v, have, tc.want)
		}
	}
	pcts := []struct {
		p    float64
		want int
	}{{0, 0}, {-3, 0}, {0.1, 1}, {11.1, 1}, {11.2, 2}, {50, 5}, {88.8, 8}, {89, 9}, {100, 9}, {250, 9}}
	for _, tc := range pcts {
		if have := PctShade(tc.p); have != tc.want {
			t.Errorf("PctShade(%g) = %d, want %d", tc.p, have, tc.want)
		}
	}
}

func TestCell(t *testing.T) {
	t.Parallel()
	th := themeFor(termenv.Ascii)
	tests := []struct {
		v    derive.Val
		w    int
		want string
	}{
		{derive.Some(2345), 6, "+ 2.3k"}, // number after the shade character
		{derive.Some(2345), 4, "++++"},   // too narrow for the number: shade only
		{derive.Some(0), 3, "   "},       // zero is blank without colour
		{derive.Some(0), 5, "    0"},     // but written as 0 when numbers fit
		{derive.None, 3, "—  "},          // missing is never 0
		{derive.Some(0.5), 1, "."},
		{derive.Some(12e6), 2, "@@"},
	}
	for _, tc := range tests {
		if have := Cell(th, tc.v, LogShade(tc.v.Or(0)), tc.w); have != tc.want {
			t.Errorf("Cell(%v, %d) = %q, want %q", tc.v, tc.w, have, tc.want)
		}
	}
	// With colour the number sits on the shade, four cells suffice, and the width is exact.
	c := themeFor(termenv.ANSI256)
	if have := Cell(c, derive.Some(2345), 5, 4); ansi.Strip(have) != "2.3k" || !strings.Contains(have, "\x1b[") {
		t.Errorf("colour cell: %q", have)
	}
}

func TestGridLayoutAndRender(t *testing.T) {
	t.Parallel()
	th := themeFor(termenv.Ascii)
	row := func(label string, vals ...float64) Row {
		r := Row{Label: label}
		for _, v := range vals {
			r.Cells = append(r.Cells, derive.Some(v))
			r.Total.V += v
		}
		r.Total.OK = true
		return r
	}
	g := &Grid{Head: "irq", CPUs: []int{0, 1, 2, 10}, Rows: []Row{row("LOC", 1500, 20, 0, 3), row("TLB", 5, 0, 0, 0)}}
	g.Rows[0].Mark = true
	tests := []struct {
		w    int
		want Layout
	}{
		{80, Layout{LabelW: 4, CellW: 7, Cols: 4}}, // room to spare: cells stop at the widest
		{25, Layout{LabelW: 4, CellW: 3, Cols: 4}},
		{15, Layout{LabelW: 4, CellW: 1, Cols: 3}}, // one cell each, and still not all
		{5, Layout{LabelW: 4, CellW: 1}},
	}
	for _, tc := range tests {
		if have := g.Layout(tc.w); have != tc.want {
			t.Errorf("Layout(%d) = %+v, want %+v", tc.w, have, tc.want)
		}
	}
	want := []string{
		" irq     /s      0      1      2     10 ",
		">LOC   1.5k + 1.5k -   20      0 :    3 ",
		" TLB      5 :    5      0      0      0 ",
	}
	have := g.Render(th, 40, 0, 0, 2)
	if strings.Join(have, "\n") != strings.Join(want, "\n") {
		t.Errorf("Render(40):\nhave\n%s\nwant\n%s", strings.Join(have, "\n"), strings.Join(want, "\n"))
	}
	// Scrolled past the end at one cell per CPU: the offset is clamped to the last three
	// columns, and ids that would overlap their neighbour's are left out.
	have = g.Render(th, 15, 5, -1, 9)
	want = []string{" irq     /s 1  ", ">LOC   1.5k - :", " TLB      5    "}
	if strings.Join(have, "\n") != strings.Join(want, "\n") {
		t.Errorf("Render(15, 5):\nhave\n%q\nwant\n%q", have, want)
	}
	// Only the rows asked for are drawn, under the heading.
	if have = g.Render(th, 40, 0, 1, 2); len(have) != 2 || !strings.HasPrefix(have[1], " TLB") {
		t.Errorf("Render rows 1-2: %q", have)
	}
}
