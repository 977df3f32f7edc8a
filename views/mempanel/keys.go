package mempanel

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the Memory panel's keys.
type KeyMap struct {
	// Pressure switches the pressure chart between memory and io: reclaim and swap-in stalls
	// often show up as io pressure first.
	Pressure key.Binding
}

// DefaultKeyMap returns the Memory panel's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Pressure: key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "chart io pressure")),
	}
}

// ShortHelp lists the bindings for the status line.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Pressure} }

// FullHelp lists the bindings for the help screen.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Pressure}} }
