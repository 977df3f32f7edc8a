package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/klauspost/compress/zstd"
)

// FormatVersion is the file format this package writes. A reader reads every version up to
// its own; a change that older readers cannot skip over bumps it. Version 2 (column-wise
// slices and maps, times against the sample's shift, a dictionary per file) replaced 1, which
// is still read, and still written when appending to a version 1 file.
const FormatVersion = version2

// Header describes a recording. It is written (twice, for safety) at the start of the file.
type Header struct {
	Created  time.Time     // when the file was created
	Hostname string        // the machine recorded
	Kernel   string        // its kernel release
	Interval time.Duration // the sampling interval asked for
	Writer   string        // the program that wrote the file, e.g. "ktop 0.3.0"
	Version  int           // format version, filled in by the reader
}

// Header payload tags. Unknown tags are skipped, so a later version may add some.
const (
	tagCreated  = 1
	tagHostname = 2
	tagKernel   = 3
	tagInterval = 4
	tagWriter   = 5
	tagSchema   = 6
)

func appendTag(b []byte, tag uint64, v []byte) []byte {
	b = appendUvarint(b, tag)
	b = appendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func marshalHeader(h Header, s *schema, ver int) []byte {
	b := appendUvarint(nil, uint64(ver))
	b = appendTag(b, tagCreated, appendVarint(nil, unixNano(h.Created)))
	b = appendTag(b, tagHostname, []byte(h.Hostname))
	b = appendTag(b, tagKernel, []byte(h.Kernel))
	b = appendTag(b, tagInterval, appendVarint(nil, int64(h.Interval)))
	b = appendTag(b, tagWriter, []byte(h.Writer))
	return appendTag(b, tagSchema, s.marshal(nil))
}

var errNewer = errors.New("the file was written by a newer format version")

func unmarshalHeader(p []byte) (Header, *schema, error) {
	r := &byteReader{b: p}
	var h Header
	v := r.uvarint()
	if r.err != nil {
		return h, nil, r.err
	}
	if v == 0 || v > FormatVersion {
		return h, nil, fmt.Errorf("%w (%d; this version reads up to %d)", errNewer, v, FormatVersion)
	}
	h.Version = int(v)
	var sch *schema
	for r.left() > 0 && r.err == nil {
		tag := r.uvarint()
		val := r.bytes(r.uvarint())
		if r.err != nil {
			break
		}
		vr := &byteReader{b: val}
		switch tag {
		case tagCreated:
			if ns := vr.varint(); ns != 0 {
				h.Created = time.Unix(0, ns)
			}
		case tagHostname:
			h.Hostname = string(val)
		case tagKernel:
			h.Kernel = string(val)
		case tagInterval:
			h.Interval = time.Duration(vr.varint())
		case tagWriter:
			h.Writer = string(val)
		case tagSchema:
			s, err := unmarshalSchema(val)
			if err != nil {
				return h, nil, err
			}
			sch = s
		}
	}
	if r.err != nil {
		return h, nil, fmt.Errorf("header: %w", r.err)
	}
	if sch == nil {
		return h, nil, errors.New("header holds no schema")
	}
	return h, sch, nil
}

// unixNano is t in Unix nanoseconds, 0 for the zero time (whose nanoseconds overflow).
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// chunk is the plain (uncompressed) head of a K or D frame: which block and sample it holds
// and the sample's time, so that the index can be rebuilt and times searched without
// decompressing anything.
type chunk struct {
	block uint64 // block number, counting from 0 in the file
	index int    // sample number within the block; 0 in a K frame
	time  int64  // sample time, Unix ns (0: none)
	data  []byte // zstd bytes
}

// appendChunk writes a chunk head; prevTime is the previous chunk's time (ignored for K).
func appendChunk(b []byte, c chunk, prevTime int64) []byte {
	b = appendUvarint(b, c.block)
	b = appendUvarint(b, uint64(c.index))
	if c.index == 0 {
		return appendVarint(b, c.time)
	}
	return appendVarint(b, c.time-prevTime)
}

func parseChunk(p []byte, prevTime int64) (chunk, error) {
	r := &byteReader{b: p}
	c := chunk{block: r.uvarint()}
	idx := r.uvarint()
	t := r.varint()
	if r.err != nil || idx > 1<<30 {
		return c, errors.New("bad chunk head")
	}
	c.index = int(idx)
	if c.index > 0 {
		t += prevTime
	}
	c.time = t
	c.data = p[r.pos:]
	return c, nil
}

// block is one index entry.
type block struct {
	off   int64  // offset of its K frame
	end   int64  // end of its last frame (0: unknown, read up to the next block)
	num   uint64 // block number
	n     int    // samples
	first int64  // time of the first sample, Unix ns
	last  int64  // time of the last sample
	start int    // index of its first sample in the file
}

func marshalIndex(blocks []block) []byte {
	b := appendUvarint(nil, uint64(len(blocks)))
	var prevOff int64
	var prevNum uint64
	var prevFirst int64
	for _, bl := range blocks {
		b = appendUvarint(b, uint64(bl.off-prevOff))
		b = appendUvarint(b, uint64(bl.end-bl.off))
		b = appendUvarint(b, bl.num-prevNum)
		b = appendUvarint(b, uint64(bl.n))
		b = appendVarint(b, bl.first-prevFirst)
		b = appendVarint(b, bl.last-bl.first)
		prevOff, prevNum, prevFirst = bl.off, bl.num, bl.first
	}
	return b
}

// unmarshalIndex parses an index and checks that it describes frames inside [0, limit).
func unmarshalIndex(p []byte, limit int64) ([]block, error) {
	r := &byteReader{b: p}
	n := r.uvarint()
	if n > uint64(len(p)) {
		return nil, errors.New("index: bad count")
	}
	blocks := make([]block, 0, n)
	var off, first int64
	var num uint64
	start := 0
	for i := uint64(0); i < n && r.err == nil; i++ {
		dOff, size, dNum, cnt := r.uvarint(), r.uvarint(), r.uvarint(), r.uvarint()
		dFirst, span := r.varint(), r.varint()
		if dOff > uint64(limit) || size > uint64(limit) || cnt == 0 || cnt > 1<<30 || (i > 0 && (dOff == 0 || dNum == 0)) {
			return nil, errors.New("index: bad entry")
		}
		off += int64(dOff)
		num += dNum
		first += dFirst
		b := block{off: off, end: off + int64(size), num: num, n: int(cnt), first: first, last: first + span, start: start}
		if b.end > limit || (i > 0 && b.off < blocks[i-1].end) {
			return nil, errors.New("index: entry outside the data")
		}
		blocks = append(blocks, b)
		start += b.n
	}
	if r.err != nil || r.left() != 0 {
		return nil, errors.New("index: cut short")
	}
	return blocks, nil
}

const trailerLen = frameHeaderLen + 8

// Dictionaries (version 2): a Z frame holds the file's zstd dictionary, which every block is
// compressed with: the raw encoding of the file's first sample, so that each block's first
// sample, written against nothing, costs only what differs from it. Payload: uvarint id,
// uvarint length of the dictionary, then the dictionary compressed as a zstd frame of its own.
const (
	dictID     = 1
	maxDictLen = 256 << 10
)

func marshalDict(dict []byte) []byte {
	b := appendUvarint(nil, dictID)
	b = appendUvarint(b, uint64(len(dict)))
	return zEncoder().EncodeAll(dict, b)
}

func unmarshalDict(p []byte) ([]byte, error) {
	r := &byteReader{b: p}
	id, n := r.uvarint(), r.uvarint()
	if r.err != nil || id != dictID || n == 0 || n > maxDictLen {
		return nil, errors.New("bad dictionary frame")
	}
	d := zDecoders.Get().(*zstd.Decoder)
	defer zDecoders.Put(d)
	dict, err := d.DecodeAll(r.b[r.pos:], make([]byte, 0, n))
	if err != nil || uint64(len(dict)) != n {
		return nil, errors.New("dictionary frame does not decompress")
	}
	return dict, nil
}

func appendTrailer(b []byte, indexOff int64) []byte {
	return appendFrame(b, frameTrailer, binary.LittleEndian.AppendUint64(nil, uint64(indexOff)))
}
