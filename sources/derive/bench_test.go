package derive_test

import (
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources/collect/collecttest"
	"github.com/ktop-dev/ktop/sources/derive"
)

// BenchmarkDerive derives a whole Frame (every section, 16 CPUs, the capture's processes) from
// two real snapshots of the 16-CPU machine.
func BenchmarkDerive(b *testing.B) {
	prev := collecttest.Snapshot(collecttest.Root16(b, "a"))
	cur := collecttest.Snapshot(collecttest.Root16(b, "b"))
	cur.Time = prev.Time.Add(time.Second)
	b.ReportAllocs()
	for b.Loop() {
		_ = derive.Derive(prev, cur)
	}
}
