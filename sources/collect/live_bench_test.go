package collect_test

import (
	"syscall"
	"testing"

	"github.com/ktop-dev/ktop/internal/idle"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// BenchmarkSamplingPassLive is one whole pass of every collector over the live /proc and /sys,
// as the engine runs each tick: "host" over the machine as it is, "idle+930" with 930 extra
// idle processes (sleep) started for the benchmark, the ~1000-process case of docs/perf.md.
// Unlike the fixture benchmarks it measures procfs itself (whose files cost what the kernel
// spends generating them) and kept descriptors. cpu-ns/op is this process's CPU time per pass,
// which a busy host inflates less than ns/op.
func BenchmarkSamplingPassLive(b *testing.B) {
	var fs syscall.Statfs_t
	if syscall.Statfs("/proc", &fs) != nil || fs.Type != 0x9fa0 {
		b.Skip("no procfs at /proc")
	}
	b.Run("host", func(b *testing.B) { benchLive(b) })
	b.Run("idle+930", func(b *testing.B) {
		idle.Start(b, 930)
		benchLive(b)
	})
}

func benchLive(b *testing.B) {
	set := collect.NewSet(collect.DefaultFS())
	defer set.Close()
	var s sources.Snapshot
	set.Collect(&s) // the first pass reads everything once, as the first tick does
	set.Collect(&s)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := rusage()
	n := 0
	for b.Loop() {
		s = sources.Snapshot{}
		set.Collect(&s)
		n++
	}
	b.ReportMetric(float64(rusage()-cpu0)/float64(n), "cpu-ns/op")
	if s.Procs != nil {
		b.ReportMetric(float64(len(s.Procs.Procs)), "procs")
	}
}

// rusage is this process's user+system CPU time in ns.
func rusage() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
