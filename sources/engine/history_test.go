package engine

import (
	"slices"
	"sync"
	"testing"

	"github.com/ktop-dev/ktop/sources/derive"
)

func sample(seq uint64) *Sample { return &Sample{Frame: &derive.Frame{Seq: seq}} }

func seqs(frames []*derive.Frame) []uint64 {
	var out []uint64
	for _, f := range frames {
		out = append(out, f.Seq)
	}
	return out
}

func historyOf(capacity, n int) *History {
	h := NewHistory(capacity)
	for i := 1; i <= n; i++ {
		h.Append(sample(uint64(i)))
	}
	return h
}

func TestHistoryWrap(t *testing.T) {
	t.Parallel()
	h := historyOf(3, 5) // 1 and 2 were dropped
	if h.Len() != 3 || h.Cap() != 3 {
		t.Fatalf("len %d cap %d, want 3 3", h.Len(), h.Cap())
	}
	var have []uint64
	for i := range h.Len() {
		have = append(have, h.At(i).Frame.Seq)
	}
	if !slices.Equal(have, []uint64{3, 4, 5}) {
		t.Errorf("oldest first: want [3 4 5], have %v", have)
	}
	if h.Latest().Frame.Seq != 5 || h.At(-1) != nil || h.At(3) != nil {
		t.Errorf("latest %d, At(-1) %v, At(3) %v", h.Latest().Frame.Seq, h.At(-1), h.At(3))
	}
	if NewHistory(0).Cap() != 2 || NewHistory(0).Latest() != nil {
		t.Error("a history keeps at least 2 samples and starts empty")
	}
}

func TestHistoryFrames(t *testing.T) {
	t.Parallel()
	partial := historyOf(10, 5) // 1..5, not wrapped
	wrapped := historyOf(4, 7)  // 4..7 after wrapping
	for _, tc := range []struct {
		name   string
		h      *History
		end, n int
		want   []uint64
	}{
		{"window in the middle", partial, 3, 2, []uint64{3, 4}},
		{"window at the end", partial, 4, 3, []uint64{3, 4, 5}},
		{"window longer than the past", partial, 1, 5, []uint64{1, 2}},
		{"end past the newest", partial, 99, 2, []uint64{4, 5}},
		{"everything", partial, 4, 100, []uint64{1, 2, 3, 4, 5}},
		{"one frame", partial, 0, 1, []uint64{1}},
		{"no frames asked", partial, 4, 0, nil},
		{"negative end", partial, -1, 3, nil},
		{"wrapped, all", wrapped, 3, 4, []uint64{4, 5, 6, 7}},
		{"wrapped, across the seam", wrapped, 2, 2, []uint64{5, 6}},
		{"empty", NewHistory(4), 0, 3, nil},
	} {
		if have := seqs(tc.h.Frames(tc.end, tc.n)); !slices.Equal(have, tc.want) {
			t.Errorf("%s: Frames(%d, %d) = %v, want %v", tc.name, tc.end, tc.n, have, tc.want)
		}
	}
}

// TestHistoryConcurrent has one writer and several readers, as the engine and the UI do; run
// it with -race.
func TestHistoryConcurrent(t *testing.T) {
	t.Parallel()
	h := NewHistory(16)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 500 {
				if n := h.Len(); n > 0 {
					fs := h.Frames(n-1, 8)
					for i := 1; i < len(fs); i++ {
						if fs[i].Seq <= fs[i-1].Seq {
							t.Errorf("frames out of order: %v", seqs(fs))
							return
						}
					}
				}
			}
		})
	}
	for i := 1; i <= 2000; i++ {
		h.Append(sample(uint64(i)))
	}
	wg.Wait()
	if h.Latest().Frame.Seq != 2000 {
		t.Errorf("latest %d", h.Latest().Frame.Seq)
	}
}
