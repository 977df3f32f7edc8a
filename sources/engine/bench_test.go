package engine

import (
	"testing"

	"github.com/ktop-dev/ktop/sources"
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
