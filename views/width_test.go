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

// TestDecodeRune: the in-line decoding is utf8.DecodeRuneInString's for every rune it takes
// (and their sequences cut short or broken), at the end of a text and before more.
func TestDecodeRune(t *testing.T) {
	t.Parallel()
	var texts []string
	for _, rg := range [][2]rune{{0x80, 0x100}, {0x2000, 0x3000}} {
		for r := rg[0]; r < rg[1]; r++ {
			s := string(r)
			for n := 1; n <= len(s); n++ {
				texts = append(texts, s[:n], s[:n]+"a", s[:n]+"\xff")
			}
		}
	}
	texts = append(texts, "\xe2\x80\xc0", "\xe2\xc0\x80", "\xc2\xc0", "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80")
	for _, s := range texts {
		wr, wn := utf8.DecodeRuneInString(s)
		if hr, hn := decodeRune(s, 0); hr != wr || hn != wn {
			t.Errorf("decodeRune(%q) = %U, %d; want %U, %d", s, hr, hn, wr, wn)
		}
	}
}
