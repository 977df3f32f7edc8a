package app

import (
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources/engine"
)

// BenchmarkViewCPU200x50 is the cost of showing one new sample on a 200×50 terminal: routing
// the frame to every view (which redraws the chart and the CPU rows) and View(). Each
// iteration gets a fresh frame, so the cached string does not hide the cost.
func BenchmarkViewCPU200x50(b *testing.B) {
	ss := fixture2(b)
	hist := engine.NewHistory(3600)
	m := New(Options{Theme: asciiTheme(), History: hist, Interval: time.Second})
	m = update(m, sizeMsg(200, 50))
	// Fill the chart's whole window, as after a few minutes of running.
	push := pusher(ss, hist)
	for i := range 2 * 200 {
		m = update(m, SampleMsg{Sample: push(i)})
	}
	var sink int
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		m = update(m, SampleMsg{Sample: push(i)})
		sink += len(m.View())
	}
	// CPU time per op as well as wall time: on a shared machine the wall figure includes
	// waiting for a core.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	_ = sink
}

// pusher returns a function that appends the i-th sample of an endless series to hist and
// returns it: the fixture's frames after the first, over and over, a second apart from t0.
func pusher(ss []*engine.Sample, hist *engine.History) func(i int) *engine.Sample {
	next := t0
	return func(i int) *engine.Sample {
		src := ss[1+i%(len(ss)-1)]
		f := *src.Frame
		f.Time = next
		next = next.Add(time.Second)
		s := &engine.Sample{Snap: src.Snap, Frame: &f}
		hist.Append(s)
		return s
	}
}

// cpuTime is this process's user+system CPU time in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkResize500x200 is the cost of one resize of a 500×200 terminal (a window dragged
// larger or smaller sends many) with each panel shown: the root lays out and redraws what is
// on screen, then View. The chart windows are full, as after a quarter of an hour; the size
// alternates by a cell, so every iteration is a real change of size.
func BenchmarkResize500x200(b *testing.B) {
	ss := fixture2(b)
	for _, panel := range []int{0, 1, 8} { // the Overview, CPU, Processes
		hist := engine.NewHistory(3600)
		m := New(Options{Theme: asciiTheme(), History: hist, Interval: time.Second, Panel: panel})
		m = update(m, sizeMsg(500, 200))
		push := pusher(ss, hist)
		for i := range 2*500 + 1 {
			m = update(m, SampleMsg{Sample: push(i)})
		}
		b.Run(m.panels[panel].Title(), func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			i := 0
			for b.Loop() {
				m = update(m, sizeMsg(500-i%2, 200-i%2))
				_ = m.View()
				i++
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
