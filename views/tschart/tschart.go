package tschart

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/linechart/timeserieslinechart"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

const (
	// minPlotW and minPlotH are the smallest chart ntcharts draws sensibly (axes, labels and
	// at least two rows of plot); below that the panel says so instead.
	minPlotW = 16
	minPlotH = 4
	// xLabelStep is the spacing of time labels, wider than "15:04:05".
	xLabelStep = 10
	// EventGlyph marks a notable kernel log record on the time axis and in the legend.
	EventGlyph = "▲"
)

// Series is one quantity drawn from each frame; Value returns ok=false where the frame has no
// value (first sample, source unavailable), which leaves a gap.
type Series struct {
	Name  string
	Value func(*derive.Frame) (float64, bool)
	// Style draws the line; the zero Style means the theme's line colour.
	Style lipgloss.Style
}

// Spec says what a chart shows.
type Spec struct {
	Title    string // "CPU busy"
	Subtitle string // "all CPUs, 100-idle"
	Unit     string // appended to numbers in the title: "%", "/s", " ms"
	Series   []Series
	// Min and Max fix the Y range (0 and 100 for percentages). With Max == 0 the range is
	// 0 … a round number above the window's peak, recomputed on every draw.
	Min, Max float64
}

// Event is a notable kernel log record (oom_kill, hung_task, …) inside the chart's window.
// Every chart marks them on its time axis, so that a latency spike on any panel can be read
// against what the kernel said at that moment.
type Event struct {
	Time  time.Time
	Class string // sources.KmsgRecord.Event
}

// Model is a history chart.
type Model struct {
	th       *theme.Theme
	spec     Spec
	interval time.Duration
	frames   []*derive.Frame
	width    int
	height   int
	// chart is the ntcharts chart while a draw is under way, nil otherwise: its canvas is the
	// block less the title line (and the legend line while the window holds events), one
	// 560-byte cell (a rune and a lipgloss.Style) a character, 5 MB at 200×45. Kept for each
	// chart of each panel, canvases were most of ktop's memory; ntcharts reallocates the cells
	// on every draw anyway, so building the chart for each draw costs little more. geo keeps
	// what is needed of it between draws.
	chart  *timeserieslinechart.Model
	geo    geometry
	lo, hi float64 // the Y range of the last draw, kept when the chart is rebuilt
	events []Event // in the window, oldest first
	view   string

	// spanD is the time shown (FrameMsg.Span), 0 for two samples per column; paused marks the
	// cursor. start and end are the last draw's time range, for TimeAt.
	spanD      time.Duration
	paused     bool
	start, end time.Time
}

// New returns a chart of spec for samples taken every interval.
func New(th *theme.Theme, interval time.Duration, spec Spec) Model {
	if interval <= 0 {
		interval = time.Second
	}
	m := Model{th: th, interval: interval, spec: spec, lo: spec.Min, hi: max(spec.Max, spec.Min+1)}
	m.render()
	return m
}

// geometry is the plot's place in the chart's block, from the last chart built.
type geometry struct {
	ok      bool // a chart fits the block
	gw      int  // plot columns
	originX int  // the column of the Y axis
	canvasH int  // the lines of the canvas: the plot, the time axis and its labels
}

// SetSize sets the block the chart draws into and redraws it.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.geo = geometry{}
	if m.fits(h - 1) {
		m.build(h - 1) // measures the plot, for Window() before the first frame
		m.chart = nil
	}
	m.render()
}

// fits reports whether a chart with a canvas of rows lines fits the block.
func (m *Model) fits(rows int) bool { return m.width >= minPlotW && rows >= minPlotH }

// SetSpec replaces what the chart shows (a panel's selection changed) and redraws it.
func (m *Model) SetSpec(spec Spec) {
	m.spec = spec
	m.render()
}

// build makes the ntcharts chart with a canvas of rows lines, or none when the block is too
// small for one.
func (m *Model) build(rows int) {
	m.chart = nil
	if m.fits(rows) {
		c := timeserieslinechart.New(m.width, rows,
			timeserieslinechart.WithAxesStyles(m.th.Axis, m.th.AxisLabel),
			timeserieslinechart.WithStyle(m.th.Line),
			timeserieslinechart.WithXYSteps(xLabelStep, 1),
		)
		// Ranges are set from the window on every draw; ntcharts' automatic ranges only grow.
		c.AutoMinX, c.AutoMaxX, c.AutoMinY, c.AutoMaxY = false, false, false, false
		m.chart = &c
		// The Y labels' width decides the plot's width and so Window(): start from the last
		// range, not ntcharts' default labels, so a rebuilt chart spans the same time.
		m.setYRange(m.lo, m.hi)
	}
}

func (m *Model) setYRange(lo, hi float64) {
	c := m.chart
	m.lo, m.hi = lo, hi
	c.YLabelFormatter = yLabels(c.Canvas.Height()-2, lo, hi) // less the axis and its labels
	c.SetYRange(lo, hi)
	c.SetViewYRange(lo, hi)
	// The labels' width moves the Y axis, and with it the plot's columns.
	m.geo = geometry{ok: true, gw: c.GraphWidth(), originX: c.Origin().X, canvasH: c.Canvas.Height()}
}

// yLabels labels the rows nearest to round values of [lo, hi] (every quarter of the range when
// the plot has room, else every half, or only the ends) and leaves the other rows blank;
// ntcharts' own steps would label rows such as 23 and 47. Steps below 1 get the decimals they
// need (0.25, 0.50, 0.75; 1.25, 2.50, 3.75), which the compact rate format would round to
// 0.2, 0.5, 0.8 or 1.2, 2.5, 3.8.
func yLabels(plotRows int, lo, hi float64) func(int, float64) string {
	span := hi - lo
	every := span
	switch {
	case plotRows >= 8:
		every = span / 4
	case plotRows >= 4:
		every = span / 2
	}
	format := views.Short
	if every < 10 && every != math.Round(every) {
		d := 1
		for d < 6 && math.Abs(every*math.Pow(10, float64(d))-math.Round(every*math.Pow(10, float64(d)))) > 1e-6 {
			d++
		}
		format = func(v float64) string { return strconv.FormatFloat(v, 'f', d, 64) }
	}
	half := span / 2 / float64(max(plotRows, 1)) // half a row
	return func(_ int, v float64) string {
		r := lo + math.Round((v-lo)/every)*every
		if math.Abs(v-r) <= half+span*1e-9 { // a value midway between two rows labels the lower
			return format(r)
		}
		return ""
	}
}

// niceCeil is the smallest of 1, 2, 2.5, 5 × 10^k at or above v, so that quarters of the range
// are round numbers too.
func niceCeil(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, f := range []float64{1, 2, 2.5, 5, 10} {
		if f*p >= v*(1-1e-12) {
			return f * p
		}
	}
	return 10 * p
}

// Window is how many samples the chart can show: two per column of the plot area (braille
// has two dot columns per cell). The app asks History for this many frames.
func (m Model) Window() int {
	if !m.geo.ok {
		return 1
	}
	return max(2*m.geo.gw, 1)
}

// Update takes a new frame window, with its span and whether the cursor is live; the chart
// has no keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if fm, ok := msg.(views.FrameMsg); ok {
		m.frames, m.spanD, m.paused = fm.Frames, fm.Span, fm.Paused
		if !fm.Hidden {
			m.render()
		}
	}
	return m, nil
}

// TimeAt is the time shown at cell (x, y) of the chart's block: the time of the plot column
// under x, on any line of the plot, its axis or its labels. ok is false outside the plot or
// before anything was drawn.
func (m Model) TimeAt(x, y int) (time.Time, bool) {
	g := m.geo
	if !g.ok || len(m.frames) == 0 || m.end.IsZero() || y < 1 || y > g.canvasH {
		return time.Time{}, false
	}
	gw := g.gw
	col := x - (g.originX + 1)
	if gw < 2 || col < 0 || col >= gw {
		return time.Time{}, false
	}
	// The inverse of markEvents' mapping: column k of gw shows start + k/(gw-1) of the span.
	off := time.Duration(float64(m.end.Sub(m.start)) * float64(col) / float64(gw-1))
	return m.start.Add(off), true
}

// View returns the cached rendering.
func (m Model) View() string { return m.view }

// ShortHelp is empty: the chart has no keys.
func (m Model) ShortHelp() []key.Binding { return nil }

// FullHelp is empty: the chart has no keys.
func (m Model) FullHelp() [][]key.Binding { return nil }

// value is the first series' value in f: the one the title sums up.
func (m *Model) value(f *derive.Frame) (float64, bool) {
	if f == nil || len(m.spec.Series) == 0 {
		return 0, false
	}
	return m.spec.Series[0].Value(f)
}

func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	lines := []string{m.title()}
	switch {
	case !m.fits(m.height - 1):
		lines = append(lines, m.th.Dim.Render("(no room for the chart)"))
		m.view = views.Block(lines, m.width, m.height)
		return
	case len(m.frames) == 0:
		lines = append(lines, m.th.Dim.Render("waiting for the first sample"))
		m.view = views.Block(lines, m.width, m.height)
		return
	}
	start, end := m.span()
	m.events = eventsIn(m.frames, start, end)
	// The legend takes a line from the plot while there is something to name, if the plot
	// keeps its minimum height.
	rows := m.height - 1
	if len(m.events) > 0 && rows-1 >= minPlotH {
		rows--
	}
	m.build(rows)
	m.draw(start, end)
	lines = append(lines, canvasLines(&m.chart.Canvas)...)
	m.chart = nil // see the field
	if rows < m.height-1 {
		lines = append(lines, m.legend())
	}
	m.view = views.Block(lines, m.width, m.height)
}

// span is the time range the chart shows, ending at the last frame (the cursor): the span the
// window came with, or Window() samples.
func (m *Model) span() (start, end time.Time) {
	end = m.frames[len(m.frames)-1].Time
	return end.Add(-m.spanDur()), end
}

// spanDur is the length of the time range shown.
func (m *Model) spanDur() time.Duration {
	if m.spanD > 0 {
		return m.spanD
	}
	return time.Duration(m.Window()-1) * m.interval
}

// inSpan is the frames at or after start (frames are oldest first).
func inSpan(frames []*derive.Frame, start time.Time) []*derive.Frame {
	i := sort.Search(len(frames), func(i int) bool { return !frames[i].Time.Before(start) })
	return frames[i:]
}

// eventsIn collects the notable kernel log records of frames logged between start and end,
// oldest first. A record's time comes from the uptime of the frame that brought it; without
// one it is not placed, because the first frame also carries the boot-time backlog, which
// would otherwise all land on that sample.
func eventsIn(frames []*derive.Frame, start, end time.Time) []Event {
	var evs []Event
	for _, f := range frames {
		if f.Kmsg == nil {
			continue
		}
		for _, r := range f.Kmsg.Records {
			if r.Event == "" {
				continue
			}
			t, ok := views.KmsgTime(f, r)
			if !ok || t.Before(start) || t.After(end) {
				continue
			}
			evs = append(evs, Event{Time: t, Class: r.Event})
		}
	}
	slices.SortStableFunc(evs, func(a, b Event) int { return a.Time.Compare(b.Time) })
	return evs
}

// Events are the notable kernel log records the chart marks, oldest first.
func (m Model) Events() []Event { return m.events }

// legend names the events, newest first, as many as fit the width, then how many more.
func (m *Model) legend() string {
	th := m.th
	loc := m.frames[len(m.frames)-1].Time.Location()
	n := len(m.events)
	parts := make([]string, 0, n)
	used := 0
	for k := range n {
		e := m.events[n-1-k]
		item := e.Class + " " + e.Time.In(loc).Format("15:04:05")
		w := ansi.StringWidth(EventGlyph + " " + item)
		if k > 0 {
			w += 2
		}
		tail := 0
		if rest := n - 1 - k; rest > 0 {
			tail = 2 + len(fmt.Sprintf("+%d more", rest))
		}
		if k > 0 && used+w+tail > m.width {
			break
		}
		parts = append(parts, th.Bad.Render(EventGlyph)+" "+th.Value.Render(item))
		used += w
	}
	if len(parts) < n {
		parts = append(parts, th.Label.Render(fmt.Sprintf("+%d more", n-len(parts))))
	}
	return strings.Join(parts, "  ")
}

// draw replaces the chart's data with the window: only the visible samples are pushed
// (ntcharts keeps every point), and both ranges are set here. Events are marked on the time
// axis last, over the axis line.
func (m *Model) draw(start, end time.Time) {
	c := m.chart
	c.ClearAllData()
	loc := end.Location()
	c.XLabelFormatter = func(_ int, v float64) string {
		return time.Unix(int64(v), 0).In(loc).Format("15:04:05")
	}
	c.SetTimeRange(start, end)
	c.SetViewTimeRange(start, end)
	m.start, m.end = start, end
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
	m.setYRange(lo, hi)
	slots := 2 * c.GraphWidth() // braille dot columns
	for i, s := range m.spec.Series {
		name := s.Name
		if i == 0 {
			name = timeserieslinechart.DefaultDataSetName
		} else {
			st := s.Style
			if isNoColor(st.GetForeground()) {
				st = m.th.Line
			}
			c.SetDataSetStyle(name, st)
		}
		for _, p := range points(shown, s.Value, start, end, slots) {
			p.Value = min(max(p.Value, lo), hi)
			c.PushDataSet(name, p)
		}
	}
	if len(m.spec.Series) > 1 {
		c.DrawBrailleAll()
	} else {
		c.DrawBraille()
	}
	if m.paused {
		m.markCursor()
	}
	m.markEvents(start, end)
}

// points are the values of one series over frames (all within [start, end]): one per frame
// while they fit the plot's dot columns, else the largest of each column's frames, at its
// own time. The largest, not the mean, so that a zoomed-out chart still shows a one-sample
// spike: the spikes are what a long window is searched for.
func points(frames []*derive.Frame, value func(*derive.Frame) (float64, bool), start, end time.Time, slots int) []timeserieslinechart.TimePoint {
	out := make([]timeserieslinechart.TimePoint, 0, min(len(frames), max(slots, 1)))
	span := end.Sub(start)
	if len(frames) <= slots || slots < 1 || span <= 0 {
		for _, f := range frames {
			if v, ok := value(f); ok {
				out = append(out, timeserieslinechart.TimePoint{Time: f.Time, Value: v})
			}
		}
		return out
	}
	slot := -1
	for _, f := range frames {
		v, ok := value(f)
		if !ok {
			continue
		}
		k := min(int(float64(f.Time.Sub(start))/float64(span)*float64(slots)), slots-1)
		switch {
		case k != slot:
			out = append(out, timeserieslinechart.TimePoint{Time: f.Time, Value: v})
			slot = k
		case v > out[len(out)-1].Value:
			out[len(out)-1] = timeserieslinechart.TimePoint{Time: f.Time, Value: v}
		}
	}
	return out
}

// markCursor draws the cursor's column, the last one (the window ends at the cursor): a rule
// through the plot's empty cells and a tick on the time axis, so the line itself stays seen.
func (m *Model) markCursor() {
	c := m.chart
	gw := c.GraphWidth()
	if gw <= 0 {
		return
	}
	o := c.Origin()
	x := o.X + gw
	for y := range o.Y {
		p := canvas.Point{X: x, Y: y}
		if r := c.Canvas.Cell(p).Rune; r == 0 || r == ' ' {
			c.Canvas.SetCell(p, canvas.NewCellWithStyle('│', m.th.Cursor))
		}
	}
	c.Canvas.SetCell(canvas.Point{X: x, Y: o.Y}, canvas.NewCellWithStyle('┴', m.th.Cursor))
}

// markEvents puts the event glyph on the time axis at each event's column.
func (m *Model) markEvents(start, end time.Time) {
	c := m.chart
	span := end.Sub(start).Seconds()
	gw := c.GraphWidth()
	if span <= 0 || gw <= 0 {
		return
	}
	o := c.Origin()
	for _, e := range m.events {
		col := int(math.Round(e.Time.Sub(start).Seconds() / span * float64(gw-1)))
		p := canvas.Point{X: o.X + 1 + min(max(col, 0), gw-1), Y: o.Y}
		c.Canvas.SetCell(p, canvas.NewCellWithStyle([]rune(EventGlyph)[0], m.th.Bad))
	}
}

// title names the quantity and sums up the window of the first series: now, mean and peak.
func (m *Model) title() string {
	th := m.th
	var sum, peak float64
	n := 0
	shown := m.frames
	if len(m.frames) > 0 {
		start, _ := m.span()
		shown = inSpan(m.frames, start)
	}
	for _, f := range shown {
		if v, ok := m.value(f); ok {
			sum += v
			peak = max(peak, v)
			n++
		}
	}
	now, mean, top := views.Missing, views.Missing, views.Missing
	num := func(v float64) string { return fmt.Sprintf("%.1f%s", v, m.spec.Unit) }
	if m.spec.Unit != "%" {
		num = func(v float64) string { return views.Short(v) + m.spec.Unit }
	}
	if v, ok := m.value(m.current()); ok {
		now = num(v)
	}
	nowName := "now"
	if m.paused {
		nowName = "at" // the value at the cursor, which is not now
	}
	if n > 0 {
		mean = num(sum / float64(n))
		top = num(peak)
	}
	span := time.Duration(m.Window()) * m.interval
	if m.spanD > 0 {
		span = m.spanD
	}
	head := th.Title.Render(m.spec.Title)
	sub := th.Label.Render(" last " + FormatSpan(span))
	if m.spec.Subtitle != "" {
		sub = th.Label.Render(" " + m.spec.Subtitle + ", last " + FormatSpan(span))
	}
	stat := func(name, v string) string { return "  " + th.Label.Render(name+" ") + th.Value.Render(v) }
	// What goes when the chart is narrow: the subtitle first, then the window, the peak and
	// the mean; the current value stays.
	parts := []string{head, sub, stat(nowName, now), stat("mean", mean), stat("max", top)}
	for _, drop := range []int{1, 4, 3} {
		if ansi.StringWidth(strings.Join(parts, "")) <= m.width {
			break
		}
		if drop == 1 && m.spec.Subtitle != "" {
			parts[1] = th.Label.Render(" last " + FormatSpan(span))
			if ansi.StringWidth(strings.Join(parts, "")) <= m.width {
				break
			}
		}
		parts[drop] = ""
	}
	return strings.Join(parts, "")
}

func (m *Model) current() *derive.Frame {
	if len(m.frames) == 0 {
		return nil
	}
	return m.frames[len(m.frames)-1]
}

// canvasLines turns the chart's canvas into lines, styling each run of cells that share a
// look with one Render call. ntcharts' own View renders every cell on its own, which at
// 200×50 was four fifths of the cost of a new frame.
func canvasLines(c *canvas.Model) []string {
	type look struct {
		fg, bg    lipgloss.TerminalColor
		bold, rev bool
	}
	lookOf := func(s lipgloss.Style) look {
		return look{s.GetForeground(), s.GetBackground(), s.GetBold(), s.GetReverse()}
	}
	lines := make([]string, c.Height())
	run := make([]rune, 0, c.Width())
	var b strings.Builder
	for y := range c.Height() {
		b.Reset()
		run = run[:0]
		var runStyle lipgloss.Style
		var runLook look
		for x := range c.Width() {
			cell := c.Cell(canvas.Point{X: x, Y: y})
			r := cell.Rune
			if r == 0 {
				r = ' '
			}
			// A blank cell without background looks the same in any foreground colour, so
			// it joins whatever run is open: the plot's gaps then cost no extra Render.
			if r == ' ' && len(run) > 0 && !runLook.rev && isNoColor(runLook.bg) && isNoColor(cell.Style.GetBackground()) && !cell.Style.GetReverse() {
				run = append(run, r)
				continue
			}
			l := lookOf(cell.Style)
			if len(run) > 0 && l != runLook {
				b.WriteString(runStyle.Render(string(run)))
				run = run[:0]
			}
			if len(run) == 0 {
				runStyle, runLook = cell.Style, l
			}
			run = append(run, r)
		}
		if len(run) > 0 {
			b.WriteString(runStyle.Render(string(run)))
		}
		lines[y] = b.String()
	}
	return lines
}

func isNoColor(c lipgloss.TerminalColor) bool {
	_, ok := c.(lipgloss.NoColor)
	return ok || c == nil
}

// FormatSpan writes a duration without its zero tail: 1h, 1h30m, 5m, 3m40s, 45s; below a
// second as time.Duration does.
func FormatSpan(d time.Duration) string {
	if d < time.Second {
		return d.String()
	}
	d = d.Round(time.Second)
	h, mi, s := d/time.Hour, (d%time.Hour)/time.Minute, (d%time.Minute)/time.Second
	out := ""
	if h > 0 {
		out += strconv.Itoa(int(h)) + "h"
	}
	if mi > 0 || (h > 0 && s > 0) {
		out += strconv.Itoa(int(mi)) + "m"
	}
	if s > 0 {
		out += strconv.Itoa(int(s)) + "s"
	}
	return out
}

// Placed is a chart at column X, line Y of a panel's view.
type Placed struct {
	Chart *Model
	X, Y  int
}

// TimeIn is the time under cell (x, y) of a panel's view, on whichever of the placed charts
// has its plot there; panels implement views.TimeLocator with it.
func TimeIn(x, y int, charts ...Placed) (time.Time, bool) {
	for _, p := range charts {
		if p.Chart == nil {
			continue
		}
		if t, ok := p.Chart.TimeAt(x-p.X, y-p.Y); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// Height is the chart's block height, as last set.
func (m Model) Height() int { return m.height }
