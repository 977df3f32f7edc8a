package record

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
	"unsafe"
)

// Maps are written in key order. After the length code (as for slices) comes a mode byte:
//
//	0: the same key set as the reference map: the values follow in key order, each against
//	   the reference's value of that key;
//	1: each entry's key (against zero) and value (against the reference's value of that key,
//	   or zero); keys must be strictly increasing.
//
// The common map[string]<64-bit integer> (vmstat, TCP counters) has a reflection-free path
// that remembers each map's sorted keys and values for the next sample; it writes the same
// bytes as the general path, so either may read what the other wrote.

func mapOps(p *plan) (encFunc, decFunc) {
	k, el := p.key.kind, p.elem.kind
	if k == kString && p.key.t.Kind() == reflect.String &&
		(el == kInt64 || el == kUint64) && p.elem.t.Size() == 8 && p.elem.t != timeType {
		return encStrU64Map, decStrU64Map
	}
	return genericMapOps(p)
}

// mapPtr is the identity of a map: the pointer its variable holds.
func mapPtr(m map[string]uint64) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&m)) }

func mapLenCode(m map[string]uint64) int {
	if m == nil {
		return 0
	}
	return len(m) + 1
}

// encStrU64Map treats a map[string]int64 as map[string]uint64: same layout and hashing, and
// the delta is taken modulo 2^64 either way.
func encStrU64Map(e *encoder, v, r unsafe.Pointer) bool {
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
		for _, x := range d {
			e.varint(x)
			changed = changed || x != 0
		}
	} else {
		e.buf = append(e.buf, 1)
		for i, k := range keys {
			e.str(k, "")
			e.varint(d[i])
		}
	}
	return changed
}

// refStrU64Map is the reference map at r, nil when there is none.
func refStrU64Map(r unsafe.Pointer) map[string]uint64 {
	if r == nil {
		return nil
	}
	return *(*map[string]uint64)(r)
}

// strU64Memo is what the encoder keeps of a map[string]uint64 it wrote, for the next sample's
// map written against it: the keys in order (shared from sample to sample while they stay
// the same) and their values.
type strU64Memo struct {
	keys []string
	vals []uint64
}

// strU64Deltas returns the keys of non-empty m in the order they are written, each value's
// delta from rm's value of that key (zero where rm has none) in the encoder's scratch, and
// whether the keys are those of rm as written in the previous sample (mode 0). It remembers
// m's keys and values for the next sample.
func (e *encoder) strU64Deltas(m, rm map[string]uint64) (keys []string, d []int64, same bool) {
	d, vals := e.scratchDeltas(len(m)), e.takeVals(len(m))
	prev, ok := e.prevKeys[mapPtr(rm)]
	if ok && !e.lookupMaps && len(rm) == len(m) && len(prev.keys) == len(m) {
		keys, same = prev.keys, deltasFromMemo(m, prev, vals, d)
	}
	if !same {
		keys, same = deltasByLookup(m, rm, prev.keys, ok, vals, d)
	}
	e.keys[mapPtr(m)] = strU64Memo{keys, vals}
	return keys, d, same
}

// deltasFromMemo is strU64Deltas when the reference was written in the previous sample, so
// that its keys in order and values are remembered: m has the same keys if it has all of
// them (the counts are equal), and one lookup a key both checks that and finds the delta.
// The memo is the reference's own as long as samples are not changed once written
// (blockEncoder.add), so this writes what deltasByLookup would. It reports false, with vals
// and d partly filled, when a key is missing.
func deltasFromMemo(m map[string]uint64, prev strU64Memo, vals []uint64, d []int64) bool {
	for i, k := range prev.keys {
		x, ok := m[k]
		if !ok {
			return false
		}
		vals[i], d[i] = x, int64(x-prev.vals[i])
	}
	return true
}

// deltasByLookup is strU64Deltas the general way, looking every key up in both maps: the same
// keys (mode 0) are those remembered for rm (rk, when known) if both maps hold all of them,
// otherwise m's keys are sorted.
func deltasByLookup(m, rm map[string]uint64, rk []string, known bool, vals []uint64, d []int64) ([]string, bool) {
	same := known && rm != nil && len(rm) == len(m) && len(rk) == len(m) && hasAll(m, rk) && hasAll(rm, rk)
	keys := rk
	if !same {
		keys = sortedKeys(m)
	}
	for i, k := range keys {
		x := m[k]
		vals[i], d[i] = x, int64(x-rm[k])
	}
	return keys, same
}

func hasAll(m map[string]uint64, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func decStrU64Map(d *decoder, v, r unsafe.Pointer) {
	rm := refStrU64Map(r)
	n, isNil := d.count(mapLenCode(rm), 1, 2)
	if isNil || !d.charge(48*n+48) {
		return
	}
	m := make(map[string]uint64, n)
	*(*map[string]uint64)(v) = m
	if n == 0 {
		return
	}
	var keys []string
	switch d.byte() {
	case 0:
		rk, ok := d.prevKeys[mapPtr(rm)]
		if !ok {
			rk = sortedKeys(rm)
		}
		if len(rk) != n {
			d.fail(errors.New("map: same-keys mode without a matching reference"))
			return
		}
		keys = rk
		for _, k := range keys {
			m[k] = rm[k] + uint64(d.varint())
		}
	case 1:
		keys = make([]string, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			k := d.str("")
			if i > 0 && k <= keys[i-1] {
				d.fail(errors.New("map: keys out of order"))
				return
			}
			keys = append(keys, k)
			m[k] = rm[k] + uint64(d.varint())
		}
	default:
		d.fail(errors.New("map: bad mode"))
		return
	}
	d.keys[mapPtr(m)] = keys
}

func sortedKeys(m map[string]uint64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// genericMapOps handles any keyable key and any value type, through reflect (maps other than
// the counters' are small: Status has one entry per source).
func genericMapOps(p *plan) (encFunc, decFunc) {
	kp, vp := p.key, p.elem
	cmpKeys := keyCompare(kp.kind)
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
		changed := !same || dl != 0
		if same {
			e.buf = append(e.buf, 0)
		} else {
			e.buf = append(e.buf, 1)
		}
		kt, vt := reflect.New(p.t.Key()).Elem(), reflect.New(p.t.Elem()).Elem()
		rt := reflect.New(p.t.Elem()).Elem()
		for _, k := range keys {
			kt.Set(k)
			if !same {
				kp.enc(e, kt.Addr().UnsafePointer(), nil)
			}
			vt.Set(m.MapIndex(k))
			var rp unsafe.Pointer
			if rm.IsValid() {
				if rv := rm.MapIndex(k); rv.IsValid() {
					rt.Set(rv)
					rp = rt.Addr().UnsafePointer()
				}
			}
			if vp.enc(e, vt.Addr().UnsafePointer(), rp) {
				changed = true
			}
		}
		return changed
	}
	dec := func(d *decoder, v, r unsafe.Pointer) {
		var rm reflect.Value
		if r != nil {
			rm = reflect.NewAt(p.t, r).Elem()
		}
		n, isNil := d.count(reflectLenCode(rm), vp.minLen, addWork(kp.work, vp.work))
		if isNil || !d.charge(n*int(p.t.Key().Size()+p.t.Elem().Size()+16)+48) {
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
			if !rm.IsValid() || rm.Len() != n {
				d.fail(errors.New("map: same-keys mode without a matching reference"))
				return
			}
			keys = rm.MapKeys()
			slices.SortFunc(keys, cmpKeys)
		case 1:
		default:
			d.fail(errors.New("map: bad mode"))
			return
		}
		var prev reflect.Value
		for i := 0; i < n && d.err == nil; i++ {
			var k reflect.Value
			if keys != nil {
				k = keys[i]
			} else {
				kv := reflect.New(p.t.Key())
				kp.dec(d, kv.UnsafePointer(), nil)
				k = kv.Elem()
				if prev.IsValid() && cmpKeys(prev, k) >= 0 {
					d.fail(errors.New("map: keys out of order"))
					return
				}
				prev = k
			}
			var rp unsafe.Pointer
			if rm.IsValid() {
				if rv := rm.MapIndex(k); rv.IsValid() {
					rt := reflect.New(p.t.Elem())
					rt.Elem().Set(rv)
					rp = rt.UnsafePointer()
				}
			}
			val := reflect.New(p.t.Elem())
			vp.dec(d, val.UnsafePointer(), rp)
			m.SetMapIndex(k, val.Elem())
		}
	}
	return enc, dec
}

func reflectLenCode(m reflect.Value) int {
	if !m.IsValid() || m.IsNil() {
		return 0
	}
	return m.Len() + 1
}

func keyCompare(k kind) func(a, b reflect.Value) int {
	switch {
	case k == kString:
		return func(a, b reflect.Value) int { return cmp.Compare(a.String(), b.String()) }
	case k.isInt():
		return func(a, b reflect.Value) int { return cmp.Compare(a.Int(), b.Int()) }
	case k.isUint():
		return func(a, b reflect.Value) int { return cmp.Compare(a.Uint(), b.Uint()) }
	}
	return func(a, b reflect.Value) int {
		x, y := a.Bool(), b.Bool()
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
}

// mapLens reads the map of type t at v and its reference at r (invalid when r is nil), and
// writes the change of length code from the reference's, which every map encoding starts with.
func (e *encoder) mapLens(t reflect.Type, v, r unsafe.Pointer) (m, rm reflect.Value, dl int) {
	m = reflect.NewAt(t, v).Elem()
	if r != nil {
		rm = reflect.NewAt(t, r).Elem()
	}
	dl = reflectLenCode(m) - reflectLenCode(rm)
	e.varint(int64(dl))
	return m, rm, dl
}
