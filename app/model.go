package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/header"
	"github.com/ktop-dev/ktop/views/overview"
	"github.com/ktop-dev/ktop/views/theme"
)

// The smallest terminal the dashboard lays out in: the header's two lines, the panel bar, the
// status line, and a panel body of ten lines. Below it a "terminal too small" screen says what
// is needed.
const (
	MinWidth  = 60
	MinHeight = 14
	// barHeight is the panel bar under the header.
	barHeight = 1
)

// Options wire the dashboard to a sampler.
type Options struct {
	Theme    *theme.Theme
	History  *engine.History       // windows for the views; may be nil (tests, one frame)
	Updates  <-chan *engine.Sample // latest-wins delivery from Engine.Updates; may be nil
	Interval time.Duration         // sampling interval, for the status line and the chart
	// Actions lets panels act on processes and read on demand (views.ActionMsg); nil refuses.
	Actions views.Actions
	Panel   int  // index of the panel shown first (0, the Overview, by default)
	VimKeys bool // h/j/k/l, g/G, ctrl+d/ctrl+u stand for arrows, home/end, pages
	// Replay plays a recording (replay.go): History reads the file and Updates is nil.
	Replay *Replay
	// Recorder records the session for the R key (rec.go); nil, or in a replay, R is off.
	Recorder Recorder
	// Note is said on the status line from the start until the first key: what the user
	// should know before looking (the config file could not be read).
	Note string
}

// SampleMsg tells the root that a new sample is in History.
type SampleMsg struct{ Sample *engine.Sample }

// Model is the root model.
type Model struct {
	th *theme.Theme
	// keys and help are pointers, shared by the model's copies: the model is copied and boxed
	// with every message, and they were most of it (the keys 1.9 KB of 2.4).
	keys     *KeyMap
	help     *help.Model
	hist     *engine.History
	updates  <-chan *engine.Sample
	interval time.Duration
	actions  views.Actions

	width, height int
	overlay       overlay       // help or definitions over the panel, or none
	pager         pager         // the overlay's lines and scroll offset
	frame         *derive.Frame // the frame at the cursor (newest while live)

	cur    cursor        // the instant every panel shows (cursor.go)
	zoom   time.Duration // the time the charts show: fitZoom, allZoom or a span
	prompt *prompt       // the go-to time or the file to record to being typed, or nil
	note   string        // what a key did or could not do, shown until the next key

	rp    *player            // the replay, or nil while live (replay.go)
	rec   Recorder           // the R key's recorder, or nil (rec.go)
	recSt engine.RecordState // its state, read after each sample and each start or stop
	now   func() time.Time   // the replay clock's time (tests set it)

	header header.Model
	// panels are switched with digits and Tab; active is the one shown and focused.
	panels []views.Panel
	active int
	// sized is the size each panel was last laid out at: a resize lays out only the panel
	// shown, and another is laid out as it is switched to (layout). Shared by the model's
	// copies, as the panels are.
	sized []size

	// status, bar and overlayBody are rendered in Update, so View only joins cached strings;
	// bar was drawn for barFor.
	status, bar, overlayBody string
	barFor                   barKey
	// hints is the status line's last key hints, redrawn only when the keys or the room
	// change (most samples change neither). Shared by the model's copies.
	hints *hintCache
}

// barKey is what the panel bar depends on: the panel shown and the width.
type barKey struct{ active, width int }

// hintCache is the key hints drawn for a list of bindings in some room.
type hintCache struct {
	key  []byte // the room and each binding's state and help (hintKey)
	view string
	// next is the key being checked, bs the bindings it is of: kept for the next sample.
	next   []byte
	bs     []key.Binding
	status statusBufs // the status line's, drawn every sample
}

// New builds the root model; nothing is drawn until the first tea.WindowSizeMsg.
func New(o Options) Model {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	km := DefaultKeyMap()
	h := help.New()
	// Every help style comes from the theme: help.New's defaults are adaptive colours, which
	// would query the terminal background while Bubble Tea owns stdin.
	h.Styles = help.Styles{
		Ellipsis: o.Theme.HelpSep, ShortKey: o.Theme.HelpKey, ShortDesc: o.Theme.HelpDesc,
		ShortSeparator: o.Theme.HelpSep, FullKey: o.Theme.HelpKey, FullDesc: o.Theme.HelpDesc,
		FullSeparator: o.Theme.HelpSep,
	}
	h.ShortSeparator = "  "
	m := Model{
		th: o.Theme, keys: &km, help: &h,
		hist: o.History, updates: o.Updates, interval: o.Interval, actions: o.Actions,
		header: header.New(o.Theme),
		panels: newPanels(o.Theme, o.Interval),
		hints:  &hintCache{},
	}
	m.sized = make([]size, len(m.panels))
	m.note = o.Note
	m.keys.setPanels(len(m.panels))
	m.keys.setVim(o.VimKeys)
	if o.Panel > 0 && o.Panel < len(m.panels) {
		m.active = o.Panel
	}
	m.keys.Back.SetEnabled(m.active != 0)
	m.now = time.Now
	if o.Replay != nil {
		m.rp = &player{Replay: *o.Replay}
		m.actions = nil // a recorded process cannot be signalled, nor its /proc read
		m.keys.Faster.SetEnabled(true)
		m.keys.Slower.SetEnabled(true)
		m.cur = cursor{mode: replay}
		if m.hist != nil && m.hist.Len() > 0 {
			m.pauseAt(0) // the first sample that can be read
			m.rp.start, _ = m.hist.TimeAt(m.cursorIndex())
		}
		m.setCursorKeys()
		m.noteDamage() // what the reader found on opening the file
	} else if o.Recorder != nil {
		m.rec = o.Recorder
		m.recSt = m.rec.State() // --record may have started one
		m.keys.Record.SetEnabled(true)
		m.keys.Record.SetHelp("R", m.recordHelp())
	}
	return m
}

// Init starts waiting for the first sample.
func (m Model) Init() tea.Cmd { return waitSample(m.updates) }

// waitSample blocks (in Bubble Tea's command goroutine, never in the sampler) until the engine
// publishes a sample. It fires once; the SampleMsg handler re-arms it, so there is one chain.
func waitSample(ch <-chan *engine.Sample) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return SampleMsg{Sample: s}
	}
}

// Update routes: resize → layout; key → globals, then the focused view; sample → every view.
// The status line and the overlay are then re-rendered for View to reuse.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	cmd = tea.Batch(cmd, m.loadWindow()) // a replay's window asked for by this message (replay.go)
	if m.width > 0 && m.height > 0 && !m.tooSmall() {
		m.overlayBody = ""
		if m.overlay != noOverlay {
			m.overlayBody = m.pager.view(m.th, m.width, m.overlayHeight())
		}
		m.status = m.statusLine()
		if bf := (barKey{m.active, m.width}); bf != m.barFor || m.bar == "" {
			m.bar, m.barFor = m.panelBar(), bf // it changes with neither samples nor most keys
		}
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		m.route() // the chart's window follows its width
		m.fillOverlay()
		return nil
	case tea.MouseMsg:
		if m.click(msg) == nil { // only a left click on a chart means something
			return m.moved() // a playing replay plays on from there
		}
		return nil
	case tea.KeyMsg:
		m.note = ""
		if m.prompt != nil && msg.Type != tea.KeyCtrlC {
			return m.promptKey(msg)
		}
		// A panel reading text or a choice gets every key but ctrl+c: "q" or "2" typed into
		// a filter are text, not quit or a panel switch (and vim keys are not translated).
		if c, ok := m.panels[m.active].(views.Capturer); ok && c.Capturing() && m.overlay == noOverlay && msg.Type != tea.KeyCtrlC {
			return m.panels[m.active].Update(msg)
		}
		if k, ok := m.keys.vim(msg); ok {
			msg = k
		}
		switch {
		case key.Matches(msg, m.keys.Quit):
			return tea.Quit
		case key.Matches(msg, m.keys.Help):
			m.setOverlay(toggle(m.overlay, helpOverlay))
		case key.Matches(msg, m.keys.Defs):
			m.setOverlay(toggle(m.overlay, defsOverlay))
		case key.Matches(msg, m.keys.Close):
			m.setOverlay(noOverlay)
		case key.Matches(msg, m.keys.Back):
			m.focus(0)
		case key.Matches(msg, m.keys.Next):
			m.focus(m.active + 1)
		case key.Matches(msg, m.keys.Prev):
			m.focus(m.active - 1)
		case key.Matches(msg, m.keys.Panel):
			m.focus(panelIndex(msg.String()))
		case m.overlay != noOverlay:
			m.scrollOverlay(msg)
		case key.Matches(msg, m.keys.Record):
			return m.recordKey()
		default:
			if ok, cmd := m.replayKey(msg); ok {
				return cmd
			}
			if m.timeKey(msg) {
				return m.moved()
			}
			return m.panels[m.active].Update(msg)
		}
		return nil
	case overview.ExpandMsg:
		for i, p := range m.panels {
			if p == msg.Panel {
				m.focus(i)
			}
		}
		return nil
	case replayTick:
		return m.onTick(msg)
	case windowMsg:
		m.gotWindow(msg)
		return nil
	case loadingMsg:
		m.slowWindow(msg)
		return nil
	case recordDone:
		m.recorded(msg)
		return nil
	case SampleMsg:
		if m.rec != nil {
			m.recSt = m.rec.State() // a recording's size moves, or a full disk stopped it
		}
		if msg.Sample == nil {
			return waitSample(m.updates)
		}
		switch {
		case m.cur.mode == live || m.hist == nil:
			if m.cur.mode == live {
				m.frame = msg.Sample.Frame
			}
			m.route()
			m.fillOverlay()
		case !m.held():
			// The paused sample fell out of the history: the cursor is now on the oldest.
			m.route()
			m.fillOverlay()
		}
		// Otherwise the screen stays as it is; only the status line's distance to live and
		// the history's reach move.
		return waitSample(m.updates)
	case views.ActionMsg:
		// A panel asks for what only the system can do (signal, renice, an on-demand read):
		// run it off the UI goroutine; its result comes back as a message.
		return msg.Cmd(m.actions)
	}
	// Anything else is a result of a panel's own command (an action's result, a UI tick):
	// every panel sees it and takes only its own kinds.
	cmds := make([]tea.Cmd, 0, len(m.panels))
	for _, p := range m.panels {
		cmds = append(cmds, p.Update(msg))
	}
	return tea.Batch(cmds...)
}

// focus shows panel i (wrapping around), closing any overlay.
func (m *Model) focus(i int) {
	if i < 0 || i >= len(m.panels) {
		i = (i%len(m.panels) + len(m.panels)) % len(m.panels)
	}
	m.active = i
	m.keys.Back.SetEnabled(i != 0)
	m.setOverlay(noOverlay)
	m.sizePanel(i) // the terminal may have been resized while it was hidden
	m.route()      // its charts put off drawing while it was hidden
}

// panelIndex maps "1"…"9", "0" to panels 0…9.
func panelIndex(k string) int {
	if k == "0" {
		return 9
	}
	return int(k[0] - '1')
}

// toggle is want, or none when want is already open.
func toggle(cur, want overlay) overlay {
	if cur == want {
		return noOverlay
	}
	return want
}

// setOverlay opens (at the top) or closes the help or definitions screen. Esc closes it
// instead of going back to the Overview while it is open.
func (m *Model) setOverlay(o overlay) {
	m.overlay = o
	m.pager = pager{}
	m.keys.Close.SetEnabled(o != noOverlay)
	m.keys.Back.SetEnabled(o == noOverlay && m.active != 0)
	m.fillOverlay()
}

// fillOverlay rebuilds the overlay's lines (the width, the frame's sources and the keys that
// are enabled may have changed) and enables its scroll keys only when it overflows.
func (m *Model) fillOverlay() {
	switch {
	case m.overlay == noOverlay || m.tooSmall():
		m.pager.lines = nil
	case m.overlay == helpOverlay:
		// Scroll keys are listed on the help screen itself, so settle them first.
		m.keys.setScroll(true)
		m.pager.lines = m.helpLines()
		m.keys.setScroll(len(m.pager.lines) > m.overlayHeight())
		m.pager.lines = m.helpLines()
	default:
		m.pager.lines = m.defsLines()
	}
	m.keys.setScroll(m.overlay != noOverlay && len(m.pager.lines) > m.overlayHeight())
	m.pager.clamp(m.overlayHeight())
}

// scrollOverlay moves the overlay for a scroll key; other keys do nothing under it.
func (m *Model) scrollOverlay(msg tea.KeyMsg) {
	h := m.overlayHeight()
	page := max(h-1, 1)
	switch {
	case key.Matches(msg, m.keys.Up):
		m.pager.off--
	case key.Matches(msg, m.keys.Down):
		m.pager.off++
	case key.Matches(msg, m.keys.PageUp):
		m.pager.off -= page
	case key.Matches(msg, m.keys.PageDown):
		m.pager.off += page
	case key.Matches(msg, m.keys.Top):
		m.pager.off = 0
	case key.Matches(msg, m.keys.Bottom):
		m.pager.off = m.pager.maxOff(h)
	}
	m.pager.clamp(h)
}

// overlayHeight is the overlay's height: the panel bar and the panel.
func (m *Model) overlayHeight() int { return m.bodyHeight() + barHeight }

// held reports whether the paused cursor's sample is still in the history.
func (m *Model) held() bool {
	_, ok := m.hist.Index(m.cur.seq)
	return ok
}

// route hands the window ending at the cursor to the header and every panel, shown or not, so
// that a switch shows the same instant at once. Panels hear of it last to first: the Overview
// (first) draws the others' tiles, so it must come after them.
func (m *Model) route() {
	if m.rp != nil && m.hist != nil {
		m.askWindow() // built off the UI goroutine, then delivered (replay.go)
		return
	}
	m.deliver(m.window())
}

// deliver hands a window to the header and every panel.
func (m *Model) deliver(fm views.FrameMsg) {
	if f := fm.Current(); f != nil {
		m.frame = f
	}
	m.header, _ = m.header.Update(fm)
	// The window goes to the panels as two messages, made once: shown and hidden.
	shown, hidden := fm, fm
	shown.Hidden, hidden.Hidden = false, true
	var shownMsg, hiddenMsg tea.Msg = shown, hidden
	for i := len(m.panels) - 1; i >= 0; i-- {
		if i == m.active {
			m.panels[i].Update(shownMsg)
		} else {
			m.panels[i].Update(hiddenMsg)
		}
	}
	m.noteDamage()
}

// tooSmall reports whether the terminal is below the minimum size.
func (m *Model) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// bodyHeight is the panel's height: all but the header, the panel bar and the status line.
func (m *Model) bodyHeight() int { return m.height - header.Height - barHeight - 1 }

// size is a block's width and height.
type size struct{ w, h int }

// layout gives each view its block once per resize: header on top, the panel bar, the panel,
// and the status line at the bottom. Only the panel shown is laid out: a panel's SetSize lays
// out and redraws its charts and tables, and doing it for all ten made a resize of a 500×200
// terminal cost ten times what is on screen (a dragged window sends dozens). A hidden panel
// is laid out as it is switched to (focus); the Overview's tiles are drawn by size of their
// own, so it needs no other panel laid out.
func (m *Model) layout() {
	if m.tooSmall() {
		return
	}
	m.header.SetSize(m.width, header.Height)
	m.sizePanel(m.active)
	m.help.Width = m.width
}

// sizePanel lays out panel i at the terminal's size unless it is laid out at it already.
func (m *Model) sizePanel(i int) {
	want := size{m.width, m.bodyHeight()}
	if m.tooSmall() || m.sized[i] == want {
		return
	}
	m.sized[i] = want
	m.panels[i].SetSize(want.w, want.h)
}

// View joins the views' cached blocks; it does no drawing of its own beyond the status line.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.tooSmall() {
		return m.tooSmallView()
	}
	head, panel := m.header.View(), ""
	var panelBytes []byte // a panel that keeps its view as bytes is copied from them: no string of its own
	if m.overlay == noOverlay {
		if vb, ok := m.panels[m.active].(views.ViewBytes); ok {
			panelBytes = vb.ViewBytes()
		} else {
			panel = m.panels[m.active].View()
		}
	}
	var b strings.Builder
	b.Grow(len(head) + len(m.overlayBody) + len(m.bar) + len(panel) + len(panelBytes) + len(m.status) + 3)
	b.WriteString(head)
	b.WriteByte('\n')
	if m.overlay != noOverlay {
		b.WriteString(m.overlayBody)
	} else {
		b.WriteString(m.bar)
		b.WriteByte('\n')
		b.WriteString(panel)
		b.Write(panelBytes)
	}
	b.WriteByte('\n')
	b.WriteString(m.status)
	return b.String()
}

// tooSmallView says what size is needed, centred and wrapped to whatever room there is.
func (m *Model) tooSmallView() string {
	msg := fmt.Sprintf("terminal too small: need at least %d×%d, have %d×%d", MinWidth, MinHeight, m.width, m.height)
	lines := strings.Split(ansi.Wrap(msg, m.width, ""), "\n")
	top := max((m.height-len(lines))/2, 0)
	out := make([]string, 0, m.height)
	for range top {
		out = append(out, "")
	}
	for _, l := range lines {
		pad := max((m.width-views.Width(l))/2, 0)
		out = append(out, strings.Repeat(" ", pad)+l)
	}
	return views.Block(out, m.width, m.height)
}

// statusLine is the cursor (LIVE, PAUSED or REPLAY, its time, how far behind live), the
// history's reach, then key hints; while the go-to time is typed, the prompt; after a go-to
// that could not be followed, why, in place of the hints.
func (m *Model) statusLine() string {
	if m.prompt != nil {
		return views.Fit(m.promptStatus(), m.width)
	}
	sb := m.statusBufs()
	line := m.appendCursorStatus(sb.line[:0], sb)
	lw := views.WidthBytes(line)
	room := m.width - lw - 2
	hints := ""
	switch {
	case room > 0 && m.note != "":
		hints = views.Fit(m.th.Ink.Warn.Paint(m.note), room)
	case room > 0:
		hints = m.shortHelpView(room)
	}
	gap := max(m.width-lw-views.Width(hints), 1)
	line = append(line, views.Blanks(gap)...)
	line = views.AppendFit(append(line, hints...), 0, m.width)
	sb.line = line
	return string(line)
}

// statusBufs are the status line's buffers, kept in the hint cache (shared by the model's
// copies); a model without one draws with new ones.
func (m *Model) statusBufs() *statusBufs {
	if m.hints == nil {
		return new(statusBufs)
	}
	return &m.hints.status
}

// shortHelpView is help's ShortHelpView(m.shortHelp()) in room cells, drawn again only when
// the bindings (their keys, descriptions and whether they are enabled) or the room differ
// from the last time.
func (m *Model) shortHelpView(room int) string {
	var bs []key.Binding
	if m.hints != nil {
		bs = m.hints.bs[:0]
	}
	bs = m.appendShortHelp(bs)
	draw := func() string {
		h := m.help
		defer func(w int) { h.Width = w }(h.Width) // the help screen's width, set at layout
		h.Width = room
		return h.ShortHelpView(bs)
	}
	if m.hints == nil {
		return draw()
	}
	c := m.hints
	c.bs = bs
	defer clear(c.bs) // the bindings are the keys' and the panel's, not the cache's to keep
	c.next = hintKey(c.next[:0], room, bs)
	if string(c.next) == string(c.key) && c.view != "" {
		return c.view
	}
	c.key, c.next = c.next, c.key // the key drawn is kept; the old one's memory is the next's
	c.view = draw()
	return c.view
}

// hintKey appends what short help's drawing depends on: the width and, per binding, whether
// it is enabled and its help.
func hintKey(b []byte, width int, bs []key.Binding) []byte {
	b = strconv.AppendInt(b, int64(width), 10)
	for _, k := range bs {
		hl := k.Help()
		b = append(b, 0, '0')
		if k.Enabled() {
			b[len(b)-1] = '1'
		}
		b = append(b, hl.Key...)
		b = append(b, 0)
		b = append(b, hl.Desc...)
	}
	return b
}

// appendShortHelp appends to bs the globals, then the focused view's keys (or the overlay's
// scrolling); disabled bindings are skipped by help, and the globals come first so that a
// narrow line still shows how to quit.
func (m *Model) appendShortHelp(bs []key.Binding) []key.Binding {
	if m.overlay != noOverlay {
		// Scrolling first after esc: it is what the overlay's long text needs most.
		g := m.keys.ShortHelp()
		return append(append(append(bs, g[0], m.keys.scrollHelp()), g[1:]...), m.keys.shortDefs())
	}
	// While paused, how to step and get back comes first: a narrow line has room for little
	// more, and it is what a paused screen needs. While live, how to pause comes after the
	// panel's keys.
	panel := m.panels[m.active].ShortHelp()
	rec := short(m.keys.Record, "R", "rec")
	if m.recording() {
		rec = short(m.keys.Record, "R", "stop rec")
	}
	if m.rp != nil {
		bs = append(bs, m.replayHelp()...)
		return append(append(m.keys.appendShortHelp(bs), panel...), m.keys.shortDefs())
	}
	if m.cur.mode != live {
		bs = m.keys.appendShortHelp(m.keys.appendCursorHelp(bs))
		return append(append(bs, panel...), m.keys.shortDefs(), rec)
	}
	bs = append(m.keys.appendShortHelp(bs), panel...)
	return append(m.keys.appendCursorHelp(bs), m.keys.shortDefs(), rec)
}

// panelBar names every panel with its key, the active one highlighted; when the titles do not
// fit, the others shrink to their keys so the active title always shows.
func (m *Model) panelBar() string {
	full := make([]string, len(m.panels))
	short := make([]string, len(m.panels))
	for i, p := range m.panels {
		k := panelKey(i)
		if i == m.active {
			full[i] = m.th.Ink.Live.Paint(" " + k + " " + p.Title() + " ")
			short[i] = full[i]
			continue
		}
		full[i] = m.th.Ink.Label.Paint(" "+k) + " " + m.th.Ink.Value.Paint(p.Title())
		short[i] = m.th.Ink.Label.Paint(" " + k)
	}
	line := strings.Join(full, " ")
	if views.Width(line) > m.width {
		line = strings.Join(short, "")
	}
	return views.Fit(line, m.width)
}

// panelKey is the digit that selects panel i.
func panelKey(i int) string {
	if i == 9 {
		return "0"
	}
	return string(rune('1' + i))
}
