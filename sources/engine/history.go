package engine

import (
	"sync"

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
