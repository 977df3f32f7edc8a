package engine

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/internal/idle"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/derive"
)

// BenchmarkHistoryAppend is the cost the engine pays per tick to keep a sample, with the ring
// full (the steady state of a long session).
func BenchmarkHistoryAppend(b *testing.B) {
	h := NewHistory(3600)
	s := &Sample{Snap: &sources.Snapshot{}, Frame: &derive.Frame{}}
	for range 3600 {
		h.Append(s)
	}
	b.ReportAllocs()
	for b.Loop() {
		h.Append(s)
	}
}

// BenchmarkSampleLive is one engine tick over the live /proc and /sys: collect, derive,
// append, publish ("host": the machine as it is; "idle+930": with 930 extra idle processes).
// The history holds two samples, so this is the tick's own cost without the retention of an
// hour of samples (which BenchmarkSampleLiveRetained adds). cpu-ns/op is this process's CPU
// time per tick.
func BenchmarkSampleLive(b *testing.B) {
	liveBench(b, 2*time.Second)
}

// BenchmarkSampleLiveRetained is BenchmarkSampleLive with every sample kept (History of an
// hour), as a running dashboard does: the heap grows by one sample per tick.
func BenchmarkSampleLiveRetained(b *testing.B) {
	liveBench(b, time.Hour)
}

func liveBench(b *testing.B, history time.Duration) {
	var fs syscall.Statfs_t
	if syscall.Statfs("/proc", &fs) != nil || fs.Type != 0x9fa0 {
		b.Skip("no procfs at /proc")
	}
	run := func(b *testing.B) {
		e := New(Options{FS: collect.DefaultFS(), Interval: time.Second, History: history})
		defer e.Close()
		e.Sample()
		e.Sample()
		b.ReportAllocs()
		b.ResetTimer()
		cpu0 := rusageNs()
		n := 0
		for b.Loop() {
			e.Sample()
			n++
		}
		b.ReportMetric(float64(rusageNs()-cpu0)/float64(n), "cpu-ns/op")
	}
	b.Run("host", run)
	b.Run("idle+930", func(b *testing.B) {
		idle.Start(b, 930)
		run(b)
	})
}

// rusageNs is this process's user+system CPU time in ns.
func rusageNs() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkSnapBytes is the History's size estimate of one unencoded sample of 500 processes,
// paid on every tick.
func BenchmarkSnapBytes(b *testing.B) {
	s := newSynth(b, 500).next()
	b.ReportAllocs()
	for b.Loop() {
		snapBytes(s)
	}
}

// BenchmarkHistoryHourOf500 fills a History as ktop makes it (record's codec, the default
// budget) with an hour and 29 samples of 500 processes (synthetic, from the real 16-CPU
// snapshot): the last block is one sample short of full, the most it holds unpacked. It
// reports the CPU time of an Append (sealing included) and the heap the History holds then.
// Run it with -benchtime 1x.
func BenchmarkHistoryHourOf500(b *testing.B) {
	for b.Loop() {
		syn := newSynth(b, 500)
		recCodec.Encode(nil, []*sources.Snapshot{syn.base}) // the codec's own state, made once
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		h := NewHistoryWith(HistoryOptions{MaxSamples: 3601, Codec: recCodec})
		const n = 3600 + DefaultBlockLen - 1
		var cpu int64
		for range n {
			s := &Sample{Snap: syn.next(), Frame: &derive.Frame{}}
			c0 := rusageNs()
			h.Append(s)
			cpu += rusageNs() - c0
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(cpu)/n, "append-cpu-ns")
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "heap-MiB")
		runtime.KeepAlive(h)
	}
}

// BenchmarkWindowHeap is the heap the live screen's window holds: 400 light frames of this
// machine's own samples (an engine over the live /proc, as the dashboard's at 200 columns),
// measured as what a GC frees when the window's frames are dropped. Run it with -benchtime 1x.
func BenchmarkWindowHeap(b *testing.B) {
	var fs syscall.Statfs_t
	if syscall.Statfs("/proc", &fs) != nil || fs.Type != 0x9fa0 {
		b.Skip("no procfs at /proc")
	}
	for b.Loop() {
		e := New(Options{FS: collect.DefaultFS(), Interval: time.Second, History: time.Hour, Codec: recCodec})
		h := e.History()
		for range 405 {
			e.Sample()
			h.FramesAt(h.Len()-1, 400, 1) // slid a sample at a time, as live
		}
		var with, without runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&with)
		h.cmu.Lock()
		h.frames = map[frameKey]*cached{}
		h.status = nil
		h.lastWin, h.spareWin = lastWindow{}, lastWindow{}
		h.cmu.Unlock()
		runtime.GC()
		runtime.ReadMemStats(&without)
		b.ReportMetric(float64(int64(with.HeapAlloc)-int64(without.HeapAlloc))/(1<<20), "window-MiB")
		e.Close()
	}
}

// BenchmarkWindowSlide is the live window a chart asks for each sample: 400 frames ending at
// the newest sample, one sample later each time (the History is 1000 samples long; each op
// appends one, untimed).
func BenchmarkWindowSlide(b *testing.B) {
	h := NewHistoryWith(HistoryOptions{BlockLen: 30, Codec: recCodec, Budget: 1 << 30})
	syn := newSynth(b, 70)
	ss := more(h, syn, nil, 1000)
	prev := ss[len(ss)-1]
	h.FramesAt(h.Len()-1, 400, 1)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		prev = more(h, syn, prev, 1)[0]
		b.StartTimer()
		h.FramesAt(h.Len()-1, 400, 1)
	}
}
