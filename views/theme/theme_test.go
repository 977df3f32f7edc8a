package theme

import (
	"io"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestColorProfiles checks that without colour the bar segments differ by letter, and with
// colour each segment has its own colour.
func TestColorProfiles(t *testing.T) {
	t.Parallel()
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(p)
		th := New(r)
		if want, have := p != termenv.Ascii, th.Color; want != have {
			t.Errorf("profile %v: Color %v, want %v", p, have, want)
		}
		glyphs, looks := map[rune]bool{}, map[string]bool{}
		for i := range NSeg {
			glyphs[th.SegGlyph[i]] = true
			looks[th.Seg[i].Render(string(th.SegGlyph[i]))] = true
		}
		if want, have := int(NSeg), len(looks); want != have {
			t.Errorf("profile %v: %d distinct segment renderings, want %d", p, have, want)
		}
		if !th.Color && len(glyphs) != int(NSeg) {
			t.Errorf("no colour: %d distinct letters, want %d", len(glyphs), NSeg)
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
