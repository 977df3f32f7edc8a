package record

import (
	"errors"
	"maps"
	"math"
	"math/bits"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// Format version 2's value encodings (docs/file-format.md §4). Version 1 wrote a slice or a map
// element by element, each with its own change mask, so a zero byte stood for every unchanged
// element and value, and one field that changes in every element (a process's read time)
// made every element's mask and values interleave. Version 2 writes them as columns: the
// elements' values of one field together, as a bitmap of the elements whose value differs
// from their reference and then only those values. Unchanged runs cost an eighth of a byte per
// element, and zstd sees the same bitmaps and similar values side by side, sample after sample.
// Times are written against the time shift of the sample rather than on their own.

const (
	version1 = 1
	version2 = 2
)

// Column modes: the byte that starts every column.
const (
	colNone  = 0 // no element differs from its reference: nothing follows
	colPlain = 1 // a bitmap of the changed elements, then each one's value
	colSpace = 2 // numeric columns: the same, each delta less the previous changed element's
	// colList, added to colPlain or colSpace, gives the changed elements as a list instead of
	// a bitmap: their count, then each one's distance from the one before, less one. A few
	// changes among hundreds of elements take a few bytes instead of a bitmap of dozens.
	colList = 4
)

// listLen is what the list of the changed elements of d (non-zero) would take.
func listLen(changed []bool) (n, count int) {
	prev := -1
	for i, c := range changed {
		if c {
			n += varintLen(uint64(i - prev - 1))
			prev = i
			count++
		}
	}
	return n + varintLen(uint64(count)), count
}

// appendChanged writes which elements changed, as a bitmap or, if shorter and allowed, as a
// list; it returns the mode bit it chose (0 or colList).
func (e *encoder) appendChanged(changed []bool, allowList bool) byte {
	if l, count := listLen(changed); allowList && l < bitmapLen(len(changed)) {
		e.uvarint(uint64(count))
		prev := -1
		for i, c := range changed {
			if c {
				e.uvarint(uint64(i - prev - 1))
				prev = i
			}
		}
		return colList
	}
	start := len(e.buf)
	e.zeros(bitmapLen(len(changed)))
	for i, c := range changed {
		if c {
			e.buf[start+i/8] |= 1 << (i % 8)
		}
	}
	return 0
}

func bitmapLen(n int) int { return (n + 7) / 8 }

// varintLen is the length of u as a uvarint.
func varintLen(u uint64) int { return (bits.Len64(u|1) + 6) / 7 }

func numericKind(k kind) bool { return k.isInt() || k.isUint() }

// columnKind says how a column of values of plan p is written: as integer deltas, as flipped
// bools, or value by value (anything else).
func columnKind(p *plan) (numeric, flags bool) {
	return numericKind(p.kind), p.kind == kBool
}

// loadUint reads an integer of size bytes, zero-extended.
func loadUint(p unsafe.Pointer, size uintptr) uint64 {
	switch size {
	case 1:
		return uint64(*(*uint8)(p))
	case 2:
		return uint64(*(*uint16)(p))
	case 4:
		return uint64(*(*uint32)(p))
	}
	return *(*uint64)(p)
}

// storeUint writes the low size bytes of v.
func storeUint(p unsafe.Pointer, size uintptr, v uint64) {
	switch size {
	case 1:
		*(*uint8)(p) = uint8(v)
	case 2:
		*(*uint16)(p) = uint16(v)
	case 4:
		*(*uint32)(p) = uint32(v)
	default:
		*(*uint64)(p) = v
	}
}

// widthDelta is v - r at an integer's width, sign-extended, as version 1 writes integers: a
// counter that wraps at 32 bits makes a small delta.
func widthDelta(v, r uint64, size uintptr) int64 {
	shift := 64 - 8*size
	return int64((v-r)<<shift) >> shift
}

// zeros appends n zero bytes.
func (e *encoder) zeros(n int) {
	l := len(e.buf)
	e.buf = slices.Grow(e.buf, n)[:l+n]
	clear(e.buf[l:])
}

func (e *encoder) scratchDeltas(n int) []int64 {
	e.deltas = slices.Grow(e.deltas[:0], n)[:n]
	return e.deltas
}

// pushInts reserves n scratch indexes on the encoder's stack; popInts(mark) releases them.
func (e *encoder) pushInts(n int) (s []int, mark int) {
	mark = len(e.ints)
	e.ints = slices.Grow(e.ints, n)[:mark+n]
	return e.ints[mark : mark+n : mark+n], mark
}

func (e *encoder) popInts(mark int) { e.ints = e.ints[:mark] }

func (d *decoder) pushInts(n int) (s []int, mark int) {
	mark = len(d.ints)
	d.ints = slices.Grow(d.ints, n)[:mark+n]
	return d.ints[mark : mark+n : mark+n], mark
}

func (d *decoder) popInts(mark int) { d.ints = d.ints[:mark] }

// numColumn writes a numeric column: d[i] is element i's delta from its reference, 0 if
// unchanged. flags: a bool column, whose bitmap alone says which elements flipped. force
// writes the bitmap even if nothing changed (a slice longer than its reference). The encoder
// takes whichever of the plain and the space mode is shorter, and the list when it is shorter
// than the bitmap. It reports whether an element changed.
func (e *encoder) numColumn(d []int64, flags, force bool) bool {
	changed := 0
	plain, space := 0, 0
	var prev int64
	for _, x := range d {
		if x != 0 {
			changed++
			plain += varintLen(zigzag(x))
			space += varintLen(zigzag(x - prev))
			prev = x
		}
	}
	if changed == 0 && !force {
		e.buf = append(e.buf, colNone)
		return false
	}
	mode := byte(colPlain)
	if !flags && space < plain {
		mode = colSpace
	}
	at := len(e.buf)
	e.buf = append(e.buf, mode)
	marks := e.scratchFlags(len(d))
	for i, x := range d {
		marks[i] = x != 0
	}
	e.buf[at] |= e.appendChanged(marks, !force)
	if flags {
		return changed > 0
	}
	prev = 0
	for _, x := range d {
		if x == 0 {
			continue
		}
		if mode == colSpace {
			e.varint(x - prev)
		} else {
			e.varint(x)
		}
		prev = x
	}
	return changed > 0
}

func (e *encoder) scratchFlags(n int) []bool {
	e.flags = slices.Grow(e.flags[:0], n)[:n]
	return e.flags
}

// changedIdx reads a column's mode and which of its n elements changed, pushed on the
// decoder's index stack (popInts(mark) releases them); no mode (and no indexes) when nothing
// changed. bitmapped says the bitmap must be there (a slice longer than its reference: the
// bitmap is what bounds its length by the bytes there are).
func (d *decoder) changedIdx(n int, modes byte, bitmapped bool) (mode byte, idx []int, mark int) {
	mark = len(d.ints)
	mode = d.byte()
	base := mode &^ colList
	switch {
	case d.err != nil:
		return 0, nil, mark
	case mode == colNone && !bitmapped:
		return colNone, nil, mark
	case base == colNone || base > modes || (mode&colList != 0 && bitmapped):
		d.fail(errors.New("bad column mode"))
		return 0, nil, mark
	}
	if mode&colList != 0 {
		c := d.uvarint()
		if c == 0 || c > uint64(n) || c > uint64(d.left()) {
			d.fail(errors.New("column list: bad count"))
			return 0, nil, mark
		}
		prev := -1
		for range c {
			g := d.uvarint()
			if g >= uint64(n) || prev+1+int(g) >= n {
				d.fail(errors.New("column list: element beyond the column"))
				return 0, nil, mark
			}
			prev += 1 + int(g)
			d.ints = append(d.ints, prev)
		}
	} else {
		bm := d.bytes(uint64(bitmapLen(n)))
		if d.err == nil && n%8 != 0 && bm[len(bm)-1]>>(n%8) != 0 {
			d.fail(errors.New("column bitmap: bits beyond the elements"))
		}
		if d.err != nil {
			return 0, nil, mark
		}
		for bi, b := range bm {
			for b != 0 {
				d.ints = append(d.ints, bi*8+bits.TrailingZeros8(b))
				b &= b - 1
			}
		}
	}
	idx = d.ints[mark:len(d.ints):len(d.ints)]
	if !d.chargeSteps(len(idx)) {
		return 0, nil, mark
	}
	return base, idx, mark
}

// numColumn reads a numeric column of n elements: the indexes of the changed elements and
// their deltas (1 for a flipped bool), valid until the next call.
func (d *decoder) numColumn(n int, flags, bitmapped bool) ([]int32, []int64) {
	modes := byte(colSpace)
	if flags {
		modes = colPlain
	}
	mode, changed, mark := d.changedIdx(n, modes, bitmapped)
	defer d.popInts(mark)
	if len(changed) == 0 {
		return nil, nil
	}
	idx, val := d.colIdx[:0], d.colVal[:0]
	var prev int64
	for _, i := range changed {
		x := int64(1)
		if !flags {
			x = d.varint()
			if mode == colSpace {
				x += prev
			}
			prev = x
		}
		idx = append(idx, int32(i))
		val = append(val, x)
	}
	d.colIdx, d.colVal = idx, val
	if d.err != nil {
		return nil, nil
	}
	return idx, val
}

// column writes a column of n values of plan p, element i being at(i) against reference
// ref(i) (nil: zero): which differ, then their encodings. The values are written after room
// for a bitmap; a list, when shorter, takes its place.
func (e *encoder) column(p *plan, n int, force bool, at func(i int) (v, r unsafe.Pointer)) bool {
	start := len(e.buf)
	e.buf = append(e.buf, colPlain)
	bm := len(e.buf)
	e.zeros(bitmapLen(n))
	changed := false
	for i := range n {
		v, r := at(i)
		before := len(e.buf)
		if p.enc(e, v, r) {
			e.buf[bm+i/8] |= 1 << (i % 8)
			changed = true
		} else {
			e.buf = e.buf[:before]
		}
	}
	switch {
	case !changed && !force:
		e.buf = append(e.buf[:start], colNone)
	case !force:
		marks := e.scratchFlags(n)
		for i := range marks {
			marks[i] = e.buf[bm+i/8]&(1<<(i%8)) != 0
		}
		if l, _ := listLen(marks); l < bitmapLen(n) {
			// The list is shorter than the bitmap: write it after the values, then move it
			// in front of them.
			end := len(e.buf)
			e.buf[start] |= e.appendChanged(marks, true)
			list := len(e.buf) - end
			body := end - (bm + bitmapLen(n))
			copy(e.buf[bm:], e.buf[end:])                     // the list, where the bitmap was
			copy(e.buf[bm+list:], e.buf[bm+bitmapLen(n):end]) // the values after it
			e.buf = e.buf[:bm+list+body]
		}
	}
	return changed
}

// column reads what encoder.column wrote. The values at(i) hold their reference's value (or
// zero) already; a changed one is cleared and decoded against its reference.
func (d *decoder) column(p *plan, n int, bitmapped bool, at func(i int) (v, r unsafe.Pointer)) {
	_, idx, mark := d.changedIdx(n, colPlain, bitmapped)
	defer d.popInts(mark)
	for _, i := range idx {
		if d.err != nil || !d.chargeSteps(p.work) {
			return
		}
		v, r := at(i)
		if v != r { // in place (blockDecoder.inPlace) the value is its own reference
			p.zero(v)
		}
		p.dec(d, v, r)
	}
}

// zeroOp makes the function that clears a value of t.
func zeroOp(t reflect.Type) func(unsafe.Pointer) {
	size := t.Size()
	if !hasPointers(t) {
		return func(p unsafe.Pointer) { clear(unsafe.Slice((*byte)(p), size)) }
	}
	return func(p unsafe.Pointer) { reflect.NewAt(t, p).Elem().SetZero() }
}

// --- times ---

// Version 2 writes a time as one uvarint code:
//
//	0    the zero Time
//	1    a time outside Unix nanoseconds' range: varint seconds and varint nanoseconds after
//	     the zero Time's (as version 1 writes a time without reference)
//	2+z  z = zigzag(x): with a reference, x is (t - ref) - shift, where shift is the last
//	     (t - ref) written in this sample, or at its first time the first one written in the
//	     sample before; without a reference, x is t - last, the last time written in this
//	     sample (0 at its first)
//
// The times of a sample are read within a pass that starts at its Time, so every one moves by
// about the same shift from sample to sample, and the shift itself by little more than the
// clock's jitter: that jitter is what is left to write.

// timeState is what times are written against. Only times that differ from their reference
// move it: those are the ones a reader is sure to decode (an unchanged value may be left out).
type timeState struct {
	last, shift int64 // the last time written in this sample, and the last shift
	first       int64 // the first shift of the latest sample that had one
	firstSet    bool  // this sample has had its first shift
}

func (s *timeState) startSample() { s.last, s.shift, s.firstSet = 0, s.first, false }

func (s *timeState) moved(tn, rn int64, hasRef bool) {
	s.last = tn
	if hasRef {
		s.shift = tn - rn
		if !s.firstSet {
			s.first, s.firstSet = s.shift, true
		}
	}
}

// nanos is t in Unix nanoseconds when it has a non-zero value in that range.
func nanos(t time.Time) (int64, bool) {
	if t.IsZero() {
		return 0, false
	}
	const limit = math.MaxInt64 / int64(time.Second)
	if s := t.Unix(); s <= -limit || s >= limit {
		return 0, false
	}
	return t.UnixNano(), true
}

func sameInstant(a, b time.Time) bool {
	return a.Unix() == b.Unix() && a.Nanosecond() == b.Nanosecond()
}

func encTime2(e *encoder, p, r unsafe.Pointer) bool {
	t := *(*time.Time)(p)
	var rt time.Time
	if r != nil {
		rt = *(*time.Time)(r)
	}
	changed := !sameInstant(t, rt)
	if t.IsZero() {
		e.buf = append(e.buf, 0)
		return changed
	}
	tn, ok := nanos(t)
	if ok {
		rn, hasRef := nanos(rt)
		var x int64
		if hasRef {
			x = (tn - rn) - e.times.shift
		} else {
			x = tn - e.times.last
		}
		if z := zigzag(x); z <= math.MaxUint64-2 {
			e.uvarint(z + 2)
			if changed {
				e.times.moved(tn, rn, hasRef)
			}
			return changed
		}
	}
	e.buf = append(e.buf, 1)
	e.varint(t.Unix() - zeroUnix)
	e.varint(int64(t.Nanosecond()))
	return changed
}

func decTime2(d *decoder, p, r unsafe.Pointer) {
	var rt time.Time
	if r != nil {
		rt = *(*time.Time)(r)
	}
	c := d.uvarint()
	switch {
	case d.err != nil:
	case c == 0:
		*(*time.Time)(p) = time.Time{}
	case c == 1:
		s := zeroUnix + d.varint()
		n := d.varint()
		switch {
		case d.err != nil:
		case n < 0 || n >= 1e9 || (s == zeroUnix && n == 0):
			d.fail(errors.New("bad time"))
		default:
			*(*time.Time)(p) = time.Unix(s, n)
		}
	default:
		x := unzigzag(c - 2)
		rn, hasRef := nanos(rt)
		var tn int64
		if hasRef {
			tn = rn + d.times.shift + x
		} else {
			tn = d.times.last + x
		}
		t := time.Unix(0, tn)
		*(*time.Time)(p) = t
		if !sameInstant(t, rt) {
			d.times.moved(tn, rn, hasRef)
		}
	}
}

// --- keyed slices ---

// A keyed slice in version 2: the length code; if not empty, the mode byte (0: same keys in
// the same order as the reference; 1: match codes, as version 1's but with nothing between
// them); in mode 1 the key fields of the new elements, one column per key field; then one
// column per non-key field, over all elements, each against its matched reference element
// (or zero).
func keyedColumnOps(p *plan) (encFunc, decFunc) {
	el, size := p.elem, p.elem.t.Size()
	enc := func(e *encoder, v, r unsafe.Pointer) bool {
		h, rh := (*sliceHeader)(v), (*sliceHeader)(r)
		dl := sliceLenCode(h) - sliceLenCode(rh)
		e.varint(int64(dl))
		n := h.len
		if n == 0 {
			return dl != 0
		}
		match, mark := e.pushInts(n)
		defer e.popInts(mark)
		changed := dl != 0
		if rh != nil && rh.len == n && allKeysEqual(el, h, rh, size) {
			e.buf = append(e.buf, 0)
			for i := range match {
				match[i] = i
			}
		} else {
			e.buf = append(e.buf, 1)
			changed = true
			encMatches(e, el, h, rh, size, match)
			_, nmark := e.pushInts(0)
			e.ints = appendNew(e.ints, match)
			news := e.ints[nmark:len(e.ints):len(e.ints)]
			for _, k := range el.keys {
				f := &el.fields[k]
				encFieldColumn(e, f, len(news), func(j int) (unsafe.Pointer, unsafe.Pointer) {
					return unsafe.Add(at(h, news[j], size), f.off), nil
				})
			}
			e.popInts(nmark)
		}
		for i := range el.fields {
			f := &el.fields[i]
			if f.key {
				continue
			}
			if encFieldColumn(e, f, n, func(i int) (unsafe.Pointer, unsafe.Pointer) {
				var rp unsafe.Pointer
				if m := match[i]; m >= 0 {
					rp = unsafe.Add(at(rh, m, size), f.off)
				}
				return unsafe.Add(at(h, i, size), f.off), rp
			}) {
				changed = true
			}
		}
		return changed
	}
	dec := func(d *decoder, v, r unsafe.Pointer) {
		// A slice no longer than its reference may be all copies (no bytes per element);
		// a longer one has a match code per element.
		if v == r {
			decKeyedInPlace(d, p, v)
			return
		}
		h, rh, n, rlen := decSliceHead(d, p.t, v, r, 1)
		if h == nil {
			return
		}
		match, mark := d.pushInts(n)
		defer d.popInts(mark)
		switch d.byte() {
		case 0:
			if rlen != n {
				d.fail(errors.New("keyed slice: same-keys mode without a matching reference"))
				return
			}
			copyRun(d, p.t, v, 0, r, 0, n)
			for i := range match {
				match[i] = i
			}
		case 1:
			decMatches(d, match, rlen)
			if d.err != nil {
				return
			}
			copyMatched(d, p.t, v, r, match)
			decNewKeys(d, el, h, match)
		default:
			d.fail(errors.New("keyed slice: bad mode"))
			return
		}
		decKeyedValues(d, el, h, rh, match)
	}
	return enc, dec
}

// appendNew appends to dst the indexes of a keyed slice's new elements: those that match no
// element of the reference (match[i] < 0), whose keys are written in columns of their own.
func appendNew(dst, match []int) []int {
	for i, m := range match {
		if m < 0 {
			dst = append(dst, i)
		}
	}
	return dst
}

// decNewKeys reads the key columns of the new elements of keyed slice h (match[i] < 0).
func decNewKeys(d *decoder, el *plan, h *sliceHeader, match []int) {
	size := el.t.Size()
	_, nmark := d.pushInts(0)
	d.ints = appendNew(d.ints, match)
	news := d.ints[nmark:len(d.ints):len(d.ints)]
	for _, k := range el.keys {
		f := &el.fields[k]
		decFieldColumn(d, f, len(news), false, func(j int) (unsafe.Pointer, unsafe.Pointer) {
			return unsafe.Add(at(h, news[j], size), f.off), nil
		})
	}
	d.popInts(nmark)
}

// decKeyedValues reads the non-key columns of keyed slice h, each element against its match
// in rh.
func decKeyedValues(d *decoder, el *plan, h, rh *sliceHeader, match []int) {
	size := el.t.Size()
	for i := range el.fields {
		if f := &el.fields[i]; !f.key && d.err == nil {
			decFieldColumn(d, f, len(match), false, func(i int) (unsafe.Pointer, unsafe.Pointer) {
				var rp unsafe.Pointer
				if m := match[i]; m >= 0 {
					rp = unsafe.Add(at(rh, m, size), f.off)
				}
				return unsafe.Add(at(h, i, size), f.off), rp
			})
		}
	}
}

// decKeyedInPlace is keyedColumnOps' decoding in place (blockDecoder.inPlace): the slice at v
// is its own reference. With the same keys its elements change where they are; when elements
// come and go they move to another array (the one a previous such sample left, if it is long
// enough), and this one is left for the next.
func decKeyedInPlace(d *decoder, p *plan, v unsafe.Pointer) {
	el, size := p.elem, p.elem.t.Size()
	old := *(*sliceHeader)(v)
	rh := &old
	n, isNil := d.count2(sliceLenCode(rh), old.len, 1)
	if isNil {
		*(*sliceHeader)(v) = sliceHeader{}
		return
	}
	if n == 0 || d.err != nil {
		d.makeSlice(p.t, v, n)
		return
	}
	if !d.charge(n*int(size) + 24) { // what makeSlice charges: the budget is the same either way
		return
	}
	match, mark := d.pushInts(n)
	defer d.popInts(mark)
	h := (*sliceHeader)(v)
	switch d.byte() {
	case 0:
		if old.len != n {
			d.fail(errors.New("keyed slice: same-keys mode without a matching reference"))
			return
		}
		for i := range match {
			match[i] = i
		}
	case 1:
		decMatches(d, match, old.len)
		if d.err != nil {
			return
		}
		if sp := d.spare[p]; sp.cap >= n {
			*h = sliceHeader{sp.data, n, sp.cap}
			for i, m := range match {
				if m < 0 {
					el.zero(at(h, i, size)) // the spare holds an old sample's elements
				}
			}
		} else {
			// Room to grow: a table that gains a process then still fits the spare.
			c := n + n/8 + 8
			h.data = reflect.MakeSlice(p.t, c, c).UnsafePointer()
			h.len, h.cap = n, c
		}
		if d.spare == nil {
			d.spare = map[*plan]sliceHeader{}
		}
		d.spare[p] = old
		copyMatched(d, p.t, v, unsafe.Pointer(rh), match)
		decNewKeys(d, el, h, match)
	default:
		d.fail(errors.New("keyed slice: bad mode"))
		return
	}
	decKeyedValues(d, el, h, rh, match)
}

// decSliceHead reads a version 2 slice's length against its reference r and makes the slice
// at v, of type t; perElem is the bytes each element past the reference takes at the least
// (count2). h is nil when nothing follows: a nil or empty slice, or an error.
func decSliceHead(d *decoder, t reflect.Type, v, r unsafe.Pointer, perElem float64) (h, rh *sliceHeader, n, rlen int) {
	rh = (*sliceHeader)(r)
	if rh != nil {
		rlen = rh.len
	}
	n, isNil := d.count2(sliceLenCode(rh), rlen, perElem)
	if isNil {
		return nil, rh, 0, rlen
	}
	h = d.makeSlice(t, v, n)
	if n == 0 || d.err != nil {
		return nil, rh, n, rlen
	}
	return h, rh, n, rlen
}

// encMatches finds each element's reference element (match[i], -1 if new) and writes the
// match codes of version 1 (codec_keyed.go).
func encMatches(e *encoder, el *plan, h, rh *sliceHeader, size uintptr, match []int) {
	var idx keyIndex
	cursor := 0
	for i := range h.len {
		m := encMatch(e, el, rh, size, at(h, i, size), cursor, &idx)
		match[i] = m
		if m >= 0 {
			cursor = m + 1
		}
	}
}

// encMatch finds cur's reference element (-1 if none) and writes its match code: 0 the one
// at the cursor, 3+k the k-th after it (within lookahead), 2 and an index one elsewhere, 1 a
// new element (whose keys the caller writes).
func encMatch(e *encoder, el *plan, rh *sliceHeader, size uintptr, cur unsafe.Pointer, cursor int, idx *keyIndex) int {
	m := -1
	if rh != nil {
		for j := cursor; j < min(cursor+lookahead, rh.len); j++ {
			if keysEqual(el, cur, at(rh, j, size)) {
				m = j
				break
			}
		}
	}
	switch {
	case m == cursor:
		e.buf = append(e.buf, 0)
	case m > cursor:
		e.uvarint(uint64(3 + m - cursor - 1))
	default:
		if m = idx.find(e, el, rh, size, cur); m >= 0 {
			e.buf = append(e.buf, 2)
			e.uvarint(uint64(m))
		} else {
			e.buf = append(e.buf, 1)
		}
	}
	return m
}

func decMatches(d *decoder, match []int, rlen int) {
	cursor := 0
	for i := range match {
		m := -1
		switch c := d.uvarint(); {
		case d.err != nil:
			return
		case c == 0:
			m = cursor
		case c == 1:
		case c == 2:
			m = int(min(d.uvarint(), uint64(rlen)))
		default:
			m = int(min(c-3+1, uint64(rlen))) + cursor
		}
		if m >= rlen {
			d.fail(errors.New("keyed slice: match beyond the reference"))
			return
		}
		match[i] = m
		if m >= 0 {
			cursor = m + 1
		}
	}
	d.chargeSteps(len(match))
}

// copyMatched copies each matched reference element into its place, a run of consecutive
// matches at a time.
func copyMatched(d *decoder, t reflect.Type, v, r unsafe.Pointer, match []int) {
	for i := 0; i < len(match); {
		m := match[i]
		if m < 0 {
			i++
			continue
		}
		k := 1
		for i+k < len(match) && match[i+k] == m+k {
			k++
		}
		copyRun(d, t, v, i, r, m, k)
		i += k
	}
}

// encFieldColumn writes the column of one field over n elements.
func encFieldColumn(e *encoder, f *fieldPlan, n int, at func(i int) (v, r unsafe.Pointer)) bool {
	numeric, flags := columnKind(f.p)
	if !numeric && !flags {
		return e.column(f.p, n, false, at)
	}
	size := f.p.t.Size()
	d := e.scratchDeltas(n)
	for i := range n {
		v, r := at(i)
		var rv uint64
		if r != nil {
			rv = loadUint(r, size)
		}
		d[i] = widthDelta(loadUint(v, size), rv, size)
	}
	return e.numColumn(d, flags, false)
}

// decFieldColumn reads what encFieldColumn wrote into values that hold their reference's
// value (or zero) already.
func decFieldColumn(d *decoder, f *fieldPlan, n int, bitmapped bool, at func(i int) (v, r unsafe.Pointer)) {
	decColumnOf(d, f.p, n, bitmapped, at)
}

func decColumnOf(d *decoder, p *plan, n int, bitmapped bool, at func(i int) (v, r unsafe.Pointer)) {
	numeric, flags := columnKind(p)
	if !numeric && !flags {
		d.column(p, n, bitmapped, at)
		return
	}
	size := p.t.Size()
	idx, val := d.numColumn(n, flags, bitmapped)
	for k, i := range idx {
		q, _ := at(int(i))
		if flags {
			*(*bool)(q) = !*(*bool)(q)
			continue
		}
		storeUint(q, size, loadUint(q, size)+uint64(val[k]))
	}
}

// count2 reads a version 2 length code against the reference's (refCode) and checks it: a
// slice or map no longer than its reference (refLen) may be all copies, a longer one needs at
// least perElem bytes per element. Memory is charged by the caller (makeSlice).
func (d *decoder) count2(refCode, refLen int, perElem float64) (n int, isNil bool) {
	c := int64(refCode) + d.varint()
	if d.err != nil || c <= 0 {
		if c < 0 {
			d.fail(errors.New("negative length"))
		}
		return 0, true
	}
	n64 := c - 1
	if n64 > int64(refLen) && float64(n64) > float64(d.left())/perElem {
		d.fail(errors.New("length exceeds what the data can hold"))
		return 0, true
	}
	// Copying is cheap: a step per 16 elements, so that a hostile run of copies still ends.
	if !d.chargeSteps(int(n64/16) + 1) {
		return 0, true
	}
	return int(n64), false
}

// --- other slices and arrays ---

// A slice without keys in version 2: the length code, then (if not empty) one column over
// its elements, element i against the reference's element i (or zero past its end). A slice
// longer than its reference always has the column's bitmap.
func sliceColumnOps(p *plan) (encFunc, decFunc) {
	el, size := p.elem, p.elem.t.Size()
	enc := func(e *encoder, v, r unsafe.Pointer) bool {
		h, rh := (*sliceHeader)(v), (*sliceHeader)(r)
		dl := sliceLenCode(h) - sliceLenCode(rh)
		e.varint(int64(dl))
		if h.len == 0 {
			return dl != 0
		}
		rlen := 0
		if rh != nil {
			rlen = rh.len
		}
		changed := encElems(e, el, h.data, rh, h.len, rlen, h.len > rlen, size)
		return changed || dl != 0
	}
	dec := func(d *decoder, v, r unsafe.Pointer) {
		// Past the reference, the bitmap is there: 8 elements a byte at most.
		var h, rh *sliceHeader
		var n, rlen int
		if v == r {
			if h, rh, n, rlen = decSliceInPlace(d, p, v); h == nil {
				return
			}
		} else {
			if h, rh, n, rlen = decSliceHead(d, p.t, v, r, 0.125); h == nil {
				return
			}
			if k := min(n, rlen); k > 0 {
				copyRun(d, p.t, v, 0, r, 0, k)
			}
		}
		decColumnOf(d, el, n, n > rlen, func(i int) (unsafe.Pointer, unsafe.Pointer) {
			var rp unsafe.Pointer
			if i < rlen {
				rp = at(rh, i, size)
			}
			return at(h, i, size), rp
		})
	}
	return enc, dec
}

// decSliceInPlace is decSliceHead in place (blockDecoder.inPlace): the slice at v is its own
// reference, rh a copy of its old header. At the same length its elements change where they
// are; at another length they move to a new array, as far as both go.
func decSliceInPlace(d *decoder, p *plan, v unsafe.Pointer) (h, rh *sliceHeader, n, rlen int) {
	old := *(*sliceHeader)(v)
	rh = &old
	n, isNil := d.count2(sliceLenCode(rh), old.len, 0.125)
	if isNil {
		*(*sliceHeader)(v) = sliceHeader{}
		return nil, rh, 0, old.len
	}
	if n == 0 || n != old.len || d.err != nil {
		if h = d.makeSlice(p.t, v, n); h == nil || n == 0 || d.err != nil {
			return nil, rh, n, old.len
		}
		if k := min(n, old.len); k > 0 {
			copyRun(d, p.t, v, 0, unsafe.Pointer(rh), 0, k)
		}
		return h, rh, n, old.len
	}
	if !d.charge(n*int(p.elem.t.Size()) + 24) { // what makeSlice charges
		return nil, rh, n, old.len
	}
	return (*sliceHeader)(v), rh, n, old.len
}

// encElems writes the column of n elements at data against the reference's first rlen.
func encElems(e *encoder, el *plan, data unsafe.Pointer, rh *sliceHeader, n, rlen int, force bool, size uintptr) bool {
	numeric, flags := columnKind(el)
	if !numeric && !flags {
		return e.column(el, n, force, func(i int) (unsafe.Pointer, unsafe.Pointer) {
			var rp unsafe.Pointer
			if i < rlen {
				rp = at(rh, i, size)
			}
			return unsafe.Add(data, uintptr(i)*size), rp
		})
	}
	d := e.scratchDeltas(n)
	for i := range n {
		var rv uint64
		if i < rlen {
			rv = loadUint(at(rh, i, size), size)
		}
		d[i] = widthDelta(loadUint(unsafe.Add(data, uintptr(i)*size), size), rv, size)
	}
	return e.numColumn(d, flags, force)
}

// Arrays in version 2: one column over the elements, element i against the reference's.
func arrayColumnOps(p *plan) (encFunc, decFunc) {
	el, size, n := p.elem, p.elem.t.Size(), p.t.Len()
	enc := func(e *encoder, v, r unsafe.Pointer) bool {
		rh := &sliceHeader{data: r, len: n}
		rlen := n
		if r == nil {
			rh, rlen = nil, 0
		}
		return encElems(e, el, v, rh, n, rlen, false, size)
	}
	dec := func(d *decoder, v, r unsafe.Pointer) {
		if r != nil {
			p.cp(d, v, r)
		}
		decColumnOf(d, el, n, false, func(i int) (unsafe.Pointer, unsafe.Pointer) {
			var rp unsafe.Pointer
			if r != nil {
				rp = unsafe.Add(r, uintptr(i)*size)
			}
			return unsafe.Add(v, uintptr(i)*size), rp
		})
	}
	return enc, dec
}

// --- maps ---

// A map in version 2: the length code; if not empty, the mode byte (0: the reference's key
// set; 1: the keys follow, ascending, each against zero); then one column of the values in
// key order, each against the reference's value of its key (or zero).
func mapColumnOps(p *plan) (encFunc, decFunc) {
	k, el := p.key.kind, p.elem.kind
	if k == kString && p.key.t.Kind() == reflect.String &&
		(el == kInt64 || el == kUint64) && p.elem.t.Size() == 8 && p.elem.t != timeType {
		return encStrU64Map2, decStrU64Map2
	}
	enc, dec := genericMapColumnOps(p)
	if k == kString && p.key.t.Kind() == reflect.String {
		enc, dec = strMapColumnEnc(p, enc), strMapColumnDec(p)
	}
	return enc, dec
}

// strMapColumnEnc writes what genericMapColumnOps writes (general) for a map with string
// keys (a sample's statuses) without reflection's copies of every key and value, three
// allocations an entry: each map's entries are copied out into an array, sorted by key,
// and the reference's are matched by a walk along both.
func strMapColumnEnc(p *plan, general encFunc) encFunc {
	kp, vp, kt, vt := p.key, p.elem, p.t.Key(), p.t.Elem()
	return func(e *encoder, v, r unsafe.Pointer) bool {
		if e.lookupMaps {
			return general(e, v, r)
		}
		m, rm, dl := e.mapLens(p.t, v, r)
		if m.Len() == 0 {
			return dl != 0
		}
		kv := reflect.New(kt).Elem()
		cur, ref := sortedEntries(m, kv, vt), sortedEntries(rm, kv, vt)
		same := slices.Equal(cur.keys, ref.keys)
		if same {
			e.buf = append(e.buf, 0)
		} else {
			e.buf = append(e.buf, 1)
			for _, k := range cur.keys {
				kp.enc(e, unsafe.Pointer(&k), nil)
			}
		}
		match, mark := e.pushInts(len(cur.keys))
		defer e.popInts(mark)
		j := 0
		for i, k := range cur.keys {
			for j < len(ref.keys) && ref.keys[j] < k {
				j++
			}
			match[i] = -1
			if j < len(ref.keys) && ref.keys[j] == k {
				match[i] = j
			}
		}
		changed := e.column(vp, len(cur.keys), false, func(i int) (unsafe.Pointer, unsafe.Pointer) {
			var rp unsafe.Pointer
			if match[i] >= 0 {
				rp = ref.val(match[i])
			}
			return cur.val(i), rp
		})
		return changed || !same || dl != 0
	}
}

// mapEntries are a map's entries copied out, in key order: keys[i]'s value is element
// order[i] of vals.
type mapEntries struct {
	keys  []string
	order []int
	vals  unsafe.Pointer // an array of the map's values, in the map's own order
	size  uintptr        // a value's
}

func (x *mapEntries) val(i int) unsafe.Pointer {
	return unsafe.Add(x.vals, uintptr(x.order[i])*x.size)
}

// sortedEntries copies out the entries of map m (none if m is not valid), its keys read
// through kv, a settable value of its key type; vt is its value type.
func sortedEntries(m, kv reflect.Value, vt reflect.Type) mapEntries {
	if !m.IsValid() || m.Len() == 0 {
		return mapEntries{}
	}
	n := m.Len()
	vals := reflect.MakeSlice(reflect.SliceOf(vt), n, n)
	names := make([]string, 0, n) // in the map's order
	x := mapEntries{keys: make([]string, n), order: make([]int, n), vals: vals.UnsafePointer(), size: vt.Size()}
	var it reflect.MapIter
	it.Reset(m)
	for i := 0; it.Next(); i++ {
		kv.SetIterKey(&it)
		names = append(names, kv.String())
		vals.Index(i).SetIterValue(&it)
		x.order[i] = i
	}
	slices.SortFunc(x.order, func(a, b int) int { return strings.Compare(names[a], names[b]) })
	for i, o := range x.order {
		x.keys[i] = names[o]
	}
	return x
}

// strMapColumnDec reads what genericMapColumnOps writes for a map with string keys (a
// sample's statuses) without its reflection per key: the key order is kept from sample to
// sample as decStrU64Map2 keeps it, and only the values that changed are decoded apart.
func strMapColumnDec(p *plan) decFunc {
	vp, vt := p.elem, p.t.Elem()
	return func(d *decoder, v, r unsafe.Pointer) {
		rm, rptr := refMap(p.t, r)
		rlen := 0
		if rm.IsValid() {
			rlen = rm.Len()
		}
		n, isNil := d.count2(reflectLenCode(rm), rlen, float64(max(p.key.minLen, 1)))
		if isNil || !d.charge(n*int(p.t.Key().Size()+vt.Size()+16)+48) {
			if v == r && isNil {
				reflect.NewAt(p.t, v).Elem().SetZero()
			}
			return
		}
		mode := byte(0)
		if n > 0 {
			mode = d.byte()
		}
		// In place (blockDecoder.inPlace) a map of the same keys is its own reference.
		inPlace := v == r && mode == 0 && rlen == n && n > 0
		m := rm
		if !inPlace {
			m = reflect.MakeMapWithSize(p.t, n)
			reflect.NewAt(p.t, v).Elem().Set(m)
		}
		if n == 0 {
			return
		}
		var keys []string
		switch mode {
		case 0:
			if rlen != n {
				d.fail(errors.New("map: same-keys mode without a matching reference"))
				return
			}
			keys = d.prevKeys[rptr]
			if keys == nil {
				keys = make([]string, 0, n)
				for it := rm.MapRange(); it.Next(); {
					keys = append(keys, it.Key().String())
				}
				slices.Sort(keys)
			}
		case 1:
			keys = decMapKeys(d, n, func() (k string) {
				p.key.dec(d, unsafe.Pointer(&k), nil)
				return k
			}, func(a, b string) bool { return a < b })
		default:
			d.fail(errors.New("map: bad mode"))
			return
		}
		if d.err != nil || !d.chargeSteps(n) {
			return
		}
		// Each value starts as its reference's (or zero); the column changes some.
		kv, vv := reflect.New(p.t.Key()).Elem(), reflect.New(vt).Elem()
		for _, k := range keys {
			if inPlace {
				break
			}
			kv.SetString(k)
			vv.SetZero()
			if rm.IsValid() {
				if x := rm.MapIndex(kv); x.IsValid() {
					vv.Set(x)
				}
			}
			m.SetMapIndex(kv, vv)
		}
		var changed []int
		var vals []reflect.Value
		d.column(vp, n, false, func(i int) (unsafe.Pointer, unsafe.Pointer) {
			kv.SetString(keys[i])
			val := reflect.New(vt)
			var ref unsafe.Pointer
			if rm.IsValid() {
				if x := rm.MapIndex(kv); x.IsValid() {
					val.Elem().Set(x)
					rv := reflect.New(vt)
					rv.Elem().Set(x)
					ref = rv.UnsafePointer()
				}
			}
			// The value is decoded into val after this returns; the map takes it then.
			changed, vals = append(changed, i), append(vals, val)
			return val.UnsafePointer(), ref
		})
		for j, i := range changed {
			kv.SetString(keys[i])
			m.SetMapIndex(kv, vals[j].Elem())
		}
		d.keys[m.UnsafePointer()] = keys
	}
}

// refMap is the map at r (invalid if r is nil) and its pointer, as a value of its own: in
// place (blockDecoder.inPlace) r is also where the decoded map goes.
func refMap(t reflect.Type, r unsafe.Pointer) (reflect.Value, unsafe.Pointer) {
	if r == nil {
		return reflect.Value{}, nil
	}
	ptr := *(*unsafe.Pointer)(r)
	return reflect.NewAt(t, unsafe.Pointer(&ptr)).Elem(), ptr
}

func encStrU64Map2(e *encoder, v, r unsafe.Pointer) bool {
	m := *(*map[string]uint64)(v)
	rm := refStrU64Map(r)
	dl := mapLenCode(m) - mapLenCode(rm)
	e.varint(int64(dl))
	if len(m) == 0 {
		return dl != 0
	}
	keys, d, same := e.strU64Deltas(m, rm)
	changed := !same || dl != 0
	if same {
		e.buf = append(e.buf, 0)
	} else {
		e.buf = append(e.buf, 1)
		for _, k := range keys {
			e.str(k, "")
		}
	}
	return e.numColumn(d, false, false) || changed
}

func decStrU64Map2(d *decoder, v, r unsafe.Pointer) {
	rm := refStrU64Map(r)
	n, isNil := d.count2(mapLenCode(rm), len(rm), 1)
	if isNil || !d.charge(48*n+48) {
		if v == r && isNil {
			*(*map[string]uint64)(v) = nil
		}
		return
	}
	if n == 0 {
		*(*map[string]uint64)(v) = map[string]uint64{}
		return
	}
	var m map[string]uint64
	var keys []string
	switch d.byte() {
	case 0:
		rk, ok := d.prevKeys[mapPtr(rm)]
		if !ok {
			rk = sortedKeys(rm)
		}
		if len(rk) != n || len(rm) != n {
			d.fail(errors.New("map: same-keys mode without a matching reference"))
			return
		}
		keys = rk
		m = rm // in place (blockDecoder.inPlace) the map is its own reference
		if v != r {
			m = maps.Clone(rm) // the same keys: a copy of the table is faster than n inserts
		}
	case 1:
		m = make(map[string]uint64, n)
		keys = decMapKeys(d, n, func() string { return d.str("") }, func(a, b string) bool { return a < b })
	default:
		d.fail(errors.New("map: bad mode"))
		return
	}
	if d.err != nil || !d.chargeSteps(n) {
		return
	}
	*(*map[string]uint64)(v) = m
	idx, val := d.numColumn(n, false, false)
	if len(m) == 0 { // mode 1: the values start as the reference's of the same key, or zero
		for _, k := range keys {
			m[k] = rm[k]
		}
	}
	for j, i := range idx {
		m[keys[i]] += uint64(val[j])
	}
	d.keys[mapPtr(m)] = keys
}

func genericMapColumnOps(p *plan) (encFunc, decFunc) {
	kp, vp := p.key, p.elem
	cmpKeys := keyCompare(kp.kind)
	kt, vt := p.t.Key(), p.t.Elem()
	enc := func(e *encoder, v, r unsafe.Pointer) bool {
		m, rm, dl := e.mapLens(p.t, v, r)
		if m.Len() == 0 {
			return dl != 0
		}
		keys := m.MapKeys()
		slices.SortFunc(keys, cmpKeys)
		same := rm.IsValid() && rm.Len() == m.Len()
		for i := 0; same && i < len(keys); i++ {
			same = rm.MapIndex(keys[i]).IsValid()
		}
		if same {
			e.buf = append(e.buf, 0)
		} else {
			e.buf = append(e.buf, 1)
			kv := reflect.New(kt)
			for _, k := range keys {
				kv.Elem().Set(k)
				kp.enc(e, kv.UnsafePointer(), nil)
			}
		}
		vals, refs := mapValues(m, rm, keys, vt)
		changed := e.column(vp, len(keys), false, func(i int) (unsafe.Pointer, unsafe.Pointer) {
			return vals[i], refs[i]
		})
		return changed || !same || dl != 0
	}
	dec := func(d *decoder, v, r unsafe.Pointer) {
		rm, _ := refMap(p.t, r)
		rlen := 0
		if rm.IsValid() {
			rlen = rm.Len()
		}
		n, isNil := d.count2(reflectLenCode(rm), rlen, float64(max(kp.minLen, 1)))
		if isNil || !d.charge(n*int(kt.Size()+vt.Size()+16)+48) {
			if v == r && isNil { // in place (blockDecoder.inPlace): v held the reference
				reflect.NewAt(p.t, v).Elem().SetZero()
			}
			return
		}
		m := reflect.MakeMapWithSize(p.t, n)
		reflect.NewAt(p.t, v).Elem().Set(m)
		if n == 0 {
			return
		}
		var keys []reflect.Value
		switch d.byte() {
		case 0:
			if rlen != n {
				d.fail(errors.New("map: same-keys mode without a matching reference"))
				return
			}
			keys = rm.MapKeys()
			slices.SortFunc(keys, cmpKeys)
		case 1:
			keys = decMapKeys(d, n, func() reflect.Value {
				kv := reflect.New(kt)
				kp.dec(d, kv.UnsafePointer(), nil)
				return kv.Elem()
			}, func(a, b reflect.Value) bool { return cmpKeys(a, b) < 0 })
		default:
			d.fail(errors.New("map: bad mode"))
			return
		}
		if d.err != nil || !d.chargeSteps(n) {
			return
		}
		// Each value starts as its reference's (or zero); the column changes some.
		vals, refs := mapValues(rm, rm, keys, vt)
		d.column(vp, n, false, func(i int) (unsafe.Pointer, unsafe.Pointer) { return vals[i], refs[i] })
		for i, k := range keys {
			m.SetMapIndex(k, reflect.NewAt(vt, vals[i]).Elem())
		}
	}
	return enc, dec
}

// mapValues copies, for each key, m's value and rm's value (nil where rm has none) into
// addressable memory. m may be rm: the values then start as the reference's.
func mapValues(m, rm reflect.Value, keys []reflect.Value, vt reflect.Type) (vals, refs []unsafe.Pointer) {
	vals, refs = make([]unsafe.Pointer, len(keys)), make([]unsafe.Pointer, len(keys))
	for i, k := range keys {
		nv := reflect.New(vt)
		if m.IsValid() {
			if x := m.MapIndex(k); x.IsValid() {
				nv.Elem().Set(x)
			}
		}
		vals[i] = nv.UnsafePointer()
		if rm.IsValid() {
			if x := rm.MapIndex(k); x.IsValid() {
				rv := reflect.New(vt)
				rv.Elem().Set(x)
				refs[i] = rv.UnsafePointer()
			}
		}
	}
	return vals, refs
}

// decMapKeys reads the n keys of a map column written whole (mode 1), each with key: they must
// come in increasing order (less), as the encoder sorts them, or d fails and the keys read so
// far are returned; the caller checks d.err.
func decMapKeys[K any](d *decoder, n int, key func() K, less func(a, b K) bool) []K {
	keys := make([]K, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := key()
		if i > 0 && !less(keys[i-1], k) {
			d.fail(errors.New("map: keys out of order"))
			break
		}
		keys = append(keys, k)
	}
	return keys
}
