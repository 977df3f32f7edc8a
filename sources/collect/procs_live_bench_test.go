package collect

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/internal/idle"

	"github.com/ktop-dev/ktop/sources"
)

// BenchmarkProcsLive1Hz is the procs collector's steady state at a 1 s interval over the live
// /proc: each iteration is one pass with the collector's clock advanced by a second, so the
// time-based tiers (status every 5 s, stat every 30 s, the listing every 5 s) run as they do
// in a dashboard, while the passes themselves run back to back. loadavg is read before each
// pass, as the engine's pass does. "host" is the machine as it is; "idle+930" adds 930 idle
// processes. cpu-ns/op is this process's CPU time per pass. Processes that ran between two
// passes are those that ran in the few milliseconds between them, not in a second: on a busy
// host the real figure is higher.
func BenchmarkProcsLive1Hz(b *testing.B) {
	var fs syscall.Statfs_t
	if syscall.Statfs("/proc", &fs) != nil || fs.Type != 0x9fa0 {
		b.Skip("no procfs at /proc")
	}
	b.Run("host", benchProcsLive)
	b.Run("idle+930", func(b *testing.B) {
		idle.Start(b, 930)
		benchProcsLive(b)
	})
}

func benchProcsLive(b *testing.B) {
	c := newProcCollector(DefaultFS())
	clk := &fakeClock{t: time.Now()}
	c.clock = clk.now
	c.smaps.Clock = clk.now
	defer func() {
		if cl, ok := any(c).(interface{ Close() }); ok {
			cl.Close()
		}
	}()
	pass := func() {
		clk.advance(time.Second)
		var s sources.Snapshot
		if b, err := os.ReadFile("/proc/loadavg"); err == nil {
			s.Load, _ = ParseLoadavg(b)
		}
		if err := c.Collect(&s); err != nil {
			b.Fatal(err)
		}
	}
	for range 10 { // past the first pass's full reads
		pass()
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		pass()
		n++
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(n), "cpu-ns/op")
}
