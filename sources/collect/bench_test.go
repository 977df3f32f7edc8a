package collect_test

import (
	"testing"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
	"github.com/ktop-dev/ktop/sources/collect/collecttest"
)

// BenchmarkCollectors measures each collector's read and parse over the 16-CPU machine: the
// cost of one sampling pass, source by source (docs/perf.md).
func BenchmarkCollectors(b *testing.B) {
	root := collecttest.Root16(b, "a")
	for _, c := range collect.Collectors(root) {
		b.Run(c.Name(), func(b *testing.B) {
			var s sources.Snapshot
			c.Collect(&s) // warm buffers and caches, as every tick after the first
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s = sources.Snapshot{}
				_ = c.Collect(&s)
			}
		})
	}
}

// BenchmarkSamplingPass is one whole pass of every collector, as the engine runs each tick,
// over the 16-CPU machine's 184 processes and 183 threads (Root16): the procs walk feeds the
// scheduler fallback, as NewSet wires them.
func BenchmarkSamplingPass(b *testing.B) {
	set := collect.NewSet(collecttest.Root16(b, "a"))
	defer set.Close()
	var s sources.Snapshot
	set.Collect(&s)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s = sources.Snapshot{}
		set.Collect(&s)
	}
	if s.Procs != nil {
		b.ReportMetric(float64(len(s.Procs.Procs)), "procs")
	}
	if st := s.StatusFor(sources.SrcSchedstat); st.State != sources.OK {
		b.Fatalf("schedstat: %+v", st)
	}
}
