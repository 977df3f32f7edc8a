package procs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/theme"
)

// mode is what the keys do now: move in the list, or type into a prompt, or choose.
type mode int

const (
	modeList    mode = iota
	modeFilter       // typing the filter
	modeSearch       // typing a search
	modeSort         // choosing the sort column (F6)
	modeUser         // choosing a user (u)
	modeSignal       // choosing a signal (k, F9)
	modeConfirm      // y/N before sending it
)

// statusFrames is how many samples an action's result stays on the status line.
const statusFrames = 5

// chooser is a vertical list the user picks from, drawn on the left as htop does.
type chooser struct {
	title string
	items []string
	idx   int
}

// Model is the process panel: pidstat's per-process columns with memory cost, sorted,
// filtered, as a tree, with threads, and actions on the selected process.
type Model struct {
	th       *theme.Theme
	interval time.Duration
	keys     KeyMap

	width, height int
	frames        []*derive.Frame
	win           views.FrameMsg // the last window, handed whole to a new detail view's charts
	cur           *derive.Frame

	v      view
	rows   []row
	tile   tileBufs
	cursor int // index in rows
	offset int // first row shown
	// sel and selTID are what the cursor is on, by identity, so it stays on the same process
	// (thread) when the list is rebuilt from a new frame.
	sel    sources.ProcID
	selTID int
	// follow is set once the user moves the cursor: until then (and after Home) it stays on
	// the first row, the busiest process, as top's list reads.
	follow bool

	mode    mode
	choose  chooser
	search  string
	missed  bool // the last search found nothing
	pending struct {
		id     sources.ProcID
		label  string
		signal string
	}

	pinned   map[sources.ProcID]bool
	userList []string // the user chooser's entries after "All users"

	threadsOn bool
	thrPrev   map[sources.ProcID]*sources.ThreadSet
	thrCost   string // "12 threads read in 0.4 ms"

	detail *detail

	// The poll chain re-reads threads and the detail view each interval while shown.
	polling bool
	gen     int

	status    string
	statusBad bool
	statusTTL int

	view string
}

// New returns the process panel; interval is the sampling period (charts, polling).
func New(th *theme.Theme, interval time.Duration) *Model {
	if interval <= 0 {
		interval = time.Second
	}
	m := &Model{th: th, interval: interval, keys: DefaultKeyMap(), pinned: map[sources.ProcID]bool{},
		v: view{sort: colCPUPct, folded: map[sources.ProcID]bool{}}}
	m.setKeys()
	return m
}

// Title is the panel's name.
func (m *Model) Title() string { return "Processes" }

// Capturing is true while a prompt or chooser is open: the root then gives every key here.
func (m *Model) Capturing() bool { return m.mode != modeList }

// SetSize lays the panel out and redraws it.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	if m.detail != nil {
		m.detail.setSize(w, h-1) // the bottom line is the panel's
	}
	m.scroll()
	m.render()
}

// View returns the cached rendering.
func (m *Model) View() string { return m.view }

// Update takes frames (always), keys (when focused) and the results of its own commands.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case views.FrameMsg:
		m.frames, m.cur, m.win = msg.Frames, msg.Current(), msg
		if m.statusTTL > 0 {
			m.statusTTL--
			if m.statusTTL == 0 {
				m.status = ""
			}
		}
		m.dropGonePins()
		if !msg.Hidden || !m.untouched() {
			m.rebuild()
		}
		if m.detail != nil {
			m.detail.frames(msg)
		}
		if msg.Hidden { // the app routes the window again when it is shown
			m.setKeys()
			return nil
		}
	case tea.KeyMsg:
		cmd = m.key(msg)
	case signalDoneMsg:
		if msg.err != nil {
			m.setStatus(fmt.Sprintf("%s not sent to %s: %v", msg.signal, msg.label, msg.err), true)
		} else {
			m.setStatus(fmt.Sprintf("%s sent to %s", msg.signal, msg.label), false)
		}
	case reniceDoneMsg:
		if msg.err != nil {
			m.setStatus(fmt.Sprintf("renice %s: %v", msg.label, msg.err), true)
		} else {
			m.setStatus(fmt.Sprintf("nice of %s: %d → %d", msg.label, msg.from, msg.to), false)
		}
	case detailMsg:
		if m.detail != nil && m.detail.id == msg.id {
			m.detail.update(msg)
		}
	case threadsMsg:
		m.takeThreads(msg.t)
	case pollMsg:
		cmd = m.poll(msg)
	default:
		return nil
	}
	m.setKeys()
	m.render()
	return cmd
}

// untouched reports whether the list is as it starts: the cursor on the busiest row, no thread
// polling, no detail view. Its rows are then the same whenever they are built, so a hidden
// panel builds them only when shown; any other list follows each frame, hidden or not (the
// cursor keeps to its process, the threads read are the listed processes').
func (m *Model) untouched() bool { return !m.follow && !m.threadsOn && m.detail == nil }

func (m *Model) setStatus(s string, bad bool) {
	m.status, m.statusBad, m.statusTTL = s, bad, statusFrames
}

// procs is the current frame's process list.
func (m *Model) procs() []derive.Proc {
	if m.cur == nil {
		return nil
	}
	return m.cur.Procs
}

// rebuild recomputes the rows and puts the cursor back on the process (thread) it was on; if
// that one is gone or filtered out, the cursor stays at the same position, as in htop.
func (m *Model) rebuild() {
	m.rows = m.v.build(m.procs())
	if !m.follow {
		m.moveTo(0)
		return
	}
	found := -1
	for i := range m.rows {
		if m.rows[i].id == m.sel && m.rows[i].tid() == m.selTID {
			found = i
			break
		}
	}
	if found < 0 && m.selTID != 0 { // the thread ended: its process then
		for i := range m.rows {
			if m.rows[i].id == m.sel && m.rows[i].t == nil {
				found = i
				break
			}
		}
	}
	if found >= 0 {
		m.cursor = found
	}
	m.moveTo(m.cursor)
}

// moveTo puts the cursor on row i (clamped) and remembers what it is on.
func (m *Model) moveTo(i int) {
	m.cursor = max(min(i, len(m.rows)-1), 0)
	if len(m.rows) > 0 {
		r := &m.rows[m.cursor]
		m.sel, m.selTID = r.id, r.tid()
	}
	m.scroll()
}

// listHeight is how many rows the list shows: all but two summary lines, the column header
// and the info line.
func (m *Model) listHeight() int { return max(m.height-4, 1) }

// scroll keeps the cursor inside the shown rows.
func (m *Model) scroll() {
	h := m.listHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = max(min(m.offset, len(m.rows)-h), 0)
}

// selected is the process under the cursor, or nil.
func (m *Model) selected() *derive.Proc {
	if m.cursor < len(m.rows) {
		return m.rows[m.cursor].p
	}
	return nil
}

// target is the process an action applies to: the detail view's, else the selected one.
func (m *Model) target() (sources.ProcID, *derive.Proc, bool) {
	if m.detail != nil {
		return m.detail.id, m.detail.proc, m.detail.proc != nil
	}
	p := m.selected()
	if p == nil {
		return sources.ProcID{}, nil, false
	}
	return idOf(p), p, true
}

// label names a process in messages: "1234 (nginx)".
func label(p *derive.Proc) string { return fmt.Sprintf("%d (%s)", p.PID, clean(p.Comm)) }

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	// Bubble Tea delivers printable keys that arrive together (tmux send-keys, a fast typist,
	// a paste) as one message; outside a text prompt each is a command of its own.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && m.mode != modeFilter && m.mode != modeSearch {
		var cmds []tea.Cmd
		for i, r := range msg.Runes {
			cmds = append(cmds, m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
			if m.mode == modeFilter || m.mode == modeSearch {
				// The rest is the prompt's text.
				cmds = append(cmds, m.typeKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[i+1:]}))
				break
			}
		}
		return tea.Batch(cmds...)
	}
	k := &m.keys
	switch m.mode {
	case modeFilter, modeSearch:
		return m.typeKey(msg)
	case modeSort, modeUser, modeSignal:
		return m.chooseKey(msg)
	case modeConfirm:
		m.mode = modeList
		if key.Matches(msg, k.Yes) {
			p := m.pending
			m.setStatus(fmt.Sprintf("sending %s to %s…", p.signal, p.label), false)
			return sendSignal(p.id, p.label, p.signal)
		}
		m.setStatus("cancelled: no signal sent", false)
		return nil
	}
	if m.detail != nil {
		switch {
		case key.Matches(msg, k.Back):
			m.detail = nil
			return nil
		case key.Matches(msg, k.Kill, k.NiceDown, k.NiceUp, k.Pin):
			return m.actionKey(msg)
		}
		return nil
	}
	page := m.listHeight()
	if key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown, k.Bottom) {
		m.follow = true
	}
	switch {
	case key.Matches(msg, k.Up):
		m.moveTo(m.cursor - 1)
	case key.Matches(msg, k.Down):
		m.moveTo(m.cursor + 1)
	case key.Matches(msg, k.PageUp):
		m.moveTo(m.cursor - page)
	case key.Matches(msg, k.PageDown):
		m.moveTo(m.cursor + page)
	case key.Matches(msg, k.Top):
		m.follow = false
		m.moveTo(0)
	case key.Matches(msg, k.Bottom):
		m.moveTo(len(m.rows) - 1)
	case key.Matches(msg, k.SortMenu):
		items := make([]string, nCols)
		for i := range columns {
			items[i] = columns[i].title
		}
		m.open(modeSort, "Sort by", items, int(m.v.sort))
	case key.Matches(msg, k.SortPrev, k.SortNext):
		m.stepSort(key.Matches(msg, k.SortNext))
	case key.Matches(msg, k.SortCPU):
		m.sortBy(colCPUPct)
	case key.Matches(msg, k.SortMem):
		m.sortBy(colRSS)
	case key.Matches(msg, k.SortTime):
		m.sortBy(colTime)
	case key.Matches(msg, k.SortPID):
		m.sortBy(colPID)
	case key.Matches(msg, k.Invert):
		m.v.invert = !m.v.invert
		m.rebuild()
	case key.Matches(msg, k.Filter):
		m.mode = modeFilter
	case key.Matches(msg, k.Search):
		m.mode, m.search, m.missed = modeSearch, "", false
	case key.Matches(msg, k.SearchNext):
		m.find(m.cursor + 1)
	case key.Matches(msg, k.Tree):
		m.v.tree = !m.v.tree
		m.rebuild()
	case key.Matches(msg, k.Fold):
		if m.v.tree && m.cursor < len(m.rows) && m.rows[m.cursor].kids && m.rows[m.cursor].t == nil {
			id := m.rows[m.cursor].id
			if m.v.folded[id] {
				delete(m.v.folded, id)
			} else {
				m.v.folded[id] = true
			}
			m.rebuild()
		}
	case key.Matches(msg, k.FoldAll):
		m.foldAll()
	case key.Matches(msg, k.Threads):
		return m.toggleThreads()
	case key.Matches(msg, k.Kernel):
		m.v.hideKernel = !m.v.hideKernel
		m.rebuild()
	case key.Matches(msg, k.User):
		m.openUsers()
	case key.Matches(msg, k.Kill, k.NiceDown, k.NiceUp, k.Pin):
		return m.actionKey(msg)
	case key.Matches(msg, k.Detail):
		if p := m.selected(); p != nil {
			m.detail = newDetail(m.th, m.interval, idOf(p))
			m.detail.setSize(m.width, m.height-1)
			m.detail.frames(m.win)
			return m.startPoll()
		}
	case key.Matches(msg, k.Back):
		m.v.filter = ""
		m.rebuild()
	}
	return nil
}

// actionKey handles the keys that act on the target process: signal, renice, pin.
func (m *Model) actionKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.keys
	id, p, ok := m.target()
	if !ok {
		m.setStatus("the process has exited", true)
		return nil
	}
	switch {
	case key.Matches(msg, k.Kill):
		m.pending.id, m.pending.label = id, label(p)
		m.open(modeSignal, "Send signal", signalNames, 0)
	case key.Matches(msg, k.NiceDown, k.NiceUp):
		to := p.Nice + 1
		if key.Matches(msg, k.NiceDown) {
			to = p.Nice - 1
		}
		if to < -20 || to > 19 {
			m.setStatus(fmt.Sprintf("nice of %s is already %d", label(p), p.Nice), false)
			return nil
		}
		return renice(id, label(p), p.Nice, to)
	case key.Matches(msg, k.Pin):
		if m.pinned[id] {
			delete(m.pinned, id)
			m.setStatus(fmt.Sprintf("%s unpinned: PSS read only while in the top 10 by RSS", label(p)), false)
		} else {
			m.pinned[id] = true
			m.setStatus(fmt.Sprintf("%s pinned: smaps_rollup read every ≥ 10 s, even above the RSS cap", label(p)), false)
		}
		return pin(m.pinnedPIDs())
	}
	return nil
}

func (m *Model) pinnedPIDs() []int {
	pids := make([]int, 0, len(m.pinned))
	for id := range m.pinned {
		pids = append(pids, id.PID)
	}
	slices.Sort(pids)
	return pids
}

// dropGonePins forgets pins of processes that exited, so their PID, once reused, is not read.
// The sampler learns it with the next pin change: the policy matches PIDs, and a reused PID
// that was pinned is at worst read once per period.
func (m *Model) dropGonePins() {
	if len(m.pinned) == 0 || m.cur == nil {
		return
	}
	live := make(map[sources.ProcID]bool, len(m.cur.Procs))
	for i := range m.cur.Procs {
		live[idOf(&m.cur.Procs[i])] = true
	}
	for id := range m.pinned {
		if !live[id] {
			delete(m.pinned, id)
		}
	}
}

// sortBy sorts by c in its natural order, as htop's P, M, T and N do.
func (m *Model) sortBy(c colID) {
	m.v.sort, m.v.invert = c, false
	m.rebuild()
}

// stepSort moves the sort to the next shown column left or right.
func (m *Model) stepSort(right bool) {
	shown, _ := layout(m.tableWidth())
	i := slices.Index(shown, m.v.sort)
	switch {
	case i < 0:
		i = 0
	case right:
		i = (i + 1) % len(shown)
	default:
		i = (i - 1 + len(shown)) % len(shown)
	}
	m.sortBy(shown[i])
}

// foldAll folds every subtree, or unfolds all if any is folded (htop's *).
func (m *Model) foldAll() {
	if !m.v.tree {
		return
	}
	if len(m.v.folded) > 0 {
		clear(m.v.folded)
	} else {
		for _, r := range m.rows {
			if r.kids && r.t == nil {
				m.v.folded[r.id] = true
			}
		}
	}
	m.rebuild()
}

// openUsers offers the users of the listed processes, most processes first.
func (m *Model) openUsers() {
	count := map[string]int{}
	for i := range m.procs() {
		count[m.procs()[i].User]++
	}
	users := make([]string, 0, len(count))
	for u := range count {
		users = append(users, u)
	}
	slices.SortFunc(users, func(a, b string) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	items := []string{"All users"}
	idx := 0
	for i, u := range users {
		items = append(items, orMissing(clean(u)))
		if u == m.v.user && m.v.user != "" {
			idx = i + 1
		}
	}
	m.open(modeUser, "Show processes of", items, idx)
	m.userList = users
}

func (m *Model) open(md mode, title string, items []string, idx int) {
	m.mode = md
	m.choose = chooser{title: title, items: items, idx: idx}
}

// chooseKey moves in a chooser, accepts or cancels it. Typing a letter jumps to the next item
// that starts with it, as in htop's menus.
func (m *Model) chooseKey(msg tea.KeyMsg) tea.Cmd {
	c := &m.choose
	n := len(c.items)
	switch msg.String() {
	case "up":
		c.idx = max(c.idx-1, 0)
	case "down":
		c.idx = min(c.idx+1, n-1)
	case "pgup":
		c.idx = max(c.idx-10, 0)
	case "pgdown":
		c.idx = min(c.idx+10, n-1)
	case "home":
		c.idx = 0
	case "end":
		c.idx = n - 1
	case "esc", "q":
		if m.mode == modeSignal {
			m.setStatus("cancelled: no signal sent", false)
		}
		m.mode = modeList
	case "enter":
		md := m.mode
		m.mode = modeList
		switch md {
		case modeSort:
			m.sortBy(colID(c.idx))
		case modeUser:
			m.v.user = ""
			if c.idx > 0 && c.idx-1 < len(m.userList) {
				m.v.user = m.userList[c.idx-1]
			}
			m.rebuild()
		case modeSignal:
			m.pending.signal = c.items[c.idx]
			m.mode = modeConfirm
		}
	default:
		if msg.Type == tea.KeyRunes && len(msg.Runes) == 1 {
			r := strings.ToLower(string(msg.Runes))
			for j := 1; j <= n; j++ {
				i := (c.idx + j) % n
				if name := strings.ToLower(strings.TrimPrefix(c.items[i], "SIG")); strings.HasPrefix(name, r) {
					c.idx = i
					break
				}
			}
		}
	}
	return nil
}

// typeKey edits the filter or the search text.
func (m *Model) typeKey(msg tea.KeyMsg) tea.Cmd {
	text := &m.v.filter
	if m.mode == modeSearch {
		text = &m.search
	}
	switch msg.Type {
	case tea.KeyEsc:
		if m.mode == modeFilter {
			*text = "" // Esc clears the filter; Enter keeps it
		}
		m.mode = modeList
	case tea.KeyEnter:
		m.mode = modeList
	case tea.KeyF3, tea.KeyCtrlN:
		if m.mode == modeSearch {
			m.find(m.cursor + 1)
		}
		return nil
	case tea.KeyBackspace, tea.KeyCtrlH:
		if r := []rune(*text); len(r) > 0 {
			*text = string(r[:len(r)-1])
		}
	case tea.KeyCtrlU:
		*text = ""
	case tea.KeySpace:
		*text += " "
	case tea.KeyRunes:
		*text += clean(string(msg.Runes))
	default:
		return nil
	}
	if text == &m.v.filter {
		m.rebuild()
	} else if m.mode == modeSearch {
		m.find(m.cursor) // incremental: the current row still counts
	}
	return nil
}

// find moves the cursor to the first row from i on (wrapping) whose command, name or user
// contains the search text.
func (m *Model) find(from int) {
	if m.search == "" || len(m.rows) == 0 {
		return
	}
	f := strings.ToLower(m.search)
	n := len(m.rows)
	for j := range n {
		i := (from + j) % n
		r := &m.rows[i]
		name := r.p.Comm
		if r.t != nil {
			name = r.t.Comm
		}
		if containsFold(name, f) || containsFold(r.p.Cmdline, f) || containsFold(r.p.User, f) {
			m.follow = true
			m.moveTo(i)
			m.missed = false
			return
		}
	}
	m.missed = true
}

// toggleThreads turns the thread rows (H) on or off. Threads are read on demand, once per
// interval, only while shown.
func (m *Model) toggleThreads() tea.Cmd {
	m.threadsOn = !m.threadsOn
	if !m.threadsOn {
		m.v.threads, m.thrPrev, m.thrCost = nil, nil, ""
		m.rebuild()
		return nil
	}
	return m.startPoll()
}

// threadIDs are the listed processes that have more than one thread.
func (m *Model) threadIDs() []sources.ProcID {
	var ids []sources.ProcID
	seen := map[sources.ProcID]bool{}
	for i := range m.rows {
		if p := m.rows[i].p; p.Threads > 1 && !seen[m.rows[i].id] {
			seen[m.rows[i].id] = true
			ids = append(ids, m.rows[i].id)
		}
	}
	return ids
}

// takeThreads rates a thread read against the previous one and shows it.
func (m *Model) takeThreads(t *sources.ThreadTable) {
	if !m.threadsOn {
		return
	}
	if t == nil {
		m.thrCost = "threads: " + views.ErrNoActions.Error()
		return
	}
	m.v.threads = make(map[sources.ProcID][]derive.Thread, len(t.Procs))
	for id, ts := range t.Procs {
		m.v.threads[id] = derive.Threads(m.thrPrev[id], ts)
	}
	m.thrPrev = t.Procs
	m.thrCost = fmt.Sprintf("%d threads read in %.1f ms", t.Count, float64(t.Took.Microseconds())/1000)
	m.rebuild()
}

// startPoll starts the chain that re-reads threads and the detail view, or, if it runs,
// reads now for the view just opened.
func (m *Model) startPoll() tea.Cmd {
	if m.polling {
		return m.requests()
	}
	m.polling = true
	m.gen++
	return tea.Batch(m.requests(), pollAfter(m.interval, m.gen))
}

// poll is one step of the chain; it ends when nothing needs it.
func (m *Model) poll(msg pollMsg) tea.Cmd {
	if msg.gen != m.gen || !m.polling {
		return nil
	}
	if !m.threadsOn && m.detail == nil {
		m.polling = false
		return nil
	}
	return tea.Batch(m.requests(), pollAfter(m.interval, m.gen))
}

func (m *Model) requests() tea.Cmd {
	var cmds []tea.Cmd
	if m.threadsOn {
		cmds = append(cmds, readThreads(m.threadIDs()))
	}
	if m.detail != nil {
		cmds = append(cmds, readDetail(m.detail.id))
	}
	return tea.Batch(cmds...)
}
