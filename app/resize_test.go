package app

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/ktop-dev/ktop/sources/engine"
)

// stormKeys are the keys a resize storm mixes in: every panel, help and definitions, scrolling,
// pause and stepping, zoom, the goto prompt, and letters panels use (sort, filter, detail).
// Not q or ctrl+c: the storm must go on.
var stormKeys = []string{
	"1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "tab", "shift+tab", "?", "D", "esc",
	"up", "down", "pgup", "pgdown", "home", "end", " ", "left", "right", "+", "-", "enter",
	"g", ":", "/", "s", "c", "m", "p", "t", "a", "x", "h", "j", "l", "G", "Z", "ctrl+d", "ctrl+u",
}

// stormSize is a random terminal size from 1×1 to 500×200: each side is 1, the largest, or
// around the too-small threshold a tenth of the time each, else log-uniform, so that small and
// middle sizes, where layouts change most, are drawn more often than a uniform draw would (and
// the storm costs less: a resize lays out every panel, in time proportional to the area).
func stormSize(r *rand.Rand) (w, h int) {
	pick := func(max, min int) int {
		switch r.IntN(10) {
		case 0:
			return 1
		case 1:
			return max
		case 2:
			return min - 1 + r.IntN(3)
		default:
			return int(math.Exp(r.Float64() * math.Log(float64(max)+1)))
		}
	}
	return max(1, min(500, pick(500, MinWidth))), max(1, min(200, pick(200, MinHeight)))
}

// TestResizeStorm sends hundreds of messages, half of them window sizes, from 1×1 to 500×200, interleaved with new
// samples and keys, to the root model: no panic, and after every message the view is exactly
// the size last asked for (h lines of w cells). The seed is logged so a failure can be replayed.
func TestResizeStorm(t *testing.T) {
	t.Parallel()
	fixtures := []struct {
		name string
		ss   []*engine.Sample
	}{{"2cpu", fixture2(t)}, {"16cpu-full", fixtureFull(t)}}
	// 200 steps a fixture, half of them resizes: each resize lays out every panel at the new
	// size (~0.1 s of CPU at 500×200), so the -race -short run takes fewer.
	steps := 200
	if testing.Short() {
		steps = 60
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	for fi, fx := range fixtures {
		r := rand.New(rand.NewPCG(seed, uint64(fi)))
		hist := engine.NewHistory(3600)
		m := New(Options{Theme: asciiTheme(), History: hist, Interval: time.Second})
		w, h := 80, 24
		m = update(m, sizeMsg(w, h))
		next := 0 // the next sample to deliver
		deliver := func() {
			if next < len(fx.ss) {
				hist.Append(fx.ss[next])
				m = update(m, SampleMsg{Sample: fx.ss[next]})
				next++
			}
		}
		deliver()
		for step := 0; step < steps; step++ {
			var what string
			switch k := r.IntN(10); {
			case k < 5:
				w, h = stormSize(r)
				what = fmt.Sprintf("resize %d×%d", w, h)
				m = update(m, sizeMsg(w, h))
			case k < 6:
				what = "sample"
				deliver()
			default:
				key := stormKeys[r.IntN(len(stormKeys))]
				what = fmt.Sprintf("key %q", key)
				m = stormKey(t, m, key)
			}
			v := m.View()
			if !frameIs(v, w, h) {
				checkFrame(t, v, w, h)
				t.Fatalf("%s, seed %d, step %d (%s): view is not %d×%d", fx.name, seed, step, what, w, h)
			}
		}
	}
}

// stormKey presses key and delivers what its command returns at once (an ExpandMsg from the
// Overview); a command that does not answer within 100 ms (a timer) is left alone, as the
// storm does not wait for the clock.
func stormKey(t *testing.T, m Model, key string) Model {
	t.Helper()
	nm, cmd := m.Update(keyMsg(key))
	m = nm.(Model)
	if cmd == nil {
		return m
	}
	out := make(chan tea.Msg, 1)
	go func() { out <- cmd() }()
	select {
	case msg := <-out:
		switch msg.(type) {
		case nil, tea.QuitMsg, tea.BatchMsg:
		default:
			m = update(m, msg)
		}
	case <-time.After(100 * time.Millisecond):
	}
	return m
}

// frameIs is checkFrame without reporting, so the storm reports only the first bad frame.
func frameIs(view string, w, h int) bool {
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		return false
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != w {
			return false
		}
	}
	return true
}
