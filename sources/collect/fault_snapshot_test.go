package collect_test

import (
	"encoding/binary"
	"encoding/json"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/derive"
)

// FuzzDeriveMutatedSnapshot changes a real pair of snapshots field by field — any counter to
// any value, any list shortened, any section dropped, any timestamp moved — within what the
// parsers can produce (unsigned counters, non-negative finite decimals, ids within their
// bounds), and checks that Derive neither panics nor emits NaN, Inf, negative values or
// control characters. Counters that go backwards, CPUs that appear between samples, rows whose
// cells do not match their header and clocks that step back all come out of this.
func FuzzDeriveMutatedSnapshot(f *testing.F) {
	base := func() (prev, cur []byte) {
		baseOnce.Do(func() {
			t0 := time.Unix(1_700_000_000, 0)
			p := snapshotAt(f, fullRoot(f, "a", true), t0, "a")
			c := snapshotAt(f, fullRoot(f, "b", true), t0.Add(3740*time.Millisecond), "b")
			basePrev, _ = json.Marshal(p)
			baseCur, _ = json.Marshal(c)
		})
		return basePrev, baseCur
	}
	base()
	f.Add([]byte{})
	f.Add([]byte{0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0})             // a counter set to 0 (backwards)
	f.Add([]byte{1, 9, 0, 1, 0, 0, 0, 0, 0, 0, 0})             // a list cut
	f.Add([]byte{2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0})             // a section dropped
	f.Add([]byte{3, 1, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}) // a clock moved
	f.Add([]byte{0x80, 40, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, ops []byte) {
		pb, cb := base()
		var prev, cur sources.Snapshot
		if err := json.Unmarshal(pb, &prev); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(cb, &cur); err != nil {
			t.Fatal(err)
		}
		for len(ops) >= 11 {
			op := ops[:11]
			ops = ops[11:]
			s := &cur
			if op[0]&0x80 != 0 {
				s = &prev
			}
			mutate(s, op[0]&0x7f, int(binary.LittleEndian.Uint16(op[1:3])), binary.LittleEndian.Uint64(op[3:11]))
		}
		for _, p := range []*sources.Snapshot{nil, &prev} {
			var fr *derive.Frame
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("derive panicked: %v", r)
					}
				}()
				fr = derive.Derive(p, &cur)
			}()
			for _, problem := range checkFrame(fr) {
				t.Error(problem)
			}
		}
	})
}

var (
	baseOnce          sync.Once
	basePrev, baseCur []byte
)

// mutate applies one change to s: kind 0 sets the n-th number, 1 shortens the n-th list, 2
// drops the n-th section or pointer, 3 moves the n-th timestamp by v nanoseconds (signed).
func mutate(s *sources.Snapshot, kind byte, n int, v uint64) {
	var nums, lists, ptrs, times []reflect.Value
	var maps []mapSlot
	timeType := reflect.TypeFor[time.Time]()
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				ptrs = append(ptrs, v)
				walk(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == timeType {
				times = append(times, v)
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice:
			if v.Len() > 0 {
				lists = append(lists, v)
			}
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			if v.Type().Elem().Kind() == reflect.Int64 || v.Type().Elem().Kind() == reflect.Uint64 {
				for _, k := range v.MapKeys() {
					maps = append(maps, mapSlot{v, k})
				}
			}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Float64:
			nums = append(nums, v)
		}
	}
	walk(reflect.ValueOf(s).Elem())
	switch kind % 4 {
	case 0:
		if len(nums)+len(maps) == 0 {
			return
		}
		if i := n % (len(nums) + len(maps)); i < len(nums) {
			setNum(nums[i], v)
		} else {
			m := maps[i-len(nums)]
			nv := reflect.New(m.m.Type().Elem()).Elem()
			setNum(nv, v)
			m.m.SetMapIndex(m.k, nv)
		}
	case 1:
		if len(lists) > 0 {
			l := lists[n%len(lists)]
			l.SetLen(int(v % uint64(l.Len()+1)))
		}
	case 2:
		if len(ptrs) > 0 {
			p := ptrs[n%len(ptrs)]
			p.Set(reflect.Zero(p.Type()))
		}
	case 3:
		if len(times) > 0 {
			tv := times[n%len(times)]
			tv.Set(reflect.ValueOf(tv.Interface().(time.Time).Add(time.Duration(int64(v)))))
		}
	}
}

type mapSlot struct{ m, k reflect.Value }

// setNum stores v the way a parser could have produced it: any unsigned counter, ids and other
// ints within [0, 2^20) (CPU ids are bounded by ParseCPUList and ParseStat), int64s as -1 or
// non-negative, and decimals as non-negative finite numbers.
func setNum(dst reflect.Value, v uint64) {
	switch dst.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		dst.SetUint(v & (1<<dst.Type().Bits() - 1))
	case reflect.Int64:
		// Durations are measured (never negative); SNMP counters are unsigned in the kernel
		// but for MaxConn's -1; SpeedMbps is -1 when unknown.
		x := int64(v >> 1)
		if v&1 == 1 && dst.Type() != reflect.TypeFor[time.Duration]() {
			x = -1
		}
		dst.SetInt(x)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		dst.SetInt(int64(v % (1 << 20) % (1 << (dst.Type().Bits() - 1))))
	case reflect.Float64:
		dst.SetFloat(float64(v>>11) / 1e3)
	}
}
