package views

import (
	"bytes"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources/derive"
)

// Lines is a block's lines (or a Flow's items) written into one buffer that its owner keeps
// from frame to frame: a tile drawn every sample then makes one string, its block, instead of
// one for every run, value, item and line on the way (each allocation costs about a
// microsecond of CPU at one frame a second: docs/perf.md). Nothing outside the owner may keep
// a Line: the next frame writes over it.
type Lines struct {
	// B is the buffer: the lines ended so far, then the one being written.
	B    []byte
	ends []int
}

// Reset empties l for a new block, keeping its memory.
func (l *Lines) Reset() {
	l.B, l.ends = l.B[:0], l.ends[:0]
}

// End ends the line being written (an empty one if nothing was written since).
func (l *Lines) End() { l.ends = append(l.ends, len(l.B)) }

// Len is the number of lines ended.
func (l *Lines) Len() int { return len(l.ends) }

// Line is line i, valid until l is next written to.
func (l *Lines) Line(i int) []byte {
	start := 0
	if i > 0 {
		start = l.ends[i-1]
	}
	return l.B[start:l.ends[i]]
}

// Block is Block(the lines as strings, w, h), byte for byte, made as one string.
func (l *Lines) Block(w, h int) string {
	if h <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(l.blockSize(w, h))
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		line, pad := l.blockLine(i, w, h)
		b.Write(line)
		b.WriteString(pad)
	}
	return b.String()
}

// AppendBlock appends Block(w, h) to dst.
func (l *Lines) AppendBlock(dst []byte, w, h int) []byte {
	if h <= 0 {
		return dst
	}
	dst = slices.Grow(dst, l.blockSize(w, h))
	for i := range h {
		if i > 0 {
			dst = append(dst, '\n')
		}
		line, pad := l.blockLine(i, w, h)
		dst = append(append(dst, line...), pad...)
	}
	return dst
}

// blockSize is the length of Block(w, h), h > 0.
func (l *Lines) blockSize(w, h int) int {
	size := h - 1
	for i := range h {
		line, pad := l.blockLine(i, w, h)
		size += len(line) + len(pad)
	}
	return size
}

// blockLine is line i of Block(w, h): the line (cut to w when wider) and the blanks after it.
func (l *Lines) blockLine(i, w, h int) ([]byte, string) {
	if i >= min(l.Len(), h) {
		return nil, Blanks(w)
	}
	line := l.Line(i)
	lw := WidthBytes(line)
	if lw > w {
		return []byte(Fit(string(line), w)), ""
	}
	return line, Blanks(w - lw)
}

// FlowTo writes Flow(the items of l, w) to out, line by line, as Flow packs them: two spaces
// apart, an item that does not fit on the line starts the next, one wider than w is cut.
func (l *Lines) FlowTo(out *Lines, w int) {
	used := 0
	for i := range l.Len() {
		it := l.Line(i)
		iw := WidthBytes(it)
		if used > 0 && used+2+iw > w {
			out.End()
			used = 0
		}
		if used > 0 {
			out.B = append(out.B, "  "...)
			used += 2
		}
		if iw > w-used {
			cut := ansi.Truncate(string(it), max(w-used, 0), "…")
			out.B = append(out.B, cut...)
			used += Width(cut)
			continue
		}
		out.B = append(out.B, it...)
		used += iw
	}
	if used > 0 {
		out.End()
	}
}

// Str writes s, unstyled, to the line being written.
func (l *Lines) Str(s string) { l.B = append(l.B, s...) }

// Paint writes k.Paint(s) to the line being written.
func (l *Lines) Paint(k Ink, s string) { l.B = k.Append(l.B, s) }

// PaintBytes writes k.Paint(string(p)) of a p with no newline or tab.
func (l *Lines) PaintBytes(k Ink, p []byte) { l.B = k.AppendBytes(l.B, p) }

// PaintNum writes k.Paint(Num(v, prec)).
func (l *Lines) PaintNum(k Ink, v derive.Val, prec int) {
	var a [32]byte
	l.B = k.AppendBytes(l.B, AppendNum(a[:0], v, prec))
}

// PaintShort writes k.Paint(ShortVal(v)).
func (l *Lines) PaintShort(k Ink, v derive.Val) {
	var a [32]byte
	l.B = k.AppendBytes(l.B, AppendShortVal(a[:0], v))
}

// Item writes one "label value" item, the label in ink label and the value in ink val, and
// ends it:
// the summaries panels flow are made of them.
func (l *Lines) Item(label Ink, name string, val Ink, v string) {
	l.B = label.Append(l.B, name)
	l.B = append(l.B, ' ')
	l.B = val.Append(l.B, v)
	l.End()
}

// AppendFit makes dst[from:] exactly w cells wide as Fit does (cut with an ellipsis, or
// padded with blanks), and returns dst.
func AppendFit(dst []byte, from, w int) []byte {
	if w <= 0 {
		return dst[:from]
	}
	lw := WidthBytes(dst[from:])
	if lw > w {
		if n, ok := plainCut(dst[from:], w-1); ok {
			return append(dst[:from+n], "…"...) // what Fit's ansi.Truncate makes of such a line
		}
		return append(dst[:from], Fit(string(dst[from:]), w)...)
	}
	return append(dst, Blanks(w-lw)...)
}

// plainCut is the length of p's first n cells, when p is plain (printable ASCII and the
// one-cell runes Width knows, no escape sequences): such a line is cut rune by rune, with no
// string made of it. A long command line on the process tile is one.
func plainCut(p []byte, n int) (int, bool) {
	i := 0
	for cells := 0; i < len(p); cells++ {
		c := p[i]
		size := 1
		switch {
		case c >= 0x20 && c < 0x7f:
		case c >= 0x80:
			var r rune
			if r, size = decodeRune(p, i); !oneCell(r) {
				return 0, false
			}
		default:
			return 0, false
		}
		if cells == n {
			break
		}
		i += size
	}
	// The rest of the line must be plain too, or Truncate could treat it otherwise.
	if WidthBytes(p) != utf8.RuneCount(p) || bytes.IndexByte(p, 0x1b) >= 0 {
		return 0, false
	}
	return i, true
}
