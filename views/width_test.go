package views

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// widthCases are texts whose width is measured both ways: what the screen draws, and what
// must go to ansi.StringWidth (combining marks, emoji and their joiners, wide runes, flags,
// escapes other than SGR, controls, broken UTF-8).
var widthCases = []string{
	"", "x", "CPU  usr 12.5%", "\x1b[38;5;245mlabel\x1b[0m value", "\x1b[1;38;2;95;215;95m█████\x1b[0m░░░",
	"⣀⡠⠔⠊⠁ │ ─ ▸ ↕ ▲ ▼ · — … ≥ × µ °", "e\u0301", "a\u200db", "👍🏽", "👨‍👩‍👧", "漢字", "🇩🇪", "1\ufe0f\u20e3",
	"☺\ufe0f", "\u0600a", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "\x1b[?25l", "\x1b[", "\x1b[12", "\x1bM",
	"a\tb", "a\nb", "\x7f", "\x80", "\xff\xfe", "\u00ad", "ᄀᄀ", "\u2028", "\u200b", "\u2066x\u2069",
	"\u0085", "⌚", "✅", "❤", "❤\ufe0f", "©", "®\ufe0f", "\x1b[0m", "\x1b[m", "\x1b[38:5:1m",
}

// TestWidthMatchesAnsi: Width is ansi.StringWidth for every case, and for every rune of the
// ranges it knows alone, between letters, doubled and before the runes that join.
func TestWidthMatchesAnsi(t *testing.T) {
	t.Parallel()
	check := func(s string) {
		t.Helper()
		if want, have := ansiWidth(s), Width(s); want != have {
			t.Errorf("Width(%q) = %d, ansi.StringWidth %d", s, have, want)
		}
	}
	for _, s := range widthCases {
		check(s)
	}
	for _, rg := range [][2]rune{{latinLo, latinHi}, {symbolLo, symbolHi}} {
		for r := rg[0]; r < rg[1]; r++ {
			s := string(r)
			for _, v := range []string{s, "a" + s + "b", s + s, s + "\u0301", s + "\ufe0f", s + "\u200d" + s, "\x1b[1m" + s + "\x1b[0m"} {
				check(v)
			}
		}
	}
}

// FuzzWidth: Width agrees with ansi.StringWidth on any text.
func FuzzWidth(f *testing.F) {
	for _, s := range widthCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if want, have := ansiWidth(s), Width(s); want != have {
			t.Errorf("Width(%q) = %d, ansi.StringWidth %d", s, have, want)
		}
	})
}

// BenchmarkWidth measures a styled 200-cell line of bars and text both ways.
func BenchmarkWidth(b *testing.B) {
	line := strings.Repeat("\x1b[38;5;77m████\x1b[0m\x1b[38;5;241m░░░░\x1b[0m cpu 12.5% ", 12)
	if !utf8.ValidString(line) {
		b.Fatal("bad line")
	}
	b.Run("views", func(b *testing.B) {
		for b.Loop() {
			_ = Width(line)
		}
	})
	b.Run("ansi", func(b *testing.B) {
		for b.Loop() {
			_ = ansiWidth(line)
		}
	})
}

func ansiWidth(s string) int { return ansi.StringWidth(s) }
