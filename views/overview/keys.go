package overview

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the Overview's keys: focus moves between tiles, e expands the focused one. Vim
// users get hjkl through the root, which turns them into arrows when vim keys are on.
type KeyMap struct {
	Up, Down, Left, Right, First, Last key.Binding
	Expand                             key.Binding
}

// DefaultKeyMap returns the Overview's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:     key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "tile above")),
		Down:   key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "tile below")),
		Left:   key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "tile to the left")),
		Right:  key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "tile to the right")),
		First:  key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first tile")),
		Last:   key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last tile")),
		Expand: key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e/enter", "expand tile to its panel")),
	}
}

// setEnabled enables each binding only where it can move: up and down when a column holds two
// tiles, left and right when there are two columns, so help never offers a dead key.
func (k *KeyMap) setEnabled(tiles int, tallest int, cols int) {
	k.Up.SetEnabled(tallest > 1)
	k.Down.SetEnabled(tallest > 1)
	k.Left.SetEnabled(cols > 1)
	k.Right.SetEnabled(cols > 1)
	k.First.SetEnabled(tiles > 1)
	k.Last.SetEnabled(tiles > 1)
	k.Expand.SetEnabled(tiles > 0)
}

// ShortHelp folds the four moves into one hint for the status line.
func (k KeyMap) ShortHelp() []key.Binding {
	var keys []string
	var arrows string
	for _, b := range []key.Binding{k.Left, k.Up, k.Down, k.Right} {
		if b.Enabled() {
			keys = append(keys, b.Keys()...)
			arrows += b.Help().Key
		}
	}
	move := key.NewBinding(key.WithKeys(keys...), key.WithHelp(arrows, "focus"))
	move.SetEnabled(len(keys) > 0)
	expand := k.Expand
	expand.SetHelp("e", "expand")
	return []key.Binding{move, expand}
}

// FullHelp lists every binding for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Left, k.Right}, {k.First, k.Last, k.Expand}}
}
