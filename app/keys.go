package app

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds the global keys, matched before the focused view sees a key.
type KeyMap struct {
	Quit  key.Binding
	Help  key.Binding
	Close key.Binding // enabled only while the help screen is open
}

// DefaultKeyMap returns the global bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:  key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:  key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?/F1", "help")),
		Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close help"), key.WithDisabled()),
	}
}

// ShortHelp lists the globals for the status line.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Close, k.Help, k.Quit} }

// FullHelp lists the globals for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Help, k.Close, k.Quit}} }
