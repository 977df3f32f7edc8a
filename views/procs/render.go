package procs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
)

// gutterW is the two cells before each row: '>' on the cursor row (visible without colour)
// and '*' when the process is pinned for smaps_rollup.
const gutterW = 2

// byKeep is the columns in the order a narrow terminal gives them up last.
var byKeep = func() []colID {
	ids := make([]colID, 0, nCols-1)
	for c := range nCols {
		if c != colCmd {
			ids = append(ids, c)
		}
	}
	slices.SortStableFunc(ids, func(a, b colID) int { return columns[a].keep - columns[b].keep })
	return ids
}()

// layout picks the columns that fit width w (most important first, leaving the command line
// at least a third of the width up to 24 cells, 20 on wide terminals) and returns them in
// screen order with the command's width.
func layout(w int) (shown []colID, cmdW int) {
	avail := w - gutterW
	cmdMin := min(24, max(avail/3, 8))
	if w >= 150 {
		cmdMin = 20
	}
	var in [nCols]bool
	used := 0
	for _, c := range byKeep {
		need := columns[c].width + 1
		if used+need+cmdMin > avail && c != colPID {
			break
		}
		in[c] = true
		used += need
	}
	for c := range nCols {
		if in[c] {
			shown = append(shown, c)
		}
	}
	return append(shown, colCmd), max(avail-used, 0)
}

// tableWidth is the width the list is laid out in (the whole panel; a chooser covers part of
// it without changing the columns).
func (m *Model) tableWidth() int { return m.width }

// render draws the panel into the cached view.
func (m *Model) render() {
	if m.width <= 0 || m.height <= 0 {
		m.view = ""
		return
	}
	w := m.width
	if m.detail != nil {
		// The detail view above, the prompt or the last action's result on the bottom line.
		lines := m.detail.lines()
		if m.mode == modeSignal && len(lines) > 1 {
			m.overlay(lines[1:])
		}
		b := m.bottom()
		if m.mode == modeList {
			b = m.th.Ink.Label.Paint("esc back to the list")
			if m.status != "" {
				b = m.flags()
			}
		}
		m.view = views.Block(append(lines, b), w, m.height)
		return
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, m.summary(), m.flags())
	if reason, bad := views.NotOK(m.cur, sources.SrcProcs); bad {
		lines = append(lines, m.th.Ink.Warn.Paint(reason))
		m.view = views.Block(lines, w, m.height)
		return
	}
	if m.cur == nil {
		lines = append(lines, m.th.Ink.Dim.Paint("waiting for the first sample"))
		m.view = views.Block(lines, w, m.height)
		return
	}
	table := m.table(m.listHeight())
	if m.mode == modeSort || m.mode == modeUser || m.mode == modeSignal {
		for len(table) < m.listHeight()+1 {
			table = append(table, "")
		}
		m.overlay(table)
	}
	lines = append(lines, table...)
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	lines = append(lines[:max(m.height-1, 0)], m.bottom())
	m.view = views.Block(lines, w, m.height)
}

// overlay draws the open chooser over the left part of lines, as htop's side menus.
func (m *Model) overlay(lines []string) {
	w := m.width
	cw := min(26, max(w/3, 12))
	if cw >= w {
		return
	}
	pane := m.chooserPane(cw, len(lines))
	for i := range lines {
		rest := views.Fit(lines[i], w)
		lines[i] = views.Fit(pane[i], cw) + m.th.Ink.Dim.Paint("│") + ansi.Cut(rest, cw+1, w)
	}
}

// summary is top's Tasks line plus what the process pass cost.
func (m *Model) summary() string {
	th := m.th
	s := m.cur
	if s == nil || s.ProcSummary == nil {
		return th.Ink.Title.Paint("Tasks") + " " + views.Missing
	}
	ps := s.ProcSummary
	n := func(v int) string { return th.Ink.Value.Paint(strconv.Itoa(v)) }
	forks := views.ShortVal(ps.ForksS)
	if ps.ForksS.OK {
		forks = views.Short(ps.ForksS.V)
	}
	smaps, short := th.Ink.Label.Paint("smaps_rollup ")+th.Ink.Value.Paint("none"), "none"
	if ps.SmapsMs > 0 {
		smaps = th.Ink.Label.Paint("smaps_rollup ") + th.Ink.Value.Paint(fmt.Sprintf("1 read %.2f ms", ps.SmapsMs))
		short = fmt.Sprintf("%.2fms", ps.SmapsMs)
	}
	d := n(ps.DState)
	if ps.DState > 0 {
		d = th.Ink.Warn.Paint(strconv.Itoa(ps.DState))
	}
	z := n(ps.Zombie)
	if ps.Zombie > 0 {
		z = th.Ink.Warn.Paint(strconv.Itoa(ps.Zombie))
	}
	long := th.Ink.Title.Paint("Tasks") + " " + n(ps.Total) + th.Ink.Label.Paint(" total, ") +
		n(ps.Running) + th.Ink.Label.Paint(" running, ") + n(ps.Sleeping) + th.Ink.Label.Paint(" sleeping, ") +
		n(ps.Idle) + th.Ink.Label.Paint(" idle, ") + d + th.Ink.Label.Paint(" D, ") +
		n(ps.Stopped) + th.Ink.Label.Paint(" stopped, ") + z + th.Ink.Label.Paint(" zombie; ") +
		n(ps.Threads) + th.Ink.Label.Paint(" threads") +
		th.Ink.Label.Paint("  forks ") + th.Ink.Value.Paint(forks+"/s") +
		th.Ink.Label.Paint("  scan ") + th.Ink.Value.Paint(fmt.Sprintf("%.1f ms", ps.ScanMs)) + "  " + smaps
	if views.Width(long) <= m.width {
		return long
	}
	return th.Ink.Title.Paint("Tasks") + " " + n(ps.Total) + th.Ink.Label.Paint(": ") +
		n(ps.Running) + th.Ink.Label.Paint("R ") + n(ps.Sleeping) + th.Ink.Label.Paint("S ") +
		n(ps.Idle) + th.Ink.Label.Paint("I ") + d + th.Ink.Label.Paint("D ") + n(ps.Stopped) + th.Ink.Label.Paint("T ") +
		z + th.Ink.Label.Paint("Z ") + n(ps.Threads) + th.Ink.Label.Paint("thr") +
		th.Ink.Label.Paint(" forks ") + th.Ink.Value.Paint(forks+"/s") +
		th.Ink.Label.Paint(" scan ") + th.Ink.Value.Paint(fmt.Sprintf("%.1fms", ps.ScanMs)) +
		th.Ink.Label.Paint(" smaps ") + th.Ink.Value.Paint(short)
}

// flags says how the list is cut (sort, filter, user, tree, threads), then why it may be
// incomplete (hidepid, io denied, smaps unavailable); an action's result comes first.
func (m *Model) flags() string {
	th := m.th
	var parts []string
	if m.status != "" {
		st := th.Ink.Value
		if m.statusBad {
			st = th.Ink.Bad
		}
		parts = append(parts, st.Paint(m.status))
	}
	arrow := "▼"
	if m.v.ascending() {
		arrow = "▲"
	}
	parts = append(parts, th.Ink.Label.Paint("sort ")+th.Ink.Value.Paint(columns[m.v.sort].title+arrow))
	if m.v.filter != "" {
		parts = append(parts, th.Ink.Label.Paint("filter ")+th.Ink.Warn.Paint(strconv.Quote(m.v.filter)))
	}
	if m.v.user != "" {
		parts = append(parts, th.Ink.Label.Paint("user ")+th.Ink.Warn.Paint(clean(m.v.user)))
	}
	if m.v.hideKernel {
		parts = append(parts, th.Ink.Label.Paint("kernel threads hidden"))
	}
	if m.v.tree {
		parts = append(parts, th.Ink.Value.Paint("tree"))
	}
	if m.threadsOn {
		c := m.thrCost
		if c == "" {
			c = "reading threads…"
		}
		parts = append(parts, th.Ink.Value.Paint("threads")+th.Ink.Label.Paint(" ("+c+")"))
	}
	if m.cur != nil {
		if ps := m.cur.ProcSummary; ps != nil {
			for _, n := range ps.Notes {
				parts = append(parts, th.Ink.Warn.Paint(clean(n)))
			}
		}
		if reason, bad := views.NotOK(m.cur, sources.SrcSmaps); bad {
			parts = append(parts, th.Ink.Warn.Paint("PSS "+reason))
		}
	}
	sep := th.Ink.Label.Paint(" · ")
	line := strings.Join(parts, sep)
	long, short := m.hiddenNote()
	switch {
	case long == "":
	case views.Width(line+sep+long) <= m.width:
		line += sep + th.Ink.Label.Paint(long)
	default:
		line += sep + th.Ink.Label.Paint(short)
	}
	return line
}

// hiddenNote says which columns are empty for other users' processes, as an unprivileged
// ktop sees them, and what would fill them: long where the line has room, short (pointing
// to the definitions, D) at 80 columns. "" when nothing is hidden.
func (m *Model) hiddenNote() (long, short string) {
	if m.cur == nil || m.cur.ProcSummary == nil {
		return "", ""
	}
	ps := m.cur.ProcSummary
	var what, need string
	switch pss, io := ps.SmapsDenied, ps.IODenied; {
	case pss > 0 && io > 0:
		what = fmt.Sprintf("PSS of %d, I/O of %d other users' processes hidden", pss, io)
		need = "PSS needs CAP_SYS_PTRACE, I/O CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
	case pss > 0:
		what = fmt.Sprintf("PSS of %d other users' processes hidden", pss)
		need = "needs CAP_SYS_PTRACE"
	case io > 0:
		what = fmt.Sprintf("I/O of %d other users' processes hidden", io)
		need = "needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
	default:
		return "", ""
	}
	return what + ": " + need, what + " (D: why)"
}

// table is the column header and h-1 rows from the offset.
func (m *Model) table(h int) []string {
	shown, cmdW := layout(m.tableWidth())
	lines := make([]string, 0, h+1)
	lines = append(lines, m.header(shown, cmdW))
	for i := m.offset; i < len(m.rows) && len(lines) <= h; i++ {
		lines = append(lines, m.rowLine(&m.rows[i], shown, cmdW, i == m.cursor))
	}
	if len(m.rows) == 0 {
		msg := "no processes"
		if m.v.filter != "" || m.v.user != "" || m.v.hideKernel {
			msg = "no process matches (esc clears the filter)"
		}
		lines = append(lines, m.th.Ink.Dim.Paint(msg))
	}
	return lines
}

// header names the shown columns; the sort column stands out.
func (m *Model) header(shown []colID, cmdW int) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", gutterW))
	for i, c := range shown {
		col := &columns[c]
		w := col.width
		if c == colCmd {
			w = cmdW
		}
		t := align(col.title, w, col.left)
		st := m.th.Ink.Title
		if c == m.v.sort {
			st = m.th.Ink.Selected
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		st.PaintTo(&b, t)
	}
	return b.String()
}

// rowLine prints one row: the cursor row in reverse video without cell colours (colour on
// reverse reads badly), the others with warn/bad colours on the cells that cross a threshold.
func (m *Model) rowLine(r *row, shown []colID, cmdW int, cursor bool) string {
	th := m.th
	var b strings.Builder
	if cursor {
		b.WriteByte('>')
	} else {
		b.WriteByte(' ')
	}
	if m.pinned[r.id] && r.t == nil {
		b.WriteByte('*')
	} else {
		b.WriteByte(' ')
	}
	for i, c := range shown {
		col := &columns[c]
		if i > 0 {
			b.WriteByte(' ')
		}
		if c == colCmd {
			b.WriteString(m.command(r, cmdW, cursor))
			continue
		}
		var text string
		sev := sevNone
		switch {
		case r.t != nil && col.tcell != nil:
			text = col.tcell(r.t)
		case r.t != nil:
			text = ""
		default:
			text = col.cell(r.p)
			if col.sev != nil {
				sev = col.sev(r.p)
			}
		}
		text = align(text, col.width, col.left)
		switch {
		case cursor:
		case sev == sevBad:
			text = th.Ink.Bad.Paint(text)
		case sev == sevWarn:
			text = th.Ink.Warn.Paint(text)
		case r.t != nil:
			text = th.Ink.Dim.Paint(text)
		}
		b.WriteString(text)
	}
	line := b.String()
	if cursor {
		return th.Ink.Selected.Paint(views.Fit(line, m.tableWidth()))
	}
	return line
}

// command is the tree drawing, a fold mark and the command line, cut to w.
func (m *Model) command(r *row, w int, cursor bool) string {
	text := r.p.Cmdline
	if r.t != nil {
		text = r.t.Comm
	}
	mark := ""
	if r.folded {
		mark = "+"
	}
	s := views.Fit(r.prefix+mark+clean(text), w)
	if !cursor && r.t != nil {
		return m.th.Ink.Dim.Paint(s)
	}
	return s
}

// align pads or cuts s to w cells, left- or right-aligned.
func align(s string, w int, left bool) string {
	sw := views.Width(s)
	switch {
	case sw > w:
		return ansi.Truncate(s, w, "…")
	case left:
		return s + strings.Repeat(" ", w-sw)
	}
	return strings.Repeat(" ", w-sw) + s
}

// chooserPane draws the open chooser in w×h, scrolled to its cursor.
func (m *Model) chooserPane(w, h int) []string {
	c := &m.choose
	lines := []string{m.th.Ink.Title.Paint(views.Fit(c.title, w))}
	rows := max(h-1, 1)
	off := max(min(c.idx-rows/2, len(c.items)-rows), 0)
	for i := off; i < len(c.items) && len(lines) < h; i++ {
		item := " " + c.items[i]
		if m.mode == modeSort && colID(i) == m.v.sort {
			item = " " + c.items[i] + " (now)"
		}
		if i == c.idx {
			lines = append(lines, m.th.Ink.Selected.Paint(views.Fit(">"+item[1:], w)))
			continue
		}
		lines = append(lines, views.Fit(item, w))
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines
}

// bottom is the prompt being typed, the question asked, or what the selected row lacks and why.
func (m *Model) bottom() string {
	th := m.th
	switch m.mode {
	case modeFilter:
		return th.Ink.Title.Paint("Filter: ") + th.Ink.Value.Paint(m.v.filter) + "_" +
			th.Ink.Label.Paint("  enter keeps · esc clears · matches command, name, user")
	case modeSearch:
		s := th.Ink.Title.Paint("Search: ") + th.Ink.Value.Paint(m.search) + "_"
		if m.missed {
			s += " " + th.Ink.Warn.Paint("not found")
		}
		return s + th.Ink.Label.Paint("  F3 next · enter done · esc stops")
	case modeConfirm:
		p := m.pending
		return th.Ink.Warn.Paint(fmt.Sprintf("Send %s to %s? y/N", p.signal, p.label))
	case modeSignal:
		return th.Ink.Label.Paint("signal for ") + th.Ink.Value.Paint(m.pending.label) +
			th.Ink.Label.Paint(": ↑↓ or its first letter, enter, then confirm · esc cancels")
	case modeSort, modeUser:
		return th.Ink.Label.Paint("↑↓ choose · enter accepts · esc cancels")
	}
	if m.cursor >= len(m.rows) {
		return ""
	}
	return m.info(&m.rows[m.cursor])
}

// info explains the selected row's missing or costly values: why PSS is "—" or what reading
// it cost, and why I/O is "—".
func (m *Model) info(r *row) string {
	th := m.th
	p := r.p
	if r.t != nil {
		return th.Ink.Label.Paint(fmt.Sprintf("thread %d of %s", r.t.TID, label(p)))
	}
	parts := []string{th.Ink.Value.Paint(label(p))}
	switch {
	case p.PssKB.OK:
		parts = append(parts, th.Ink.Label.Paint(fmt.Sprintf("PSS read in %s ms, %s s ago", views.Num(p.SmapsMs, 2), views.Num(p.SmapsAgeS, 0))))
	case p.SmapsSkip != "":
		parts = append(parts, th.Ink.Label.Paint("PSS "+views.Missing+": "+clean(p.SmapsSkip)))
	default:
		parts = append(parts, th.Ink.Label.Paint("PSS "+views.Missing+": waiting its turn (one smaps_rollup read per tick)"))
	}
	if m.pinned[r.id] {
		parts = append(parts, th.Ink.Warn.Paint("pinned"))
	}
	if p.IONote != "" {
		parts = append(parts, th.Ink.Label.Paint("kB_rd/wr "+views.Missing+": "+p.IONote))
	}
	return strings.Join(parts, th.Ink.Label.Paint(" · "))
}

// Tile is the busiest processes by %CPU for the Overview: PID, %CPU, RSS and the command.
// It keeps the h-1 busiest as it goes through the frame's processes, in the order the list
// sorted by %CPU has them, rather than sorting them all: the tile is drawn every sample.
func (m *Model) Tile(w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	return m.tileLines(w, h).Block(w, h)
}

// AppendTile appends Tile(w, h) to dst (views.TileAppender).
func (m *Model) AppendTile(dst []byte, w, h int) []byte {
	if w <= 0 || h <= 0 {
		return dst
	}
	return m.tileLines(w, h).AppendBlock(dst, w, h)
}

// tileLines are the tile's lines at w×h.
func (m *Model) tileLines(w, h int) *views.Lines {
	th := m.th
	t := &m.tile
	l := &t.lines
	l.Reset()
	if t.head == "" {
		t.head = th.Ink.Title.Paint(align("PID", 7, false) + " " + align("%CPU", 5, false) + " " + align("RSS", 5, false) + " Command")
	}
	l.Str(t.head)
	l.End()
	if m.cur == nil {
		l.Paint(th.Ink.Dim, "waiting for the first sample")
		l.End()
		return l
	}
	if reason, bad := views.NotOK(m.cur, sources.SrcProcs); bad {
		l.Paint(th.Ink.Warn, reason)
		l.End()
		return l
	}
	byCPU := view{sort: colCPUPct}
	top := t.top[:0]
	for i := range m.cur.Procs {
		p := &m.cur.Procs[i]
		if len(top) == h-1 && (h-1 == 0 || byCPU.compare(p, top[len(top)-1]) >= 0) {
			continue
		}
		j, _ := slices.BinarySearchFunc(top, p, byCPU.compare)
		if len(top) < h-1 {
			top = append(top, nil)
		}
		copy(top[j+1:], top[j:len(top)-1])
		top[j] = p
	}
	for _, p := range top {
		var a [32]byte
		start := len(l.B)
		l.B = appendAlign(l.B, strconv.AppendInt(a[:0], int64(p.PID), 10), 7)
		l.B = append(l.B, ' ')
		l.B = appendAlign(l.B, append(a[:0], pct(p.CPUPct)...), 5)
		l.B = append(l.B, ' ')
		l.B = appendAlign(l.B, append(a[:0], kb(p.RSSKB)...), 5)
		l.B = append(l.B, ' ')
		l.Str(clean(p.Cmdline))
		l.B = views.AppendFit(l.B, start, w) // cut here, where a long command is plain text
		l.End()
	}
	clear(top) // the frame's processes are not kept past it
	t.top = top
	return l
}

// tileBufs are what Tile draws with, kept from frame to frame.
type tileBufs struct {
	head  string // the heading, drawn once
	lines views.Lines
	top   []*derive.Proc
}

// appendAlign appends align(string(p), w, false).
func appendAlign(dst, p []byte, w int) []byte {
	sw := views.WidthBytes(p)
	if sw > w {
		return append(dst, ansi.Truncate(string(p), w, "…")...)
	}
	dst = append(dst, views.Blanks(w-sw)...)
	return append(dst, p...)
}

// TileHeight wants a header and up to ten processes.
func (m *Model) TileHeight(int) (least, most int) {
	n := 10
	if m.cur != nil {
		n = min(n, len(m.cur.Procs))
	}
	return 2, 1 + max(n, 1)
}

// Defs explains every column.
func (m *Model) Defs() []views.Def {
	defs := make([]views.Def, 0, nCols)
	for _, c := range columns {
		defs = append(defs, c.def)
	}
	return defs
}
