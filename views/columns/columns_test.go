package columns

import (
	"io"
	"slices"
	"testing"

	"github.com/charmbracelet/lipgloss"
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

func TestFit(t *testing.T) {
	t.Parallel()
	cols := []Column{
		{Head: "Device", Width: 8, Left: true},
		{Head: "r/s", Width: 6},
		{Head: "rrqm/s", Width: 6, Prio: 2},
		{Head: "r_await", Width: 7, Prio: 1},
		{Head: "wrqm/s", Width: 6, Prio: 2},
		{Head: "%util", Width: 6},
	}
	// 8+6+6+7+6+6 = 39 cells and 5 gaps.
	tests := []struct {
		w    int
		want []int
	}{
		{44, []int{0, 1, 2, 3, 4, 5}},
		{43, []int{0, 1, 2, 3, 5}}, // the rightmost of the two prio-2 columns goes first
		{37, []int{0, 1, 2, 3, 5}},
		{36, []int{0, 1, 3, 5}},
		{30, []int{0, 1, 3, 5}},
		{29, []int{0, 1, 5}},
		{5, []int{0, 1, 5}}, // prio 0 columns stay; the caller's Fit cuts the line
	}
	for _, tc := range tests {
		if have := Fit(cols, tc.w); !slices.Equal(have, tc.want) {
			t.Errorf("Fit(%d) = %v, want %v", tc.w, have, tc.want)
		}
	}
}

func TestLine(t *testing.T) {
	t.Parallel()
	th := asciiTheme()
	cols := []Column{{Head: "Dev", Width: 5, Left: true}, {Head: "r/s", Width: 5}, {Head: "%util", Width: 3}}
	pick := []int{0, 1, 2}
	if want, have := "Dev     r/s %util", Header(cols, pick, th.Ink.Label); want != have {
		t.Errorf("header %q, want %q", have, want)
	}
	cells := []Cell{{Text: "nvme0n1p12"}, {Text: "1.2k"}, {Text: "100.0"}}
	if want, have := "nvme…  1.2k 100.0", Line(cols, pick, cells); want != have {
		t.Errorf("line %q, want %q", have, want)
	}
	if want, have := "Dev   %util", Line(cols, []int{0, 2}, []Cell{{Text: "Dev"}, {}, {Text: "%util"}}); want != have {
		t.Errorf("picked line %q, want %q", have, want)
	}
}

func TestLevel(t *testing.T) {
	t.Parallel()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	th := theme.New(r)
	// The levels are told apart by what they draw, in colour.
	name := func(s views.Ink) string {
		switch s.Paint("x") {
		case th.Bad.Render("x"):
			return "bad"
		case th.Warn.Render("x"):
			return "warn"
		case th.Value.Render("x"):
			return "plain"
		}
		return "other"
	}
	tests := []struct {
		v         derive.Val
		warn, bad float64
		want      string
	}{
		{derive.Some(79.9), 80, 95, "plain"},
		{derive.Some(80), 80, 95, "warn"},
		{derive.Some(95), 80, 95, "bad"},
		{derive.None, 80, 95, "plain"},
		{derive.Some(0), -1, 0, "plain"},
		{derive.Some(0.3), -1, 0, "warn"},
		{derive.Some(1e9), 0, 0, "plain"},
	}
	for _, tc := range tests {
		if have := name(Level(th, tc.v, tc.warn, tc.bad)); have != tc.want {
			t.Errorf("Level(%v, %v, %v) = %s, want %s", tc.v, tc.warn, tc.bad, have, tc.want)
		}
	}
	if c := Rate(th, derive.None, 0, 0); c.Text != "—" {
		t.Errorf("missing rate %q, want —", c.Text)
	}
}

func TestBeside(t *testing.T) {
	t.Parallel()
	if want, have := "ab  x\ncd  y", Beside(2, "ab\ncd", "x\ny"); want != have {
		t.Errorf("Beside = %q, want %q", have, want)
	}
}

func TestPairs(t *testing.T) {
	t.Parallel()
	th := asciiTheme()
	pairs := []Pair{
		{"active/s", Cell{Text: "1.2k"}}, {"passive/s", Cell{Text: "3"}}, {"estab", Cell{Text: "42"}},
	}
	if want, have := []string{"TCP   active/s 1.2k  passive/s 3  estab 42"}, Pairs(th, "TCP", 5, pairs, 80); !slices.Equal(want, have) {
		t.Errorf("one line: %q, want %q", have, want)
	}
	want := []string{"TCP   active/s 1.2k  passive/s 3", "      estab 42"}
	if have := Pairs(th, "TCP", 5, pairs, 33); !slices.Equal(want, have) {
		t.Errorf("wrapped: %q, want %q", have, want)
	}
}
