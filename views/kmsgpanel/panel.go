package kmsgpanel

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
	"github.com/ktop-dev/ktop/views/tschart"
)

// keep is how many records the panel holds: a few screens of context around the tail.
const keep = 500

// levelNames are dmesg -x's level names, 0 emerg … 7 debug.
var levelNames = [8]string{"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"}

// warnLevel is the worst level the w filter and the tile still show: warning.
const warnLevel = 4

// entry is a record with what the panel learned when it arrived.
type entry struct {
	rec     sources.KmsgRecord
	arrived time.Time // the time of the frame that brought it
	wall    time.Time // when it was logged, from that frame's uptime
	wallOK  bool
}

// Model is the Kernel log panel.
type Model struct {
	th   *theme.Theme
	keys KeyMap

	frame   *derive.Frame
	limit   int
	entries []entry // by sequence number
	seen    map[uint64]bool

	follow   bool   // show the tail as records arrive
	top      uint64 // sequence number of the first line shown while not following
	warnOnly bool

	width, height int
	view          string
	tile          views.Lines // the tile's lines, kept for the next frame
}

// New returns the Kernel log panel. The interval is unused: the panel has no chart; the
// argument keeps every panel's constructor alike.
func New(th *theme.Theme, _ time.Duration) *Model {
	m := &Model{th: th, keys: DefaultKeyMap(), limit: keep, seen: make(map[uint64]bool), follow: true}
	m.render()
	return m
}

// Title is the panel's name.
func (m *Model) Title() string { return "Kernel log" }

// SetSize sets the block the panel draws into.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.render()
}

// Update takes frames (always) and keys (when focused).
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frame = msg.Current()
		for _, f := range msg.Frames {
			m.ingest(f)
		}
		if !msg.Hidden { // the app routes the window again when it is shown
			m.render()
		}
	case tea.KeyMsg:
		if m.scroll(msg) {
			m.render()
		}
	}
	return nil
}

// ingest adds the records of frame f not seen before. A window repeats most frames of the
// previous one, and the cursor may move back in time, so records are keyed by sequence number;
// the oldest go once more than limit are held.
func (m *Model) ingest(f *derive.Frame) {
	if f == nil || f.Kmsg == nil {
		return
	}
	for _, r := range f.Kmsg.Records {
		if m.seen[r.Seq] || (len(m.entries) >= m.limit && r.Seq < m.entries[0].rec.Seq) {
			continue
		}
		e := entry{rec: r, arrived: f.Time}
		e.wall, e.wallOK = views.KmsgTime(f, r)
		i := sort.Search(len(m.entries), func(i int) bool { return m.entries[i].rec.Seq > r.Seq })
		m.entries = append(m.entries, entry{})
		copy(m.entries[i+1:], m.entries[i:])
		m.entries[i] = e
		m.seen[r.Seq] = true
	}
	if over := len(m.entries) - m.limit; over > 0 {
		for _, e := range m.entries[:over] {
			delete(m.seen, e.rec.Seq)
		}
		m.entries = append(m.entries[:0], m.entries[over:]...)
	}
}

// shown are the entries at or before the cursor's frame (a record that arrived later is in
// the future of the frame being looked at), with the warning filter applied.
func (m *Model) shown() []entry {
	out := make([]entry, 0, len(m.entries))
	for i := range m.entries {
		if m.visible(&m.entries[i]) {
			out = append(out, m.entries[i])
		}
	}
	return out
}

// visible reports whether e is listed: it arrived by the frame at the cursor and passes the
// level filter.
func (m *Model) visible(e *entry) bool {
	return (m.frame == nil || !e.arrived.After(m.frame.Time)) && (!m.warnOnly || e.rec.Level <= warnLevel)
}

// shownCount is len(m.shown()) without the copy: the tile needs only the count, every tick.
func (m *Model) shownCount() int {
	n := 0
	for i := range m.entries {
		if m.visible(&m.entries[i]) {
			n++
		}
	}
	return n
}

func (m *Model) page() int { return max(m.height-1, 1) }

// first is the index of the first line shown: the tail while following, else the line with
// the remembered sequence number (or the next one, if it was dropped or filtered out).
func (m *Model) first(list []entry) int {
	last := max(len(list)-m.page(), 0)
	if m.follow {
		return last
	}
	i := sort.Search(len(list), func(i int) bool { return list[i].rec.Seq >= m.top })
	return min(i, last)
}

// scroll handles the scroll and filter keys; it reports whether the view changed.
func (m *Model) scroll(msg tea.KeyMsg) bool {
	list := m.shown()
	i := m.first(list)
	switch {
	case key.Matches(msg, m.keys.Up):
		i--
	case key.Matches(msg, m.keys.Down):
		i++
	case key.Matches(msg, m.keys.PageUp):
		i -= m.page()
	case key.Matches(msg, m.keys.PageDown):
		i += m.page()
	case key.Matches(msg, m.keys.Top):
		i = 0
	case key.Matches(msg, m.keys.Bottom):
		m.follow = true
		return true
	case key.Matches(msg, m.keys.Warn):
		m.warnOnly = !m.warnOnly
		return true
	default:
		return false
	}
	last := max(len(list)-m.page(), 0)
	i = min(max(i, 0), last)
	// Reaching the tail again follows it, as less +F users expect.
	m.follow = i == last
	if i < len(list) {
		m.top = list[i].rec.Seq
	}
	return true
}

// View returns the cached rendering.
func (m *Model) View() string { return m.view }

// Following reports whether the panel shows the tail as records arrive.
func (m *Model) Following() bool { return m.follow }

func (m *Model) render() {
	list := m.shown()
	last := max(len(list)-m.page(), 0)
	m.keys.Up.SetEnabled(last > 0)
	m.keys.Down.SetEnabled(last > 0)
	m.keys.PageUp.SetEnabled(last > 0)
	m.keys.PageDown.SetEnabled(last > 0)
	m.keys.Top.SetEnabled(last > 0)
	m.keys.Bottom.SetEnabled(!m.follow)
	if m.warnOnly {
		m.keys.Warn.SetHelp("w", "all levels")
	} else {
		m.keys.Warn.SetHelp("w", "warnings and worse")
	}
	if m.width <= 0 || m.height <= 0 {
		m.view = views.Block(nil, m.width, m.height)
		return
	}
	lines := []string{m.titleLine(len(list))}
	if r, bad := views.NotOK(m.frame, sources.SrcKmsg); bad && len(list) == 0 {
		lines = append(lines, m.th.Ink.Bad.Paint(r))
	}
	wall := false
	for _, e := range list {
		wall = wall || e.wallOK
	}
	i := m.first(list)
	for _, e := range list[i:min(i+m.page(), len(list))] {
		lines = append(lines, m.line(e, wall, m.width))
	}
	m.view = views.Block(lines, m.width, m.height)
}

func (m *Model) titleLine(n int) string {
	th := m.th
	s := th.Ink.Title.Paint("Kernel log") + th.Ink.Label.Paint(" dmesg")
	if m.frame == nil {
		return s + "  " + th.Ink.Dim.Paint("waiting for the first sample")
	}
	if r, bad := views.NotOK(m.frame, sources.SrcKmsg); bad {
		s += "  " + th.Ink.Bad.Paint(r)
	}
	s += "  " + th.Ink.Value.Paint(fmt.Sprintf("%d records", n))
	if m.warnOnly {
		s += th.Ink.Label.Paint(" (warnings and worse)")
	}
	if m.frame.Kmsg != nil {
		style := th.Value
		if m.frame.Kmsg.Lost > 0 {
			style = th.Warn
		}
		s += th.Ink.Label.Paint("  lost ") + style.Render(fmt.Sprint(m.frame.Kmsg.Lost))
	}
	if m.follow {
		s += th.Ink.Dim.Paint("  following")
	} else {
		s += th.Ink.Warn.Paint("  scrolled") + th.Ink.Dim.Paint(" (end follows)")
	}
	return s
}

// levelStyle colours a record as the checklist reads dmesg: emerg to err red, warning
// yellow, notice and info plain, debug dim.
func (m *Model) levelStyle(level int) views.Ink {
	switch {
	case level <= 3:
		return m.th.Ink.Bad
	case level == warnLevel:
		return m.th.Ink.Warn
	case level >= 7:
		return m.th.Ink.Dim
	}
	return m.th.Ink.Value
}

// line is one record as dmesg -x -T would print it, narrower: [seconds since boot], the wall
// time (when any record has one), the level, an event mark, the text.
func (m *Model) line(e entry, wall bool, w int) string {
	return string(m.appendLine(nil, &e, wall, w))
}

// appendLine appends line(*e, wall, w) to dst.
func (m *Model) appendLine(dst []byte, e *entry, wall bool, w int) []byte {
	th := m.th
	r := &e.rec
	st := m.levelStyle(r.Level)
	var a [64]byte
	ts := append(a[:0], '[')
	ts = appendPadded(ts, r.TsUsec/1e6, 5, ' ')
	ts = append(ts, '.')
	ts = appendPadded(ts, r.TsUsec%1e6, 6, '0')
	dst = th.Ink.Label.AppendBytes(dst, append(ts, ']'))
	if wall && w >= 60 {
		dst = append(dst, ' ')
		if e.wallOK {
			dst = th.Ink.Label.AppendBytes(dst, e.wall.In(m.frame.Time.Location()).AppendFormat(a[:0], "15:04:05"))
		} else {
			dst = th.Ink.Label.Append(dst, "       "+views.Missing)
		}
	}
	if w >= 50 {
		name := "?"
		if r.Level >= 0 && r.Level < len(levelNames) {
			name = levelNames[r.Level]
		}
		n := append(a[:0], name...) // %-6s: the names are ASCII
		n = append(n, views.Blanks(6-len(name))...)
		dst = append(dst, ' ')
		dst = st.AppendBytes(dst, n)
	}
	dst = append(dst, ' ')
	if r.Event != "" {
		dst = th.Ink.Bad.Append(dst, tschart.EventGlyph+" "+r.Event)
		dst = append(dst, ' ')
	}
	return st.Append(dst, r.Text)
}

// appendPadded appends v in decimal, padded on the left with pad to at least n digits, as
// fmt's %5d and %06d do.
func appendPadded(dst []byte, v uint64, n int, pad byte) []byte {
	var a [20]byte
	d := strconv.AppendUint(a[:0], v, 10)
	for range n - len(d) {
		dst = append(dst, pad)
	}
	return append(dst, d...)
}

// Tile shows the newest warnings, errors and events, newest first.
func (m *Model) Tile(w, h int) string { return m.tileLines(w, h).Block(w, h) }

// AppendTile appends Tile(w, h) to dst (views.TileAppender).
func (m *Model) AppendTile(dst []byte, w, h int) []byte {
	return m.tileLines(w, h).AppendBlock(dst, w, h)
}

// tileLines are the tile's lines at w×h.
func (m *Model) tileLines(w, h int) *views.Lines {
	th := m.th
	l := &m.tile
	l.Reset()
	if r, bad := views.NotOK(m.frame, sources.SrcKmsg); bad {
		l.Paint(th.Ink.Title, "Kernel log")
		l.Str(" ")
		l.Paint(th.Ink.Bad, r)
		l.End()
		return l
	}
	// The notable records are counted and drawn where they are, not copied out.
	n, wall := 0, false
	for i := range m.entries {
		if e := &m.entries[i]; m.isNotable(e) {
			n++
			wall = wall || e.wallOK
		}
	}
	l.Paint(th.Ink.Title, "Kernel log")
	if m.frame == nil {
		l.Str(" ")
		l.Paint(th.Ink.Dim, "waiting for the first sample")
	} else {
		var a [96]byte
		b := strconv.AppendInt(append(a[:0], "  "...), int64(n), 10)
		b = append(b, " warnings or worse in the last "...)
		b = strconv.AppendInt(b, int64(m.shownCount()), 10)
		l.PaintBytes(th.Ink.Label, append(b, " records"...))
	}
	l.End()
	for i := len(m.entries) - 1; i >= 0 && l.Len() < h; i-- {
		if e := &m.entries[i]; m.isNotable(e) {
			l.B = m.appendLine(l.B, e, wall, w)
			l.End()
		}
	}
	return l
}

func (m *Model) isNotable(e *entry) bool {
	return m.visible(e) && (e.rec.Level <= warnLevel || e.rec.Event != "")
}

// TileHeight wants the head and up to five notable records. The Overview asks it at several
// widths each sample: it counts them without copying them out.
func (m *Model) TileHeight(int) (least, most int) {
	n := 0
	for i := 0; i < len(m.entries) && n < 5; i++ {
		if m.isNotable(&m.entries[i]) {
			n++
		}
	}
	return 2, 1 + max(n, 1)
}

// ShortHelp lists the panel's keys.
func (m *Model) ShortHelp() []key.Binding { return m.keys.ShortHelp() }

// FullHelp lists the panel's keys.
func (m *Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Defs explains the columns (docs/metrics.md, Kernel log).
func (m *Model) Defs() []views.Def {
	src := "/dev/kmsg"
	return []views.Def{
		{Name: "[seconds]", Meaning: "when the record was logged, seconds since boot on the kernel log clock, as dmesg prints it", Formula: "ts_usec / 10⁶", Source: src + " prefix field 3"},
		{Name: "time", Meaning: "wall-clock time of the record, as dmesg -T computes it; early by any time spent suspended, since the log clock stops then and uptime does not; — without /proc/uptime", Formula: "frame time − (uptime − ts)", Source: src + ", /proc/uptime"},
		{Name: "level", Meaning: "emerg, alert, crit, err (red), warn (yellow), notice, info, debug (dim); w shows warnings and worse only", Formula: "PRI & 7", Source: src + " prefix field 1"},
		{Name: tschart.EventGlyph + " event", Meaning: "notable event: oom_kill, hung_task, soft_lockup, rcu_stall, io_error, segfault, syn_flood, conntrack_full; also marked on every chart's time axis", Formula: "substring of the text, first match wins", Source: src},
		{Name: "records", Meaning: "records held: the last 500 seen, by sequence number; at start the newest 200 already in the kernel's ring", Formula: "", Source: src},
		{Name: "lost", Meaning: "records never shown since ktop started: overwritten in the ring before being read, dropped when too many arrived at once, or unparseable; warn when not zero", Formula: "cumulative", Source: src},
		{Name: "n/a", Meaning: "with kernel.dmesg_restrict=1 reading needs CAP_SYSLOG or root; the open is retried every sample", Formula: "", Source: src + ", /proc/sys/kernel/dmesg_restrict"},
	}
}
