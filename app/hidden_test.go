package app

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views"
)

// TestHiddenPanelsDrawWhenShown: panels put off drawing while hidden (views.FrameMsg.Hidden),
// and laying out while hidden (a resize lays out only the panel shown), so switching to one
// must show exactly what it would show had it been on screen all along, through samples and
// a resize.
func TestHiddenPanelsDrawWhenShown(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	run := func(panel int, show string) string {
		hist := engine.NewHistory(3600)
		m := New(Options{Theme: asciiTheme(), History: hist, Interval: time.Second, Panel: panel})
		m = update(m, sizeMsg(160, 45))
		for i, s := range ss {
			hist.Append(s)
			m = update(m, SampleMsg{Sample: s})
			if i == len(ss)/2 {
				m = update(m, sizeMsg(131, 37))
			}
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

// sizeCounter is a panel that counts its layouts.
type sizeCounter struct {
	views.Panel
	sizes []string
}

func (p *sizeCounter) SetSize(w, h int) {
	p.sizes = append(p.sizes, fmt.Sprintf("%d×%d", w, h))
	p.Panel.SetSize(w, h)
}

// TestResizeLaysOutShownPanel: a resize lays out the panel shown and no other (each layout
// redraws a panel's charts: ten of them made a large terminal's resize ten times dearer than
// the screen); a hidden panel is laid out once, at the size of the moment, when switched to,
// and not again when shown at a size it has.
func TestResizeLaysOutShownPanel(t *testing.T) {
	t.Parallel()
	ss := fixture2(t)
	hist := engine.NewHistory(3600)
	m := New(Options{Theme: asciiTheme(), History: hist, Interval: time.Second})
	counters := make([]*sizeCounter, len(m.panels))
	for i, p := range m.panels {
		counters[i] = &sizeCounter{Panel: p}
		m.panels[i] = counters[i]
	}
	for _, s := range ss[:3] {
		hist.Append(s)
		m = update(m, SampleMsg{Sample: s})
	}
	m = update(m, sizeMsg(200, 50))
	m = update(m, sizeMsg(500, 200))
	m = press(m, "3")                // Run queue, hidden through both resizes
	m = press(m, "1", "3", "1", "2") // back and forth at one size, then CPU
	for i, want := range map[int]string{
		0: "200×46 500×196", // the Overview, shown from the start
		1: "500×196",        // CPU: switched to last
		2: "500×196",        // Run queue: once, though shown twice
		8: "",               // Processes: never shown
	} {
		if have := strings.Join(counters[i].sizes, " "); have != want {
			t.Errorf("panel %d (%s) laid out at %q, want %q", i+1, m.panels[i].Title(), have, want)
		}
	}
	checkFrame(t, m.View(), 500, 200)
}
