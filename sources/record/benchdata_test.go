package record

import (
	"bytes"
	"encoding/gob"
	"flag"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// Benchmark data: real snapshots of this machine, taken as `ktop record` takes them (every
// collector of collect.NewSet, the process table included, and ktop's own cost in Self), once
// per run. They are kept, if asked, in a gob file, so that formats can be compared on the
// same samples across runs; gob is used rather than a recording so that the data does not
// depend on the codec under test.

var (
	benchSamples  = flag.Int("bench.samples", 120, "real samples to take for the record benchmarks")
	benchInterval = flag.Duration("bench.interval", time.Second, "interval between them")
	benchCache    = flag.String("bench.cache", "", "keep the samples in this file (gob) and reuse them on later runs")
	benchWindow   = flag.Int("bench.window", 600, "samples of the series the datasets hold (copies of processes come from all of it)")
	benchOffset   = flag.Int("bench.offset", 0, "the datasets' first sample in the series")
)

var benchData = struct {
	once sync.Once
	real []*sources.Snapshot
}{}

// realSamples returns the real samples, taken once per test binary run (or read from
// -bench.cache).
func realSamples(b *testing.B) []*sources.Snapshot {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		b.Skip("no /proc here")
	}
	benchData.once.Do(func() {
		if *benchCache != "" {
			if f, err := os.Open(*benchCache); err == nil {
				defer f.Close()
				if err := gob.NewDecoder(f).Decode(&benchData.real); err != nil {
					b.Fatalf("%s: %v", *benchCache, err)
				}
				return
			}
		}
		benchData.real = takeSamples(*benchSamples, *benchInterval)
		if *benchCache != "" {
			var buf bytes.Buffer
			if err := gob.NewEncoder(&buf).Encode(benchData.real); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(*benchCache, buf.Bytes(), 0o600); err != nil {
				b.Fatal(err)
			}
		}
	})
	return benchData.real
}

// takeSamples samples this machine n times, every gap, as the engine does: collect, then
// ktop's own cost.
func takeSamples(n int, gap time.Duration) []*sources.Snapshot {
	set := collect.NewSet(collect.DefaultFS())
	defer set.Close()
	out := make([]*sources.Snapshot, 0, n)
	next := time.Now()
	for i := range n {
		time.Sleep(time.Until(next))
		next = next.Add(gap)
		start := time.Now()
		s := &sources.Snapshot{Seq: uint64(i + 1), Time: start}
		set.Collect(s)
		s.Self = selfCost(time.Since(start))
		out = append(out, s)
	}
	return out
}

// selfCost is what the engine's self meter records (sources/engine/self.go).
func selfCost(tick time.Duration) sources.SelfCost {
	c := sources.SelfCost{TickTime: tick, Goroutine: runtime.NumGoroutine()}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.CPUNs = uint64(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			pages, _ := strconv.ParseUint(f[1], 10, 64)
			c.RSSKB = pages * uint64(os.Getpagesize()) / 1024
		}
	}
	return c
}

// procsOf returns a copy of s whose process table is procs (nil: no table).
func procsOf(s *sources.Snapshot, procs []sources.Proc) *sources.Snapshot {
	c := *s
	if s.Procs == nil {
		return &c
	}
	if procs == nil {
		c.Procs = nil
		return &c
	}
	t := *s.Procs
	t.Procs = procs
	c.Procs = &t
	return &c
}

func procList(s *sources.Snapshot) []sources.Proc {
	if s.Procs == nil {
		return nil
	}
	return s.Procs.Procs
}

// withProcs returns the first window samples with the process table made n entries long:
// grown with copies of the real processes under other PIDs, or cut to the n lowest PIDs. Copy
// k of sample t is the table of sample t + k·shift (around the series), where shift spreads
// the copies evenly over the series, and is more than a block: a copy then never repeats,
// within a block, what another did. (A real machine's processes are distinct; with copies 7
// samples apart, as this benchmark first made them, zstd matched a copy's whole encoding
// against its original's, and 500 processes cost hardly more than 100.) Where the series is
// no longer than the window, copies wrap around it, and the jump where they do makes the
// figure pessimistic.
func withProcs(real []*sources.Snapshot, window, n int) []*sources.Snapshot {
	have := avgProcs(real)
	copies := int(float64(n)/max(have, 1)) + 1
	shift := max(len(real)/(copies+1), DefaultBlockSamples+1)
	out := make([]*sources.Snapshot, window)
	for t, s := range real[:window] {
		procs := append([]sources.Proc(nil), procList(s)...)
		for k := 1; len(procs) < n && k <= 4*copies; k++ {
			for _, p := range procList(real[(t+shift*k)%len(real)]) {
				if len(procs) >= n {
					break
				}
				p.PID += k * 1_000_000
				procs = append(procs, p)
			}
		}
		if len(procs) > n { // a busy moment: keep the n lowest PIDs
			procs = procs[:n]
		}
		out[t] = procsOf(s, procs)
	}
	return out
}

// stableProcs keeps the processes that live through the whole series: the process table of
// a machine without churn.
func stableProcs(real []*sources.Snapshot) []*sources.Snapshot {
	seen := map[sources.ProcID]int{}
	for _, s := range real {
		for _, p := range procList(s) {
			seen[sources.ProcID{PID: p.PID, Start: p.StartTime}]++
		}
	}
	out := make([]*sources.Snapshot, len(real))
	for i, s := range real {
		procs := []sources.Proc{}
		for _, p := range procList(s) {
			if seen[sources.ProcID{PID: p.PID, Start: p.StartTime}] == len(real) {
				procs = append(procs, p)
			}
		}
		out[i] = procsOf(s, procs)
	}
	return out
}

// shareOfProcs keeps one process in k, chosen by a hash of PID and start time, so that a
// process stays in or out for its whole life and newcomers join in the same proportion.
func shareOfProcs(real []*sources.Snapshot, k int) []*sources.Snapshot {
	out := make([]*sources.Snapshot, len(real))
	for i, s := range real {
		procs := []sources.Proc{}
		for _, p := range procList(s) {
			if (uint64(p.PID)*2654435761^p.StartTime*40503)%uint64(k) == 0 {
				procs = append(procs, p)
			}
		}
		out[i] = procsOf(s, procs)
	}
	return out
}

func withoutProcs(real []*sources.Snapshot) []*sources.Snapshot {
	out := make([]*sources.Snapshot, len(real))
	for i, s := range real {
		out[i] = procsOf(s, nil)
	}
	return out
}
