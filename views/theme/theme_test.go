package theme

import (
	"io"
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func renderer(p termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	return r
}

var profiles = []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor}

// TestColorProfiles checks that without colour the bar segments differ by letter, and with
// colour each segment has its own colour, in both variants.
func TestColorProfiles(t *testing.T) {
	t.Parallel()
	for _, v := range []Variant{Dark, Light} {
		for _, p := range profiles {
			th := NewVariant(renderer(p), v)
			if want, have := p != termenv.Ascii, th.Color; want != have {
				t.Errorf("%v profile %v: Color %v, want %v", v, p, have, want)
			}
			glyphs, looks := map[rune]bool{}, map[string]bool{}
			for i := range NSeg {
				glyphs[th.SegGlyph[i]] = true
				looks[th.Seg[i].Render(string(th.SegGlyph[i]))] = true
			}
			if want, have := int(NSeg), len(looks); want != have {
				t.Errorf("%v profile %v: %d distinct segment renderings, want %d", v, p, have, want)
			}
			if !th.Color && len(glyphs) != int(NSeg) {
				t.Errorf("no colour: %d distinct letters, want %d", len(glyphs), NSeg)
			}
			// Warn and Bad must differ from plain text and from each other wherever colour exists.
			w, b, plain := th.Warn.Render("x"), th.Bad.Render("x"), th.Value.Render("x")
			if th.Color && (w == b || w == plain || b == plain) {
				t.Errorf("%v profile %v: warn %q, bad %q, plain %q not distinct", v, p, w, b, plain)
			}
		}
	}
}

// TestVariantsDiffer checks that light and dark pick other shades where the profile has exact
// colours, and that the 16-colour entries (the terminal's palette) are the same.
func TestVariantsDiffer(t *testing.T) {
	t.Parallel()
	for _, p := range profiles {
		d, l := NewVariant(renderer(p), Dark), NewVariant(renderer(p), Light)
		same := d.Warn.Render("x") == l.Warn.Render("x")
		if want := p != termenv.ANSI256 && p != termenv.TrueColor; want != same {
			t.Errorf("profile %v: dark and light warn equal %v, want %v", p, same, want)
		}
	}
	if want, have := Dark, New(renderer(termenv.ANSI)).Variant; want != have {
		t.Errorf("New: variant %v, want %v", have, want)
	}
	// The true-colour escape is the palette's own shade, not a degraded one.
	if v := NewVariant(renderer(termenv.TrueColor), Light).Bad.Render("x"); !strings.Contains(v, "38;2;215;0;0") {
		t.Errorf("light bad in true colour is %q, want #d70000", v)
	}
	if v := NewVariant(renderer(termenv.ANSI256), Dark).Bad.Render("x"); !strings.Contains(v, "38;5;203") {
		t.Errorf("dark bad in 256 colours is %q, want 203", v)
	}
}

func TestParseVariant(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Variant
		bad  bool
	}{{"dark", Dark, false}, {"light", Light, false}, {"auto", Dark, true}, {"Dark", Dark, true}, {"", Dark, true}} {
		have, err := ParseVariant(tc.in)
		if (err != nil) != tc.bad || (!tc.bad && have != tc.want) {
			t.Errorf("ParseVariant(%q) = %v, %v; want %v, error %v", tc.in, have, err, tc.want, tc.bad)
		}
		if !tc.bad && have.String() != tc.in {
			t.Errorf("%v.String() = %q, want %q", have, have.String(), tc.in)
		}
	}
}

func TestThreshold(t *testing.T) {
	t.Parallel()
	th := New(renderer(termenv.ANSI))
	const plain, warn, bad = "plain", "warn", "bad"
	level := func(s lipgloss.Style) string {
		switch s.Render("x") {
		case th.Bad.Render("x"):
			return bad
		case th.Warn.Render("x"):
			return warn
		case th.Value.Render("x"):
			return plain
		}
		return "?"
	}
	tests := []struct {
		v, warn, bad float64
		want         string
	}{
		{50, 80, 95, plain},
		{80, 80, 95, plain}, // strictly beyond
		{80.1, 80, 95, warn},
		{95.5, 80, 95, bad},
		{0, 0, 10, plain}, // no retransmits: quiet
		{0.1, 0, 10, warn},
		{11, 10, 25, warn}, // PSI some avg10
		{30, 10, 25, bad},
		{20, 10, 5, plain}, // lower is worse: 20 % available
		{8, 10, 5, warn},
		{2, 10, 5, bad},
		{math.NaN(), 10, 20, plain},
		{math.Inf(1), 10, 20, bad},
	}
	for _, tc := range tests {
		if have := level(th.Threshold(tc.v, tc.warn, tc.bad)); have != tc.want {
			t.Errorf("Threshold(%v, %v, %v) = %s, want %s", tc.v, tc.warn, tc.bad, have, tc.want)
		}
	}
}

// TestHeatShades checks that every heat shade looks different: by glyph without colour, by
// background with 256 colours or more.
func TestHeatShades(t *testing.T) {
	t.Parallel()
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.ANSI256, termenv.TrueColor} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(p)
		th := New(r)
		looks := map[string]bool{}
		for i := range NHeat {
			looks[th.Heat[i].Render(string(th.HeatGlyph[i]))] = true
		}
		if want, have := NHeat, len(looks); want != have {
			t.Errorf("profile %v: %d distinct heat shades, want %d", p, have, want)
		}
	}
}
