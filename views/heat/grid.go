package heat

import (
	"strconv"
	"strings"

	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

const (
	// maxCell is the widest CPU column: a number and a gap. Wider cells would only spread the
	// grid out.
	maxCell = 7
	// totalW is the total column, a views.Short rate right-aligned.
	totalW = 6
	// maxLabel caps the row label so that long interrupt names leave room for CPUs; wide
	// screens allow an eighth of the width.
	maxLabel = 18
)

// Row is one line of the grid.
type Row struct {
	Label string
	Total derive.Val
	// Cells are aligned with Grid.CPUs; a shorter slice shows "—" for the rest, and nil means
	// the row has no per-CPU values at all (/proc/interrupts ERR, MIS), drawn blank.
	Cells []derive.Val
	Mark  bool // the selected row: drawn with a marker
	Pct   bool // percentages, shaded on the linear scale rather than the log one
}

// Grid is rows by CPU columns, shaded with the log scale.
type Grid struct {
	Head string // the label column's heading ("softirq", "irq")
	CPUs []int
	Rows []Row
}

// Layout is where a grid's columns go at a width.
type Layout struct {
	LabelW int // label column, marker included
	CellW  int // one CPU column, gap included when wider than one cell
	Cols   int // CPU columns that fit
}

// Layout fits the grid into w cells: every CPU when they fit in one cell each, else as many as
// fit (the panel scrolls across them).
func (g *Grid) Layout(w int) Layout {
	lw := len(g.Head)
	for _, r := range g.Rows {
		lw = max(lw, len(r.Label))
	}
	lw = min(lw, max(maxLabel, w/8)) + 1 // the marker
	avail := w - lw - 1 - totalW - 1
	n := len(g.CPUs)
	if avail <= 0 || n == 0 {
		return Layout{LabelW: lw, CellW: 1}
	}
	cw := min(max(avail/n, 1), maxCell)
	return Layout{LabelW: lw, CellW: cw, Cols: min(n, avail/cw)}
}

// Render draws the heading line and rows [from, to) (clamped), CPU columns from off on, each
// line exactly w cells wide. Only the rows and columns shown are drawn: a 1024-CPU machine has
// hundreds of interrupt rows.
func (g *Grid) Render(th *theme.Theme, w, off, from, to int) []string {
	l := g.Layout(w)
	off = min(max(off, 0), max(len(g.CPUs)-l.Cols, 0))
	end := off + l.Cols
	content := l.CellW
	if l.CellW > 1 {
		content-- // the gap
	}
	from, to = max(from, 0), min(to, len(g.Rows))
	lines := make([]string, 0, 1+max(to-from, 0))
	lines = append(lines, views.Fit(th.Ink.Label.Paint(views.Fit(" "+g.Head, l.LabelW)+" "+padLeft("/s", totalW)+" "+g.cpuIDs(off, end, l.CellW, content)), w))
	for i := from; i < to; i++ {
		r := &g.Rows[i]
		var b strings.Builder
		label := views.Fit(r.Label, l.LabelW-1)
		if r.Mark {
			b.WriteString(th.Ink.Title.Paint(">" + label))
		} else {
			b.WriteString(" " + th.Ink.Label.Paint(label))
		}
		b.WriteByte(' ')
		b.WriteString(th.Ink.Value.Paint(padLeft(views.ShortVal(r.Total), totalW)))
		b.WriteByte(' ')
		switch {
		case r.Cells == nil:
			b.WriteString(strings.Repeat(" ", (end-off)*l.CellW))
		case l.CellW == 1:
			r.strip(&b, th, off, end)
		default:
			for j := off; j < end; j++ {
				v := r.cell(j)
				b.WriteString(Cell(th, v, r.shade(v), content))
				b.WriteByte(' ')
			}
		}
		lines = append(lines, views.Fit(b.String(), w))
	}
	return lines
}

func (r *Row) cell(j int) derive.Val {
	if j < len(r.Cells) {
		return r.Cells[j]
	}
	return derive.None
}

func (r *Row) shade(v derive.Val) int {
	if r.Pct {
		return PctShade(v.Or(0))
	}
	return LogShade(v.Or(0))
}

// strip draws columns [off, end) one cell each, rendering each run of equal shades at once:
// one Render per cell made a 1024-CPU grid cost one call per CPU and row.
func (r *Row) strip(b *strings.Builder, th *theme.Theme, off, end int) {
	run, n := -2, 0 // shade of the open run (-1: missing), and its length
	flush := func() {
		switch {
		case n == 0:
		case run < 0:
			b.WriteString(th.Ink.Dim.Paint(strings.Repeat(views.Missing, n)))
		default:
			th.Ink.Heat[run].RepeatTo(b, th.HeatGlyph[run], n)
		}
	}
	for j := off; j < end; j++ {
		v := r.cell(j)
		s := -1
		if v.OK {
			s = r.shade(v)
		}
		if s != run {
			flush()
			run, n = s, 0
		}
		n++
	}
	flush()
}

// cpuIDs labels the CPU columns: each id right-aligned in its column when it fits, else
// placed from the column's left edge if the previous label left room.
func (g *Grid) cpuIDs(off, end, cw, content int) string {
	buf := []byte(strings.Repeat(" ", (end-off)*cw))
	free := 0
	for j := off; j < end; j++ {
		id := strconv.Itoa(g.CPUs[j])
		pos := (j - off) * cw
		if len(id) <= content {
			pos += content - len(id)
		}
		if pos < free || pos+len(id) > len(buf) {
			continue
		}
		copy(buf[pos:], id)
		free = pos + len(id) + 1
	}
	return string(buf)
}
