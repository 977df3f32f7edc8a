package record

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/ktop-dev/ktop/sources"
)

// ErrDamaged is returned for a sample that cannot be read because a frame it depends on is
// damaged or missing; Warnings says where.
var ErrDamaged = errors.New("record: sample lost to damage")

// Reader reads a recording. It never trusts a length before its checksum, skips damaged
// frames (saying so in Warnings) and never panics on any input. A cleanly closed file opens
// from its index; otherwise the index is rebuilt by scanning the frame headers. Methods are
// safe for concurrent use. Returned snapshots are shared and must not be modified.
type Reader struct {
	fr *fileReader
	f  *os.File
}

// Open opens a recording for reading.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	fr, err := openFile(f, snapshotType)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &Reader{fr: fr, f: f}, nil
}

// Header is the file's header.
func (r *Reader) Header() Header { return r.fr.hdr }

// Len is the number of samples in the file.
func (r *Reader) Len() int { return r.fr.total }

// At returns sample i (0 ≤ i < Len). Reading i+1 after i costs one sample's decoding; any
// other jump decodes from the start of i's block (at most a block's worth of samples).
func (r *Reader) At(i int) (*sources.Snapshot, error) {
	p, err := r.fr.at(i)
	return (*sources.Snapshot)(p), err
}

// KeyOf returns the key sample of sample i's block: the block's first, which decodes on its
// own (docs/file-format.md, §3). Out of range, it returns i.
func (r *Reader) KeyOf(i int) int {
	bi, _, err := r.fr.locate(i)
	if err != nil {
		return i
	}
	return r.fr.blocks[bi].start
}

// Key returns key sample i (KeyOf(i) == i) as At does, but read from its block's K frame
// alone: the rest of the block is neither read nor decompressed, and the blocks At keeps
// decoded are left as they are. A window of a day drawn from one sample per block reads a
// few kilobytes per point this way, where At would decompress the block whole and push the
// cursor's block out of the cache. A K frame that does not check out is read as At reads it,
// which says what was lost.
func (r *Reader) Key(i int) (*sources.Snapshot, error) {
	p, err := r.fr.key(i)
	return (*sources.Snapshot)(p), err
}

// Time returns the time of sample i without decoding it.
func (r *Reader) Time(i int) (time.Time, error) { return r.fr.timeOf(i) }

// TimeIndex returns the last sample taken at or before t (0 if t is before the first).
func (r *Reader) TimeIndex(t time.Time) int { return r.fr.timeIndex(unixNano(t)) }

// Warnings lists, in the order found, what was skipped and why (damaged frames, lost samples,
// fields of the file this version does not know).
func (r *Reader) Warnings() []string { return r.fr.warnings() }

// Close closes the file.
func (r *Reader) Close() error {
	r.fr.stopReadAhead()
	for _, d := range []*zstd.Decoder{r.fr.zdec, r.fr.preDec, r.fr.keyDec} {
		if d != nil {
			d.Close()
		}
	}
	return r.f.Close()
}

// fileReader is the type-independent reader behind Reader.
type fileReader struct {
	f        io.ReaderAt
	size     int64
	hdr      Header
	rp       *readPlan
	blocks   []block
	total    int
	indexOff int64         // offset of the index frame of a cleanly closed file, else 0
	goodEnd  int64         // end of the last intact frame
	dict     []byte        // version 2: the file's zstd dictionary (nil: none found)
	zdec     *zstd.Decoder // a decoder that knows it; used under mu
	sawKey   bool          // scan: a K frame was seen (dictionaries come before)

	mu     sync.Mutex
	warns  []string
	seen   map[string]bool
	cache  [cachedBlocks]*blockState // the most recently used blocks, [0] the newest
	pre    *prefetching              // the block being decoded ahead, if any
	alone  [2]aloneSample            // the samples the last decodeAlone gave
	closed bool                      // no more read-aheads
	preDec *zstd.Decoder             // the read-ahead's own decoder with the dictionary (zdec is at's)

	kmu    sync.Mutex    // key's decoder: key does not take mu, so At is not held up by it
	keyDec *zstd.Decoder // with the dictionary, made on first use
}

type sizedReaderAt interface {
	io.ReaderAt
	Stat() (os.FileInfo, error)
}

func openFile(f sizedReaderAt, t reflect.Type) (*fileReader, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	return openReaderAt(f, st.Size(), t)
}

func openReaderAt(f io.ReaderAt, size int64, t reflect.Type) (*fileReader, error) {
	r := &fileReader{f: f, size: size, seen: map[string]bool{}}
	if !r.loadIndex(t) {
		if err := r.scan(t); err != nil {
			return nil, err
		}
	}
	for i := range r.blocks {
		r.blocks[i].start = r.total
		r.total += r.blocks[i].n
	}
	return r, nil
}

func (r *fileReader) warn(s string) {
	if !r.seen[s] {
		r.seen[s] = true
		r.warns = append(r.warns, s)
	}
}

func (r *fileReader) warnings() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.warns...)
}

// useHeader parses a header frame and prepares the read plan.
func (r *fileReader) useHeader(p []byte, t reflect.Type) error {
	h, sch, err := unmarshalHeader(p)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	rp, err := newReadPlan(sch, t, h.Version)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	r.hdr, r.rp = h, rp
	for _, n := range rp.notes {
		r.warn("schema: " + n)
	}
	return nil
}

// useDict takes the file's dictionary from a Z frame, if it has none yet.
func (r *fileReader) useDict(fr frame) {
	if r.dict != nil {
		return
	}
	dict, err := unmarshalDict(fr.payload)
	if err != nil {
		r.warn(fmt.Sprintf("offset %d: %v: skipped", fr.off, err))
		return
	}
	d, err := newDictDecoder(dict)
	if err != nil {
		r.warn(fmt.Sprintf("offset %d: dictionary: %v", fr.off, err))
		return
	}
	r.dict, r.zdec = dict, d
}

// newDictDecoder makes a stream decoder that knows a file's dictionary.
func newDictDecoder(dict []byte) (*zstd.Decoder, error) {
	return zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxBlockRaw),
		zstd.WithDecoderMaxWindow(8<<20), zstd.WithDecoderDictRaw(dictID, dict))
}

// loadIndex opens a cleanly closed file from its trailer and index; false if there are none
// or they do not check out (the caller then scans).
func (r *fileReader) loadIndex(t reflect.Type) bool {
	if r.size < 2*frameHeaderLen+trailerLen {
		return false
	}
	quiet := func(string) {}
	tr := newScanner(r.f, r.size, quiet)
	tr.pos = r.size - trailerLen
	fr, ok := tr.next()
	if !ok || fr.typ != frameTrailer || len(fr.payload) != 8 {
		return false
	}
	idxOff := int64(binary.LittleEndian.Uint64(fr.payload))
	if idxOff < 0 || idxOff >= r.size-trailerLen {
		return false
	}
	is := newScanner(r.f, r.size-trailerLen, quiet)
	is.pos = idxOff
	fr, ok = is.next()
	if !ok || fr.typ != frameIndex || fr.off != idxOff || fr.end != r.size-trailerLen {
		return false
	}
	blocks, err := unmarshalIndex(fr.payload, idxOff)
	if err != nil {
		return false
	}
	// The header: the first intact H frame (there are two copies at the start); then the
	// dictionary, in the Z frames before the first block.
	hs := newScanner(r.f, idxOff, r.warn)
	for r.rp == nil || r.dict == nil {
		fr, ok := hs.next()
		if !ok {
			break
		}
		if fr.typ == frameHeader && r.rp == nil {
			if err := r.useHeader(fr.payload, t); err != nil {
				r.warn(err.Error())
			}
			continue
		}
		if r.rp == nil {
			return false
		}
		if fr.typ == frameDict {
			r.useDict(fr)
			continue
		}
		if fr.typ != frameHeader {
			break
		}
	}
	if r.rp == nil {
		return false
	}
	r.blocks, r.indexOff, r.goodEnd = blocks, idxOff, r.size
	return true
}

// scan rebuilds the index from the frames, as after a crash.
func (r *fileReader) scan(t reflect.Type) error {
	s := newScanner(r.f, r.size, r.warn)
	var cur *block
	var prevTime int64
	var herr error
	lostBlock, lostFrom, lost := uint64(0), 0, 0
	flushLost := func() {
		if lost > 0 {
			r.warn(fmt.Sprintf("block %d: %d samples from sample %d on lost (a frame before them is damaged)", lostBlock, lost, lostFrom))
		}
		lost = 0
	}
	for {
		fr, ok := s.next()
		if !ok {
			break
		}
		r.goodEnd = fr.end
		switch fr.typ {
		case frameHeader:
			if r.rp == nil {
				if herr = r.useHeader(fr.payload, t); herr != nil {
					r.warn(herr.Error())
				}
			}
		case frameDict:
			if !r.sawKey {
				r.useDict(fr)
			}
		case frameKey:
			r.sawKey = true
			c, err := parseChunk(fr.payload, 0)
			if err != nil || c.index != 0 {
				r.warn(fmt.Sprintf("offset %d: bad block start: skipped", fr.off))
				cur = nil
				continue
			}
			if n := len(r.blocks); n > 0 && c.block <= r.blocks[n-1].num {
				r.warn(fmt.Sprintf("offset %d: block %d after block %d: skipped", fr.off, c.block, r.blocks[n-1].num))
				cur = nil
				continue
			}
			flushLost()
			r.blocks = append(r.blocks, block{off: fr.off, end: fr.end, num: c.block, n: 1, first: c.time, last: c.time})
			cur = &r.blocks[len(r.blocks)-1]
			prevTime = c.time
		case frameDelta:
			c, err := parseChunk(fr.payload, prevTime)
			if err == nil && cur != nil && c.block == cur.num && c.index == cur.n {
				cur.n++
				cur.last, cur.end = c.time, fr.end
				prevTime = c.time
				continue
			}
			// The sample before this one is missing: this one, and the block's rest, cannot
			// be decoded (each sample is a delta against the one before).
			if lost == 0 || c.block != lostBlock {
				flushLost()
				lostBlock, lostFrom = c.block, c.index
			}
			lost++
			cur = nil
		}
	}
	flushLost()
	if r.rp == nil {
		if herr != nil {
			return herr
		}
		return errors.New("record: no readable header: not a ktop recording, or its start is damaged")
	}
	return nil
}

// blockState is a block being read: its frames' samples and times, and the samples decoded
// so far (each one's delta needs the one before).
type blockState struct {
	bi    int
	times []int64
	z     []byte // the block's zstd stream, as far as its frames are intact
	dec   *blockDecoder
	out   []unsafe.Pointer
	err   error

	progress *atomic.Int32    // a read-ahead's: how many samples it has decoded so far
	inflated func(raw []byte) // a read-ahead's: told the raw stream (nil if it did not inflate)
	stop     *atomic.Bool     // a read-ahead's: set when the cursor went elsewhere
}

func (r *fileReader) blockEnd(bi int) int64 {
	if e := r.blocks[bi].end; e > 0 {
		return e
	}
	if bi+1 < len(r.blocks) {
		return r.blocks[bi+1].off
	}
	return r.size
}

// state returns block bi's state, reading its frames if it is not cached. A block being read
// ahead is waited for rather than read twice. Called with mu held; it may release it while it
// waits.
func (r *fileReader) state(bi int) *blockState {
	for r.pre != nil && r.pre.bi == bi {
		done := r.pre.done
		r.mu.Unlock()
		<-done
		r.mu.Lock()
	}
	for i, st := range r.cache {
		if st != nil && st.bi == bi {
			copy(r.cache[1:i+1], r.cache[:i])
			r.cache[0] = st
			return st
		}
	}
	st := r.readBlock(bi, r.warn)
	copy(r.cache[1:], r.cache[:len(r.cache)-1])
	r.cache[0] = st
	return st
}

// readBlock reads block bi's frames: its samples' times and its zstd stream. It touches no
// reader state but through warn, so a read-ahead can run it without the lock.
func (r *fileReader) readBlock(bi int, warn func(string)) *blockState {
	b := r.blocks[bi]
	st := &blockState{bi: bi}
	buf := make([]byte, r.blockEnd(bi)-b.off)
	n, err := r.f.ReadAt(buf, b.off)
	if err != nil && !errors.Is(err, io.EOF) {
		warn(fmt.Sprintf("block %d: read error: %v", b.num, err))
	}
	s := newScanner(bytes.NewReader(buf[:n]), int64(n), warn)
	s.base = b.off
	s.win, s.lent = buf[:n], true // the block's frames are read already: scanned in place
	st.z = make([]byte, 0, n)     // the zstd bytes are most of the frames'
	st.times = make([]int64, 0, b.n)
	var prevTime int64
	for len(st.times) < b.n {
		fr, ok := s.next()
		if !ok {
			break
		}
		if fr.typ != frameKey && fr.typ != frameDelta {
			continue
		}
		c, err := parseChunk(fr.payload, prevTime)
		if err != nil || c.block != b.num || c.index != len(st.times) {
			break
		}
		st.times = append(st.times, c.time)
		st.z = append(st.z, c.data...)
		prevTime = c.time
	}
	if len(st.times) < b.n {
		warn(fmt.Sprintf("block %d: %d samples from sample %d on lost (a frame before them is damaged)", b.num, b.n-len(st.times), len(st.times)))
	}
	return st
}

// decodeTo decodes block state st up to its sample k (or as far as it can), with zstd decoder
// dec; like readBlock, it touches no reader state but through warn.
func (r *fileReader) decodeTo(st *blockState, k int, dec *zstd.Decoder, warn func(string)) {
	num := r.blocks[st.bi].num
	if st.stop != nil && st.stop.Load() {
		return
	}
	if st.dec == nil {
		st.dec = newBlockDecoder(r.rp)
		raw, err := inflate(st.z, dec)
		if err != nil {
			if r.rp.ver >= version2 && r.dict == nil {
				err = fmt.Errorf("%w (the file's dictionary is lost)", err)
			}
			warn(fmt.Sprintf("block %d: decompression: %v", num, err))
		}
		if st.inflated != nil {
			if err != nil {
				st.inflated(nil)
			} else {
				st.inflated(raw)
			}
		}
		st.z = nil
		st.dec.reset(raw)
	}
	for len(st.out) <= k && st.err == nil {
		if st.stop != nil && st.stop.Load() {
			return
		}
		if len(st.out) >= len(st.times) {
			st.err = ErrDamaged
			break
		}
		p, err := st.dec.next()
		if err != nil {
			st.err = err
			warn(fmt.Sprintf("block %d: sample %d: %v", num, len(st.out), err))
			break
		}
		st.out = append(st.out, p)
		if st.progress != nil {
			st.progress.Store(int32(len(st.out)))
		}
	}
}

// aloneSample is a sample decoded alone (fileReader.decodeAlone): i is its index plus one.
type aloneSample struct {
	i int
	p unsafe.Pointer
}

// cachedBlocks is how many blocks a reader keeps (decoded as far as they were read): the
// cursor's, the one it came from (stepping on across a block boundary and back decodes
// nothing), and the one before the cursor's, read ahead.
const cachedBlocks = 3

// prefetching is a block being decoded ahead, in the background.
type prefetching struct {
	bi       int
	done     chan struct{}
	decoded  atomic.Int32  // samples decoded so far
	inflated chan struct{} // closed once raw is set
	raw      []byte        // the block's raw stream; nil if it did not inflate
	stop     atomic.Bool   // the cursor went elsewhere: stop, keep nothing
}

// maybeReadAhead starts decoding block bi-1 in the background, unless it is kept already or
// another block is being read ahead. As soon as a sample of block bi is read, wherever in the
// block: stepping back across a block boundary otherwise decodes the whole block before at
// once (3 ms at 100 processes), and a cursor that just jumped into block bi may step back
// without a pause; a block ahead gives the read-ahead as many steps as the cursor is into
// the block. A cursor moving forward keeps the block it came from, so reads none. A
// read-ahead of a block the cursor has left (it jumped) is stopped for this one: a step back
// right after a jump must not find the reader busy elsewhere. Called with mu held.
func (r *fileReader) maybeReadAhead(bi int) {
	prev := bi - 1
	if prev < 0 || r.closed || r.pre != nil && r.pre.bi == prev {
		return
	}
	for _, st := range r.cache {
		if st != nil && st.bi == prev {
			return
		}
	}
	old := r.pre
	if old != nil {
		old.stop.Store(true)
	}
	p := &prefetching{bi: prev, done: make(chan struct{}), inflated: make(chan struct{})}
	r.pre = p
	go func() {
		defer close(p.done)
		once := sync.OnceFunc(func() { close(p.inflated) })
		defer once()
		if old != nil {
			<-old.done // it stops within a sample; its decoder (preDec) is then free
		}
		var warns []string
		warn := func(s string) { warns = append(warns, s) }
		st := r.readBlock(prev, warn)
		st.progress, st.stop = &p.decoded, &p.stop
		st.inflated = func(raw []byte) { p.raw = raw; once() }
		if r.preDec == nil && r.dict != nil {
			r.preDec, _ = newDictDecoder(r.dict) // it worked for zdec
		}
		r.decodeTo(st, r.blocks[prev].n-1, r.preDec, warn)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.pre == p {
			r.pre = nil
		}
		if p.stop.Load() {
			return // what it read is read again, and said again, if the cursor comes back
		}
		for _, w := range warns {
			r.warn(w)
		}
		for _, c := range r.cache {
			if c != nil && c.bi == prev {
				return
			}
		}
		// Beside the block in use, which stays the newest.
		copy(r.cache[2:], r.cache[1:len(r.cache)-1])
		r.cache[1] = st
	}()
}

// stopReadAhead waits for the read-aheads to end and starts no other (each waits for the
// one it replaced).
func (r *fileReader) stopReadAhead() {
	r.mu.Lock()
	r.closed = true
	p := r.pre
	r.mu.Unlock()
	if p != nil {
		<-p.done
	}
}

func (r *fileReader) locate(i int) (int, int, error) {
	if i < 0 || i >= r.total {
		return 0, 0, fmt.Errorf("record: sample %d out of range [0, %d)", i, r.total)
	}
	bi := sort.Search(len(r.blocks), func(j int) bool { return r.blocks[j].start+r.blocks[j].n > i })
	return bi, i - r.blocks[bi].start, nil
}

func (r *fileReader) at(i int) (unsafe.Pointer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	bi, k, err := r.locate(i)
	if err != nil {
		return nil, err
	}
	for _, a := range r.alone {
		if a.i == i+1 {
			return a.p, nil
		}
	}
	if p := r.pre; p != nil && p.bi == bi && r.aloneSooner(bi, k, int(p.decoded.Load())) {
		if prev, s, ok := r.decodeAlone(p, k); ok {
			// The one before comes with it: the cursor's frame is derived from both.
			r.alone = [2]aloneSample{{i + 1, s}, {}}
			if prev != nil {
				r.alone[1] = aloneSample{i, prev}
			}
			return s, nil
		}
	}
	st := r.state(bi)
	r.decodeTo(st, k, r.zdec, r.warn)
	r.maybeReadAhead(bi)
	if k < len(st.out) {
		return st.out[k], nil
	}
	return nil, fmt.Errorf("%w: sample %d (block %d)", ErrDamaged, i, r.blocks[bi].num)
}

// Decoding a sample alone, its block's samples before it decoded in place (decodeLast), costs
// about aloneCost/10 of decoding them kept, and inflating the block again about aloneInflate
// samples' worth of that (BenchmarkDecodeLast against BenchmarkDecodeStream, and inflate's
// share of BenchmarkDecodeSample's profile, at ~100 processes).
const (
	aloneCost    = 5
	aloneInflate = 10
)

// aloneSooner says whether sample k of block bi, which a read-ahead is decoding and has
// decoded done samples of, comes sooner decoded alone than from the read-ahead, which must
// finish the whole block first. At a step back across a block edge the read-ahead has only
// just begun: the step then decodes the one sample it needs in about half the time, and the
// read-ahead goes on beside it for the steps after.
func (r *fileReader) aloneSooner(bi, k, done int) bool {
	cost := aloneCost
	if r.rp.ver < version2 {
		cost = 10 // version 1 decodes nothing in place: alone is no cheaper
	}
	return 10*(r.blocks[bi].n-done) > cost*(k+1)+10*aloneInflate
}

// decodeAlone decodes sample k of the block that read-ahead p is decoding on its own (and
// sample k-1 with it, decodeLast): from
// the raw stream p inflated if it has yet, else from the block read and inflated again (at a
// step across a block edge the read-ahead has only just begun: waiting for its inflating was
// measured slower than inflating beside it); the samples before k are decoded in place.
// The cache is left alone: the read-ahead brings the whole block. false if anything does not
// check out: the caller then waits for the read-ahead, which says what is wrong. Called with
// mu held (it uses zdec).
func (r *fileReader) decodeAlone(p *prefetching, k int) (prev, last unsafe.Pointer, ok bool) {
	var raw []byte
	select {
	case <-p.inflated:
		raw = p.raw
	default:
	}
	if raw == nil {
		st := r.readBlock(p.bi, func(string) {})
		if k >= len(st.times) {
			return nil, nil, false
		}
		var err error
		if raw, err = inflate(st.z, r.zdec); err != nil {
			return nil, nil, false
		}
	}
	prev, last, err := decodeLast(r.rp, raw, k)
	return prev, last, err == nil
}

// key decodes key sample i from its K frame alone; see Reader.Key.
func (r *fileReader) key(i int) (unsafe.Pointer, error) {
	bi, k, err := r.locate(i)
	if err != nil {
		return nil, err
	}
	if k != 0 {
		return nil, fmt.Errorf("record: sample %d is not a key sample", i)
	}
	r.mu.Lock()
	for _, st := range r.cache {
		if st != nil && st.bi == bi && len(st.out) > 0 {
			r.mu.Unlock()
			return st.out[0], nil // already decoded
		}
	}
	r.mu.Unlock()
	if p, ok := r.keyFrame(bi); ok {
		return p, nil
	}
	return r.at(i)
}

// keyFrame reads and decodes block bi's K frame; false if it does not check out or decode.
func (r *fileReader) keyFrame(bi int) (unsafe.Pointer, bool) {
	b := r.blocks[bi]
	var h [frameHeaderLen]byte
	if _, err := r.f.ReadAt(h[:], b.off); err != nil {
		return nil, false
	}
	typ, n, pcrc, ok := parseFrameHeader(h[:])
	if !ok || typ != frameKey || int64(n) > r.blockEnd(bi)-b.off-frameHeaderLen {
		return nil, false
	}
	p := make([]byte, n)
	if _, err := r.f.ReadAt(p, b.off+frameHeaderLen); err != nil || crc(p) != pcrc {
		return nil, false
	}
	c, err := parseChunk(p, 0)
	if err != nil || c.block != b.num || c.index != 0 {
		return nil, false
	}
	r.kmu.Lock()
	defer r.kmu.Unlock()
	if r.keyDec == nil && r.dict != nil {
		if r.keyDec, err = newDictDecoder(r.dict); err != nil {
			return nil, false
		}
	}
	raw, err := inflate(c.data, r.keyDec)
	if err != nil {
		return nil, false
	}
	d := newBlockDecoder(r.rp)
	d.reset(raw)
	out, err := d.next()
	return out, err == nil
}

func (r *fileReader) timeOf(i int) (time.Time, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	bi, k, err := r.locate(i)
	if err != nil {
		return time.Time{}, err
	}
	st := r.state(bi)
	if k >= len(st.times) {
		return time.Time{}, fmt.Errorf("%w: sample %d", ErrDamaged, i)
	}
	return nsTime(st.times[k]), nil
}

func nsTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

func (r *fileReader) timeIndex(t int64) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.total == 0 {
		return 0
	}
	// The last block that starts at or before t, then the last sample in it at or before t.
	bi := sort.Search(len(r.blocks), func(j int) bool { return r.blocks[j].first > t }) - 1
	if bi < 0 {
		return 0
	}
	b := r.blocks[bi]
	if t >= b.last {
		return b.start + b.n - 1
	}
	st := r.state(bi)
	k := sort.Search(len(st.times), func(j int) bool { return st.times[j] > t }) - 1
	return b.start + max(k, 0)
}
