package netpanel

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

// %ifutil is coloured as disk %util is: near line rate, queues and drops follow. Any error,
// drop, retransmit or listen-queue drop is worth a look (-1: warn above zero).
const (
	ifutilWarn, ifutilBad = 80.0, 95.0
	anyWarn               = -1
)

const (
	chartMin   = 7
	tableShare = 2.0 / 5
	fixedLines = 2 // title line and column heads
	tcpLabelW  = 6 // "TcpExt"
)

// Model is the Network panel.
type Model struct {
	th   *theme.Theme
	keys KeyMap

	frame *derive.Frame
	sel   string // the interface the packet chart follows
	// provisional is set when sel was picked before rates were known: the first frame with
	// rates picks again, unless the user chose meanwhile.
	provisional bool
	allEdev     bool // every EDEV column, not only those with a non-zero value
	offset      int

	pkts, tcp tschart.Model
	charts    tschart.Pair // the two charts' layout

	width, height int
	tableH        int
	tcpLines      []string
	view          string
	tile          tileBufs
}

// New returns the Network panel; interval labels the charts' time axes.
func New(th *theme.Theme, interval time.Duration) *Model {
	m := &Model{th: th, keys: DefaultKeyMap()}
	m.pkts = tschart.New(th, interval, m.pktsSpec())
	m.tcp = tschart.New(th, interval, tschart.Spec{
		Title: "TCP retrans/s", Subtitle: "(listen-drop/s: red)", Unit: "/s",
		Series: []tschart.Series{
			{Name: "retrans", Value: tcpVal(func(t *derive.TCP) derive.Val { return t.RetransS })},
			{Name: "listen-drop", Value: tcpVal(func(t *derive.TCP) derive.Val { return t.ListenDropsS }), Style: th.Bad},
		},
	})
	return m
}

// Title is the panel's name.
func (m *Model) Title() string { return "Network" }

// pktsSpec charts the selected interface's packets received and sent per second.
func (m *Model) pktsSpec() tschart.Spec {
	name := m.sel
	if name == "" {
		name = "iface"
	}
	return tschart.Spec{
		Title: name + " rxpck/s", Subtitle: "(txpck/s: blue)", Unit: "/s",
		Series: []tschart.Series{
			{Name: "rx", Value: m.series(func(n *derive.Net) derive.Val { return n.RxpckS })},
			{Name: "tx", Value: m.series(func(n *derive.Net) derive.Val { return n.TxpckS }), Style: m.th.Seg[theme.SegNice]},
		},
	}
}

func (m *Model) series(col func(*derive.Net) derive.Val) func(*derive.Frame) (float64, bool) {
	return func(f *derive.Frame) (float64, bool) {
		n := find(f, m.sel)
		if n == nil {
			return 0, false
		}
		v := col(n)
		return v.V, v.OK
	}
}

func tcpVal(col func(*derive.TCP) derive.Val) func(*derive.Frame) (float64, bool) {
	return func(f *derive.Frame) (float64, bool) {
		if f.TCP == nil {
			return 0, false
		}
		v := col(f.TCP)
		return v.V, v.OK
	}
}

func find(f *derive.Frame, name string) *derive.Net {
	if f == nil || name == "" {
		return nil
	}
	for i := range f.Net {
		if f.Net[i].Iface == name {
			return &f.Net[i]
		}
	}
	return nil
}

func pps(n *derive.Net) float64 { return n.RxpckS.Or(0) + n.TxpckS.Or(0) }

// pickSel keeps the selection while the interface exists; otherwise it takes the one with the
// most packets, or, before rates are known or when all are quiet, the first that is not lo.
func (m *Model) pickSel() {
	f := m.frame
	if f == nil {
		return
	}
	if m.provisional && f.Interval.OK {
		m.sel, m.provisional = "", false
	}
	if find(f, m.sel) != nil {
		return
	}
	m.sel, m.provisional = "", !f.Interval.OK
	best := 0.0
	for i := range f.Net {
		if p := pps(&f.Net[i]); p > best {
			m.sel, best = f.Net[i].Iface, p
		}
	}
	if m.sel != "" {
		return
	}
	for _, n := range f.Net {
		if n.Iface != "lo" {
			m.sel = n.Iface
			return
		}
	}
	if len(f.Net) > 0 {
		m.sel = f.Net[0].Iface
	}
}

// SetSize sets the block the panel draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.layout()
	m.render()
}

// layout stacks the interface table, the TCP lines and the charts, giving the table its rows
// within a share of the height and the charts the rest.
func (m *Model) layout() {
	w, h := m.width, m.height
	m.tcpLines = m.tcpBlock(w)
	n := 0
	if m.frame != nil {
		n = len(m.frame.Net)
	}
	rest := h - len(m.tcpLines)
	limit := max(min(rest-chartMin, int(float64(h)*tableShare)), fixedLines+1)
	m.tableH = max(min(fixedLines+max(n, 1), limit), 0)
	ch := rest - m.tableH
	if ch < chartMin-1 {
		ch = 0
	}
	m.charts.Size(&m.pkts, &m.tcp, w, ch, chartMin)
	m.clampOffset()
}

func (m *Model) visibleRows() int { return max(m.tableH-fixedLines, 0) }

func (m *Model) clampOffset() {
	var rows []derive.Net
	if m.frame != nil {
		rows = m.frame.Net
	}
	vis := m.visibleRows()
	if i := slices.IndexFunc(rows, func(n derive.Net) bool { return n.Iface == m.sel }); i >= 0 && vis > 0 {
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
	m.keys.Errors.SetEnabled(len(rows) > 0)
	if m.allEdev {
		m.keys.Errors.SetHelp("e", "non-zero error columns")
	} else {
		m.keys.Errors.SetHelp("e", "all error columns")
	}
}

// Update takes frames (always) and keys (when focused).
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frame = msg.Current()
		old := m.sel
		m.pickSel()
		// Hidden, neither the layout (the TCP lines it wraps are most of a frame's work) nor
		// the view is needed: the app routes the window again when the panel is shown.
		if !msg.Hidden {
			m.layout()
		}
		if m.sel != old {
			m.pkts.SetSpec(m.pktsSpec())
		}
		m.pkts, _ = m.pkts.Update(msg)
		m.tcp, _ = m.tcp.Update(msg)
		if !msg.Hidden {
			m.render()
		}
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Up):
			m.move(-1)
		case key.Matches(msg, m.keys.Down):
			m.move(1)
		case key.Matches(msg, m.keys.Errors):
			m.allEdev = !m.allEdev
		default:
			return nil
		}
		m.layout()
		m.render()
	}
	return nil
}

func (m *Model) move(d int) {
	if m.frame == nil {
		return
	}
	rows := m.frame.Net
	i := slices.IndexFunc(rows, func(n derive.Net) bool { return n.Iface == m.sel })
	if i < 0 {
		return
	}
	if j := min(max(i+d, 0), len(rows)-1); j != i {
		m.sel, m.provisional = rows[j].Iface, false
		m.pkts.SetSpec(m.pktsSpec())
	}
}

// View returns the cached rendering.
func (m *Model) View() string { return m.view }

// Selected is the interface the packet chart follows.
func (m *Model) Selected() string { return m.sel }

// column is a table column and how one interface fills it.
type column struct {
	columns.Column
	cell func(*derive.Net) columns.Cell
}

func heads(cols []column) []columns.Column {
	out := make([]columns.Column, len(cols))
	for i, c := range cols {
		out[i] = c.Column
	}
	return out
}

func (m *Model) rate(v func(*derive.Net) derive.Val, warn float64) func(*derive.Net) columns.Cell {
	return func(n *derive.Net) columns.Cell { return columns.Rate(m.th, v(n), warn, 0) }
}

// edev are sar -n EDEV's columns, in its order.
var edev = []struct {
	head string
	val  func(*derive.Net) derive.Val
}{
	{"rxerr/s", func(n *derive.Net) derive.Val { return n.RxerrS }},
	{"txerr/s", func(n *derive.Net) derive.Val { return n.TxerrS }},
	{"coll/s", func(n *derive.Net) derive.Val { return n.CollS }},
	{"rxdrop/s", func(n *derive.Net) derive.Val { return n.RxdropS }},
	{"txdrop/s", func(n *derive.Net) derive.Val { return n.TxdropS }},
	{"txcarr/s", func(n *derive.Net) derive.Val { return n.TxcarrS }},
	{"rxfram/s", func(n *derive.Net) derive.Val { return n.RxframS }},
	{"rxfifo/s", func(n *derive.Net) derive.Val { return n.RxfifoS }},
	{"txfifo/s", func(n *derive.Net) derive.Val { return n.TxfifoS }},
}

// columns are sar -n DEV's, then the EDEV columns that are not zero on some interface (all of
// them with allEdev). Narrow terminals drop compressed and multicast first; errors stay
// before them because any error matters.
func (m *Model) columns(rows []derive.Net, nameW int) (cols []column, hiddenEdev int) {
	cols = []column{
		{Column: columns.Column{Head: "IFACE", Width: nameW, Left: true}},
		{Column: columns.Column{Head: "rxpck/s", Width: 7}, cell: m.rate(func(n *derive.Net) derive.Val { return n.RxpckS }, 0)},
		{Column: columns.Column{Head: "txpck/s", Width: 7}, cell: m.rate(func(n *derive.Net) derive.Val { return n.TxpckS }, 0)},
		{Column: columns.Column{Head: "rxkB/s", Width: 7}, cell: m.rate(func(n *derive.Net) derive.Val { return n.RxkBS }, 0)},
		{Column: columns.Column{Head: "txkB/s", Width: 7}, cell: m.rate(func(n *derive.Net) derive.Val { return n.TxkBS }, 0)},
		{Column: columns.Column{Head: "rxcmp/s", Width: 7, Prio: 3}, cell: m.rate(func(n *derive.Net) derive.Val { return n.RxcmpS }, 0)},
		{Column: columns.Column{Head: "txcmp/s", Width: 7, Prio: 3}, cell: m.rate(func(n *derive.Net) derive.Val { return n.TxcmpS }, 0)},
		{Column: columns.Column{Head: "rxmcst/s", Width: 8, Prio: 2}, cell: m.rate(func(n *derive.Net) derive.Val { return n.RxmcstS }, 0)},
		{Column: columns.Column{Head: "%ifutil", Width: 7}, cell: func(n *derive.Net) columns.Cell {
			return columns.Fixed(m.th, n.Ifutil, 1, ifutilWarn, ifutilBad)
		}},
	}
	for _, e := range edev {
		if !m.allEdev && !slices.ContainsFunc(rows, func(n derive.Net) bool { return e.val(&n).Or(0) > 0 }) {
			hiddenEdev++
			continue
		}
		cols = append(cols, column{Column: columns.Column{Head: e.head, Width: 8, Prio: 1}, cell: m.rate(e.val, anyWarn)})
	}
	return cols, hiddenEdev
}

func (m *Model) name(n *derive.Net) columns.Cell {
	if n.Iface == m.sel {
		return columns.Cell{Text: "▸" + n.Iface, Style: m.th.Ink.Sel}
	}
	return columns.Cell{Text: " " + n.Iface, Style: m.th.Ink.Value}
}

func nameWidth(names func(yield func(string) bool)) int {
	w := len("IFACE")
	for n := range names {
		w = max(w, 1+len(n))
	}
	return min(w, 20)
}

func ifaceNames(rows []derive.Net) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for _, n := range rows {
			if !yield(n.Iface) {
				return
			}
		}
	}
}

func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	var rows []derive.Net
	if m.frame != nil {
		rows = m.frame.Net
	}
	cols, hidden := m.columns(rows, nameWidth(ifaceNames(rows)))
	lines := []string{m.titleLine(len(rows), hidden)}
	if m.tableH > 1 {
		hs := heads(cols)
		pick := columns.Fit(hs, m.width)
		lines = append(lines, columns.Header(hs, pick, m.th.Ink.Label))
		for i := m.offset; i < len(rows) && i < m.offset+m.visibleRows(); i++ {
			n := &rows[i]
			cells := make([]columns.Cell, len(cols))
			cells[0] = m.name(n)
			for j, c := range cols[1:] {
				cells[j+1] = c.cell(n)
			}
			lines = append(lines, columns.Line(hs, pick, cells))
		}
	}
	top := views.Block(lines, m.width, m.tableH)
	if m.tableH < m.height {
		top += "\n" + views.Block(m.tcpLines, m.width, min(len(m.tcpLines), m.height-m.tableH))
	}
	if !m.charts.Shown(0) {
		m.view = views.Block(strings.Split(top, "\n"), m.width, m.height)
		return
	}
	m.view = m.charts.Below(top, &m.pkts, &m.tcp)
}

func (m *Model) titleLine(n, hiddenEdev int) string {
	th := m.th
	t := th.Ink.Title.Paint("Network") + th.Ink.Label.Paint(" sar -n DEV,EDEV")
	if r, bad := views.NotOK(m.frame, sources.SrcNetDev); bad {
		return t + "  " + th.Ink.Bad.Paint(r)
	}
	if m.frame == nil {
		return t + "  " + th.Ink.Dim.Paint("waiting for the first sample")
	}
	s := t + "  " + th.Ink.Value.Paint(fmt.Sprintf("%d interfaces", n))
	var notes []string
	if hiddenEdev > 0 {
		notes = append(notes, fmt.Sprintf("%d error columns all zero", hiddenEdev))
	}
	if !m.frame.Interval.OK {
		notes = append(notes, "first sample: rates need two")
	}
	if len(notes) > 0 {
		s += th.Ink.Label.Paint(", " + strings.Join(notes, ", "))
	}
	if vis := m.visibleRows(); n > vis && vis > 0 {
		s += th.Ink.Dim.Paint(fmt.Sprintf("  ↕ %d-%d of %d", m.offset+1, min(m.offset+vis, n), n))
	}
	return s
}

// tcpBlock is sar -n TCP, ETCP and the TcpExt drop counters as lines of figures, wrapped to w.
// Retransmits and listen-queue overflows and drops are highlighted when not zero.
func (m *Model) tcpBlock(w int) []string {
	th := m.th
	if r, bad := views.NotOK(m.frame, sources.SrcSNMP); bad {
		return []string{th.Ink.Title.Paint("TCP") + strings.Repeat(" ", tcpLabelW-len("TCP")+1) + th.Ink.Bad.Paint(r)}
	}
	t := &derive.TCP{}
	if m.frame != nil && m.frame.TCP != nil {
		t = m.frame.TCP
	}
	rate := func(v derive.Val, warn float64) columns.Cell { return columns.Rate(th, v, warn, 0) }
	var lines []string
	lines = append(lines, columns.Pairs(th, "TCP", tcpLabelW, []columns.Pair{
		{Name: "active/s", Cell: rate(t.ActiveS, 0)}, {Name: "passive/s", Cell: rate(t.PassiveS, 0)},
		{Name: "iseg/s", Cell: rate(t.IsegS, 0)}, {Name: "oseg/s", Cell: rate(t.OsegS, 0)},
		{Name: "estab", Cell: columns.Cell{Text: views.Num(t.Estab, 0), Style: th.Ink.Value}},
	}, w)...)
	lines = append(lines, columns.Pairs(th, "ETCP", tcpLabelW, []columns.Pair{
		{Name: "retrans/s", Cell: rate(t.RetransS, anyWarn)},
		{Name: "%retrans", Cell: columns.Fixed(th, t.RetransPct, 2, anyWarn, 0)},
		{Name: "atmptf/s", Cell: rate(t.AtmptfS, 0)}, {Name: "estres/s", Cell: rate(t.EstresS, 0)},
		{Name: "isegerr/s", Cell: rate(t.IsegerrS, anyWarn)}, {Name: "orsts/s", Cell: rate(t.OrstsS, 0)},
	}, w)...)
	lines = append(lines, columns.Pairs(th, "TcpExt", tcpLabelW, []columns.Pair{
		{Name: "listen-ovf/s", Cell: rate(t.ListenOverflowsS, anyWarn)},
		{Name: "listen-drop/s", Cell: rate(t.ListenDropsS, anyWarn)},
		{Name: "timeouts/s", Cell: rate(t.TimeoutsS, 0)}, {Name: "synretrans/s", Cell: rate(t.SynRetransS, 0)},
		{Name: "backlogdrop/s", Cell: rate(t.BacklogDropS, anyWarn)},
	}, w)...)
	return lines
}

// Tile lists interfaces that moved packets, busiest first, and a TCP line.
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
	if r, bad := views.NotOK(m.frame, sources.SrcNetDev); bad {
		l.Paint(th.Ink.Title, "Net")
		l.Str(" ")
		l.Paint(th.Ink.Bad, r)
		l.End()
		return l
	}
	ifs := m.tileIfaces()
	if t.cols == nil {
		t.cols = m.tileColumns()
	}
	cols := t.cols
	cols[0].Width = nameWidth(func(yield func(string) bool) {
		for _, n := range ifs {
			if !yield(n.Iface) {
				return
			}
		}
	})
	t.heads = t.heads[:0]
	for _, c := range cols {
		t.heads = append(t.heads, c.Column)
	}
	hs := t.heads
	t.pick = columns.FitTo(t.pick, hs, w)
	l.B = columns.AppendHeader(l.B, hs, t.pick, th.Ink.Label)
	l.End()
	if len(ifs) == 0 {
		msg := "waiting for the first sample"
		if m.frame != nil && m.frame.Interval.OK {
			msg = "no packets in the interval"
		}
		l.Paint(th.Ink.Dim, msg)
		l.End()
	}
	// The TCP line is kept at the bottom whatever the height: interfaces give way to it.
	keep := max(h-2, 1)
	for _, n := range ifs[:min(len(ifs), keep)] {
		cells := append(t.cells[:0], columns.Cell{Text: n.Iface, Style: th.Ink.Value})
		for _, c := range cols[1:] {
			cells = append(cells, c.cell(n))
		}
		l.B = columns.AppendLine(l.B, hs, t.pick, cells)
		l.End()
		t.cells = cells
	}
	clear(t.cells) // their texts are not kept past the frame
	m.appendTCPTileLine(l)
	l.End()
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
		{Column: columns.Column{Head: "Net", Left: true}},
		{Column: columns.Column{Head: "rxpck/s", Width: 7}, cell: m.rate(func(n *derive.Net) derive.Val { return n.RxpckS }, 0)},
		{Column: columns.Column{Head: "txpck/s", Width: 7}, cell: m.rate(func(n *derive.Net) derive.Val { return n.TxpckS }, 0)},
		{Column: columns.Column{Head: "rxkB/s", Width: 7, Prio: 1}, cell: m.rate(func(n *derive.Net) derive.Val { return n.RxkBS }, 0)},
		{Column: columns.Column{Head: "txkB/s", Width: 7, Prio: 1}, cell: m.rate(func(n *derive.Net) derive.Val { return n.TxkBS }, 0)},
		{Column: columns.Column{Head: "%ifutil", Width: 7, Prio: 2}, cell: func(n *derive.Net) columns.Cell {
			return columns.Fixed(th, n.Ifutil, 1, ifutilWarn, ifutilBad)
		}},
	}
}

// appendTCPTileLine writes the tile's TCP line to l, without ending it.
func (m *Model) appendTCPTileLine(l *views.Lines) {
	th := m.th
	l.Paint(th.Ink.Title, "TCP")
	if r, bad := views.NotOK(m.frame, sources.SrcSNMP); bad {
		l.Str(" ")
		l.Paint(th.Ink.Bad, r)
		return
	}
	t := &derive.TCP{}
	if m.frame != nil && m.frame.TCP != nil {
		t = m.frame.TCP
	}
	fig := func(name string, v derive.Val, style views.Ink) {
		l.Str("  ")
		l.Paint(th.Ink.Label, name)
		l.Str(" ")
		l.PaintShort(style, v) // columns.Rate's text
	}
	fig("active/s", t.ActiveS, columns.Level(th, t.ActiveS, 0, 0))
	fig("passive/s", t.PassiveS, columns.Level(th, t.PassiveS, 0, 0))
	fig("retrans/s", t.RetransS, columns.Level(th, t.RetransS, anyWarn, 0))
	fig("listen-drop/s", t.ListenDropsS, columns.Level(th, t.ListenDropsS, anyWarn, 0))
	l.Str("  ")
	l.Paint(th.Ink.Label, "estab")
	l.Str(" ")
	l.PaintNum(th.Ink.Value, t.Estab, 0)
}

// tileIfaces are the interfaces that moved packets, most first.
func (m *Model) tileIfaces() []*derive.Net {
	if m.frame == nil {
		return nil
	}
	var out []*derive.Net
	for i := range m.frame.Net {
		if pps(&m.frame.Net[i]) > 0 {
			out = append(out, &m.frame.Net[i])
		}
	}
	slices.SortStableFunc(out, func(a, b *derive.Net) int {
		switch pa, pb := pps(a), pps(b); {
		case pa > pb:
			return -1
		case pa < pb:
			return 1
		}
		return 0
	})
	return out
}

// TileHeight wants the head, every busy interface and the TCP line.
func (m *Model) TileHeight(int) (least, most int) {
	return 3, 2 + max(len(m.tileIfaces()), 1)
}

// ShortHelp lists the panel's keys.
func (m *Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp lists the panel's keys.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Defs explains the figures (docs/metrics.md, Network and TCP).
func (m *Model) Defs() []views.Def {
	dev := "/proc/net/dev"
	snmp := "/proc/net/snmp Tcp:"
	ext := "/proc/net/netstat TcpExt:"
	return []views.Def{
		{Name: "IFACE", Meaning: "interface of ktop's network namespace", Source: dev},
		{Name: "rxpck/s, txpck/s", Meaning: "packets received and sent per second", Formula: "Δpackets/Δt", Source: dev},
		{Name: "rxkB/s, txkB/s", Meaning: "kB (1024 bytes) received and sent per second", Formula: "Δbytes/1024/Δt", Source: dev},
		{Name: "rxcmp/s, txcmp/s, rxmcst/s", Meaning: "compressed packets received and sent, multicast received, per second", Formula: "Δ/Δt", Source: dev},
		{Name: "%ifutil", Meaning: "use of the link's speed, warn ≥ 80, bad ≥ 95. — when the speed is unknown: virtio-net, lo, bridges and down links report -1 or fail the read, so there is no line rate to compare with (sar prints 0.00)", Formula: "full duplex max(rx, tx) B/s × 8 / (speed Mb × 10⁶) × 100; half duplex the sum", Source: dev + ", /sys/class/net/IF/{speed,duplex}"},
		{Name: "EDEV columns", Meaning: "sar -n EDEV errors, collisions, drops, carrier, frame and FIFO errors per second; shown when not zero on some interface (e shows all), highlighted when not zero", Formula: "Δ/Δt", Source: dev},
		{Name: "active/s, passive/s", Meaning: "TCP connections opened by this host (connect) and accepted (listen) per second", Formula: "ΔActiveOpens/Δt, ΔPassiveOpens/Δt", Source: snmp},
		{Name: "iseg/s, oseg/s", Meaning: "TCP segments received and sent per second (oseg excludes retransmits)", Formula: "ΔInSegs/Δt, ΔOutSegs/Δt", Source: snmp},
		{Name: "estab", Meaning: "connections in ESTABLISHED or CLOSE-WAIT now", Formula: "CurrEstab", Source: snmp},
		{Name: "retrans/s, %retrans", Meaning: "segments retransmitted per second, and per segment sent; highlighted when not zero. %retrans can exceed 100 on a stalled link", Formula: "ΔRetransSegs/Δt, ΔRetransSegs/ΔOutSegs×100", Source: snmp},
		{Name: "atmptf/s, estres/s, isegerr/s, orsts/s", Meaning: "failed connection attempts, resets of established connections, bad segments received (highlighted), resets sent, per second (sar -n ETCP)", Formula: "ΔAttemptFails, ΔEstabResets, ΔInErrs, ΔOutRsts per Δt", Source: snmp},
		{Name: "listen-ovf/s, listen-drop/s", Meaning: "accept-queue overflows and connection requests dropped by listeners per second; highlighted when not zero: an application is not accepting fast enough", Formula: "ΔListenOverflows/Δt, ΔListenDrops/Δt", Source: ext},
		{Name: "timeouts/s, synretrans/s, backlogdrop/s", Meaning: "retransmission timeouts, SYN retransmits, segments dropped because the socket backlog was full (highlighted), per second", Formula: "ΔTCPTimeouts, ΔTCPSynRetrans, ΔTCPBacklogDrop per Δt", Source: ext},
		{Name: "charts", Meaning: "the selected interface's rxpck/s with txpck/s (blue); TCP retrans/s with listen-drop/s (red)", Formula: "as the columns", Source: dev + ", " + snmp},
	}
}
