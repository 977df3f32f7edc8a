package record

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// kind is the wire kind of a schema type. The numbers are part of the file format: never
// renumber, only add.
type kind uint8

const (
	kBool kind = 1 + iota
	kInt8
	kInt16
	kInt32
	kInt64
	kUint8
	kUint16
	kUint32
	kUint64
	kFloat32
	kFloat64
	kString
	kTime // time.Time, as Unix seconds + nanoseconds
	kStruct
	kSlice
	kArray
	kMap
	kPointer
	kindEnd // first unused number
)

var kindNames = [...]string{kBool: "bool", kInt8: "int8", kInt16: "int16", kInt32: "int32",
	kInt64: "int64", kUint8: "uint8", kUint16: "uint16", kUint32: "uint32", kUint64: "uint64",
	kFloat32: "float32", kFloat64: "float64", kString: "string", kTime: "time", kStruct: "struct",
	kSlice: "slice", kArray: "array", kMap: "map", kPointer: "pointer"}

func (k kind) String() string {
	if k > 0 && k < kindEnd {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

func (k kind) isInt() bool   { return k >= kInt8 && k <= kInt64 }
func (k kind) isUint() bool  { return k >= kUint8 && k <= kUint64 }
func (k kind) isFloat() bool { return k == kFloat32 || k == kFloat64 }
func (k kind) isNum() bool   { return k.isInt() || k.isUint() || k.isFloat() }

// keyable kinds may be map keys and slice element keys: they compare and hash exactly.
func (k kind) keyable() bool { return k == kBool || k.isInt() || k.isUint() || k == kString }

// Limits a file's schema must respect; they keep a hostile header from building huge types.
const (
	maxTypes    = 4096
	maxFields   = 1024
	maxNameLen  = 256
	maxArrayLen = 4096
)

// schemaType describes one Go type as the file stores it. Types refer to each other by index
// into schema.types, and only to lower indices, so a schema can never be cyclic.
type schemaType struct {
	kind   kind
	name   string // Go type name ("sources.Disk"), for people reading a dump; never matched on
	elem   int    // slice, array, pointer: element; map: value
	key    int    // map key
	length int    // array length
	fields []schemaField
}

type schemaField struct {
	name string
	typ  int
	key  bool // part of the element key when the struct sits in a slice (`record:"key"`)
}

// schema is the type tree of what each sample holds; root is the sample's type.
type schema struct {
	types []schemaType
	root  int
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	errRecursive = errors.New("recursive type")
)

// recordTag reads a struct field's `record` tag: "-" excludes it, "key" marks a key field.
func recordTag(f reflect.StructField) (skip, key bool) {
	for _, opt := range strings.Split(f.Tag.Get("record"), ",") {
		switch opt {
		case "-":
			skip = true
		case "key":
			key = true
		}
	}
	return skip, key
}

// recordedFields lists the struct fields that are recorded: exported and not tagged "-".
// Schema building and plan compiling both use it, so they always agree.
func recordedFields(t reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if skip, _ := recordTag(f); skip {
			continue
		}
		out = append(out, f)
	}
	return out
}

// kindOf maps a Go type to its wire kind. int and uint are recorded at their size on this
// platform, so a 64-bit and a 32-bit build differ only in width, which the reader converts.
func kindOf(t reflect.Type) (kind, error) {
	if t == timeType {
		return kTime, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return kBool, nil
	case reflect.Int8:
		return kInt8, nil
	case reflect.Int16:
		return kInt16, nil
	case reflect.Int32:
		return kInt32, nil
	case reflect.Int64:
		return kInt64, nil
	case reflect.Int:
		if t.Size() == 8 {
			return kInt64, nil
		}
		return kInt32, nil
	case reflect.Uint8:
		return kUint8, nil
	case reflect.Uint16:
		return kUint16, nil
	case reflect.Uint32:
		return kUint32, nil
	case reflect.Uint64:
		return kUint64, nil
	case reflect.Uint:
		if t.Size() == 8 {
			return kUint64, nil
		}
		return kUint32, nil
	case reflect.Float32:
		return kFloat32, nil
	case reflect.Float64:
		return kFloat64, nil
	case reflect.String:
		return kString, nil
	case reflect.Struct:
		return kStruct, nil
	case reflect.Slice:
		return kSlice, nil
	case reflect.Array:
		return kArray, nil
	case reflect.Map:
		return kMap, nil
	case reflect.Pointer:
		return kPointer, nil
	}
	return 0, fmt.Errorf("%s: kind %s cannot be recorded (tag the field `record:\"-\"`)", t, t.Kind())
}

// schemaOf describes a Go type.
func schemaOf(t reflect.Type) (*schema, error) {
	b := &schemaBuilder{seen: map[reflect.Type]int{}}
	root, err := b.add(t)
	if err != nil {
		return nil, err
	}
	return &schema{types: b.types, root: root}, nil
}

type schemaBuilder struct {
	types []schemaType
	seen  map[reflect.Type]int // -1 while the type is being built: a cycle
}

func (b *schemaBuilder) add(t reflect.Type) (int, error) {
	if i, ok := b.seen[t]; ok {
		if i < 0 {
			return 0, fmt.Errorf("%s: %w", t, errRecursive)
		}
		return i, nil
	}
	b.seen[t] = -1
	k, err := kindOf(t)
	if err != nil {
		return 0, err
	}
	st := schemaType{kind: k, name: typeName(t)}
	switch k {
	case kStruct:
		for _, f := range recordedFields(t) {
			ft, err := b.add(f.Type)
			if err != nil {
				return 0, fmt.Errorf("%s.%s: %w", t, f.Name, err)
			}
			_, key := recordTag(f)
			if key && !b.types[ft].kind.keyable() {
				return 0, fmt.Errorf("%s.%s: a key field must be a bool, integer or string", t, f.Name)
			}
			st.fields = append(st.fields, schemaField{name: f.Name, typ: ft, key: key})
		}
	case kSlice, kPointer, kArray:
		if st.elem, err = b.add(t.Elem()); err != nil {
			return 0, err
		}
		st.length = 0
		if k == kArray {
			st.length = t.Len()
		}
	case kMap:
		if st.key, err = b.add(t.Key()); err != nil {
			return 0, err
		}
		if !b.types[st.key].kind.keyable() {
			return 0, fmt.Errorf("%s: map keys must be bools, integers or strings", t)
		}
		if st.elem, err = b.add(t.Elem()); err != nil {
			return 0, err
		}
	}
	b.types = append(b.types, st)
	b.seen[t] = len(b.types) - 1
	return len(b.types) - 1, nil
}

// marshal appends the schema's binary form (docs/file-format.md, "Schema").
func (s *schema) marshal(b []byte) []byte {
	b = appendUvarint(b, uint64(len(s.types)))
	for _, t := range s.types {
		b = append(b, byte(t.kind))
		b = appendString(b, t.name)
		switch t.kind {
		case kStruct:
			b = appendUvarint(b, uint64(len(t.fields)))
			for _, f := range t.fields {
				b = appendString(b, f.name)
				b = appendUvarint(b, uint64(f.typ))
				var flags uint64
				if f.key {
					flags |= 1
				}
				b = appendUvarint(b, flags)
			}
		case kSlice, kPointer:
			b = appendUvarint(b, uint64(t.elem))
		case kArray:
			b = appendUvarint(b, uint64(t.elem))
			b = appendUvarint(b, uint64(t.length))
		case kMap:
			b = appendUvarint(b, uint64(t.key))
			b = appendUvarint(b, uint64(t.elem))
		}
	}
	return appendUvarint(b, uint64(s.root))
}

// unmarshalSchema parses and validates a schema: references point backwards, kinds are known,
// names are sane, keys are keyable, sizes are bounded.
func unmarshalSchema(b []byte) (*schema, error) {
	r := &byteReader{b: b}
	n := r.uvarint()
	if n == 0 || n > maxTypes {
		return nil, fmt.Errorf("schema: %d types", n)
	}
	s := &schema{types: make([]schemaType, 0, n)}
	ref := func(i int) int {
		v := r.uvarint()
		if v >= uint64(i) {
			r.fail(fmt.Errorf("schema: type %d refers to type %d", i, v))
			return 0
		}
		return int(v)
	}
	for i := 0; i < int(n) && r.err == nil; i++ {
		t := schemaType{kind: kind(r.byte()), name: r.string(maxNameLen)}
		switch t.kind {
		case kStruct:
			nf := r.uvarint()
			if nf > maxFields {
				return nil, fmt.Errorf("schema: type %d has %d fields", i, nf)
			}
			seen := map[string]bool{}
			for range nf {
				f := schemaField{name: r.string(maxNameLen), typ: ref(i)}
				flags := r.uvarint()
				f.key = flags&1 != 0
				if r.err != nil {
					break
				}
				if seen[f.name] {
					return nil, fmt.Errorf("schema: type %d: field %q twice", i, f.name)
				}
				seen[f.name] = true
				if f.key && !s.types[f.typ].kind.keyable() {
					return nil, fmt.Errorf("schema: type %d: key field %q of kind %s", i, f.name, s.types[f.typ].kind)
				}
				t.fields = append(t.fields, f)
			}
		case kSlice, kPointer:
			t.elem = ref(i)
		case kArray:
			t.elem = ref(i)
			l := r.uvarint()
			if l > maxArrayLen {
				return nil, fmt.Errorf("schema: array of %d", l)
			}
			t.length = int(l)
		case kMap:
			t.key = ref(i)
			t.elem = ref(i)
			if r.err == nil && !s.types[t.key].kind.keyable() {
				return nil, fmt.Errorf("schema: type %d: map key of kind %s", i, s.types[t.key].kind)
			}
		default:
			if t.kind == 0 || t.kind >= kindEnd {
				return nil, fmt.Errorf("schema: type %d: unknown kind %d", i, t.kind)
			}
		}
		s.types = append(s.types, t)
	}
	s.root = ref(len(s.types))
	if r.err != nil {
		return nil, r.err
	}
	if s.types[s.root].kind != kStruct {
		return nil, fmt.Errorf("schema: root is a %s, not a struct", s.types[s.root].kind)
	}
	return s, nil
}

// sameShape reports whether type i of a and type j of b encode identically: same kinds, same
// fields in the same order with the same keys. Type names do not matter.
func sameShape(a *schema, i int, b *schema, j int) bool {
	return shapeEq(a, i, b, j, map[[2]int]bool{})
}

func shapeEq(a *schema, i int, b *schema, j int, memo map[[2]int]bool) bool {
	if v, ok := memo[[2]int{i, j}]; ok {
		return v
	}
	ta, tb := &a.types[i], &b.types[j]
	eq := ta.kind == tb.kind
	switch {
	case !eq:
	case ta.kind == kStruct:
		eq = len(ta.fields) == len(tb.fields)
		for k := 0; eq && k < len(ta.fields); k++ {
			fa, fb := ta.fields[k], tb.fields[k]
			eq = fa.name == fb.name && fa.key == fb.key && shapeEq(a, fa.typ, b, fb.typ, memo)
		}
	case ta.kind == kSlice || ta.kind == kPointer:
		eq = shapeEq(a, ta.elem, b, tb.elem, memo)
	case ta.kind == kArray:
		eq = ta.length == tb.length && shapeEq(a, ta.elem, b, tb.elem, memo)
	case ta.kind == kMap:
		eq = shapeEq(a, ta.key, b, tb.key, memo) && shapeEq(a, ta.elem, b, tb.elem, memo)
	}
	memo[[2]int{i, j}] = eq
	return eq
}

// typeName is the package-qualified name of a named type, "" for a type literal (whose
// String() can be long and says nothing the schema does not).
func typeName(t reflect.Type) string {
	if t.Name() == "" {
		return ""
	}
	n := t.String()
	if len(n) > maxNameLen {
		n = n[:maxNameLen]
	}
	return n
}

// describe renders type i for messages, e.g. "[]sources.Disk".
func (s *schema) describe(i int) string {
	t := s.types[i]
	if t.name != "" {
		return t.name
	}
	return t.kind.String()
}
