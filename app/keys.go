package app

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap holds the global keys, matched before the focused view sees a key. Bindings that do
// nothing at the moment are disabled, so that help, generated from them, never lies.
type KeyMap struct {
	Quit  key.Binding
	Help  key.Binding // ? and F1; h too unless vim keys are on (htop and top use h for help)
	Defs  key.Binding // the definitions of the active panel's numbers
	Close key.Binding // enabled only while help or definitions are open
	Back  key.Binding // esc on a panel: back to the Overview; enabled only away from it
	Next  key.Binding // next panel
	Prev  key.Binding // previous panel
	Panel key.Binding // a digit: that panel

	// Scrolling the help and definitions screens; enabled while one is open and too long.
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding

	// The cursor (cursor.go). Freeze, go-to and zoom work on every panel (go-to and zoom
	// yield to a panel's own enabled binding of the same key); the steps, home and end are
	// enabled only while paused, and then win over the panel's arrows, home and end.
	Freeze, StepBack, StepFwd, MinBack, MinFwd, Oldest, Live key.Binding
	Goto, ZoomIn, ZoomOut                                    key.Binding
	// A replay's speed (replay.go); enabled only in a replay.
	Faster, Slower key.Binding
	// Record starts and stops recording to a file (rec.go); enabled only while live (not in
	// a replay) and when the dashboard was given a way to record.
	Record key.Binding

	// Vim keys, enabled by the vim option: the root turns each into the key it stands for
	// (h into ←, g into home, ctrl+d into pgdown …) before anything else sees it, so every
	// panel that binds arrows, home/end and pgup/pgdown gets vim keys without knowing.
	VimMove, VimEnds, VimPage key.Binding
}

// vimKeys is what each vim key stands for.
var vimKeys = map[string]tea.KeyType{
	"h": tea.KeyLeft, "j": tea.KeyDown, "k": tea.KeyUp, "l": tea.KeyRight,
	"g": tea.KeyHome, "G": tea.KeyEnd,
	"ctrl+d": tea.KeyPgDown, "ctrl+u": tea.KeyPgUp,
}

// DefaultKeyMap returns the global bindings, vim keys off.
func DefaultKeyMap() KeyMap {
	k := KeyMap{
		Quit:  key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:  key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?/F1", "help")),
		Defs:  key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "definitions: formula and source of each number")),
		Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close"), key.WithDisabled()),
		Back:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to Overview"), key.WithDisabled()),
		Next:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next panel")),
		Prev:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous panel")),
		Panel: key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9", "0"), key.WithHelp("1-9,0", "panel")),

		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", " "), key.WithHelp("pgdn/space", "page down")),
		Top:      key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "bottom")),

		Freeze:   key.NewBinding(key.WithKeys(" ", "Z"), key.WithHelp("space/Z", "pause")),
		StepBack: key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "a sample back (paused)")),
		StepFwd:  key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "a sample on (paused)")),
		MinBack:  key.NewBinding(key.WithKeys("shift+left"), key.WithHelp("shift+←", "a minute back")),
		MinFwd:   key.NewBinding(key.WithKeys("shift+right"), key.WithHelp("shift+→", "a minute on (paused)")),
		Oldest:   key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "oldest sample (paused)")),
		Live:     key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "back to live")),
		Goto:     key.NewBinding(key.WithKeys("g", ":"), key.WithHelp("g/:", "go to a time (HH:MM[:SS], -5m)")),
		ZoomIn:   key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "zoom in: charts show less time")),
		ZoomOut:  key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "zoom out: 1m 5m 15m 1h all")),
		Faster:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "replay faster: ×1 ×10 ×60"), key.WithDisabled()),
		Slower:   key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "replay slower"), key.WithDisabled()),
		Record:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "record to a file"), key.WithDisabled()),

		VimMove: key.NewBinding(key.WithKeys("h", "j", "k", "l"), key.WithHelp("h/j/k/l", "← ↓ ↑ → (vim)")),
		VimEnds: key.NewBinding(key.WithKeys("g", "G"), key.WithHelp("g/G", "home/end (vim)")),
		VimPage: key.NewBinding(key.WithKeys("ctrl+d", "ctrl+u"), key.WithHelp("ctrl+d/u", "page down/up (vim)")),
	}
	k.setVim(false)
	k.setScroll(false)
	for _, b := range []*key.Binding{&k.StepBack, &k.StepFwd, &k.MinFwd, &k.Oldest, &k.Live} {
		b.SetEnabled(false) // live: these keys are the panel's
	}
	return k
}

// setVim turns the vim keys on or off; h is help only while they are off.
func (k *KeyMap) setVim(on bool) {
	for _, b := range []*key.Binding{&k.VimMove, &k.VimEnds, &k.VimPage} {
		b.SetEnabled(on)
	}
	if on {
		k.Help.SetKeys("?", "f1")
		k.Help.SetHelp("?/F1", "help")
	} else {
		k.Help.SetKeys("?", "h", "f1")
		k.Help.SetHelp("?/h/F1", "help")
	}
}

// vim returns the key a vim key stands for, and whether msg is one (with vim keys on).
func (k *KeyMap) vim(msg tea.KeyMsg) (tea.KeyMsg, bool) {
	if !key.Matches(msg, k.VimMove, k.VimEnds, k.VimPage) {
		return msg, false
	}
	return tea.KeyMsg{Type: vimKeys[msg.String()]}, true
}

// setScroll enables the overlay's scroll keys.
func (k *KeyMap) setScroll(on bool) {
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		b.SetEnabled(on)
	}
}

// setPanels binds only the digits of panels that exist, so help never offers a dead key.
func (k *KeyMap) setPanels(n int) {
	keys := make([]string, 0, 10)
	for i := range min(n, 10) {
		keys = append(keys, panelKey(i))
	}
	k.Panel.SetKeys(keys...)
	k.Panel.SetHelp(panelKey(0)+"-"+panelKey(min(n, 10)-1), "panel")
	k.Next.SetEnabled(n > 1)
	k.Prev.SetEnabled(n > 1)
	k.Panel.SetEnabled(n > 1)
}

// ShortHelp lists the globals for the status line, with shorter labels than the help screen's
// so that the panel's own hints still fit at 80 columns; the root puts the panel's hints
// before shortDefs.
func (k KeyMap) ShortHelp() []key.Binding { return k.appendShortHelp(nil) }

// appendShortHelp appends ShortHelp() to bs.
func (k *KeyMap) appendShortHelp(bs []key.Binding) []key.Binding {
	return append(bs, short(k.Close, "esc", "close"), short(k.Back, "esc", "back"), short(k.Help, "?", "help"), short(k.Quit, "q", "quit"))
}

// stepHelp is the status line's hint for stepping the paused cursor.
var stepHelp = key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←→", "step"))

// appendCursorHelp appends the cursor's keys for the status line to bs: how to pause while
// live; how to step and get back while paused.
func (k *KeyMap) appendCursorHelp(bs []key.Binding) []key.Binding {
	if k.Live.Enabled() {
		return append(bs, stepHelp, short(k.Live, "end", "live"))
	}
	return append(bs, short(k.Freeze, "space", "pause"))
}

// shortDefs is the definitions key for the status line, after the panel's own keys.
func (k KeyMap) shortDefs() key.Binding { return short(k.Defs, "D", "defs") }

func short(b key.Binding, k, desc string) key.Binding {
	b.SetHelp(k, desc)
	return b
}

// scrollHelp folds the overlay's scroll keys into one status-line hint.
func (k KeyMap) scrollHelp() key.Binding {
	b := key.NewBinding(key.WithKeys(append(k.Up.Keys(), k.Down.Keys()...)...), key.WithHelp("↑↓", "scroll"))
	b.SetEnabled(k.Up.Enabled())
	return b
}

// FullHelp lists the globals for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Help, k.Defs, k.Close, k.Back, k.Record, k.Quit},
		{k.Panel, k.Next, k.Prev},
		{k.Freeze, k.StepBack, k.StepFwd, k.MinBack, k.MinFwd, k.Oldest, k.Live, k.Goto, k.ZoomIn, k.ZoomOut, k.Faster, k.Slower},
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.VimMove, k.VimEnds, k.VimPage},
	}
}
