package diskpanel

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/columns"
	"github.com/ktop-dev/ktop/views/theme"
	"github.com/ktop-dev/ktop/views/tschart"
)

// Thresholds as the checklist reads iostat: a device busy ≥ 80 % of the time is worth a look,
// ≥ 95 % saturated if it serves one request at a time. What await is "high" depends on the
// device (0.1 ms NVMe, 10 ms spinning disk); without a per-disk baseline ktop uses fixed
// marks, said so in Defs.
const (
	utilWarn, utilBad   = 80.0, 95.0
	awaitWarn, awaitBad = 20.0, 100.0
)

const (
	// chartMin is the fewest lines the charts keep below the table; tableShare caps the
	// table at 3/5 of the panel when many devices compete with the charts.
	chartMin   = 7
	tableShare = 3.0 / 5
	// fixedLines are the title line and the column heads above the rows.
	fixedLines = 2
)

// Model is the Disk panel.
type Model struct {
	th   *theme.Theme
	keys KeyMap

	frame *derive.Frame
	sel   string // the device the charts follow; kept while it exists
	// provisional is set when sel was picked before rates were known: the first frame with
	// rates picks again, unless the user chose meanwhile.
	provisional bool
	showIdle    bool // iostat without -z
	hideParts   bool
	offset      int // first visible row

	util, await tschart.Model
	charts      tschart.Pair // the two charts' layout

	width, height int
	tableH        int
	view          string
	tile          tileBufs
}

// New returns the Disk panel; interval labels the charts' time axes.
func New(th *theme.Theme, interval time.Duration) *Model {
	m := &Model{th: th, keys: DefaultKeyMap()}
	m.util = tschart.New(th, interval, m.utilSpec())
	m.await = tschart.New(th, interval, m.awaitSpec())
	return m
}

// Title is the panel's name.
func (m *Model) Title() string { return "Disk" }

// utilSpec charts the selected device's %util; the closures read m.sel when drawing.
func (m *Model) utilSpec() tschart.Spec {
	return tschart.Spec{
		Title: m.selName() + " %util", Subtitle: "busy time", Unit: "%", Max: 100,
		Series: []tschart.Series{{Name: "util", Value: m.series(func(d *derive.Disk) derive.Val { return d.Util })}},
	}
}

// awaitSpec charts the selected device's read and write latency on one automatic range.
func (m *Model) awaitSpec() tschart.Spec {
	return tschart.Spec{
		Title: m.selName() + " r_await", Subtitle: "(w_await: blue)", Unit: " ms",
		Series: []tschart.Series{
			{Name: "r_await", Value: m.series(func(d *derive.Disk) derive.Val { return d.RAwait })},
			{Name: "w_await", Value: m.series(func(d *derive.Disk) derive.Val { return d.WAwait }), Style: m.th.Seg[theme.SegNice]},
		},
	}
}

func (m *Model) selName() string {
	if m.sel == "" {
		return "disk"
	}
	return m.sel
}

func (m *Model) series(col func(*derive.Disk) derive.Val) func(*derive.Frame) (float64, bool) {
	return func(f *derive.Frame) (float64, bool) {
		d := find(f, m.sel)
		if d == nil {
			return 0, false
		}
		v := col(d)
		return v.V, v.OK
	}
}

func find(f *derive.Frame, dev string) *derive.Disk {
	if f == nil || dev == "" {
		return nil
	}
	for i := range f.Disk {
		if f.Disk[i].Dev == dev {
			return &f.Disk[i]
		}
	}
	return nil
}

// idle is iostat -z's test: no request of any kind completed in the interval. A device
// without rates (first sample) is not idle: nothing is known yet.
func idle(d *derive.Disk) bool {
	return d.RS.OK && d.RS.V == 0 && d.WS.Or(0) == 0 && d.DS.Or(0) == 0 && d.FS.Or(0) == 0
}

// rows are the devices listed: idle ones only with showIdle, partitions only without
// hideParts, and the selected device always, so the charts never follow an unlisted one.
func (m *Model) rows() []*derive.Disk {
	if m.frame == nil {
		return nil
	}
	out := make([]*derive.Disk, 0, len(m.frame.Disk))
	for i := range m.frame.Disk {
		d := &m.frame.Disk[i]
		if d.Dev != m.sel && ((m.hideParts && !d.Whole) || (!m.showIdle && idle(d))) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// pickSel keeps the selection while its device exists; otherwise it takes the busiest listed
// device, or, when nothing is busy, the first whole disk that is not a loop or RAM device.
func (m *Model) pickSel() {
	if m.frame == nil {
		return
	}
	if m.provisional && m.frame.Interval.OK {
		m.sel, m.provisional = "", false
	}
	if find(m.frame, m.sel) != nil {
		return
	}
	m.sel, m.provisional = "", !m.frame.Interval.OK
	best := -1.0
	for _, d := range m.rows() {
		if d.Util.OK && d.Util.V > best && !idle(d) {
			m.sel, best = d.Dev, d.Util.V
		}
	}
	if m.sel != "" {
		return
	}
	for _, d := range m.frame.Disk {
		if d.Whole && !strings.HasPrefix(d.Dev, "loop") && !strings.HasPrefix(d.Dev, "ram") {
			m.sel = d.Dev
			return
		}
	}
	if len(m.frame.Disk) > 0 {
		m.sel = m.frame.Disk[0].Dev
	}
}

// SetSize sets the block the panel draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
	m.render()
}

// layout splits the height between the table (as many rows as there are, within limits) and
// the charts, and sizes the charts when that changed.
func (m *Model) layout() {
	w, h := m.width, m.height
	n := len(m.rows())
	limit := max(min(h-chartMin, int(float64(h)*tableShare)), fixedLines+1)
	m.tableH = min(fixedLines+max(n, 1), limit)
	ch := h - m.tableH
	if ch < chartMin-1 {
		m.tableH, ch = h, 0
	}
	m.charts.Size(&m.util, &m.await, w, ch, chartMin)
	m.clampOffset()
}

func (m *Model) visibleRows() int { return max(m.tableH-fixedLines, 0) }

// clampOffset keeps the selected row in view and enables the keys that do something.
func (m *Model) clampOffset() {
	rows := m.rows()
	vis := m.visibleRows()
	if i := slices.IndexFunc(rows, func(d *derive.Disk) bool { return d.Dev == m.sel }); i >= 0 && vis > 0 {
		if i < m.offset {
			m.offset = i
		}
		if i >= m.offset+vis {
			m.offset = i - vis + 1
		}
	}
	m.offset = min(max(m.offset, 0), max(len(rows)-vis, 0))
	m.keys.Up.SetEnabled(len(rows) > 1)
	m.keys.Down.SetEnabled(len(rows) > 1)
	parts := false
	if m.frame != nil {
		parts = slices.ContainsFunc(m.frame.Disk, func(d derive.Disk) bool { return !d.Whole })
	}
	m.keys.Parts.SetEnabled(parts)
	m.keys.Idle.SetEnabled(m.frame != nil && len(m.frame.Disk) > 0)
	if m.showIdle {
		m.keys.Idle.SetHelp("z", "hide idle")
	} else {
		m.keys.Idle.SetHelp("z", "show idle")
	}
	if m.hideParts {
		m.keys.Parts.SetHelp("p", "show partitions")
	} else {
		m.keys.Parts.SetHelp("p", "hide partitions")
	}
}

// Update takes frames (always) and keys (when focused).
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frame = msg.Current()
		old := m.sel
		m.pickSel()
		// Hidden, neither the layout nor the view is needed: the app routes the window again
		// when the panel is shown.
		if !msg.Hidden {
			m.layout()
		}
		if m.sel != old {
			m.setSpecs()
		}
		m.util, _ = m.util.Update(msg)
		m.await, _ = m.await.Update(msg)
		if !msg.Hidden {
			m.render()
		}
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Up):
			m.move(-1)
		case key.Matches(msg, m.keys.Down):
			m.move(1)
		case key.Matches(msg, m.keys.Idle):
			m.showIdle = !m.showIdle
		case key.Matches(msg, m.keys.Parts):
			m.hideParts = !m.hideParts
		default:
			return nil
		}
		m.layout()
		m.render()
	}
	return nil
}

// move selects the row d rows away, stopping at either end, and points the charts at it.
func (m *Model) move(d int) {
	rows := m.rows()
	i := slices.IndexFunc(rows, func(r *derive.Disk) bool { return r.Dev == m.sel })
	if i < 0 || len(rows) == 0 {
		return
	}
	j := min(max(i+d, 0), len(rows)-1)
	if j != i {
		m.sel, m.provisional = rows[j].Dev, false
		m.setSpecs()
	}
}

func (m *Model) setSpecs() {
	m.util.SetSpec(m.utilSpec())
	m.await.SetSpec(m.awaitSpec())
}

// View returns the cached rendering.
func (m *Model) View() string { return m.view }

// Selected is the device the charts follow.
func (m *Model) Selected() string { return m.sel }

// columns are iostat -x's (sysstat 12 order) that ktop shows; d/s and f/s only when some
// listed device discards or flushes. Narrow terminals drop merges first, then request sizes,
// queue size and throughput; counts, awaits and %util stay.
func (m *Model) columns(rows []*derive.Disk, nameW int) []column {
	cols := []column{
		{Column: columns.Column{Head: "Device", Width: nameW, Left: true}},
		{Column: columns.Column{Head: "r/s", Width: 6}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(m.th, d.RS, 0, 0) }},
		{Column: columns.Column{Head: "rkB/s", Width: 6, Prio: 1}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(m.th, d.RkBS, 0, 0) }},
		{Column: columns.Column{Head: "rrqm/s", Width: 6, Prio: 4}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(m.th, d.RrqmS, 0, 0) }},
		{Column: columns.Column{Head: "r_await", Width: 7}, cell: func(d *derive.Disk) columns.Cell {
			return columns.Fixed(m.th, d.RAwait, 1, awaitWarn, awaitBad)
		}},
		{Column: columns.Column{Head: "rareq-sz", Width: 8, Prio: 3}, cell: func(d *derive.Disk) columns.Cell { return columns.Fixed(m.th, d.RareqSz, 1, 0, 0) }},
		{Column: columns.Column{Head: "w/s", Width: 6}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(m.th, d.WS, 0, 0) }},
		{Column: columns.Column{Head: "wkB/s", Width: 6, Prio: 1}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(m.th, d.WkBS, 0, 0) }},
		{Column: columns.Column{Head: "wrqm/s", Width: 6, Prio: 4}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(m.th, d.WrqmS, 0, 0) }},
		{Column: columns.Column{Head: "w_await", Width: 7}, cell: func(d *derive.Disk) columns.Cell {
			return columns.Fixed(m.th, d.WAwait, 1, awaitWarn, awaitBad)
		}},
		{Column: columns.Column{Head: "wareq-sz", Width: 8, Prio: 3}, cell: func(d *derive.Disk) columns.Cell { return columns.Fixed(m.th, d.WareqSz, 1, 0, 0) }},
	}
	if slices.ContainsFunc(rows, func(d *derive.Disk) bool { return d.DS.Or(0) > 0 }) {
		cols = append(cols, column{Column: columns.Column{Head: "d/s", Width: 6, Prio: 3}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(m.th, d.DS, 0, 0) }})
	}
	if slices.ContainsFunc(rows, func(d *derive.Disk) bool { return d.FS.Or(0) > 0 }) {
		cols = append(cols, column{Column: columns.Column{Head: "f/s", Width: 6, Prio: 3}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(m.th, d.FS, 0, 0) }})
	}
	return append(cols,
		column{Column: columns.Column{Head: "aqu-sz", Width: 6, Prio: 2}, cell: func(d *derive.Disk) columns.Cell { return columns.Fixed(m.th, d.AquSz, 2, 0, 0) }},
		column{Column: columns.Column{Head: "%util", Width: 6}, cell: func(d *derive.Disk) columns.Cell {
			return columns.Fixed(m.th, d.Util, 1, utilWarn, utilBad)
		}},
	)
}

// column is a table column and how one device fills it.
type column struct {
	columns.Column
	cell func(*derive.Disk) columns.Cell
}

func heads(cols []column) []columns.Column {
	out := make([]columns.Column, len(cols))
	for i, c := range cols {
		out[i] = c.Column
	}
	return out
}

// name is the Device cell: a marker on the selected row, partitions indented under their disk
// (diskstats lists a disk's partitions right after it).
func (m *Model) name(d *derive.Disk) columns.Cell {
	ind := ""
	if !d.Whole {
		ind = "  "
	}
	if d.Dev == m.sel {
		return columns.Cell{Text: "▸" + ind + d.Dev, Style: m.th.Ink.Sel}
	}
	st := m.th.Ink.Value
	if !d.Whole {
		st = m.th.Ink.Label
	}
	return columns.Cell{Text: " " + ind + d.Dev, Style: st}
}

func nameWidth(rows []*derive.Disk) int {
	w := len("Device")
	for _, d := range rows {
		n := 1 + len(d.Dev)
		if !d.Whole {
			n += 2
		}
		w = max(w, n)
	}
	return min(w, 24)
}

func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	lines := make([]string, 0, m.height)
	rows := m.rows()
	lines = append(lines, m.titleLine(rows))
	if m.tableH > 1 {
		cols := m.columns(rows, nameWidth(rows))
		hs := heads(cols)
		pick := columns.Fit(hs, m.width)
		lines = append(lines, columns.Header(hs, pick, m.th.Ink.Label))
		vis := m.visibleRows()
		if len(rows) == 0 && m.frame != nil && len(m.frame.Disk) > 0 {
			lines = append(lines, m.th.Ink.Dim.Paint(fmt.Sprintf("no I/O on any of %d devices in the interval (z shows them)", len(m.frame.Disk))))
		}
		for i := m.offset; i < len(rows) && i < m.offset+vis; i++ {
			d := rows[i]
			cells := make([]columns.Cell, len(cols))
			cells[0] = m.name(d)
			for j, c := range cols[1:] {
				cells[j+1] = c.cell(d)
			}
			lines = append(lines, columns.Line(hs, pick, cells))
		}
	}
	table := views.Block(lines, m.width, m.tableH)
	m.view = m.charts.Below(table, &m.util, &m.await)
}

// titleLine names the panel and says what is hidden and why; an unreadable source says so.
func (m *Model) titleLine(rows []*derive.Disk) string {
	th := m.th
	t := th.Ink.Title.Paint("Disk") + th.Ink.Label.Paint(" iostat -x")
	if r, bad := views.NotOK(m.frame, sources.SrcDiskstats); bad {
		return t + "  " + th.Ink.Bad.Paint(r)
	}
	if m.frame == nil {
		return t + "  " + th.Ink.Dim.Paint("waiting for the first sample")
	}
	total := len(m.frame.Disk)
	var notes []string
	if !m.showIdle {
		notes = append(notes, "idle hidden (-z)")
	}
	if m.hideParts {
		notes = append(notes, "partitions hidden")
	}
	if !m.frame.Interval.OK {
		notes = append(notes, "first sample: rates need two")
	}
	s := t + "  " + th.Ink.Value.Paint(fmt.Sprintf("%d of %d devices", len(rows), total))
	if len(notes) > 0 {
		s += th.Ink.Label.Paint(", " + strings.Join(notes, ", "))
	}
	if vis := m.visibleRows(); len(rows) > vis && vis > 0 {
		s += th.Ink.Dim.Paint(fmt.Sprintf("  ↕ %d-%d of %d", m.offset+1, min(m.offset+vis, len(rows)), len(rows)))
	}
	if st, ok := m.frame.Status[sources.SrcDiskstats]; ok && st.Reason != "" {
		s += "  " + th.Ink.Dim.Paint(st.Reason)
	}
	return s
}

// Tile lists the busiest whole disks by %util with their awaits; partitions are left out
// because their I/O is already in their disk's.
func (m *Model) Tile(w, h int) string { return m.tileLines(w, h).Block(w, h) }

// AppendTile appends Tile(w, h) to dst (views.TileAppender).
func (m *Model) AppendTile(dst []byte, w, h int) []byte {
	return m.tileLines(w, h).AppendBlock(dst, w, h)
}

// tileLines are the tile's lines at w×h.
func (m *Model) tileLines(w, h int) *views.Lines {
	th := m.th
	t := &m.tile
	l := &t.lines
	l.Reset()
	if r, bad := views.NotOK(m.frame, sources.SrcDiskstats); bad {
		l.Paint(th.Ink.Title, "Disk")
		l.Str(" ")
		l.Paint(th.Ink.Bad, r)
		l.End()
		return l
	}
	disks := m.tileDisks()
	if t.cols == nil {
		t.cols = m.tileColumns()
	}
	cols := t.cols
	cols[0].Width = nameWidth(disks)
	t.heads = t.heads[:0]
	for _, c := range cols {
		t.heads = append(t.heads, c.Column)
	}
	hs := t.heads
	t.pick = columns.FitTo(t.pick, hs, w)
	l.B = columns.AppendHeader(l.B, hs, t.pick, th.Ink.Label)
	l.End()
	if len(disks) == 0 {
		msg := "waiting for the first sample"
		if m.frame != nil {
			msg = "no disk I/O in the interval"
		}
		l.Paint(th.Ink.Dim, msg)
		l.End()
	}
	for _, d := range disks {
		cells := append(t.cells[:0], columns.Cell{Text: d.Dev, Style: th.Ink.Value})
		for _, c := range cols[1:] {
			cells = append(cells, c.cell(d))
		}
		l.B = columns.AppendLine(l.B, hs, t.pick, cells)
		l.End()
		t.cells = cells
	}
	clear(t.cells) // their texts are not kept past the frame
	return l
}

// tileBufs are what Tile draws with, kept from frame to frame: its columns (made once), their
// heads, the ones that fit, a row's cells and the lines.
type tileBufs struct {
	cols  []column
	heads []columns.Column
	pick  []int
	cells []columns.Cell
	lines views.Lines
}

// tileColumns are the tile's columns; the name column's width is set each frame.
func (m *Model) tileColumns() []column {
	th := m.th
	return []column{
		{Column: columns.Column{Head: "Disk", Left: true}},
		{Column: columns.Column{Head: "%util", Width: 6}, cell: func(d *derive.Disk) columns.Cell {
			return columns.Fixed(th, d.Util, 1, utilWarn, utilBad)
		}},
		{Column: columns.Column{Head: "r_await", Width: 7}, cell: func(d *derive.Disk) columns.Cell {
			return columns.Fixed(th, d.RAwait, 1, awaitWarn, awaitBad)
		}},
		{Column: columns.Column{Head: "w_await", Width: 7}, cell: func(d *derive.Disk) columns.Cell {
			return columns.Fixed(th, d.WAwait, 1, awaitWarn, awaitBad)
		}},
		{Column: columns.Column{Head: "r/s", Width: 6, Prio: 1}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(th, d.RS, 0, 0) }},
		{Column: columns.Column{Head: "w/s", Width: 6, Prio: 1}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(th, d.WS, 0, 0) }},
		{Column: columns.Column{Head: "rkB/s", Width: 6, Prio: 2}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(th, d.RkBS, 0, 0) }},
		{Column: columns.Column{Head: "wkB/s", Width: 6, Prio: 2}, cell: func(d *derive.Disk) columns.Cell { return columns.Rate(th, d.WkBS, 0, 0) }},
	}
}

// tileDisks are the whole disks with I/O in the interval, busiest first; on the first sample,
// when nothing is known, every whole disk but loop and RAM devices.
func (m *Model) tileDisks() []*derive.Disk {
	if m.frame == nil {
		return nil
	}
	var out []*derive.Disk
	for i := range m.frame.Disk {
		d := &m.frame.Disk[i]
		first := !d.RS.OK && !strings.HasPrefix(d.Dev, "loop") && !strings.HasPrefix(d.Dev, "ram")
		if d.Whole && (first || (d.RS.OK && !idle(d))) {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b *derive.Disk) int {
		switch ua, ub := a.Util.Or(-1), b.Util.Or(-1); {
		case ua > ub:
			return -1
		case ua < ub:
			return 1
		}
		return 0
	})
	return out
}

// TileHeight wants the head and every busy disk; it needs the head and one line.
func (m *Model) TileHeight(int) (least, most int) {
	return 2, 1 + max(len(m.tileDisks()), 1)
}

// ShortHelp lists the panel's keys.
func (m *Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp lists the panel's keys.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Defs explains the columns (docs/metrics.md, Disk).
func (m *Model) Defs() []views.Def {
	src := func(f string) string { return "/proc/diskstats " + f }
	return []views.Def{
		{Name: "Device", Meaning: "kernel name (dm-N by its dm name); partitions indented, listed if /sys/block/NAME is absent (iostat's rule)", Formula: "", Source: "/proc/diskstats, /sys/block"},
		{Name: "r/s, w/s", Meaning: "read and write requests completed per second", Formula: "Δf1/Δt, Δf5/Δt", Source: src("f1, f5")},
		{Name: "rkB/s, wkB/s", Meaning: "kB read and written per second (512-byte sectors)", Formula: "Δf3/2/Δt, Δf7/2/Δt", Source: src("f3, f7")},
		{Name: "rrqm/s, wrqm/s", Meaning: "requests merged into queued ones per second", Formula: "Δf2/Δt, Δf6/Δt", Source: src("f2, f6")},
		{Name: "r_await, w_await", Meaning: "mean ms per completed request, queue + service; — without requests (iostat prints 0.00). Coloured at fixed marks, warn ≥ 20 ms, bad ≥ 100 ms: what is high depends on the device (0.1 ms NVMe, 10 ms disk) and ktop keeps no per-disk baseline", Formula: "Δf4/Δf1, Δf8/Δf5", Source: src("f4, f8 (32-bit ms)")},
		{Name: "rareq-sz, wareq-sz", Meaning: "mean request size in kB; 0 without requests", Formula: "Δsectors/Δios/2", Source: src("f3/f1, f7/f5")},
		{Name: "d/s, f/s", Meaning: "discards and flushes completed per second; shown when some listed device has any", Formula: "Δf12/Δt, Δf16/Δt", Source: src("f12, f16 (4.18+, 5.5+)")},
		{Name: "aqu-sz", Meaning: "mean number of requests queued or in service", Formula: "Δf11/(Δt×1000)", Source: src("f11 (32-bit ms)")},
		{Name: "%util", Meaning: "share of time with at least one request in flight, warn ≥ 80, bad ≥ 95; on NVMe and multi-queue virtio 100 % is not saturation (see aqu-sz, awaits)", Formula: "Δf10/(Δt×1000)×100, clamped", Source: src("f10 (32-bit ms)")},
		{Name: "idle", Meaning: "no read, write, discard or flush completed in the interval: hidden as iostat -z does (z shows them); the selected device is always listed", Formula: "Δf1 = Δf5 = Δf12 = Δf16 = 0", Source: src("")},
		{Name: "charts", Meaning: "the selected device's %util, and its r_await with w_await (blue) on one range", Formula: "as the columns", Source: src("")},
	}
}
