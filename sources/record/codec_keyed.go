package record

import (
	"encoding/binary"
	"errors"
	"unsafe"
)

// Slices of structs with key fields (`record:"key"`: CPU id, disk name, PID + start time) are
// matched to the reference slice by key, not by position, so a process that appears or exits
// does not shift every later element's deltas. After the length code comes a mode byte:
//
//	0: same keys in the same order as the reference: each element's non-key fields follow,
//	   against the reference element at the same index;
//	1: per element a match code — 0: the element has the key of the reference element after
//	   the previously matched one (the usual case after an insertion or removal); 1: the key
//	   fields follow (against zero), and the element matches the first reference element with
//	   that key, if any — then the non-key fields against the matched element (or zero).
//
// Additions are elements that match nothing; removals are reference keys no element matches.

func keyedSliceOps(p *plan) (encFunc, decFunc) {
	el, size := p.elem, p.elem.t.Size()
	nonKeyMin := 0
	for _, f := range el.fields {
		if !f.key {
			nonKeyMin += f.p.minLen
		}
	}
	enc := func(e *encoder, v, r unsafe.Pointer) {
		h, rh := (*sliceHeader)(v), (*sliceHeader)(r)
		e.varint(int64(sliceLenCode(h) - sliceLenCode(rh)))
		if h.len == 0 {
			return
		}
		if rh != nil && rh.len == h.len && allKeysEqual(el, h, rh, size) {
			e.buf = append(e.buf, 0)
			for i := range h.len {
				encFields(e, el, at(h, i, size), at(rh, i, size), false)
			}
			return
		}
		e.buf = append(e.buf, 1)
		var idx keyIndex
		cursor := 0
		for i := range h.len {
			cur := at(h, i, size)
			m := -1
			if rh != nil && cursor < rh.len && keysEqual(el, cur, at(rh, cursor, size)) {
				e.buf = append(e.buf, 0)
				m = cursor
			} else {
				e.buf = append(e.buf, 1)
				encFields(e, el, cur, nil, true)
				m = idx.find(e, el, rh, size, cur)
			}
			var rp unsafe.Pointer
			if m >= 0 {
				rp = at(rh, m, size)
				cursor = m + 1
			}
			encFields(e, el, cur, rp, false)
		}
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
		switch d.byte() {
		case 0:
			if rh == nil || rh.len != n {
				d.fail(errors.New("keyed slice: same-keys mode without a matching reference"))
				return
			}
			for i := 0; i < n && d.err == nil; i++ {
				cur, ref := at(h, i, size), at(rh, i, size)
				copyKeys(el, cur, ref)
				decFields(d, el, cur, ref, false)
			}
		case 1:
			var idx keyIndex
			var scratch encoder
			cursor := 0
			for i := 0; i < n && d.err == nil; i++ {
				cur := at(h, i, size)
				m := -1
				switch d.byte() {
				case 0:
					if rh == nil || cursor >= rh.len {
						d.fail(errors.New("keyed slice: match beyond the reference"))
						return
					}
					m = cursor
					copyKeys(el, cur, at(rh, m, size))
				case 1:
					decFields(d, el, cur, nil, true)
					m = idx.find(&scratch, el, rh, size, cur)
				default:
					d.fail(errors.New("keyed slice: bad match code"))
					return
				}
				var rp unsafe.Pointer
				if m >= 0 {
					rp = at(rh, m, size)
					cursor = m + 1
				}
				decFields(d, el, cur, rp, false)
			}
		default:
			d.fail(errors.New("keyed slice: bad mode"))
		}
	}
	return enc, dec
}

// encFields encodes the key fields (keys true) or the other fields of a struct.
func encFields(e *encoder, st *plan, v, r unsafe.Pointer, keys bool) {
	for i := range st.fields {
		f := &st.fields[i]
		if f.key != keys {
			continue
		}
		var rf unsafe.Pointer
		if r != nil {
			rf = unsafe.Add(r, f.off)
		}
		f.p.enc(e, unsafe.Add(v, f.off), rf)
	}
}

func decFields(d *decoder, st *plan, v, r unsafe.Pointer, keys bool) {
	for i := range st.fields {
		f := &st.fields[i]
		if f.key != keys {
			continue
		}
		var rf unsafe.Pointer
		if r != nil {
			rf = unsafe.Add(r, f.off)
		}
		f.p.dec(d, unsafe.Add(v, f.off), rf)
		if d.err != nil {
			return
		}
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
		x.m = make(map[string]int, rh.len)
		for i := range rh.len {
			e.keyBuf = appendKey(e.keyBuf[:0], st, at(rh, i, size))
			if _, dup := x.m[string(e.keyBuf)]; !dup {
				x.m[string(e.keyBuf)] = i
			}
		}
	}
	e.keyBuf = appendKey(e.keyBuf[:0], st, v)
	if i, ok := x.m[string(e.keyBuf)]; ok {
		return i
	}
	return -1
}
