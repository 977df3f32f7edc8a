package record

import (
	"fmt"
	"reflect"
	"time"
	"unsafe"
)

// A file is decoded in two steps when its schema differs from the reader's Go types:
//
//  1. samples are decoded into a "wire" type that mirrors the file's schema exactly, so every
//     field — known to this version or not — keeps its reference for the next sample's delta;
//     wherever a part of the file's schema has the same shape as the reader's type, the wire
//     type is the reader's own type (no copy, no conversion);
//  2. a converter copies the wire value into the reader's type field by field, by name: file
//     fields the reader lacks are dropped, reader fields the file lacks stay zero, numbers
//     convert between widths.
//
// When the whole schema matches (the usual case) the wire type is the reader's type and step 2
// does not exist.

// readPlan says how to read a file's samples into values of a Go type.
type readPlan struct {
	ver    int // the format version whose encodings the file uses
	wire   reflect.Type
	plan   *plan
	conv   convFunc // nil: wire is target
	target reflect.Type
	notes  []string // what the schema difference drops or leaves zero
}

// convFunc copies the wire value at src into the zeroed target value at dst.
type convFunc func(dst, src unsafe.Pointer)

// maxWireSize bounds the size of one synthesised type, against a hostile schema.
const maxWireSize = 1 << 20

func newReadPlan(fs *schema, target reflect.Type, ver int) (rp *readPlan, err error) {
	sb := &schemaBuilder{seen: map[reflect.Type]int{}}
	root, err := sb.add(target)
	if err != nil {
		return nil, err
	}
	gs := &schema{types: sb.types, root: root}
	b := &wireBuilder{fs: fs, gs: gs, gidx: sb.seen, wires: map[wireKey]reflect.Type{}}
	// reflect.StructOf and friends panic on types they cannot build; the schema was validated,
	// but a panic here must still become an error, never a crash of the reader.
	defer func() {
		if p := recover(); p != nil {
			rp, err = nil, fmt.Errorf("schema: cannot build reader types: %v", p)
		}
	}()
	wire, err := b.wire(fs.root, target)
	if err != nil {
		return nil, err
	}
	pl, err := planFor(wire, ver)
	if err != nil {
		return nil, err
	}
	rp = &readPlan{ver: ver, wire: wire, plan: pl, target: target}
	if wire != target {
		rp.conv = b.conv(fs.root, wire, target, target.Name())
		if rp.conv == nil {
			return nil, fmt.Errorf("schema: the file's samples cannot be read as %s", target)
		}
	}
	rp.notes = b.notes
	return rp, nil
}

type wireKey struct {
	fi     int
	target reflect.Type
}

type wireBuilder struct {
	fs, gs *schema
	gidx   map[reflect.Type]int // reader type → its index in gs
	wires  map[wireKey]reflect.Type
	notes  []string
}

var scalarTypes = map[kind]reflect.Type{
	kBool: reflect.TypeFor[bool](), kInt8: reflect.TypeFor[int8](), kInt16: reflect.TypeFor[int16](),
	kInt32: reflect.TypeFor[int32](), kInt64: reflect.TypeFor[int64](), kUint8: reflect.TypeFor[uint8](),
	kUint16: reflect.TypeFor[uint16](), kUint32: reflect.TypeFor[uint32](), kUint64: reflect.TypeFor[uint64](),
	kFloat32: reflect.TypeFor[float32](), kFloat64: reflect.TypeFor[float64](),
	kString: reflect.TypeFor[string](), kTime: reflect.TypeFor[time.Time](),
}

// wire returns the type that file type fi decodes into; hint is the reader's type at the same
// place (nil if none), used as is when its shape matches.
func (b *wireBuilder) wire(fi int, hint reflect.Type) (reflect.Type, error) {
	if hint != nil {
		if gi, ok := b.gidx[hint]; ok && sameShape(b.fs, fi, b.gs, gi) {
			return hint, nil
		}
	}
	key := wireKey{fi, hint}
	if t, ok := b.wires[key]; ok {
		return t, nil
	}
	ft := &b.fs.types[fi]
	elemHint := func() reflect.Type {
		if hint != nil {
			switch hint.Kind() {
			case reflect.Slice, reflect.Array, reflect.Pointer, reflect.Map:
				return hint.Elem()
			}
		}
		return nil
	}
	var t reflect.Type
	switch ft.kind {
	case kStruct:
		var hf map[string]reflect.Type
		if h := derefStruct(hint); h != nil {
			hf = map[string]reflect.Type{}
			for _, f := range recordedFields(h) {
				hf[f.Name] = f.Type
			}
		}
		fields := make([]reflect.StructField, len(ft.fields))
		for i, f := range ft.fields {
			wt, err := b.wire(f.typ, hf[f.name])
			if err != nil {
				return nil, err
			}
			fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: wt}
			if f.key {
				fields[i].Tag = `record:"key"`
			}
		}
		t = reflect.StructOf(fields)
	case kSlice, kPointer, kArray:
		et, err := b.wire(ft.elem, elemHint())
		if err != nil {
			return nil, err
		}
		switch ft.kind {
		case kSlice:
			t = reflect.SliceOf(et)
		case kPointer:
			t = reflect.PointerTo(et)
		default:
			if et.Size() != 0 && uintptr(ft.length) > maxWireSize/et.Size() {
				return nil, fmt.Errorf("schema: array too large")
			}
			t = reflect.ArrayOf(ft.length, et)
		}
	case kMap:
		var kh reflect.Type
		if hint != nil && hint.Kind() == reflect.Map {
			kh = hint.Key()
		}
		kt, err := b.wire(ft.key, kh)
		if err != nil {
			return nil, err
		}
		et, err := b.wire(ft.elem, elemHint())
		if err != nil {
			return nil, err
		}
		t = reflect.MapOf(kt, et)
	default:
		t = scalarTypes[ft.kind]
	}
	if t == nil || t.Size() > maxWireSize {
		return nil, fmt.Errorf("schema: cannot build a type for %s", b.fs.describe(fi))
	}
	b.wires[key] = t
	return t, nil
}

func derefStruct(t reflect.Type) reflect.Type {
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && t.Kind() == reflect.Struct && t != timeType {
		return t
	}
	return nil
}

func (b *wireBuilder) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

// conv builds the converter from wire type w (file type fi) to reader type t; nil when the
// two cannot be converted.
func (b *wireBuilder) conv(fi int, w, t reflect.Type, path string) convFunc {
	if w == t {
		return func(dst, src unsafe.Pointer) {
			reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(t, src).Elem())
		}
	}
	ft := &b.fs.types[fi]
	tk, err := kindOf(t)
	if err != nil {
		return nil
	}
	switch {
	case ft.kind.isNum() && tk.isNum():
		return numConv(ft.kind, t)
	case ft.kind == kPointer && tk == kPointer:
		sub := b.conv(ft.elem, w.Elem(), t.Elem(), path)
		if sub == nil {
			return nil
		}
		et := t.Elem()
		return func(dst, src unsafe.Pointer) {
			if q := *(*unsafe.Pointer)(src); q != nil {
				n := reflect.New(et).UnsafePointer()
				sub(n, q)
				*(*unsafe.Pointer)(dst) = n
			}
		}
	case ft.kind == kPointer:
		sub := b.conv(ft.elem, w.Elem(), t, path)
		if sub == nil {
			return nil
		}
		return func(dst, src unsafe.Pointer) {
			if q := *(*unsafe.Pointer)(src); q != nil {
				sub(dst, q)
			}
		}
	case tk == kPointer:
		sub := b.conv(fi, w, t.Elem(), path)
		if sub == nil {
			return nil
		}
		et := t.Elem()
		return func(dst, src unsafe.Pointer) {
			n := reflect.New(et).UnsafePointer()
			sub(n, src)
			*(*unsafe.Pointer)(dst) = n
		}
	case ft.kind == kSlice && tk == kSlice:
		sub := b.conv(ft.elem, w.Elem(), t.Elem(), path+"[]")
		if sub == nil {
			return nil
		}
		ws, ts := w.Elem().Size(), t.Elem().Size()
		return func(dst, src unsafe.Pointer) {
			sh := (*sliceHeader)(src)
			if sh.data == nil {
				return
			}
			dh := (*sliceHeader)(dst)
			dh.data = reflect.MakeSlice(t, sh.len, sh.len).UnsafePointer()
			dh.len, dh.cap = sh.len, sh.len
			for i := range sh.len {
				sub(at(dh, i, ts), at(sh, i, ws))
			}
		}
	case ft.kind == kArray && tk == kArray:
		sub := b.conv(ft.elem, w.Elem(), t.Elem(), path+"[]")
		if sub == nil {
			return nil
		}
		n := min(w.Len(), t.Len())
		ws, ts := w.Elem().Size(), t.Elem().Size()
		return func(dst, src unsafe.Pointer) {
			for i := range n {
				sub(unsafe.Add(dst, uintptr(i)*ts), unsafe.Add(src, uintptr(i)*ws))
			}
		}
	case ft.kind == kMap && tk == kMap:
		kc := b.conv(ft.key, w.Key(), t.Key(), path)
		vc := b.conv(ft.elem, w.Elem(), t.Elem(), path+"[]")
		if kc == nil || vc == nil {
			return nil
		}
		return func(dst, src unsafe.Pointer) {
			sm := reflect.NewAt(w, src).Elem()
			if sm.IsNil() {
				return
			}
			dm := reflect.MakeMapWithSize(t, sm.Len())
			it := sm.MapRange()
			sk, sv := reflect.New(w.Key()), reflect.New(w.Elem())
			for it.Next() {
				sk.Elem().Set(it.Key())
				sv.Elem().Set(it.Value())
				dk, dv := reflect.New(t.Key()), reflect.New(t.Elem())
				kc(dk.UnsafePointer(), sk.UnsafePointer())
				vc(dv.UnsafePointer(), sv.UnsafePointer())
				dm.SetMapIndex(dk.Elem(), dv.Elem())
			}
			reflect.NewAt(t, dst).Elem().Set(dm)
		}
	case ft.kind == kStruct && tk == kStruct:
		return b.structConv(fi, w, t, path)
	case ft.kind == tk && (tk == kString || tk == kBool || tk == kTime):
		return func(dst, src unsafe.Pointer) {
			reflect.NewAt(t, dst).Elem().Set(reflect.NewAt(w, src).Elem().Convert(t))
		}
	}
	return nil
}

func (b *wireBuilder) structConv(fi int, w, t reflect.Type, path string) convFunc {
	type step struct {
		src, dst uintptr
		c        convFunc
	}
	ft := &b.fs.types[fi]
	byName := map[string]int{}
	for i, f := range ft.fields {
		byName[f.name] = i
	}
	var steps []step
	matched := map[string]bool{}
	for _, tf := range recordedFields(t) {
		i, ok := byName[tf.Name]
		if !ok {
			b.note("field %s.%s is not in the file: left zero", path, tf.Name)
			continue
		}
		matched[tf.Name] = true
		f := ft.fields[i]
		wf := w.Field(i)
		c := b.conv(f.typ, wf.Type, tf.Type, path+"."+tf.Name)
		if c == nil {
			b.note("field %s.%s is a %s in the file and a %s here: left zero", path, tf.Name, b.fs.describe(f.typ), tf.Type)
			continue
		}
		steps = append(steps, step{wf.Offset, tf.Offset, c})
	}
	for _, f := range ft.fields {
		if !matched[f.name] {
			b.note("field %s.%s of the file is unknown here: skipped", path, f.name)
		}
	}
	return func(dst, src unsafe.Pointer) {
		for _, s := range steps {
			s.c(unsafe.Add(dst, s.dst), unsafe.Add(src, s.src))
		}
	}
}

// numConv converts between integer and float kinds; out-of-range values wrap or truncate as a
// Go conversion does.
func numConv(from kind, t reflect.Type) convFunc {
	load := func(src unsafe.Pointer) (i int64, u uint64, f float64) {
		switch from {
		case kInt8:
			i = int64(*(*int8)(src))
		case kInt16:
			i = int64(*(*int16)(src))
		case kInt32:
			i = int64(*(*int32)(src))
		case kInt64:
			i = *(*int64)(src)
		case kUint8:
			u = uint64(*(*uint8)(src))
		case kUint16:
			u = uint64(*(*uint16)(src))
		case kUint32:
			u = uint64(*(*uint32)(src))
		case kUint64:
			u = *(*uint64)(src)
		case kFloat32:
			f = float64(*(*float32)(src))
		case kFloat64:
			f = *(*float64)(src)
		}
		switch {
		case from.isInt():
			u, f = uint64(i), float64(i)
		case from.isUint():
			i, f = int64(u), float64(u)
		default:
			i, u = int64(f), uint64(f)
		}
		return i, u, f
	}
	return func(dst, src unsafe.Pointer) {
		i, u, f := load(src)
		v := reflect.NewAt(t, dst).Elem()
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			v.SetInt(i)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			v.SetUint(u)
		default:
			v.SetFloat(f)
		}
	}
}
