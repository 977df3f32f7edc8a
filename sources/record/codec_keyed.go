package record

import (
	"encoding/binary"
	"errors"
	"reflect"
	"unsafe"
)

// Slices of structs with key fields (`record:"key"`: CPU id, disk name, PID + start time) are
// matched to the reference slice by key, not by position, so a process that appears or exits
// does not shift every later element's deltas. After the length code comes a mode byte:
//
//	0: same keys in the same order as the reference: each element's non-key fields follow,
//	   against the reference element at the same index;
//	1: each element starts with a match code, then its non-key fields against the matched
//	   reference element (or against zero):
//	     0    the reference element after the previous match (the cursor);
//	     1    no match, a new element: its key fields follow, against zero;
//	     2    the reference element whose index follows (a uvarint);
//	     3+s  the reference element s+1 after the cursor (s+1 elements were removed).
//
// The cursor starts at 0 and moves after each match. The writer finds the match; the reader
// only follows the codes, so it never builds a lookup table.

// lookahead is how far after the cursor the writer looks for a match before it searches the
// whole reference: removals seldom come in longer runs between two samples.
const lookahead = 16

func keyedSliceOps(p *plan) (encFunc, decFunc) {
	el, size := p.elem, p.elem.t.Size()
	nonKeyMin := 0 // an element in same-keys mode is its change mask, if it has non-key fields
	if len(el.keys) < len(el.fields) {
		nonKeyMin = 1
	}
	// An unchanged element is then a single zero byte (a one-word mask).
	oneByteMask := nonKeyMin == 1 && len(el.fields)-len(el.keys) <= 64
	enc := func(e *encoder, v, r unsafe.Pointer) bool {
		h, rh := (*sliceHeader)(v), (*sliceHeader)(r)
		dl := sliceLenCode(h) - sliceLenCode(rh)
		e.varint(int64(dl))
		if h.len == 0 {
			return dl != 0
		}
		if rh != nil && rh.len == h.len && allKeysEqual(el, h, rh, size) {
			e.buf = append(e.buf, 0)
			changed := dl != 0
			for i := range h.len {
				if encGroup(e, el, at(h, i, size), at(rh, i, size), groupNonKey) {
					changed = true
				}
			}
			return changed
		}
		e.buf = append(e.buf, 1)
		var idx keyIndex
		cursor := 0
		for i := range h.len {
			cur := at(h, i, size)
			m := encMatch(e, el, rh, size, cur, cursor, &idx)
			if m < 0 {
				encKeys(e, el, cur)
			}
			var rp unsafe.Pointer
			if m >= 0 {
				rp = at(rh, m, size)
				cursor = m + 1
			}
			encGroup(e, el, cur, rp, groupNonKey)
		}
		return true
	}
	dec := func(d *decoder, v, r unsafe.Pointer) {
		rh := (*sliceHeader)(r)
		n, isNil := d.count(sliceLenCode(rh), nonKeyMin, el.work)
		if isNil {
			return
		}
		h := d.makeSlice(p.t, v, n)
		if n == 0 || d.err != nil {
			return
		}
		rlen := 0
		if rh != nil {
			rlen = rh.len
		}
		switch d.byte() {
		case 0:
			if rlen != n {
				d.fail(errors.New("keyed slice: same-keys mode without a matching reference"))
				return
			}
			for i := 0; i < n && d.err == nil; {
				if k := unchangedRun(d, oneByteMask, n-i); k > 0 {
					copyRun(d, p.t, v, i, r, i, k)
					i += k
					continue
				}
				cur, ref := at(h, i, size), at(rh, i, size)
				copyKeys(el, cur, ref)
				decGroup(d, el, cur, ref, groupNonKey)
				i++
			}
		case 1:
			cursor := 0
			for i := 0; i < n && d.err == nil; i++ {
				// A run of elements that each match the cursor and are unchanged: code 0,
				// mask 0, code 0, mask 0, ...
				if k := matchedRun(d, oneByteMask, min(n-i, rlen-cursor)); k > 0 {
					copyRun(d, p.t, v, i, r, cursor, k)
					i += k - 1
					cursor += k
					continue
				}
				cur := at(h, i, size)
				m := -1
				switch c := d.uvarint(); {
				case c == 0:
					m = cursor
				case c == 1:
					decKeys(d, el, cur)
				case c == 2:
					m = int(min(d.uvarint(), uint64(rlen)))
				default:
					m = int(min(c-3+1, uint64(rlen))) + cursor
				}
				var rp unsafe.Pointer
				if m >= 0 {
					if m >= rlen {
						d.fail(errors.New("keyed slice: match beyond the reference"))
						return
					}
					rp = at(rh, m, size)
					copyKeys(el, cur, rp)
					cursor = m + 1
				}
				decGroup(d, el, cur, rp, groupNonKey)
			}
		default:
			d.fail(errors.New("keyed slice: bad mode"))
		}
	}
	return enc, dec
}

// unchangedRun counts the zero bytes ahead (up to limit) and consumes them: elements that are
// unchanged copies of their reference elements.
func unchangedRun(d *decoder, ok bool, limit int) int {
	if !ok {
		return 0
	}
	k := 0
	for k < limit && d.pos+k < len(d.b) && d.b[d.pos+k] == 0 {
		k++
	}
	d.pos += k
	return k
}

// matchedRun counts the "0 0" pairs ahead (match code 0, empty mask), up to limit, and
// consumes them.
func matchedRun(d *decoder, ok bool, limit int) int {
	if !ok {
		return 0
	}
	k := 0
	for k < limit && d.pos+2*k+1 < len(d.b) && d.b[d.pos+2*k] == 0 && d.b[d.pos+2*k+1] == 0 {
		k++
	}
	d.pos += 2 * k
	return k
}

// copyRun copies k elements from the reference slice (from index j) into the new one (from
// index i) with one typed copy.
func copyRun(_ *decoder, t reflect.Type, v unsafe.Pointer, i int, r unsafe.Pointer, j, k int) {
	dst := reflect.NewAt(t, v).Elem().Slice(i, i+k)
	src := reflect.NewAt(t, r).Elem().Slice(j, j+k)
	reflect.Copy(dst, src)
}

// encKeys writes an element's key fields, each against zero.
func encKeys(e *encoder, st *plan, v unsafe.Pointer) {
	for _, k := range st.keys {
		f := &st.fields[k]
		f.p.enc(e, unsafe.Add(v, f.off), nil)
	}
}

func decKeys(d *decoder, st *plan, v unsafe.Pointer) {
	for _, k := range st.keys {
		f := &st.fields[k]
		f.p.dec(d, unsafe.Add(v, f.off), nil)
	}
}

func allKeysEqual(st *plan, h, rh *sliceHeader, size uintptr) bool {
	for i := range h.len {
		if !keysEqual(st, at(h, i, size), at(rh, i, size)) {
			return false
		}
	}
	return true
}

func keysEqual(st *plan, a, b unsafe.Pointer) bool {
	for _, k := range st.keys {
		f := &st.fields[k]
		pa, pb := unsafe.Add(a, f.off), unsafe.Add(b, f.off)
		switch f.p.kind {
		case kString:
			if *(*string)(pa) != *(*string)(pb) {
				return false
			}
		case kBool, kInt8, kUint8:
			if *(*uint8)(pa) != *(*uint8)(pb) {
				return false
			}
		case kInt16, kUint16:
			if *(*uint16)(pa) != *(*uint16)(pb) {
				return false
			}
		case kInt32, kUint32:
			if *(*uint32)(pa) != *(*uint32)(pb) {
				return false
			}
		default:
			if *(*uint64)(pa) != *(*uint64)(pb) {
				return false
			}
		}
	}
	return true
}

func copyKeys(st *plan, dst, src unsafe.Pointer) {
	for _, k := range st.keys {
		f := &st.fields[k]
		pd, ps := unsafe.Add(dst, f.off), unsafe.Add(src, f.off)
		switch f.p.kind {
		case kString:
			*(*string)(pd) = *(*string)(ps)
		case kBool, kInt8, kUint8:
			*(*uint8)(pd) = *(*uint8)(ps)
		case kInt16, kUint16:
			*(*uint16)(pd) = *(*uint16)(ps)
		case kInt32, kUint32:
			*(*uint32)(pd) = *(*uint32)(ps)
		default:
			*(*uint64)(pd) = *(*uint64)(ps)
		}
	}
}

// appendKey serialises an element's key fields, for the lookup map.
func appendKey(b []byte, st *plan, v unsafe.Pointer) []byte {
	for _, k := range st.keys {
		f := &st.fields[k]
		p := unsafe.Add(v, f.off)
		switch f.p.kind {
		case kString:
			s := *(*string)(p)
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		case kBool, kInt8, kUint8:
			b = append(b, *(*uint8)(p))
		case kInt16, kUint16:
			b = binary.LittleEndian.AppendUint16(b, *(*uint16)(p))
		case kInt32, kUint32:
			b = binary.LittleEndian.AppendUint32(b, *(*uint32)(p))
		default:
			b = binary.LittleEndian.AppendUint64(b, *(*uint64)(p))
		}
	}
	return b
}

// keyIndex maps keys to the first reference element holding them; built on first need, as
// most samples never need it.
type keyIndex struct {
	m map[string]int
}

func (x *keyIndex) find(e *encoder, st *plan, rh *sliceHeader, size uintptr, v unsafe.Pointer) int {
	if rh == nil || rh.len == 0 {
		return -1
	}
	if x.m == nil {
		// The keys one after the other in one string, which the map's keys are parts of: one
		// allocation rather than one a key (a sample where a process starts builds this).
		ends, mark := e.pushInts(rh.len)
		e.keyBuf = e.keyBuf[:0]
		for i := range rh.len {
			e.keyBuf = appendKey(e.keyBuf, st, at(rh, i, size))
			ends[i] = len(e.keyBuf)
		}
		all := string(e.keyBuf)
		x.m = make(map[string]int, rh.len)
		start := 0
		for i, end := range ends {
			if _, dup := x.m[all[start:end]]; !dup {
				x.m[all[start:end]] = i
			}
			start = end
		}
		e.popInts(mark)
	}
	e.keyBuf = appendKey(e.keyBuf[:0], st, v)
	if i, ok := x.m[string(e.keyBuf)]; ok {
		return i
	}
	return -1
}
