package engine

import (
	"maps"
	"slices"
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

// BlockCodec packs a run of snapshots into bytes and back. The History keeps every sample but
// its newest ones so: a Frame of 500 processes is about 300 kB and its Snapshot 130 kB, so an
// hour of them kept as they are would be more than a gigabyte. sources/record's EncodeBlock
// and DecodeBlock are the codec meant here, so that a snapshot has one encoding (the
// recording's), not two.
type BlockCodec struct {
	Encode func(dst []byte, snaps []*sources.Snapshot) ([]byte, error)
	Decode func(b []byte) ([]*sources.Snapshot, error)
}

func (c BlockCodec) set() bool { return c.Encode != nil && c.Decode != nil }

const (
	// DefaultBlockLen is how many samples a block holds: enough for the codec's deltas to pay
	// off (each block starts with a whole sample), few enough that the block being filled,
	// whose snapshots are kept as they are, stays small. Measured with sources/record at 500
	// processes: 60 a block cost 2.2 kB a sample encoded and up to 12 MB unencoded, 30 cost
	// 2.5 kB and 6 MB: 30 holds an hour in less memory.
	DefaultBlockLen = 30
	// DefaultBudget bounds a History's samples when its options name no budget. An hour at
	// 1 s of 500 processes took 4.9 MiB encoded by sources/record's format v2 (1437 B a
	// sample, TestHistoryHourOf500: synthetic samples made from the real 16-CPU snapshot);
	// the development VM's own samples took 0.95 kB each at 485 processes and 3.3 kB at a
	// pessimistic 500 under builds' churn (BenchmarkHistoryBlocks), 12 MiB an hour. With up to
	// 5 MB for the block being filled, an hour fits. docs/perf.md has the figures.
	DefaultBudget = 24 << 20
	// tailLen samples are also kept as appended, their Frames included: the newest, which the
	// live screen shows, and the one before it.
	tailLen = 2
	// decodedBlocks is how many decoded blocks one question (a sample, a window) keeps while it
	// is answered: a sample and the one before it may lie in two blocks. Only the last is kept
	// after, and only for keptFor samples: at 500 processes a decoded block is 5 MB, but a
	// paused cursor stepping through a block, or held on the oldest sample while the history
	// drops one a tick, would otherwise decode it again at every step.
	decodedBlocks = 2
	keptFor       = 5
	// atCache is how many samples outside the tail keep their whole Frame: the paused cursor.
	atCache = 2
)

// HistoryOptions bound and shape a History.
type HistoryOptions struct {
	// MaxSamples is the most samples kept (--history / interval); 0 means only the budget
	// limits them.
	MaxSamples int
	// Budget is the bytes the samples may take: the encoded blocks plus the block still being
	// filled, whose snapshots are counted at an estimate of their size. When it is reached the
	// oldest block goes. 0 means DefaultBudget.
	Budget int64
	// Codec packs full blocks; without one they keep their snapshots, counted at the estimate,
	// so the same budget holds far fewer samples.
	Codec BlockCodec
	// BlockLen is the samples per block; 0 means DefaultBlockLen.
	BlockLen int
}

// block is a run of consecutive samples. Once a block is full it never changes: encoding it
// makes a new block that replaces it, so that a reader holding the old one reads on.
type block struct {
	seqs  []uint64
	times []time.Time
	snaps []*sources.Snapshot // until encoded; always without a codec
	data  []byte              // the encoding
	size  int64               // bytes counted against the budget
	raw   int64               // the snapshots' estimated bytes, encoded or not
}

func (b *block) len() int { return len(b.seqs) }

// History keeps the samples within a memory budget, oldest first, and answers the UI's
// questions about them: the sample at an index, the frames of a window. Samples are grouped
// in blocks; full blocks are encoded (BlockCodec), the newest samples are also kept as they
// were appended, and older ones are decoded and derived again when asked for. It is safe for
// one writer (the engine) and readers (the UI); readers decode and derive without holding up
// the writer. A replay's History (NewReplayHistory) answers the same questions from a
// recording instead of blocks.
type History struct {
	opt HistoryOptions

	mu     sync.Mutex
	blocks []*block // oldest first; the last has room while it holds fewer than BlockLen
	skip   int      // samples at the start of blocks[0] that were dropped
	n      int      // samples held
	used   int64    // bytes counted: the blocks' sizes
	tail   []*Sample
	follow map[sources.ProcID]bool
	file   *fileStore // a replay's recording, which holds the samples instead (replay.go)

	cmu      sync.Mutex // the caches below, which only readers use (and Append ages kept)
	frames   map[frameKey]*cached
	kept     decoded // the block decoded last
	keptAge  int     // samples appended since kept was last used
	gen      uint64
	at       []*Sample                 // most recently used last
	status   map[string]sources.Status // the Status map the last window frame made shares
	lastWin  lastWindow                // the frames of the last window (not keyed)
	spareWin lastWindow                // lastWin's buffers before it, for the next window
}

// lastWindow is a window's frames in order, oldest first (nil where there was none): the next
// window, a sample later, shares all of them but the oldest.
type lastWindow struct {
	keys []frameKey
	cs   []*cached
}

// evictSlack is how many frames no window uses may stay cached before they are swept: a
// sweep walks the whole cache, and a window a sample later leaves one frame unused.
const evictSlack = 32

// frameKey names a window frame: the bucket (or sample, step 1) that ends at sequence
// number seq.
type frameKey struct {
	seq  uint64
	step int
	from uint64 // a key frame's first sample (KeyedWindow), 0 for the others
}

type cached struct {
	f   *derive.Frame
	gen uint64
}

// NewHistory keeps at most capacity samples (at least 2) within the default budget, without
// a codec.
func NewHistory(capacity int) *History {
	return NewHistoryWith(HistoryOptions{MaxSamples: max(capacity, 2)})
}

// NewHistoryWith makes a History of the options.
func NewHistoryWith(o HistoryOptions) *History {
	if o.Budget <= 0 {
		o.Budget = DefaultBudget
	}
	if o.BlockLen <= 0 {
		o.BlockLen = DefaultBlockLen
	}
	return &History{opt: o, frames: map[frameKey]*cached{}}
}

// Append adds the newest sample (its Snap must be set; sequence numbers grow by one), then
// drops the oldest beyond MaxSamples, and encodes a block that became full. Encoding happens
// outside the lock, so readers are not held up by it.
func (h *History) Append(s *Sample) {
	if h.file != nil {
		panic("engine: Append to a replay History")
	}
	size := snapBytes(s.Snap)
	h.mu.Lock()
	last := h.last()
	if last == nil || last.len() >= h.opt.BlockLen {
		last = &block{}
		h.blocks = append(h.blocks, last)
	}
	last.seqs = append(last.seqs, s.Snap.Seq)
	last.times = append(last.times, s.Snap.Time)
	last.snaps = append(last.snaps, s.Snap)
	last.size += size
	last.raw += size
	h.used += size
	h.n++
	// A new slice each time: readers hold the old one (a view), which must not shift under them.
	tail := make([]*Sample, 0, tailLen)
	tail = append(tail, h.tail[max(len(h.tail)-tailLen+1, 0):]...)
	h.tail = append(tail, s)
	for h.opt.MaxSamples > 0 && h.n > h.opt.MaxSamples {
		h.dropOne()
	}
	full := last.len() == h.opt.BlockLen
	if full && !h.opt.Codec.set() {
		h.trim(last.raw)
	}
	h.mu.Unlock()
	h.cmu.Lock()
	if h.keptAge++; h.keptAge > keptFor {
		h.kept = decoded{}
	}
	h.cmu.Unlock()
	if full && h.opt.Codec.set() {
		h.seal(last)
	}
}

// seal encodes a full block and puts the encoding in its place, then drops the oldest blocks
// until the encoded blocks leave room for a block as large as this one was unencoded (the
// next one, being filled).
func (h *History) seal(b *block) {
	data, err := h.opt.Codec.Encode(nil, b.snaps)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err == nil {
		if i := slices.Index(h.blocks, b); i >= 0 {
			// A copy of the exact length: the codec's buffer may have grown well past it.
			data = append(make([]byte, 0, len(data)), data...)
			enc := &block{seqs: b.seqs, times: b.times, data: data, size: int64(len(data)), raw: b.raw}
			h.blocks[i] = enc
			h.used += enc.size - b.size
		}
	}
	// An encoding error leaves the block as it is: counted whole, it only costs history.
	h.trim(b.raw)
}

// trim drops the oldest blocks while the blocks and room for next more bytes exceed the
// budget; the newest block always stays.
func (h *History) trim(next int64) {
	for len(h.blocks) > 1 && h.used+next > h.opt.Budget {
		b := h.blocks[0]
		h.n -= b.len() - h.skip
		h.used -= b.size
		h.popBlock()
	}
}

// dropOne drops the oldest sample: blocks go whole once all their samples are dropped.
func (h *History) dropOne() {
	h.skip++
	h.n--
	if b := h.blocks[0]; h.skip == b.len() {
		h.used -= b.size
		h.popBlock()
	}
}

// popBlock drops the oldest block. Its slot is cleared first: the slice's array would keep the
// block, and its snapshots, until the next time append moves the array.
func (h *History) popBlock() {
	h.blocks[0] = nil
	h.blocks = h.blocks[1:]
	h.skip = 0
}

func (h *History) last() *block {
	if len(h.blocks) == 0 {
		return nil
	}
	return h.blocks[len(h.blocks)-1]
}

// view is what a reader works from, taken under the lock: the blocks and the tail as they were
// (blocks never change, and a slice's elements below its length are never written again).
type view struct {
	blocks   []*block
	skip, n  int
	blockLen int
	tail     []*Sample
	follow   map[sources.ProcID]bool
	codec    BlockCodec
	dec      []decoded  // blocks decoded for this question, most recently used last
	file     *fileStore // a replay's recording: the samples are there, not in blocks
	key      struct {   // the key sample read last (keySnap)
		i int
		s *sources.Snapshot
	}
}

type decoded struct {
	b     *block
	snaps []*sources.Snapshot
}

func (h *History) view() view {
	if h.file != nil {
		h.mu.Lock()
		defer h.mu.Unlock()
		return view{n: h.file.n, follow: h.follow, file: h.file}
	}
	h.mu.Lock()
	v := view{blocks: h.blocks, skip: h.skip, n: h.n, blockLen: h.opt.BlockLen, tail: h.tail, follow: h.follow, codec: h.opt.Codec}
	if b := h.last(); b != nil {
		// The last block may still grow: copy its header with the lengths of now.
		c := *b
		v.blocks = append(slices.Clip(h.blocks[:len(h.blocks)-1]), &c)
	}
	h.mu.Unlock()
	h.cmu.Lock()
	if h.kept.b != nil {
		v.dec = append(v.dec, h.kept)
	}
	h.cmu.Unlock()
	return v
}

// keep remembers the block a question decoded last, for the next question.
func (h *History) keep(v *view) {
	if len(v.dec) == 0 {
		return
	}
	h.cmu.Lock()
	h.kept, h.keptAge = v.dec[len(v.dec)-1], 0
	h.cmu.Unlock()
}

// locate is the block and offset of sample i (0 the oldest held). Every block but the last
// is full, so this is arithmetic.
func (v *view) locate(i int) (*block, int) {
	p := i + v.skip
	return v.blocks[p/v.blockLen], p % v.blockLen
}

func (v *view) seq(i int) uint64 {
	if v.file != nil {
		return uint64(i) + 1
	}
	b, off := v.locate(i)
	return b.seqs[off]
}

func (v *view) time(i int) time.Time {
	if v.file != nil {
		return v.file.time(i)
	}
	b, off := v.locate(i)
	return b.times[off]
}

// tailSample is sample i as appended, if it is still in the tail.
func (v *view) tailSample(i int) *Sample {
	if k := len(v.tail) - (v.n - i); k >= 0 && k < len(v.tail) {
		return v.tail[k]
	}
	return nil
}

// Len is the number of samples held.
func (h *History) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n
}

// Cap is the most samples the history holds, if the budget allows (0: only the budget limits).
func (h *History) Cap() int { return h.opt.MaxSamples }

// Reach is how far back the history goes: the time from the oldest sample to the newest. It
// is shorter than MaxSamples intervals once the budget is spent.
func (h *History) Reach() time.Duration {
	v := h.view()
	if v.n == 0 {
		return 0
	}
	if v.file != nil { // its ends may be lost to damage
		return v.file.end.Sub(v.file.start)
	}
	return v.time(v.n - 1).Sub(v.time(0))
}

// Index is the index of the sample with sequence number seq, and whether it is held. A seq
// older than the oldest gives 0 and false.
func (h *History) Index(seq uint64) (int, bool) {
	v := h.view()
	if v.file != nil { // sample i is seq i+1
		i := int(min(max(seq, 1), uint64(v.n)+1)) - 1
		return i, seq >= 1 && i < v.n
	}
	i := sort.Search(v.n, func(i int) bool { return v.seq(i) >= seq })
	return i, i < v.n && v.seq(i) == seq
}

// IndexAt is the index of the sample taken nearest t (the earlier of two as near), -1 when the
// history is empty.
func (h *History) IndexAt(t time.Time) int {
	v := h.view()
	if v.n == 0 {
		return -1
	}
	if v.file != nil {
		return v.file.indexAt(t)
	}
	i := sort.Search(v.n, func(i int) bool { return v.time(i).After(t) }) // the first after t
	if i == v.n || (i > 0 && t.Sub(v.time(i-1)) <= v.time(i).Sub(t)) {
		i--
	}
	return max(i, 0)
}

// SeqAt is the sequence number of sample i, and whether there is one.
func (h *History) SeqAt(i int) (uint64, bool) {
	v := h.view()
	if i < 0 || i >= v.n {
		return 0, false
	}
	return v.seq(i), true
}

// TimeAt is the time of sample i, and whether there is one.
func (h *History) TimeAt(i int) (time.Time, bool) {
	v := h.view()
	if i < 0 || i >= v.n {
		return time.Time{}, false
	}
	t := v.time(i)
	return t, !t.IsZero() // a replay's sample lost to damage has no time
}

// Latest returns the newest sample, or nil when empty.
func (h *History) Latest() *Sample {
	if h.file != nil {
		return h.SampleAt(h.file.n - 1)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.tail) == 0 {
		return nil
	}
	return h.tail[len(h.tail)-1]
}

// SampleAt returns sample i, 0 being the oldest, with its whole Frame; nil when out of range
// or when its block cannot be decoded. A sample older than the tail is decoded and derived
// again against the one before it (with no rates if that one was dropped).
func (h *History) SampleAt(i int) *Sample {
	v := h.view()
	defer h.keep(&v)
	return h.sampleAt(&v, i)
}

func (h *History) sampleAt(v *view, i int) *Sample {
	if i < 0 || i >= v.n {
		return nil
	}
	if s := v.tailSample(i); s != nil {
		return s
	}
	seq := v.seq(i)
	h.cmu.Lock()
	for k, s := range h.at {
		if s.Snap.Seq == seq {
			h.at = append(slices.Delete(h.at, k, k+1), s)
			h.cmu.Unlock()
			return s
		}
	}
	h.cmu.Unlock()
	cur := h.snapAt(v, i)
	if cur == nil {
		return nil
	}
	s := &Sample{Snap: cur, Frame: derive.Derive(h.snapAt(v, i-1), cur)}
	h.cmu.Lock()
	h.at = append(h.at, s)
	if len(h.at) > atCache {
		h.at = slices.Delete(h.at, 0, len(h.at)-atCache)
	}
	h.cmu.Unlock()
	return s
}

// snapAt is sample i's snapshot, decoding its block if need be; nil out of range or when the
// block does not decode.
func (h *History) snapAt(v *view, i int) *sources.Snapshot {
	if i < 0 || i >= v.n {
		return nil
	}
	if s := v.tailSample(i); s != nil {
		return s.Snap
	}
	if v.file != nil {
		return v.file.snap(i)
	}
	b, off := v.locate(i)
	if b.snaps != nil {
		return b.snaps[off]
	}
	snaps := v.decode(b)
	if off >= len(snaps) {
		return nil
	}
	return snaps[off]
}

// decode returns a block's snapshots, decoded for this view or now.
func (v *view) decode(b *block) []*sources.Snapshot {
	for k, d := range v.dec {
		if d.b == b {
			v.dec = append(slices.Delete(v.dec, k, k+1), d)
			return d.snaps
		}
	}
	snaps, err := v.codec.Decode(b.data)
	if err != nil {
		snaps = nil // the block's samples are lost to this question; remembered as such
	}
	v.dec = append(v.dec, decoded{b, snaps})
	if len(v.dec) > decodedBlocks {
		v.dec = slices.Delete(v.dec, 0, len(v.dec)-decodedBlocks)
	}
	return snaps
}

// Follow names the processes whose rows the window frames keep (a chart of one process's
// history); the others are left out of every frame but the cursor's.
func (h *History) Follow(ids []sources.ProcID) {
	set := make(map[sources.ProcID]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	h.mu.Lock()
	same := len(set) == len(h.follow)
	for id := range set {
		same = same && h.follow[id]
	}
	if !same {
		h.follow = set
	}
	h.mu.Unlock()
	if !same {
		h.cmu.Lock()
		clear(h.frames) // they were cut for the processes followed before
		h.lastWin, h.spareWin = lastWindow{}, lastWindow{}
		h.cmu.Unlock()
	}
}

// FramesAt returns the window of up to n frames that ends at sample end (clamped to the
// newest), oldest first, one every step samples. The last frame is sample end's own, whole.
// The others leave out the process table, but for the processes named by Follow: the table is
// the costly part of a frame, and charts want a figure or two of each frame. With step > 1
// each of them is a bucket frame, derived from the snapshots at the bucket's two ends: its
// rates are the means over the bucket (a spike shorter than a bucket is averaged into it, as
// sar's longer intervals do), its instant values those of the bucket's last sample, and its
// kernel log records all the bucket's. Buckets end at sequence numbers that are multiples of
// step, so they stay the same while the window slides, and each is derived once.
func (h *History) FramesAt(end, n, step int) []*derive.Frame {
	return h.Window(end, n, step, WindowOptions{}).Frames
}

// WindowOptions say how Window builds a window beyond FramesAt's end, n and step.
type WindowOptions struct {
	// Keys lets a replay's History build a window whose step spans a block of the recording
	// or more from the recording's key samples alone (KeyedWindow).
	Keys bool
	// Stop, if set, is asked between frames: true abandons the window (a newer one is
	// wanted), and Window returns no frames. The frames derived so far stay cached for the
	// next window.
	Stop func() bool
}

// Window is a window of frames and how it was built.
type Window struct {
	Frames []*derive.Frame
	// Keyed: every frame before the last is a key frame (KeyedWindow).
	Keyed bool
}

// KeyedWindow reports whether Window, asked for Keys, builds the window of this step from key
// samples: in a replay, when a bucket spans at least a block of the recording. Each frame but
// the last then ends at a key sample (a block's first, which decodes on its own from its K
// frame, docs/file-format.md §3) and is derived against the key sample of the bucket before:
// its rates are the means between those two samples, as a bucket's are between its ends; its
// instant values those read at its key sample; it has no kernel log records (those of the
// samples between are not read). The frames are about step samples apart (whole blocks), so
// a day's window reads one sample a bucket instead of every one.
func (h *History) KeyedWindow(step int) bool {
	return h.file != nil && step > 1 && step >= h.file.keyEvery
}

// Window is FramesAt with options: key frames for a wide replay window, and a way to abandon it.
func (h *History) Window(end, n, step int, o WindowOptions) Window {
	v := h.view()
	defer h.keep(&v)
	end = min(end, v.n-1)
	if end < 0 || n <= 0 {
		return Window{}
	}
	step = max(step, 1)
	keyed := o.Keys && h.KeyedWindow(step)
	cur := h.sampleAt(&v, end)
	if cur == nil {
		return Window{}
	}
	var ends []int // indices of the frames before the last, newest first
	if step == 1 {
		for i := end - 1; i >= max(end-n+1, 0); i-- {
			ends = append(ends, i)
		}
	} else {
		last := end - 1 - int((v.seq(end)-1)%uint64(step)) // newest seq below end's, a multiple
		for i := last; i > 0 && len(ends) < n-1; i -= step {
			ends = append(ends, i)
		}
	}
	h.cmu.Lock()
	h.gen++
	gen := h.gen
	h.cmu.Unlock()
	stop := func() bool { return o.Stop != nil && o.Stop() }
	var out []*derive.Frame
	if keyed {
		out = make([]*derive.Frame, 0, len(ends)+1)
		for k := len(ends) - 1; k >= 0; k-- {
			if stop() {
				return Window{}
			}
			if f := h.keyFrame(&v, ends[k], step, gen); f != nil {
				out = append(out, f)
			}
		}
	} else if out = h.windowFrames(&v, ends, step, gen, stop); out == nil {
		return Window{}
	}
	h.evict(gen, len(out))
	return Window{Frames: append(out, cur.Frame), Keyed: keyed}
}

// windowFrames is the frames that end at ends (newest first), oldest first and with room for
// one more; nil when stop said to abandon them. Cached frames are marked as used by gen. The
// window of the sample before (the same step, one frame fewer at its end) holds all of this
// one's frames but the newest: those are found by their place in it, under one lock, rather
// than looked up in the cache one by one (400 lookups a sample for a 200-column chart).
func (h *History) windowFrames(v *view, ends []int, step int, gen uint64, stop func() bool) []*derive.Frame {
	h.cmu.Lock()
	w := h.spareWin // the buffers of the window before last, unless another call holds them
	h.spareWin = lastWindow{}
	h.cmu.Unlock()
	keys := slices.Grow(w.keys[:0], len(ends))[:len(ends)]
	for k, i := range ends {
		keys[len(ends)-1-k] = frameKey{seq: v.seq(i), step: step}
	}
	cs := slices.Grow(w.cs[:0], len(keys))[:len(keys)]
	clear(cs)
	h.cmu.Lock()
	last, j := h.lastWin, 0
	for p, key := range keys {
		for j < len(last.keys) && (last.keys[j].step != key.step || last.keys[j].seq < key.seq) {
			j++
		}
		if j < len(last.keys) && last.keys[j] == key && last.cs[j] != nil {
			cs[p] = last.cs[j]
		} else {
			cs[p] = h.frames[key]
		}
		if cs[p] != nil {
			cs[p].gen = gen
		}
	}
	h.cmu.Unlock()
	out := make([]*derive.Frame, 0, len(keys)+1)
	for p, key := range keys {
		if cs[p] == nil {
			if stop() {
				return nil
			}
			cs[p] = h.windowFrame(v, ends[len(ends)-1-p], key, gen)
		}
		if cs[p] != nil {
			out = append(out, cs[p].f)
		}
	}
	h.cmu.Lock()
	clear(h.lastWin.cs) // kept for its room only: it must not hold on to frames
	h.spareWin, h.lastWin = h.lastWin, lastWindow{keys, cs}
	h.cmu.Unlock()
	return out
}

// keyFrame is the key frame for the bucket that ends at index i (KeyedWindow): from the key
// sample of sample i-step's block to that of sample i's. Nil when they are the same sample (a
// block longer than step) or one cannot be read.
func (h *History) keyFrame(v *view, i, step int, gen uint64) *derive.Frame {
	from, to := v.file.rec.KeyOf(max(i-step, 0)), v.file.rec.KeyOf(i)
	if from >= to {
		return nil
	}
	key := frameKey{seq: v.seq(to), step: step, from: v.seq(from)}
	if f, ok := h.cachedFrame(key, gen); ok {
		return f
	}
	prev, cur := v.keySnap(from), v.keySnap(to)
	if prev == nil || cur == nil {
		return nil
	}
	f := derive.Derive(v.lightSnap(prev), v.lightSnap(cur))
	f.Kmsg = nil // only the key sample's own records: what the bucket had is not known
	f = light(f, v.follow)
	h.cacheFrame(key, f, gen)
	return f
}

// keySnap is key sample i, kept for the next frame, which starts where this one ends.
func (v *view) keySnap(i int) *sources.Snapshot {
	if v.key.s != nil && v.key.i == i {
		return v.key.s
	}
	s := v.file.key(i)
	v.key.i, v.key.s = i, s
	return s
}

// windowFrame derives the light frame of the sample (step 1) or bucket that ends at index i
// and caches it under key for the window of gen; nil when it cannot be read.
func (h *History) windowFrame(v *view, i int, key frameKey, gen uint64) *cached {
	var f *derive.Frame
	switch s := v.tailSample(i); {
	case key.step == 1 && s != nil:
		f = s.Frame
	case key.step == 1:
		cur := h.snapAt(v, i)
		if cur == nil {
			return nil
		}
		f = derive.Derive(v.lightSnap(h.snapAt(v, i-1)), v.lightSnap(cur))
	default:
		f = h.bucket(v, max(i-key.step, 0), i)
	}
	if f == nil {
		return nil
	}
	return h.cacheFrame(key, light(f, v.follow), gen)
}

// cachedFrame is the window frame kept under key, marked as used by the window of gen.
func (h *History) cachedFrame(key frameKey, gen uint64) (*derive.Frame, bool) {
	h.cmu.Lock()
	defer h.cmu.Unlock()
	if c, ok := h.frames[key]; ok {
		c.gen = gen
		return c.f, true
	}
	return nil, false
}

// cacheFrame keeps window frame f under key for the window of gen. The sources' statuses are
// the same from one sample to the next but for a failure or a recovery: the window's frames
// share one map (measured on the development VM: a window of 400 light frames held 5.70 MiB
// with a map each, 4.86 MiB sharing them).
func (h *History) cacheFrame(key frameKey, f *derive.Frame, gen uint64) *cached {
	h.cmu.Lock()
	defer h.cmu.Unlock()
	if maps.Equal(f.Status, h.status) {
		f.Status = h.status
	} else {
		h.status = f.Status
	}
	c := &cached{f, gen}
	h.frames[key] = c
	return c
}

// bucket derives the frame of samples (from, to] against sample from, with every kernel log
// record of the samples in it.
func (h *History) bucket(v *view, from, to int) *derive.Frame {
	prev, cur := h.snapAt(v, from), h.snapAt(v, to)
	if prev == nil || cur == nil {
		return nil
	}
	f := derive.Derive(v.lightSnap(prev), v.lightSnap(cur))
	var recs []sources.KmsgRecord
	for i := from + 1; i <= to; i++ {
		if s := h.snapAt(v, i); s != nil && s.Kmsg != nil {
			recs = append(recs, s.Kmsg.Records...)
		}
	}
	if f.Kmsg == nil && len(recs) > 0 {
		f.Kmsg = &derive.Kmsg{}
	}
	if f.Kmsg != nil && len(recs) > len(f.Kmsg.Records) {
		f.Kmsg = &derive.Kmsg{Records: recs, Lost: f.Kmsg.Lost}
	}
	return f
}

// evict keeps the frames of the last window (used of them) and up to evictSlack others: the
// next window is this one slid by a sample or two (live, or a step of the cursor), so it needs
// only new ones; another zoom needs other frames anyway.
func (h *History) evict(gen uint64, used int) {
	h.cmu.Lock()
	defer h.cmu.Unlock()
	if len(h.frames) <= used+evictSlack {
		return
	}
	for k, c := range h.frames {
		if c.gen < gen {
			delete(h.frames, k)
		}
	}
}

// lightSnap is s with only the followed processes in its table, for deriving window frames:
// the process rows are most of a derivation's cost (a millisecond at 500 processes).
func (v *view) lightSnap(s *sources.Snapshot) *sources.Snapshot {
	if s == nil || s.Procs == nil {
		return s
	}
	c := *s
	t := *s.Procs
	t.Procs = nil
	for _, p := range s.Procs.Procs {
		if v.follow[sources.ProcID{PID: p.PID, Start: p.StartTime}] {
			t.Procs = append(t.Procs, p)
		}
	}
	c.Procs = &t
	return &c
}

// light is a copy of f for a window: without the process table (but the processes followed)
// and its summary, and without the per-CPU rates of each interrupt and softirq, which are most
// of a frame beyond the processes (rows × CPUs) and which only the cursor's heat maps show.
// The totals, which the charts draw, stay. About 16 kB at 16 CPUs, against 300 kB whole at
// 500 processes.
func light(f *derive.Frame, follow map[sources.ProcID]bool) *derive.Frame {
	c := *f
	c.Procs, c.ProcSummary = nil, nil
	for _, p := range f.Procs {
		if follow[sources.ProcID{PID: p.PID, Start: p.Start}] {
			c.Procs = append(c.Procs, p)
		}
	}
	if f.Interrupts != nil {
		rows := make([]derive.IRQRate, len(f.Interrupts.Rows))
		for i, r := range f.Interrupts.Rows {
			r.PerCPU = nil
			rows[i] = r
		}
		c.Interrupts = &derive.Interrupts{Rows: rows}
	}
	if f.Softirqs != nil {
		rows := make([]derive.SoftirqRow, len(f.Softirqs.Rows))
		for i, r := range f.Softirqs.Rows {
			r.PerCPU = nil
			rows[i] = r
		}
		c.Softirqs = &derive.Softirqs{Rows: rows}
	}
	return &c
}

// HistoryStats is what a History holds and what it costs.
type HistoryStats struct {
	Samples int
	Blocks  int           // full blocks, encoded or not
	Bytes   int64         // counted against the budget: encodings, plus estimated snapshots
	Raw     int64         // the same samples' snapshots, estimated, as if none were encoded
	Budget  int64         // the most Bytes may reach
	Reach   time.Duration // from the oldest sample to the newest
}

// Stats reports the history's size.
func (h *History) Stats() HistoryStats {
	reach := h.Reach()
	h.mu.Lock()
	defer h.mu.Unlock()
	st := HistoryStats{Samples: h.n, Bytes: h.used, Budget: h.opt.Budget, Reach: reach}
	for _, b := range h.blocks {
		st.Raw += b.raw
		if b.len() == h.opt.BlockLen {
			st.Blocks++
		}
	}
	return st
}
