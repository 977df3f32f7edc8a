package engine

import (
	"sort"
	"time"

	"github.com/ktop-dev/ktop/sources"
)

// Recording is a recording as a replay History reads it: sources/record's Reader is one (the
// engine does not import it, so that the History knows nothing of the file format). Its
// methods must be safe for concurrent use; At's snapshots are shared and never modified.
type Recording interface {
	Len() int
	At(i int) (*sources.Snapshot, error)
	Time(i int) (time.Time, error)
	TimeIndex(t time.Time) int // the last sample at or before t, 0 before the first
	// KeyOf is the key sample of sample i's block: the first, which decodes on its own.
	KeyOf(i int) int
	// Key is key sample i, decoded alone, without disturbing what At keeps decoded.
	Key(i int) (*sources.Snapshot, error)
}

// fileStore is a replay History's samples: not held in memory but read from the recording
// when a question needs them. The recording's index finds a sample's block, and its reader
// keeps the blocks it decoded last, so a step of the cursor decodes nothing new and a jump
// decodes the blocks of one window. Nothing is read up front but the first and last samples'
// times.
type fileStore struct {
	rec Recording
	n   int
	// The first and last readable samples and their times (Reach, the status line's place in
	// the recording), asked for on every screen.
	first, last int
	start, end  time.Time
	// keyEvery is about how many samples apart the key samples are: the length of the block
	// in the middle of the file (60 as the writer makes them, fewer where it was restarted).
	keyEvery int
}

// NewReplayHistory is a History over a recording: sample i is the recording's sample i, with
// sequence number i+1 (a file continued after a restart, whose recorded numbers start again,
// still counts up). It holds no samples: windows and samples are decoded and derived from the
// file on demand, as the live History's packed blocks are, so a day's recording costs no more
// memory than a minute's. A sample lost to damage is still counted but reads as nil (SampleAt)
// and has no time (TimeAt); the sample after it has no rates. It is read-only: Append panics.
func NewReplayHistory(rec Recording) *History {
	fs := &fileStore{rec: rec, n: rec.Len(), first: -1, last: -1}
	// The ends, skipping samples lost to damage there: a file cut mid-block by a crash still
	// has its last readable time.
	for i := 0; i < fs.n; i++ {
		if t, err := rec.Time(i); err == nil {
			fs.first, fs.start = i, t
			break
		}
	}
	for i := fs.n - 1; i >= 0; i-- {
		if t, err := rec.Time(i); err == nil {
			fs.last, fs.end = i, t
			break
		}
	}
	if fs.n > 0 {
		mid := fs.n / 2
		k := rec.KeyOf(mid)
		next := mid + sort.Search(fs.n-mid, func(j int) bool { return rec.KeyOf(mid+j) != k })
		fs.keyEvery = max(next-k, 1)
	}
	h := NewHistoryWith(HistoryOptions{})
	h.file, h.n = fs, fs.n
	return h
}

// time is sample i's time; the zero time when its frame is lost.
func (f *fileStore) time(i int) time.Time {
	switch i {
	case f.first:
		return f.start
	case f.last:
		return f.end
	}
	t, err := f.rec.Time(i)
	if err != nil {
		return time.Time{}
	}
	return t
}

// indexAt is the sample nearest t (the earlier of two as near): the recording's own search,
// which reads one block's times at most.
func (f *fileStore) indexAt(t time.Time) int {
	i := f.rec.TimeIndex(t)
	if i+1 < f.n && t.After(f.time(i)) {
		if next := f.time(i + 1); !next.IsZero() && next.Sub(t) < t.Sub(f.time(i)) {
			i++
		}
	}
	return i
}

// snap is sample i's snapshot, numbered by its place in the file; nil when it cannot be
// decoded.
func (f *fileStore) snap(i int) *sources.Snapshot {
	s, err := f.rec.At(i)
	if err != nil || s == nil {
		return nil
	}
	c := *s // the reader's snapshot is shared: the copy carries the new number
	c.Seq = uint64(i) + 1
	return &c
}

// key is key sample i's snapshot, read from its K frame alone; nil when it cannot be.
func (f *fileStore) key(i int) *sources.Snapshot {
	s, err := f.rec.Key(i)
	if err != nil || s == nil {
		return nil
	}
	c := *s
	c.Seq = uint64(i) + 1
	return &c
}
