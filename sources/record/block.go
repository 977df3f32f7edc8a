package record

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sync"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/ktop-dev/ktop/sources"
)

// A block's raw stream is its samples one after the other, each as a uvarint length and the
// sample's encoding; the first sample is encoded against nothing (a key sample), every later
// one against the sample before it. The stream is what zstd compresses.

const (
	maxSampleBytes = 16 << 20 // one sample's encoding
	maxBlockRaw    = 64 << 20 // a block's raw stream, the most a reader decompresses at once
)

// zstdLevel is what the file writer uses: with a dictionary, "better" made
// files 1-2 % smaller than "default" for 12 MiB more encoder state, which a recorder inside
// the dashboard should not carry (docs/file-format.md has the measurements). Version 1 files
// were written at "better", without a dictionary (zstdLevelV1), and still are when appended to.
const (
	zstdLevel   = zstd.SpeedDefault
	zstdLevelV1 = zstd.SpeedBetterCompression
)

// EncodeBlock's encoder, kept for as long as the process runs: the history seals a block
// every 30 samples. At "fastest" with the dictionary its blocks are only 2 % larger than at
// "default" (28.3 against 27.7 KB a block of ~100 processes), and the encoder it keeps is a
// third of the size: 1.6 against 4.2 MiB with a window of 512 KiB instead of 1 MiB, which
// still holds a block of 500 processes (183 KiB raw) and the dictionary, so such blocks come
// out the same size (86.5 KB). The default level's tables, built on first use, cost 13 ms
// and a page fault per 4 KiB the first time a block was sealed, and each block after took
// twice as long.
const (
	memLevel  = zstd.SpeedFastest
	memWindow = 512 << 10
)

// levelFor is the level files of format version ver are written at.
func levelFor(ver int) zstd.EncoderLevel {
	if ver == version1 {
		return zstdLevelV1
	}
	return zstdLevel
}

// blockEncoder encodes samples of one Go type into a block's raw stream.
type blockEncoder struct {
	plan *plan
	enc  *encoder
	ref  unsafe.Pointer // the previous sample, kept alive for the next delta
	n    int            // samples in the block
	raw  int            // raw bytes in the block
}

func newBlockEncoder(pl *plan) *blockEncoder { return &blockEncoder{plan: pl, enc: newEncoder()} }

func (b *blockEncoder) reset() {
	b.enc.resetBlock()
	b.ref, b.n, b.raw = nil, 0, 0
}

// add appends sample *p to dst. The caller must not modify *p afterwards: it is the reference
// of the next sample (snapshots are immutable once published, so this costs no copy).
func (b *blockEncoder) add(dst []byte, p unsafe.Pointer) ([]byte, error) {
	body := b.enc.encode(b.plan, p, b.ref)
	if len(body) > maxSampleBytes {
		return dst, fmt.Errorf("record: a sample of %d bytes exceeds the %d-byte limit", len(body), maxSampleBytes)
	}
	start := len(dst)
	dst = appendUvarint(dst, uint64(len(body)))
	dst = append(dst, body...)
	b.ref = p
	b.n++
	b.raw += len(dst) - start
	return dst, nil
}

// blockDecoder reads a block's raw stream back, one sample at a time.
type blockDecoder struct {
	rp     *readPlan
	dec    *decoder
	stream byteReader
	ref    unsafe.Pointer // the previous wire value
	err    error          // sticky: a block cannot go on past a sample it failed to decode

	// inPlace decodes each sample into the one before (version 2 only): the samples but the
	// latest are gone, and so are their allocations and copies, most of what decoding a
	// sample costs. Every version 2 decoder takes a value that is its own reference (v == r)
	// as this: it changes the value where it stands, and what it replaces (an array whose
	// elements moved, a map whose keys changed) is dropped, never shared: the latest sample
	// owns all of its memory.
	inPlace bool
}

func newBlockDecoder(rp *readPlan) *blockDecoder { return &blockDecoder{rp: rp, dec: newDecoder()} }

func (b *blockDecoder) reset(raw []byte) {
	b.dec.resetBlock(b.rp.ver, len(raw))
	b.stream = byteReader{b: raw}
	b.ref, b.err = nil, nil
}

// next decodes the next sample and returns it as a value of the reader's type.
func (b *blockDecoder) next() (unsafe.Pointer, error) {
	wire, err := b.nextWire()
	if err != nil || b.rp.conv == nil {
		return wire, err
	}
	out := reflect.New(b.rp.target).UnsafePointer()
	b.rp.conv(out, wire)
	return out, nil
}

// decodeLast decodes sample k of a block's raw stream alone, and sample k-1 with it (nil when
// k is 0): a frame is derived from a sample and the one before. In version 2 the samples
// before k are decoded in place (blockDecoder.inPlace), which costs a fraction of decoding
// them kept (BenchmarkDecodeLast); sample k is then decoded as usual against k-1, which is
// left as it is from there on.
func decodeLast(rp *readPlan, raw []byte, k int) (prev, last unsafe.Pointer, err error) {
	bd := newBlockDecoder(rp)
	bd.inPlace = rp.ver >= version2
	bd.reset(raw)
	for range k {
		if prev, err = bd.nextWire(); err != nil {
			return nil, nil, err
		}
	}
	bd.inPlace = false
	if last, err = bd.next(); err != nil {
		return nil, nil, err
	}
	if prev != nil && rp.conv != nil {
		out := reflect.New(rp.target).UnsafePointer()
		rp.conv(out, prev)
		prev = out
	}
	return prev, last, nil
}

// nextWire decodes the next sample as a value of the file's (wire) type.
func (b *blockDecoder) nextWire() (unsafe.Pointer, error) {
	if b.err != nil {
		return nil, b.err
	}
	n := b.stream.uvarint()
	body := b.stream.bytes(n)
	if b.stream.err != nil || n > maxSampleBytes {
		b.err = errors.New("sample cut short")
		return nil, b.err
	}
	wire := b.ref
	if !b.inPlace || wire == nil {
		wire = reflect.New(b.rp.wire).UnsafePointer()
	}
	if err := b.dec.decode(b.rp.plan, body, wire, b.ref); err != nil {
		b.err = fmt.Errorf("sample does not decode: %w", err)
		return nil, b.err
	}
	b.ref = wire
	return wire, nil
}

var (
	snapshotType = reflect.TypeFor[sources.Snapshot]()

	// snapshotCodec is the plan and same-type read plan of this build's Snapshot.
	snapshotCodec = sync.OnceValues(func() (*readPlan, error) {
		s, err := schemaOf(snapshotType)
		if err != nil {
			return nil, err
		}
		return newReadPlan(s, snapshotType, FormatVersion)
	})

	// Encoders and decoders are costly to build and safe for concurrent EncodeAll/DecodeAll.
	zEncoder = sync.OnceValue(func() *zstd.Encoder {
		// The window as the file writer's: with the default (8 MiB) the encoder kept 20 MB
		// of history buffers alive for as long as ktop ran, a third of its memory, and an
		// hour of 500 processes compressed no better (8.4 against 8.2 MiB).
		e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstdLevel), zstd.WithEncoderCRC(false),
			zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(1<<20))
		if err != nil {
			panic(err) // only bad options fail, and these are constants
		}
		return e
	})
	// Stream decoders, one per inflate at a time: the stream API is what lets inflate stop at
	// a limit instead of trusting the data's own idea of its size.
	zDecoders = sync.Pool{New: func() any {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxBlockRaw),
			zstd.WithDecoderMaxWindow(8<<20))
		if err != nil {
			panic(err) // only bad options fail, and these are constants
		}
		return d
	}}
)

// inflate decompresses a block's zstd stream. A block written sample by sample is a zstd
// frame that was never closed, so the stream ends with io.ErrUnexpectedEOF after everything
// there is; that is not an error here. Output beyond 512 times the input (and 4 MiB) is
// refused: real blocks compress about 10-100 times, and a few hostile bytes must not make a
// reader inflate gigabytes. dec is a decoder that knows the file's dictionary, or nil.
func inflate(z []byte, dec *zstd.Decoder) ([]byte, error) {
	limit := int64(min(max(4<<20, 512*len(z)), maxBlockRaw))
	d := dec
	if d == nil {
		d = zDecoders.Get().(*zstd.Decoder)
		defer zDecoders.Put(d)
	}
	if err := d.Reset(bytes.NewReader(z)); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(int(min(limit, int64(4*len(z))))) // a block inflates 2-10 times: grown once or twice
	n, err := io.Copy(&out, io.LimitReader(d, limit+1))
	if n > limit {
		return out.Bytes()[:limit], fmt.Errorf("block inflates beyond %d bytes", limit)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	return out.Bytes(), err
}

// memMagic starts an EncodeBlock block; its last byte is the format version whose value
// encodings it uses (only this build's: the blocks never leave the process). A flags byte
// follows: bit 0, compressed with the process's dictionary.
const memMagic = "KTB\x02"

// The process's dictionary for EncodeBlock, made of the first snapshot it packs, as a file's
// is of its first sample: a block's first snapshot, encoded against nothing, then costs only
// what differs from it. It lives as long as the process, as the blocks do.
var memDict struct {
	mu   sync.Mutex
	dict []byte
	enc  *zstd.Encoder
	decs sync.Pool // *zstd.Decoder with the dictionary, made once it exists
}

// memEncoder returns the dictionary encoder, making the dictionary of first (the raw
// encoding of a key sample) if there is none yet.
func memEncoder(first []byte) (*zstd.Encoder, error) {
	memDict.mu.Lock()
	defer memDict.mu.Unlock()
	if memDict.enc != nil {
		return memDict.enc, nil
	}
	dict := bytes.Clone(first[:min(len(first), maxDictLen)])
	e, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(memLevel), zstd.WithEncoderCRC(false),
		zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(memWindow), zstd.WithEncoderDictRaw(dictID, dict))
	if err != nil {
		return nil, err
	}
	memDict.dict, memDict.enc = dict, e
	memDict.decs.New = func() any {
		d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxBlockRaw),
			zstd.WithDecoderMaxWindow(8<<20), zstd.WithDecoderDictRaw(dictID, dict))
		if err != nil {
			panic(err) // only bad options fail, and these are constants
		}
		return d
	}
	return e, nil
}

// memBlock is EncodeBlock's encoder and raw stream, kept from block to block: made afresh, the
// string table, the memos and the buffers grew again from nothing for every block, a third
// of what encoding a block cost (BenchmarkHistoryBlocks). What it keeps is about one block's
// raw stream and strings.
var memBlock struct {
	sync.Mutex
	be  *blockEncoder
	raw []byte
}

// EncodeBlock packs snapshots into one compressed block and appends it to dst: the encoding of
// a file block (deltas, string table, zstd with a dictionary) without the file around it and
// without a schema, so it is only for this process's own use: the in-memory history keeps its
// older samples so. The block holds its own bytes; the snapshots are only read.
func EncodeBlock(dst []byte, snaps []*sources.Snapshot) ([]byte, error) {
	rp, err := snapshotCodec()
	if err != nil {
		return dst, err
	}
	memBlock.Lock()
	defer memBlock.Unlock()
	if memBlock.be == nil {
		memBlock.be = newBlockEncoder(rp.plan)
	}
	raw, first, err := memBlock.be.block(memBlock.raw[:0], snaps)
	memBlock.raw = raw
	if err != nil {
		return dst, err
	}
	dst = append(dst, memMagic...)
	if len(snaps) == 0 {
		dst = append(dst, 0)
		dst = appendUvarint(dst, 0)
		return zEncoder().EncodeAll(nil, dst), nil
	}
	z, err := memEncoder(raw[:first])
	if err != nil {
		return dst, err
	}
	dst = append(dst, 1)
	dst = appendUvarint(dst, uint64(len(snaps)))
	return z.EncodeAll(raw, dst), nil
}

// block appends the raw stream of a block of snaps to raw, the first one a key sample, and
// says where the first one's part ends. It holds on to no snapshot afterwards.
func (b *blockEncoder) block(raw []byte, snaps []*sources.Snapshot) (out []byte, first int, err error) {
	b.reset()
	defer b.reset()
	for i, s := range snaps {
		if raw, err = b.add(raw, unsafe.Pointer(s)); err != nil {
			return raw, 0, err
		}
		if i == 0 {
			first = len(raw)
		}
	}
	return raw, first, nil
}

// DecodeBlock returns the snapshots of a block made by EncodeBlock.
func DecodeBlock(b []byte) ([]*sources.Snapshot, error) {
	rp, err := snapshotCodec()
	if err != nil {
		return nil, err
	}
	if len(b) < len(memMagic) || string(b[:len(memMagic)]) != memMagic {
		return nil, errors.New("record: not a block")
	}
	r := byteReader{b: b[len(memMagic):]}
	flags := r.byte()
	n := r.uvarint()
	if r.err != nil {
		return nil, errors.New("record: block header cut short")
	}
	var dec *zstd.Decoder
	if flags&1 != 0 {
		memDict.mu.Lock()
		made := memDict.enc != nil
		memDict.mu.Unlock()
		if !made {
			return nil, errors.New("record: block packed with a dictionary this process does not have")
		}
		dec = memDict.decs.Get().(*zstd.Decoder)
		defer memDict.decs.Put(dec)
	}
	raw, err := inflate(r.b[r.pos:], dec)
	if err != nil {
		return nil, fmt.Errorf("record: block: %w", err)
	}
	if n > uint64(len(raw)) {
		return nil, errors.New("record: block holds fewer samples than it says")
	}
	bd := newBlockDecoder(rp)
	bd.reset(raw)
	out := make([]*sources.Snapshot, 0, n)
	for range n {
		p, err := bd.next()
		if err != nil {
			return out, fmt.Errorf("record: block sample %d: %w", len(out), err)
		}
		out = append(out, (*sources.Snapshot)(p))
	}
	return out, nil
}
