package record

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/ktop-dev/ktop/sources"
)

// Block limits: a block closes after this many samples or raw bytes, whichever comes first.
// Smaller blocks seek faster and lose less to damage; larger ones compress better
// (docs/file-format.md, "Blocks").
const (
	DefaultBlockSamples = 60
	DefaultBlockBytes   = 1 << 20
)

// Writer appends snapshots to a recording. Every Append writes one complete frame with one
// write(2), so a killed recorder loses at most the sample it was writing. It is safe for use
// by one goroutine at a time (calls are serialised).
type Writer struct {
	mu     sync.Mutex
	f      *os.File
	hdr    Header
	plan   *plan
	timeAt func(unsafe.Pointer) int64

	ver      int // format version written: FormatVersion, or the version of a file appended to
	level    zstd.EncoderLevel
	dict     []byte // version 2: the file's dictionary, nil until the first sample
	be       *blockEncoder
	zenc     *zstd.Encoder
	zbuf     bytes.Buffer
	raw      []byte
	frame    []byte
	blocks   []block // index of what is in the file, for Close
	nextNum  uint64  // number of the next block
	prevTime int64
	off      int64 // file size
	err      error // sticky: after a failed write the file's tail is unknown

	blockSamples, blockBytes int
}

// Create makes a new recording at path (mode 0600; an existing file is an error: append to it
// with OpenAppend) and writes its header. A zero h.Created is set to now.
func Create(path string, h Header) (*Writer, error) {
	return create(path, h, snapshotType)
}

// OpenAppend reopens a recording to append to it, as after a restart of the recorder. A
// damaged tail (crash, full disk) is first cut back to the last intact frame, and a clean
// file's index is removed (Close writes a new one). The file must have been written with the
// same schema as this version's Snapshot.
func OpenAppend(path string) (*Writer, error) {
	return openAppend(path, snapshotType)
}

// Append records one snapshot. s must not be modified afterwards (it is the reference for the
// next sample's deltas), which snapshots never are once published.
func (w *Writer) Append(s *sources.Snapshot) error {
	if s == nil {
		return errors.New("record: nil snapshot")
	}
	return w.append(unsafe.Pointer(s))
}

// Header is the recording's header.
func (w *Writer) Header() Header { return w.hdr }

func create(path string, h Header, t reflect.Type) (*Writer, error) {
	return createVersion(path, h, t, FormatVersion)
}

// createVersion writes a file of an older format version: for tests and benchmarks that
// compare versions, and for appending to old files.
func createVersion(path string, h Header, t reflect.Type, ver int) (*Writer, error) {
	w, err := newWriter(t, ver)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	if h.Created.IsZero() {
		h.Created = time.Now()
	}
	h.Version = ver
	w.f, w.hdr = f, h
	sch, err := schemaOf(t)
	if err != nil {
		f.Close()
		return nil, err
	}
	// The header is written twice: a damaged byte in one copy must not lose the whole file.
	p := marshalHeader(h, sch, ver)
	buf := appendFrame(nil, frameHeader, p)
	buf = appendFrame(buf, frameHeader, p)
	if err := w.write(buf); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

func newWriter(t reflect.Type, ver int) (*Writer, error) {
	pl, err := planFor(t, ver)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	w := &Writer{ver: ver, plan: pl, be: newBlockEncoder(pl), timeAt: timeField(pl),
		blockSamples: DefaultBlockSamples, blockBytes: DefaultBlockBytes}
	if err := w.setLevel(levelFor(ver)); err != nil {
		return nil, err
	}
	return w, nil
}

// setLevel (re)makes the compressor; only before the first Append (benchmarks compare levels).
func (w *Writer) setLevel(l zstd.EncoderLevel) error {
	w.level = l
	return w.makeCompressor()
}

// makeCompressor makes the writer's zstd encoder, with the file's dictionary if it has one.
func (w *Writer) makeCompressor() error {
	// One encoder per writer, reset at each block: its window is the block so far, which is
	// what lets a sample compressed on its own still use the samples before it.
	opts := []zstd.EOption{zstd.WithEncoderLevel(w.level), zstd.WithEncoderCRC(false),
		zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1 << 20)}
	if w.dict != nil {
		opts = append(opts, zstd.WithEncoderDictRaw(dictID, w.dict))
	}
	z, err := zstd.NewWriter(nil, opts...)
	if err != nil {
		return err
	}
	if w.zenc != nil {
		w.zenc.Close()
	}
	w.zenc = z
	return nil
}

// timeField finds the sample's time: a top-level field named Time of type time.Time.
func timeField(pl *plan) func(unsafe.Pointer) int64 {
	for _, f := range pl.fields {
		if f.name == "Time" && f.p.kind == kTime {
			off := f.off
			return func(p unsafe.Pointer) int64 { return unixNano(*(*time.Time)(unsafe.Add(p, off))) }
		}
	}
	return func(unsafe.Pointer) int64 { return 0 }
}

func openAppend(path string, t reflect.Type) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return nil, err
	}
	fr, err := openFile(f, t)
	if err != nil {
		f.Close()
		return nil, err
	}
	if fr.rp.wire != t {
		f.Close()
		return nil, errors.New("record: the file was written with a different schema; record to a new file")
	}
	// The file goes on in its own version, so that it stays readable by the versions that
	// could read it before.
	w, err := newWriter(t, fr.hdr.Version)
	if err != nil {
		f.Close()
		return nil, err
	}
	if fr.dict != nil {
		w.dict = fr.dict
		if err := w.makeCompressor(); err != nil {
			f.Close()
			return nil, err
		}
	}
	cut := fr.goodEnd
	if fr.indexOff > 0 {
		cut = fr.indexOff
	}
	if err := f.Truncate(cut); err != nil {
		f.Close()
		return nil, fmt.Errorf("record: cutting back to the last good frame: %w", err)
	}
	if _, err := f.Seek(cut, 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("record: %w", err)
	}
	w.f, w.hdr, w.off = f, fr.hdr, cut
	w.blocks = fr.blocks
	if n := len(fr.blocks); n > 0 {
		w.nextNum = fr.blocks[n-1].num + 1
	}
	return w, nil
}

func (w *Writer) write(b []byte) error {
	if w.err != nil {
		return w.err
	}
	n, err := w.f.Write(b)
	w.off += int64(n)
	if err != nil {
		w.err = fmt.Errorf("record: %w", err)
	}
	return w.err
}

func (w *Writer) append(p unsafe.Pointer) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if w.f == nil {
		return os.ErrClosed
	}
	newBlock := w.be.n == 0 || w.be.n >= w.blockSamples || w.be.raw >= w.blockBytes
	if newBlock {
		w.be.reset()
	}
	var err error
	w.raw, err = w.be.add(w.raw[:0], p)
	if err != nil {
		if newBlock { // the next sample starts the block afresh
			w.be.reset()
		}
		return err
	}
	if newBlock {
		if w.ver >= version2 && w.dict == nil {
			if err := w.writeDict(w.raw); err != nil {
				return err
			}
		}
		w.zbuf.Reset()
		w.zenc.Reset(&w.zbuf)
		w.blocks = append(w.blocks, block{num: w.nextNum, off: w.off})
		w.nextNum++
	}
	bl := &w.blocks[len(w.blocks)-1]
	if _, err := w.zenc.Write(w.raw); err != nil {
		return w.fail(err)
	}
	if err := w.zenc.Flush(); err != nil {
		return w.fail(err)
	}
	t := w.timeAt(p)
	c := chunk{block: bl.num, index: w.be.n - 1, time: t}
	typ := byte(frameDelta)
	if c.index == 0 {
		typ = frameKey
	}
	payload := appendChunk(nil, c, w.prevTime)
	payload = append(payload, w.zbuf.Bytes()...)
	w.zbuf.Reset()
	w.frame = appendFrame(w.frame[:0], typ, payload)
	if err := w.write(w.frame); err != nil {
		return err
	}
	if c.index == 0 {
		bl.first = t
	}
	bl.n++
	bl.last = t
	bl.end = w.off
	w.prevTime = t
	return nil
}

// writeDict makes the file's dictionary of the raw encoding of its first sample and writes
// it, twice, so that one damaged byte cannot lose it (every block needs it).
func (w *Writer) writeDict(raw []byte) error {
	w.dict = bytes.Clone(raw[:min(len(raw), maxDictLen)])
	p := marshalDict(w.dict)
	buf := appendFrame(nil, frameDict, p)
	buf = appendFrame(buf, frameDict, p)
	if err := w.write(buf); err != nil {
		return err
	}
	if err := w.makeCompressor(); err != nil {
		return w.fail(err)
	}
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = fmt.Errorf("record: %w", err)
	return w.err
}

// Size is the file's size as written so far (what it was when opened, plus every byte
// written since): the recorder's status line shows it (engine.Sizer).
func (w *Writer) Size() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.off
}

// Sync flushes the file to stable storage. Append does not: a killed process loses nothing
// written, and power loss is what Sync is for (the recorder may call it every few seconds).
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return os.ErrClosed
	}
	return w.f.Sync()
}

// Close writes the index and the trailer, syncs and closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return os.ErrClosed
	}
	err := w.err
	if err == nil {
		idx := w.off
		buf := appendFrame(nil, frameIndex, marshalIndex(w.blocks))
		buf = appendTrailer(buf, idx)
		err = w.write(buf)
	}
	if serr := w.f.Sync(); err == nil && serr != nil {
		err = fmt.Errorf("record: %w", serr)
	}
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("record: %w", cerr)
	}
	w.f = nil
	w.zenc.Close()
	return err
}
