package runqpanel

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
	"github.com/ktop-dev/ktop/views/tschart"
)

const (
	// chartMin is the fewest lines worth giving the chart.
	chartMin = 6
	// cellW is one CPU's entry in the wait table: "cpu wait/slc avg_wait slices/s R|busy",
	// narrow enough for two columns in 80 cells.
	cellW = 38
	// lastW is the entry's last column, "R now" or "busy%".
	lastW = 5
	// colGap separates columns of the table.
	colGap = 3
	// psiWarn is the PSI some avg10 above which CPU pressure is worth a look (the checklist's).
	psiWarn = 10
)

// Model is the Run queue panel.
type Model struct {
	th     *theme.Theme
	keys   KeyMap
	frames []*derive.Frame
	zoomed bool // the window's frames are points over several samples each (FrameMsg.Span)
	chart  tschart.Model

	width, height int
	off           int // first line of the wait table shown
	cols, tableH  int // the table's layout: columns and lines (heading included)
	chartW        int
	chartH        int
	view          string
	// items and flow are the summary's items and their lines, kept for the next frame.
	items, flow views.Lines
}

// New returns the Run queue panel; interval labels the chart's time axis.
func New(th *theme.Theme, interval time.Duration) *Model {
	spec := tschart.Spec{
		Title: "Run queue", Subtitle: "runnable (sar -q runq-sz) vs online CPUs",
		Series: []tschart.Series{
			{Name: "runnable", Value: runnable},
			{Name: "CPUs", Value: ncpu, Style: th.Dim},
		},
	}
	m := &Model{th: th, keys: DefaultKeyMap(), chart: tschart.New(th, interval, spec)}
	m.render()
	return m
}

func runnable(f *derive.Frame) (float64, bool) { return f.Runq.V, f.Runq.OK }

func ncpu(f *derive.Frame) (float64, bool) { return float64(f.NCPU), f.NCPU > 0 }

// saturated is true when more tasks are runnable than there are CPUs to run them.
func saturated(f *derive.Frame) bool { return f.Runq.OK && f.NCPU > 0 && f.Runq.V > float64(f.NCPU) }

// Title is the panel's name.
func (m *Model) Title() string { return "Run queue" }

// SetSize sets the block the panel draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.render()
}

// Update takes frames (always) and keys (when focused).
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frames, m.zoomed = msg.Frames, msg.Span > 0
		m.chart, _ = m.chart.Update(msg)
		if !msg.Hidden { // the app routes the window again when it is shown
			m.render()
		}
	case tea.KeyMsg:
		page := max(m.tableH-2, 1)
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
		default:
			return nil
		}
		m.render()
	}
	return nil
}

// View returns the cached rendering.
func (m *Model) View() string { return m.view }

// Offset is the first line of the wait table shown.
func (m *Model) Offset() int { return m.off }

func (m *Model) current() *derive.Frame { return views.FrameMsg{Frames: m.frames}.Current() }

// summary writes the panel's first items to items: queue against CPUs, blocked, load,
// pressure, switches and forks, then how much of the window was saturated; the panel and the
// tile flow them at their own widths.
func (m *Model) summary(items *views.Lines, f *derive.Frame) {
	th := m.th
	val, warn := th.Ink.Value, th.Ink.Warn
	label := func(s string) { items.Paint(th.Ink.Label, s); items.Str(" ") }
	if f == nil {
		f = &derive.Frame{}
	}
	var a [64]byte
	if r, bad := views.NotOK(f, sources.SrcStat); bad {
		items.Item(th.Ink.Label, "runq", th.Ink.Bad, r)
	} else {
		st := val
		if saturated(f) {
			st = warn
		}
		b := views.AppendNum(a[:0], f.Runq, 0)
		b = append(b, '/')
		if f.NCPU > 0 {
			b = strconv.AppendInt(b, int64(f.NCPU), 10)
		} else {
			b = append(b, views.Missing...)
		}
		label("runq")
		items.PaintBytes(st, append(b, "cpu"...))
		items.End()
		label("blk")
		items.PaintNum(val, f.Blocked, 0)
		items.End()
	}
	switch r, bad := views.NotOK(f, sources.SrcLoadavg); {
	case bad:
		items.Item(th.Ink.Label, "load", th.Ink.Bad, r)
	case f.Load == nil:
		items.Item(th.Ink.Label, "load", val, views.Missing)
	default:
		st := val
		if f.NCPU > 0 && f.Load.Avg1 > float64(f.NCPU) {
			st = warn
		}
		b := views.AppendLoad(a[:0], f.Load)
		label("load")
		items.PaintBytes(st, b)
		items.End()
		b = strconv.AppendInt(a[:0], int64(f.Load.Runnable), 10)
		b = strconv.AppendInt(append(b, '/'), int64(f.Load.Threads), 10)
		label("R/T")
		items.PaintBytes(val, b)
		items.End()
	}
	switch r, bad := views.NotOK(f, sources.SrcPSI); {
	case bad:
		items.Item(th.Ink.Label, "PSI cpu", th.Ink.Dim, r)
	case f.PSI == nil || f.PSI.CPU == nil || f.PSI.CPU.Some == nil:
		items.Item(th.Ink.Label, "PSI cpu", val, views.Missing)
	default:
		s := f.PSI.CPU.Some
		st := val
		if s.Avg10 > psiWarn {
			st = warn
		}
		label("PSI cpu some")
		items.PaintBytes(val, append(views.AppendNum(a[:0], s.Stall, 1), '%'))
		items.End()
		label("avg10")
		items.PaintBytes(st, strconv.AppendFloat(a[:0], s.Avg10, 'f', 2, 64))
		items.End()
	}
	label("cs/s")
	items.PaintShort(val, f.CswchS)
	items.End()
	label("forks/s")
	items.PaintShort(val, f.ProcS)
	items.End()
	sat, n := 0, 0
	for _, fr := range m.frames {
		if fr.Runq.OK && fr.NCPU > 0 {
			n++
			if saturated(fr) {
				sat++
			}
		}
	}
	st := val
	if sat > 0 {
		st = warn
	}
	label("saturated")
	if n == 0 { // no sample with a run queue: unknown, not "0 of 0"
		items.Paint(st, views.Missing)
	} else {
		// Zoomed out, a frame is a point standing for several samples (read at its last, or
		// a block's first in a long replay): the count is of points, not samples.
		unit := " samples"
		if m.zoomed {
			unit = " points"
		}
		b := strconv.AppendInt(a[:0], int64(sat), 10)
		b = strconv.AppendInt(append(b, '/'), int64(n), 10)
		items.PaintBytes(st, append(b, unit...))
	}
	items.End()
}

// grid picks the table's columns: the fewest that fit avail lines, but no more than the width
// holds; rows is the lines all n CPUs then need.
func grid(n, w, avail int) (cols, rows int) {
	if n == 0 {
		return 1, 0
	}
	maxCols := max(1, (w+colGap)/(cellW+colGap))
	cols = maxCols
	if avail > 0 {
		cols = min(maxCols, (n+avail-1)/avail)
	}
	cols = max(cols, 1)
	return cols, (n + cols - 1) / cols
}

func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	f := m.current()
	m.items.Reset()
	m.summary(&m.items, f)
	m.flow.Reset()
	m.items.FlowTo(&m.flow, m.width)
	lines := make([]string, min(m.flow.Len(), m.height))
	for i := range lines {
		lines[i] = string(m.flow.Line(i))
	}
	rest := m.height - len(lines)

	// The table wants two heading lines and its rows; it may take up to half of what is left
	// before it flows into more columns, and always leaves the chart chartMin lines.
	var cpus []derive.SchedCPU
	if f != nil && f.Sched != nil {
		cpus = f.Sched.CPU
	}
	target := rest - max(chartMin, rest/2)
	var rows int
	m.cols, rows = grid(len(cpus), m.width, target-2)
	want := 2 + rows
	if len(cpus) == 0 {
		want = 2
	}
	m.tableH = min(want, max(rest-chartMin, min(rest, 2)))
	chartH := rest - m.tableH
	if chartH < chartMin {
		m.tableH += chartH
		chartH = 0
	}
	vis := max(m.tableH-2, 0)
	m.off = min(max(m.off, 0), max(rows-vis, 0))
	m.keys.setEnabled(rows > vis && len(cpus) > 0)

	lines = append(lines, m.table(f, cpus, rows, vis)...)
	top := views.Block(lines, m.width, m.height-chartH)
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

// table is the per-CPU wait: a line naming the source, the column heading, and the visible
// rows (CPUs flow down, then across).
func (m *Model) table(f *derive.Frame, cpus []derive.SchedCPU, rows, vis int) []string {
	th := m.th
	head := th.Ink.Title.Paint("Per-CPU wait") + " "
	if r, bad := views.NotOK(f, sources.SrcSchedstat); bad {
		return []string{head + th.Ink.Bad.Paint(r)}
	}
	if f == nil || f.Sched == nil {
		return []string{head + th.Ink.Dim.Paint("waiting for the first sample")}
	}
	fallback := f.Sched.Source == derive.SchedFromTasks
	src := th.Ink.Label.Paint("source ") + th.Ink.Value.Paint(f.Sched.Source)
	if st, ok := f.Status[sources.SrcSchedstat]; ok && st.Reason != "" {
		src += th.Ink.Label.Paint(": " + st.Reason)
	}
	if rows > vis && vis > 0 {
		ind := fmt.Sprintf("lines %d-%d of %d", m.off+1, m.off+vis, rows)
		src = views.Fit(src, max(m.width-views.Width(head)-views.Width(ind)-1, 0)) + " " + th.Ink.Dim.Paint(ind)
	}
	out := []string{head + src}
	last := "busy%"
	if fallback {
		last = "R now"
	}
	one := th.Ink.Label.Paint(fmt.Sprintf("%4s %9s %8s %8s %*s", "cpu", "wait/slc", "avg wait", "slices/s", lastW, last))
	gap := strings.Repeat(" ", colGap)
	var hb strings.Builder
	for c := range m.cols {
		if c > 0 {
			hb.WriteString(gap)
		}
		hb.WriteString(one)
	}
	out = append(out, hb.String())
	for r := m.off; r < rows && r < m.off+vis; r++ {
		var b strings.Builder
		for c := range m.cols {
			i := c*rows + r
			if i >= len(cpus) {
				break
			}
			if c > 0 {
				b.WriteString(gap)
			}
			b.WriteString(m.entry(cpus[i], fallback))
		}
		out = append(out, b.String())
	}
	return out
}

// entry is one CPU of the table, cellW wide.
func (m *Model) entry(c derive.SchedCPU, fallback bool) string {
	th := m.th
	aw := th.Ink.Value
	if c.AvgWait.OK && c.AvgWait.V >= 1 {
		aw = th.Ink.Warn // on average a task was always waiting for this CPU
	}
	last := views.Num(c.BusyPct, 1)
	if fallback {
		last = views.Num(c.Runnable, 0)
	}
	return th.Ink.Label.Paint(fmt.Sprintf("%4d", c.ID)) + " " +
		th.Ink.Value.Paint(fmt.Sprintf("%6s ms", waitMs(c.WaitMs))) + " " +
		aw.Paint(fmt.Sprintf("%8s", views.Num(c.AvgWait, 2))) + " " +
		th.Ink.Value.Paint(fmt.Sprintf("%8s", views.ShortVal(c.SlicesS))) + " " +
		th.Ink.Value.Paint(fmt.Sprintf("%*s", lastW, last))
}

// waitMs keeps three significant digits across the range a slice's wait spans (µs to s).
func waitMs(v derive.Val) string {
	var a [32]byte
	return string(appendWaitMs(a[:0], v))
}

// appendWaitMs appends waitMs(v) to dst.
func appendWaitMs(dst []byte, v derive.Val) []byte {
	switch {
	case !v.OK:
		return append(dst, views.Missing...)
	case v.V < 1:
		return strconv.AppendFloat(dst, v.V, 'f', 3, 64)
	case v.V < 10:
		return strconv.AppendFloat(dst, v.V, 'f', 2, 64)
	case v.V < 1000:
		return strconv.AppendFloat(dst, v.V, 'f', 1, 64)
	}
	return strconv.AppendFloat(dst, v.V, 'f', 0, 64)
}

// Tile is the queue against the CPUs, blocked, load and CPU pressure, then switches, forks and
// the CPU whose tasks waited longest per slice.
func (m *Model) Tile(w, h int) string { return m.tileLines(w, h).Block(w, h) }

// AppendTile appends Tile(w, h) to dst (views.TileAppender).
func (m *Model) AppendTile(dst []byte, w, h int) []byte {
	return m.tileLines(w, h).AppendBlock(dst, w, h)
}

// tileLines are the tile's lines at width w.
func (m *Model) tileLines(w, _ int) *views.Lines {
	f := m.current()
	items := &m.items
	items.Reset()
	m.summary(items, f)
	if f != nil && f.Sched != nil {
		var top *derive.SchedCPU
		for i := range f.Sched.CPU {
			c := &f.Sched.CPU[i]
			if c.WaitMs.OK && (top == nil || c.WaitMs.V > top.WaitMs.V) {
				top = c
			}
		}
		if top != nil {
			var a [32]byte
			items.Paint(m.th.Ink.Label, "wait max ")
			items.PaintBytes(m.th.Ink.Value, append(appendWaitMs(a[:0], top.WaitMs), " ms"...))
			items.PaintBytes(m.th.Ink.Label, strconv.AppendInt(append(a[:0], " cpu"...), int64(top.ID), 10))
			items.End()
		}
	}
	m.flow.Reset()
	items.FlowTo(&m.flow, w)
	return &m.flow
}

// TileHeight wants the summary and the longest wait.
func (m *Model) TileHeight(w int) (least, most int) { return 1, 3 }

// ShortHelp lists the panel's keys.
func (m *Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp lists the panel's keys.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Defs explains every number on the panel (docs/metrics.md: Header, Pressure, Scheduler).
func (m *Model) Defs() []views.Def {
	sched := "/proc/schedstat cpuN f7-f9, or Σ /proc/PID/task/TID/schedstat by the thread's last CPU (stat field 39)"
	return []views.Def{
		{Name: "runq", Meaning: "runnable tasks, ktop itself excluded (sar -q runq-sz; vmstat r is one higher). Saturated when above the CPU count. htop caps its \"running\" at the CPU count; ktop does not, so the excess shows", Formula: "procs_running − 1", Source: "/proc/stat procs_running"},
		{Name: "cpu", Meaning: "online CPUs, the line the chart compares runq with", Formula: "count", Source: "/sys/devices/system/cpu/online"},
		{Name: "blk", Meaning: "tasks blocked in uninterruptible I/O wait (vmstat b)", Formula: "as read", Source: "/proc/stat procs_blocked"},
		{Name: "load", Meaning: "1, 5 and 15 min load averages: runnable and D-state tasks, damped", Formula: "as read", Source: "/proc/loadavg fields 1-3"},
		{Name: "R/T", Meaning: "runnable scheduling entities now / all that exist (sar -q plist-sz)", Formula: "as read", Source: "/proc/loadavg field 4"},
		{Name: "PSI cpu some", Meaning: "share of the interval in which some task waited for a CPU", Formula: "Δtotal / (Δt × 10⁶) × 100", Source: "/proc/pressure/cpu some total="},
		{Name: "avg10", Meaning: "the kernel's 10 s running average of the same; above 10 is worth a look", Formula: "as read", Source: "/proc/pressure/cpu some avg10="},
		{Name: "cs/s", Meaning: "context switches per second (vmstat cs, sar -w cswch/s)", Formula: "Δctxt / Δt", Source: "/proc/stat ctxt"},
		{Name: "forks/s", Meaning: "processes created per second (sar -w proc/s): high with little visible CPU means short-lived processes", Formula: "Δprocesses / Δt", Source: "/proc/stat processes"},
		{Name: "saturated", Meaning: "samples (points, zoomed out) in the chart's window whose runq exceeded the CPU count", Formula: "count(runq > ncpu)", Source: "—"},
		{Name: "wait/slc", Meaning: "mean time a task waited on this CPU's run queue per timeslice it then ran. Wait is credited when the waiting task finally runs, so it is spiky and a starving task shows up late", Formula: "Δwait_ns / Δtimeslices / 10⁶", Source: sched},
		{Name: "avg wait", Meaning: "time-average number of tasks waiting (not running) on this CPU; 1 or more means always someone queued", Formula: "Δwait_ns / Δt_ns", Source: sched},
		{Name: "slices/s", Meaning: "timeslices run per second on this CPU", Formula: "Δtimeslices / Δt", Source: sched},
		{Name: "busy%", Meaning: "schedstat only: time running tasks", Formula: "Δrun_ns / Δt_ns × 100", Source: "/proc/schedstat cpuN f7"},
		{Name: "R now", Meaning: "task fallback only: threads in state R whose last CPU is this one (ktop's reading thread is one)", Formula: "count now", Source: "/proc/PID/task/TID/stat fields 3, 39"},
		{Name: "source", Meaning: "\"schedstat\", or \"task-fallback\" without CONFIG_SCHEDSTATS: undercounts exiting threads, credits a migrating thread to its last CPU, misses hidden threads", Formula: "—", Source: "status.schedstat"},
	}
}
