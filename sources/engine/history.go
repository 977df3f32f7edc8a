package engine

import (
	"sort"
	"sync"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

// Sample is one sampling instant: the raw Snapshot and the Frame derived against the sample
// before it. Both are immutable once published.
type Sample struct {
	Snap  *sources.Snapshot
	Frame *derive.Frame
}

// History is a bounded ring of samples, oldest first. It is safe for one writer (the engine)
// and many readers (the UI).
type History struct {
	mu    sync.RWMutex
	buf   []*Sample
	start int // index of the oldest sample in buf
	n     int
}

// NewHistory keeps at most capacity samples (at least 2).
func NewHistory(capacity int) *History {
	return &History{buf: make([]*Sample, max(capacity, 2))}
}

// Append adds the newest sample, dropping the oldest when full.
func (h *History) Append(s *Sample) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n < len(h.buf) {
		h.buf[(h.start+h.n)%len(h.buf)] = s
		h.n++
		return
	}
	h.buf[h.start] = s
	h.start = (h.start + 1) % len(h.buf)
}

// Len is the number of samples held.
func (h *History) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.n
}

// Cap is the most samples the history holds.
func (h *History) Cap() int { return len(h.buf) }

// At returns sample i, 0 being the oldest; nil when out of range.
func (h *History) At(i int) *Sample {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if i < 0 || i >= h.n {
		return nil
	}
	return h.buf[(h.start+i)%len(h.buf)]
}

// Latest returns the newest sample, or nil when empty.
func (h *History) Latest() *Sample { return h.At(h.Len() - 1) }

// Frames returns up to n frames ending at index end (inclusive), oldest first. The slice is
// new; the frames are shared and must not be modified.
func (h *History) Frames(end, n int) []*derive.Frame {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if end >= h.n {
		end = h.n - 1
	}
	start := max(end-n+1, 0)
	if end < 0 || start > end {
		return nil
	}
	out := make([]*derive.Frame, 0, end-start+1)
	for i := start; i <= end; i++ {
		out = append(out, h.buf[(h.start+i)%len(h.buf)].Frame)
	}
	return out
}

// at is sample i; the caller holds the lock and has checked the range.
func (h *History) at(i int) *Sample { return h.buf[(h.start+i)%len(h.buf)] }

// Index is the index of the sample with sequence number seq, and whether it is held. Sequence
// numbers grow by one per sample, so a dropped one is older than every index.
func (h *History) Index(seq uint64) (int, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	i := sort.Search(h.n, func(i int) bool { return h.at(i).Frame.Seq >= seq })
	return i, i < h.n && h.at(i).Frame.Seq == seq
}

// IndexAt is the index of the last sample taken at or before t: 0 when t is older than the
// oldest, -1 when the history is empty.
func (h *History) IndexAt(t time.Time) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	i := sort.Search(h.n, func(i int) bool { return h.at(i).Frame.Time.After(t) })
	if h.n == 0 {
		return -1
	}
	return max(i-1, 0)
}

// Reach is how far back the history goes: the time from the oldest sample to the newest.
func (h *History) Reach() time.Duration {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.n == 0 {
		return 0
	}
	return h.at(h.n - 1).Frame.Time.Sub(h.at(0).Frame.Time)
}
