package collect

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchRoot != "" {
		os.RemoveAll(benchRoot)
	}
	os.Exit(code)
}

var (
	benchOnce sync.Once
	benchRoot string
	benchErr  error
)

// benchTree builds, once, a /proc with 2000 processes: the real process directories of the
// fixtures repeated under new PID numbers (contents untouched), a multi-threaded one among
// every few.
func benchTree(b *testing.B) string {
	benchOnce.Do(func() {
		srcs := []string{
			liveB + "/14188", liveB + "/14189", liveB + "/14190", liveB + "/14191", liveB + "/14435",
			liveB + "/2", liveB + "/9", cpu16B + "/170", cpu16B + "/409", cpu16B + "/411",
		}
		benchRoot, benchErr = os.MkdirTemp("", "ktop-procs-bench-")
		if benchErr != nil {
			return
		}
		copyFile(b, liveB+"/uptime", filepath.Join(benchRoot, "uptime"))
		for i := range 2000 {
			copyTree(b, srcs[i%len(srcs)], filepath.Join(benchRoot, fmt.Sprint(1000+i)))
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchRoot
}

// BenchmarkProcScan is the steady state: no process moved, so each pass reads stat and
// schedstat (task/*/schedstat for multi-threaded ones) of every process.
func BenchmarkProcScan(b *testing.B) {
	benchScan(b, 0)
}

// BenchmarkProcScanAllMoved is the worst case: every process is due for status and io too.
func BenchmarkProcScanAllMoved(b *testing.B) {
	benchScan(b, statusMaxAge)
}

func benchScan(b *testing.B, step time.Duration) {
	root := benchTree(b)
	c, clk := testCollector(root)
	c.smaps.TopK = 0
	var s sources.Snapshot
	if err := c.Collect(&s); err != nil { // fills the per-process cache, as the first tick does
		b.Fatal(err)
	}
	if n := len(s.Procs.Procs); n != 2000 {
		b.Fatalf("%d processes", n)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		clk.advance(step)
		if err := c.Collect(&s); err != nil {
			b.Fatal(err)
		}
		n++
	}
	// CPU time, unlike ns/op, does not grow when other work competes for the CPUs.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(n), "cpu-ns/op")
}

// cpuTime is this process's user+system CPU time in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// BenchmarkParseProc measures the per-process parsers on real files: schedstat runs for every
// process every pass, stat for those that ran, status for those that ran or were reclaimed.
func BenchmarkParseProc(b *testing.B) {
	stat := mustRead(b, liveB+"/14189/stat")
	sched := mustRead(b, liveB+"/14188/schedstat")
	status := mustRead(b, liveB+"/14189/status")
	b.Run("stat", func(b *testing.B) {
		b.ReportAllocs()
		var p sources.Proc
		for b.Loop() {
			if _, err := ParseProcStat(stat, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("schedstat", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, _, err := ParseTaskSchedstat(sched); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("status", func(b *testing.B) {
		b.ReportAllocs()
		var st ProcStatus
		for b.Loop() {
			if err := ParseProcStatus(status, &st); err != nil {
				b.Fatal(err)
			}
		}
	})
}
