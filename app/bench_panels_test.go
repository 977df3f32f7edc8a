package app

import (
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources/derive"
	"github.com/ktop-dev/ktop/views"
)

// BenchmarkPanelFrame200x50 is each panel's cost of one new sample at 200×50: its Update with
// a fresh window of frames (which re-renders it) and View. The busiest panel bounds the cost of
// a frame on screen (issue 4: under 2 ms).
func BenchmarkPanelFrame200x50(b *testing.B) {
	ss := fixture2(b)
	const width, height = 200, 50
	// A full chart window of real samples, re-stamped one second apart.
	frames := make([]*derive.Frame, 0, 2*width+1)
	next := t0
	for i := range cap(frames) {
		f := *ss[1+i%(len(ss)-1)].Frame
		f.Time = next
		next = next.Add(time.Second)
		frames = append(frames, &f)
	}
	for _, p := range newPanels(asciiTheme(), time.Second) {
		b.Run(p.Title(), func(b *testing.B) {
			p.SetSize(width, height-4) // the header, panel bar and status line take 4 lines
			p.Update(views.FrameMsg{Frames: frames[:2*width]})
			b.ReportAllocs()
			cpu0 := cpuTime()
			i := 0
			for b.Loop() {
				// A new window each time, shifted by one sample, so no cache hides the work.
				win := frames[i%2 : i%2+2*width]
				p.Update(views.FrameMsg{Frames: win})
				_ = p.View()
				i++
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkASCIIFrame200x50 is the cost a non-UTF-8 terminal adds to each panel's frame at
// 200×50: views.ASCII over the panel's view (cmd/ktop rewrites every new frame with it).
func BenchmarkASCIIFrame200x50(b *testing.B) {
	ss := fixture2(b)
	const width, height = 200, 50
	frames := make([]*derive.Frame, 0, 2*width)
	next := t0
	for i := range cap(frames) {
		f := *ss[1+i%(len(ss)-1)].Frame
		f.Time = next
		next = next.Add(time.Second)
		frames = append(frames, &f)
	}
	for _, p := range newPanels(asciiTheme(), time.Second) {
		b.Run(p.Title(), func(b *testing.B) {
			p.SetSize(width, height-4)
			p.Update(views.FrameMsg{Frames: frames})
			v := p.View()
			b.ReportAllocs()
			for b.Loop() {
				_ = views.ASCII(v)
			}
		})
	}
}
