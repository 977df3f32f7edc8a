package record

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sync"
	"time"
	"unsafe"
)

// A plan encodes and decodes values of one Go type. It is compiled once per type by walking
// the type with reflect; afterwards encoding and decoding run over raw memory (unsafe.Pointer
// plus field offsets) with no per-value reflection, as encoding/gob's engines do.
//
// Every value is encoded against a reference: the value at the same place in the previous
// sample of the block, or nil for "no previous value" (the zero value). A struct starts with a
// mask of its fields that differ from the reference, and only those follow; an unchanged
// field costs nothing and decodes as the reference's value (shared, not copied: decoded
// values are immutable). The delta rules per kind are in docs/file-format.md ("Values").
type plan struct {
	t      reflect.Type
	kind   kind
	minLen int // fewest bytes one value encodes to; bounds the counts a decoder accepts
	work   int // decoding steps one value takes, not counting slice and map elements
	enc    encFunc
	dec    decFunc
	cp     copyFunc // copies an unchanged value from the reference
	zero   func(unsafe.Pointer)

	fields []fieldPlan // struct
	keys   []int       // struct: indexes of key fields in fields
	elem   *plan       // slice, array, pointer, map value
	key    *plan       // map key
}

type fieldPlan struct {
	name string
	off  uintptr
	p    *plan
	key  bool
}

// encFunc appends the encoding of *p against reference *r (r nil: the zero value) and
// reports whether *p differs from the reference (if not, a struct drops what it wrote).
type encFunc func(e *encoder, p, r unsafe.Pointer) bool

// copyFunc sets *dst to *src, sharing what *src points to.
type copyFunc func(d *decoder, dst, src unsafe.Pointer)

// decFunc decodes into *p, which is zeroed memory, against reference *r (r nil: zero value).
type decFunc func(d *decoder, p, r unsafe.Pointer)

var (
	planMu    sync.Mutex
	planCache = map[planKey]*plan{}
)

// planKey names a compiled plan: a Go type encoded by one format version's rules.
type planKey struct {
	t   reflect.Type
	ver int
}

// planFor compiles (or returns the cached) plan of t under format version ver's encodings.
func planFor(t reflect.Type, ver int) (*plan, error) {
	if ver < version1 || ver > FormatVersion {
		return nil, fmt.Errorf("format version %d unknown", ver)
	}
	planMu.Lock()
	defer planMu.Unlock()
	return compile(t, map[reflect.Type]bool{}, ver)
}

func compile(t reflect.Type, busy map[reflect.Type]bool, ver int) (*plan, error) {
	if p, ok := planCache[planKey{t, ver}]; ok {
		return p, nil
	}
	if busy[t] {
		return nil, fmt.Errorf("%s: %w", t, errRecursive)
	}
	busy[t] = true
	defer delete(busy, t)
	k, err := kindOf(t)
	if err != nil {
		return nil, err
	}
	p := &plan{t: t, kind: k, minLen: 1, work: 1}
	switch k {
	case kBool:
		p.enc, p.dec = encBool, decBool
	case kInt8:
		p.enc, p.dec = intOps[int8]()
	case kInt16:
		p.enc, p.dec = intOps[int16]()
	case kInt32:
		p.enc, p.dec = intOps[int32]()
	case kInt64:
		p.enc, p.dec = intOps[int64]()
	case kUint8:
		p.enc, p.dec = intOps[uint8]()
	case kUint16:
		p.enc, p.dec = intOps[uint16]()
	case kUint32:
		p.enc, p.dec = intOps[uint32]()
	case kUint64:
		p.enc, p.dec = intOps[uint64]()
	case kFloat32:
		p.enc, p.dec = encFloat32, decFloat32
	case kFloat64:
		p.enc, p.dec = encFloat64, decFloat64
	case kString:
		p.enc, p.dec = encString, decString
	case kTime:
		p.minLen = 2
		p.enc, p.dec = encTime, decTime
		if ver >= version2 {
			p.minLen = 1
			p.enc, p.dec = encTime2, decTime2
		}
	case kStruct:
		p.minLen = 0
		for _, f := range recordedFields(t) {
			fp, err := compile(f.Type, busy, ver)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t, f.Name, err)
			}
			_, key := recordTag(f)
			if key {
				if !fp.kind.keyable() {
					return nil, fmt.Errorf("%s.%s: a key field must be a bool, integer or string", t, f.Name)
				}
				p.keys = append(p.keys, len(p.fields))
			}
			p.fields = append(p.fields, fieldPlan{name: f.Name, off: f.Offset, p: fp, key: key})
			p.minLen = 1 // the change mask
			p.work = addWork(p.work, fp.work)
		}
		p.enc, p.dec, p.cp = structOps(p)
	case kPointer:
		if p.elem, err = compile(t.Elem(), busy, ver); err != nil {
			return nil, err
		}
		p.work = addWork(1, p.elem.work)
		p.enc, p.dec = pointerOps(p)
	case kSlice:
		if p.elem, err = compile(t.Elem(), busy, ver); err != nil {
			return nil, err
		}
		switch {
		case ver >= version2 && len(p.elem.keys) > 0:
			p.enc, p.dec = keyedColumnOps(p)
		case ver >= version2:
			p.enc, p.dec = sliceColumnOps(p)
		case len(p.elem.keys) > 0:
			p.enc, p.dec = keyedSliceOps(p)
		default:
			p.enc, p.dec = sliceOps(p)
		}
	case kArray:
		if p.elem, err = compile(t.Elem(), busy, ver); err != nil {
			return nil, err
		}
		p.minLen = t.Len() * p.elem.minLen
		p.work = addWork(1, mulWork(t.Len(), p.elem.work))
		p.enc, p.dec = arrayOps(p)
		if ver >= version2 {
			p.minLen = 1 // the column's mode
			p.enc, p.dec = arrayColumnOps(p)
		}
	case kMap:
		if p.key, err = compile(t.Key(), busy, ver); err != nil {
			return nil, err
		}
		if !p.key.kind.keyable() {
			return nil, fmt.Errorf("%s: map keys must be bools, integers or strings", t)
		}
		if p.elem, err = compile(t.Elem(), busy, ver); err != nil {
			return nil, err
		}
		p.enc, p.dec = mapOps(p)
		if ver >= version2 {
			p.enc, p.dec = mapColumnOps(p)
		}
	}
	if p.cp == nil {
		p.cp = copyOp(p)
	}
	p.zero = zeroOp(p.t)
	planCache[planKey{t, ver}] = p
	return p, nil
}

// copyOp makes the copy function of a non-struct plan.
func copyOp(p *plan) copyFunc {
	switch {
	case p.kind == kString:
		return func(_ *decoder, dst, src unsafe.Pointer) { *(*string)(dst) = *(*string)(src) }
	case p.kind == kTime:
		return func(_ *decoder, dst, src unsafe.Pointer) { *(*time.Time)(dst) = *(*time.Time)(src) }
	case p.kind == kPointer:
		return func(_ *decoder, dst, src unsafe.Pointer) { *(*unsafe.Pointer)(dst) = *(*unsafe.Pointer)(src) }
	case p.kind == kMap:
		return func(d *decoder, dst, src unsafe.Pointer) {
			m := *(*unsafe.Pointer)(src)
			*(*unsafe.Pointer)(dst) = m
			// The map is the same in this sample: so is its key order.
			if k, ok := d.prevKeys[m]; ok {
				d.keys[m] = k
			}
		}
	case p.kind == kSlice:
		return func(_ *decoder, dst, src unsafe.Pointer) { *(*sliceHeader)(dst) = *(*sliceHeader)(src) }
	case p.kind == kArray && hasPointers(p.t):
		el, size, n := p.elem, p.elem.t.Size(), p.t.Len()
		return func(d *decoder, dst, src unsafe.Pointer) {
			for i := range n {
				el.cp(d, unsafe.Add(dst, uintptr(i)*size), unsafe.Add(src, uintptr(i)*size))
			}
		}
	}
	size := p.t.Size()
	return func(_ *decoder, dst, src unsafe.Pointer) {
		copy(unsafe.Slice((*byte)(dst), size), unsafe.Slice((*byte)(src), size))
	}
}

// Work counts saturate, so that a hostile schema's nested arrays cannot overflow them.
const maxWork = 1 << 40

func addWork(a, b int) int { return min(a+b, maxWork) }

func mulWork(n, w int) int {
	if n != 0 && w > maxWork/n {
		return maxWork
	}
	return n * w
}

// encoder holds the per-block state of the writer side: the output, the block's string table
// and what it keeps of the maps of the previous sample.
type encoder struct {
	buf      []byte
	strs     map[string]uint64
	keys     map[unsafe.Pointer]strU64Memo // string-keyed maps of this sample → sorted keys, values
	prevKeys map[unsafe.Pointer]strU64Memo // the same for the previous sample (the reference)
	keyBuf   []byte
	// spareVals are the values of memos no longer needed, for the next ones to reuse.
	spareVals [][]uint64
	// lookupMaps makes maps take the general path, which looks every key up in both maps
	// (tests compare the bytes of both paths).
	lookupMaps bool

	// Version 2 only. ints is a stack of scratch indexes (a keyed slice's matches), which
	// nested values push onto and pop; deltas is a numeric column's scratch, never held while
	// another value is encoded. times is what times are written against (§4.2).
	ints   []int
	deltas []int64
	flags  []bool
	times  timeState
}

func newEncoder() *encoder {
	return &encoder{strs: map[string]uint64{}, keys: map[unsafe.Pointer]strU64Memo{}, prevKeys: map[unsafe.Pointer]strU64Memo{}}
}

// resetBlock forgets the string table and references: the next sample is a key sample.
func (e *encoder) resetBlock() {
	clear(e.strs)
	e.dropMemos(e.keys)
	e.dropMemos(e.prevKeys)
	e.times = timeState{}
}

// encode appends one sample: *p against reference *r (nil for a key sample).
func (e *encoder) encode(pl *plan, p, r unsafe.Pointer) []byte {
	e.prevKeys, e.keys = e.keys, e.prevKeys
	e.dropMemos(e.keys)
	e.buf = e.buf[:0]
	e.times.startSample()
	pl.enc(e, p, r)
	return e.buf
}

// dropMemos empties memos, keeping their values' arrays for reuse. Each memo has its own
// (the keys may be shared, the values never are).
func (e *encoder) dropMemos(memos map[unsafe.Pointer]strU64Memo) {
	for _, m := range memos {
		e.spareVals = append(e.spareVals, m.vals)
	}
	clear(memos)
}

// takeVals returns room for n values of a memo.
func (e *encoder) takeVals(n int) []uint64 {
	k := len(e.spareVals)
	if k == 0 {
		return make([]uint64, n)
	}
	v := e.spareVals[k-1]
	e.spareVals = e.spareVals[:k-1]
	return slices.Grow(v[:0], n)[:n]
}

func (e *encoder) uvarint(v uint64) {
	if v < 0x80 {
		e.buf = append(e.buf, byte(v))
		return
	}
	e.buf = appendUvarint(e.buf, v)
}

func (e *encoder) varint(v int64) { e.uvarint(uint64(v<<1) ^ uint64(v>>63)) }

// str writes s as 0 when it equals the reference, else as 1+its index in the block's string
// table; a string new to the block follows its index (length + bytes) once.
func (e *encoder) str(s, ref string) {
	if s == ref {
		e.buf = append(e.buf, 0)
		return
	}
	if i, ok := e.strs[s]; ok {
		e.uvarint(i + 1)
		return
	}
	i := uint64(len(e.strs))
	e.strs[s] = i
	e.uvarint(i + 1)
	e.buf = appendString(e.buf, s)
}

// decoder is the reader side of encoder. It never panics on bad input: a failed read sets err
// (sticky), and counts are checked against the bytes left and an allocation budget before
// anything is allocated.
type decoder struct {
	byteReader
	strs     []string
	keys     map[unsafe.Pointer][]string
	prevKeys map[unsafe.Pointer][]string
	budget   int // bytes this sample (version 2: this block) may still allocate
	steps    int // decoding steps this sample (version 2: this block) may still take

	// Version 2 only: the budgets are the block's (set by resetBlock), and the scratch and
	// time state mirror the encoder's.
	perBlock bool
	ints     []int
	colIdx   []int32
	colVal   []int64
	times    timeState

	// Decoding in place (blockDecoder.inPlace): spare holds, per keyed slice, an array its
	// slice no longer uses, for the next sample whose elements move.
	spare map[*plan]sliceHeader
}

var errBudget = errors.New("sample would take too much memory or time to decode")

func newDecoder() *decoder {
	return &decoder{keys: map[unsafe.Pointer][]string{}, prevKeys: map[unsafe.Pointer][]string{}}
}

// resetBlock forgets the string table and references; raw is the block's whole raw stream,
// whose length sets the budgets of a version 2 block.
func (d *decoder) resetBlock(ver, raw int) {
	d.strs = d.strs[:0]
	clear(d.keys)
	clear(d.prevKeys)
	clear(d.spare)
	d.times = timeState{}
	d.perBlock = ver >= version2
	if d.perBlock {
		// A version 2 sample may copy what its reference holds for no bytes at all (an
		// unchanged column costs nothing per element), so its allocations are bounded by its
		// block's bytes rather than its own: 512× the raw block plus 64 MiB covers a block of
		// tens of thousands of processes, and a few hostile bytes still cannot make a reader
		// allocate without bound.
		d.budget = 512*raw + 64<<20
		d.steps = 256*raw + 1<<20
	}
}

// decode reads one sample into *p (zeroed) against reference *r.
func (d *decoder) decode(pl *plan, b []byte, p, r unsafe.Pointer) error {
	d.prevKeys, d.keys = d.keys, d.prevKeys
	clear(d.keys)
	d.byteReader = byteReader{b: b}
	d.times.startSample()
	if !d.perBlock {
		// A sample may allocate many times its encoded size (an unchanged element of a slice
		// is one byte, its copy a few hundred), but not without bound: elements are at least
		// a byte each, so 512× plus 16 MiB covers any real sample (tens of thousands of
		// processes).
		d.budget = 512*len(b) + 16<<20
		// Likewise steps: a schema can make values that take many steps for few bytes
		// (arrays of empty structs); real samples take well under 256 steps per byte.
		d.steps = 256*len(b) + 1<<16
	}
	if d.chargeSteps(pl.work) {
		pl.dec(d, p, r)
	}
	if d.err == nil && d.left() != 0 {
		d.err = fmt.Errorf("%d bytes left after the sample", d.left())
	}
	return d.err
}

func (d *decoder) str(ref string) string {
	c := d.uvarint()
	switch {
	case c == 0:
		return ref
	case c <= uint64(len(d.strs)):
		return d.strs[c-1]
	case c == uint64(len(d.strs))+1:
		n := d.uvarint()
		b := d.bytes(n)
		if d.err != nil {
			return ""
		}
		s := string(b)
		d.strs = append(d.strs, s)
		return s
	}
	d.fail(fmt.Errorf("string index %d beyond table of %d", c, len(d.strs)))
	return ""
}

// alloc returns zeroed memory for one value of t, charged to the budget.
func (d *decoder) alloc(t reflect.Type) unsafe.Pointer {
	if !d.charge(int(t.Size())) {
		return nil
	}
	return reflect.New(t).UnsafePointer()
}

func (d *decoder) charge(n int) bool {
	d.budget -= n
	if d.budget < 0 {
		d.fail(errBudget)
		return false
	}
	return true
}

func (d *decoder) chargeSteps(n int) bool {
	d.steps -= n
	if d.steps < 0 {
		d.fail(errBudget)
		return false
	}
	return true
}

// count reads a length code (0 nil, n+1 for n elements) as a delta against the reference's,
// and checks that n elements of at least minLen bytes each can still follow, and that their
// work steps each fit in the budget.
func (d *decoder) count(ref, minLen, work int) (n int, isNil bool) {
	c := int64(ref) + d.varint()
	if d.err != nil || c <= 0 {
		if c < 0 {
			d.fail(fmt.Errorf("negative length %d", c-1))
		}
		return 0, true
	}
	n64 := c - 1
	limit := int64(1 << 16) // elements that encode to nothing: bounded by the budget below
	if minLen > 0 {
		limit = int64(d.left() / minLen)
	}
	if n64 > limit {
		d.fail(fmt.Errorf("length %d exceeds what the data can hold", n64))
		return 0, true
	}
	if !d.chargeSteps(mulWork(int(n64), work)) {
		return 0, true
	}
	return int(n64), false
}

// --- scalars ---

func encBool(e *encoder, p, r unsafe.Pointer) bool {
	var v, rv byte
	if *(*bool)(p) {
		v = 1
	}
	if r != nil && *(*bool)(r) {
		rv = 1
	}
	e.buf = append(e.buf, v^rv)
	return v != rv
}

func decBool(d *decoder, p, r unsafe.Pointer) {
	rv := r != nil && *(*bool)(r)
	switch d.byte() {
	case 0:
		*(*bool)(p) = rv
	case 1:
		*(*bool)(p) = !rv
	default:
		d.fail(errors.New("bad bool"))
	}
}

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

// intOps encode an integer as the zigzag varint of its difference from the reference, taken
// at the integer's own width: a 32-bit counter that wraps makes a small delta, not a huge one.
func intOps[T integer]() (encFunc, decFunc) {
	shift := 64 - 8*unsafe.Sizeof(T(0))
	enc := func(e *encoder, p, r unsafe.Pointer) bool {
		v := *(*T)(p)
		var rv T
		if r != nil {
			rv = *(*T)(r)
		}
		e.varint(int64(uint64(v-rv)<<shift) >> shift)
		return v != rv
	}
	dec := func(d *decoder, p, r unsafe.Pointer) {
		var rv T
		if r != nil {
			rv = *(*T)(r)
		}
		*(*T)(p) = rv + T(d.varint())
	}
	return enc, dec
}

// Floats from /proc are decimals with two places (loadavg, uptime, PSI). Such a value is
// written as the delta of its hundredths when it and its reference both convert exactly; any
// other float is written as its bits XOR the reference's. The low bit of the first varint says
// which: even = hundredths delta (zigzag << 1), 1 = 8 raw XOR bytes follow.
const maxCents = 1 << 52

func cents64(v float64) (int64, bool) {
	c := math.Round(v * 100)
	if math.Abs(c) < maxCents && c/100 == v && math.Float64bits(v) != 1<<63 { // -0 is not exact
		return int64(c), true
	}
	return 0, false
}

func cents32(v float32) (int64, bool) {
	c := math.Round(float64(v) * 100)
	if math.Abs(c) < maxCents && float32(c/100) == v && math.Float32bits(v) != 1<<31 {
		return int64(c), true
	}
	return 0, false
}

func encCents(e *encoder, c, rc int64) { e.uvarint(zigzag(c-rc) << 1) }

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// A float is written against its reference as a delta of cents when both are whole cents
// (most gauges are), else as the XOR of their bits: 1, then 8 bytes. The float64 and float32
// ops below differ only in how they find cents and bits.

func encFloat(e *encoder, c, rc int64, cents bool, bits, rbits uint64) bool {
	if cents {
		encCents(e, c, rc)
	} else {
		e.buf = append(e.buf, 1)
		e.buf = appendU64(e.buf, bits^rbits)
	}
	return bits != rbits
}

// decFloat reads what encFloat wrote: the cents (isCents) or the bits, each already applied
// to the reference's.
func decFloat(d *decoder, rc int64, rok bool, rbits uint64) (c int64, bits uint64, isCents bool) {
	u := d.uvarint()
	switch {
	case u == 1:
		return 0, d.u64() ^ rbits, false
	case u&1 == 0:
		c := rc + unzigzag(u>>1)
		if !rok || c <= -maxCents || c >= maxCents {
			d.fail(errors.New("bad float delta"))
			return 0, 0, false
		}
		return c, 0, true
	default:
		d.fail(errors.New("bad float mode"))
		return 0, 0, false
	}
}

func encFloat64(e *encoder, p, r unsafe.Pointer) bool {
	v := *(*float64)(p)
	var rv float64
	if r != nil {
		rv = *(*float64)(r)
	}
	c, ok := cents64(v)
	rc, rok := cents64(rv)
	return encFloat(e, c, rc, ok && rok, math.Float64bits(v), math.Float64bits(rv))
}

func decFloat64(d *decoder, p, r unsafe.Pointer) {
	var rv float64
	if r != nil {
		rv = *(*float64)(r)
	}
	rc, rok := cents64(rv)
	c, bits, isCents := decFloat(d, rc, rok, math.Float64bits(rv))
	switch {
	case d.err != nil:
	case isCents:
		*(*float64)(p) = float64(c) / 100
	default:
		*(*float64)(p) = math.Float64frombits(bits)
	}
}

func encFloat32(e *encoder, p, r unsafe.Pointer) bool {
	v := *(*float32)(p)
	var rv float32
	if r != nil {
		rv = *(*float32)(r)
	}
	c, ok := cents32(v)
	rc, rok := cents32(rv)
	return encFloat(e, c, rc, ok && rok, uint64(math.Float32bits(v)), uint64(math.Float32bits(rv)))
}

func decFloat32(d *decoder, p, r unsafe.Pointer) {
	var rv float32
	if r != nil {
		rv = *(*float32)(r)
	}
	rc, rok := cents32(rv)
	c, bits, isCents := decFloat(d, rc, rok, uint64(math.Float32bits(rv)))
	switch {
	case d.err != nil:
	case isCents:
		*(*float32)(p) = float32(float64(c) / 100)
	case bits>>32 != 0:
		d.fail(errors.New("bad float32 bits"))
	default:
		*(*float32)(p) = math.Float32frombits(uint32(bits))
	}
}

func appendU64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

func encString(e *encoder, p, r unsafe.Pointer) bool {
	var rs string
	if r != nil {
		rs = *(*string)(r)
	}
	s := *(*string)(p)
	e.str(s, rs)
	return s != rs
}

func decString(d *decoder, p, r unsafe.Pointer) {
	var rs string
	if r != nil {
		rs = *(*string)(r)
	}
	*(*string)(p) = d.str(rs)
}

// zeroUnix is time.Time{}.Unix(): the reference of a time with no previous value, and the
// value that decodes back to the zero Time.
var zeroUnix = time.Time{}.Unix()

// Times are written as two deltas, of Unix seconds and of nanoseconds. They decode in the
// local zone (the instant is exact; the zone and the monotonic reading are not recorded).
func encTime(e *encoder, p, r unsafe.Pointer) bool {
	t := (*time.Time)(p)
	rs, rn := zeroUnix, int64(0)
	if r != nil {
		rt := (*time.Time)(r)
		rs, rn = rt.Unix(), int64(rt.Nanosecond())
	}
	ds, dn := t.Unix()-rs, int64(t.Nanosecond())-rn
	e.varint(ds)
	e.varint(dn)
	return ds != 0 || dn != 0
}

func decTime(d *decoder, p, r unsafe.Pointer) {
	rs, rn := zeroUnix, int64(0)
	if r != nil {
		rt := (*time.Time)(r)
		rs, rn = rt.Unix(), int64(rt.Nanosecond())
	}
	s := rs + d.varint()
	n := rn + d.varint()
	switch {
	case d.err != nil:
	case n < 0 || n >= 1e9:
		d.fail(errors.New("bad nanoseconds"))
	case s == zeroUnix && n == 0:
		*(*time.Time)(p) = time.Time{}
	default:
		*(*time.Time)(p) = time.Unix(s, n)
	}
}

// --- composites ---

func structOps(p *plan) (encFunc, decFunc, copyFunc) {
	enc := func(e *encoder, v, r unsafe.Pointer) bool { return encGroup(e, p, v, r, groupAll) }
	dec := func(d *decoder, v, r unsafe.Pointer) { decGroup(d, p, v, r, groupAll) }
	if !hasPointers(p.t) {
		size := p.t.Size()
		return enc, dec, func(_ *decoder, dst, src unsafe.Pointer) {
			copy(unsafe.Slice((*byte)(dst), size), unsafe.Slice((*byte)(src), size))
		}
	}
	t := p.t
	cp := func(d *decoder, dst, src unsafe.Pointer) {
		// One typed copy: faster than field by field, and it keeps the garbage collector's
		// write barriers. Maps inside keep their key order for the next sample.
		reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())
		keepMapKeys(d, p, src)
	}
	return enc, dec, cp
}

// keepMapKeys carries the key order of the maps among struct st's fields at v, a value of the
// reference that this sample shares, over to this sample.
func keepMapKeys(d *decoder, st *plan, v unsafe.Pointer) {
	for i := range st.fields {
		if f := &st.fields[i]; f.p.kind == kMap {
			m := *(*unsafe.Pointer)(unsafe.Add(v, f.off))
			if k, ok := d.prevKeys[m]; ok {
				d.keys[m] = k
			}
		}
	}
}

// unchangedStruct reports whether the next value is a struct of plan st that decGroup would
// copy whole from its reference: a mask of zero for all of its (at most 64) fields.
func (d *decoder) unchangedStruct(st *plan) bool {
	n := len(st.fields)
	return st.kind == kStruct && n > 0 && n <= 64 && d.pos < len(d.b) && d.b[d.pos] == 0
}

// Field groups a mask covers: all fields, or only the non-key ones (elements of a keyed
// slice, whose keys are written apart).
const (
	groupAll = iota
	groupNonKey
)

// encGroup writes a struct's fields of a group as a change mask followed by the changed
// fields. The mask is one uvarint per 64 fields (bit i: field i of the group changed); it is
// written after the fields are tried and then moved in front of them.
func encGroup(e *encoder, st *plan, v, r unsafe.Pointer, group int) bool {
	start := len(e.buf)
	var small [4]uint64
	masks := small[:0]
	k := 0
	for i := range st.fields {
		f := &st.fields[i]
		if group == groupNonKey && f.key {
			continue
		}
		if k%64 == 0 {
			masks = append(masks, 0)
		}
		var rf unsafe.Pointer
		if r != nil {
			rf = unsafe.Add(r, f.off)
		}
		before := len(e.buf)
		if f.p.enc(e, unsafe.Add(v, f.off), rf) {
			masks[k/64] |= 1 << (k % 64)
		} else {
			e.buf = e.buf[:before]
		}
		k++
	}
	if k == 0 {
		return false // no fields in the group: no mask
	}
	changed := false
	var head [binary.MaxVarintLen64 * 4]byte
	h := head[:0]
	for _, m := range masks {
		h = appendUvarint(h, m)
		changed = changed || m != 0
	}
	body := len(e.buf) - start
	e.buf = append(e.buf, h...)
	copy(e.buf[start+len(h):], e.buf[start:start+body])
	copy(e.buf[start:], h)
	return changed
}

func decGroup(d *decoder, st *plan, v, r unsafe.Pointer, group int) {
	n := len(st.fields)
	if group == groupNonKey {
		n -= len(st.keys)
	}
	if n == 0 {
		return
	}
	// An unchanged struct of up to 64 fields is one zero byte: copy it whole. (In a keyed
	// slice the reference element has the same key, so copying the keys too is harmless.)
	if r != nil && n <= 64 && d.pos < len(d.b) && d.b[d.pos] == 0 {
		d.pos++
		st.cp(d, v, r)
		return
	}
	// The mask words come first, one per 64 fields.
	var small [4]uint64
	masks := small[:0]
	for range (n + 63) / 64 {
		masks = append(masks, d.uvarint())
	}
	k := 0
	for i := range st.fields {
		f := &st.fields[i]
		if group == groupNonKey && f.key {
			continue
		}
		fv := unsafe.Add(v, f.off)
		var rf unsafe.Pointer
		if r != nil {
			rf = unsafe.Add(r, f.off)
		}
		switch {
		case masks[k/64]&(1<<(k%64)) != 0:
			f.p.dec(d, fv, rf)
		case rf != nil:
			f.p.cp(d, fv, rf)
		}
		if d.err != nil {
			return
		}
		k++
	}
}

// hasPointers reports whether values of t hold pointers (then copying them must go through
// typed stores, which the garbage collector sees).
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.String, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	}
	return false
}

// Pointers: a presence byte (0 nil, 1 set), then the pointee against the reference's pointee.
func pointerOps(p *plan) (encFunc, decFunc) {
	el := p.elem
	enc := func(e *encoder, v, r unsafe.Pointer) bool {
		q := *(*unsafe.Pointer)(v)
		var rq unsafe.Pointer
		if r != nil {
			rq = *(*unsafe.Pointer)(r)
		}
		if q == nil {
			e.buf = append(e.buf, 0)
			return rq != nil
		}
		e.buf = append(e.buf, 1)
		return el.enc(e, q, rq) || rq == nil
	}
	dec := func(d *decoder, v, r unsafe.Pointer) {
		switch d.byte() {
		case 0:
			if v == r { // in place (blockDecoder.inPlace): v held the reference
				*(*unsafe.Pointer)(v) = nil
			}
			return
		case 1:
		default:
			d.fail(errors.New("bad pointer flag"))
			return
		}
		var rq unsafe.Pointer
		if r != nil {
			rq = *(*unsafe.Pointer)(r)
		}
		// A struct that did not change (its mask is one zero byte) is the reference's own:
		// decoded values are immutable, so the sample shares it rather than a copy: the
		// sections that did not move (host, CPU set, load, disks on a quiet second) cost no
		// allocation and nothing for the garbage collector to scan again.
		if rq != nil && d.unchangedStruct(el) {
			d.pos++
			*(*unsafe.Pointer)(v) = rq
			keepMapKeys(d, el, rq)
			return
		}
		if v == r && rq != nil {
			// In place (blockDecoder.inPlace): the value pointed to is its own reference.
			if d.charge(int(el.t.Size())) { // what alloc charges
				el.dec(d, rq, rq)
			}
			return
		}
		q := d.alloc(el.t)
		if q == nil {
			return
		}
		*(*unsafe.Pointer)(v) = q
		el.dec(d, q, rq)
	}
	return enc, dec
}

// sliceHeader is the memory layout of a Go slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// lenCode is 0 for a nil slice or map and n+1 for n elements, so nil and empty stay apart.
func sliceLenCode(h *sliceHeader) int {
	if h == nil || h.data == nil {
		return 0
	}
	return h.len + 1
}

func at(h *sliceHeader, i int, size uintptr) unsafe.Pointer {
	return unsafe.Add(h.data, uintptr(i)*size)
}

// makeSlice allocates n zeroed elements and stores the slice in *v.
func (d *decoder) makeSlice(t reflect.Type, v unsafe.Pointer, n int) *sliceHeader {
	if !d.charge(n*int(t.Elem().Size()) + 24) {
		return nil
	}
	h := (*sliceHeader)(v)
	h.data = reflect.MakeSlice(t, n, n).UnsafePointer()
	h.len, h.cap = n, n
	return h
}

// Slices: the length code as a delta against the reference's, then element i against the
// reference's element i (positional).
func sliceOps(p *plan) (encFunc, decFunc) {
	el, size := p.elem, p.elem.t.Size()
	enc := func(e *encoder, v, r unsafe.Pointer) bool {
		h, rh := (*sliceHeader)(v), (*sliceHeader)(r)
		dl := sliceLenCode(h) - sliceLenCode(rh)
		e.varint(int64(dl))
		changed := dl != 0
		for i := range h.len {
			var rp unsafe.Pointer
			if rh != nil && i < rh.len {
				rp = at(rh, i, size)
			}
			if el.enc(e, at(h, i, size), rp) {
				changed = true
			}
		}
		return changed
	}
	dec := func(d *decoder, v, r unsafe.Pointer) {
		rh := (*sliceHeader)(r)
		n, isNil := d.count(sliceLenCode(rh), el.minLen, el.work)
		if isNil {
			return
		}
		h := d.makeSlice(p.t, v, n)
		for i := 0; i < n && d.err == nil; i++ {
			var rp unsafe.Pointer
			if rh != nil && i < rh.len {
				rp = at(rh, i, size)
			}
			el.dec(d, at(h, i, size), rp)
		}
	}
	return enc, dec
}

func arrayOps(p *plan) (encFunc, decFunc) {
	el, size, n := p.elem, p.elem.t.Size(), p.t.Len()
	enc := func(e *encoder, v, r unsafe.Pointer) bool {
		changed := false
		for i := range n {
			var rp unsafe.Pointer
			if r != nil {
				rp = unsafe.Add(r, uintptr(i)*size)
			}
			if el.enc(e, unsafe.Add(v, uintptr(i)*size), rp) {
				changed = true
			}
		}
		return changed
	}
	dec := func(d *decoder, v, r unsafe.Pointer) {
		for i := 0; i < n && d.err == nil; i++ {
			var rp unsafe.Pointer
			if r != nil {
				rp = unsafe.Add(r, uintptr(i)*size)
			}
			el.dec(d, unsafe.Add(v, uintptr(i)*size), rp)
		}
	}
	return enc, dec
}
