package cpuchart

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/linechart/timeserieslinechart"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
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
)

// Model is the CPU history chart.
type Model struct {
	th       *theme.Theme
	interval time.Duration
	frames   []*derive.Frame
	width    int
	height   int
	// chart is a pointer because ntcharts models hold maps (copies alias anyway); only the
	// latest copy of Model ever draws into it, from Update and SetSize.
	chart *timeserieslinechart.Model
	view  string
}

// New returns a chart for samples taken every interval.
func New(th *theme.Theme, interval time.Duration) Model {
	if interval <= 0 {
		interval = time.Second
	}
	m := Model{th: th, interval: interval}
	m.render()
	return m
}

// SetSize sets the block the chart draws into and redraws it.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.chart = nil
	if w >= minPlotW && h-1 >= minPlotH {
		c := timeserieslinechart.New(w, h-1,
			timeserieslinechart.WithAxesStyles(m.th.Axis, m.th.AxisLabel),
			timeserieslinechart.WithStyle(m.th.Line),
			timeserieslinechart.WithXYSteps(xLabelStep, 1),
			timeserieslinechart.WithYLabelFormatter(yLabels(h-3)),
		)
		// Ranges are set from the window on every draw; ntcharts' automatic ranges only grow.
		c.AutoMinX, c.AutoMaxX, c.AutoMinY, c.AutoMaxY = false, false, false, false
		m.chart = &c
	}
	m.render()
}

// yLabels labels the rows nearest to round percentages (every 25 % when the plot has room,
// else every 50 % or only 0 and 100) and leaves the other rows blank; ntcharts' own steps
// would label rows such as 23 and 47.
func yLabels(plotRows int) func(int, float64) string {
	every := 100.0
	switch {
	case plotRows >= 8:
		every = 25
	case plotRows >= 4:
		every = 50
	}
	half := 50 / float64(max(plotRows, 1)) // half a row, in percent
	return func(_ int, v float64) string {
		r := math.Round(v/every) * every
		if math.Abs(v-r) <= half+1e-9 { // a value midway between two rows labels the lower
			return fmt.Sprintf("%.0f", r)
		}
		return ""
	}
}

// Window is how many samples the chart can show: two per column of the plot area (braille
// has two dot columns per cell). The app asks History for this many frames.
func (m Model) Window() int {
	if m.chart == nil {
		return 1
	}
	return max(2*m.chart.GraphWidth(), 1)
}

// Update takes a new frame window; the chart has no keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if fm, ok := msg.(views.FrameMsg); ok {
		m.frames = fm.Frames
		m.render()
	}
	return m, nil
}

// View returns the cached rendering.
func (m Model) View() string { return m.view }

// ShortHelp is empty: the chart has no keys.
func (m Model) ShortHelp() []key.Binding { return nil }

// FullHelp is empty: the chart has no keys.
func (m Model) FullHelp() [][]key.Binding { return nil }

// busy is the chart's quantity: 100 − %idle of "all", mpstat's idle complement.
func busy(f *derive.Frame) (float64, bool) {
	if f == nil || len(f.CPU) == 0 || !f.CPU[0].Idle.OK {
		return 0, false
	}
	return 100 - f.CPU[0].Idle.V, true
}

func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	lines := []string{m.title()}
	switch {
	case m.chart == nil:
		lines = append(lines, m.th.Dim.Render("(no room for the chart)"))
		m.view = views.Block(lines, m.width, m.height)
		return
	case len(m.frames) == 0:
		lines = append(lines, m.th.Dim.Render("waiting for the first sample"))
		m.view = views.Block(lines, m.width, m.height)
		return
	}
	m.draw()
	lines = append(lines, canvasLines(&m.chart.Canvas)...)
	m.view = views.Block(lines, m.width, m.height)
}

// draw replaces the chart's data with the window: only the visible samples are pushed
// (ntcharts keeps every point), and both ranges are set here.
func (m *Model) draw() {
	c := m.chart
	c.ClearAllData()
	end := m.frames[len(m.frames)-1].Time
	start := end.Add(-time.Duration(m.Window()-1) * m.interval)
	loc := end.Location()
	c.XLabelFormatter = func(_ int, v float64) string {
		return time.Unix(int64(v), 0).In(loc).Format("15:04:05")
	}
	c.SetTimeRange(start, end)
	c.SetViewTimeRange(start, end)
	c.SetYRange(0, 100)
	c.SetViewYRange(0, 100)
	for _, f := range m.frames {
		if v, ok := busy(f); ok && !f.Time.Before(start) {
			c.Push(timeserieslinechart.TimePoint{Time: f.Time, Value: v})
		}
	}
	c.DrawBraille()
}

// title names the quantity and sums up the window: now, mean and peak.
func (m *Model) title() string {
	th := m.th
	var sum, peak float64
	n := 0
	for _, f := range m.frames {
		if v, ok := busy(f); ok {
			sum += v
			peak = max(peak, v)
			n++
		}
	}
	now, mean, top := views.Missing, views.Missing, views.Missing
	if v, ok := busy(m.current()); ok {
		now = fmt.Sprintf("%.1f%%", v)
	}
	if n > 0 {
		mean = fmt.Sprintf("%.1f%%", sum/float64(n))
		top = fmt.Sprintf("%.1f%%", peak)
	}
	span := time.Duration(m.Window()) * m.interval
	return th.Title.Render("CPU busy") + th.Label.Render(" all CPUs, 100-idle, last "+span.String()) +
		"  " + th.Label.Render("now ") + th.Value.Render(now) +
		"  " + th.Label.Render("mean ") + th.Value.Render(mean) +
		"  " + th.Label.Render("max ") + th.Value.Render(top)
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
