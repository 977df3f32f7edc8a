package views

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestInkMatchesRender: an Ink draws exactly what lipgloss would, in every colour profile, for
// the kinds of style the screen uses; a style that styles spaces apart (underline) falls back
// to lipgloss.
func TestInkMatchesRender(t *testing.T) {
	t.Parallel()
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(p)
		for _, tc := range []struct {
			name string
			st   lipgloss.Style
			fast bool
		}{
			{"none", r.NewStyle(), true},
			{"fg", r.NewStyle().Foreground(lipgloss.CompleteColor{TrueColor: "#5fafd7", ANSI256: "74", ANSI: "6"}), true},
			{"bold reverse", r.NewStyle().Foreground(lipgloss.Color("3")).Bold(true).Reverse(true), true},
			{"background", r.NewStyle().Background(lipgloss.Color("236")).Foreground(lipgloss.Color("15")), true},
			// Padding on one line is text around the escapes, which the probe measures too.
			{"padded", r.NewStyle().Foreground(lipgloss.Color("2")).PaddingLeft(1), true},
			{"underlined", r.NewStyle().Underline(true), false},
		} {
			k := NewInk(tc.st)
			// Without colour every style is plain text.
			if want, have := tc.fast || p == termenv.Ascii, !k.slow; want != have {
				t.Errorf("%v %s: fast %v, want %v", p, tc.name, have, want)
			}
			for _, s := range []string{"x", "  ⣀⡠ ", "a b", "09:58:31", "│"} {
				var b, bb strings.Builder
				k.PaintTo(&b, s)
				k.WriteBytes(&bb, []byte(s))
				if want, have := tc.st.Render(s), k.Paint(s); want != have || b.String() != want || bb.String() != want {
					t.Errorf("%v %s: Paint(%q) = %q, PaintTo %q, WriteBytes %q; lipgloss %q", p, tc.name, s, have, b.String(), bb.String(), want)
				}
			}
		}
	}
}

// TestInkPaintMatchesRender: Paint (and RepeatTo, of runs of a rune) draws exactly what
// lipgloss would for any text, the empty one, tabs and several lines included, in every
// profile, fast styles and slow ones alike.
func TestInkPaintMatchesRender(t *testing.T) {
	t.Parallel()
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(p)
		for _, st := range []lipgloss.Style{
			r.NewStyle(),
			r.NewStyle().Foreground(lipgloss.CompleteColor{TrueColor: "#5fafd7", ANSI256: "74", ANSI: "6"}),
			r.NewStyle().Foreground(lipgloss.Color("3")).Bold(true).Reverse(true),
			r.NewStyle().Background(lipgloss.Color("236")).Foreground(lipgloss.Color("15")),
			r.NewStyle().Foreground(lipgloss.Color("2")).PaddingLeft(1),
			r.NewStyle().Underline(true),
			r.NewStyle().Bold(true).Width(6),
		} {
			k := NewInk(st)
			for _, s := range []string{"x", "a b", "█░·", "—", "", "a\tb", "two\nlines", "end\n", " "} {
				var b strings.Builder
				k.PaintTo(&b, s)
				if want, have := st.Render(s), k.Paint(s); want != have || b.String() != want {
					t.Errorf("%v %v: Paint(%q) = %q, PaintTo %q; lipgloss %q", p, st, s, have, b.String(), want)
				}
			}
			for _, r := range []rune{'█', 'x', ' ', '\t', '\n'} {
				for _, n := range []int{0, 1, 3} {
					var b strings.Builder
					k.RepeatTo(&b, r, n)
					if want, have := st.Render(strings.Repeat(string(r), n)), b.String(); want != have {
						t.Errorf("%v %v: RepeatTo(%q, %d) = %q; lipgloss %q", p, st, r, n, have, want)
					}
				}
			}
		}
	}
}

func TestInkPlain(t *testing.T) {
	t.Parallel()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	for _, tc := range []struct {
		st   lipgloss.Style
		want bool
	}{
		{r.NewStyle(), true},
		{r.NewStyle().Foreground(lipgloss.Color("74")).Bold(true), true},
		{r.NewStyle().Background(lipgloss.Color("236")), false},
		{r.NewStyle().Reverse(true), false},
	} {
		if have := NewInk(tc.st).Plain(); have != tc.want {
			t.Errorf("Plain(%v) = %v, want %v", tc.st, have, tc.want)
		}
	}
}

// TestZeroInk: the zero Ink (a table cell given no style) draws as the zero style does.
func TestZeroInk(t *testing.T) {
	t.Parallel()
	var k Ink
	for _, s := range []string{"", "x", "a\tb", "two\nlines"} {
		var b strings.Builder
		k.PaintTo(&b, s)
		if want, have := (lipgloss.Style{}).Render(s), k.Paint(s); want != have || b.String() != want {
			t.Errorf("zero Ink: Paint(%q) = %q, PaintTo %q; lipgloss %q", s, have, b.String(), want)
		}
	}
	if !k.Plain() {
		t.Error("zero Ink is not plain")
	}
}
