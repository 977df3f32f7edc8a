package netpanel

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the Network panel's keys; selection keys are enabled only with more than one
// interface, so help never offers a dead key.
type KeyMap struct {
	Up, Down key.Binding // select the previous or next interface: the packet chart follows it
	Errors   key.Binding // show every EDEV column, or only those not zero
}

// DefaultKeyMap returns the Network panel's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous interface")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next interface")),
		Errors: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "all error columns")),
	}
}

// ShortHelp lists the bindings for the status line, up and down folded into one hint.
func (k KeyMap) ShortHelp() []key.Binding {
	sel := key.NewBinding(key.WithKeys(append(k.Up.Keys(), k.Down.Keys()...)...), key.WithHelp("↑↓", "select interface"))
	sel.SetEnabled(k.Up.Enabled())
	return []key.Binding{sel, k.Errors}
}

// FullHelp lists the bindings for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Errors}}
}
