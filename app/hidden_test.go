package app

import (
	"strconv"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources/engine"
)

// TestHiddenPanelsDrawWhenShown: panels put off drawing while hidden (views.FrameMsg.Hidden),
// so switching to one must show exactly what it would show had it been on screen all along.
func TestHiddenPanelsDrawWhenShown(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	run := func(panel int, show string) string {
		hist := engine.NewHistory(3600)
		m := New(Options{Theme: asciiTheme(), History: hist, Interval: time.Second, Panel: panel})
		m = update(m, sizeMsg(160, 45))
		for _, s := range ss {
			hist.Append(s)
			m = update(m, SampleMsg{Sample: s})
		}
		if show != "" {
			m = press(m, show)
		}
		return m.View()
	}
	for i := 1; i < len(New(Options{Theme: asciiTheme()}).panels); i++ {
		key := strconv.Itoa((i + 1) % 10)
		want := run(i, "")
		if have := run(0, key); have != want {
			t.Errorf("panel %d shown after being hidden differs from it shown all along:\nhave:\n%s\nwant:\n%s", i, have, want)
		}
	}
}
