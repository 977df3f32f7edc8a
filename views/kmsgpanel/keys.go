package kmsgpanel

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the Kernel log panel's keys. Scrolling is enabled only when the records overflow
// the panel, End only while scrolled away from the tail.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Warn                                    key.Binding // only warnings and worse
}

// DefaultKeyMap returns the Kernel log panel's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "f"), key.WithHelp("pgdn/f", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "oldest")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "follow the tail")),
		Warn:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "warnings and worse")),
	}
}

// ShortHelp lists the bindings for the status line.
func (k KeyMap) ShortHelp() []key.Binding {
	scroll := key.NewBinding(key.WithKeys(append(k.Up.Keys(), k.Down.Keys()...)...), key.WithHelp("↑↓", "scroll"))
	scroll.SetEnabled(k.Up.Enabled())
	return []key.Binding{scroll, k.Bottom, k.Warn}
}

// FullHelp lists the bindings for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Warn}}
}
