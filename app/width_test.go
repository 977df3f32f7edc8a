package app

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
)

// TestWidthOfScreens: views.Width, which every Fit and Block measures with, agrees with
// ansi.StringWidth on every line of every panel as drawn in colour, and on each of its
// pieces cut at every escape sequence.
func TestWidthOfScreens(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	hist := engine.NewHistory(3600)
	m := New(Options{Theme: colourTheme(), History: hist, Interval: time.Second})
	m = update(m, sizeMsg(200, 50))
	for _, s := range ss {
		hist.Append(s)
		m = update(m, SampleMsg{Sample: s})
	}
	for i := range m.panels {
		m = press(m, panelKey(i))
		for _, line := range strings.Split(m.View(), "\n") {
			for _, s := range append(strings.SplitAfter(line, "m"), line) {
				if want, have := ansi.StringWidth(s), views.Width(s); want != have {
					t.Errorf("panel %d: Width(%q) = %d, ansi.StringWidth %d", i+1, s, have, want)
				}
			}
		}
	}
}
