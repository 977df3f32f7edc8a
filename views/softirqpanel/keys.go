package softirqpanel

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the Softirqs panel's keys: choosing the charted type, and scrolling across CPUs
// (enabled only when the CPU columns overflow).
type KeyMap struct {
	Prev, Next  key.Binding // type
	Left, Right key.Binding // CPU columns
}

// DefaultKeyMap returns the panel's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Prev:  key.NewBinding(key.WithKeys("up", "k", "["), key.WithHelp("↑/k/[", "previous type")),
		Next:  key.NewBinding(key.WithKeys("down", "j", "]"), key.WithHelp("↓/j/]", "next type")),
		Left:  key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "scroll CPUs left")),
		Right: key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "scroll CPUs right")),
	}
}

// ShortHelp lists the bindings for the status line.
func (k KeyMap) ShortHelp() []key.Binding {
	sel := key.NewBinding(key.WithKeys(append(k.Prev.Keys(), k.Next.Keys()...)...), key.WithHelp("↑↓", "chart type"))
	sel.SetEnabled(k.Prev.Enabled())
	scroll := key.NewBinding(key.WithKeys(append(k.Left.Keys(), k.Right.Keys()...)...), key.WithHelp("←→", "CPUs"))
	scroll.SetEnabled(k.Left.Enabled())
	return []key.Binding{sel, scroll}
}

// FullHelp lists the bindings for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Prev, k.Next}, {k.Left, k.Right}}
}
