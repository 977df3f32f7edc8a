package cpu

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the CPU panel's keys: switching between bars and history, and scrolling, enabled
// only when the rows overflow so that help never lists a key that does nothing.
type KeyMap struct {
	View                                    key.Binding
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// DefaultKeyMap returns the CPU panel's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		View:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "bars/history")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll CPUs up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll CPUs down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup/b", "page CPUs up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "f"), key.WithHelp("pgdn/f", "page CPUs down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first CPUs")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last CPUs")),
	}
}

func (k *KeyMap) setEnabled(v bool) {
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Top, &k.Bottom} {
		b.SetEnabled(v)
	}
}

// ShortHelp lists the bindings for the status line: up and down folded into one hint, which
// is enabled exactly when they are.
func (k KeyMap) ShortHelp() []key.Binding {
	scroll := key.NewBinding(key.WithKeys(append(k.Up.Keys(), k.Down.Keys()...)...), key.WithHelp("↑↓", "scroll CPUs"))
	scroll.SetEnabled(k.Up.Enabled())
	return []key.Binding{scroll, k.View}
}

// FullHelp lists the bindings for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.View}}
}
