package cpu

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

const (
	// fixedLines are the legend line and the "all" row above the per-CPU rows.
	fixedLines = 2
	// numsWidth is " 100.0% st 100.0" after the bar.
	numsWidth = 16
	// minBar is the narrowest bar worth a column of its own.
	minBar = 15
	// colGap separates columns of CPU rows.
	colGap = 2
)

// Model is the CPU panel.
type Model struct {
	th     *theme.Theme
	keys   KeyMap
	frame  *derive.Frame
	width  int
	height int
	offset int // first visible line of per-CPU rows
	view   string
}

// New returns an empty CPU panel.
func New(th *theme.Theme) Model {
	m := Model{th: th, keys: DefaultKeyMap()}
	m.render()
	return m
}

// NumCPU is how many per-CPU rows the current frame has.
func (m Model) NumCPU() int {
	if m.frame == nil || len(m.frame.CPU) == 0 {
		return 0
	}
	return len(m.frame.CPU) - 1
}

// Want is the height the panel needs at width w to show every CPU, using as many columns as
// the width allows, capped at maxH.
func (m Model) Want(w, maxH int) int {
	n := m.NumCPU()
	_, rows := grid(n, w, maxH-fixedLines, m.nameWidth())
	return max(min(fixedLines+rows, maxH), 0)
}

// grid picks the column count: the fewest columns that fit avail lines, but no more than the
// width holds; rows is the number of lines all n CPUs then need.
func grid(n, w, avail, nw int) (cols, rows int) {
	if n == 0 {
		return 1, 0
	}
	maxCols := max(1, (w+colGap)/(nw+1+minBar+numsWidth+colGap))
	cols = maxCols
	if avail > 0 {
		cols = min(maxCols, (n+avail-1)/avail)
	}
	cols = max(cols, 1)
	return cols, (n + cols - 1) / cols
}

// SetSize sets the block the panel draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.clampOffset()
	m.render()
}

// Update takes frames and, when focused by the root, scroll keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frame = msg.Current()
		m.clampOffset()
		m.render()
	case tea.KeyMsg:
		page := max(m.visibleLines(), 1)
		switch {
		case key.Matches(msg, m.keys.Up):
			m.offset--
		case key.Matches(msg, m.keys.Down):
			m.offset++
		case key.Matches(msg, m.keys.PageUp):
			m.offset -= page
		case key.Matches(msg, m.keys.PageDown):
			m.offset += page
		case key.Matches(msg, m.keys.Top):
			m.offset = 0
		case key.Matches(msg, m.keys.Bottom):
			m.offset = math.MaxInt32
		default:
			return m, nil
		}
		m.clampOffset()
		m.render()
	}
	return m, nil
}

// View returns the cached rendering.
func (m Model) View() string { return m.view }

// ShortHelp is the panel's keys for the status line (empty while nothing scrolls).
func (m Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp is the panel's keys for the help screen.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Offset is the first visible line of per-CPU rows.
func (m Model) Offset() int { return m.offset }

func (m *Model) visibleLines() int { return max(m.height-fixedLines, 0) }

func (m *Model) layout() (cols, rows int) {
	return grid(m.NumCPU(), m.width, m.visibleLines(), m.nameWidth())
}

// clampOffset keeps the scroll inside the rows and enables the scroll keys only when the rows
// overflow.
func (m *Model) clampOffset() {
	_, rows := m.layout()
	maxOff := max(rows-m.visibleLines(), 0)
	m.offset = min(max(m.offset, 0), maxOff)
	m.keys.setEnabled(maxOff > 0)
}

func (m *Model) nameWidth() int {
	nw := 3 // "all"
	if m.frame != nil {
		for _, c := range m.frame.CPU {
			nw = max(nw, len(c.Name))
		}
	}
	return nw
}

func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	lines := make([]string, 0, m.height)
	cols, rows := m.layout()
	vis := m.visibleLines()
	legend := m.legend()
	if rows > vis {
		last := min(m.offset+vis, rows)
		ind := m.th.Dim.Render(fmt.Sprintf("↕ lines %d-%d of %d", m.offset+1, last, rows))
		legend = views.Fit(legend, max(m.width-ansi.StringWidth(ind)-1, 0)) + " " + ind
	}
	lines = append(lines, legend)
	f := m.frame
	if f == nil || len(f.CPU) == 0 {
		all := m.row(derive.CPU{Name: "all"}, m.width, 3)
		if r, bad := views.NotOK(f, sources.SrcStat); bad {
			all = m.th.Title.Render("all") + " " + m.th.Bad.Render(r)
		}
		m.view = views.Block(append(lines, all), m.width, m.height)
		return
	}
	nw := m.nameWidth()
	lines = append(lines, m.row(f.CPU[0], m.width, nw))
	cpus := f.CPU[1:]
	colW := (m.width - (cols-1)*colGap) / cols
	gap := strings.Repeat(" ", colGap)
	for r := m.offset; r < rows && r < m.offset+vis; r++ {
		var b strings.Builder
		for c := range cols {
			i := c*rows + r
			if i >= len(cpus) {
				break
			}
			if c > 0 {
				b.WriteString(gap)
			}
			b.WriteString(views.Fit(m.row(cpus[i], colW, nw), colW))
		}
		lines = append(lines, b.String())
	}
	m.view = views.Block(lines, m.width, m.height)
}

// legend names the bar's segments with their colour (or letter without colour).
func (m *Model) legend() string {
	var b strings.Builder
	b.WriteString(m.th.Title.Render("CPU"))
	for i := range theme.NSeg {
		b.WriteByte(' ')
		g := string(m.th.SegGlyph[i])
		if !m.th.Color {
			g += "="
		}
		b.WriteString(m.th.Seg[i].Render(g))
		b.WriteString(m.th.Label.Render(theme.SegNames[i]))
	}
	b.WriteString(m.th.Label.Render("  busy=100-idle"))
	return b.String()
}

// segments are the bar's parts in theme.Seg order; guest includes gnice.
func segments(c derive.CPU) (v [theme.NSeg]float64, ok bool) {
	if !c.Idle.OK {
		return v, false
	}
	v[theme.SegUsr] = c.Usr.Or(0)
	v[theme.SegNice] = c.Nice.Or(0)
	v[theme.SegSys] = c.Sys.Or(0)
	v[theme.SegIRQ] = c.IRQ.Or(0)
	v[theme.SegSoft] = c.Soft.Or(0)
	v[theme.SegSteal] = c.Steal.Or(0)
	v[theme.SegGuest] = c.Guest.Or(0) + c.Gnice.Or(0)
	v[theme.SegIowait] = c.Iowait.Or(0)
	return v, true
}

// cells splits a bar of width w into segment lengths. Boundaries are rounded from the running
// sum, so the lengths add up to round(total·w/100) and no rounding error piles up.
func cells(v [theme.NSeg]float64, w int) (n [theme.NSeg]int) {
	cum, prev := 0.0, 0
	for i, x := range v {
		cum += max(x, 0)
		end := min(int(math.Round(cum*float64(w)/100)), w)
		n[i] = max(end-prev, 0)
		prev = max(prev, end)
	}
	return n
}

// row renders one CPU: name, stacked bar, busy % and steal %, within width w.
func (m *Model) row(c derive.CPU, w, nw int) string {
	th := m.th
	var b strings.Builder
	name := fmt.Sprintf("%*s", nw, c.Name)
	if c.ID < 0 {
		b.WriteString(th.Title.Render(name))
	} else {
		b.WriteString(th.Label.Render(name))
	}
	b.WriteByte(' ')
	bw := w - nw - 1 - numsWidth
	if bw > 0 {
		v, ok := segments(c)
		used := 0
		if ok {
			n := cells(v, bw)
			for i, k := range n {
				if k > 0 {
					b.WriteString(th.Seg[i].Render(strings.Repeat(string(th.SegGlyph[i]), k)))
					used += k
				}
			}
		}
		b.WriteString(th.Track.Render(strings.Repeat(string(th.TrackRune), bw-used)))
	}
	busy := views.Missing + " "
	if c.Idle.OK {
		busy = fmt.Sprintf("%.1f%%", 100-c.Idle.V)
	}
	st := views.Num(c.Steal, 1)
	stStyle := th.Value
	if c.Steal.OK && c.Steal.V >= 5 {
		stStyle = th.Warn // steal above a few % means the hypervisor is taking CPU away
	}
	fmt.Fprintf(&b, " %s %s %s", th.Value.Render(fmt.Sprintf("%6s", busy)), th.Label.Render("st"), stStyle.Render(fmt.Sprintf("%5s", st)))
	return b.String()
}
