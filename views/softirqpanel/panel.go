package softirqpanel

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/heat"
	"github.com/ktop-dev/ktop/views/theme"
	"github.com/ktop-dev/ktop/views/tschart"
)

// chartMin is the fewest lines worth giving the history chart; below it the heat map keeps
// the room.
const chartMin = 6

// ksoftirqdPrefix is the comm of the per-CPU softirq threads: "ksoftirqd/3" runs CPU 3's
// softirqs when they are deferred out of interrupt exit.
const ksoftirqdPrefix = "ksoftirqd/"

// Model is the Softirqs panel.
type Model struct {
	th       *theme.Theme
	keys     KeyMap
	interval time.Duration
	frames   []*derive.Frame
	win      views.FrameMsg // the last window, handed whole to a rebuilt chart (span, cursor)

	// sel is the charted type: the busiest one when the panel first had rates, then whatever
	// the user picks, kept by name so that it survives rows coming and going.
	sel   string
	off   int // first CPU column shown
	chart tschart.Model
	// chartFor, chartW and chartH are what the chart was last built and sized for.
	chartFor       string
	chartW, chartH int

	width, height int
	view          string
	tile          tileBufs
}

// New returns the Softirqs panel; interval labels the chart's time axis.
func New(th *theme.Theme, interval time.Duration) *Model {
	m := &Model{th: th, keys: DefaultKeyMap(), interval: interval}
	m.chart = tschart.New(th, interval, m.spec())
	m.render()
	return m
}

// spec charts the selected type's total over all CPUs.
func (m *Model) spec() tschart.Spec {
	name := m.sel
	if name == "" {
		name = views.Missing
	}
	return tschart.Spec{
		Title: name + "/s", Subtitle: "softirq runs, all CPUs", Unit: "/s",
		Series: []tschart.Series{{Name: name, Value: typeTotal(m.sel)}},
	}
}

// typeTotal extracts one type's total rate from a frame.
func typeTotal(typ string) func(*derive.Frame) (float64, bool) {
	return func(f *derive.Frame) (float64, bool) {
		if f.Softirqs == nil {
			return 0, false
		}
		for _, r := range f.Softirqs.Rows {
			if r.Type == typ {
				return r.Total.V, r.Total.OK
			}
		}
		return 0, false
	}
}

// Title is the panel's name.
func (m *Model) Title() string { return "Softirqs" }

// SetSize sets the block the panel draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.render()
}

// Update takes frames (always) and keys (when focused).
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frames, m.win = msg.Frames, msg
		if m.sel == "" {
			m.sel = busiest(m.current())
		}
		m.chart, _ = m.chart.Update(msg)
		if !msg.Hidden { // the app routes the window again when it is shown
			m.render()
		}
	case tea.KeyMsg:
		step := max(m.cols()/4, 1)
		switch {
		case key.Matches(msg, m.keys.Prev):
			m.move(-1)
		case key.Matches(msg, m.keys.Next):
			m.move(+1)
		case key.Matches(msg, m.keys.Left):
			m.off -= step
		case key.Matches(msg, m.keys.Right):
			m.off += step
		default:
			return nil
		}
		m.render()
	}
	return nil
}

// move selects the type d rows away from the selected one, stopping at the ends.
func (m *Model) move(d int) {
	types := m.types()
	if len(types) == 0 {
		return
	}
	i := max(slices.Index(types, m.sel), 0)
	m.sel = types[min(max(i+d, 0), len(types)-1)]
}

func (m *Model) current() *derive.Frame {
	return views.FrameMsg{Frames: m.frames}.Current()
}

func (m *Model) types() []string {
	f := m.current()
	if f == nil || f.Softirqs == nil {
		return nil
	}
	out := make([]string, len(f.Softirqs.Rows))
	for i, r := range f.Softirqs.Rows {
		out[i] = r.Type
	}
	return out
}

// busiest is the type with the highest total, or "" while no rate is known.
func busiest(f *derive.Frame) string {
	if f == nil || f.Softirqs == nil {
		return ""
	}
	best, top := "", -1.0
	for _, r := range f.Softirqs.Rows {
		if r.Total.OK && r.Total.V > top {
			best, top = r.Type, r.Total.V
		}
	}
	return best
}

// View returns the cached rendering.
func (m *Model) View() string { return m.view }

// Offset is the first CPU column shown.
func (m *Model) Offset() int { return m.off }

// Selected is the charted type.
func (m *Model) Selected() string { return m.sel }

// grid builds the heat map of the current frame: one row per type in file order (so rows do
// not jump), then ksoftirqd's CPU time and mpstat %soft per CPU in the same columns.
func (m *Model) grid(f *derive.Frame) *heat.Grid {
	si := f.Softirqs
	g := &heat.Grid{Head: "softirq", CPUs: si.CPUs, Rows: make([]heat.Row, 0, len(si.Rows)+2)}
	for _, r := range si.Rows {
		g.Rows = append(g.Rows, heat.Row{Label: r.Type, Total: r.Total, Cells: r.PerCPU, Mark: r.Type == m.sel})
	}
	col := make(map[int]int, len(si.CPUs))
	for j, id := range si.CPUs {
		col[id] = j
	}
	kso := heat.Row{Label: "ksoftirqd %CPU", Pct: true, Cells: make([]derive.Val, len(si.CPUs))}
	if _, bad := views.NotOK(f, sources.SrcProcs); !bad && f.Procs != nil {
		sum, n := 0.0, 0
		for _, p := range f.Procs {
			id, ok := ksoftirqdCPU(p)
			j, in := col[id]
			if !ok || !in {
				continue
			}
			kso.Cells[j] = p.CPUPct
			if p.CPUPct.OK {
				sum += p.CPUPct.V
				n++
			}
		}
		if n > 0 {
			kso.Total = derive.Some(sum)
		}
	}
	soft := heat.Row{Label: "%soft (mpstat)", Pct: true, Cells: make([]derive.Val, len(si.CPUs))}
	for _, c := range f.CPU {
		if c.ID < 0 {
			soft.Total = c.Soft
			continue
		}
		if j, ok := col[c.ID]; ok {
			soft.Cells[j] = c.Soft
		}
	}
	g.Rows = append(g.Rows, kso, soft)
	return g
}

// ksoftirqdCPU is the CPU a ksoftirqd thread serves, from its name.
func ksoftirqdCPU(p derive.Proc) (int, bool) {
	if !p.Kernel || !strings.HasPrefix(p.Comm, ksoftirqdPrefix) {
		return 0, false
	}
	id, err := strconv.Atoi(p.Comm[len(ksoftirqdPrefix):])
	return id, err == nil
}

// cols is how many CPU columns fit now.
func (m *Model) cols() int {
	f := m.current()
	if f == nil || f.Softirqs == nil {
		return 0
	}
	return m.grid(f).Layout(m.width).Cols
}

func (m *Model) render() {
	th := m.th
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	title := th.Ink.Title.Paint("Softirqs") + th.Ink.Label.Paint(" runs/s per CPU, log scale ") + heat.LogLegend(th)
	lines := []string{title}
	f := m.current()
	m.setKeys(false, false)
	reason, bad := views.NotOK(f, sources.SrcSoftirqs)
	switch {
	case bad:
		m.view = views.Block(append(lines, th.Ink.Bad.Paint(reason)), m.width, m.height)
		return
	case f == nil || f.Softirqs == nil:
		m.view = views.Block(append(lines, th.Ink.Dim.Paint("waiting for the first sample")), m.width, m.height)
		return
	}
	g := m.grid(f)
	l := g.Layout(m.width)
	n := len(g.CPUs)
	m.off = min(max(m.off, 0), max(n-l.Cols, 0))
	over := l.Cols < n
	m.setKeys(len(f.Softirqs.Rows) > 1, over)
	if over && l.Cols > 0 {
		ind := fmt.Sprintf("CPUs %d-%d of %d ←→", g.CPUs[m.off], g.CPUs[m.off+l.Cols-1], n)
		lines[0] = views.Fit(title, max(m.width-views.Width(ind)-1, 0)) + " " + th.Ink.Dim.Paint(ind)
	}
	lines = append(lines, g.Render(th, m.width, m.off, 0, len(g.Rows))...)
	if ch := m.height - len(lines); ch >= chartMin {
		m.placeChart(ch)
		lines = append(lines, m.chart.View())
	}
	m.view = views.Block(strings.Split(strings.Join(lines, "\n"), "\n"), m.width, m.height)
}

// setKeys enables choosing a type when there is more than one, and scrolling when the CPU
// columns overflow, so that help never offers a key that does nothing.
func (m *Model) setKeys(types, scroll bool) {
	m.keys.Prev.SetEnabled(types)
	m.keys.Next.SetEnabled(types)
	m.keys.Left.SetEnabled(scroll)
	m.keys.Right.SetEnabled(scroll)
}

// placeChart rebuilds the chart when the selected type changed and resizes it when its room
// did; otherwise the chart already holds the current drawing.
func (m *Model) placeChart(h int) {
	if m.chartFor != m.sel {
		m.chart = tschart.New(m.th, m.interval, m.spec())
		m.chart, _ = m.chart.Update(m.win)
		m.chartFor, m.chartW, m.chartH = m.sel, 0, 0
	}
	if m.chartW != m.width || m.chartH != h {
		m.chart.SetSize(m.width, h)
		m.chartW, m.chartH = m.width, h
	}
}

// Tile is the busiest types with their rates, then ksoftirqd's busiest thread and %soft.
func (m *Model) Tile(w, h int) string { return m.tileLines(w, h).Block(w, h) }

// AppendTile appends Tile(w, h) to dst (views.TileAppender).
func (m *Model) AppendTile(dst []byte, w, h int) []byte {
	return m.tileLines(w, h).AppendBlock(dst, w, h)
}

// tileLines are the tile's lines at width w: the figures grid has, picked without building
// the grid (the tile is drawn every sample).
func (m *Model) tileLines(w, _ int) *views.Lines {
	th := m.th
	f := m.current()
	t := &m.tile
	items := &t.items
	items.Reset()
	items.Paint(th.Ink.Title, "softirq/s")
	if reason, bad := views.NotOK(f, sources.SrcSoftirqs); bad {
		items.Str(" ")
		items.Paint(th.Ink.Bad, reason)
		items.End()
		return items
	}
	if f == nil || f.Softirqs == nil {
		items.Str(" " + views.Missing)
		items.End()
		return items
	}
	items.End()
	si := f.Softirqs
	rows := append(t.rows[:0], si.Rows...)
	slices.SortStableFunc(rows, func(a, b derive.SoftirqRow) int { return cmp.Compare(b.Total.Or(-1), a.Total.Or(-1)) })
	for _, r := range rows {
		if r.Total.OK && r.Total.V == 0 && items.Len() > 1 {
			break // the rest are idle
		}
		items.Paint(th.Ink.Label, r.Type)
		items.Str(" ")
		items.PaintShort(th.Ink.Value, r.Total)
		items.End()
	}
	clear(rows) // the frame's rows are not kept past it
	t.rows = rows
	// grid's ksoftirqd row: each CPU's thread (the last one found for it), in the CPUs' order.
	kso := slices.Grow(t.kso[:0], len(si.CPUs))[:len(si.CPUs)]
	clear(kso)
	if _, bad := views.NotOK(f, sources.SrcProcs); !bad && f.Procs != nil {
		for _, p := range f.Procs {
			id, ok := ksoftirqdCPU(p)
			if j := slices.Index(si.CPUs, id); ok && j >= 0 {
				kso[j] = p.CPUPct
			}
		}
	}
	t.kso = kso
	top, at := derive.None, -1
	for j, v := range kso {
		if v.OK && (!top.OK || v.V > top.V) {
			top, at = v, si.CPUs[j]
		}
	}
	soft := derive.None // grid's %soft row's total: the all-CPU line's
	for _, c := range f.CPU {
		if c.ID < 0 {
			soft = c.Soft
		}
	}
	items.Paint(th.Ink.Label, "ksoftirqd max")
	items.Str(" ")
	var a [32]byte
	switch {
	case top.OK && top.V > 0:
		b := strconv.AppendFloat(a[:0], top.V, 'f', 1, 64)
		items.PaintBytes(th.Ink.Value, strconv.AppendInt(append(b, "% cpu"...), int64(at), 10))
	case top.OK:
		items.Paint(th.Ink.Value, "0.0%") // naming a CPU would suggest that one is busier
	default:
		items.Paint(th.Ink.Value, views.Missing)
	}
	items.End()
	items.Paint(th.Ink.Label, "%soft")
	items.Str(" ")
	items.PaintNum(th.Ink.Value, soft, 1)
	items.End()
	t.flow.Reset()
	items.FlowTo(&t.flow, w)
	return &t.flow
}

// tileBufs are what the tile draws with, kept from frame to frame.
type tileBufs struct {
	items, flow views.Lines
	rows        []derive.SoftirqRow
	kso         []derive.Val
}

// TileHeight wants two lines: the busiest types, then ksoftirqd and %soft.
func (m *Model) TileHeight(w int) (least, most int) { return 1, 2 }

// ShortHelp lists the panel's keys.
func (m *Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp lists the panel's keys.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Defs explains every number on the panel (docs/metrics.md, Softirqs).
func (m *Model) Defs() []views.Def {
	src := "/proc/softirqs"
	return []views.Def{
		{Name: "softirq", Meaning: "softirq type, file order (HI TIMER NET_TX NET_RX BLOCK IRQ_POLL TASKLET SCHED HRTIMER RCU)", Formula: "row name as printed", Source: src},
		{Name: "cell", Meaning: "handler runs per second of this type on this CPU (invocations, not time); columns are the possible CPUs of the header", Formula: "Δcount / Δt (32-bit counter)", Source: src + ", CPU column by id"},
		{Name: "/s", Meaning: "all CPUs present in both samples; — if any of them reset", Formula: "Σ per-CPU Δ / Δt", Source: src},
		{Name: "shade", Meaning: "log scale: blank is 0, then one shade per decade (<1, 1, 10, 100, 1k, … 10M+/s)", Formula: "2 + floor(log10(rate)), <1/s is 1", Source: "—"},
		{Name: "ksoftirqd %CPU", Meaning: "CPU time of the ksoftirqd/N thread, the CPU it serves: softirq work deferred out of interrupt exit; /s column sums them (% of one CPU)", Formula: "pidstat %CPU: Δ(utime+stime) / Δt", Source: "/proc/PID/stat of comm ksoftirqd/N"},
		{Name: "%soft (mpstat)", Meaning: "time in softirq on each CPU, ksoftirqd included; /s column is all CPUs", Formula: "Δsoftirq / Δtot × 100", Source: "/proc/stat cpuN"},
		{Name: "chart", Meaning: "history of the chosen type's total (↑↓ to choose)", Formula: "rows[type].total_s per sample", Source: src},
	}
}
