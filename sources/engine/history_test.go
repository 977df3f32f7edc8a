package engine

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

// t0 stamps the synthetic samples: sample seq is taken at t0 + seq seconds.
var t0 = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)

// sample is an empty sample with its frame derived as the engine would (no previous one).
func sample(seq uint64) *Sample {
	s := &sources.Snapshot{Seq: seq, Time: t0.Add(time.Duration(seq) * time.Second)}
	return &Sample{Snap: s, Frame: derive.Derive(nil, s)}
}

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
		have = append(have, h.SampleAt(i).Frame.Seq)
	}
	if !slices.Equal(have, []uint64{3, 4, 5}) {
		t.Errorf("oldest first: want [3 4 5], have %v", have)
	}
	if h.Latest().Frame.Seq != 5 || h.SampleAt(-1) != nil || h.SampleAt(3) != nil {
		t.Errorf("latest %d, SampleAt(-1) %v, SampleAt(3) %v", h.Latest().Frame.Seq, h.SampleAt(-1), h.SampleAt(3))
	}
	if NewHistory(0).Cap() != 2 || NewHistory(0).Latest() != nil || NewHistory(0).SampleAt(0) != nil {
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
		if have := seqs(tc.h.FramesAt(tc.end, tc.n, 1)); !slices.Equal(have, tc.want) {
			t.Errorf("%s: FramesAt(%d, %d, 1) = %v, want %v", tc.name, tc.end, tc.n, have, tc.want)
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
					fs := h.FramesAt(n-1, 8, 1)
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

// TestHistoryLookups finds samples by sequence number and by time, and measures the reach,
// before and after the oldest are dropped.
func TestHistoryLookups(t *testing.T) {
	t.Parallel()
	h := historyOf(4, 7) // 4…7 at t0+4s…t0+7s
	for _, tc := range []struct {
		seq  uint64
		want int
		ok   bool
	}{{4, 0, true}, {7, 3, true}, {5, 1, true}, {3, 0, false}, {1, 0, false}, {8, 4, false}} {
		if i, ok := h.Index(tc.seq); i != tc.want || ok != tc.ok {
			t.Errorf("Index(%d) = %d, %v; want %d, %v", tc.seq, i, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		at   time.Duration
		want int
	}{
		{4 * time.Second, 0}, {4500 * time.Millisecond, 0}, {4600 * time.Millisecond, 1},
		{5 * time.Second, 1}, {time.Second, 0}, {7 * time.Second, 3}, {time.Hour, 3},
	} {
		if i := h.IndexAt(t0.Add(tc.at)); i != tc.want {
			t.Errorf("IndexAt(t0+%v) = %d, want %d (the nearest)", tc.at, i, tc.want)
		}
	}
	if want, have := 3*time.Second, h.Reach(); want != have {
		t.Errorf("Reach = %v, want %v", have, want)
	}
	if seq, ok := h.SeqAt(1); seq != 5 || !ok {
		t.Errorf("SeqAt(1) = %d, %v", seq, ok)
	}
	if at, ok := h.TimeAt(3); !at.Equal(t0.Add(7*time.Second)) || !ok {
		t.Errorf("TimeAt(3) = %v, %v", at, ok)
	}
	if _, ok := h.SeqAt(4); ok {
		t.Error("SeqAt past the newest")
	}
	if _, ok := h.TimeAt(-1); ok {
		t.Error("TimeAt(-1)")
	}
	empty := NewHistory(4)
	if i := empty.IndexAt(t0); i != -1 || empty.Reach() != 0 {
		t.Errorf("empty: IndexAt %d, Reach %v", i, empty.Reach())
	}
	if _, ok := empty.Index(1); ok {
		t.Error("empty: Index found a sample")
	}
}
