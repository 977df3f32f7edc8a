package diskpanel

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the Disk panel's keys. Selection keys are enabled only with more than one row, the
// partition toggle only when there are partitions, so help never offers a dead key.
type KeyMap struct {
	Up, Down key.Binding // select the previous or next device: the charts follow it
	Idle     key.Binding // show idle devices (iostat without -z) or hide them
	Parts    key.Binding // show or hide partitions
}

// DefaultKeyMap returns the Disk panel's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous device")),
		Down:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next device")),
		Idle:  key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "show idle")),
		Parts: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "hide partitions")),
	}
}

// ShortHelp lists the bindings for the status line, up and down folded into one hint.
func (k KeyMap) ShortHelp() []key.Binding {
	sel := key.NewBinding(key.WithKeys(append(k.Up.Keys(), k.Down.Keys()...)...), key.WithHelp("↑↓", "select disk"))
	sel.SetEnabled(k.Up.Enabled())
	return []key.Binding{sel, k.Idle, k.Parts}
}

// FullHelp lists the bindings for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Idle, k.Parts}}
}
