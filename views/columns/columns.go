package columns

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

// Column is one column of a table.
type Column struct {
	Head  string // as sysstat prints it: "r_await", "%util"
	Width int    // cells; Fit widens it to the head if narrower
	Left  bool   // text columns (names) are left-aligned, numbers right-aligned
	// Prio says what goes first when the width is short: 0 stays, and of the others the
	// highest number (then the rightmost) is dropped first.
	Prio int
}

// Cell is one value as shown: its text and its style (one of the theme's, as an Ink: tables
// style every cell of every sample).
type Cell struct {
	Text  string
	Style views.Ink
}

// Fit returns the indexes, in table order, of the columns that fit in w cells with a blank
// between neighbours, dropping by priority.
func Fit(cols []Column, w int) []int { return FitTo(nil, cols, w) }

// FitTo is Fit written into pick's memory (a table drawn every sample keeps it).
func FitTo(pick []int, cols []Column, w int) []int {
	var keepA [16]bool // tables have fewer columns: no allocation
	keep := keepA[:0]
	total := -1
	for _, c := range cols {
		keep = append(keep, true)
		total += width(c) + 1
	}
	for total > w {
		drop := -1
		for i := len(cols) - 1; i >= 0; i-- {
			if keep[i] && cols[i].Prio > 0 && (drop < 0 || cols[i].Prio > cols[drop].Prio) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		keep[drop] = false
		total -= width(cols[drop]) + 1
	}
	pick = pick[:0]
	for i, k := range keep {
		if k {
			pick = append(pick, i)
		}
	}
	return pick
}

func width(c Column) int { return max(c.Width, views.Width(c.Head)) }

// Header renders the heads of the picked columns in style.
func Header(cols []Column, pick []int, style views.Ink) string {
	return string(AppendHeader(make([]byte, 0, lineCap(cols, pick)), cols, pick, style))
}

// lineCap is room for a line of the picked columns with a style's escapes around each cell.
func lineCap(cols []Column, pick []int) int {
	n := 0
	for _, i := range pick {
		n += width(cols[i]) + 1 + 24
	}
	return n
}

// AppendHeader appends Header(cols, pick, style) to dst.
func AppendHeader(dst []byte, cols []Column, pick []int, style views.Ink) []byte {
	for k, i := range pick {
		if k > 0 {
			dst = append(dst, ' ')
		}
		dst = appendCell(dst, cols[i], Cell{Text: cols[i].Head, Style: style})
	}
	return dst
}

// Line renders the picked cells, each padded to its column's width (cut with "…" if longer),
// styling only the text so that padding never carries colour.
func Line(cols []Column, pick []int, cells []Cell) string {
	return string(AppendLine(make([]byte, 0, lineCap(cols, pick)), cols, pick, cells))
}

// AppendLine appends Line(cols, pick, cells) to dst.
func AppendLine(dst []byte, cols []Column, pick []int, cells []Cell) []byte {
	for k, i := range pick {
		if k > 0 {
			dst = append(dst, ' ')
		}
		c := Cell{}
		if i < len(cells) {
			c = cells[i]
		}
		dst = appendCell(dst, cols[i], c)
	}
	return dst
}

// appendCell appends c padded to col's width (cut with "…" if longer), the padding unstyled.
func appendCell(dst []byte, col Column, c Cell) []byte {
	w := width(col)
	text := c.Text
	tw := views.Width(text)
	if tw > w {
		text = ansi.Truncate(text, w, "…")
		tw = views.Width(text)
	}
	pad := views.Blanks(w - tw)
	if col.Left {
		dst = c.Style.Append(dst, text)
		return append(dst, pad...)
	}
	dst = append(dst, pad...)
	return c.Style.Append(dst, text)
}

// Level is the style a value reads with: Bad at or above bad, Warn at or above warn, else
// Value. A threshold of 0 is not used (pass -1 to warn on anything above 0, since any
// retransmit or drop is worth a look). Missing values are plain.
func Level(th *theme.Theme, v derive.Val, warn, bad float64) views.Ink {
	switch {
	case !v.OK:
		return th.Ink.Value
	case bad != 0 && v.V >= bad:
		return th.Ink.Bad
	case warn > 0 && v.V >= warn, warn < 0 && v.V > 0:
		return th.Ink.Warn
	}
	return th.Ink.Value
}

// Rate is a compact rate cell (views.Short), styled by Level.
func Rate(th *theme.Theme, v derive.Val, warn, bad float64) Cell {
	return Cell{Text: views.ShortVal(v), Style: Level(th, v, warn, bad)}
}

// Fixed is a cell with prec decimals, styled by Level.
func Fixed(th *theme.Theme, v derive.Val, prec int, warn, bad float64) Cell {
	return Cell{Text: views.Num(v, prec), Style: Level(th, v, warn, bad)}
}

// Beside joins blocks of equal height side by side with gap blanks between them (charts of
// two quantities next to each other).
func Beside(gap int, blocks ...string) string {
	split := make([][]string, len(blocks))
	n := 0
	for i, b := range blocks {
		split[i] = strings.Split(b, "\n")
		n = max(n, len(split[i]))
	}
	sp := strings.Repeat(" ", gap)
	lines := make([]string, n)
	for y := range n {
		var b strings.Builder
		for i, s := range split {
			if i > 0 {
				b.WriteString(sp)
			}
			if y < len(s) {
				b.WriteString(s[y])
			}
		}
		lines[y] = b.String()
	}
	return strings.Join(lines, "\n")
}

// Pair is one named figure of a line of figures ("retrans/s 0").
type Pair struct {
	Name string
	Cell Cell
}

// Pairs lays figures out after a label of labelW cells, two blanks apart, wrapping to further
// lines (indented under the first figure) where w runs out, so that every figure is shown
// at any width rather than cut.
func Pairs(th *theme.Theme, label string, labelW int, pairs []Pair, w int) []string {
	var lines []string
	var b strings.Builder
	lw := views.Width(label)
	th.Ink.Title.PaintTo(&b, label)
	b.WriteString(views.Blanks(labelW - lw))
	used := max(labelW, lw)
	indent := views.Blanks(used)
	first := true
	for _, p := range pairs {
		iw := views.Width(p.Name) + 1 + views.Width(p.Cell.Text)
		gap := 2
		if first {
			gap = 1
		}
		if !first && used+gap+iw > w {
			lines = append(lines, b.String())
			b.Reset()
			b.WriteString(indent)
			used, gap = len(indent), 1
		}
		b.WriteString(views.Blanks(gap))
		th.Ink.Label.PaintTo(&b, p.Name)
		b.WriteByte(' ')
		p.Cell.Style.PaintTo(&b, p.Cell.Text)
		used += gap + iw
		first = false
	}
	return append(lines, b.String())
}
