package record

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Two versions of one record type, as ktop's Snapshot may change between releases: fields
// added, removed, widened, retyped, reordered; a key field widened.
type evoOld struct {
	Time  time.Time
	Seq   uint64
	Count uint32
	Gone  string
	Kind  string
	Items []evoItemOld
	Sub   *evoSubOld
	M     map[string]uint64
	Arr   [2]uint8
}

type evoItemOld struct {
	ID  int32 `record:"key"`
	V   uint64
	Old float64
}

type evoSubOld struct {
	A int
	B string
}

type evoNew struct {
	Seq   uint64
	Time  time.Time
	Count uint64
	Added []string
	Kind  int
	Items []evoItemNew
	Sub   *evoSubNew
	M     map[string]int64
	Arr   [2]uint16
}

type evoItemNew struct {
	ID  int64 `record:"key"`
	V   uint64
	New bool
}

type evoSubNew struct {
	B string
	C []int
}

func oldSeries() []*evoOld {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	var out []*evoOld
	for i := range 7 {
		v := &evoOld{
			Time: t0.Add(time.Duration(i) * time.Second), Seq: uint64(i), Count: uint32(100 * i),
			Gone: strings.Repeat("g", i), Kind: "k",
			Items: []evoItemOld{{ID: 1, V: uint64(i), Old: float64(i) / 3}, {ID: int32(10 + i%2), V: 5, Old: 0.5}},
			M:     map[string]uint64{"a": uint64(i), "b": 1},
			Arr:   [2]uint8{uint8(i), 200},
		}
		if i%3 != 2 {
			v.Sub = &evoSubOld{A: i, B: "b" + strings.Repeat("x", i)}
		}
		out = append(out, v)
	}
	return out
}

// oldAsNew is what a reader with the new types must see in an old file.
func oldAsNew(o *evoOld) *evoNew {
	n := &evoNew{Seq: o.Seq, Time: o.Time, Count: uint64(o.Count), M: map[string]int64{},
		Arr: [2]uint16{uint16(o.Arr[0]), uint16(o.Arr[1])}}
	for _, it := range o.Items {
		n.Items = append(n.Items, evoItemNew{ID: int64(it.ID), V: it.V})
	}
	if o.Sub != nil {
		n.Sub = &evoSubNew{B: o.Sub.B}
	}
	for k, v := range o.M {
		n.M[k] = int64(v)
	}
	return n
}

func newSeries() []*evoNew {
	var out []*evoNew
	for i, o := range oldSeries() {
		n := oldAsNew(o)
		n.Added = []string{"x", strings.Repeat("y", i)}
		n.Kind = i
		for j := range n.Items {
			n.Items[j].New = (i+j)%2 == 0
		}
		if n.Sub != nil {
			n.Sub.C = []int{i, -i}
		}
		out = append(out, n)
	}
	return out
}

// newAsOld is what a reader with the old types must see in a new file.
func newAsOld(n *evoNew) *evoOld {
	o := &evoOld{Seq: n.Seq, Time: n.Time, Count: uint32(n.Count), M: map[string]uint64{},
		Arr: [2]uint8{uint8(n.Arr[0]), uint8(n.Arr[1])}}
	for _, it := range n.Items {
		o.Items = append(o.Items, evoItemOld{ID: int32(it.ID), V: it.V})
	}
	if n.Sub != nil {
		o.Sub = &evoSubOld{B: n.Sub.B}
	}
	for k, v := range n.M {
		o.M[k] = uint64(v)
	}
	return o
}

func TestSchemaEvolution(t *testing.T) {
	t.Parallel()
	for _, ver := range versions {
		t.Run(vname(ver), func(t *testing.T) { testSchemaEvolution(t, ver) })
	}
}

func testSchemaEvolution(t *testing.T, ver int) {
	dir := t.TempDir()
	t.Run("old file, new reader", func(t *testing.T) {
		path := filepath.Join(dir, "old.ktop")
		writeFileVersion(t, path, oldSeries(), 3, ver)
		have, warns, err := readAll[evoNew](t, mustRead(t, path))
		if err != nil {
			t.Fatal(err)
		}
		for i, o := range oldSeries() {
			if want := oldAsNew(o); !equalNormalized(want, have[i]) {
				t.Errorf("sample %d:\nwant %+v\nhave %+v", i, want, have[i])
			}
		}
		wantNotes := []string{
			"schema: field evoNew.Added is not in the file: left zero",
			"schema: field evoNew.Kind is a string in the file and a int here: left zero",
			"schema: field evoNew.Items[].New is not in the file: left zero",
			"schema: field evoNew.Items[].Old of the file is unknown here: skipped",
			"schema: field evoNew.Sub.C is not in the file: left zero",
			"schema: field evoNew.Sub.A of the file is unknown here: skipped",
			"schema: field evoNew.Gone of the file is unknown here: skipped",
		}
		checkNotes(t, wantNotes, warns)
	})
	t.Run("new file, old reader", func(t *testing.T) {
		path := filepath.Join(dir, "new.ktop")
		writeFileVersion(t, path, newSeries(), 4, ver)
		have, warns, err := readAll[evoOld](t, mustRead(t, path))
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range newSeries() {
			if want := newAsOld(n); !equalNormalized(want, have[i]) {
				t.Errorf("sample %d:\nwant %+v\nhave %+v", i, want, have[i])
			}
		}
		checkNotes(t, []string{
			"schema: field evoOld.Gone is not in the file: left zero",
			"schema: field evoOld.Added of the file is unknown here: skipped",
		}, warns)
	})
	t.Run("appending with another schema is refused", func(t *testing.T) {
		path := filepath.Join(dir, "old2.ktop")
		writeFileVersion(t, path, oldSeries(), 3, ver)
		if _, err := openAppend(path, reflect.TypeFor[evoNew]()); err == nil {
			t.Error("want an error")
		}
		w, err := openAppend(path, reflect.TypeFor[evoOld]())
		if err != nil {
			t.Fatalf("same schema: %v", err)
		}
		w.Close()
	})
}

func checkNotes(t *testing.T, want, have []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(have, w) {
			t.Errorf("missing note %q in %q", w, have)
		}
	}
}

// A file whose header says it is from a newer, incompatible format version is refused with a
// clear error instead of being misread.
func TestNewerVersionRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "v.ktop")
	writeFile(t, path, oldSeries(), 0)
	data := mustRead(t, path)
	// Rewrite both header frames with the version after this one (keeping their checksums
	// valid).
	var out []byte
	s := newScanner(bytesReaderAt(data), int64(len(data)), func(string) {})
	for {
		fr, ok := s.next()
		if !ok {
			break
		}
		p := append([]byte(nil), fr.payload...)
		if fr.typ == frameHeader {
			p[0] = FormatVersion + 1
		}
		out = appendFrame(out, fr.typ, p)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), "newer format version") {
		t.Errorf("want a newer-version error, have %v", err)
	}
}
