package record

import (
	"bytes"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/ktop-dev/ktop/sources"
)

// kitchen holds every kind the codec supports, for round trips of edge values.
type kitchen struct {
	Time  time.Time
	B     bool
	I8    int8
	I16   int16
	I32   int32
	I64   int64
	I     int
	U8    uint8
	U16   uint16
	U32   uint32
	U64   uint64
	U     uint
	F32   float32
	F64   float64
	S     string
	D     time.Duration
	T     time.Time
	Arr   [3]uint32
	Ints  []int
	Strs  []string
	Grid  [][]uint64
	Ptr   *inner
	PP    **inner
	Rows  []row  // keyed by Name
	Pids  []proc // keyed by PID + Start
	Plain []inner
	Cnt   map[string]uint64
	Sig   map[string]int64
	ByID  map[int32]inner
	Flags map[bool]string
	Skip  chan int `record:"-"`
	priv  int
}

type inner struct {
	A uint64
	B string
	C *float64
}

type row struct {
	Name   string `record:"key"`
	Counts []uint64
	Total  uint64
}

type proc struct {
	PID   int    `record:"key"`
	Start uint64 `record:"key"`
	Comm  string
	UTime uint64
	Load  float64
	Busy  bool
	Flags []bool
}

func fp(f float64) *float64 { return &f }

func kitchenSeries() []*kitchen {
	base := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	in := &inner{A: 1, B: "x", C: fp(0.25)}
	a := &kitchen{
		Time: base, B: true, I8: math.MinInt8, I16: math.MaxInt16, I32: -5, I64: math.MinInt64, I: -1,
		U8: 255, U16: 1, U32: math.MaxUint32, U64: math.MaxUint64, U: 7,
		F32: 1.5, F64: 12345.67, S: "héllo\x00world", D: -time.Second, T: time.Unix(-1, 5),
		Arr: [3]uint32{1, 2, math.MaxUint32}, Ints: []int{}, Strs: []string{"a", "", "a"},
		Grid: [][]uint64{{1, 2}, nil, {}}, Ptr: in, PP: &in,
		Rows:  []row{{Name: "LOC", Counts: []uint64{5, 6}, Total: 11}, {Name: "TLB", Counts: []uint64{0, 0}}},
		Pids:  []proc{{PID: 1, Start: 10, Comm: "init", UTime: 5, Load: 0.5, Busy: true, Flags: []bool{true, false}}, {PID: 2, Start: 11, Comm: "kthreadd"}},
		Plain: []inner{{A: 1}, {B: "b"}},
		Cnt:   map[string]uint64{"pgfault": 10, "pswpin": 0, "": 3},
		Sig:   map[string]int64{"CurrEstab": -3, "InSegs": math.MaxInt64},
		ByID:  map[int32]inner{-1: {A: 9}, 4: {C: fp(1)}},
		Flags: map[bool]string{true: "yes", false: "no"},
	}
	b := deepCopy(a)
	b.Time = base.Add(time.Second)
	b.I8, b.I64, b.U8, b.U32, b.U64 = math.MaxInt8, math.MaxInt64, 0, 0, 0 // wraps
	b.F32, b.F64 = float32(math.Inf(-1)), 12346.68
	b.S, b.T = "", time.Time{}
	b.Ints, b.Strs, b.Grid = nil, []string{"b", "héllo\x00world"}, [][]uint64{{3}}
	b.Ptr = nil
	b.Rows = []row{{Name: "TLB", Counts: []uint64{1, 0}, Total: 1}, {Name: "NEW"}, {Name: "LOC", Counts: []uint64{7, 6, 1}, Total: 14}}
	b.Pids = []proc{{PID: 1, Start: 10, Comm: "init", UTime: 9, Load: 1e-300, Flags: []bool{false, false, true}},
		{PID: 2, Start: 99, Comm: "reused"}, {PID: 3, Start: 12, Comm: "new", Load: math.Copysign(0, -1)}}
	b.Cnt = map[string]uint64{"pgfault": 12, "pswpin": 1, "": 3}
	b.Sig = map[string]int64{"CurrEstab": 4, "new": 1}
	b.ByID = map[int32]inner{}
	b.Flags = nil
	c := deepCopy(b)
	c.Time = base.Add(2 * time.Second)
	c.Rows = append([]row{}, c.Rows...) // same keys: the same-keys mode
	c.Rows[0].Total = 2
	c.Pids = c.Pids[:2] // a removal at the end
	c.Cnt = map[string]uint64{"pgfault": 0, "pswpin": 1, "": 3}
	c.F64 = math.MaxFloat64
	d := deepCopy(c)
	d.Time = base.Add(3 * time.Second)
	d.Pids = []proc{{PID: 2, Start: 99, Comm: "reused", UTime: 1, Busy: true}, {PID: 1, Start: 10, Comm: "init", Busy: true},
		{PID: 2, Start: 99, Comm: "dup key"}} // reordered, duplicated
	d.Rows = nil
	return []*kitchen{a, b, c, d}
}

func TestRoundTripKinds(t *testing.T) {
	t.Parallel()
	vals := kitchenSeries()
	for _, ver := range versions {
		for _, blockSamples := range []int{1, 2, 60} {
			path := filepath.Join(t.TempDir(), "k.ktop")
			writeFileVersion(t, path, vals, blockSamples, ver)
			data := mustRead(t, path)
			have, warns, err := readAll[kitchen](t, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) != 0 {
				t.Errorf("v%d, blocks of %d: warnings %q", ver, blockSamples, warns)
			}
			if len(have) != len(vals) {
				t.Fatalf("v%d, blocks of %d: have %d samples, want %d", ver, blockSamples, len(have), len(vals))
			}
			for i, want := range vals {
				want := deepCopy(want)
				want.Skip, want.priv = nil, 0
				if !equalNormalized(want, have[i]) {
					t.Errorf("v%d, blocks of %d, sample %d:\nwant %+v\nhave %+v", ver, blockSamples, i, want, have[i])
				}
			}
		}
	}
}

func TestFloatsExact(t *testing.T) {
	t.Parallel()
	type fl struct {
		F   float64
		F32 float32
	}
	vals := []float64{0, 0.01, 0.1, 1.23, -4.56, 12345.67, 1e15, math.SmallestNonzeroFloat64, math.NaN(),
		math.Inf(1), math.Copysign(0, -1), 0.3, 1 / 3.0, 45035996273704.95, -45035996273704.95, 2.5e-7}
	var series []*fl
	for _, v := range vals {
		series = append(series, &fl{F: v, F32: float32(v)})
	}
	for _, ver := range versions {
		pl, err := planFor(reflect.TypeFor[fl](), ver)
		if err != nil {
			t.Fatal(err)
		}
		be := newBlockEncoder(pl)
		var raw []byte
		for _, v := range series {
			raw, _ = be.add(raw, unsafe.Pointer(v))
		}
		s, _ := schemaOf(reflect.TypeFor[fl]())
		rp, err := newReadPlan(s, reflect.TypeFor[fl](), ver)
		if err != nil {
			t.Fatal(err)
		}
		bd := newBlockDecoder(rp)
		bd.reset(raw)
		for i, want := range series {
			p, err := bd.next()
			if err != nil {
				t.Fatalf("%d: %v", i, err)
			}
			have := (*fl)(p)
			if math.Float64bits(have.F) != math.Float64bits(want.F) || math.Float32bits(have.F32) != math.Float32bits(want.F32) {
				t.Errorf("%d: want %v/%v, have %v/%v", i, want.F, want.F32, have.F, have.F32)
			}
		}
	}
}

// An unchanged sample is the root's empty change mask: one byte.
func TestUnchangedIsOneByte(t *testing.T) {
	t.Parallel()
	vals := kitchenSeries()
	for _, ver := range versions {
		pl, err := planFor(reflect.TypeFor[kitchen](), ver)
		if err != nil {
			t.Fatal(err)
		}
		e := newEncoder()
		e.encode(pl, unsafe.Pointer(vals[1]), nil) // so that maps' key orders are remembered
		same := e.encode(pl, unsafe.Pointer(vals[1]), unsafe.Pointer(vals[1]))
		if want, have := []byte{0}, same; !bytes.Equal(want, have) {
			t.Errorf("unchanged sample: want % x, have % x", want, have)
		}
		other := deepCopy(vals[1])
		other.Pids[1].UTime++
		// The root mask, the slice, and in version 2 a byte per unchanged column.
		if have := e.encode(pl, unsafe.Pointer(other), unsafe.Pointer(vals[1])); len(have) > 16 {
			t.Errorf("one changed counter: want a few bytes, have % x", have)
		}
	}
}

func TestUnsupportedTypes(t *testing.T) {
	t.Parallel()
	type withChan struct{ C chan int }
	type withIface struct{ I any }
	type badKey struct {
		K float64 `record:"key"`
	}
	type withBadKey struct{ S []badKey }
	type withFloatMap struct{ M map[float64]int }
	type rec struct{ Next *rec }
	tests := []struct {
		name string
		t    reflect.Type
		want string
	}{
		{"chan", reflect.TypeFor[withChan](), "cannot be recorded"},
		{"interface", reflect.TypeFor[withIface](), "cannot be recorded"},
		{"float key", reflect.TypeFor[withBadKey](), "key field"},
		{"float map key", reflect.TypeFor[withFloatMap](), "map keys"},
		{"recursive", reflect.TypeFor[rec](), "recursive"},
	}
	for _, tt := range tests {
		_, err := planFor(tt.t, FormatVersion)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s plan: want error with %q, have %v", tt.name, tt.want, err)
		}
		_, err = schemaOf(tt.t)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s schema: want error with %q, have %v", tt.name, tt.want, err)
		}
	}
}

func TestSchemaMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, typ := range []reflect.Type{reflect.TypeFor[kitchen](), snapshotType} {
		s, err := schemaOf(typ)
		if err != nil {
			t.Fatal(err)
		}
		back, err := unmarshalSchema(s.marshal(nil))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s, back) {
			t.Errorf("%s: schema changed in a round trip", typ)
		}
		if !sameShape(s, s.root, back, back.root) {
			t.Errorf("%s: sameShape false for identical schemas", typ)
		}
	}
}

// A struct of more than 64 fields takes more than one mask word.
func TestWideStruct(t *testing.T) {
	t.Parallel()
	var fields []reflect.StructField
	for i := range 130 {
		fields = append(fields, reflect.StructField{Name: "F" + strconv.Itoa(i), Type: reflect.TypeFor[uint64]()})
	}
	wide := reflect.StructOf(fields)
	for _, ver := range versions {
		pl, err := planFor(wide, ver)
		if err != nil {
			t.Fatal(err)
		}
		sch, _ := schemaOf(wide)
		rp, err := newReadPlan(sch, wide, ver)
		if err != nil {
			t.Fatal(err)
		}
		var vals []reflect.Value
		for k := range 4 {
			v := reflect.New(wide)
			for _, i := range []int{0, 63, 64, 65, 127, 128, 129} {
				v.Elem().Field(i).SetUint(uint64(k * i))
			}
			vals = append(vals, v)
		}
		be := newBlockEncoder(pl)
		var raw []byte
		for _, v := range vals {
			raw, _ = be.add(raw, v.UnsafePointer())
		}
		bd := newBlockDecoder(rp)
		bd.reset(raw)
		for k, want := range vals {
			p, err := bd.next()
			if err != nil {
				t.Fatalf("%d: %v", k, err)
			}
			if have := reflect.NewAt(wide, p); !reflect.DeepEqual(want.Interface(), have.Interface()) {
				t.Errorf("%d: want %v, have %v", k, want.Elem(), have.Elem())
			}
		}
	}
}

// A large machine's sample must stay within the decoder's budgets: 10,000 processes, every
// one unchanged (one byte each, the cheapest encoding for the most allocation).
func TestLargeSampleWithinBudget(t *testing.T) {
	t.Parallel()
	type big struct {
		Procs []sources.Proc
	}
	a := &big{}
	for i := range 10000 {
		a.Procs = append(a.Procs, sources.Proc{PID: i, StartTime: uint64(i), Comm: "worker", Cmdline: "/usr/bin/worker --id " + strconv.Itoa(i), UTime: uint64(i)})
	}
	b := &big{Procs: append([]sources.Proc(nil), a.Procs...)}
	b.Procs[7].UTime++
	path := filepath.Join(t.TempDir(), "big.ktop")
	writeFile(t, path, []*big{a, b, b}, 0)
	have, warns, err := readAll[big](t, mustRead(t, path))
	if err != nil || len(warns) > 0 || len(have) != 3 {
		t.Fatalf("read: %v %q, %d samples", err, warns, len(have))
	}
	for i, want := range []*big{a, b, b} {
		if !reflect.DeepEqual(want, have[i]) {
			t.Errorf("sample %d differs", i)
		}
	}
}

// A map column's keys must come sorted; the first out of order fails the decoder.
func TestDecMapKeysOrder(t *testing.T) {
	for _, tt := range []struct {
		in   []string
		want []string
		ok   bool
	}{
		{[]string{"a", "b", "c"}, []string{"a", "b", "c"}, true},
		{[]string{"a", "c", "b"}, []string{"a", "c"}, false},
		{[]string{"a", "a"}, []string{"a"}, false}, // a key twice
		{nil, []string{}, true},
	} {
		d := &decoder{}
		i := 0
		have := decMapKeys(d, len(tt.in), func() string { i++; return tt.in[i-1] }, func(a, b string) bool { return a < b })
		if !slices.Equal(have, tt.want) || (d.err == nil) != tt.ok {
			t.Errorf("%q: want %q ok %v, have %q err %v", tt.in, tt.want, tt.ok, have, d.err)
		}
	}
}
