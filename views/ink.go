package views

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
)

// Ink is a lipgloss style reduced to the escape sequences it puts around a text, for drawings
// that style many short runs (charts, heat maps, bars): lipgloss's Render works the style out
// anew on every call, which at 200×50 cost more than the drawing itself.
type Ink struct {
	pre, suf string
	// st is the style, by pointer: an Ink is passed and copied by value on every run drawn,
	// and a lipgloss.Style is some 600 bytes.
	st   *lipgloss.Style
	slow bool // the style does more than wrap the text (padding, width, spaces styled apart)
}

// NewInk measures st once. A style that does more than wrap its text in escape sequences is
// kept as it is, and Paint then calls lipgloss.
func NewInk(style lipgloss.Style) Ink {
	st := &style
	const probe = "x"
	out := st.Render(probe)
	i := strings.Index(out, probe)
	if i < 0 {
		return Ink{st: st, slow: true}
	}
	k := Ink{pre: out[:i], suf: out[i+len(probe):], st: st}
	// A second text, with a space, a rune wider than a byte and a wide rune, must come out
	// wrapped the same way, or the style is one that changes its text.
	const check = "a b·▲"
	if st.Render(check) != k.pre+check+k.suf {
		return Ink{st: st, slow: true}
	}
	return k
}

// render is lipgloss's Render of the style; the zero Ink is the zero style.
func (k Ink) render(s string) string {
	if k.st == nil {
		return lipgloss.Style{}.Render(s)
	}
	return k.st.Render(s)
}

// wraps reports whether s is drawn as the style's escapes around it: lipgloss draws an empty
// text as the bare escape sequences, turns tabs into spaces and styles each line apart, so
// those texts, and every text of a slow style, go to it.
func (k Ink) wraps(s string) bool {
	return !k.slow && s != "" && !strings.ContainsAny(s, "\n\t")
}

// Paint is st.Render(s) byte for byte, whatever s is.
func (k Ink) Paint(s string) string {
	if !k.wraps(s) {
		return k.render(s)
	}
	if k.pre == "" {
		return s
	}
	return k.pre + s + k.suf
}

// PaintTo writes k.Paint(s) to b.
func (k Ink) PaintTo(b *strings.Builder, s string) {
	if !k.wraps(s) {
		b.WriteString(k.render(s))
		return
	}
	b.WriteString(k.pre)
	b.WriteString(s)
	b.WriteString(k.suf)
}

// RepeatTo writes k.Paint(strings.Repeat(string(r), n)) to b, n ≥ 0, without making the run
// first: bars and heat cells are runs of one glyph.
func (k Ink) RepeatTo(b *strings.Builder, r rune, n int) {
	if n == 0 || k.slow || r == '\n' || r == '\t' {
		b.WriteString(k.render(strings.Repeat(string(r), n)))
		return
	}
	b.WriteString(k.pre)
	for range n {
		b.WriteRune(r)
	}
	b.WriteString(k.suf)
}

// WriteBytes adds st.Render(string(p)) of a one-line p that holds no tab to b, without making
// a string of it first (an empty p adds nothing: the chart runs it writes are never empty).
func (k Ink) WriteBytes(b *strings.Builder, p []byte) {
	if k.slow {
		b.WriteString(k.render(string(p)))
		return
	}
	if len(p) == 0 {
		return
	}
	b.WriteString(k.pre)
	b.Write(p)
	b.WriteString(k.suf)
}

// Plain reports whether the ink draws blanks the same as no style at all: no background, no
// reverse video and nothing else that a blank would show. Runs of such inks can absorb blanks.
func (k Ink) Plain() bool {
	if k.slow {
		return false
	}
	var st lipgloss.Style
	if k.st != nil {
		st = *k.st
	}
	_, noBG := st.GetBackground().(lipgloss.NoColor)
	return noBG && !st.GetReverse() && !st.GetUnderline() && !st.GetStrikethrough()
}

// Append appends k.Paint(s) to dst: lines built in a buffer kept between frames style their
// runs without a string for each.
func (k Ink) Append(dst []byte, s string) []byte {
	if !k.wraps(s) {
		return append(dst, k.render(s)...)
	}
	dst = append(dst, k.pre...)
	dst = append(dst, s...)
	return append(dst, k.suf...)
}

// AppendBytes appends k.Paint(string(p)) to dst for a p that holds no newline or tab (a
// number formatted in place); an empty p is drawn as Paint draws "".
func (k Ink) AppendBytes(dst []byte, p []byte) []byte {
	if k.slow || len(p) == 0 {
		return append(dst, k.render(string(p))...)
	}
	dst = append(dst, k.pre...)
	dst = append(dst, p...)
	return append(dst, k.suf...)
}

// AppendRepeat appends what RepeatTo writes: k.Paint of n ≥ 0 runes r.
func (k Ink) AppendRepeat(dst []byte, r rune, n int) []byte {
	if n == 0 || k.slow || r == '\n' || r == '\t' {
		return append(dst, k.render(strings.Repeat(string(r), n))...)
	}
	dst = append(dst, k.pre...)
	for range n {
		dst = utf8.AppendRune(dst, r)
	}
	return append(dst, k.suf...)
}
