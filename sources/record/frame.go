package record

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
)

// Frame layout (docs/file-format.md, "Frames"): a 20-byte header, then the payload.
//
//	0  4  magic "KTOP" (also the resynchronisation marker)
//	4  1  type
//	5  3  reserved, zero
//	8  4  payload length, little endian
//	12 4  CRC32C of the payload
//	16 4  CRC32C of bytes 0..15
//
// The header checksum covers the length, so a reader trusts a length only after checking it.
const (
	frameMagic     = "KTOP"
	frameHeaderLen = 20
	maxPayload     = 64 << 20
)

// Frame types.
const (
	frameHeader  = 'H' // file header: version, host, schema (written twice at the start)
	frameKey     = 'K' // first sample of a block
	frameDelta   = 'D' // a later sample of the block
	frameIndex   = 'I' // block index, written at clean close
	frameTrailer = 'T' // last frame of a cleanly closed file: where the index is
	frameDict    = 'Z' // version 2: the zstd dictionary, written twice before the first K
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func crc(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// appendFrame appends a complete frame.
func appendFrame(b []byte, typ byte, payload []byte) []byte {
	var h [frameHeaderLen]byte
	copy(h[:4], frameMagic)
	h[4] = typ
	binary.LittleEndian.PutUint32(h[8:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(h[12:], crc(payload))
	binary.LittleEndian.PutUint32(h[16:], crc(h[:16]))
	b = append(b, h[:]...)
	return append(b, payload...)
}

// parseFrameHeader checks a header and returns its type, payload length and payload CRC.
func parseFrameHeader(h []byte) (typ byte, n int, pcrc uint32, ok bool) {
	if len(h) < frameHeaderLen || string(h[:4]) != frameMagic ||
		binary.LittleEndian.Uint32(h[16:]) != crc(h[:16]) {
		return 0, 0, 0, false
	}
	n64 := binary.LittleEndian.Uint32(h[8:])
	if n64 > maxPayload || h[5]|h[6]|h[7] != 0 {
		return 0, 0, 0, false
	}
	return h[4], int(n64), binary.LittleEndian.Uint32(h[12:]), true
}

type frame struct {
	typ     byte
	off     int64  // where the frame starts
	end     int64  // where the next one may start
	payload []byte // valid until the next call of scanner.next
}

// scanner walks the frames of a file (or of a byte range of one), checking every header and
// payload checksum. Damage is reported through warn and skipped: after a bad header it looks
// for the next magic whose header checks out; after a bad payload it skips the frame by its
// (checked) length. It reads through a window, so memory stays bounded on any file size, and
// every step moves forward, so it always ends.
type scanner struct {
	r    io.ReaderAt
	base int64 // file offset of r's byte 0 (for messages when scanning a range)
	size int64
	pos  int64
	warn func(string)

	win    []byte
	winOff int64
	lent   bool  // win is the caller's (all of r, read already): never read into
	rerr   error // a read error ends the scan
}

const windowSize = 1 << 20

func newScanner(r io.ReaderAt, size int64, warn func(string)) *scanner {
	return &scanner{r: r, size: size, warn: warn}
}

// at returns n bytes at off (fewer at the end of the input or on a read error). The slice is
// valid until the next call.
func (s *scanner) at(off int64, n int) []byte {
	if off >= s.winOff && off+int64(n) <= s.winOff+int64(len(s.win)) {
		return s.win[off-s.winOff : off-s.winOff+int64(n)]
	}
	want := max(n, windowSize)
	if rest := s.size - off; int64(want) > rest {
		want = int(max(rest, 0))
	}
	if cap(s.win) < want || s.lent {
		s.win, s.lent = make([]byte, want), false
	}
	s.win = s.win[:want]
	got, err := s.r.ReadAt(s.win, off)
	s.win, s.winOff = s.win[:got], off
	if err != nil && err != io.EOF && s.rerr == nil {
		s.rerr = err
		s.warn(fmt.Sprintf("offset %d: read error: %v", s.base+off, err))
	}
	return s.win[:min(n, got)]
}

// headerAt returns the frame header at off if it checks out.
func (s *scanner) headerAt(off int64) (typ byte, n int, pcrc uint32, ok bool) {
	if off+frameHeaderLen > s.size {
		return 0, 0, 0, false
	}
	return parseFrameHeader(s.at(off, frameHeaderLen))
}

// resync returns the offset of the next valid frame header after off, or the end.
func (s *scanner) resync(off int64) int64 {
	magic := []byte(frameMagic)
	for off < s.size && s.rerr == nil {
		w := s.at(off, windowSize)
		if len(w) < len(magic) {
			break
		}
		i := bytes.Index(w, magic)
		if i < 0 {
			off += int64(len(w) - len(magic) + 1)
			continue
		}
		cand := off + int64(i)
		if _, _, _, ok := s.headerAt(cand); ok {
			return cand
		}
		off = cand + 1
	}
	return s.size
}

// next returns the next intact frame; false at the end.
func (s *scanner) next() (frame, bool) {
	for s.pos < s.size && s.rerr == nil {
		off := s.pos
		typ, n, pcrc, ok := s.headerAt(off)
		if !ok {
			next := s.resync(off + 1)
			s.warn(fmt.Sprintf("offset %d: %d bytes skipped: no valid frame header", s.base+off, next-off))
			s.pos = next
			continue
		}
		end := off + frameHeaderLen + int64(n)
		if end > s.size {
			next := s.resync(off + 1)
			s.warn(fmt.Sprintf("offset %d: %c frame of %d bytes cut short by the end of the data: %d bytes skipped",
				s.base+off, typ, n, next-off))
			s.pos = next
			continue
		}
		p := s.at(off+frameHeaderLen, n)
		if len(p) < n {
			s.pos = s.size // read error, already reported
			break
		}
		s.pos = end
		if crc(p) != pcrc {
			s.warn(fmt.Sprintf("offset %d: %c frame of %d bytes fails its checksum: skipped", s.base+off, typ, n))
			continue
		}
		return frame{typ: typ, off: off, end: end, payload: p}, true
	}
	return frame{}, false
}
