package cpu

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/heat"
	"github.com/ktop-dev/ktop/views/theme"
)

const (
	// fixedLines are the legend line and the "all" row above the per-CPU rows.
	fixedLines = 2
	// numsWidth is " 100.0% st 100.0" after the bar.
	numsWidth = 16
	// guestWidth is " gu 100.0", written on the "all" row only so that CPU columns stay narrow.
	guestWidth = 9
	// minBar is the narrowest bar worth a column of its own.
	minBar = 15
	// colGap separates columns of CPU rows.
	colGap = 2
	// heatFrom is the CPU count from which the bars become a heat grid: 64 bars take 32 lines
	// even in two columns, a grid of one cell per CPU a line or two.
	heatFrom = 64
	// heatGroup is how many cells the grid puts between spaces, so that a CPU can be counted.
	heatGroup = 8
	// stealWarn is the steal % from which a CPU is marked: the hypervisor is taking CPU away.
	stealWarn = 5
	// histNums is " 100.0%" after a history strip; minStrip the narrowest strip worth a column.
	histNums = 7
	minStrip = 10
)

// Mode is what the per-CPU rows show.
type Mode int

const (
	// Bars is each CPU now: stacked bars, or a heat grid from heatFrom CPUs on.
	Bars Mode = iota
	// History is each CPU over the window: one cell per sample, shaded by busy %.
	History
)

// kind is how the rows are drawn: it follows from the mode and the CPU count.
type kind int

const (
	kindBars kind = iota
	kindHeat
	kindHistory
	nKinds
)

// Model is the CPU panel.
type Model struct {
	th     *theme.Theme
	keys   KeyMap
	frames []*derive.Frame
	frame  *derive.Frame
	mode   Mode
	width  int
	height int
	offset int // first visible line of per-CPU rows
	// compact is the Overview's tile: where the bars do not all fit, it first drops the
	// legend line, then draws the heat grid, rather than show a few CPUs and scroll.
	compact bool
	view    string
	legends *[nKinds]string // each kind's legend, drawn once: it depends on the theme alone
	buf     *views.Lines    // the bar rows' lines, kept for the next frame (render)
}

// New returns an empty CPU panel.
func New(th *theme.Theme) Model {
	m := Model{th: th, keys: DefaultKeyMap()}
	m.keys.View.SetEnabled(false)
	m.render()
	return m
}

// NewTile returns the CPU rows for the Overview's tile, which show every CPU they can
// without scrolling (see Model.compact).
func NewTile(th *theme.Theme) Model {
	m := New(th)
	m.compact = true
	return m
}

// NumCPU is how many per-CPU rows the current frame has.
func (m Model) NumCPU() int {
	if m.frame == nil || len(m.frame.CPU) == 0 {
		return 0
	}
	return len(m.frame.CPU) - 1
}

// Mode is what the rows show now.
func (m Model) Mode() Mode { return m.mode }

// Want is the height the panel needs at width w to show every CPU, using as many columns as
// the width allows, capped at maxH.
func (m Model) Want(w, maxH int) int {
	_, rows := m.layoutAt(m.kind(), w, maxH-fixedLines)
	return max(min(fixedLines+rows, maxH), 0)
}

func (m Model) kind() kind {
	switch {
	case m.mode == History:
		return kindHistory
	case m.NumCPU() >= heatFrom:
		return kindHeat
	}
	return kindBars
}

// shape is how the rows are drawn at the current size: their kind, and whether the legend
// line is shown. Only the compact tile differs from kind() with a legend: when its bars do not
// all fit, they go without the legend if that is enough (a few CPUs), else every CPU becomes a
// heat cell (one line holds dozens).
func (m Model) shape() (k kind, legend bool) {
	k = m.kind()
	if !m.compact || k != kindBars {
		return k, true
	}
	if _, rows := m.layoutAt(k, m.width, m.height-fixedLines); rows <= m.height-fixedLines {
		return k, true
	}
	if _, rows := m.layoutAt(k, m.width, m.height-1); rows <= m.height-1 {
		return k, false
	}
	return kindHeat, true
}

// layoutAt is the column count and the lines every CPU needs as k at width w with avail lines.
func (m Model) layoutAt(k kind, w, avail int) (cols, rows int) {
	n, nw := m.NumCPU(), m.nameWidth()
	switch k {
	case kindHeat:
		per := heatPerLine(w, nw)
		return 1, (n + per - 1) / per
	case kindHistory:
		return grid(n, w, avail, nw+1+minStrip+histNums)
	}
	return grid(n, w, avail, nw+1+minBar+numsWidth)
}

// grid picks the column count: the fewest columns that fit avail lines, but no more than the
// width holds for items of itemW; rows is the number of lines all n CPUs then need.
func grid(n, w, avail, itemW int) (cols, rows int) {
	if n == 0 {
		return 1, 0
	}
	maxCols := max(1, (w+colGap)/(itemW+colGap))
	cols = maxCols
	if avail > 0 {
		cols = min(maxCols, (n+avail-1)/avail)
	}
	cols = max(cols, 1)
	return cols, (n + cols - 1) / cols
}

// heatPerLine is how many cells a heat grid line holds after the name: whole groups of
// heatGroup with a space after each, or one cell per column when not even a group fits.
func heatPerLine(w, nw int) int {
	avail := w - nw - 1
	if g := (avail + 1) / (heatGroup + 1); g > 0 {
		return g * heatGroup
	}
	return max(avail, 1)
}

// SetSize sets the block the panel draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.clampOffset()
	m.render()
}

// Update takes frames and, when focused by the root, scroll and view keys.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frames = msg.Frames
		m.frame = msg.Current()
		m.keys.View.SetEnabled(m.NumCPU() > 0)
		m.clampOffset()
		if !msg.Hidden { // drawn when a window comes while shown, or at SetSize
			m.render()
		}
	case tea.KeyMsg:
		page := max(m.visibleLines(), 1)
		switch {
		case key.Matches(msg, m.keys.View):
			m.mode = 1 - m.mode
			m.offset = 0
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

// ShortHelp is the panel's keys for the status line (scrolling only while something scrolls).
func (m Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp is the panel's keys for the help screen.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Offset is the first visible line of per-CPU rows.
func (m Model) Offset() int { return m.offset }

// visibleLines is the lines left for per-CPU rows below the legend (when shown) and "all".
func (m *Model) visibleLines() int {
	if _, legend := m.shape(); !legend {
		return max(m.height-1, 0)
	}
	return max(m.height-fixedLines, 0)
}

func (m *Model) layout() (cols, rows int) {
	k, _ := m.shape()
	return m.layoutAt(k, m.width, m.visibleLines())
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
	k, withLegend := m.shape()
	if withLegend {
		if m.legends == nil {
			m.legends = new([nKinds]string)
		}
		if m.legends[k] == "" {
			m.legends[k] = m.legend(k)
		}
		legend := m.legends[k]
		if rows > vis {
			last := min(m.offset+vis, rows)
			ind := m.th.Ink.Dim.Paint(fmt.Sprintf("↕ lines %d-%d of %d", m.offset+1, last, rows))
			legend = views.Fit(legend, max(m.width-views.Width(ind)-1, 0)) + " " + ind
		}
		lines = append(lines, legend)
	}
	f := m.frame
	if f == nil || len(f.CPU) == 0 {
		all := m.row(derive.CPU{Name: "all"}, m.width, 3, true)
		if r, bad := views.NotOK(f, sources.SrcStat); bad {
			all = m.th.Ink.Title.Paint("all") + " " + m.th.Ink.Bad.Paint(r)
		}
		m.view = views.Block(append(lines, all), m.width, m.height)
		return
	}
	// The lines are written into a buffer kept from frame to frame (shared by the model's
	// copies), so that the block is the one string a frame makes of them.
	if m.buf == nil {
		m.buf = new(views.Lines)
	}
	l := m.buf
	l.Reset()
	for _, s := range lines {
		l.Str(s)
		l.End()
	}
	nw := m.nameWidth()
	if k == kindHistory {
		l.Str(m.strip(f.CPU[0], m.width, nw))
	} else {
		l.B = m.appendRow(l.B, f.CPU[0], m.width, nw, true)
	}
	l.End()
	cpus := f.CPU[1:]
	if k == kindHeat {
		per := heatPerLine(m.width, nw)
		for r := m.offset; r < rows && r < m.offset+vis; r++ {
			l.Str(m.heatLine(cpus[r*per:min((r+1)*per, len(cpus))], nw))
			l.End()
		}
		m.view = l.Block(m.width, m.height)
		return
	}
	colW := (m.width - (cols-1)*colGap) / cols
	for r := m.offset; r < rows && r < m.offset+vis; r++ {
		for c := range cols {
			i := c*rows + r
			if i >= len(cpus) {
				break
			}
			if c > 0 {
				l.Str(views.Blanks(colGap))
			}
			from := len(l.B)
			if k == kindHistory {
				l.Str(m.strip(cpus[i], colW, nw))
			} else {
				l.B = m.appendRow(l.B, cpus[i], colW, nw, false)
			}
			l.B = views.AppendFit(l.B, from, colW)
		}
		l.End()
	}
	m.view = l.Block(m.width, m.height)
}

// legend names what the rows show: the bar's segments with their colour (or letter without
// colour), or the heat scale of the grid and the history.
func (m *Model) legend(k kind) string {
	th := m.th
	var b strings.Builder
	b.WriteString(th.Ink.Title.Paint("CPU"))
	switch k {
	case kindHeat, kindHistory:
		if k == kindHeat {
			b.WriteString(th.Ink.Label.Paint(" busy now, one cell per CPU: "))
		} else {
			b.WriteString(th.Ink.Label.Paint(" busy per sample, newest right: "))
		}
		b.WriteString(heat.PctLegend(th))
		b.WriteString(th.Ink.Warn.Paint("  !"))
		b.WriteString(th.Ink.Label.Paint(fmt.Sprintf("steal≥%d%%", stealWarn)))
		return b.String()
	}
	for i := range theme.NSeg {
		b.WriteByte(' ')
		g := string(th.SegGlyph[i])
		if !th.Color {
			g += "="
		}
		b.WriteString(th.Ink.Seg[i].Paint(g))
		b.WriteString(th.Ink.Label.Paint(theme.SegNames[i]))
	}
	b.WriteString(th.Ink.Label.Paint("  busy=100-idle"))
	return b.String()
}

// Looks of a heat cell besides the shades 0 … theme.NHeat-1.
const (
	lookBlank = -1 // no value (first sample, CPU offline then)
	lookSteal = -2 // steal at or above stealWarn
)

// heatLook is how a CPU (or one sample of it) is drawn as a heat cell: its busy % shade, the
// steal mark, or blank when unknown.
func heatLook(c derive.CPU) int {
	switch {
	case !c.Idle.OK:
		return lookBlank
	case c.Steal.OK && c.Steal.V >= stealWarn:
		return lookSteal
	}
	return heat.PctShade(100 - c.Idle.V)
}

// cellRun writes n cells of one look with a single Render: a Render per cell made 1024 CPUs
// cost 1024 calls a line.
func (m *Model) cellRun(b *strings.Builder, look, n int) {
	switch {
	case n <= 0:
	case look == lookBlank:
		b.WriteString(views.Blanks(n))
	case look == lookSteal:
		m.th.Ink.Warn.RepeatTo(b, '!', n)
	default:
		m.th.Ink.Heat[look].RepeatTo(b, m.th.HeatGlyph[look], n)
	}
}

// heatLine is one line of the heat grid: the first CPU's name, then a cell per CPU in groups.
func (m *Model) heatLine(cpus []derive.CPU, nw int) string {
	var b strings.Builder
	b.WriteString(m.th.Ink.Label.Paint(fmt.Sprintf("%*s", nw, cpus[0].Name)))
	b.WriteByte(' ')
	grouped := heatPerLine(m.width, nw)%heatGroup == 0 && m.width-nw-1 >= heatGroup
	look, n := lookBlank, 0
	for i, c := range cpus {
		if grouped && i > 0 && i%heatGroup == 0 {
			m.cellRun(&b, look, n)
			b.WriteByte(' ')
			n = 0
		}
		if l := heatLook(c); l != look || n == 0 {
			m.cellRun(&b, look, n)
			look, n = l, 0
		}
		n++
	}
	m.cellRun(&b, look, n)
	return b.String()
}

// strip renders one CPU's history within width w: name, one cell per sample of the window
// (the newest at the right, blank before the first), and busy % now.
func (m *Model) strip(c derive.CPU, w, nw int) string {
	th := m.th
	var b strings.Builder
	name := fmt.Sprintf("%*s", nw, c.Name)
	if c.ID < 0 {
		b.WriteString(th.Ink.Title.Paint(name))
	} else {
		b.WriteString(th.Ink.Label.Paint(name))
	}
	b.WriteByte(' ')
	sw := w - nw - 1 - histNums
	if sw > 0 {
		frames := m.frames[max(len(m.frames)-sw, 0):]
		look, n := lookBlank, sw-len(frames)
		for _, f := range frames {
			fc, _ := cpuByID(f, c.ID)
			if l := heatLook(fc); l != look {
				m.cellRun(&b, look, n)
				look, n = l, 0
			}
			n++
		}
		m.cellRun(&b, look, n)
	}
	busy := views.Missing
	if c.Idle.OK {
		busy = fmt.Sprintf("%.1f%%", 100-c.Idle.V)
	}
	b.WriteString(th.Ink.Value.Paint(fmt.Sprintf(" %6s", busy)))
	return b.String()
}

// cpuByID finds a CPU in a frame ("all" is -1). CPUs are sorted by id after "all", so the
// usual case, the same CPUs as now, is found at once and a hotplugged set by binary search.
func cpuByID(f *derive.Frame, id int) (derive.CPU, bool) {
	if i := id + 1; i >= 0 && i < len(f.CPU) && f.CPU[i].ID == id {
		return f.CPU[i], true
	}
	i, ok := slices.BinarySearchFunc(f.CPU, id, func(c derive.CPU, id int) int { return cmp.Compare(c.ID, id) })
	if ok {
		return f.CPU[i], true
	}
	return derive.CPU{}, false
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

// row renders one CPU: name, stacked bar, busy % and steal %, within width w; with guest, the
// guest % too (the "all" row, which has the room).
func (m *Model) row(c derive.CPU, w, nw int, guest bool) string {
	return string(m.appendRow(make([]byte, 0, 4*w), c, w, nw, guest))
}

// appendRow appends row(c, w, nw, guest) to dst.
func (m *Model) appendRow(dst []byte, c derive.CPU, w, nw int, guest bool) []byte {
	th := m.th
	var a [32]byte
	name := append(a[:0], views.Blanks(nw-utf8.RuneCountInString(c.Name))...) // %*s
	name = append(name, c.Name...)
	if c.ID < 0 {
		dst = th.Ink.Title.AppendBytes(dst, name)
	} else {
		dst = th.Ink.Label.AppendBytes(dst, name)
	}
	dst = append(dst, ' ')
	bw := w - nw - 1 - numsWidth
	if guest {
		bw -= guestWidth
	}
	if bw > 0 {
		v, ok := segments(c)
		used := 0
		if ok {
			n := cells(v, bw)
			for i, k := range n {
				if k > 0 {
					dst = th.Ink.Seg[i].AppendRepeat(dst, th.SegGlyph[i], k)
					used += k
				}
			}
		}
		dst = th.Ink.Track.AppendRepeat(dst, th.TrackRune, bw-used)
	}
	stStyle := th.Ink.Value
	if c.Steal.OK && c.Steal.V >= stealWarn {
		stStyle = th.Ink.Warn // steal above a few % means the hypervisor is taking CPU away
	}
	dst = append(dst, ' ')
	if c.Idle.OK {
		dst = th.Ink.Value.AppendBytes(dst, padLeft(append(strconv.AppendFloat(a[:0], 100-c.Idle.V, 'f', 1, 64), '%'), 6))
	} else {
		dst = th.Ink.Value.AppendBytes(dst, padLeft(append(append(a[:0], views.Missing...), ' '), 6))
	}
	dst = append(dst, ' ')
	dst = th.Ink.Label.Append(dst, "st")
	dst = append(dst, ' ')
	dst = stStyle.AppendBytes(dst, padLeft(views.AppendNum(a[:0], c.Steal, 1), 5))
	if guest {
		g := append(a[:0], views.Missing...)
		if c.Guest.OK || c.Gnice.OK {
			g = strconv.AppendFloat(a[:0], c.Guest.Or(0)+c.Gnice.Or(0), 'f', 1, 64)
		}
		dst = append(dst, ' ')
		dst = th.Ink.Label.Append(dst, "gu")
		dst = append(dst, ' ')
		dst = th.Ink.Value.AppendBytes(dst, padLeft(g, 5))
	}
	return dst
}

// padLeft is fmt's %*s of p: blanks before it up to n runes (it is reused in place).
func padLeft(p []byte, n int) []byte {
	k := n - utf8.RuneCount(p)
	if k <= 0 {
		return p
	}
	p = append(p, views.Blanks(k)...)
	copy(p[k:], p[:len(p)-k])
	copy(p[:k], views.Blanks(k))
	return p
}
