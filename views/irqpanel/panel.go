package irqpanel

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/heat"
	"github.com/ktop-dev/ktop/views/theme"
	"github.com/ktop-dev/ktop/views/tschart"
)

const (
	// chartMin is the fewest lines worth giving the TLB chart; below it the rows keep the room.
	chartMin = 6
	// gridMin is the fewest grid lines (heading and rows) kept when the chart competes.
	gridMin = 6
)

// ipis are the /proc/interrupts rows shown first, in this order, with a short label: the
// inter-processor interrupts that reveal cross-CPU contention, then the timer and NMI.
var ipis = []struct{ irq, label string }{
	{"TLB", "TLB shootdown"},
	{"CAL", "CAL function call"},
	{"RES", "RES reschedule"},
	{"LOC", "LOC local timer"},
	{"NMI", "NMI"},
}

// Model is the Interrupts panel.
type Model struct {
	th     *theme.Theme
	keys   KeyMap
	frames []*derive.Frame
	chart  tschart.Model

	off, col       int // first row and first CPU column shown
	width, height  int
	gridH          int // lines of the grid: heading and rows
	chartW, chartH int
	view           string
	// items, flow and scratch are the tile's, kept for the next frame.
	items, flow views.Lines
	scratch     []byte
}

// New returns the Interrupts panel; interval labels the chart's time axis.
func New(th *theme.Theme, interval time.Duration) *Model {
	m := &Model{th: th, keys: DefaultKeyMap(), chart: tschart.New(th, interval, tlbSpec)}
	m.render()
	return m
}

// tlbSpec charts TLB shootdowns received per second, all CPUs.
var tlbSpec = tschart.Spec{
	Title: "TLB shootdowns/s", Subtitle: "all CPUs", Unit: "/s",
	Series: []tschart.Series{{Name: "TLB", Value: tlbTotal}},
}

func tlbTotal(f *derive.Frame) (float64, bool) {
	if f.Interrupts == nil {
		return 0, false
	}
	for _, r := range f.Interrupts.Rows {
		if r.IRQ == "TLB" {
			return r.Total.V, r.Total.OK
		}
	}
	return 0, false
}

// Title is the panel's name.
func (m *Model) Title() string { return "Interrupts" }

// SetSize sets the block the panel draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.render()
}

// Update takes frames (always) and keys (when focused).
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frames = msg.Frames
		m.chart, _ = m.chart.Update(msg)
		if !msg.Hidden { // the app routes the window again when it is shown
			m.render()
		}
	case tea.KeyMsg:
		page := max(m.gridH-1, 1)
		step := max(m.layout().Cols/4, 1)
		switch {
		case key.Matches(msg, m.keys.Up):
			m.off--
		case key.Matches(msg, m.keys.Down):
			m.off++
		case key.Matches(msg, m.keys.PageUp):
			m.off -= page
		case key.Matches(msg, m.keys.PageDown):
			m.off += page
		case key.Matches(msg, m.keys.Top):
			m.off = 0
		case key.Matches(msg, m.keys.Bottom):
			m.off = math.MaxInt32
		case key.Matches(msg, m.keys.Left):
			m.col -= step
		case key.Matches(msg, m.keys.Right):
			m.col += step
		default:
			return nil
		}
		m.render()
	}
	return nil
}

// View returns the cached rendering.
func (m *Model) View() string { return m.view }

// Offset is the first row shown; Column the first CPU column.
func (m *Model) Offset() int { return m.off }

// Column is the first CPU column shown.
func (m *Model) Column() int { return m.col }

func (m *Model) current() *derive.Frame { return views.FrameMsg{Frames: m.frames}.Current() }

func (m *Model) layout() heat.Layout {
	f := m.current()
	if f == nil || f.Interrupts == nil {
		return heat.Layout{}
	}
	return grid(f).Layout(m.width)
}

// grid orders the rows: the IPIs, timer and NMI first in a fixed order, then device queues
// (numbered IRQs) busiest first, then the remaining arch rows busiest first.
func grid(f *derive.Frame) *heat.Grid {
	in := f.Interrupts
	g := &heat.Grid{Head: "irq", CPUs: in.CPUs, Rows: make([]heat.Row, 0, len(in.Rows))}
	var devs, other []derive.IRQRate
	byIRQ := make(map[string]derive.IRQRate, len(ipis))
	for _, r := range in.Rows {
		switch {
		case slices.ContainsFunc(ipis, func(p struct{ irq, label string }) bool { return p.irq == r.IRQ }):
			byIRQ[r.IRQ] = r
		case isNumber(r.IRQ):
			devs = append(devs, r)
		default:
			other = append(other, r)
		}
	}
	for _, p := range ipis {
		if r, ok := byIRQ[p.irq]; ok {
			g.Rows = append(g.Rows, heat.Row{Label: p.label, Total: r.Total, Cells: r.PerCPU})
		}
	}
	slices.SortStableFunc(devs, busiestFirst)
	slices.SortStableFunc(other, busiestFirst)
	for _, r := range devs {
		g.Rows = append(g.Rows, heat.Row{Label: r.IRQ + " " + DeviceName(r.Desc), Total: r.Total, Cells: r.PerCPU})
	}
	for _, r := range other {
		g.Rows = append(g.Rows, heat.Row{Label: strings.TrimSpace(r.IRQ + " " + r.Desc), Total: r.Total, Cells: r.PerCPU})
	}
	return g
}

// busiestFirst orders rows by rate, highest first, then by number and name.
func busiestFirst(a, b derive.IRQRate) int {
	if c := cmp.Compare(b.Total.Or(-1), a.Total.Or(-1)); c != 0 {
		return c
	}
	an, _ := irqNumber(a.IRQ)
	bn, _ := irqNumber(b.IRQ)
	return cmp.Or(cmp.Compare(an, bn), cmp.Compare(a.IRQ, b.IRQ))
}

// DeviceName is the action name of a numbered IRQ: the last token of its description
// ("PCI-MSIX-0000:00:03.0 2-edge virtio2-output.0" → "virtio2-output.0"), which names the
// driver's queue.
func DeviceName(desc string) string {
	// strings.Fields' last field, without the slice of all of them.
	s := strings.TrimRightFunc(desc, unicode.IsSpace)
	if s == "" {
		return views.Missing
	}
	i := strings.LastIndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return s[i+n:]
}

func isNumber(s string) bool {
	_, ok := irqNumber(s)
	return ok
}

// irqNumber is the number of a numbered IRQ ("24"); 0 and false for the named ones ("LOC").
// Not strconv.Atoi: its error for a name is an allocation, and the sort asks for every pair.
func irqNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func (m *Model) render() {
	th := m.th
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	title := th.Ink.Title.Paint("Interrupts") + th.Ink.Label.Paint("/s, log scale ") + heat.LogLegend(th)
	lines := []string{title}
	f := m.current()
	m.keys.setEnabled(false, false)
	reason, bad := views.NotOK(f, sources.SrcInterrupts)
	switch {
	case bad:
		m.view = views.Block(append(lines, th.Ink.Bad.Paint(reason)), m.width, m.height)
		return
	case f == nil || f.Interrupts == nil:
		m.view = views.Block(append(lines, th.Ink.Dim.Paint("waiting for the first sample")), m.width, m.height)
		return
	}
	g := grid(f)
	if tlb, ok := tlbTotal(f); !ok || tlb == 0 {
		// Not a fault: paravirtual guests flush by hypercall and arm64 broadcasts TLBI.
		lines[0] = title + th.Ink.Dim.Paint("  TLB 0 is normal (PV, arm64)")
	}

	// The chart gets a quarter of the room, or all that the rows leave; the grid at least
	// gridMin lines.
	body := m.height - 1
	want := 1 + len(g.Rows)
	chartH := max(chartMin, body-want, body/4)
	if body-chartH < gridMin {
		chartH = body - gridMin
	}
	if chartH < chartMin {
		chartH = 0
	}
	m.gridH = max(body-chartH, 0)

	l := g.Layout(m.width)
	n := len(g.CPUs)
	m.col = min(max(m.col, 0), max(n-l.Cols, 0))
	vis := max(m.gridH-1, 0) // rows under the heading
	m.off = min(max(m.off, 0), max(len(g.Rows)-vis, 0))
	m.keys.setEnabled(len(g.Rows) > vis, l.Cols < n)
	var ind []string
	if len(g.Rows) > vis && vis > 0 {
		ind = append(ind, fmt.Sprintf("rows %d-%d of %d", m.off+1, m.off+vis, len(g.Rows)))
	}
	if l.Cols < n && l.Cols > 0 {
		ind = append(ind, fmt.Sprintf("CPUs %d-%d of %d", g.CPUs[m.col], g.CPUs[m.col+l.Cols-1], n))
	}
	if len(ind) > 0 {
		s := strings.Join(ind, " ")
		lines[0] = views.Fit(lines[0], max(m.width-views.Width(s)-1, 0)) + " " + th.Ink.Dim.Paint(s)
	}
	lines = append(lines, g.Render(th, m.width, m.col, m.off, m.off+vis)...)
	top := views.Block(lines, m.width, 1+m.gridH)
	if chartH == 0 {
		m.view = top
		return
	}
	if m.chartW != m.width || m.chartH != chartH {
		m.chart.SetSize(m.width, chartH)
		m.chartW, m.chartH = m.width, chartH
	}
	m.view = top + "\n" + m.chart.View()
}

// Tile is the contention IPIs per second and the busiest device queue. It picks them from the
// frame's rows as grid orders them, without building the grid: the tile is drawn every sample.
func (m *Model) Tile(w, h int) string { return m.tileLines(w, h).Block(w, h) }

// AppendTile appends Tile(w, h) to dst (views.TileAppender).
func (m *Model) AppendTile(dst []byte, w, h int) []byte {
	return m.tileLines(w, h).AppendBlock(dst, w, h)
}

// tileLines are the tile's lines at width w.
func (m *Model) tileLines(w, _ int) *views.Lines {
	th := m.th
	f := m.current()
	items := &m.items
	items.Reset()
	items.Paint(th.Ink.Title, "irq/s")
	if reason, bad := views.NotOK(f, sources.SrcInterrupts); bad {
		items.Str(" ")
		items.Paint(th.Ink.Bad, reason)
		items.End()
		return items
	}
	if f == nil || f.Interrupts == nil {
		items.Str(" " + views.Missing)
		items.End()
		return items
	}
	rows := f.Interrupts.Rows
	items.End()
	for _, p := range ipis[:4] { // TLB CAL RES LOC, in grid's order
		if i := slices.IndexFunc(rows, func(r derive.IRQRate) bool { return r.IRQ == p.irq }); i >= 0 {
			items.Paint(th.Ink.Label, p.irq)
			items.Str(" ")
			items.PaintShort(th.Ink.Value, rows[i].Total)
			items.End()
		}
	}
	var dev *derive.IRQRate // the first device queue in grid's order: the busiest
	for i := range rows {
		if r := &rows[i]; isNumber(r.IRQ) && (dev == nil || busiestFirst(*r, *dev) < 0) {
			dev = r
		}
	}
	if dev != nil {
		items.Paint(th.Ink.Label, "top dev")
		items.Str(" ")
		v := append(m.scratch[:0], dev.IRQ...)
		v = append(append(v, ' '), DeviceName(dev.Desc)...)
		v = views.AppendShortVal(append(v, ' '), dev.Total)
		items.PaintBytes(th.Ink.Value, v)
		items.End()
		m.scratch = v
	}
	m.flow.Reset()
	items.FlowTo(&m.flow, w)
	return &m.flow
}

// TileHeight wants one line, two when narrow.
func (m *Model) TileHeight(w int) (least, most int) { return 1, 2 }

// ShortHelp lists the panel's keys.
func (m *Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp lists the panel's keys.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Defs explains every number on the panel (docs/metrics.md, Interrupts).
func (m *Model) Defs() []views.Def {
	src := "/proc/interrupts"
	return []views.Def{
		{Name: "TLB shootdown", Meaning: "TLB shootdown IPIs received (x86; also counted in CAL). 0 is normal with paravirtual/hypercall flushes, and arm64 has no such row", Formula: "Δcount / Δt per CPU", Source: src + " TLB"},
		{Name: "CAL function call", Meaning: "function-call IPIs: another CPU asked this one to run a function (TLB flushes, smp_call_function)", Formula: "Δcount / Δt per CPU", Source: src + " CAL"},
		{Name: "RES reschedule", Meaning: "rescheduling IPIs: another CPU woke a task to run here", Formula: "Δcount / Δt per CPU", Source: src + " RES"},
		{Name: "LOC local timer", Meaning: "local APIC timer interrupts (ticks and hrtimers)", Formula: "Δcount / Δt per CPU", Source: src + " LOC"},
		{Name: "NMI", Meaning: "non-maskable interrupts (perf, watchdog)", Formula: "Δcount / Δt per CPU", Source: src + " NMI"},
		{Name: "N device", Meaning: "a numbered IRQ, named by the last word of its description (the driver's queue: virtio0-input.0); busiest first. A freed number given to another device is a new row", Formula: "Δcount / Δt per CPU; row keyed by (irq, desc)", Source: src + " numbered rows"},
		{Name: "/s", Meaning: "all CPUs present in both samples; — if any reset. ERR and MIS have only this total", Formula: "Σ per-CPU Δ / Δt (single-value rows: Δvalue / Δt)", Source: src},
		{Name: "shade", Meaning: "log scale: blank is 0, then one shade per decade (<1, 1, 10, 100, 1k, … 10M+/s)", Formula: "2 + floor(log10(rate)), <1/s is 1", Source: "—"},
		{Name: "chart", Meaning: "TLB shootdowns received per second, all CPUs", Formula: "TLB total_s per sample", Source: src + " TLB"},
	}
}
