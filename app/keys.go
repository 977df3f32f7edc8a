package app

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds the global keys, matched before the focused view sees a key.
type KeyMap struct {
	Quit  key.Binding
	Help  key.Binding
	Close key.Binding // enabled only while the help screen is open
	Next  key.Binding // next panel
	Prev  key.Binding // previous panel
	Panel key.Binding // a digit: that panel
}

// DefaultKeyMap returns the global bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:  key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:  key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?/F1", "help")),
		Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close help"), key.WithDisabled()),
		Next:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next panel")),
		Prev:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous panel")),
		Panel: key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9", "0"), key.WithHelp("1-9,0", "panel")),
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

// ShortHelp lists the globals for the status line.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Close, k.Help, k.Quit} }

// FullHelp lists the globals for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Help, k.Close, k.Quit}, {k.Panel, k.Next, k.Prev}}
}
