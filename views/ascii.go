package views

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// A terminal whose locale is not UTF-8 (LANG=C, a serial console, an old xterm in Latin-1)
// shows ktop's bars, braille charts, box drawing and arrows as mojibake, and each of them as
// two or three cells, which breaks every line's width. cmd/ktop decides once at start from the
// locale whether the screen must be ASCII; if so, every frame goes through ASCII on its way to
// the terminal. One pass over the finished frame, rather than a glyph switch in each view,
// also covers the root's help and status lines and text ktop does not write itself (process
// names, kernel log lines), and a glyph added later cannot slip past it.

// asciiGlyph is the designed ASCII stand-in for each non-ASCII character ktop draws: one
// character for one, so the frame keeps its layout. Braille (the charts) is handled apart.
var asciiGlyph = map[rune]byte{
	// box drawing: chart axes, the cursor's rule and tick, column rules
	'│': '|', '─': '-', '└': '+', '├': '+', '┴': '+', '┼': '+', '┌': '+', '┐': '+', '┘': '+', '┤': '+', '┬': '+',
	// bars, tracks and markers
	'█': '#', '░': '.', '▲': '^', '▼': 'v', '▸': '>', '·': '.', '•': '*', '↕': '|',
	// arrows in key help and sort marks
	'↑': '^', '↓': 'v', '←': '<', '→': '>',
	// punctuation and symbols in text and definitions
	'—': '-', '–': '-', '−': '-', '…': '~', '×': '*', 'Δ': 'd', 'Σ': 'S', '≥': '>', '≤': '<',
	'≈': '~', '±': '~', 'µ': 'u', '§': '#', '⁶': '6', '⁹': '9',
}

// asciiPhrase are stand-ins for sequences that read better whole than character by character,
// each as wide as what it replaces.
var asciiPhrase = strings.NewReplacer("10⁶", "1e6", "10⁹", "1e9")

// phrases replaces the phrases of asciiPhrase in s; most frames have none.
func phrases(s string) string {
	if !strings.ContainsAny(s, "⁶⁹") {
		return s
	}
	return asciiPhrase.Replace(s)
}

// ASCII rewrites s, which may hold ANSI escape sequences, with ASCII characters only, keeping
// every line's width: the characters of asciiGlyph become their stand-ins, a braille cell the
// ASCII character nearest its dots, and anything else (a user's process name in another
// script, an emoji) one '?' for each cell it took. Escape sequences are ASCII and pass as
// they are.
func ASCII(s string) string {
	i := nonASCII(s)
	if i < 0 {
		return s
	}
	s = phrases(s)
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	rest := s[i:]
	for rest != "" {
		if rest[0] < utf8.RuneSelf {
			j := nonASCII(rest)
			if j < 0 {
				j = len(rest)
			}
			b.WriteString(rest[:j])
			rest = rest[j:]
			continue
		}
		c, n, w := glyphAt(rest)
		rest = rest[n:]
		if c != 0 {
			b.WriteByte(c)
			continue
		}
		for range w {
			b.WriteByte('?')
		}
	}
	return b.String()
}

// Unmapped lists the characters (grapheme clusters) of s that ASCII has no stand-in for and
// writes as '?': for tests that every glyph ktop draws has one.
func Unmapped(s string) []string {
	var out []string
	s = phrases(s)
	for i := nonASCII(s); i >= 0; i = nonASCII(s) {
		s = s[i:]
		c, n, _ := glyphAt(s)
		if c == 0 {
			out = append(out, s[:n])
		}
		s = s[n:]
	}
	return out
}

// nonASCII is the index of the first byte of s that is not ASCII, or -1.
func nonASCII(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

// glyphAt reads the character at the start of s (which starts with a non-ASCII byte): its
// stand-in (0 when it has none), its length in bytes and its width in cells. A known glyph
// alone (followed by ASCII or by another known glyph, which is how ktop draws them) is read
// without grapheme segmentation, which costs more than the rest of the pass; anything else is
// read a whole grapheme cluster at a time, so that a combining accent or an emoji sequence
// becomes one stand-in as wide as the terminal draws it.
func glyphAt(s string) (c byte, n, w int) {
	r, size := utf8.DecodeRuneInString(s)
	if c := standIn(r); c != 0 {
		if next := s[size:]; next == "" || next[0] < utf8.RuneSelf {
			return c, size, 1
		} else if r2, _ := utf8.DecodeRuneInString(next); standIn(r2) != 0 {
			return c, size, 1
		}
	}
	cluster, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
	if cluster == "" { // invalid UTF-8: one byte
		return '?', 1, 1
	}
	if len(cluster) == size {
		if c := standIn(r); c != 0 {
			return c, size, 1
		}
	}
	return 0, len(cluster), w
}

// Tables for the blocks that make up most of a frame's non-ASCII characters (braille, box
// drawing and block elements), so that they cost no map lookup.
var (
	brailleTable [256]byte
	boxTable     [0x25a0 - 0x2500]byte
)

func init() {
	for i := range brailleTable {
		brailleTable[i] = brailleASCII(uint8(i))
	}
	for r, c := range asciiGlyph {
		if r >= 0x2500 && r < 0x25a0 {
			boxTable[r-0x2500] = c
		}
	}
}

// standIn is r's ASCII stand-in, or 0.
func standIn(r rune) byte {
	switch {
	case r >= 0x2800 && r <= 0x28ff:
		return brailleTable[r-0x2800]
	case r >= 0x2500 && r < 0x25a0:
		return boxTable[r-0x2500]
	}
	return asciiGlyph[r]
}

// brailleASCII draws a braille cell (dots numbered as Unicode does: bits 0-2 and 6 the left
// column top to bottom, 3-5 and 7 the right) as the ASCII character that sits where its dots
// are: ' at the top, - in the middle, . at the bottom, | for a line across the cell.
func brailleASCII(dots uint8) byte {
	rowBits := [4]uint8{0x01 | 0x08, 0x02 | 0x10, 0x04 | 0x20, 0x40 | 0x80}
	top, bottom := -1, -1
	for row, bits := range rowBits {
		if dots&bits != 0 {
			if top < 0 {
				top = row
			}
			bottom = row
		}
	}
	switch {
	case top < 0:
		return ' '
	case bottom-top >= 2:
		return '|'
	case top+bottom < 2: // rows 0 and 1
		return '\''
	case top+bottom <= 4: // rows 1 and 2
		return '-'
	}
	return '.'
}
