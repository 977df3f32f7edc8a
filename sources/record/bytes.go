package record

import (
	"encoding/binary"
	"errors"
	"fmt"
)

var errShort = errors.New("truncated data")

func appendUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func appendVarint(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// byteReader reads the varint-based encodings with a sticky error: after the first problem
// every read returns zero, so a parser over hostile bytes runs to its end without panicking and
// without looping on garbage, and the caller checks err once.
type byteReader struct {
	b   []byte
	pos int
	err error
}

func (r *byteReader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.pos = len(r.b)
}

func (r *byteReader) left() int { return len(r.b) - r.pos }

func (r *byteReader) byte() byte {
	if r.pos >= len(r.b) {
		r.fail(errShort)
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *byteReader) uvarint() uint64 {
	if r.pos < len(r.b) && r.b[r.pos] < 0x80 {
		r.pos++
		return uint64(r.b[r.pos-1])
	}
	v, n := binary.Uvarint(r.b[r.pos:])
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.pos += n
	return v
}

func (r *byteReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// bytes returns the next n bytes, aliasing the input.
func (r *byteReader) bytes(n uint64) []byte {
	if n > uint64(r.left()) {
		r.fail(errShort)
		return nil
	}
	p := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return p
}

func (r *byteReader) string(max int) string {
	n := r.uvarint()
	if n > uint64(max) {
		r.fail(fmt.Errorf("string of %d bytes", n))
		return ""
	}
	return string(r.bytes(n))
}

func (r *byteReader) u64() uint64 {
	p := r.bytes(8)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(p)
}
