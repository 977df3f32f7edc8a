package cpupanel

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/cpu"
	"github.com/ktop-dev/ktop/views/theme"
	"github.com/ktop-dev/ktop/views/tschart"
)

// chartMin is the fewest lines the chart keeps when CPU rows compete for space.
const chartMin = 7

// Model is the CPU panel.
type Model struct {
	rows  cpu.Model
	chart tschart.Model
	tile  cpu.Model // a second rows model sized for the Overview tile

	width, height int
	rowsH         int // lines given to the rows; the chart has the rest
	laidOutCPUs   int
}

// New returns the CPU panel; interval labels the chart's time axis.
func New(th *theme.Theme, interval time.Duration) *Model {
	return &Model{rows: cpu.New(th), chart: tschart.New(th, interval, busySpec), tile: cpu.NewTile(th)}
}

// busySpec charts total CPU use: 100 − %idle of "all", mpstat's idle complement.
var busySpec = tschart.Spec{
	Title: "CPU busy", Subtitle: "all CPUs, 100-idle", Unit: "%", Max: 100,
	Series: []tschart.Series{{Name: "busy", Value: busy}},
}

func busy(f *derive.Frame) (float64, bool) {
	if len(f.CPU) == 0 || !f.CPU[0].Idle.OK {
		return 0, false
	}
	return 100 - f.CPU[0].Idle.V, true
}

// Title is the panel's name.
func (m *Model) Title() string { return "CPU" }

// SetSize lays out the rows (as many lines as every CPU needs, leaving the chart at least
// chartMin) and the chart below them.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.laidOutCPUs = m.rows.NumCPU()
	m.rowsH = m.rows.Want(w, h-chartMin)
	m.rows.SetSize(w, m.rowsH)
	m.chart.SetSize(w, h-m.rowsH)
}

// Update takes frames (always) and keys (when focused).
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.rows, _ = m.rows.Update(msg)
		// The tile is drawn by Tile, at the size the Overview asks for: drawing it here too
		// would be thrown away.
		tm := msg
		tm.Hidden = true
		m.tile, _ = m.tile.Update(tm)
		m.chart, _ = m.chart.Update(msg)
		if m.rows.NumCPU() != m.laidOutCPUs && m.width > 0 {
			m.SetSize(m.width, m.height) // first frame or hotplug: the rows need other room
		}
	case tea.KeyMsg:
		mode := m.rows.Mode()
		m.rows, cmd = m.rows.Update(msg)
		if m.rows.Mode() != mode && m.width > 0 {
			m.SetSize(m.width, m.height) // history rows are laid out differently from bars
		}
	}
	return cmd
}

// View joins the cached blocks.
func (m *Model) View() string {
	switch {
	case m.height <= 0:
		return ""
	case m.rowsH == 0: // shorter than the chart's minimum: the chart alone
		return m.chart.View()
	case m.rowsH == m.height:
		return m.rows.View()
	}
	return m.rows.View() + "\n" + m.chart.View()
}

// Offset is the first visible line of per-CPU rows.
func (m *Model) Offset() int { return m.rows.Offset() }

// Window is how many frames the chart draws.
func (m *Model) Window() int { return m.chart.Window() }

// Tile is the legend, "all" and as many CPUs as fit.
func (m *Model) Tile(w, h int) string {
	m.tile.SetSize(w, h)
	return m.tile.View()
}

// TileHeight wants every CPU row, and needs at least the legend and "all".
func (m *Model) TileHeight(w int) (least, most int) {
	return 2, m.tile.Want(w, 1<<20)
}

// ShortHelp lists the panel's keys.
func (m *Model) ShortHelp() []key.Binding { return m.rows.ShortHelp() }

// FullHelp lists the panel's keys.
func (m *Model) FullHelp() [][]key.Binding { return m.rows.FullHelp() }

// Defs explains the columns.
func (m *Model) Defs() []views.Def {
	src := "/proc/stat cpuN lines (ticks)"
	return []views.Def{
		{Name: "usr", Meaning: "user time, guest excluded (mpstat %usr)", Formula: "(Δuser − Δguest) / Δtot × 100", Source: src},
		{Name: "nice", Meaning: "niced user time, guest_nice excluded", Formula: "(Δnice − Δguest_nice) / Δtot × 100", Source: src},
		{Name: "sys", Meaning: "kernel time", Formula: "Δsystem / Δtot × 100", Source: src},
		{Name: "irq", Meaning: "hard interrupt time (0 without CONFIG_IRQ_TIME_ACCOUNTING)", Formula: "Δirq / Δtot × 100", Source: src},
		{Name: "soft", Meaning: "softirq time, ksoftirqd included", Formula: "Δsoftirq / Δtot × 100", Source: src},
		{Name: "steal", Meaning: "time the hypervisor ran something else while this vCPU wanted to run", Formula: "Δsteal / Δtot × 100", Source: src},
		{Name: "guest", Meaning: "time running a guest VM (inside usr in the kernel's counters)", Formula: "(Δguest + Δguest_nice) / Δtot × 100", Source: src},
		{Name: "iowait", Meaning: "idle with I/O outstanding; unreliable per the kernel docs", Formula: "Δiowait / Δtot × 100", Source: src},
		{Name: "busy", Meaning: "everything but idle", Formula: "100 − %idle", Source: src},
		{Name: "gu", Meaning: "guest + guest_nice on the all row (the bars' g segment per CPU)", Formula: "(Δguest + Δguest_nice) / Δtot × 100", Source: src},
		{Name: "heat cell", Meaning: "from 64 CPUs on, one cell per CPU instead of a bar: busy % in nine equal shades, ! when steal ≥ 5 %", Formula: "100 − %idle", Source: src},
		{Name: "history", Meaning: "v: one row per CPU, one cell per sample of the chart's window, newest right, shaded by busy %, ! when steal ≥ 5 %", Formula: "100 − %idle per sample", Source: src},
		{Name: "Δtot", Meaning: "mpstat's denominator (guest not added again)", Formula: "Δ(user+nice+system+idle+iowait+irq+softirq+steal)", Source: src},
	}
}
