package views

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestASCII(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"100│  ⢀⡠⠔⠊⠉ ", "100|  ..-'' "},
		{"  0└──────┴", "  0+------+"},
		{"\x1b[38;5;74m⣀⣀⡇\x1b[0m ▲ segfault", "\x1b[38;5;74m..|\x1b[0m ^ segfault"},
		{"all ███░░░  42.5%", "all ###...  42.5%"},
		{"now —  ↕ lines 1-1 of 2  ↑↓ focus  e expand …", "now -  | lines 1-1 of 2  ^v focus  e expand ~"},
		{"(Δuser − Δguest) / Δtot × 100", "(duser - dguest) / dtot * 100"},
		{"ts_usec / 10⁶", "ts_usec / 1e6"},
		// Text ktop does not write: a wide name keeps its two cells, an accent goes with its
		// letter, an emoji sequence is one character.
		{"日本 café e\u0301 👍🏽|", "???? caf? e ??|"},
	} {
		have := ASCII(tc.in)
		if have != tc.want {
			t.Errorf("ASCII(%q) = %q, want %q", tc.in, have, tc.want)
		}
		if want, have := ansi.StringWidth(tc.in), ansi.StringWidth(have); want != have {
			t.Errorf("ASCII(%q) is %d cells, want %d", tc.in, have, want)
		}
		if i := nonASCII(have); i >= 0 {
			t.Errorf("ASCII(%q) = %q keeps a non-ASCII byte at %d", tc.in, have, i)
		}
	}
}

// TestBrailleASCII: each braille cell becomes the character whose ink sits where its dots do.
func TestBrailleASCII(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		r    rune
		want byte
	}{
		{'⠀', ' '}, {'⠁', '\''}, {'⠉', '\''}, {'⠃', '\''}, {'⠒', '-'}, {'⠆', '-'},
		{'⠤', '-'}, {'⣀', '.'}, {'⡄', '.'}, {'⡇', '|'}, {'⢸', '|'}, {'⠇', '|'}, {'⡁', '|'},
	} {
		if have := standIn(tc.r); have != tc.want {
			t.Errorf("%q (%#x) → %q, want %q", tc.r, tc.r-0x2800, have, tc.want)
		}
	}
}

func TestUnmapped(t *testing.T) {
	t.Parallel()
	if have := Unmapped("⣀│─ 10⁶ ok"); len(have) != 0 {
		t.Errorf("Unmapped of ktop's glyphs: %q", have)
	}
	if want, have := []string{"日", "é", "👍🏽"}, Unmapped("日 é 👍🏽"); !slices.Equal(want, have) {
		t.Errorf("Unmapped = %q, want %q", have, want)
	}
	if have := ASCII(strings.Repeat("x", 10)); have != strings.Repeat("x", 10) {
		t.Errorf("ASCII of ASCII changed it: %q", have)
	}
}
