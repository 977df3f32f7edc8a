package engine

import (
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/ktop-dev/ktop/sources"
)

// snapBytes estimates the memory a snapshot holds of its own: its struct and everything it
// points to, strings counted by header only, because the collectors share a process's
// unchanged strings (comm, cmdline, user) between snapshots. It is what an unencoded sample
// costs the History's budget.
func snapBytes(s *sources.Snapshot) int64 {
	if s == nil {
		return 0
	}
	return int64(unsafe.Sizeof(*s)) + deepBytes(reflect.ValueOf(s).Elem())
}

// flat caches whether a type holds no pointers, slices, maps or interfaces (its size is all).
var flat sync.Map // reflect.Type → bool

func isFlat(t reflect.Type) bool {
	if v, ok := flat.Load(t); ok {
		return v.(bool)
	}
	f := true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		f = false
	case reflect.Array:
		f = isFlat(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			f = f && isFlat(t.Field(i).Type)
		}
	}
	flat.Store(t, f)
	return f
}

// deepBytes is what v points to, beyond v's own size.
// timeType is time.Time: its location pointer leads to a zone shared by every time (often the
// global time.Local, which the time package fills in lazily from another goroutine), so it is
// counted as its own size and never walked.
var timeType = reflect.TypeFor[time.Time]()

func deepBytes(v reflect.Value) int64 {
	t := v.Type()
	if leaf(t) {
		return 0
	}
	var n int64
	switch t.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			n = int64(t.Elem().Size()) + deepBytes(v.Elem())
		}
	case reflect.Slice:
		n = int64(v.Cap()) * int64(t.Elem().Size())
		for i := range v.Len() {
			n += deepBytes(v.Index(i))
		}
	case reflect.Map:
		// A map costs about its keys and values twice over (buckets, overflow, load factor).
		n = 2 * int64(v.Len()) * int64(t.Key().Size()+t.Elem().Size())
		// The counter maps (map[string]int64) hold nothing more to count: walking them made
		// MapIter copy every key and value, 7 KB of garbage a sample.
		if leaf(t.Key()) && leaf(t.Elem()) {
			break
		}
		it := v.MapRange()
		for it.Next() {
			n += deepBytes(it.Key()) + deepBytes(it.Value())
		}
	case reflect.Interface:
		if !v.IsNil() {
			n = int64(v.Elem().Type().Size()) + deepBytes(v.Elem())
		}
	case reflect.Array:
		for i := range v.Len() {
			n += deepBytes(v.Index(i))
		}
	case reflect.Struct:
		for _, i := range walkable(t) {
			n += deepBytes(v.Field(i))
		}
	}
	return n
}

// leaf reports whether a value of type t adds nothing beyond its own size: strings (their
// bytes are not counted, see snapBytes), times and flat types.
func leaf(t reflect.Type) bool { return t.Kind() == reflect.String || t == timeType || isFlat(t) }

// walkables caches, per struct type, the fields that can point to more memory: the others
// (numbers, strings, times, flat arrays) add nothing beyond the struct's size, and skipping
// them is most of the cost of a table of processes.
var walkables sync.Map // reflect.Type → []int

func walkable(t reflect.Type) []int {
	if v, ok := walkables.Load(t); ok {
		return v.([]int)
	}
	var fields []int
	for i := range t.NumField() {
		ft := t.Field(i).Type
		if !leaf(ft) {
			fields = append(fields, i)
		}
	}
	walkables.Store(t, fields)
	return fields
}
