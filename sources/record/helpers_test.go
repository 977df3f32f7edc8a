package record

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/ktop-dev/ktop/sources"
	"github.com/ktop-dev/ktop/sources/collect"
)

// collectFrom takes one snapshot with the real collectors over fs.
func collectFrom(set *collect.Set, seq uint64) *sources.Snapshot {
	s := &sources.Snapshot{Seq: seq, Time: time.Now()}
	set.Collect(s)
	return s
}

// fixtureSnapshots runs the collectors over the two 16-CPU fixture trees (a, then b: 1 s
// apart on the real machine).
func fixtureSnapshots(t testing.TB) []*sources.Snapshot {
	t.Helper()
	var out []*sources.Snapshot
	for i, d := range []string{"a", "b"} {
		root := filepath.Join("testdata", "proc-16cpu", d)
		set := collect.NewSet(collect.FS{Proc: filepath.Join(root, "proc"), Sys: filepath.Join(root, "sys"), Dev: filepath.Join(root, "dev")})
		out = append(out, collectFrom(set, uint64(i+1)))
		set.Close()
	}
	if out[0].Stat == nil {
		t.Fatalf("fixture: no /proc/stat: %v", out[0].Status)
	}
	return out
}

// liveSnapshots samples this machine n times, every gap.
func liveSnapshots(t testing.TB, n int, gap time.Duration) []*sources.Snapshot {
	t.Helper()
	if _, err := os.Stat("/proc/stat"); err != nil {
		t.Skip("no /proc here")
	}
	set := collect.NewSet(collect.DefaultFS())
	defer set.Close()
	out := make([]*sources.Snapshot, 0, n)
	for i := range n {
		if i > 0 {
			time.Sleep(gap)
		}
		out = append(out, collectFrom(set, uint64(i+1)))
	}
	return out
}

// normalize rewrites every time.Time reachable from v (a pointer) to UTC without its
// monotonic reading: a recording keeps the instant, not the zone or the monotonic clock.
func normalize(v any) {
	normValue(reflect.ValueOf(v))
}

func normValue(v reflect.Value) {
	switch {
	case v.Type() == timeType:
		if v.CanSet() {
			t := v.Interface().(time.Time)
			if !t.IsZero() {
				v.Set(reflect.ValueOf(t.UTC()))
			}
		}
	case v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface:
		if !v.IsNil() {
			normValue(v.Elem())
		}
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				normValue(v.Field(i))
			}
		}
	case v.Kind() == reflect.Slice || v.Kind() == reflect.Array:
		for i := range v.Len() {
			normValue(v.Index(i))
		}
	case v.Kind() == reflect.Map:
		it := v.MapRange()
		for it.Next() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			normValue(e)
			v.SetMapIndex(it.Key(), e)
		}
	}
}

// equalNormalized compares two values after normalising copies of their times.
func equalNormalized[T any](a, b *T) bool {
	ca, cb := deepCopy(a), deepCopy(b)
	normalize(ca)
	normalize(cb)
	return reflect.DeepEqual(ca, cb)
}

// deepCopy copies a value with reflect, not with the codec under test.
func deepCopy[T any](v *T) *T {
	return copyValue(reflect.ValueOf(v)).Interface().(*T)
}

func copyValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(copyValue(v.Elem()))
		return n
	case reflect.Struct:
		if v.Type() == timeType {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				n.Field(i).Set(copyValue(v.Field(i)))
			}
		}
		return n
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(copyValue(v.Index(i)))
		}
		return n
	case reflect.Array:
		n := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			n.Index(i).Set(copyValue(v.Index(i)))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		n := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			n.SetMapIndex(it.Key(), copyValue(it.Value()))
		}
		return n
	}
	return v
}

// writeFile records values of T into a new file with the given block size.
func writeFile[T any](t testing.TB, path string, vals []*T, blockSamples int) {
	t.Helper()
	writeFileVersion(t, path, vals, blockSamples, FormatVersion)
}

// writeFileVersion does so in format version ver.
func writeFileVersion[T any](t testing.TB, path string, vals []*T, blockSamples, ver int) {
	t.Helper()
	w, err := createVersion(path, Header{Hostname: "test"}, reflect.TypeFor[T](), ver)
	if err != nil {
		t.Fatal(err)
	}
	if blockSamples > 0 {
		w.blockSamples = blockSamples
	}
	for i, v := range vals {
		if err := w.append(unsafe.Pointer(v)); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// readAll opens data as a recording of T and reads every sample it can; lost samples are nil.
func readAll[T any](t testing.TB, data []byte) (out []*T, warns []string, err error) {
	t.Helper()
	fr, err := openReaderAt(bytes.NewReader(data), int64(len(data)), reflect.TypeFor[T]())
	if err != nil {
		return nil, nil, err
	}
	for i := range fr.total {
		p, err := fr.at(i)
		if err != nil {
			out = append(out, nil)
			continue
		}
		out = append(out, (*T)(p))
	}
	return out, fr.warnings(), nil
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
