package tschart

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

const (
	// minPlotW and minPlotH are the smallest chart worth drawing (axes, labels and at least
	// two rows of plot); below that the panel says so instead.
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
	// geo is the plot's place in the block, measured on SetSize and on every draw: the Y
	// labels' width moves the Y axis, and with it the plot's columns and Window().
	geo    geometry
	lo, hi float64 // the Y range of the last draw, which the next measures from
	inks   inks    // the styles of the last Spec, made once (lipgloss styles are slow to apply)
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
	m.inks = newInks(th, spec)
	m.render()
	return m
}

// SetSize sets the block the chart draws into and redraws it.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.geo = measure(w, h-1, m.lo, m.hi) // for Window() before the first frame
	m.render()
}

// SetSpec replaces what the chart shows (a panel's selection changed) and redraws it.
func (m *Model) SetSpec(spec Spec) {
	m.spec = spec
	m.inks = newInks(m.th, spec)
	m.render()
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
	return colTime(m.start, m.end, col, gw), true
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
	case !measure(m.width, m.height-1, m.lo, m.hi).ok:
		lines = append(lines, m.th.Ink.Dim.Paint("(no room for the chart)"))
		m.view = views.Block(lines, m.width, m.height)
		return
	case len(m.frames) == 0:
		lines = append(lines, m.th.Ink.Dim.Paint("waiting for the first sample"))
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
	m.start, m.end = start, end
	plot := m.draw(start, end, rows)
	// The plot's lines are exactly the width already; only the title and legend are fitted.
	var b strings.Builder
	b.WriteString(views.Fit(lines[0], m.width))
	for _, l := range plot {
		b.WriteByte('\n')
		b.WriteString(l)
	}
	if rows < m.height-1 {
		b.WriteByte('\n')
		b.WriteString(views.Fit(m.legend(), m.width))
	}
	m.view = b.String()
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
		w := views.Width(EventGlyph + " " + item)
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
		parts = append(parts, th.Ink.Bad.Paint(EventGlyph)+" "+th.Ink.Value.Paint(item))
		used += w
	}
	if len(parts) < n {
		parts = append(parts, th.Ink.Label.Paint(fmt.Sprintf("+%d more", n-len(parts))))
	}
	return strings.Join(parts, "  ")
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
	head := th.Ink.Title.Paint(m.spec.Title)
	sub := th.Ink.Label.Paint(" last " + FormatSpan(span))
	if m.spec.Subtitle != "" {
		sub = th.Ink.Label.Paint(" " + m.spec.Subtitle + ", last " + FormatSpan(span))
	}
	stat := func(name, v string) string { return "  " + th.Ink.Label.Paint(name+" ") + th.Ink.Value.Paint(v) }
	// What goes when the chart is narrow: the subtitle first, then the window, the peak and
	// the mean; the current value stays.
	parts := []string{head, sub, stat(nowName, now), stat("mean", mean), stat("max", top)}
	for _, drop := range []int{1, 4, 3} {
		if views.Width(strings.Join(parts, "")) <= m.width {
			break
		}
		if drop == 1 && m.spec.Subtitle != "" {
			parts[1] = th.Ink.Label.Paint(" last " + FormatSpan(span))
			if views.Width(strings.Join(parts, "")) <= m.width {
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
