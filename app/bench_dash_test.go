package app

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/ktop-dev/ktop/sources/engine"
	"github.com/ktop-dev/ktop/views/theme"
)

// colourTheme is the theme on a 256-colour terminal (tmux's), as the dashboard draws it: the
// escape sequences are part of what a frame costs.
func colourTheme() *theme.Theme {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	return theme.New(r)
}

// BenchmarkDashboardSample is the UI's work for one new sample of the running dashboard, in
// colour, with the Overview, the CPU panel or the process list shown: the root's Update with
// the sample (every panel takes the window, the one shown draws) and View. The sample's
// appending to the History is the sampler's work and is not timed. The chart windows are full,
// as after a few minutes of running.
func BenchmarkDashboardSample(b *testing.B) {
	ss := fixture2(b)
	titles := New(Options{Theme: asciiTheme()}).panels
	for _, sz := range []size{{200, 50}, {80, 24}} {
		for _, panel := range []int{0, 1, 8} { // the Overview, CPU, Processes
			b.Run(fmt.Sprintf("%s/%dx%d", titles[panel].Title(), sz.w, sz.h), func(b *testing.B) {
				// Built here, not before b.Run, so that a profile of one case is of it alone.
				hist := engine.NewHistory(3600)
				m := New(Options{Theme: colourTheme(), History: hist, Interval: time.Second, Panel: panel})
				m = update(m, sizeMsg(sz.w, sz.h))
				push := pusher(ss, hist)
				n := 0
				for ; n < 2*sz.w+1; n++ {
					m = update(m, SampleMsg{Sample: push(n)})
				}
				b.ReportAllocs()
				var cpu int64
				for b.Loop() {
					b.StopTimer()
					s := push(n)
					n++
					b.StartTimer()
					cpu0 := cpuTime()
					m = update(m, SampleMsg{Sample: s})
					_ = m.View()
					cpu += cpuTime() - cpu0
				}
				b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
