package app

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
	"github.com/ktop-dev/ktop/views/cpu"
	"github.com/ktop-dev/ktop/views/cpuchart"
	"github.com/ktop-dev/ktop/views/header"
	"github.com/ktop-dev/ktop/views/theme"
)

// The smallest terminal the dashboard lays out in: the header's two lines, the status line, the
// CPU legend with "all" and one CPU row, and a chart with a few plot rows. Below it a
// "terminal too small" screen says what is needed.
const (
	MinWidth  = 60
	MinHeight = 14
	// chartMin is the fewest lines the chart keeps when CPU rows compete for space.
	chartMin = 7
)

// Options wire the dashboard to a sampler.
type Options struct {
	Theme    *theme.Theme
	History  *engine.History       // windows for the views; may be nil (tests, one frame)
	Updates  <-chan *engine.Sample // latest-wins delivery from Engine.Updates; may be nil
	Interval time.Duration         // sampling interval, for the status line and the chart
}

// SampleMsg tells the root that a new sample is in History.
type SampleMsg struct{ Sample *engine.Sample }

// Model is the root model.
type Model struct {
	th       *theme.Theme
	keys     KeyMap
	help     help.Model
	hist     *engine.History
	updates  <-chan *engine.Sample
	interval time.Duration

	width, height int
	showHelp      bool
	frame         *derive.Frame // the frame at the cursor (newest while live)
	laidOutCPUs   int           // NumCPU the layout was computed for

	header header.Model
	cpu    cpu.Model // the focused view: the only one with keys so far
	chart  cpuchart.Model

	// status and helpBody are rendered in Update, so View only joins cached strings.
	status, helpBody string
}

// New builds the root model; nothing is drawn until the first tea.WindowSizeMsg.
func New(o Options) Model {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	h := help.New()
	// Every help style comes from the theme: help.New's defaults are adaptive colours, which
	// would query the terminal background while Bubble Tea owns stdin.
	h.Styles = help.Styles{
		Ellipsis: o.Theme.HelpSep, ShortKey: o.Theme.HelpKey, ShortDesc: o.Theme.HelpDesc,
		ShortSeparator: o.Theme.HelpSep, FullKey: o.Theme.HelpKey, FullDesc: o.Theme.HelpDesc,
		FullSeparator: o.Theme.HelpSep,
	}
	h.ShortSeparator = "  "
	return Model{
		th: o.Theme, keys: DefaultKeyMap(), help: h,
		hist: o.History, updates: o.Updates, interval: o.Interval,
		header: header.New(o.Theme), cpu: cpu.New(o.Theme), chart: cpuchart.New(o.Theme, o.Interval),
	}
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
// The status line and help screen are then re-rendered for View to reuse.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := m.update(msg)
	if m.width > 0 && m.height > 0 && !m.tooSmall() {
		m.status = m.statusLine()
		m.helpBody = ""
		if m.showHelp {
			m.helpBody = m.helpView(m.height - header.Height - 1)
		}
	}
	return m, cmd
}

func (m Model) update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		m.route() // the chart's window follows its width
		return m, nil
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.keys.Quit):
			return m, tea.Quit
		case key.Matches(msg, m.keys.Help):
			m.setHelp(!m.showHelp)
		case key.Matches(msg, m.keys.Close):
			m.setHelp(false)
		case !m.showHelp:
			var cmd tea.Cmd
			m.cpu, cmd = m.cpu.Update(msg)
			return m, cmd
		}
		return m, nil
	case SampleMsg:
		if msg.Sample != nil {
			m.frame = msg.Sample.Frame
			m.route()
		}
		return m, waitSample(m.updates)
	}
	return m, nil
}

func (m *Model) setHelp(on bool) {
	m.showHelp = on
	m.keys.Close.SetEnabled(on)
}

// window is the frames the views show: the chart's width worth of History ending at the
// newest sample.
func (m *Model) window() []*derive.Frame {
	if m.hist != nil && m.hist.Len() > 0 {
		return m.hist.Frames(m.hist.Len()-1, m.chart.Window())
	}
	if m.frame != nil {
		return []*derive.Frame{m.frame}
	}
	return nil
}

// route hands the current window to every view. A change in the CPU count (first frame,
// hotplug) changes the layout, so it is redone before the others draw.
func (m *Model) route() {
	fm := views.FrameMsg{Frames: m.window()}
	if f := fm.Current(); f != nil {
		m.frame = f
	}
	m.cpu, _ = m.cpu.Update(fm)
	if m.cpu.NumCPU() != m.laidOutCPUs {
		m.layout()
	}
	m.header, _ = m.header.Update(fm)
	m.chart, _ = m.chart.Update(fm)
}

// tooSmall reports whether the terminal is below the minimum size.
func (m *Model) tooSmall() bool { return m.width < MinWidth || m.height < MinHeight }

// layout gives each view its block once per resize: header on top, the status line at the
// bottom, and between them the CPU rows (as many lines as they need, leaving the chart at
// least chartMin) and the chart below.
func (m *Model) layout() {
	m.laidOutCPUs = m.cpu.NumCPU()
	if m.tooSmall() {
		return
	}
	w := m.width
	body := m.height - header.Height - 1
	cpuH := m.cpu.Want(w, body-chartMin)
	m.header.SetSize(w, header.Height)
	m.cpu.SetSize(w, cpuH)
	m.chart.SetSize(w, body-cpuH)
	m.help.Width = w
}

// View joins the views' cached blocks; it does no drawing of its own beyond the status line.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.tooSmall() {
		return m.tooSmallView()
	}
	var b strings.Builder
	b.WriteString(m.header.View())
	b.WriteByte('\n')
	if m.showHelp {
		b.WriteString(m.helpBody)
	} else {
		b.WriteString(m.cpu.View())
		b.WriteByte('\n')
		b.WriteString(m.chart.View())
	}
	b.WriteByte('\n')
	b.WriteString(m.status)
	return b.String()
}

// tooSmallView says what size is needed, centred and wrapped to whatever room there is.
func (m Model) tooSmallView() string {
	msg := fmt.Sprintf("terminal too small: need at least %d×%d, have %d×%d", MinWidth, MinHeight, m.width, m.height)
	lines := strings.Split(ansi.Wrap(msg, m.width, ""), "\n")
	top := max((m.height-len(lines))/2, 0)
	out := make([]string, 0, m.height)
	for range top {
		out = append(out, "")
	}
	for _, l := range lines {
		pad := max((m.width-ansi.StringWidth(l))/2, 0)
		out = append(out, strings.Repeat(" ", pad)+l)
	}
	return views.Block(out, m.width, m.height)
}

// statusLine is LIVE, the sample time, the interval, the history depth, then key hints.
func (m Model) statusLine() string {
	th := m.th
	ts := views.Missing
	if m.frame != nil {
		ts = m.frame.Time.Format("15:04:05")
	}
	depth := views.Missing
	if m.hist != nil {
		depth = fmt.Sprintf("%d/%d", m.hist.Len(), m.hist.Cap())
	}
	left := th.Live.Render(" LIVE ") + " " + th.Value.Render(ts) +
		"  " + th.Label.Render("every ") + th.Value.Render(m.interval.String()) +
		"  " + th.Label.Render("hist ") + th.Value.Render(depth)
	room := m.width - ansi.StringWidth(left) - 2
	h := m.help
	h.Width = max(room, 0)
	hints := ""
	if room > 0 {
		hints = h.ShortHelpView(m.shortHelp())
	}
	gap := max(m.width-ansi.StringWidth(left)-ansi.StringWidth(hints), 1)
	return views.Fit(left+strings.Repeat(" ", gap)+hints, m.width)
}

// shortHelp is the globals, then the focused view's keys; disabled bindings are skipped by
// help, and the globals come first so that a narrow line still shows how to quit.
func (m Model) shortHelp() []key.Binding {
	if m.showHelp {
		return m.keys.ShortHelp()
	}
	return append(m.keys.ShortHelp(), m.cpu.ShortHelp()...)
}

// helpView is the help screen: every key, generated from the key maps, globals first.
func (m Model) helpView(h int) string {
	groups := append(m.keys.FullHelp(), m.cpu.FullHelp()...)
	lines := []string{m.th.Title.Render("ktop keys"), ""}
	lines = append(lines, strings.Split(m.help.FullHelpView(groups), "\n")...)
	lines = append(lines, "",
		m.th.Title.Render("Reading the screen"),
		"CPU bars stack "+strings.Join(theme.SegNames[:], ", ")+" (mpstat %).",
		"busy = 100 - %idle (iowait counts as busy); st = %steal, always shown.",
		"runq N/Ccpu: runnable tasks (sar -q runq-sz) by online CPUs; blk: vmstat b.",
		views.Missing+" means not known yet (rates need two samples); n/a: says why a source",
		"cannot be read.")
	return views.Block(lines, m.width, h)
}
