package app

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/views/theme"
)

// PanelNames lists the panels as the command line and the config file name them, in the order
// of their digit keys: titles in lower case with hyphens ("overview", "cpu", "run-queue").
func PanelNames() []string {
	// Titles are the panels' own, so the list cannot drift from the registry; building the
	// panels with a colourless theme costs nothing and draws nothing.
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	ps := newPanels(theme.New(r), time.Second)
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = panelName(p.Title())
	}
	return names
}

func panelName(s string) string {
	return strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// PanelIndex resolves a panel given on the command line or in the config file: its digit key
// ("2", "0") or its name, in any case, with spaces, hyphens or underscores ("Run queue",
// "run-queue", "run_queue").
func PanelIndex(s string) (int, error) {
	names := PanelNames()
	if len(s) == 1 && s[0] >= '0' && s[0] <= '9' {
		if i := panelIndex(s); i < len(names) {
			return i, nil
		}
	}
	for i, n := range names {
		if n == panelName(s) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown panel %q: want a digit 1-%s or one of %s", s, panelKey(len(names)-1), strings.Join(names, ", "))
}
