package tschart

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/NimbleMarkets/ntcharts/canvas/runes"
	"github.com/charmbracelet/lipgloss"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

// The chart draws its plot itself, in braille, as ntcharts' time-series chart did (two dot
// columns and four dot rows a cell, Bresenham lines between samples, the same axes and labels):
// ntcharts built a canvas of a rune and a lipgloss.Style (about 560 bytes) for every character
// on every draw and styled it cell by cell, 10 ms a frame at 200×50. Here a draw is a byte of
// dots and a byte of style a cell, and each run of cells in one style is styled once.

// geometry is the plot's place in the canvas (the block less the title and legend lines).
type geometry struct {
	ok      bool // a chart fits the block
	gw, gh  int  // plot columns and rows
	originX int  // the column of the Y axis: the Y labels' width
	canvasH int  // the lines of the canvas: the plot, the time axis and its labels
}

// measure lays out a canvas of width × rows showing lo … hi: the widest Y label decides where
// the Y axis goes; the last two rows hold the time axis and its labels.
func measure(width, rows int, lo, hi float64) geometry {
	if width < minPlotW || rows < minPlotH {
		return geometry{}
	}
	gh := rows - 2
	label := yLabels(gh, lo, hi)
	lw := 0
	for i := 0; i <= gh; i++ {
		lw = max(lw, len(label(i, lo+(hi-lo)/float64(gh)*float64(i))))
	}
	g := geometry{ok: true, gw: width - lw - 1, gh: gh, originX: lw, canvasH: rows}
	if g.gw < 2 {
		return geometry{}
	}
	return g
}

// colTime is the time of plot column k of gw: the first is start, the last end. TimeAt and
// the event markers use it.
func colTime(start, end time.Time, k, gw int) time.Time {
	return start.Add(time.Duration(float64(end.Sub(start)) * float64(k) / float64(gw-1)))
}

// labelTime is the time of the left dot of plot column k of gw, which a time label starting
// there names: with a full window each dot is one sample, so labels ten columns apart are
// twenty intervals apart, round numbers.
func labelTime(start, end time.Time, k, gw int) time.Time {
	return start.Add(time.Duration(float64(end.Sub(start)) * float64(2*k) / float64(2*gw-1)))
}

// The looks of a canvas cell, indices into inks.
const (
	lookPlain = iota
	lookAxis
	lookLabel
	lookCursor
	lookEvent
	lookSeries // the first series; series k is lookSeries+k
)

// inks are a chart's styles, made once per Spec: lipgloss applies a style far more slowly than
// the chart draws.
type inks struct {
	ink   []views.Ink
	plain []bool // the look shows a blank as no style would, so blanks may join its runs
}

func newInks(th *theme.Theme, spec Spec) inks {
	styles := []lipgloss.Style{lookPlain: {}, lookAxis: th.Axis, lookLabel: th.AxisLabel, lookCursor: th.Cursor, lookEvent: th.Bad}
	for i, s := range spec.Series {
		st := s.Style
		if i == 0 || isNoColor(st.GetForeground()) {
			st = th.Line
		}
		styles = append(styles, st)
	}
	k := inks{ink: make([]views.Ink, len(styles)), plain: make([]bool, len(styles))}
	for i, st := range styles {
		k.ink[i] = views.NewInk(st)
		k.plain[i] = k.ink[i].Plain()
	}
	return k
}

func isNoColor(c lipgloss.TerminalColor) bool {
	_, ok := c.(lipgloss.NoColor)
	return ok || c == nil
}

// brailleBit is the bit of a braille pattern for dot column x (0, 1) and dot row y (0 at the
// top … 3) of a cell, and brailleRune the pattern of each set of bits. Both come from ntcharts'
// braille runes (its dot numbering: 0 3 / 1 4 / 2 5 / 6 7), worked out once, so a cell is a
// byte while drawing and a table lookup when written.
var (
	brailleBit  [4][2]uint8
	brailleRune [256]rune
)

func init() {
	dotNumber := [4][2]int{{0, 3}, {1, 4}, {2, 5}, {6, 7}}
	for y, row := range dotNumber {
		for x, n := range row {
			var p runes.PatternDots
			p[n] = true
			brailleBit[y][x] = uint8(runes.BraillePatternFromPatternDots(p) - runes.BrailleBlockOffset)
		}
	}
	for bits := range brailleRune {
		var p runes.PatternDots
		for y, row := range dotNumber {
			for x, n := range row {
				p[n] = bits&int(brailleBit[y][x]) != 0
			}
		}
		brailleRune[bits] = runes.BraillePatternFromPatternDots(p)
	}
}

// dotGrid is the plot in braille dots: for each cell the dots set and the look of the series
// that set one last (a later series draws over an earlier one, as ntcharts did).
type dotGrid struct {
	gw, gh int // cells
	dots   []uint8
	look   []uint8
}

func newDotGrid(gw, gh int) *dotGrid {
	return &dotGrid{gw: gw, gh: gh, dots: make([]uint8, gw*gh), look: make([]uint8, gw*gh)}
}

// set sets dot (x, y) of the whole grid, y = 0 at the top; dots outside are dropped.
func (g *dotGrid) set(x, y int, look uint8) {
	if x < 0 || y < 0 || x >= 2*g.gw || y >= 4*g.gh {
		return
	}
	i := (y/4)*g.gw + x/2
	g.dots[i] |= brailleBit[y%4][x%2]
	g.look[i] = look
}

// line sets the dots of a Bresenham line from (x0, y0) to (x1, y1), stepping along the longer
// axis from the lower end, as ntcharts' graph.GetLinePoints does, so the same samples give the
// same dots.
func (g *dotGrid) line(x0, y0, x1, y1 int, look uint8) {
	abs := func(v int) int {
		if v < 0 {
			return -v
		}
		return v
	}
	if abs(y1-y0) < abs(x1-x0) {
		if x0 > x1 {
			x0, y0, x1, y1 = x1, y1, x0, y0
		}
		dx, dy, yi := x1-x0, y1-y0, 1
		if dy < 0 {
			yi, dy = -1, -dy
		}
		d, y := 2*dy-dx, y0
		for x := x0; x <= x1; x++ {
			g.set(x, y, look)
			if d > 0 {
				y += yi
				d += 2 * (dy - dx)
			} else {
				d += 2 * dy
			}
		}
		return
	}
	if y0 > y1 {
		x0, y0, x1, y1 = x1, y1, x0, y0
	}
	dx, dy, xi := x1-x0, y1-y0, 1
	if dx < 0 {
		xi, dx = -1, -dx
	}
	d, x := 2*dx-dy, x0
	for y := y0; y <= y1; y++ {
		g.set(x, y, look)
		if d > 0 {
			x += xi
			d += 2 * (dx - dy)
		} else {
			d += 2 * dx
		}
	}
}

// point is one value to plot; brk says the line does not come from the point before it (a
// sample between them had no value).
type point struct {
	Time  time.Time
	Value float64
	brk   bool
}

// points are the values of one series over frames (all within [start, end]): one per frame
// while they fit the plot's dot columns, else the largest of each column's frames, at its
// own time. The largest, not the mean, so that a zoomed-out chart still shows a one-sample
// spike: the spikes are what a long window is searched for. A frame without a value breaks
// the line; zoomed out, a dot column whose frames all lack one does.
func points(frames []*derive.Frame, value func(*derive.Frame) (float64, bool), start, end time.Time, slots int) []point {
	out := make([]point, 0, min(len(frames), max(slots, 1)))
	span := end.Sub(start)
	gap := false
	if len(frames) <= slots || slots < 1 || span <= 0 {
		for _, f := range frames {
			v, ok := value(f)
			if !ok {
				gap = len(out) > 0
				continue
			}
			out = append(out, point{Time: f.Time, Value: v, brk: gap})
			gap = false
		}
		return out
	}
	// gapFirst is the first dot column after the last point's that had frames but no value
	// so far, -1 when none.
	slot, gapFirst := -1, -1
	for _, f := range frames {
		k := min(int(float64(f.Time.Sub(start))/float64(span)*float64(slots)), slots-1)
		v, ok := value(f)
		switch {
		case !ok:
			if k != slot && gapFirst < 0 {
				gapFirst = k
			}
		case k != slot:
			out = append(out, point{Time: f.Time, Value: v, brk: len(out) > 0 && gapFirst >= 0 && gapFirst < k})
			slot, gapFirst = k, -1
		case v > out[len(out)-1].Value:
			out[len(out)-1].Time, out[len(out)-1].Value = f.Time, v
		}
	}
	return out
}

// draw makes the canvas of rows lines for the window [start, end]: it sets the Y range (fixed,
// or from the peak of the frames shown), measures the plot, plots every series and writes the
// axes, labels, cursor and event marks.
func (m *Model) draw(start, end time.Time, rows int) []string {
	shown := inSpan(m.frames, start)
	lo, hi := m.spec.Min, m.spec.Max
	if hi <= lo {
		peak := lo
		for _, f := range shown {
			for _, s := range m.spec.Series {
				if v, ok := s.Value(f); ok {
					peak = max(peak, v)
				}
			}
		}
		hi = lo + niceCeil(peak-lo)
	}
	m.lo, m.hi = lo, hi
	g := measure(m.width, rows, lo, hi)
	m.geo = g

	grid := newDotGrid(g.gw, g.gh)
	dotsW, dotsH := 2*g.gw, 4*g.gh
	span := float64(end.Sub(start))
	for k, s := range m.spec.Series {
		look := uint8(lookSeries + k)
		px, py := 0, 0
		for i, p := range points(shown, s.Value, start, end, dotsW) {
			x := 0
			if span > 0 {
				x = int(math.Round(float64(p.Time.Sub(start)) / span * float64(dotsW-1)))
			}
			v := min(max(p.Value, lo), hi)
			y := dotsH - 1 - int(math.Round((v-lo)/(hi-lo)*float64(dotsH-1)))
			if i == 0 || p.brk {
				grid.set(x, y, look)
			} else {
				grid.line(px, py, x, y, look)
			}
			px, py = x, y
		}
	}
	return m.canvasLines(g, grid, start, end)
}

// canvasLines writes the canvas: gh plot rows with the Y labels and axis, the time axis with
// the cursor tick and event marks, and the time labels.
func (m *Model) canvasLines(g geometry, grid *dotGrid, start, end time.Time) []string {
	w := runWriter{inks: m.inks, look: -1}
	lines := make([]string, 0, g.canvasH)

	// Y labels from the bottom (the time axis' row) up, each drawn once: a value midway
	// between two rows labels the lower.
	label := yLabels(g.gh, m.lo, m.hi)
	ylabels := make([]string, g.gh+1)
	last := ""
	for i := 0; i <= g.gh; i++ {
		s := label(i, m.lo+(m.hi-m.lo)/float64(g.gh)*float64(i))
		if s != last {
			ylabels[i] = s
		}
		last = s
	}
	writeLabel := func(s string) {
		for range g.originX - len(s) {
			w.put(' ', lookPlain)
		}
		w.putString(s, lookLabel)
	}

	for y := range g.gh {
		writeLabel(ylabels[g.gh-y])
		w.put('│', lookAxis)
		row := y * g.gw
		for x := range g.gw {
			d := grid.dots[row+x]
			switch {
			case d != 0:
				w.put(brailleRune[d], int(grid.look[row+x]))
			case m.paused && x == g.gw-1:
				// The cursor's column is ruled through empty cells only, so the line
				// stays seen.
				w.put('│', lookCursor)
			default:
				w.put(' ', lookPlain)
			}
		}
		lines = append(lines, w.line())
	}

	// The time axis: the cursor's tick at the last column, the events at theirs.
	axis := make([]rune, g.gw)
	looks := make([]uint8, g.gw)
	for x := range axis {
		axis[x], looks[x] = '─', lookAxis
	}
	if m.paused {
		axis[g.gw-1], looks[g.gw-1] = '┴', lookCursor
	}
	secs := end.Sub(start).Seconds()
	if secs > 0 {
		for _, e := range m.events {
			col := int(math.Round(e.Time.Sub(start).Seconds() / secs * float64(g.gw-1)))
			col = min(max(col, 0), g.gw-1)
			axis[col], looks[col] = []rune(EventGlyph)[0], lookEvent
		}
	}
	writeLabel(ylabels[0])
	w.put('└', lookAxis)
	for x, r := range axis {
		w.put(r, int(looks[x]))
	}
	lines = append(lines, w.line())

	// Time labels every xLabelStep columns where one fits, each unlike the one before.
	loc := end.Location()
	col, last := 0, ""
	for i := 0; i < g.gw; i += xLabelStep {
		at := g.originX + i
		s := labelTime(start, end, i, g.gw).In(loc).Format("15:04:05")
		if s == last || at+len(s) > m.width || (last != "" && at <= col) {
			continue // repeated, cut off, or touching the label before
		}
		for ; col < at; col++ {
			w.put(' ', lookPlain)
		}
		w.putString(s, lookLabel)
		col += len(s)
		last = s
	}
	for ; col < m.width; col++ {
		w.put(' ', lookPlain)
	}
	lines = append(lines, w.line())
	return lines
}

// runWriter writes a line as runs of cells of one look, styling each run once. A blank joins
// whatever run is open when that run's look shows blanks plainly, so the plot's gaps cost no
// extra styling.
type runWriter struct {
	inks inks
	b    strings.Builder
	run  []byte
	look int // of the open run; -1 when none
}

func (w *runWriter) put(r rune, look int) {
	if r == ' ' && w.look >= 0 && w.inks.plain[w.look] {
		w.run = append(w.run, ' ')
		return
	}
	if look != w.look {
		w.flush()
		w.look = look
	}
	w.run = utf8.AppendRune(w.run, r)
}

func (w *runWriter) putString(s string, look int) {
	if s == "" {
		return
	}
	if look != w.look {
		w.flush()
		w.look = look
	}
	w.run = append(w.run, s...)
}

func (w *runWriter) flush() {
	if len(w.run) > 0 {
		w.inks.ink[w.look].WriteBytes(&w.b, w.run)
	}
	w.run = w.run[:0]
}

// line ends the line and returns it.
func (w *runWriter) line() string {
	w.flush()
	w.look = -1
	s := w.b.String()
	w.b.Reset()
	w.b.Grow(len(s)) // the next line is about as long: no doubling on the way
	return s
}
