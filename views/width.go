package views

import (
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Width is ansi.StringWidth(s), exactly, without its grapheme segmentation for the lines
// panels draw: printable ASCII, SGR escape sequences (what styles draw) and runes of one cell
// that never join a neighbour into a grapheme cluster (box drawing, blocks, braille, arrows,
// dashes, Latin-1). Any other byte sends the whole string to ansi.StringWidth. Every line on
// screen is measured at least once a sample (Fit, Block), and segmenting graphemes was most of
// the cost of that.
func Width(s string) int { return width(s) }

// WidthBytes is Width of string(p), without making the string.
func WidthBytes(p []byte) int { return width(p) }

func width[T ~string | ~[]byte](s T) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			n++
			i++
		case c == 0x1b && i+1 < len(s) && s[i+1] == '[':
			j := i + 2
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';') {
				j++
			}
			if j == len(s) || s[j] != 'm' {
				return ansi.StringWidth(string(s))
			}
			i = j + 1
		case c >= 0x80:
			r, size := decodeRune(s, i)
			if !oneCell(r) {
				return ansi.StringWidth(string(s))
			}
			n++
			i += size
		default:
			return ansi.StringWidth(string(s))
		}
	}
	return n
}

// decodeRune is utf8.DecodeRuneInString(s[i:]), decoding in line the two sequences the screen
// is made of: U+2000–U+2FFF (bars, box drawing, braille: lead byte E2) and Latin-1 (C2, C3).
func decodeRune[T ~string | ~[]byte](s T, i int) (rune, int) {
	switch c := s[i]; {
	case c == 0xe2 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80:
		return rune(c&0x0f)<<12 | rune(s[i+1]&0x3f)<<6 | rune(s[i+2]&0x3f), 3
	case (c == 0xc2 || c == 0xc3) && i+1 < len(s) && s[i+1]&0xc0 == 0x80:
		return rune(c&0x1f)<<6 | rune(s[i+1]&0x3f), 2
	}
	// At most one rune's bytes, so that a []byte's conversion needs no allocation.
	return utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
}

// The runes oneCell knows: Latin-1's printable half and U+2000–U+2BFF (punctuation, arrows,
// box drawing, blocks, braille, shapes).
const (
	latinLo, latinHi   = 0xa0, 0x100
	symbolLo, symbolHi = 0x2000, 0x2c00
)

var (
	oneCellOnce sync.Once
	oneCellSet  [(latinHi - latinLo + symbolHi - symbolLo + 63) / 64]uint64
)

// oneCell reports whether r is one cell wide and a grapheme cluster of its own next to
// anything oneCell or ASCII: so a run of them is as wide as it has runes. The set is worked
// out from ansi itself, once.
func oneCell(r rune) bool {
	var i int
	switch {
	case r >= latinLo && r < latinHi:
		i = int(r - latinLo)
	case r >= symbolLo && r < symbolHi:
		i = int(r-symbolLo) + latinHi - latinLo
	default:
		return false
	}
	oneCellOnce.Do(fillOneCell)
	return oneCellSet[i/64]&(1<<(i%64)) != 0
}

func fillOneCell() {
	add := func(i int, r rune) {
		s := string(r)
		// One cell; not joined to an ASCII letter before it (Extend, SpacingMark, ZWJ) nor
		// after it (Prepend), nor to itself (regional indicators, Hangul jamo).
		if ansi.StringWidth(s) != 1 || ansi.StringWidth("a"+s+"a") != 3 {
			return
		}
		for _, pair := range []string{s + "a", s + s} {
			if c, _ := ansi.FirstGraphemeCluster(pair, ansi.GraphemeWidth); c != s {
				return
			}
		}
		if c, _ := ansi.FirstGraphemeCluster("a"+s, ansi.GraphemeWidth); c != "a" {
			return
		}
		oneCellSet[i/64] |= 1 << (i % 64)
	}
	for r := rune(latinLo); r < latinHi; r++ {
		add(int(r-latinLo), r)
	}
	for r := rune(symbolLo); r < symbolHi; r++ {
		add(int(r-symbolLo)+latinHi-latinLo, r)
	}
}
